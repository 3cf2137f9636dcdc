#!/usr/bin/env bash
# The one test command: installs what a fresh machine lacks, checks the release build the
# Dockerfile runs, runs every test project, and ends with one "N passed, N failed" summed over their real runs.
set -uo pipefail
cd "$(dirname "$0")"

# Debian's chromium for the browser tests, its prometheus for the Grafana board's queries (GrafanaDashboardTests), and
# node with npm for a ComfyUI client library from npm driven through the relay (RelayNpmClientTests).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "${missing[*]} could not be installed"; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p artifacts
log=artifacts/test.log

echo "== dotnet publish -c Release (what the Dockerfile runs)"
if ! dotnet publish AnimeProgress.Web -c Release -o artifacts/publish --nologo -v quiet >artifacts/publish.log 2>&1; then
  cat artifacts/publish.log
  echo "0 passed, 1 failed"
  exit 1
fi

# The fast unit tests first, then the Bench's own tests, then the slow integration suite (app hosts, emulators,
# PostgreSQL, the browser). One project at a time: the integration tests need the machine to themselves.
projects=(AnimeProgress.Tests AnimeProgress.Bench.Tests AnimeProgress.IntegrationTests)
rc=0
: >"$log"
for project in "${projects[@]}"; do
  echo "== dotnet test $project"
  dotnet test --project "$project" --no-progress 2>&1 | tee "artifacts/test-$project.log"
  status=${PIPESTATUS[0]}
  [ "$status" -ne 0 ] && rc=$status
  cat "artifacts/test-$project.log" >>"$log"
  # One MTP summary per project; none means the project never got to its tests (a build error): one failure.
  awk '/^  succeeded:/{s=$2} /^  failed:/{f=$2} END{ if (s=="" && f=="") print "0 1"; else print s+0, f+0 }' \
    "artifacts/test-$project.log" >"artifacts/test-$project.counts"
done

# CI shows only the tail of this output: name every failed test (with the first lines of its message) right before
# the summary, so a failure on a machine nobody can log in to can still be read.
if grep -q '^failed ' "$log"; then
  echo "== failed tests"
  awk '/^failed /{n=12} n>0{print; n--}' "$log"
fi
awk '{p+=$1; f+=$2} END{ print p+0" passed, "f+0" failed" }' $(printf 'artifacts/test-%s.counts ' "${projects[@]}")
exit "$rc"
