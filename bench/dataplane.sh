#!/usr/bin/env bash
# Data-plane benchmark: the two-hop mesh path (caller sidecar -> callee sidecar -> upstream) with
# mutual TLS between the sidecars, beside the plaintext mesh path of the previous release and nginx
# as a keep-alive reverse proxy (one hop, two hops, two hops with mutual TLS), all over loopback,
# with wrk. Targets:
#   a  wrk -> upstream (nginx answering `return 200 "ok"`)
#   p  wrk -> frontend sidecar -> orders sidecar -> upstream, sidecars AND console built from
#      $BASELINE (default 8666ce8, the release before workload identity): plaintext between the
#      sidecars. Its console is needed too, since today's console admits no sidecar without a join
#      token. Measured before the mTLS rows (p) and after them (p2), to show the drift within the run.
#   b  the same path with this tree's build: sidecars joined with a join token, holding workload
#      certificates, calling each other over mutual TLS; the access policy says mtls strict (so the
#      callee refuses plaintext) and allows everything (defaultAction allow, no rule)
#   b-acl  b with an access policy of five rules (default deny; the benchmark's calls match an allow)
#   b1-b3  b-acl plus traffic policies written on `orders` through the console's REST API, each
#      adding to the previous (b1 routes; b2 + resilience; b3 + faults); none of them changes where
#      a benchmark request goes, so they measure what evaluating the policies costs;
#      b4 deletes them and the access rules again (strict, no rule: b once more), to show the drift
#   c  wrk -> nginx -> upstream;  d  wrk -> nginx -> nginx -> upstream (upstream keepalive)
#   e  wrk -> nginx -> (mutual TLS) -> nginx -> upstream: hop 2 asks for and verifies a client
#      certificate (ssl_verify_client on), hop 1 presents one (proxy_ssl_certificate), checks hop 2's,
#      keeps its upstream connections alive and reuses TLS sessions (proxy_ssl_session_reuse on)
#
#   bench/dataplane.sh                      # the recorded run: wrk -t2 -c50 -d30s --latency per target
#   DURATION=5s QUIET_WAIT=0 bench/dataplane.sh   # a quick look
#   BASELINE= bench/dataplane.sh            # without the previous release's rows (no second build)
#   KEEP=1 bench/dataplane.sh               # keep the temporary folder (logs, nginx configs, certificates, wrk output)
#
# Before the first measured run the script waits, at most QUIET_WAIT seconds (default 900), until the
# 1-minute load average is under QUIET_LOAD (default 1.0), and prints the load before and after.
# Needs the .NET 10 SDK, git, wrk, nginx and openssl (Debian: apt-get install -y wrk nginx openssl).
# Everything binds 127.0.0.1 on free ports, lives in a temporary folder (the baseline's source too,
# as a git worktree), and is stopped and removed on exit. Prints the figures; bench/RESULTS.md
# records a run. No thresholds: this measures, it never fails on a figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The functions: processes, nginx configuration, measurements, policy writes and checks.
. "$ROOT/bench/dataplane-lib.sh"
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
BASELINE=${BASELINE-8666ce8}
QUIET_LOAD=${QUIET_LOAD:-1.0}
QUIET_WAIT=${QUIET_WAIT:-900}
HEADER="X-Mesh-Service: orders"

for tool in wrk nginx openssl curl jq python3 git dotnet; do
    command -v "$tool" >/dev/null || { echo "dataplane.sh: $tool is missing (apt-get install -y wrk nginx openssl curl jq)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/mesh-bench-dataplane.XXXXXX)
PIDS=()
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports, all held open together so none is handed out twice.
read -r P_UPSTREAM P_HOP1 P_HOP2 P_ONEHOP P_TLS_HOP1 P_TLS_HOP2 P_STATUS P_HTTP P_CP P_F_OUT P_F_IN P_F_ADMIN P_F_APP \
    P_O_OUT P_O_IN P_O_ADMIN P_B_HTTP P_B_CP P_BF_OUT P_BF_IN P_BF_ADMIN P_BO_OUT P_BO_IN P_BO_ADMIN < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(24)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')

# Secrets of this run only: the console's first admin, its API token and the mesh-wide join token.
API_TOKEN=$(random_token mat)
JOIN_TOKEN=$(random_token mjt)
AUTH="Authorization: Bearer $API_TOKEN"

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l) uncommitted change(s) under src/"
echo "== build (Release)"
(cd "$ROOT" && for project in src/MeshConsole src/MeshSidecar; do
    dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly
done)
CONSOLE_BIN="$ROOT/src/MeshConsole/bin/Release/net10.0"
SIDECAR="$ROOT/src/MeshSidecar/bin/Release/net10.0/MeshSidecar"
if [[ -n $BASELINE ]]; then
    echo "== build the baseline $BASELINE (Release, console and sidecar, in a git worktree under $WORK)"
    git -C "$ROOT" worktree add --detach "$WORK/baseline-src" "$BASELINE" >/dev/null 2>&1 ||
        { echo "dataplane.sh: cannot check out BASELINE=$BASELINE" >&2; exit 2; }
    (cd "$WORK/baseline-src" && for project in src/MeshConsole src/MeshSidecar; do
        dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly
    done)
    BASELINE_CONSOLE_BIN="$WORK/baseline-src/src/MeshConsole/bin/Release/net10.0"
    BASELINE_SIDECAR="$WORK/baseline-src/src/MeshSidecar/bin/Release/net10.0/MeshSidecar"
