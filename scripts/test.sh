#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine, as root, it:
#   1. installs the Debian packages the tests need (PostgreSQL server and client),
#   2. starts a throwaway PostgreSQL on 127.0.0.1 (random port, data in a temp dir),
#   3. builds and runs every test project (each PostgreSQL test runs against that server),
#   4. stops what it started, and prints a final "N passed, N failed, N skipped" line.
# Under CI (CI=true) a PostgreSQL test never skips: without a server it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf '==> %s\n' "$*" >&2; }

# --- 1. packages --------------------------------------------------------------------------------
packages=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || packages+=(postgresql)
command -v psql >/dev/null || packages+=(postgresql-client)
if ((${#packages[@]})); then
  log "installing ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 2; }

# --- 2. PostgreSQL --------------------------------------------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=$(mktemp -d /tmp/vigie-pg.XXXXXX)
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PGPORT=$((20000 + RANDOM % 20000))
until port_free "$PGPORT"; do PGPORT=$((20000 + RANDOM % 20000)); done
chown postgres:postgres "$PGDATA"
stop_pg() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap stop_pg EXIT
log "starting PostgreSQL ($("$PGBIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$PGPORT"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c "CREATE ROLE vigie LOGIN CREATEDB PASSWORD 'vigie'"
export VIGIE_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Database=postgres;Username=vigie;Password=vigie"
export VIGIE_REQUIRE_POSTGRES=1

# --- 3. build and test ------------------------------------------------------------------------------
log "building"
dotnet tool restore >/dev/null
dotnet build Vigie.slnx -c Debug --nologo -v q -clp:ErrorsOnly
out=$(mktemp)
log "running the tests"
set +e
dotnet test --solution Vigie.slnx --no-build -c Debug 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# --- 4. summary -------------------------------------------------------------------------------------
# Microsoft.Testing.Platform ends with "total: N / failed: N / succeeded: N / skipped: N".
count() { grep -E "^\s*$1: [0-9]+" "$out" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count succeeded); failed=$(count failed); skipped=$(count skipped); total=$(count total)
rm -f "$out"
if [[ "$total" == 0 ]]; then
  echo "error: no test ran" >&2
  status=1
fi
if [[ $status -ne 0 && $failed == 0 ]]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
