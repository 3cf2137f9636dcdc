#!/usr/bin/env bash
# Issue 13, items 4 and 6, measured against one build of AnimeProgress (docs/benchmarks.md, "Long queues and big
# requests (issue 13)"): the real app with one ComfyUI (the emulator) on which another program queued many prompts,
# and one oversized POST /api/jobs. Run it once per checkout (before, after) on the same machine.
#
#   AnimeProgress.Bench/scripts/long-queue.sh CHECKOUT OUT_DIR
#
# CHECKOUT must be built first: dotnet build -c Release AnimeProgress.sln
# The emulator is this tree's (EMULATOR=path to AnimeProgress.ComfyUiEmulator.dll to use another), so only the app
# differs between two runs. Needs bash, curl and python3 (standard library only).
#
# Part "queue": a fresh SQLite data folder, demo off, one instance "gpu-1" on an emulator running with a huge time
# scale, so its first prompt never finishes and everything after it stays queued. Another client id
# ("batch-script") queues one blocking prompt, then PROMPTS more (a 7-node SDXL txt2img graph, ~890 bytes each in
# GET /queue). Measured once the app follows them: RSS (VmRSS, VmHWM), managed heap after a forced GC
# (/diagnostics/loadstats?gc=1), the dashboard page (GET /, prerendered HTML) size and time, and the time of
# GET /api/jobs, GET /api/instances, GET /api/instances/gpu-1/queue (REPEATS each; 404 where it does not exist).
# Part "big": per shape in BIG_SHAPES, a fresh app and emulator and one POST /api/jobs of BIG_BYTES ("text": one
# CLIPTextEncode text of that size; "nodes": tens of thousands of small extra nodes): status, time, peak RSS (VmHWM
# reset with /proc/PID/clear_refs, plus 20 ms sampling until OBSERVE seconds after the answer) and /api/jobs total
# before and after.
#
# Env: BIG_SHAPES="text nodes" PROMPTS=20000 REPEATS=5 SETTLE=20 (seconds after the app follows the queue) BIG_BYTES=21600000
#      OBSERVE=15 TIME_SCALE=1000 WAIT_MAX=1800 (seconds to wait for the app to follow the queue)
#      MAX_RESPONSE_BYTES=67108864: passed as AnimeProgress:ComfyUi:MaxResponseBytes. The default cap (16 MiB) is
#      below a /queue of 20,000 such prompts (~17.8 MB), which the app would refuse to read; builds without the
#      option ignore it. Set it empty to run with the build's default.
#      APP_ARGS="": more app options, e.g. "--AnimeProgress:ComfyUi:QueuePollBusy=00:30:00
#      --AnimeProgress:ComfyUi:QueuePollIdle=00:30:00" so no queue read is in flight when the heap is measured.
#      CIRCUIT_LOAD=path to circuit-load.dll (optional): one live circuit on the dashboard, its render bytes.
#      SKIP="" (queue big)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECKOUT=$(cd "${1:?checkout}" && pwd)
OUT=${2:?output directory}
PROMPTS=${PROMPTS:-20000}
REPEATS=${REPEATS:-5}
SETTLE=${SETTLE:-20}
BIG_BYTES=${BIG_BYTES:-21600000}
BIG_SHAPES=${BIG_SHAPES:-text nodes}
OBSERVE=${OBSERVE:-15}
TIME_SCALE=${TIME_SCALE:-1000}
WAIT_MAX=${WAIT_MAX:-1800}
MAX_RESPONSE_BYTES=${MAX_RESPONSE_BYTES-67108864}
CIRCUIT_LOAD=${CIRCUIT_LOAD:-}
APP_ARGS=${APP_ARGS:-}
SKIP=${SKIP:-}
EMULATOR=${EMULATOR:-$HERE/../../AnimeProgress.ComfyUiEmulator/bin/Release/net10.0/AnimeProgress.ComfyUiEmulator.dll}
APP_DIR=$CHECKOUT/AnimeProgress.Web/bin/Release/net10.0
[ -f "$APP_DIR/AnimeProgress.Web.dll" ] || { echo "build $CHECKOUT first (dotnet build -c Release AnimeProgress.sln)" >&2; exit 2; }
[ -f "$EMULATOR" ] || { echo "emulator not built: $EMULATOR" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)

pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() { stop_all; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$*" | tee -a "$OUT/summary.txt"; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; } # pid field -> KiB

# free_port VAR: a free port in 39000-39999 (nothing listening, not handed out before in this run) into VAR.
used_ports=" "
free_port() {
  local port
  port=$(python3 - "$used_ports" <<'EOF'
import random, socket, sys
used = set(sys.argv[1].split())
for _ in range(500):
    p = random.randint(39000, 39999)
    if str(p) in used:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()
else:
    sys.exit("no free port in 39000-39999")
EOF
)
  used_ports+="$port "
  printf -v "$1" '%s' "$port"
}

cat > "$WORK/queue.py" <<'EOF'
# Queues N prompts on an emulated ComfyUI as another program would (its own client id), 8 connections in parallel.
import http.client, json, sys, threading, time
port, first, n, client = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def graph(i):
    return {
      "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "animagine-xl-4.0.safetensors"}},
      "6": {"class_type": "CLIPTextEncode", "inputs": {"text": f"masterpiece, 1girl, rainy shrine steps, cut {i}", "clip": ["4", 1]}},
      "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "lowres, bad anatomy, watermark", "clip": ["4", 1]}},
      "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1536, "batch_size": 1}},
      "3": {"class_type": "KSampler", "inputs": {"seed": 1000003 * i, "steps": 28, "cfg": 6.5, "sampler_name": "euler_ancestral",
            "scheduler": "karras", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
      "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
      "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": f"ep04/cut_{i:05d}", "images": ["8", 0]}},
    }
errors = []
def worker(ids):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in ids:
        c.request("POST", "/prompt", json.dumps({"prompt": graph(i), "client_id": client}), {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        if r.status != 200:
            errors.append(r.status)
started = time.time()
threads = [threading.Thread(target=worker, args=(range(first + k, first + n, 8),)) for k in range(min(8, n))]
for t in threads: t.start()
for t in threads: t.join()
print(f"queued {n - len(errors)} of {n} prompts in {time.time() - started:.1f} s")
sys.exit(1 if errors else 0)
EOF

cat > "$WORK/big.py" <<'EOF'
# A POST /api/jobs body of exactly N bytes, a valid txt2img graph made big in one of two ways:
# "text": its positive prompt text fills the rest (one huge string, like an embedded image);
# "nodes": tens of thousands of extra small CLIPTextEncode nodes (a huge tree of small JSON values).
import json, sys
size, shape, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def body(text, extra_nodes):
    workflow = {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "animagine-xl-4.0.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "lowres", "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024, "batch_size": 1}},
        "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
              "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "big", "images": ["8", 0]}}}
    text_json = json.dumps({"title": "oversized submission", "kind": "image", "workflow": workflow})
    return text_json[:-2] + "".join(extra_nodes) + "}}"  # the extra nodes go inside "workflow"
def node(i):
    return ", " + json.dumps(str(1000 + i)) + ": " + json.dumps({"class_type": "CLIPTextEncode", "inputs": {"text": f"cut {i}", "clip": ["4", 1]}})
extra = []
if shape == "nodes":
    room, i = size - len(body("", [])) - 64, 0
    while room > 0:
        extra.append(node(i)); room -= len(extra[-1]); i += 1
    extra.pop()
text = "a" * (size - len(body("", extra)))
with open(path, "w") as f:
    f.write(body(text, extra))
EOF

# Median of the numbers on stdin (lower middle for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

start_emulator() { # port
  dotnet "$EMULATOR" --port "$1" --time-scale "$TIME_SCALE" > "$OUT/emulator-$part.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/system_stats" > /dev/null && return 0; sleep 0.5; done
  echo "emulator did not start" >&2; exit 1
}

app_pid=""
start_app() { # app-port emulator-port
  local data; data=$(mktemp -d -p "$WORK")
  local extra=()
  [ -n "$MAX_RESPONSE_BYTES" ] && extra+=("--AnimeProgress:ComfyUi:MaxResponseBytes=$MAX_RESPONSE_BYTES")
  # shellcheck disable=SC2206 # APP_ARGS is a list of words on purpose
  extra+=($APP_ARGS)
  ( cd "$APP_DIR" && exec env ASPNETCORE_ENVIRONMENT=Production dotnet AnimeProgress.Web.dll --urls "http://127.0.0.1:$1" \
      --AnimeProgress:Database:DataDirectory="$data" --AnimeProgress:Demo:Enabled=false \
      --AnimeProgress:ComfyUi:Instances:0:Name=gpu-1 --AnimeProgress:ComfyUi:Instances:0:BaseUrl="http://127.0.0.1:$2" \
      --AnimeProgress:Diagnostics:LoadStats=true --Serilog:MinimumLevel:Default=Warning "${extra[@]}" ) > "$OUT/app-$part.log" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$1/readyz" > /dev/null && return 0; sleep 0.5; done
  echo "app did not become ready" >&2; exit 1
}

jobs_total() { curl -sf --max-time 120 "http://127.0.0.1:$1/api/jobs?pageSize=1" | json_field 'd["total"]'; }
untracked() { curl -sf --max-time 120 "http://127.0.0.1:$1/api/instances" | json_field 'd["instances"][0].get("untracked_queued", 0)'; }
heap_mib() { curl -sf --max-time 120 "http://127.0.0.1:$1/diagnostics/loadstats?gc=1" | json_field 'round(d["gcHeapBytes"] / 1048576, 1)'; }

# Times one GET REPEATS times; prints "median_ms status bytes".
time_get() { # url label
  local i line
  : > "$WORK/times"
  for i in $(seq 1 "$REPEATS"); do
    line=$(curl -s -o /dev/null --max-time 300 -w '%{time_total} %{http_code} %{size_download}' "$1")
    echo "$line" >> "$OUT/times-$part-$2.txt"
    echo "$line" >> "$WORK/times"
  done
  echo "$(awk '{ print $1 * 1000 }' "$WORK/times" | median) $(tail -1 "$WORK/times" | cut -d' ' -f2-3)"
}

log "== $(cd "$CHECKOUT" && git rev-parse --short HEAD) ($CHECKOUT), $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores"

skipped() { [[ " $SKIP " == *" $1 "* ]]; }

if ! skipped queue; then
  part=queue
  rm -f "$OUT"/times-queue-*.txt
  log "queue: load average at start $(load_avg)"
  free_port eport; free_port aport
  start_emulator "$eport"
  python3 "$WORK/queue.py" "$eport" 0 1 batch-script > /dev/null # the blocker: runs for as long as the run lasts
  start_app "$aport" "$eport"
  sleep 10
  log "baseline (1 job running): RSS $(( $(kib "$app_pid" VmRSS) / 1024 )) MiB, heap after GC $(heap_mib "$aport") MiB, RSS after GC $(( $(kib "$app_pid" VmRSS) / 1024 )) MiB"
  base_rss=$(kib "$app_pid" VmRSS)
  log "$(python3 "$WORK/queue.py" "$eport" 1 "$PROMPTS" batch-script) (load average $(load_avg))"
  curl -s -o "$WORK/q.json" -w '%{size_download}' "http://127.0.0.1:$eport/queue" > "$WORK/qbytes"
  log "GET /queue on the emulator: $(cat "$WORK/qbytes") bytes"
  started=$SECONDS
  want=$((PROMPTS + 1))
  while :; do
    seen=$(( $(jobs_total "$aport" || echo 0) + $(untracked "$aport" || echo 0) ))
    [ "$seen" -ge "$want" ] && break
    if [ $((SECONDS - started)) -gt "$WAIT_MAX" ]; then log "gave up: the app shows $seen of $want prompts after ${WAIT_MAX} s"; break; fi
    sleep 5
  done
  log "the app shows $seen prompts ($(jobs_total "$aport") jobs, $(untracked "$aport") counted only) $((SECONDS - started)) s after the last POST"
  sleep "$SETTLE"
  rss=$(kib "$app_pid" VmRSS); hwm=$(kib "$app_pid" VmHWM)
  # Three forced collections 10 s apart: a queue read in flight (the whole queue parsed) counts in some of them.
  heaps=$(heap_mib "$aport"); sleep 10; heaps+=" $(heap_mib "$aport")"; sleep 10; heaps+=" $(heap_mib "$aport")"
  rss_gc=$(kib "$app_pid" VmRSS)
  log "loaded: RSS $((rss / 1024)) MiB (+$(((rss - base_rss) / 1024)) MiB over baseline), peak RSS $((hwm / 1024)) MiB"
  log "heap after a forced GC, 3 times 10 s apart: $heaps MiB (median $(tr ' ' '\n' <<< "$heaps" | median)); RSS after them $((rss_gc / 1024)) MiB"
  log "GET /                          median ms, status, bytes: $(time_get "http://127.0.0.1:$aport/" page)"
  log "GET /api/jobs                  median ms, status, bytes: $(time_get "http://127.0.0.1:$aport/api/jobs" jobs)"
  log "GET /api/instances             median ms, status, bytes: $(time_get "http://127.0.0.1:$aport/api/instances" instances)"
  log "GET /api/instances/gpu-1/queue median ms, status, bytes: $(time_get "http://127.0.0.1:$aport/api/instances/gpu-1/queue" queue)"
  if [ -n "$CIRCUIT_LOAD" ]; then
    dotnet "$CIRCUIT_LOAD" --url "http://127.0.0.1:$aport/" --circuits 1 --ramp-per-sec 1 --duration-sec 5 --settle-sec 2 \
      --connect-timeout-sec 120 --max-run-sec 300 --progress-sec 0 > "$OUT/circuit-queue.txt" 2>&1 || true
    log "one live circuit: $(grep -E '^(circuits |render batches)' "$OUT/circuit-queue.txt" | tr -s ' ' | paste -sd';' -)"
  fi
  log "queue: RSS at end $(( $(kib "$app_pid" VmRSS) / 1024 )) MiB, peak $(( $(kib "$app_pid" VmHWM) / 1024 )) MiB; load average at end $(load_avg)"
  stop_all
fi

if ! skipped big; then
  part=big
  for shape in $BIG_SHAPES; do
    log "big ($shape): load average at start $(load_avg)"
    python3 "$WORK/big.py" "$BIG_BYTES" "$shape" "$WORK/big.json"
    free_port eport; free_port aport
    start_emulator "$eport"
    start_app "$aport" "$eport"
    sleep 10
    heap_mib "$aport" > /dev/null
    before_total=$(jobs_total "$aport")
    base_rss=$(kib "$app_pid" VmRSS)
    { echo 5 > "/proc/$app_pid/clear_refs"; } 2>/dev/null || true # resets VmHWM to the current RSS
    ( while kill -0 "$app_pid" 2>/dev/null; do kib "$app_pid" VmRSS; sleep 0.02; done ) > "$WORK/rss-samples" 2>/dev/null &
    sampler=$!
    answer=$(curl -s -o "$OUT/big-$shape-answer.txt" --max-time 300 -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
      --data-binary @"$WORK/big.json" "http://127.0.0.1:$aport/api/jobs" || true)
    sleep "$OBSERVE"
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    hwm=$(kib "$app_pid" VmHWM); rss_end=$(kib "$app_pid" VmRSS)
    sampled=$(sort -n "$WORK/rss-samples" | tail -1)
    peak=$(( hwm > sampled ? hwm : sampled ))
    after_total=$(jobs_total "$aport")
    log "POST /api/jobs ($shape) of $(stat -c %s "$WORK/big.json") bytes: status and seconds $answer; answer $(head -c 300 "$OUT/big-$shape-answer.txt" | tr '\n' ' ')"
    log "RSS before $((base_rss / 1024)) MiB, peak $((peak / 1024)) MiB (+$(((peak - base_rss) / 1024)) MiB), ${OBSERVE} s after the answer $((rss_end / 1024)) MiB; /api/jobs total $before_total -> $after_total"
    log "big ($shape): load average at end $(load_avg)"
    stop_all
    mv "$OUT/app-big.log" "$OUT/app-big-$shape.log"; mv "$OUT/emulator-big.log" "$OUT/emulator-big-$shape.log"
  done
fi
