#!/usr/bin/env bash
# The one test command: installs what a fresh machine lacks, checks the release build the
# Dockerfile runs, runs every test, and ends with "N passed, N failed" from the real run.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || { echo "chromium could not be installed"; echo "0 passed, 1 failed"; exit 1; }
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

echo "== dotnet test"
dotnet test --project AnimeProgress.Tests --no-progress 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# No summary means the run never got to the tests (a build error): count that as a failure.
awk '/^  succeeded:/{s=$2} /^  failed:/{f=$2} END{ if (s=="" && f=="") { print "0 passed, 1 failed" } else { print s+0" passed, "f+0" failed" } }' "$log"
exit "$rc"
