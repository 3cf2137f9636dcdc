#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md against two builds of AnimeProgress, side by side, each
# benchmark once per build, in turn (before, after), on the same machine, so a refactor can show
# "no regression beyond noise".
#
#   AnimeProgress.Bench/scripts/before-after.sh BEFORE_CHECKOUT AFTER_CHECKOUT OUT_DIR
#
# Each checkout must be built first:
#   dotnet publish AnimeProgress.Web -c Release -o <checkout>/publish
#   dotnet build AnimeProgress.Bench -c Release
# CIRCUIT_LOAD: the circuit-load tool's dll (shared/tools/circuit-load, built in Release).
# Env: CIRCUITS="100 300" HOLD=20 WS_CLIENTS=500 WS_SECONDS=20 LISTEN_SECONDS=30 SKIP="" (names to skip:
#      circuits ws listen eta)
set -euo pipefail
BEFORE=$(cd "${1:?before checkout}" && pwd)
AFTER=$(cd "${2:?after checkout}" && pwd)
OUT=${3:?output directory}
CIRCUIT_LOAD=${CIRCUIT_LOAD:?path to circuit-load.dll}
CIRCUITS=${CIRCUITS:-"100 300"}
HOLD=${HOLD:-20}
WS_CLIENTS=${WS_CLIENTS:-500}
WS_SECONDS=${WS_SECONDS:-20}
LISTEN_SECONDS=${LISTEN_SECONDS:-30}
SKIP=${SKIP:-}
PORT=5180
mkdir -p "$OUT"

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

# The published app, Production, the built-in demo, a fresh data folder per run.
start_server() { # checkout label extra-env...
  local checkout=$1 label=$2; shift 2
  local data; data=$(mktemp -d)
  ( cd "$checkout/publish" && exec env ASPNETCORE_ENVIRONMENT=Production AnimeProgress__Database__DataDirectory="$data" \
      AnimeProgress__Diagnostics__LoadStats=true Serilog__MinimumLevel__Default=Warning "$@" \
      dotnet AnimeProgress.Web.dll --urls "http://127.0.0.1:$PORT" ) > "$OUT/server-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  sleep 5 # demo jobs start
}

skipped() { [[ " $SKIP " == *" $1 "* ]]; }

if ! skipped circuits; then
  for n in $CIRCUITS; do
    for side in before after; do
      checkout=$BEFORE; [ "$side" = after ] && checkout=$AFTER
      echo "=== circuits N=$n $side"
      start_server "$checkout" "circuits-$n-$side" AnimeProgress__Demo__MaxActiveJobs=20 AnimeProgress__Demo__TimeScale=0.5 \
        AnimeProgress__Dashboard__MaxRendersPerSecond=5
      dotnet "$CIRCUIT_LOAD" --url "http://127.0.0.1:$PORT/" --circuits 30 --ramp-per-sec 30 --duration-sec 10 --progress-sec 0 \
        --expected-rate 5 > /dev/null 2>&1 || true
      sleep 3
      dotnet "$CIRCUIT_LOAD" --url "http://127.0.0.1:$PORT/" --circuits "$n" --ramp-per-sec 50 --duration-sec "$HOLD" --settle-sec 5 \
        --server-pid "$server_pid" --stats-url "http://127.0.0.1:$PORT/diagnostics/loadstats?gc=1" --expected-rate 5 \
        --json-out "$OUT/circuits-$n-$side.json" --label "N=$n $side" 2> /dev/null | tee "$OUT/circuits-$n-$side.txt" | tail -4
      stop_server
      sleep 2
    done
  done
fi

if ! skipped ws; then
  # One load client (the after checkout's) against both servers, so only the server differs.
  for side in before after; do
    checkout=$BEFORE; [ "$side" = after ] && checkout=$AFTER
    echo "=== ws-load $WS_CLIENTS clients $side"
    start_server "$checkout" "ws-$side"
    dotnet "$AFTER/AnimeProgress.Bench/bin/Release/net10.0/AnimeProgress.Bench.dll" ws-load --url "http://127.0.0.1:$PORT" \
      --clients "$WS_CLIENTS" --seconds "$WS_SECONDS" --warmup 5 --pid "$server_pid" | tee "$OUT/ws-$side.txt" | tail -12
    stop_server
    sleep 2
  done
fi

if ! skipped listen; then
  # Each checkout's own bench starts its own app build and a throwaway PostgreSQL.
  for side in before after; do
    checkout=$BEFORE; [ "$side" = after ] && checkout=$AFTER
    echo "=== listen $side"
    dotnet "$checkout/AnimeProgress.Bench/bin/Release/net10.0/AnimeProgress.Bench.dll" listen --seconds "$LISTEN_SECONDS" --rate 20 \
      --app "$checkout/publish/AnimeProgress.Web.dll" | tee "$OUT/listen-$side.txt" | tail -12
  done
fi

if ! skipped eta; then
  traces=$(mktemp -d)
  dotnet "$AFTER/AnimeProgress.Bench/bin/Release/net10.0/AnimeProgress.Bench.dll" eta --generate "$traces" --jobs 320 --seed 1 > /dev/null
  for side in before after; do
    checkout=$BEFORE; [ "$side" = after ] && checkout=$AFTER
    echo "=== eta $side"
    dotnet "$checkout/AnimeProgress.Bench/bin/Release/net10.0/AnimeProgress.Bench.dll" eta --traces "$traces" | tee "$OUT/eta-$side.txt" | tail -14
  done
fi
