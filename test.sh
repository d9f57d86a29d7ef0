#!/usr/bin/env bash
# Runs every MeshConsole test against real parts. On a fresh Debian machine with only the .NET SDK
# it installs what the tests need (the Postgres server, Chromium for the browser tests, haproxy to
# check docker/haproxy.cfg), starts a throwaway Postgres cluster on a
# free loopback port, runs `dotnet test MeshConsole.sln`, and stops the cluster whatever happens.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -x "${pg_bin:-}/initdb" ] || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need_apt+=(haproxy)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${need_apt[*]}; install with: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 2
  fi
  echo "test.sh: installing ${need_apt[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

work=$(mktemp -d /tmp/meshconsole-test.XXXXXX)
pgdata="$work/pg"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # Postgres refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi

stop_cluster() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop_cluster EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
"${as_pg[@]}" "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -l "$work/pg.log" \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null
echo "test.sh: Postgres $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export MESH_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true"

status=0
dotnet test MeshConsole.sln --nologo "$@" 2>&1 | tee "$work/test.log" || status=$?

# One closing line for every assembly together, in the form CI reads.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$work/test.log"
exit $status
