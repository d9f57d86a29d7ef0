#!/usr/bin/env bash
# Topology read microbenchmarks (BenchmarkDotNet, bench/Mesh.Bench.Topology): what the console spends on
# TopologyAggregator.Snapshot, the read behind GET /api/topology and the Topology page, with an hour of
# steady traffic on 400 and 4000 edges, for the 5-minute and the 1-hour window: one read with the clock
# standing still (each further tab polling the same window), and a 2-second poll cycle (2 s of calls,
# some of them late, recorded, then one read) beside the same cycle without the read. Also Series, the
# side panel's chart of one edge and of one node's inbound calls.
#
#   bench/topology.sh                        # every benchmark, BenchmarkDotNet's short job (about 10 minutes on 2 cores)
#   FILTER='*Snapshot*' bench/topology.sh    # some of them (BenchmarkDotNet's --filter glob)
#   JOB=medium bench/topology.sh             # more launches and iterations, for tighter error bars
#   KEEP=1 bench/topology.sh                 # keep the temporary folder (BenchmarkDotNet's log and reports)
#
# Needs the .NET 10 SDK and about 4 GiB of memory (4000 edges' hour of buckets). Prints the summary
# table; bench/RESULTS.md records a run. No thresholds: this measures, it never fails on a figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT="$ROOT/bench/Mesh.Bench.Topology"
FILTER=${FILTER:-*}
JOB=${JOB:-short}

command -v dotnet >/dev/null || { echo "topology.sh: dotnet is missing" >&2; exit 2; }

WORK=$(mktemp -d /tmp/mesh-bench-topology.XXXXXX)
cleanup() {
    if [[ -n ${KEEP:-} ]]; then echo "kept $WORK (BenchmarkDotNet log and reports)"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
echo "== $(date -u +%FT%TZ) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l) uncommitted change(s) under src/"
echo "== build (Release)"
dotnet build -c Release "$PROJECT" -nologo -v q -clp:ErrorsOnly

echo "== run: job $JOB, filter '$FILTER' (BenchmarkDotNet's log: $WORK/run.log)"
status=0
# BenchmarkDotNet finds the project to build its runner from by looking around the working directory.
(cd "$PROJECT" && dotnet "bin/Release/net10.0/Mesh.Bench.Topology.dll" \
    --filter "$FILTER" --job "$JOB" --join --artifacts "$WORK/artifacts") >"$WORK/run.log" 2>&1 || status=$?
if [[ $status != 0 ]]; then
    echo "topology.sh: BenchmarkDotNet ended with status $status; the end of its log:" >&2
    tail -40 "$WORK/run.log" >&2
    KEEP=1
    exit "$status"
fi

echo
sed -n '/^\/\/ \* Summary \*/,/^\/\/ \* Legends \*/p' "$WORK/run.log" | sed '$d'
echo "== GitHub-flavoured table"
cat "$WORK"/artifacts/results/*-report-github.md
echo
echo "== took $(($(date +%s) - started)) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
