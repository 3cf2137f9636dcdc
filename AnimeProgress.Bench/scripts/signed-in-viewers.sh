#!/usr/bin/env bash
# What signing in and the instrumentation cost a live viewer (issues 14 and 19): the circuit-load tool against the
# published app in five states, each N and state in turn, repeated, on one machine:
#   before          BEFORE_CHECKOUT (main before accounts existed): every viewer anonymous, no access checks at all
#   open            AFTER_CHECKOUT, no account yet (first start: loopback is Admin), metrics off
#   signed          AFTER_CHECKOUT, every circuit signed in as a Viewer account (session sweep on), metrics off
#   signed-metrics  as signed, OpenTelemetry metrics on, /metrics scraped every 5 s with a read key
#   signed-traces   as signed-metrics, plus traces and metrics pushed over OTLP to a sink
# Every state goes through the same loopback proxy (AnimeProgress.Bench signed-in-proxy), which adds the session
# cookie only for the signed states, because circuit-load sends no cookies.
#
#   AnimeProgress.Bench/scripts/signed-in-viewers.sh BEFORE_CHECKOUT AFTER_CHECKOUT OUT_DIR
#
# Each checkout must be published first: dotnet publish AnimeProgress.Web -c Release -o <checkout>/publish;
# the after checkout's bench built: dotnet build AnimeProgress.Bench -c Release.
# CIRCUIT_LOAD: the circuit-load tool's dll (shared/tools/circuit-load, built in Release).
# Env: CIRCUITS="100 300" HOLD=20 REPEATS=2 STATES="before open signed signed-metrics signed-traces"
set -euo pipefail
BEFORE=$(cd "${1:?before checkout}" && pwd)
AFTER=$(cd "${2:?after checkout}" && pwd)
OUT=${3:?output directory}
CIRCUIT_LOAD=${CIRCUIT_LOAD:?path to circuit-load.dll}
CIRCUITS=${CIRCUITS:-"100 300"}
HOLD=${HOLD:-20}
REPEATS=${REPEATS:-2}
STATES=${STATES:-"before open signed signed-metrics signed-traces"}
BENCH="$AFTER/AnimeProgress.Bench/bin/Release/net10.0/AnimeProgress.Bench.dll"
APP_PORT=5180 PROXY_PORT=5181 SINK_PORT=5182
PASSWORD="bench-$RANDOM-$RANDOM-Viewer1!"
mkdir -p "$OUT"

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
  if [ -n "${scraper:-}" ]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; scraper=""; fi
}
trap stop_all EXIT

# The published app (Production, the built-in demo, a fresh data folder), run in the caller's process: call it in a
# subshell, so that "( app ... ) &" gives the server's own PID, which circuit-load reads CPU and memory from.
app() { # checkout data-dir env... command...
  local checkout=$1 data=$2; shift 2
  cd "$checkout/publish" && exec env ASPNETCORE_ENVIRONMENT=Production AnimeProgress__Database__DataDirectory="$data" \
    AnimeProgress__Diagnostics__LoadStats=true AnimeProgress__Limits__Requests__MaxCircuitsPerClient=20000 \
    Serilog__MinimumLevel__Default=Warning "$@"
}

