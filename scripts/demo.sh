#!/usr/bin/env bash
# Scratch cluster with partman and pg_cron preloaded (`make demo` / `make demo-stop`).
# Usage: bash scripts/demo.sh start|stop|psql [psql args...]
# The cluster lives in $PARTMAN_DEMO_DIR (default /tmp/partman-demo) and listens on a
# unix socket inside it only, so nothing outside this machine's users can reach it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
DEMO=$(realpath -m "${PARTMAN_DEMO_DIR:-/tmp/partman-demo}")
STATE=$DEMO/demo.env   # also marks the dir as ours, so stop never removes anything else

# Root runs the server as 'postgres' (PostgreSQL refuses root); anyone else as themselves.
if [[ $(id -u) -eq 0 ]]; then RUN_AS=(runuser -u postgres --); DB_USER=postgres
else RUN_AS=(); DB_USER=$(id -un); fi
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "demo.sh: '$*' needs root and sudo is not installed" >&2; return 1; fi
}
# Run as the server's user from a dir it can enter (the repo may be private to root).
as_user() { (cd "$DEMO" && "${RUN_AS[@]}" env PATH="$BINDIR:$PATH" "$@"); }
BINDIR=$("$PG_CONFIG" --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)

stop_demo() {
  [[ -e $DEMO ]] || return 0
  if [[ ! -f $STATE ]]; then
    if [[ -z $(ls -A "$DEMO") ]]; then rmdir "$DEMO"; return 0; fi
    echo "demo.sh: $DEMO exists but is not a partman demo dir; not touching it" >&2
    exit 1
  fi
  if [[ -f $DEMO/data/postmaster.pid ]]; then
    as_user pg_ctl stop -D "$DEMO/data" -m fast -w || true
  fi
  rm -rf "$DEMO"
}

# First free TCP port from 54330: the socket is named after it, and a clash with another
# local server would confuse anyone who later switches the demo to TCP.
free_port() {
  local p
  for ((p = 54330; p < 54430; p++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "demo.sh: no free port in 54330-54429" >&2; return 1
}

start_demo() {
  cd "$ROOT"
  bash scripts/deps.sh
  make PG_CONFIG="$PG_CONFIG"
  if [[ -w $("$PG_CONFIG" --pkglibdir) ]]; then make PG_CONFIG="$PG_CONFIG" install
  else as_root make PG_CONFIG="$PG_CONFIG" install; fi

  stop_demo   # start always means a fresh cluster
  mkdir -p "$DEMO/run"
  local port sock=$DEMO/run
  port=$(free_port)
  printf 'PORT=%s\nSOCKDIR=%s\nDB_USER=%s\n' "$port" "$sock" "$DB_USER" >"$STATE"
  ((${#RUN_AS[@]})) && chown -R postgres: "$DEMO"
  chmod 700 "$DEMO"

  # Trust is fine: only the socket exists, and its dir is private to the server's user.
  as_user initdb -D "$DEMO/data" -A trust -U "$DB_USER" --no-instructions >"$DEMO/initdb.log" 2>&1 || {
    cat "$DEMO/initdb.log" >&2; exit 1; }
  cat >>"$DEMO/data/postgresql.conf" <<EOF

# partman demo (scripts/demo.sh)
listen_addresses = ''
port = $port
unix_socket_directories = '$sock'
shared_preload_libraries = 'partman,pg_cron'
cron.database_name = 'postgres'
# pg_cron jobs run in background workers, so they need no TCP connection.
cron.use_background_workers = on
# partman's worker runs a maintenance round every 5 s here (default 600)
partman.bgw_interval = 5
# count plans in partman.pruning_stats (off by default)
partman.track_pruning = on
max_worker_processes = 20
EOF
  as_user pg_ctl start -D "$DEMO/data" -l "$DEMO/server.log" -w >/dev/null || {
    echo "demo.sh: server did not start; end of $DEMO/server.log:" >&2
    tail -n 30 "$DEMO/server.log" >&2
    exit 1
  }
  # Fed on stdin: the server's user may not be able to read the repo.
  as_user psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U "$DB_USER" -d postgres \
    -f - <"$ROOT/scripts/demo.sql"

  cat <<EOF

partman demo cluster is running (data and logs in $DEMO).
  connect: psql -h $sock -p $port -U $DB_USER -d postgres
      (or: bash scripts/demo.sh psql)
  stop:    make demo-stop
EOF
}

run_psql() {
  [[ -f $STATE ]] || { echo "demo.sh: no demo cluster in $DEMO; run 'make demo' first" >&2; exit 1; }
  # shellcheck source=/dev/null
  source "$STATE"
  as_user psql -h "$SOCKDIR" -p "$PORT" -U "$DB_USER" -d postgres "$@"
}

cmd=${1:-}
shift || true
case $cmd in
  start) start_demo ;;
  stop) stop_demo; echo "demo cluster in $DEMO stopped and removed" ;;
  psql) run_psql "$@" ;;
  *) echo "usage: $0 start|stop|psql [psql args...]" >&2; exit 2 ;;
esac
