# Functions of bench/dataplane.sh, which sources this file; they read its variables (WORK, the ports,
# the tokens) when they run.
# shellcheck shell=bash

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
    if [[ -d $WORK/baseline-src ]]; then
        git -C "$ROOT" worktree remove --force "$WORK/baseline-src" 2>/dev/null || true
        git -C "$ROOT" worktree prune 2>/dev/null || true
    fi
    if [[ -n ${KEEP:-} ]]; then echo "kept $WORK (logs, nginx configs, certificates, wrk output)"; else rm -rf "$WORK"; fi
}

random_token() { echo "$1_$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')"; }

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

start_console() { # start_console BIN NAME HTTP_PORT CP_PORT [VAR=VALUE...]
    local bin=$1 name=$2 http=$3 cp=$4
    shift 4
    mkdir -p "$WORK/$name"
    (cd "$bin" && exec env \
        Kestrel__Endpoints__Http__Url="http://127.0.0.1:$http" \
        Kestrel__Endpoints__ControlPlane__Url="http://127.0.0.1:$cp" \
        Kestrel__Endpoints__OtlpGrpc__Url="http://127.0.0.1:0" \
        Kestrel__Endpoints__OtlpHttp__Url="http://127.0.0.1:0" \
        Mesh__DataDirectory="$WORK/$name" \
        "$@" ./MeshConsole >"$WORK/$name.log" 2>&1) &
    CONSOLE_PID=$!
    PIDS+=("$CONSOLE_PID")
}

start_sidecar() { # start_sidecar BINARY CONTROL_PLANE NAME APP_PORT OUT IN ADMIN [FLAG...]
    local binary=$1 cp=$2 name=$3 app=$4 out=$5 in=$6 admin=$7
    shift 7
    mkdir -p "$WORK/$name"
    (cd "$WORK/$name" && exec "$binary" --service "${name#baseline-}" --app-port "$app" \
        --control-plane "http://127.0.0.1:$cp" --outbound-port "$out" --inbound-port "$in" --admin-port "$admin" \
        --state-dir "$WORK/$name/state" --instance-id "$name-bench" --label version=v1 "$@" >"$WORK/$name.log" 2>&1) &
    SIDECAR_PID=$!
    PIDS+=("$SIDECAR_PID")
}

listed() { # listed ADMIN_PORT SERVICE INBOUND_PORT: the caller's /config lists that healthy endpoint
    curl -fsS "http://127.0.0.1:$1/config" |
        jq -e --arg name "$2" --arg port "$3" '[.services[]? | select(.name == $name) | .endpoints[]? | select(.healthy and (.port | tostring) == $port)] | length > 0'
}

has_identity() { curl -fsS --max-time 5 "http://127.0.0.1:$1/identity" | jq -e --arg id "spiffe://mesh.local/svc/$2" '.spiffeId == $id and (.trustAnchors | length) > 0'; }

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

# Connections a run opened, to see whether keep-alive held (few handshakes) or not.
# A sidecar's listener: Kestrel's closed connections (connection.duration's count) plus the change in
# its open ones, and its TLS handshakes (tls_handshake.duration's count), on one port, from /metrics.
prom_sum() { # prom_sum ADMIN_PORT METRIC LISTEN_PORT
    curl -fsS --max-time 5 "http://127.0.0.1:$1/metrics" |
        awk -v m="$2" -v p="server_port=\"$3\"" 'index($1, m "{") == 1 && index($1, p) { s += $NF } END { printf "%d\n", s }'
}

