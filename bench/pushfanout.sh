#!/usr/bin/env bash
# Push fan-out benchmark: N simulated sidecars on real gRPC streams against one console; one
# revision is committed through the REST API and each stream's delay to receive (and ack) the
# snapshot carrying it is measured. A fresh console (own ports, temporary SQLite folder) per N.
# Each simulated sidecar joins as a real one does: the mesh-wide join token in its Hello and a CSR
# for its own ECDSA P-256 key, which the driver makes for all N before its clock starts (it prints
# how long that took); the console answers each with a workload certificate before the first snapshot.
#
#   bench/pushfanout.sh                     # the recorded run: N = 1000, then N = 5000
#   SIZES="200 1000" bench/pushfanout.sh    # other sizes
#   DRIVER_ARGS="--full-parse" bench/pushfanout.sh   # the driver parses every snapshot whole
#   HEARTBEAT_GRACE=00:05:00 bench/pushfanout.sh     # the console's Mesh:ControlPlane:HeartbeatGrace (default 15 s)
#   KEEP=1 bench/pushfanout.sh              # keep the temporary folder (console logs)
#   RSS_LIMIT_MIB=0 bench/pushfanout.sh     # no memory guard (see below)
#
# Memory guard: at N=5000 the console's RSS has grown past 20 GiB. So that a run cannot take the
# memory other work on the machine needs, the console is killed if its VmRSS passes RSS_LIMIT_MIB
# (default: the memory available at the start minus 3 GiB); the run then reports that it stopped.
#
# Needs the .NET 10 SDK, curl, python3 and basenc (coreutils). Everything binds 127.0.0.1, every wait is bounded, and
# the console is stopped and its folder removed on exit. Prints the figures; bench/RESULTS.md
# records a run. No thresholds: this measures, it never fails on a figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-1000 5000}
DRIVER_ARGS=${DRIVER_ARGS:-}
HEARTBEAT_GRACE=${HEARTBEAT_GRACE:-}
# The driver gives up by itself (connecting and settling, then the push); this is the backstop around it.
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-420}
PUSH_TIMEOUT=${PUSH_TIMEOUT:-120}
DRIVER_LIMIT=$((CONNECT_TIMEOUT + PUSH_TIMEOUT + 60))

for tool in curl python3 dotnet timeout basenc; do
    command -v "$tool" >/dev/null || { echo "pushfanout.sh: $tool is missing" >&2; exit 2; }
done

# Each console makes these at its first start: an admin API token (the driver commits with it) and
# a mesh-wide join token (every Hello carries it). The admin password is set only so the console
# does not log a generated one. They live only as long as this run.
token() { echo "$1_$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')"; }
API_TOKEN=$(token mat)
JOIN_TOKEN=$(token mjt)
ADMIN_PASSWORD=$(head -c 18 /dev/urandom | basenc --base64url)

AVAILABLE_MIB=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
RSS_LIMIT_MIB=${RSS_LIMIT_MIB:-$((AVAILABLE_MIB > 4096 ? AVAILABLE_MIB - 3072 : 1024))}

