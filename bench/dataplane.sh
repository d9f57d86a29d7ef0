#!/usr/bin/env bash
# Data-plane benchmark: the two-hop mesh path (caller sidecar -> callee sidecar -> upstream) against
# nginx as a keep-alive reverse proxy (one hop and two hops), all over loopback, with wrk. Targets:
#   a  wrk -> upstream (nginx answering `return 200 "ok"`)
#   b  wrk -> frontend sidecar (outbound) -> orders sidecar (inbound) -> upstream
#   b1-b3  path b again with traffic policies written on `orders` through the console's REST API,
#      each adding to the previous (b1 routes; b2 + resilience; b3 + faults); none of them changes
#      where a benchmark request goes, so they measure what evaluating the policies costs;
#      b4 deletes them and runs the plain path again, to show the drift within one run
#   c  wrk -> nginx -> upstream;  d  wrk -> nginx -> nginx -> upstream (upstream keepalive)
#
#   bench/dataplane.sh                      # the recorded run: wrk -t2 -c50 -d30s --latency per target
#   DURATION=5s bench/dataplane.sh          # a quick look
#   KEEP=1 bench/dataplane.sh               # keep the temporary folder (logs, nginx configs, wrk output)
#
# Needs the .NET 10 SDK, wrk and nginx (Debian: apt-get install -y wrk nginx). Everything binds
# 127.0.0.1 on free ports, lives in a temporary folder, and is stopped and removed on exit.
# Prints the figures; bench/RESULTS.md records a run. No thresholds: this measures, it never fails
# on a figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
HEADER="X-Mesh-Service: orders"

for tool in wrk nginx curl jq python3 dotnet; do
    command -v "$tool" >/dev/null || { echo "dataplane.sh: $tool is missing (apt-get install -y wrk nginx curl jq)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/mesh-bench-dataplane.XXXXXX)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # Bounded: a process that ignores TERM for 10 s is killed.
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n ${KEEP:-} ]]; then echo "kept $WORK (logs, nginx configs, wrk output)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports, all held open together so none is handed out twice.
read -r P_UPSTREAM P_HOP1 P_HOP2 P_ONEHOP P_HTTP P_CP P_F_OUT P_F_IN P_F_ADMIN P_F_APP P_O_OUT P_O_IN P_O_ADMIN < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(13)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l) uncommitted change(s) under src/"
echo "== build (Release)"
(cd "$ROOT" && for project in src/MeshConsole src/MeshSidecar; do
    dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly
done)
CONSOLE_BIN="$ROOT/src/MeshConsole/bin/Release/net10.0"
SIDECAR="$ROOT/src/MeshSidecar/bin/Release/net10.0/MeshSidecar"

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq $((seconds * 5))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "dataplane.sh: gave up after ${seconds}s waiting for $what" >&2
    return 1
}

# nginx: the upstream (a fixed 200 "ok") in one instance, the proxies in another.
nginx_conf() { # nginx_conf NAME SERVERS...
    local dir="$WORK/nginx-$1"
    mkdir -p "$dir/logs" "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/plain;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    # Client connections stay open for the whole run, as Kestrel's do (nginx closes after 1000 by default).
    keepalive_requests 1000000;
    keepalive_timeout 75s;
$2
}
EOF
    echo "$dir"
}

