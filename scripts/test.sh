#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine, as root, it:
#   1. installs the Debian packages the tests need (PostgreSQL server and client, Dovecot IMAP,
#      swaks, GnuPG, Chromium for the browser tests and PDF rendering, a font, poppler-utils),
#   2. starts a throwaway PostgreSQL and a throwaway Dovecot on 127.0.0.1 (random ports, data in
#      temp dirs),
#   3. builds and runs every test project (each PostgreSQL test runs against that server, each
#      IMAP test against that Dovecot),
#   4. stops what it started, and prints a final "N passed, N failed, N skipped" line.
# Under CI (CI=true) a PostgreSQL, IMAP or swaks test never skips: without its server it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf '==> %s\n' "$*" >&2; }

# --- 1. packages --------------------------------------------------------------------------------
packages=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || packages+=(postgresql)
command -v psql >/dev/null || packages+=(postgresql-client)
command -v swaks >/dev/null || packages+=(swaks)
command -v gpg >/dev/null || packages+=(gnupg)
{ command -v dovecot >/dev/null && [[ -x /usr/lib/dovecot/imap ]]; } || packages+=(dovecot-imapd)
# Playwright drives Debian's Chromium (never `playwright install`: nothing is downloaded); DejaVu is the
# workspace's font, so screenshots and PDFs look the same on every machine.
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || packages+=(fonts-dejavu-core)
command -v pdftotext >/dev/null || packages+=(poppler-utils)   # the closure report PDF tests read its text
# Every CSAF document Vigie writes is checked by the OASIS-listed validator (secvisogram, an npm package).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if ((${#packages[@]})); then
  log "installing ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 2; }
# Dovecot stores mail as this unprivileged user (mail_uid below).
id vmail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin vmail

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
DOVECOT_DIR=""
stop_dovecot() {
  [[ -n "$DOVECOT_DIR" ]] || return 0
  local pid
  pid=$(cat "$DOVECOT_DIR/run/master.pid" 2>/dev/null || true)
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DOVECOT_DIR"
}
stop_all() { stop_dovecot; stop_pg; }
trap stop_all EXIT
log "starting PostgreSQL ($("$PGBIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$PGPORT"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c "CREATE ROLE vigie LOGIN CREATEDB PASSWORD 'vigie'"
export VIGIE_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Database=postgres;Username=vigie;Password=vigie"
export VIGIE_REQUIRE_POSTGRES=1

# --- 2b. Dovecot (IMAP, for the mail intake tests) ---------------------------------------------------
# Plain IMAP on loopback, users in a passwd-file the tests append to (Dovecot re-reads it when it
# changes), maildirs owned by vmail. Tests deliver with dovecot-lda -c "$VIGIE_TEST_DOVECOT_CONF".
DOVECOT_DIR=$(mktemp -d /tmp/vigie-dovecot.XXXXXX)
IMAPPORT=$((20000 + RANDOM % 20000))
until port_free "$IMAPPORT"; do IMAPPORT=$((20000 + RANDOM % 20000)); done
mkdir -p "$DOVECOT_DIR"/{run,state,mail}
chmod 755 "$DOVECOT_DIR"
chown -R vmail:vmail "$DOVECOT_DIR/mail"
: >"$DOVECOT_DIR/users"
cat >"$DOVECOT_DIR/dovecot.conf" <<CONF
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$DOVECOT_DIR/mail/%u
mail_uid = vmail
mail_gid = vmail
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOVECOT_DIR/users
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=$DOVECOT_DIR/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAPPORT
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
log "starting Dovecot ($(dovecot --version | awk '{print $1}')) on 127.0.0.1:$IMAPPORT"
dovecot -c "$DOVECOT_DIR/dovecot.conf"
for _ in $(seq 100); do port_free "$IMAPPORT" || break; sleep 0.1; done
port_free "$IMAPPORT" && { echo "error: Dovecot did not start; see $DOVECOT_DIR/dovecot.log" >&2; cat "$DOVECOT_DIR/dovecot.log" >&2 || true; exit 1; }
export VIGIE_TEST_IMAP="127.0.0.1:$IMAPPORT"
export VIGIE_TEST_IMAP_USERS="$DOVECOT_DIR/users"
export VIGIE_TEST_IMAP_MAIL="$DOVECOT_DIR/mail"
export VIGIE_TEST_DOVECOT_CONF="$DOVECOT_DIR/dovecot.conf"
export VIGIE_REQUIRE_IMAP=1

# --- 3. build and test ------------------------------------------------------------------------------
log "installing the CSAF validator (npm ci in tests/csaf-validator)"
npm ci --prefix tests/csaf-validator --no-audit --no-fund --loglevel=error >/dev/null
export VIGIE_CSAF_VALIDATOR="$root/tests/csaf-validator/validate.mjs"
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