run_state() { # state n label
  local state=$1 n=$2 label=$3 checkout=$AFTER data env=() proxy_args=() key=""
  data=$(mktemp -d)
  [ "$state" = before ] && checkout=$BEFORE
  case $state in
    open|signed) env+=(AnimeProgress__Metrics__Enabled=false) ;;
    signed-traces) env+=(AnimeProgress__Metrics__OtlpEndpoint="http://127.0.0.1:$SINK_PORT" AnimeProgress__Metrics__OtlpProtocol=HttpProtobuf)
                   proxy_args+=(--otlp-sink-port "$SINK_PORT") ;;
  esac
  if [[ $state == signed* ]]; then
    echo "$PASSWORD" | (app "$checkout" "$data" dotnet AnimeProgress.Web.dll users add viewer --role Viewer) > /dev/null
    proxy_args+=(--user viewer)
  fi
  if [[ $state == signed-metrics || $state == signed-traces ]]; then
    (app "$checkout" "$data" dotnet AnimeProgress.Web.dll users add prometheus --service) > /dev/null
    key=$(app "$checkout" "$data" dotnet AnimeProgress.Web.dll keys add prometheus --scope read | grep -o 'ap_[A-Za-z0-9_-]*' | head -1)
  fi

  (app "$checkout" "$data" "${env[@]}" AnimeProgress__Demo__MaxActiveJobs=20 AnimeProgress__Demo__TimeScale=0.5 \
    AnimeProgress__Dashboard__MaxRendersPerSecond=5 dotnet AnimeProgress.Web.dll --urls "http://127.0.0.1:$APP_PORT") \
    > "$OUT/server-$label.log" 2>&1 &
  local server=$!
  pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$APP_PORT/healthz" > /dev/null && break; sleep 0.5; done
  echo "$PASSWORD" | dotnet "$BENCH" signed-in-proxy --target "http://127.0.0.1:$APP_PORT/" --port "$PROXY_PORT" "${proxy_args[@]}" \
    > "$OUT/proxy-$label.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do grep -q '^signed-in-proxy:' "$OUT/proxy-$label.log" && break; sleep 0.5; done
  grep '^signed-in-proxy:' "$OUT/proxy-$label.log" || { cat "$OUT/proxy-$label.log"; exit 1; }
  if [ -n "$key" ]; then
    (while :; do curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$APP_PORT/metrics" -o /dev/null \
      || echo "scrape failed" >> "$OUT/scrape-$label.log"; sleep 5; done) &
    scraper=$!
  fi
  # A signed state measures signed-in viewers only if the app turns the anonymous away and lets the proxy's session in.
  if [[ $state == signed* ]]; then
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP_PORT/")" = 302 ] || { echo "the app let an anonymous viewer in"; exit 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY_PORT/")" = 200 ] || { echo "the proxy's session was refused"; exit 1; }
  fi
  sleep 5 # demo jobs start

  local url="http://127.0.0.1:$PROXY_PORT/"
  dotnet "$CIRCUIT_LOAD" --url "$url" --circuits 30 --ramp-per-sec 30 --duration-sec 10 --progress-sec 0 --expected-rate 5 \
    > /dev/null 2>&1 || true
  sleep 3
  dotnet "$CIRCUIT_LOAD" --url "$url" --circuits "$n" --ramp-per-sec 50 --duration-sec "$HOLD" --settle-sec 5 \
    --server-pid "$server" --stats-url "${url}diagnostics/loadstats?gc=1" --expected-rate 5 \
    --json-out "$OUT/$label.json" --label "$label" 2> /dev/null > "$OUT/$label.txt" || true
  tail -4 "$OUT/$label.txt"
  stop_all
  rm -rf "$data"
  sleep 2
}

for rep in $(seq 1 "$REPEATS"); do
  for n in $CIRCUITS; do
    for state in $STATES; do
      echo "=== N=$n $state (run $rep)"
      run_state "$state" "$n" "N$n-$state-$rep"
    done
  done
done

# One table of medians over the runs (a run where no circuit was established is left out and counted).
python3 - "$OUT" > "$OUT/summary.md" <<'PY'
import glob, json, re, statistics, sys
runs, empty = {}, []
for path in sorted(glob.glob(f"{sys.argv[1]}/N*-*-*.json")):
    n, state, _ = re.match(r".*/N(\d+)-(.*)-(\d+)\.json$", path).groups()
    data = json.load(open(path))
    (runs.setdefault((int(n), state), []) if data["established"] else empty).append(data if data["established"] else path)
print("| N | state | runs | established/failed/stalled | batches/s per viewer | EVT p50 / p99 ms | heap KiB per viewer (each run) | RSS KiB per viewer | server CPU | other CPU |")
print("| - | - | - | - | - | - | - | - | - | - |")
for (n, state), ds in sorted(runs.items(), key=lambda kv: (kv[0][0], ["before", "open", "signed", "signed-metrics", "signed-traces"].index(kv[0][1]))):
    med = lambda f: statistics.median(f(d) for d in ds)
    evt = lambda d, p: d["latencyMs"]["EVT="]["hold"][p]
    print(f"| {n} | {state} | {len(ds)} | {sum(d['established'] for d in ds)}/{sum(d['failed'] for d in ds)}/{sum(d['stalled'] for d in ds)}"
          f" | {med(lambda d: d['batchesPerSecPerCircuitHold']):.2f} | {med(lambda d: evt(d, 'p50')):.0f} / {med(lambda d: evt(d, 'p99')):.0f}"
          f" | {med(lambda d: d['serverGcHeapPerCircuitKb']):.0f} ({', '.join(str(round(d['serverGcHeapPerCircuitKb'])) for d in ds)})"
          f" | {med(lambda d: d['serverRssPerCircuitKb']):.0f} | {med(lambda d: d['cpuHold']['serverPct']):.0f}% | {med(lambda d: d['cpuHold']['otherProcessesPct']):.0f}% |")
for path in empty:
    print(f"\nNo circuit established in {path.rsplit('/', 1)[-1]} (see its server log).")
PY
cat "$OUT/summary.md"