fi

# Certificates for nginx's mutual TLS hop: one ECDSA P-256 CA, a server certificate for hop 2 and a
# client certificate for hop 1 (the same key type as the sidecars' workload certificates).
TLS="$WORK/tls"
mkdir -p "$TLS"
(
    cd "$TLS"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
        -days 2 -subj "/CN=Bench CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
    for leaf in hop2:serverAuth:DNS:orders.mesh hop1:clientAuth:DNS:frontend.mesh; do
        IFS=: read -r name usage san_kind san <<<"$leaf"
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$name"
        printf 'subjectAltName=%s:%s\nextendedKeyUsage=%s\nkeyUsage=critical,digitalSignature\n' "$san_kind" "$san" "$usage" >"$name.ext"
        openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile "$name.ext" -out "$name.pem"
    done
) >"$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log" >&2; exit 1; }

# nginx: the upstream (a fixed 200 "ok") in one instance, the proxies in another.
UPSTREAM_DIR=$(nginx_conf upstream "
    server { listen 127.0.0.1:$P_UPSTREAM; location / { return 200 \"ok\"; } }")

PROXY_DIR=$(nginx_conf proxy "
    upstream app { server 127.0.0.1:$P_UPSTREAM; keepalive 64; keepalive_requests 1000000; }
    upstream hop2 { server 127.0.0.1:$P_HOP2; keepalive 64; keepalive_requests 1000000; }
    upstream hop2tls { server 127.0.0.1:$P_TLS_HOP2; keepalive 64; keepalive_requests 1000000; }
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";
    # One hop: client -> proxy -> upstream.
    server { listen 127.0.0.1:$P_ONEHOP; location / { proxy_pass http://app; } }
    # Two hops: client -> proxy (hop 1) -> proxy (hop 2) -> upstream.
    server { listen 127.0.0.1:$P_HOP1; location / { proxy_pass http://hop2; } }
    server { listen 127.0.0.1:$P_HOP2; location / { proxy_pass http://app; } }
    # Two hops with mutual TLS between them, as the sidecars: hop 1 presents a client certificate and
    # verifies hop 2's; hop 2 requires and verifies hop 1's. Kept-alive upstream connections and
    # reused sessions make handshakes rare, as the sidecars' pooled connections do.
    server { listen 127.0.0.1:$P_TLS_HOP1; location / {
        proxy_pass https://hop2tls;
        proxy_ssl_certificate $TLS/hop1.pem;
        proxy_ssl_certificate_key $TLS/hop1.key;
        proxy_ssl_trusted_certificate $TLS/ca.pem;
        proxy_ssl_verify on;
        proxy_ssl_name orders.mesh;
        proxy_ssl_session_reuse on; } }
    server { listen 127.0.0.1:$P_TLS_HOP2 ssl;
        ssl_certificate $TLS/hop2.pem;
        ssl_certificate_key $TLS/hop2.key;
        ssl_client_certificate $TLS/ca.pem;
        ssl_verify_client on;
        location / { proxy_pass http://app; } }
    # Connections accepted by this instance (stub_status), to count what each run opened.
    server { listen 127.0.0.1:$P_STATUS; location / { stub_status; } }")

echo "== start upstream nginx :$P_UPSTREAM, proxy nginx :$P_ONEHOP (1 hop) :$P_HOP1 -> :$P_HOP2 (2 hops) :$P_TLS_HOP1 -> :$P_TLS_HOP2 (2 hops, mTLS)"
nginx -p "$UPSTREAM_DIR" -c "$UPSTREAM_DIR/nginx.conf" -e "$UPSTREAM_DIR/logs/error.log" &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
nginx -p "$PROXY_DIR" -c "$PROXY_DIR/nginx.conf" -e "$PROXY_DIR/logs/error.log" &
PROXY_PID=$!
PIDS+=("$PROXY_PID")

echo "== start console (http :$P_HTTP, control plane :$P_CP, data $WORK/console; API and join tokens of this run)"
start_console "$CONSOLE_BIN" console "$P_HTTP" "$P_CP" \
    Mesh__Bootstrap__AdminPassword="$(head -c 18 /dev/urandom | basenc --base64url)" \
    Mesh__Bootstrap__ApiToken="$API_TOKEN" Mesh__Bootstrap__JoinToken="$JOIN_TOKEN"
MAIN_CONSOLE_PID=$CONSOLE_PID
if [[ -n $BASELINE ]]; then
    echo "== start the baseline's console (http :$P_B_HTTP, control plane :$P_B_CP, data $WORK/baseline-console)"
    start_console "$BASELINE_CONSOLE_BIN" baseline-console "$P_B_HTTP" "$P_B_CP"
    BASELINE_CONSOLE_PID=$CONSOLE_PID
fi

wait_for 30 "the upstream nginx" curl -fsS "http://127.0.0.1:$P_UPSTREAM/"
wait_for 30 "the proxy nginx" curl -fsS "http://127.0.0.1:$P_HOP1/"
wait_for 60 "the console's /healthz" curl -fsS "http://127.0.0.1:$P_HTTP/healthz"
[[ -z $BASELINE ]] || wait_for 60 "the baseline console's /healthz" curl -fsS "http://127.0.0.1:$P_B_HTTP/healthz"

echo "== start sidecars (this build, joined with the run's join token): frontend (outbound :$P_F_OUT) and orders (inbound :$P_O_IN -> upstream :$P_UPSTREAM)"
start_sidecar "$SIDECAR" "$P_CP" frontend "$P_F_APP" "$P_F_OUT" "$P_F_IN" "$P_F_ADMIN" --join-token "$JOIN_TOKEN"
FRONTEND_PID=$SIDECAR_PID
start_sidecar "$SIDECAR" "$P_CP" orders "$P_UPSTREAM" "$P_O_OUT" "$P_O_IN" "$P_O_ADMIN" --join-token "$JOIN_TOKEN"
ORDERS_PID=$SIDECAR_PID
if [[ -n $BASELINE ]]; then
    echo "== start sidecars of $BASELINE (no join token, plaintext): frontend (outbound :$P_BF_OUT) and orders (inbound :$P_BO_IN -> upstream :$P_UPSTREAM)"
    start_sidecar "$BASELINE_SIDECAR" "$P_B_CP" baseline-frontend "$P_F_APP" "$P_BF_OUT" "$P_BF_IN" "$P_BF_ADMIN"
    BASELINE_FRONTEND_PID=$SIDECAR_PID
    start_sidecar "$BASELINE_SIDECAR" "$P_B_CP" baseline-orders "$P_UPSTREAM" "$P_BO_OUT" "$P_BO_IN" "$P_BO_ADMIN"
    BASELINE_ORDERS_PID=$SIDECAR_PID
fi

wait_for 60 "the frontend sidecar's /config to list the orders endpoint" listed "$P_F_ADMIN" orders "$P_O_IN"
echo "   frontend /ready: $(curl -fsS "http://127.0.0.1:$P_F_ADMIN/ready")"
wait_for 30 "the frontend sidecar's workload certificate" has_identity "$P_F_ADMIN" frontend
wait_for 30 "the orders sidecar's workload certificate" has_identity "$P_O_ADMIN" orders
for admin in "$P_F_ADMIN" "$P_O_ADMIN"; do
    echo "   /identity :$admin $(curl -fsS "http://127.0.0.1:$admin/identity" | jq -c '{spiffeId, serial, notAfter, anchors: (.trustAnchors | length)}')"
done
if [[ -n $BASELINE ]]; then
    wait_for 60 "the baseline frontend sidecar's /config to list the orders endpoint" listed "$P_BF_ADMIN" orders "$P_BO_IN"
    echo "   baseline frontend /ready: $(curl -fsS "http://127.0.0.1:$P_BF_ADMIN/ready")"
fi

TICKS=$(getconf CLK_TCK)

RESULTS="$WORK/results.tsv"
printf 'target\treq/s\tp50\tp99\tnon-2xx\tsocket errors\tCPU during the measured run (CPU-s, share of a core, µs per request)\tconnections opened during the measured run\n' >"$RESULTS"

API="http://127.0.0.1:$P_HTTP/api"
declare -A DOC_VERSION=()

UPSTREAM_GROUP="upstream-nginx=$(nginx_pids "$UPSTREAM_PID")"
PROXY_GROUP="proxy-nginx=$(nginx_pids "$PROXY_PID")"
MESH_GROUPS=("frontend-sidecar=$FRONTEND_PID" "orders-sidecar=$ORDERS_PID" "$UPSTREAM_GROUP")
MESH_PROBES="frontend=sidecar:$P_F_ADMIN:$P_F_OUT,orders=sidecar:$P_O_ADMIN:$P_O_IN"
if [[ -n $BASELINE ]]; then
    BASELINE_GROUPS=("frontend-sidecar=$BASELINE_FRONTEND_PID" "orders-sidecar=$BASELINE_ORDERS_PID" "$UPSTREAM_GROUP")
    BASELINE_PROBES="frontend=sidecar:$P_BF_ADMIN:$P_BF_OUT,orders=sidecar:$P_BO_ADMIN:$P_BO_IN"
fi

echo
echo "== mutual TLS strict for the whole mesh, no access rule (defaultAction allow)"
put_policy access '{"defaultAction": "allow", "rules": [], "mtls": {"mode": "strict"}}'
# Proof that the path is mutual TLS: the callee refuses a plaintext caller, the mesh path answers.
expect_status "plaintext to the orders sidecar's inbound port" 403 "strict mTLS is required" \
    -H "X-Mesh-Source: frontend" "http://127.0.0.1:$P_O_IN/"
expect_status "the mesh path (frontend -> orders over mTLS)" 200 ok -H "$HEADER" "http://127.0.0.1:$P_F_OUT/"
echo "   orders' inbound TLS handshakes so far: $(prom_sum "$P_O_ADMIN" kestrel_tls_handshake_duration_seconds_count "$P_O_IN")"

echo
echo "== wait, at most ${QUIET_WAIT}s, for the 1-minute load average to fall under $QUIET_LOAD (now $(cut -d' ' -f1-3 /proc/loadavg))"
quiet_until=$((SECONDS + QUIET_WAIT))
while ((SECONDS < quiet_until)) && awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="$QUIET_LOAD" 'BEGIN { exit !(l >= q) }'; do
    sleep 5
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== load average before the measured runs: $LOAD_BEFORE (waited $((SECONDS + QUIET_WAIT - quiet_until)) s)"

run_wrk a-direct "http://127.0.0.1:$P_UPSTREAM/" - "$UPSTREAM_GROUP"
if [[ -n $BASELINE ]]; then
    run_wrk "p-plain-$BASELINE" "http://127.0.0.1:$P_BF_OUT/" "$BASELINE_PROBES" "${BASELINE_GROUPS[@]}"
fi
run_wrk b-mtls-strict "http://127.0.0.1:$P_F_OUT/" "$MESH_PROBES" "${MESH_GROUPS[@]}"

echo
echo "== b-acl: five access rules, default deny (the benchmark's calls match frontend -> orders allow)"
put_policy access '{"defaultAction": "deny", "mtls": {"mode": "strict"}, "rules": [
    {"source": "frontend", "destination": "orders", "action": "allow"},
    {"source": "frontend", "destination": "orders", "pathPrefixes": ["/admin"], "action": "deny"},
    {"source": "*", "destination": "orders", "methods": ["DELETE"], "action": "deny"},
    {"source": "ops", "destination": "*", "methods": ["GET"], "action": "allow"},
    {"source": "web", "destination": "payments", "action": "allow"} ]}'
# The rules are live: a path the rules deny is refused by the orders sidecar.
expect_status "the mesh path at /admin (rules[1] denies it)" 403 "access denied" -H "$HEADER" "http://127.0.0.1:$P_F_OUT/admin"
run_wrk b-mtls-acl "http://127.0.0.1:$P_F_OUT/" "$MESH_PROBES" "${MESH_GROUPS[@]}"

# The same path with traffic policies on `orders` too, each run adding to what the previous enabled
# (b3 has all three). None of them changes where a benchmark request goes or what it gets: what
# they measure is the cost of evaluating the policy on every request.
echo
echo "== policies on orders: declare the service"
# Declaring it changes nothing a sidecar sees (orders is already in the snapshot through its
# instance), and the console pushes no snapshot whose content is unchanged: the sidecars stay at
# their revision until the routes below, so there is no revision to wait for here.
put_policy services/orders '{"owner":"bench"}' nowait

echo "== b1: + routes (subsets v1 and v2, v2 without instances; x-canary: on -> v2, default -> v1)"
put_policy services/orders/routes '{
  "subsets": [ {"name": "v1", "labels": {"version": "v1"}}, {"name": "v2", "labels": {"version": "v2"}} ],
  "rules": [
    { "name": "canary", "match": { "headers": {"x-canary": {"exact": "on"}} }, "destinations": [ {"subset": "v2", "weight": 100} ] },
    { "name": "default", "destinations": [ {"subset": "v1", "weight": 100} ] } ] }'
policies_on_path
# The rule is live: x-canary: on goes to v2, which has no instance (the sidecar answers 503 itself).
expect_status "the mesh path with x-canary: on (subset v2 has no instance)" 503 "" -H "$HEADER" -H 'x-canary: on' "http://127.0.0.1:$P_F_OUT/"
run_wrk b1-routes "http://127.0.0.1:$P_F_OUT/" "$MESH_PROBES" "${MESH_GROUPS[@]}"

echo
echo "== b2: + resilience (timeout, retries with budget, circuit breaker, rate limit 1,000,000/s, least-request)"
put_policy services/orders/resilience '{"timeoutMs":2000,"retries":{"attempts":2,"perTryTimeoutMs":1000,"retryOn":["5xx","connect-failure"],"budget":{"percent":20,"minRetriesPerSecond":3}},"circuitBreaker":{"consecutive5xx":5,"ejectionTimeMs":30000,"maxEjectedPercent":50},"rateLimit":{"tokensPerSecond":1000000,"burst":1000000},"loadBalancer":{"policy":"least-request"}}'
policies_on_path
run_wrk b2-resilience "http://127.0.0.1:$P_F_OUT/" "$MESH_PROBES" "${MESH_GROUPS[@]}"

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
run_wrk b3-faults "http://127.0.0.1:$P_F_OUT/" "$MESH_PROBES" "${MESH_GROUPS[@]}"

echo
echo "== b4: the traffic policies deleted and the access rules dropped (strict, no rule): b once more, to show how far the same path drifts within one run"
for path in services/orders/faults services/orders/resilience services/orders/routes; do
    status=$(curl -sS --max-time 30 -o "$WORK/delete.json" -w '%{http_code}' -X DELETE -H "$AUTH" "$API/$path?reason=bench")
    [[ $status == 200 ]] || { echo "dataplane.sh: DELETE $path answered $status: $(cat "$WORK/delete.json")" >&2; exit 1; }
done
put_policy access '{"defaultAction": "allow", "rules": [], "mtls": {"mode": "strict"}}'
policies_on_path
expect_status "plaintext to the orders sidecar's inbound port" 403 "strict mTLS is required" \
    -H "X-Mesh-Source: frontend" "http://127.0.0.1:$P_O_IN/"
run_wrk b4-mtls-strict-again "http://127.0.0.1:$P_F_OUT/" "$MESH_PROBES" "${MESH_GROUPS[@]}"

if [[ -n $BASELINE ]]; then
    run_wrk "p2-plain-$BASELINE-again" "http://127.0.0.1:$P_BF_OUT/" "$BASELINE_PROBES" "${BASELINE_GROUPS[@]}"
fi
run_wrk c-nginx-1hop "http://127.0.0.1:$P_ONEHOP/" "proxy=nginx" "$PROXY_GROUP" "$UPSTREAM_GROUP"
run_wrk d-nginx-2hop "http://127.0.0.1:$P_HOP1/" "proxy=nginx" "$PROXY_GROUP" "$UPSTREAM_GROUP"
echo
echo "== e: nginx two hops with mutual TLS between them"
# Hop 2 refuses a TLS client without a certificate, and answers one with hop 1's certificate.
expect_status "hop 2 (:$P_TLS_HOP2) to a TLS client without a certificate" 400 "No required SSL certificate was sent" \
    --cacert "$TLS/ca.pem" --resolve "orders.mesh:$P_TLS_HOP2:127.0.0.1" "https://orders.mesh:$P_TLS_HOP2/"
expect_status "hop 2 (:$P_TLS_HOP2) to a TLS client with hop 1's certificate" 200 ok \
    --cacert "$TLS/ca.pem" --cert "$TLS/hop1.pem" --key "$TLS/hop1.key" --resolve "orders.mesh:$P_TLS_HOP2:127.0.0.1" "https://orders.mesh:$P_TLS_HOP2/"
echo "   $(curl -sS -v -o /dev/null --cacert "$TLS/ca.pem" --cert "$TLS/hop1.pem" --key "$TLS/hop1.key" \
    --resolve "orders.mesh:$P_TLS_HOP2:127.0.0.1" "https://orders.mesh:$P_TLS_HOP2/" 2>&1 | grep -m1 'SSL connection using' | sed 's/^\* *//')"
run_wrk e-nginx-2hop-mtls "http://127.0.0.1:$P_TLS_HOP1/" "proxy=nginx" "$PROXY_GROUP" "$UPSTREAM_GROUP"

echo
echo "== load average: $LOAD_BEFORE before the measured runs, $(cut -d' ' -f1-3 /proc/loadavg) after (other work on the machine shows here)"
echo "== results (wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, header \"$HEADER\")"
column -t -s $'\t' "$RESULTS"
echo
echo "== TLS between the sidecars (Prometheus /metrics)"
for admin in "$P_F_ADMIN" "$P_O_ADMIN"; do
    curl -fsS "http://127.0.0.1:$admin/metrics" |
        grep -E '^(mesh_tls_handshakes_refused_total|mesh_access_denied_total|kestrel_tls_handshake_duration_seconds_count)' |
        sed "s/^/   :$admin /" || true
done
# Closed inbound connections of the orders sidecar by HTTP version and TLS version: which protocol
# the mTLS hop negotiated (ALPN offers h2 and http/1.1; a request keeps the version it came in).
curl -fsS "http://127.0.0.1:$P_O_ADMIN/metrics" |
    awk -v p="server_port=\"$P_O_IN\"" '
        function label(s, k) { return match(s, k "=\"[^\"]*\"") ? substr(s, RSTART + length(k) + 2, RLENGTH - length(k) - 3) : "none" }
        index($1, "kestrel_connection_duration_seconds_count{") == 1 && index($1, p) {
            n["http " label($1, "network_protocol_version") ", tls " label($1, "tls_protocol_version")] += $NF }
        END { for (v in n) printf "   orders inbound connections closed, %s: %d\n", v, n[v] }'
echo
echo "== memory"
printf 'frontend sidecar  pid %s  VmHWM %s KiB  VmRSS %s KiB\n' "$FRONTEND_PID" "$(hwm_kib "$FRONTEND_PID")" "$(rss_kib "$FRONTEND_PID")"
printf 'orders sidecar    pid %s  VmHWM %s KiB  VmRSS %s KiB\n' "$ORDERS_PID" "$(hwm_kib "$ORDERS_PID")" "$(rss_kib "$ORDERS_PID")"
if [[ -n $BASELINE ]]; then
    printf 'baseline frontend pid %s  VmHWM %s KiB\n' "$BASELINE_FRONTEND_PID" "$(hwm_kib "$BASELINE_FRONTEND_PID")"
    printf 'baseline orders   pid %s  VmHWM %s KiB\n' "$BASELINE_ORDERS_PID" "$(hwm_kib "$BASELINE_ORDERS_PID")"
fi
proxy_hwm=0
for pid in $(nginx_pids "$PROXY_PID" | tr , ' '); do proxy_hwm=$((proxy_hwm + $(hwm_kib "$pid"))); done
printf 'proxy nginx       master+workers VmHWM sum %s KiB\n' "$proxy_hwm"
printf 'console           pid %s  VmHWM %s KiB\n' "$MAIN_CONSOLE_PID" "$(hwm_kib "$MAIN_CONSOLE_PID")"
echo
echo "== logs: lines, and warnings or errors among them"
for log in frontend orders baseline-frontend baseline-orders console baseline-console; do
    [[ -f $WORK/$log.log ]] || continue
    printf '%-18s %6d lines, %d warn/fail/crit\n' "$log" "$(wc -l <"$WORK/$log.log")" "$(grep -cE '^(warn|fail|crit):' "$WORK/$log.log" || true)"
    grep -E -A1 '^(warn|fail|crit):' "$WORK/$log.log" | head -n 6 | sed 's/^/      /' || true
done
printf 'proxy nginx error.log  %d lines\n' "$(wc -l <"$PROXY_DIR/logs/error.log")"
head -n 5 "$PROXY_DIR/logs/error.log" | sed 's/^/      /'
