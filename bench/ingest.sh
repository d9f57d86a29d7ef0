#!/usr/bin/env bash
# OTLP ingest benchmark: a driver exports client spans over gRPC (OTLP/gRPC) to a fresh console for a
# set time with a few concurrent senders, and reports the spans/s accepted, the console's pushback
# (RESOURCE_EXHAUSTED from its bounded queue: counted, not a failure), errors and memory (sampled
# every second); then single-span exports on fresh edges, each timed until GET /api/topology lists it
# (and a second series until GET /api/topology/spans does: the same ingest step, a cheaper read).
# Before the load the driver builds and encodes exports without sending them for a few seconds: its
# own ceiling on this machine.
#
#   bench/ingest.sh                           # the recorded run: 60 s, 4 senders, 512 spans per export, 50 probes
#   DURATION=30 SENDERS=8 bench/ingest.sh     # other load settings
#   DRIVER_ARGS="--backoff-ms 100 --spans 128" bench/ingest.sh   # any other driver flag (see Program.cs usage)
#   QUEUE_CAPACITY=4096 bench/ingest.sh       # the console's Mesh:Otlp:QueueCapacity (default 1024 exports)
#   OTLP_TOKEN=api bench/ingest.sh            # the exports' bearer: join (default: the join token the mesh's sidecars
#                                             # export with) or api (an admin API token, as an OTel SDK app sends)
#   KEEP=1 bench/ingest.sh                    # keep the temporary folder (console log, driver output)
#
# Needs the .NET 10 SDK, curl, python3 and basenc (coreutils). Everything binds 127.0.0.1, every wait is bounded, and the
# console is stopped and its folder removed on exit. Prints the figures; bench/RESULTS.md records a
# run. No thresholds: this measures, it never fails on a figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-60}
SENDERS=${SENDERS:-4}
SPANS=${SPANS:-512}
PROBES=${PROBES:-50}
ENCODE_SECONDS=${ENCODE_SECONDS:-10}
QUEUE_CAPACITY=${QUEUE_CAPACITY:-}
DRIVER_ARGS=${DRIVER_ARGS:-}
OTLP_TOKEN=${OTLP_TOKEN:-join}
[[ $OTLP_TOKEN == join || $OTLP_TOKEN == api ]] || { echo "ingest.sh: OTLP_TOKEN is \"$OTLP_TOKEN\", not join or api" >&2; exit 2; }
# The driver bounds every phase itself (the load, a 60 s drain wait, 10 s per probe, two series); this is the backstop.
DRIVER_LIMIT=$((ENCODE_SECONDS + DURATION + 60 + PROBES * 2 * 11 + 120))

for tool in curl python3 dotnet timeout basenc; do
    command -v "$tool" >/dev/null || { echo "ingest.sh: $tool is missing" >&2; exit 2; }
done

# The console requires a token for OTLP and for the topology API: it makes these at its first start
# (an admin API token and a mesh-wide join token); they live only as long as this run. The admin
# password is set only so the console does not log a generated one.
token() { echo "$1_$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')"; }
API_TOKEN=$(token mat)
JOIN_TOKEN=$(token mjt)
ADMIN_PASSWORD=$(head -c 18 /dev/urandom | basenc --base64url)

WORK=$(mktemp -d /tmp/mesh-bench-ingest.XXXXXX)
CONSOLE_PID=""
stop_console() {
    [[ -n $CONSOLE_PID ]] || return 0
    kill "$CONSOLE_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$CONSOLE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CONSOLE_PID" 2>/dev/null || true
    wait "$CONSOLE_PID" 2>/dev/null || true
    CONSOLE_PID=""
}
cleanup() {
    stop_console
    if [[ -n ${KEEP:-} ]]; then echo "kept $WORK (console log, driver output)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== $(date -u +%FT%TZ) on $(nproc) cores ($(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== memory available $(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo) MiB; $(dotnet --version 2>/dev/null | sed 's/^/SDK /')"
echo "== source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l) uncommitted change(s) under src/"
echo "== build (Release)"
(cd "$ROOT" && for project in src/MeshConsole bench/Mesh.Bench.Ingest; do
    dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly
done)
CONSOLE_BIN="$ROOT/src/MeshConsole/bin/Release/net10.0"
DRIVER="$ROOT/bench/Mesh.Bench.Ingest/bin/Release/net10.0/Mesh.Bench.Ingest"

read -r P_HTTP P_CP P_GRPC P_OTLP_HTTP < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')
data="$WORK/console"
mkdir -p "$data"
echo
echo "== console (http :$P_HTTP, control plane :$P_CP, OTLP gRPC :$P_GRPC, OTLP HTTP :$P_OTLP_HTTP, data $data, queue ${QUEUE_CAPACITY:-default}; exports carry the $OTLP_TOKEN token)"
(cd "$CONSOLE_BIN" && exec env ${QUEUE_CAPACITY:+Mesh__Otlp__QueueCapacity=$QUEUE_CAPACITY} \
    Kestrel__Endpoints__Http__Url="http://127.0.0.1:$P_HTTP" \
    Kestrel__Endpoints__ControlPlane__Url="http://127.0.0.1:$P_CP" \
    Kestrel__Endpoints__OtlpGrpc__Url="http://127.0.0.1:$P_GRPC" \
    Kestrel__Endpoints__OtlpHttp__Url="http://127.0.0.1:$P_OTLP_HTTP" \
    Mesh__DataDirectory="$data" \
    Mesh__Bootstrap__AdminPassword="$ADMIN_PASSWORD" \
    Mesh__Bootstrap__ApiToken="$API_TOKEN" \
    Mesh__Bootstrap__JoinToken="$JOIN_TOKEN" \
    ./MeshConsole >"$WORK/console.log" 2>&1) &
CONSOLE_PID=$!
for i in $(seq 300); do
    curl -fsS "http://127.0.0.1:$P_HTTP/healthz" >/dev/null 2>&1 && break
    [[ $i == 300 ]] && { echo "ingest.sh: the console did not answer /healthz within 60 s" >&2; cat "$WORK/console.log" >&2; exit 1; }
    sleep 0.2
done
echo "   console pid $CONSOLE_PID, VmRSS $(awk '/^VmRSS:/ { print $2 }' "/proc/$CONSOLE_PID/status") KiB at rest"

status=0
[[ $OTLP_TOKEN == join ]] && otlp_token=$JOIN_TOKEN || otlp_token=$API_TOKEN
# shellcheck disable=SC2086 # DRIVER_ARGS is a list of flags
MESH_API_TOKEN="$API_TOKEN" MESH_OTLP_TOKEN="$otlp_token" \
    timeout --kill-after=10 "$DRIVER_LIMIT" "$DRIVER" --otlp "http://127.0.0.1:$P_GRPC" --api "http://127.0.0.1:$P_HTTP" \
    --console-pid "$CONSOLE_PID" --duration "$DURATION" --senders "$SENDERS" --spans "$SPANS" --probes "$PROBES" \
    --encode-seconds "$ENCODE_SECONDS" $DRIVER_ARGS | tee "$WORK/driver.txt" || status=$?
[[ $status == 0 ]] || echo "   the driver ended with status $status"

log="$WORK/console.log"
echo "   console log: $(wc -l <"$log") lines, $(grep -c '^warn' "$log" || true) warnings, $(grep -c '^fail' "$log" || true) errors"
grep -A1 -E '^(warn|fail)' "$log" | head -6 | sed 's/^/     /' || true
stop_console

echo
echo "== summary"
grep '^RESULT' "$WORK/driver.txt" || echo "RESULT failed (no result line)"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
