#!/usr/bin/env bash
# Runs MeshConsole with the demo mesh: the console on http://127.0.0.1:8080 (SQLite in
# src/MeshConsole/data), then a small shop of services, each beside its own sidecar, with a steady
# trickle of traffic. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"

dotnet build src/MeshConsole --nologo -v q
dotnet build src/Mesh.Demo --nologo -v q
# The demo's sidecars join with a mesh-wide token, made once and kept beside the SQLite store: the
# console creates its 'bootstrap' token from it at first start only.
mkdir -p src/MeshConsole/data
token_file=src/MeshConsole/data/join-token
if [[ ! -s $token_file ]]; then
  (umask 077; printf 'mjt_%s' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" > "$token_file")
fi
Mesh__Bootstrap__JoinToken="$(cat "$token_file")"
export Mesh__Bootstrap__JoinToken MESH_JOIN_TOKEN="$Mesh__Bootstrap__JoinToken"
dotnet run --no-build --project src/MeshConsole &
console=$!
demo=""
# Stops what it started however run.sh ends: Ctrl-C, a TERM from a supervisor, or an error.
stop() {
  [[ -n $demo ]] && kill "$demo" 2>/dev/null || true
  kill "$console" 2>/dev/null || true
  [[ -n $demo ]] && wait "$demo" 2>/dev/null || true
  wait "$console" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 120); do
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then break; fi
  if ! kill -0 "$console" 2>/dev/null; then echo "run.sh: the console exited; see its output above" >&2; exit 1; fi
  sleep 0.5
done

echo "run.sh: console ready on http://127.0.0.1:8080; starting the demo mesh"
# The built program itself, not `dotnet run`, so a stop signal reaches it.
src/Mesh.Demo/bin/Debug/net10.0/Mesh.Demo "$@" &
demo=$!
wait "$demo"