UPSTREAM_DIR=$(nginx_conf upstream "
    server { listen 127.0.0.1:$P_UPSTREAM; location / { return 200 \"ok\"; } }")

PROXY_DIR=$(nginx_conf proxy "
    upstream app { server 127.0.0.1:$P_UPSTREAM; keepalive 64; keepalive_requests 1000000; }
    upstream hop2 { server 127.0.0.1:$P_HOP2; keepalive 64; keepalive_requests 1000000; }
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";
    # One hop: client -> proxy -> upstream.
    server { listen 127.0.0.1:$P_ONEHOP; location / { proxy_pass http://app; } }
    # Two hops: client -> proxy (hop 1) -> proxy (hop 2) -> upstream.
    server { listen 127.0.0.1:$P_HOP1; location / { proxy_pass http://hop2; } }
    server { listen 127.0.0.1:$P_HOP2; location / { proxy_pass http://app; } }")

echo "== start upstream nginx :$P_UPSTREAM, proxy nginx :$P_ONEHOP (1 hop) :$P_HOP1 -> :$P_HOP2 (2 hops)"
nginx -p "$UPSTREAM_DIR" -c "$UPSTREAM_DIR/nginx.conf" -e "$UPSTREAM_DIR/logs/error.log" &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
nginx -p "$PROXY_DIR" -c "$PROXY_DIR/nginx.conf" -e "$PROXY_DIR/logs/error.log" &
PROXY_PID=$!
PIDS+=("$PROXY_PID")

echo "== start console (http :$P_HTTP, control plane :$P_CP, data $WORK/console)"
mkdir -p "$WORK/console"
(cd "$CONSOLE_BIN" && exec env \
    Kestrel__Endpoints__Http__Url="http://127.0.0.1:$P_HTTP" \
    Kestrel__Endpoints__ControlPlane__Url="http://127.0.0.1:$P_CP" \
    Kestrel__Endpoints__OtlpGrpc__Url="http://127.0.0.1:0" \
    Kestrel__Endpoints__OtlpHttp__Url="http://127.0.0.1:0" \
    Mesh__DataDirectory="$WORK/console" \
    ./MeshConsole >"$WORK/console.log" 2>&1) &
CONSOLE_PID=$!
PIDS+=("$CONSOLE_PID")

wait_for 30 "the upstream nginx" curl -fsS "http://127.0.0.1:$P_UPSTREAM/"
wait_for 30 "the proxy nginx" curl -fsS "http://127.0.0.1:$P_HOP1/"
wait_for 60 "the console's /healthz" curl -fsS "http://127.0.0.1:$P_HTTP/healthz"

echo "== start sidecars: frontend (outbound :$P_F_OUT) and orders (inbound :$P_O_IN -> upstream :$P_UPSTREAM)"
start_sidecar() { # start_sidecar BINARY NAME APP_PORT OUT IN ADMIN
    local binary=$1
    shift
    mkdir -p "$WORK/$1"
    (cd "$WORK/$1" && exec "$binary" --service "$1" --app-port "$2" \
        --control-plane "http://127.0.0.1:$P_CP" --outbound-port "$3" --inbound-port "$4" --admin-port "$5" \
        --state-dir "$WORK/$1/state" --instance-id "$1-bench" --label version=v1 >"$WORK/$1.log" 2>&1) &
    SIDECAR_PID=$!
    PIDS+=("$SIDECAR_PID")
}
start_sidecar "$SIDECAR" frontend "$P_F_APP" "$P_F_OUT" "$P_F_IN" "$P_F_ADMIN"
FRONTEND_PID=$SIDECAR_PID
start_sidecar "$SIDECAR" orders "$P_UPSTREAM" "$P_O_OUT" "$P_O_IN" "$P_O_ADMIN"
ORDERS_PID=$SIDECAR_PID

listed() { # listed ADMIN_PORT SERVICE INBOUND_PORT: the caller's /config lists that healthy endpoint
    curl -fsS "http://127.0.0.1:$1/config" |
        jq -e --arg name "$2" --arg port "$3" '[.services[]? | select(.name == $name) | .endpoints[]? | select(.healthy and (.port | tostring) == $port)] | length > 0'
}
wait_for 60 "the frontend sidecar's /config to list the orders endpoint" listed "$P_F_ADMIN" orders "$P_O_IN"
echo "   frontend /ready: $(curl -fsS "http://127.0.0.1:$P_F_ADMIN/ready")"

TICKS=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime of PIDs and their threads, in clock ticks
    local total=0 pid fields
    for pid in "$@"; do
        read -r -a fields < <(sed 's/^.*) //' "/proc/$pid/stat")
        # After "pid (comm) ", field 3 (state) is index 0: utime is field 14 -> 11, stime 15 -> 12.
        total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}
group_ticks() { # group_ticks LABEL=PID[,PID...]
    local pids=${1#*=}
    cpu_ticks ${pids//,/ }
}
machine_ticks() { # busy and total ticks of all CPUs, from /proc/stat
    awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
nginx_pids() { echo "$1$(pgrep -P "$1" | sed 's/^/,/' | tr -d '\n')"; }

RESULTS="$WORK/results.tsv"
printf 'target\treq/s\tp50\tp99\tnon-2xx\tsocket errors\tCPU during the measured run\n' >"$RESULTS"

run_wrk() { # run_wrk NAME URL LABEL=PID[,PID...]...   (CPU is measured per LABEL over the measured run)
    local name=$1 url=$2
    shift 2
    local body
    body=$(curl -fsS -H "$HEADER" "$url")
    [[ $body == ok ]] || { echo "dataplane.sh: $name answered \"$body\", not ok" >&2; exit 1; }
    echo
    echo "== $name: $url (warm-up $WARMUP, then the measured run)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "$HEADER" "$url" >/dev/null
    local group before=() after=() i=0
    for group in "$@"; do before+=("$(group_ticks "$group")"); done
    local started_ns machine_before machine_after
    machine_before=$(machine_ticks)
    started_ns=$(date +%s%N)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$HEADER" "$url" | tee "$WORK/wrk-$name.txt"
    for group in "$@"; do after+=("$(group_ticks "$group")"); done
    machine_after=$(machine_ticks)
    local elapsed_ms=$((($(date +%s%N) - started_ns) / 1000000))
    local rps p50 p99 non2xx errors cpu=""
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$name.txt")
    p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk-$name.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-$name.txt")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$WORK/wrk-$name.txt")
    errors=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$WORK/wrk-$name.txt")
    for group in "$@"; do
        cpu+=$(awk -v l="${group%%=*}" -v t=$((after[i] - before[i])) -v hz="$TICKS" -v ms="$elapsed_ms" \
            'BEGIN { printf "%s %.1f CPU-s (%.0f%% of a core); ", l, t / hz, 100 * t / hz / (ms / 1000) }')
        i=$((i + 1))
    done
    # Everything on the machine (wrk included, and anything else running): how busy both cores were.
    cpu+=$(awk -v b="$machine_before" -v a="$machine_after" -v n="$(nproc)" \
        'BEGIN { split(b, x, " "); split(a, y, " "); printf "machine %.0f%% busy of %d cores", 100 * (y[1] - x[1]) / (y[2] - x[2]), n }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}" "$cpu (over $((elapsed_ms / 1000)) s)" >>"$RESULTS"
}

run_wrk a-direct "http://127.0.0.1:$P_UPSTREAM/" "upstream-nginx=$(nginx_pids "$UPSTREAM_PID")"
run_wrk b-mesh-2hop "http://127.0.0.1:$P_F_OUT/" "frontend-sidecar=$FRONTEND_PID" "orders-sidecar=$ORDERS_PID" "upstream-nginx=$(nginx_pids "$UPSTREAM_PID")"
# The same two-hop path with traffic policies on `orders`, each run adding to what the previous
# enabled (b3 has all three). None of them changes where a benchmark request goes or what it gets:
# what they measure is the cost of evaluating the policy on every request.
API="http://127.0.0.1:$P_HTTP/api"
declare -A DOC_VERSION=()
put_policy() { # put_policy PATH JSON [nowait]: writes the document and waits until both sidecars apply its revision
    local path=$1 json=$2 wait=${3:-wait} status response revision
    json=$(jq -c --argjson v "${DOC_VERSION[$path]:-0}" '. + {version: $v}' <<<"$json")
    status=$(curl -sS --max-time 30 -o "$WORK/put.json" -w '%{http_code}' -X PUT \
        -H 'Content-Type: application/json' --data-binary "$json" "$API/$path")
    response=$(cat "$WORK/put.json")
    [[ $status == 200 || $status == 201 ]] || { echo "dataplane.sh: PUT $path answered $status: $response" >&2; exit 1; }
    revision=$(jq -er '.revision' <<<"$response") || { echo "dataplane.sh: PUT $path committed no revision: $response" >&2; exit 1; }
    DOC_VERSION[$path]=$(jq -er '.version' <<<"$response")
    echo "   PUT /api/$path -> $status, version ${DOC_VERSION[$path]}, revision $revision"
    [[ $wait == wait ]] || return 0
    wait_for 60 "the frontend sidecar to apply revision $revision" at_revision "$P_F_ADMIN" "$revision"
    wait_for 60 "the orders sidecar to apply revision $revision" at_revision "$P_O_ADMIN" "$revision"
    echo "   both sidecars at revision $revision (frontend $(admin_revision "$P_F_ADMIN"), orders $(admin_revision "$P_O_ADMIN"))"
}
admin_revision() { curl -fsS --max-time 5 "http://127.0.0.1:$1/config" | jq -r '.revision'; }
at_revision() { # at_revision ADMIN_PORT REVISION: the sidecar's snapshot is at that revision or later (.revision is a string)
    curl -fsS --max-time 5 "http://127.0.0.1:$1/config" | jq -e --argjson r "$2" '(.revision | tonumber) >= $r'
}
policies_on_path() { # the orders entry of frontend's snapshot: which policy documents it carries
    curl -fsS --max-time 5 "http://127.0.0.1:$P_F_ADMIN/config" |
        jq -r '.services[] | select(.name == "orders") | "   frontend sees orders with: routes \(.routesJson != null), resilience \(.resilienceJson != null), faults \(.faultsJson != null)"'
}
MESH_GROUPS=("frontend-sidecar=$FRONTEND_PID" "orders-sidecar=$ORDERS_PID" "upstream-nginx=$(nginx_pids "$UPSTREAM_PID")")

echo
echo "== policies on orders: declare the service"
# Declaring it changes nothing a sidecar sees (orders is already in the snapshot through its
# instance), and the console pushes no snapshot whose content is unchanged: the sidecars stay at
# their revision until the routes below, so there is no revision to wait for here.
put_policy services/orders '{"owner":"bench"}' nowait

echo "== b1: routes (subsets v1 and v2, v2 without instances; x-canary: on -> v2, default -> v1)"
put_policy services/orders/routes '{
  "subsets": [ {"name": "v1", "labels": {"version": "v1"}}, {"name": "v2", "labels": {"version": "v2"}} ],
  "rules": [
    { "name": "canary", "match": { "headers": {"x-canary": {"exact": "on"}} }, "destinations": [ {"subset": "v2", "weight": 100} ] },
    { "name": "default", "destinations": [ {"subset": "v1", "weight": 100} ] } ] }'
policies_on_path
# The rule is live: x-canary: on goes to v2, which has no instance (the sidecar answers 503 itself).
canary=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "$HEADER" -H 'x-canary: on' "http://127.0.0.1:$P_F_OUT/")
echo "   check: with x-canary: on the path answers $canary (expected 503: subset v2 has no instance)"
[[ $canary == 503 ]] || { echo "dataplane.sh: the canary rule is not in effect" >&2; exit 1; }
run_wrk b1-routes "http://127.0.0.1:$P_F_OUT/" "${MESH_GROUPS[@]}"

echo
echo "== b2: + resilience (timeout, retries with budget, circuit breaker, rate limit 1,000,000/s, least-request)"
put_policy services/orders/resilience '{"timeoutMs":2000,"retries":{"attempts":2,"perTryTimeoutMs":1000,"retryOn":["5xx","connect-failure"],"budget":{"percent":20,"minRetriesPerSecond":3}},"circuitBreaker":{"consecutive5xx":5,"ejectionTimeMs":30000,"maxEjectedPercent":50},"rateLimit":{"tokensPerSecond":1000000,"burst":1000000},"loadBalancer":{"policy":"least-request"}}'
policies_on_path
run_wrk b2-resilience "http://127.0.0.1:$P_F_OUT/" "${MESH_GROUPS[@]}"

echo
echo "== b3: + faults (delay 100 ms for x-chaos: on, never sent; expires in one hour)"
put_policy services/orders/faults "$(jq -cn --arg expires "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" \
    '{faults: [{name: "chaos", match: {headers: {"x-chaos": {exact: "on"}}}, delay: {fixedMs: 100, percent: 100}, expiresAt: $expires}]}')"
policies_on_path
# The fault is live: x-chaos: on is delayed by 100 ms, and still answered ok.
chaos=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{time_total}' -H "$HEADER" -H 'x-chaos: on' "http://127.0.0.1:$P_F_OUT/")
echo "   check: with x-chaos: on the path answers ${chaos% *} after ${chaos#* } s (expected 200 after at least 0.1 s)"
[[ ${chaos% *} == 200 ]] && awk -v t="${chaos#* }" 'BEGIN { exit !(t >= 0.1) }' ||
    { echo "dataplane.sh: the fault is not in effect" >&2; exit 1; }
run_wrk b3-faults "http://127.0.0.1:$P_F_OUT/" "${MESH_GROUPS[@]}"

echo
echo "== b4: the policies deleted again: the plain path once more, to show how far the same path drifts within one run"
for path in services/orders/faults services/orders/resilience services/orders/routes; do
    status=$(curl -sS --max-time 30 -o "$WORK/delete.json" -w '%{http_code}' -X DELETE "$API/$path?reason=bench")
    [[ $status == 200 ]] || { echo "dataplane.sh: DELETE $path answered $status: $(cat "$WORK/delete.json")" >&2; exit 1; }
    revision=$(jq -er '.revision' "$WORK/delete.json")
done
wait_for 60 "the frontend sidecar to apply revision $revision" at_revision "$P_F_ADMIN" "$revision"
wait_for 60 "the orders sidecar to apply revision $revision" at_revision "$P_O_ADMIN" "$revision"
policies_on_path
run_wrk b4-plain-again "http://127.0.0.1:$P_F_OUT/" "${MESH_GROUPS[@]}"

run_wrk c-nginx-1hop "http://127.0.0.1:$P_ONEHOP/" "proxy-nginx=$(nginx_pids "$PROXY_PID")" "upstream-nginx=$(nginx_pids "$UPSTREAM_PID")"
run_wrk d-nginx-2hop "http://127.0.0.1:$P_HOP1/" "proxy-nginx=$(nginx_pids "$PROXY_PID")" "upstream-nginx=$(nginx_pids "$UPSTREAM_PID")"

echo
echo "== load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows here)"
echo "== results (wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, header \"$HEADER\")"
column -t -s $'\t' "$RESULTS"
echo
echo "== memory"
printf 'frontend sidecar  pid %s  VmHWM %s KiB  VmRSS %s KiB\n' "$FRONTEND_PID" "$(hwm_kib "$FRONTEND_PID")" "$(rss_kib "$FRONTEND_PID")"
printf 'orders sidecar    pid %s  VmHWM %s KiB  VmRSS %s KiB\n' "$ORDERS_PID" "$(hwm_kib "$ORDERS_PID")" "$(rss_kib "$ORDERS_PID")"
proxy_hwm=0
for pid in $(nginx_pids "$PROXY_PID" | tr , ' '); do proxy_hwm=$((proxy_hwm + $(hwm_kib "$pid"))); done
printf 'proxy nginx       master+workers VmHWM sum %s KiB\n' "$proxy_hwm"
printf 'console           pid %s  VmHWM %s KiB\n' "$CONSOLE_PID" "$(hwm_kib "$CONSOLE_PID")"
echo
echo "== sidecar log lines: frontend $(wc -l <"$WORK/frontend.log"), orders $(wc -l <"$WORK/orders.log")"
