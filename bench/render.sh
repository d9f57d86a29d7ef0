#!/usr/bin/env bash
# Topology page render benchmark: the page in headless Chromium (Debian's, driven by Playwright) against a
# fresh console fed a live synthetic mesh over OTLP/HTTP — the demo-sized graph (6 services, 5 edges) as the
# peer, then 200 services / 800 edges and 1,000 / 4,000 — a few fresh pages each: time to the first full
# graph and to the fitted one, then ~20 s of live updates (WebSocket bytes, long tasks and frames without
# paint per 2 s refresh, the console's CPU), clicks on nodes and wheel steps while it updates; and the same
# DOM loaded as a static page without Blazor, with the same kind of change applied in place by a plain script.
# Each console starts with a random admin password and admin API token: the driver signs in once through the
# login page (not measured; every measured page starts from that cookie), and the feed exports with the token.
#
#   bench/render.sh                             # the recorded run: peer + 200 + 1000, 3 pages each, 20 s of updates (about 6 minutes)
#   SIZES=1000 REPS=1 bench/render.sh           # one size, one page
#   UPDATE_SECONDS=10 PEER_DEMO=off bench/render.sh
#   KEEP=1 bench/render.sh                      # keep the output folder: screenshots, each page's trace, DOM copies, console logs
#   CONSOLE=/tmp/old/src/MeshConsole/bin/Release/net10.0/MeshConsole.dll bench/render.sh   # another build of the console (before/after)
#
# Needs the .NET 10 SDK and Debian's chromium (installed with apt-get when missing and run as root, as
# ./test.sh does). Everything binds 127.0.0.1, every wait is bounded, every console is stopped and its data
# folder removed by the driver. Prints the figures; bench/RESULTS.md records a run. No thresholds: this
# measures, it never fails on a figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-200,1000}
REPS=${REPS:-3}
UPDATE_SECONDS=${UPDATE_SECONDS:-20}
PEER_DEMO=${PEER_DEMO:-on}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CONSOLE=${CONSOLE:-}
# The driver bounds every wait itself (120 s to a first graph, 30 s per click or wheel step); this is the backstop.
DRIVER_LIMIT=$(( (2 + $(tr -cd "," <<<"$SIZES" | wc -c)) * REPS * (120 + UPDATE_SECONDS + 400) + 300 ))

command -v dotnet >/dev/null || { echo "render.sh: dotnet is missing" >&2; exit 2; }
command -v timeout >/dev/null || { echo "render.sh: timeout is missing" >&2; exit 2; }
if [[ ! -x $CHROMIUM ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "render.sh: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium" >&2
        exit 2
    fi
    echo "render.sh: installing chromium with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

WORK=$(mktemp -d /tmp/mesh-bench-render.XXXXXX)
cleanup() {
    if [[ -n ${KEEP:-} ]]; then echo "kept $WORK (screenshots, page traces, DOM copies, console logs)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
echo "== $(date -u +%FT%TZ) on $(nproc) cores ($(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== memory available $(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo) MiB; $(dotnet --version 2>/dev/null | sed 's/^/SDK /'); $("$CHROMIUM" --version 2>/dev/null | head -1)"
if [[ -n $CONSOLE ]]; then
    echo "== console: $CONSOLE (built elsewhere)"
else
    echo "== source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l) uncommitted change(s) under src/"
    CONSOLE="$ROOT/src/MeshConsole/bin/Release/net10.0/MeshConsole.dll"
fi
echo "== build (Release)"
(cd "$ROOT" && for project in src/MeshConsole bench/Mesh.Bench.Render; do
    [[ $project == src/MeshConsole && $CONSOLE != "$ROOT/src/MeshConsole/bin/Release/net10.0/MeshConsole.dll" ]] && continue
    dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly
done)

status=0
timeout --kill-after=10 "$DRIVER_LIMIT" "$ROOT/bench/Mesh.Bench.Render/bin/Release/net10.0/Mesh.Bench.Render" \
    --console "$CONSOLE" --sizes "$SIZES" --reps "$REPS" \
    --update-seconds "$UPDATE_SECONDS" --peer-demo "$PEER_DEMO" --chromium "$CHROMIUM" --out "$WORK" \
    | tee "$WORK/driver.txt" || status=$?
[[ $status == 0 ]] || echo "   the driver ended with status $status"

for log in "$WORK"/console-*.log; do
    [[ -e $log ]] || continue
    echo "   $(basename "$log"): $(wc -l <"$log") lines, $(grep -c '^warn' "$log" || true) warnings, $(grep -c '^fail' "$log" || true) errors"
    grep -A1 -E '^(warn|fail)' "$log" | head -4 | sed 's/^/     /' || true
done
echo "== took $(($(date +%s) - started)) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
