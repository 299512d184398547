#!/usr/bin/env bash
# The regression suite (test/sql) against a server running under valgrind
# memcheck (`make memcheck`).  Every postgres process is traced
# (--trace-children=yes) and writes its own valgrind log; an error whose stack
# has a frame in partman.so is partman's; any error fails the run.  PostgreSQL's known
# false positives (a server not built with USE_VALGRIND writes uninitialised
# padding to WAL and stats files) are suppressed by test/valgrind.supp; any
# other error inside PostgreSQL is counted and shown apart.
# Slow (valgrind runs the server ~20-50x slower): not part of `make test`.
#
# Usage: [PG_CONFIG=...] [TESTS="01_range_time 14_bad_input"] bash test/memcheck.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
PGXS_DIR=$(cd "$(dirname "$("$PG_CONFIG" --pgxs)")/../.." && pwd)
PG_REGRESS=$PGXS_DIR/src/test/regress/pg_regress
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed" >&2; exit 2; }

if [[ $(id -u) -eq 0 ]]; then RUN_AS=(runuser -u postgres --); else RUN_AS=(); fi
W=$(mktemp -d /tmp/partman-memcheck.XXXXXX)
as_user() { (cd "$W" && "${RUN_AS[@]}" env PATH="$BINDIR:$PATH" "$@"); }
PORT=$((57000 + RANDOM % 1000))
cleanup() {
  set +e
  as_user pg_ctl stop -D "$W/data" -m immediate >/dev/null 2>&1
  [[ -n ${KEEP:-} ]] || rm -rf "$W"
}
trap cleanup EXIT

echo "== build and install"
make -C "$ROOT" PG_CONFIG="$PG_CONFIG" >/dev/null
if [[ -w $("$PG_CONFIG" --pkglibdir) ]]; then make -C "$ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null
else sudo make -C "$ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null; fi

mkdir -p "$W/sql" "$W/expected" "$W/out" "$W/vg"
cp "$ROOT"/test/sql/*.sql "$W/sql/"
cp "$ROOT"/test/expected/*.out "$W/expected/"
cp "$ROOT/test/valgrind.supp" "$W/"
if [[ -n ${TESTS:-} ]]; then read -r -a NAMES <<<"$TESTS"
else mapfile -t NAMES < <(cd "$ROOT/test/sql" && ls ./*.sql | sed 's|^\./||; s|\.sql$||' | LC_ALL=C sort); fi
((${#RUN_AS[@]})) && chown -R postgres: "$W"

echo "== cluster under valgrind"
as_user initdb -D "$W/data" -A trust --no-locale -E UTF8 >/dev/null
cat "$ROOT/test/partman.conf" >>"$W/data/postgresql.conf"
cat >>"$W/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$W'
port = $PORT
# valgrind is slow: nothing may time out because of it
partman.lock_timeout = 60000
statement_timeout = 0
max_connections = 20
# statistics-based figures (06_config's default_rows) must not depend on when
# a slow autovacuum gets to a table
autovacuum = off
EOF
as_user valgrind --quiet --trace-children=yes --error-limit=no --num-callers=30 \
  --leak-check=no --track-origins=no --read-var-info=no --suppressions="$W/valgrind.supp" \
  --log-file="$W/vg/%p.log" \
  "$BINDIR/postgres" -D "$W/data" >"$W/server.log" 2>&1 &
deadline=$((SECONDS + 300))
until as_user pg_isready -q -h "$W" -p "$PORT"; do
  ((SECONDS < deadline)) || { echo "memcheck: server did not start" >&2; tail "$W/server.log" >&2; exit 2; }
  sleep 1
done

echo "== pg_regress (${#NAMES[@]} files)"
start=$SECONDS
# --use-existing makes no database: a fresh one, as pg_regress would
as_user psql -X -q -h "$W" -p "$PORT" -d postgres \
  -c "CREATE DATABASE contrib_regression TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
rc=0
as_user "$PG_REGRESS" --use-existing --host="$W" --port="$PORT" --bindir="$BINDIR" \
  --inputdir="$W" --outputdir="$W/out" --dbname=contrib_regression "${NAMES[@]}" 2>&1 |
  tee "$W/regress.log" || rc=$?
elapsed=$((SECONDS - start))
as_user pg_ctl stop -D "$W/data" -m fast -t 300 >/dev/null || true

# Valgrind error blocks: from a line "==pid== <message>" to the next blank "==pid== ".
# Count them, and those with a partman frame.
read -r TOTAL OURS < <(awk '
  /^==[0-9]+== [A-Z][a-z]/ && !inblock { inblock = 1; ours = 0; total++; next }
  inblock && /partman/ { ours = 1 }
  inblock && /^==[0-9]+== *$/ { if (ours) n++; inblock = 0 }
  END { if (inblock && ours) n++; print total + 0, n + 0 }' "$W"/vg/*.log)
PROCS=$(ls "$W"/vg/*.log | wc -l)
if ((OURS > 0)); then
  echo "---- errors with a partman frame ----"
  grep -l partman "$W"/vg/*.log | while read -r f; do
    awk '/^==[0-9]+== [A-Z][a-z]/ { b = $0 "\n"; inb = 1; next }
         inb { b = b $0 "\n" } inb && /^==[0-9]+== *$/ { if (b ~ /partman/) printf "%s", b; inb = 0 }' "$f"
  done | head -n 200
fi
if ((TOTAL > OURS)); then
  echo "---- first errors inside PostgreSQL (not partman's) ----"
  cat "$W"/vg/*.log | grep -A8 -m 3 '^==[0-9]*== [A-Z][a-z]' || true
fi
PASSED=$(grep -cE '\.\.\. +ok' "$W/regress.log" || true)
cat <<EOF

== memcheck: ${#NAMES[@]} regression files in ${elapsed}s under valgrind, $PROCS processes traced
pg_regress: $PASSED of ${#NAMES[@]} files as expected
valgrind errors with a partman frame: $OURS
valgrind errors elsewhere in PostgreSQL: $((TOTAL - OURS))
EOF
# partman's errors fail the run, and so does any other: the known false positives are suppressed
((TOTAL == 0)) || exit 1
exit 0