conn_counts() { # conn_counts PROBE: "accepted tls" so far; PROBE is sidecar:ADMIN:PORT or nginx
    local kind=${1%%:*} rest=${1#*:}
    if [[ $kind == nginx ]]; then
        # Every status request is a connection of its own, counted in the figure it reads: the
        # reading after a run counts itself besides the run's connections (run_wrk takes it off).
        curl -fsS --max-time 5 "http://127.0.0.1:$P_STATUS/" | awk 'NR == 3 { print $1, "-" }'
    else
        local admin=${rest%%:*} port=${rest#*:}
        echo "$(($(prom_sum "$admin" kestrel_connection_duration_seconds_count "$port") + $(prom_sum "$admin" kestrel_active_connections "$port"))) $(prom_sum "$admin" kestrel_tls_handshake_duration_seconds_count "$port")"
    fi
}

run_wrk() { # run_wrk NAME URL PROBES LABEL=PID[,PID...]...   (CPU per LABEL, connections per LABEL=PROBE in PROBES, comma-separated, or -)
    local name=$1 url=$2 probes=$3
    shift 3
    local body
    body=$(curl -fsS -H "$HEADER" "$url")
    [[ $body == ok ]] || { echo "dataplane.sh: $name answered \"$body\", not ok" >&2; exit 1; }
    echo
    echo "== $name: $url (warm-up $WARMUP, then the measured run)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "$HEADER" "$url" >/dev/null
    # Lets the servers record the warm-up's connections as closed before the connections are counted.
    sleep 1
    local group before=() after=() i=0 probe conns_before=() conns_after=()
    local -a probe_list=()
    [[ $probes == - ]] || IFS=, read -r -a probe_list <<<"$probes"
    for probe in "${probe_list[@]}"; do conns_before+=("$(conn_counts "${probe#*=}")"); done
    for group in "$@"; do before+=("$(group_ticks "$group")"); done
    local started_ns machine_before machine_after
    machine_before=$(machine_ticks)
    started_ns=$(date +%s%N)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$HEADER" "$url" | tee "$WORK/wrk-$name.txt"
    for group in "$@"; do after+=("$(group_ticks "$group")"); done
    machine_after=$(machine_ticks)
    local elapsed_ms=$((($(date +%s%N) - started_ns) / 1000000))
    for probe in "${probe_list[@]}"; do conns_after+=("$(conn_counts "${probe#*=}")"); done
    local rps p50 p99 non2xx errors requests cpu="" conns=""
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$name.txt")
    requests=$(awk '/ requests in / { print $1 }' "$WORK/wrk-$name.txt")
    p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk-$name.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-$name.txt")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$WORK/wrk-$name.txt")
    errors=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$WORK/wrk-$name.txt")
    for group in "$@"; do
        cpu+=$(awk -v l="${group%%=*}" -v t=$((after[i] - before[i])) -v hz="$TICKS" -v ms="$elapsed_ms" -v n="$requests" \
            'BEGIN { printf "%s %.1f CPU-s (%.0f%% of a core, %.1f µs/req); ", l, t / hz, 100 * t / hz / (ms / 1000), 1e6 * t / hz / n }')
        i=$((i + 1))
    done
    # Everything on the machine (wrk included, and anything else running): how busy both cores were.
    cpu+=$(awk -v b="$machine_before" -v a="$machine_after" -v n="$(nproc)" \
        'BEGIN { split(b, x, " "); split(a, y, " "); printf "machine %.0f%% busy of %d cores", 100 * (y[1] - x[1]) / (y[2] - x[2]), n }')
    i=0
    for probe in "${probe_list[@]}"; do
        local b=(${conns_before[i]}) a=(${conns_after[i]})
        if [[ ${a[1]} == - ]]; then
            conns+="${probe%%=*} $((a[0] - b[0] - 1))"
        else
            conns+="${probe%%=*} $((a[0] - b[0])) ($((a[1] - b[1])) TLS handshakes)"
        fi
        conns+="; "
        i=$((i + 1))
    done
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}" \
        "$cpu (over $((elapsed_ms / 1000)) s)" "${conns:-—}" >>"$RESULTS"
}

put_policy() { # put_policy PATH JSON [nowait]: writes the document and waits until both sidecars apply its revision
    local path=$1 json=$2 wait=${3:-wait} status response revision
    json=$(jq -c --argjson v "${DOC_VERSION[$path]:-0}" '. + {version: $v}' <<<"$json")
    status=$(curl -sS --max-time 30 -o "$WORK/put.json" -w '%{http_code}' -X PUT -H "$AUTH" \
        -H 'Content-Type: application/json' --data-binary "$json" "$API/$path")
    response=$(cat "$WORK/put.json")
    [[ $status == 200 || $status == 201 ]] || { echo "dataplane.sh: PUT $path answered $status: $response" >&2; exit 1; }
    revision=$(jq -er '.revision' <<<"$response") || { echo "dataplane.sh: PUT $path committed no revision: $response" >&2; exit 1; }
    DOC_VERSION[$path]=$(jq -er '.version' <<<"$response")
    echo "   PUT /api/$path -> $status, version ${DOC_VERSION[$path]}, revision $revision"
    [[ $wait == wait ]] || return 0
    wait_for_revision "$revision"
}

wait_for_revision() {
    wait_for 60 "the frontend sidecar to apply revision $1" at_revision "$P_F_ADMIN" "$1"
    wait_for 60 "the orders sidecar to apply revision $1" at_revision "$P_O_ADMIN" "$1"
    echo "   both sidecars at revision $1 (frontend $(admin_revision "$P_F_ADMIN"), orders $(admin_revision "$P_O_ADMIN"))"
}

admin_revision() { curl -fsS --max-time 5 "http://127.0.0.1:$1/config" | jq -r '.revision'; }

at_revision() { # at_revision ADMIN_PORT REVISION: the sidecar's snapshot is at that revision or later (.revision is a string)
    curl -fsS --max-time 5 "http://127.0.0.1:$1/config" | jq -e --argjson r "$2" '(.revision | tonumber) >= $r'
}

policies_on_path() { # the orders entry of frontend's snapshot: which policy documents it carries
    curl -fsS --max-time 5 "http://127.0.0.1:$P_F_ADMIN/config" |
        jq -r '.services[] | select(.name == "orders") | "   frontend sees orders with: routes \(.routesJson != null), resilience \(.resilienceJson != null), faults \(.faultsJson != null)"'
}

expect_status() { # expect_status WHAT EXPECTED_STATUS EXPECTED_BODY_PART CURL_ARGS...: a check that the policy in force acts
    local what=$1 expected=$2 part=$3 status
    shift 3
    status=$(curl -sS --max-time 10 -o "$WORK/check.txt" -w '%{http_code}' "$@")
    echo "   check: $what answers $status: $(tr -s '\n' ' ' <"$WORK/check.txt" | head -c 200)"
    [[ $status == "$expected" ]] && grep -qF -- "$part" "$WORK/check.txt" ||
        { echo "dataplane.sh: $what should answer $expected with \"$part\"" >&2; exit 1; }
}
