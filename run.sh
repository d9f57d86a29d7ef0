#!/usr/bin/env bash
# Runs MeshConsole with the demo mesh: the console on http://127.0.0.1:8080 (SQLite in
# src/MeshConsole/data), then a small shop of services, each beside its own sidecar, with a steady
# trickle of traffic. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"

dotnet build src/MeshConsole --nologo -v q
dotnet build src/Mesh.Demo --nologo -v q

# Sign-in. The console makes these at the first start of a data folder: the admin user, and an
# admin API token the demo writes its policies with (one random token per data folder, kept there).
data=src/MeshConsole/data
mkdir -p "$data"
if [[ -z ${Mesh__Bootstrap__ApiToken:-} ]]; then
  if [[ ! -s $data/run-api-token ]]; then
    (umask 077; echo "mat_$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')" > "$data/run-api-token")
  fi
  Mesh__Bootstrap__ApiToken=$(cat "$data/run-api-token")
  export Mesh__Bootstrap__ApiToken
fi
export MESH_API_TOKEN=$Mesh__Bootstrap__ApiToken
if [[ -z ${Mesh__Bootstrap__AdminPassword:-} && ! -e $data/mesh.db ]]; then
  Mesh__Bootstrap__AdminPassword=$(head -c 18 /dev/urandom | basenc --base64url)
  export Mesh__Bootstrap__AdminPassword
  signin="sign in as admin with the password $Mesh__Bootstrap__AdminPassword (shown this once: this data folder is new)"
elif [[ -n ${Mesh__Bootstrap__AdminPassword:-} ]]; then
  signin="sign in as admin with Mesh__Bootstrap__AdminPassword"
else
  signin="sign in as admin with the password shown at this data folder's first start"
fi
# The demo's sidecars join with a mesh-wide token, made once and kept beside the SQLite store: the
# console creates its 'bootstrap' token from it at first start only.
token_file=$data/join-token
if [[ ! -s $token_file ]]; then
  (umask 077; echo "mjt_$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')" > "$token_file")
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

echo "run.sh: console ready on http://127.0.0.1:8080: $signin; starting the demo mesh"
# The built program itself, not `dotnet run`, so a stop signal reaches it.
src/Mesh.Demo/bin/Debug/net10.0/Mesh.Demo "$@" &
demo=$!
wait "$demo"
