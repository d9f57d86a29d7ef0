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
#   STORE=postgres bench/pushfanout.sh      # the console on Postgres (a throwaway cluster started here, as
#                                           # ./test.sh does; or POSTGRES=<admin connection string>); a database per N
#   CONTROL_PLANE_TLS=1 bench/pushfanout.sh # the control plane over TLS (a mesh CA certificate; the driver
#                                           # trusts the CA file the console writes), as shipped; default h2c
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

STORE=${STORE:-sqlite}
CONTROL_PLANE_TLS=${CONTROL_PLANE_TLS:-0}
[[ $STORE == sqlite || $STORE == postgres ]] || { echo "pushfanout.sh: STORE is sqlite or postgres, not \"$STORE\"" >&2; exit 2; }
[[ $CONTROL_PLANE_TLS == 0 || $CONTROL_PLANE_TLS == 1 ]] || { echo "pushfanout.sh: CONTROL_PLANE_TLS is 0 or 1" >&2; exit 2; }
CP_SCHEME=$([[ $CONTROL_PLANE_TLS == 1 ]] && echo https || echo http)

WORK=$(mktemp -d /tmp/mesh-bench-pushfanout.XXXXXX)
CONSOLE_PID=""
GUARD_PID=""
PG_STOP=""
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
    [[ -z $PG_STOP ]] || eval "$PG_STOP"
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

# Postgres: the given server, or a throwaway cluster (fsync off, as in ./test.sh: the figures are the
# console's, not the disk's).
if [[ $STORE == postgres && -z ${POSTGRES:-} ]]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -x ${pg_bin:-}/initdb ]] || { echo "pushfanout.sh: STORE=postgres needs the postgresql package or POSTGRES=<connection string>" >&2; exit 2; }
    as_pg=()
    if [[ $(id -u) == 0 ]]; then chown postgres "$WORK"; as_pg=(runuser -u postgres --); fi
    pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$pg_bin/initdb" -D "$WORK/pg" -U postgres --auth=trust >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
        -o "-p $pg_port -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null
    PG_STOP="${as_pg[*]} $pg_bin/pg_ctl -D $WORK/pg -m immediate stop >/dev/null 2>&1 || true"
    POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
    echo "== Postgres $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (fsync off)"
fi
echo "== store $STORE, control plane $([[ $CONTROL_PLANE_TLS == 1 ]] && echo "over TLS" || echo h2c)"

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
    store_env=()
    if [[ $STORE == postgres ]]; then
        database="mesh_bench_${n}_$$"
        python3 - "$POSTGRES" "$database" <<'PY' || { echo "pushfanout.sh: could not create database $database" >&2; exit 1; }
import subprocess, sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if p)
subprocess.run(["psql", "-h", parts.get("Host", "127.0.0.1"), "-p", parts.get("Port", "5432"), "-U", parts.get("Username", "postgres"),
                "-d", parts.get("Database", "postgres"), "-qc", f"CREATE DATABASE {sys.argv[2]}"], check=True,
               env={"PGPASSWORD": parts.get("Password", ""), "PATH": "/usr/bin:/bin"})
PY
        store_env=(Mesh__Store=postgres "ConnectionStrings__Mesh=$(echo "$POSTGRES" | sed "s/Database=[^;]*/Database=$database/")")
    fi
    echo
    echo "== N=$n: console (http :$P_HTTP, control plane :$P_CP, data $data, heartbeat grace ${HEARTBEAT_GRACE:-default})"
    (cd "$CONSOLE_BIN" && exec env ${HEARTBEAT_GRACE:+Mesh__ControlPlane__HeartbeatGrace=$HEARTBEAT_GRACE} "${store_env[@]}" \
        Kestrel__Endpoints__Http__Url="http://127.0.0.1:$P_HTTP" \
        Kestrel__Endpoints__ControlPlane__Url="$CP_SCHEME://127.0.0.1:$P_CP" \
        Mesh__ControlPlane__Tls__CaFile="$data/mesh-ca.pem" \
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
    ca_flag=()
    if [[ $CONTROL_PLANE_TLS == 1 ]]; then
        for _ in $(seq 100); do [[ -s $data/mesh-ca.pem ]] && break; sleep 0.1; done
        ca_flag=(--control-plane-ca "$data/mesh-ca.pem")
    fi
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
    MESH_API_TOKEN="$API_TOKEN" MESH_JOIN_TOKEN="$JOIN_TOKEN" timeout --kill-after=10 "$DRIVER_LIMIT" "$DRIVER" --api "http://127.0.0.1:$P_HTTP" --control-plane "$CP_SCHEME://127.0.0.1:$P_CP" "${ca_flag[@]}" \
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