WORK=$(mktemp -d /tmp/mesh-bench-pushfanout.XXXXXX)
CONSOLE_PID=""
GUARD_PID=""
stop_console() {
    if [[ -n $GUARD_PID ]]; then
        kill "$GUARD_PID" 2>/dev/null || true
        wait "$GUARD_PID" 2>/dev/null || true
        GUARD_PID=""
    fi
    [[ -n $CONSOLE_PID ]] || return 0
    kill "$CONSOLE_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$CONSOLE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CONSOLE_PID" 2>/dev/null || true
    wait "$CONSOLE_PID" 2>/dev/null || true
    CONSOLE_PID=""
}
cleanup() {
    stop_console
    if [[ -n ${KEEP:-} ]]; then echo "kept $WORK (console logs, driver output)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Thousands of streams ride on a few dozen HTTP/2 connections, but leave room anyway.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); open files limit $(ulimit -n)"
echo "== memory available $AVAILABLE_MIB MiB; console RSS guard $( ((RSS_LIMIT_MIB > 0)) && echo "$RSS_LIMIT_MIB MiB" || echo off)"
echo "== source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l) uncommitted change(s) under src/"
echo "== build (Release)"
(cd "$ROOT" && for project in src/MeshConsole bench/Mesh.Bench.PushFanout; do
    dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly
done)
CONSOLE_BIN="$ROOT/src/MeshConsole/bin/Release/net10.0"
DRIVER="$ROOT/bench/Mesh.Bench.PushFanout/bin/Release/net10.0/Mesh.Bench.PushFanout"

SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"
for n in $SIZES; do
    read -r P_HTTP P_CP < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')
    data="$WORK/console-$n"
    mkdir -p "$data"
    echo
    echo "== N=$n: console (http :$P_HTTP, control plane :$P_CP, data $data, heartbeat grace ${HEARTBEAT_GRACE:-default})"
    (cd "$CONSOLE_BIN" && exec env ${HEARTBEAT_GRACE:+Mesh__ControlPlane__HeartbeatGrace=$HEARTBEAT_GRACE} \
        Kestrel__Endpoints__Http__Url="http://127.0.0.1:$P_HTTP" \
        Kestrel__Endpoints__ControlPlane__Url="http://127.0.0.1:$P_CP" \
        Kestrel__Endpoints__OtlpGrpc__Url="http://127.0.0.1:0" \
        Kestrel__Endpoints__OtlpHttp__Url="http://127.0.0.1:0" \
        Mesh__DataDirectory="$data" \
        Mesh__Bootstrap__AdminPassword="$ADMIN_PASSWORD" \
        Mesh__Bootstrap__ApiToken="$API_TOKEN" \
        Mesh__Bootstrap__JoinToken="$JOIN_TOKEN" \
        ./MeshConsole >"$WORK/console-$n.log" 2>&1) &
    CONSOLE_PID=$!
    for i in $(seq 300); do
        curl -fsS "http://127.0.0.1:$P_HTTP/healthz" >/dev/null 2>&1 && break
        [[ $i == 300 ]] && { echo "pushfanout.sh: the console did not answer /healthz within 60 s" >&2; cat "$WORK/console-$n.log" >&2; exit 1; }
        sleep 0.2
    done
    echo "   console pid $CONSOLE_PID, VmRSS $(awk '/^VmRSS:/ { print $2 }' "/proc/$CONSOLE_PID/status") KiB at rest"
    guard="$WORK/guard-$n"
    if ((RSS_LIMIT_MIB > 0)); then
        (
            while rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$CONSOLE_PID/status" 2>/dev/null) && [[ -n $rss ]]; do
                if ((rss > RSS_LIMIT_MIB)); then
                    echo "$rss" >"$guard"
                    kill -9 "$CONSOLE_PID" 2>/dev/null
                    exit 0
                fi
                sleep 0.5
            done
        ) &
        GUARD_PID=$!
    fi

    status=0
    # shellcheck disable=SC2086 # DRIVER_ARGS is a list of flags
    MESH_API_TOKEN="$API_TOKEN" MESH_JOIN_TOKEN="$JOIN_TOKEN" timeout --kill-after=10 "$DRIVER_LIMIT" "$DRIVER" --api "http://127.0.0.1:$P_HTTP" --control-plane "http://127.0.0.1:$P_CP" \
        --sidecars "$n" --console-pid "$CONSOLE_PID" --connect-timeout "$CONNECT_TIMEOUT" --push-timeout "$PUSH_TIMEOUT" $DRIVER_ARGS | tee "$WORK/driver-$n.txt" || status=$?
    [[ $status == 0 ]] || echo "   the driver ended with status $status"
    if [[ -f $guard ]]; then
        echo "   MEMORY GUARD: the console was killed at VmRSS $(cat "$guard") MiB (limit $RSS_LIMIT_MIB MiB); the figures above stop there"
        echo "RESULT sidecars=$n stopped: console VmRSS passed $RSS_LIMIT_MIB MiB" >>"$SUMMARY"
    fi
    grep '^RESULT' "$WORK/driver-$n.txt" >>"$SUMMARY" || echo "RESULT sidecars=$n failed (no result line)" >>"$SUMMARY"

    log="$WORK/console-$n.log"
    echo "   console log: $(grep -c ' connected$' "$log" || true) connects, $(grep -c '^warn' "$log" || true) warnings," \
        "$(grep -c '^fail' "$log" || true) errors, $(grep -c 'Pushed snapshot' "$log" || true) pushes; the last while all were connected:"
    grep -o 'Pushed snapshot of revision [0-9]* ([0-9a-f]*) to [0-9]* sidecar(s)' "$log" | grep " to $n sidecar" | tail -3 | sed 's/^/     /' || true
    stop_console
done

echo
echo "== summary (delays from the commit's HTTP response to each stream's receipt and ack of the snapshot)"
cat "$SUMMARY"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
