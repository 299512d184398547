#!/usr/bin/env bash
# Benchmark: maintenance with nothing to do, in CPU instructions (deterministic: other load on
# the machine does not change it). The sets of maintenance_noop (100 daily sets, premake 4 from
# today, maintained once), one database per tool; then each CALL runs in `postgres --single`
# (a new backend, as pg_cron's call is) under valgrind's callgrind, and the instructions of the
# CALL are read from callgrind's inclusive count of ExecuteCallStmt:
#   partman     CALL partman.run_maintenance()
#   pg_partman  CALL pgpartman.run_maintenance_proc(p_analyze := false)   (pg_partman 4.7.2)
# Each is run BENCH_ROUNDS times (default 3; the counts vary by a few thousand), median shown.
# Run it through bench/run.sh (bash bench/run.sh maintenance_noop_instructions); needs valgrind.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NSETS=100
PREMAKE=4
ROUNDS=${BENCH_ROUNDS:-3}
GOAL=25
DB=bench
DB_PGP=bench_pg_partman
TODAY=$(date -u +%F)
command -v valgrind >/dev/null || bench_die "valgrind is not installed (bash scripts/deps.sh --bench)"
command -v callgrind_annotate >/dev/null || bench_die "callgrind_annotate is not installed"

bpsql -d postgres -c "CREATE DATABASE $DB" -c "CREATE DATABASE $DB_PGP"
bpsql -d "$DB" -c 'CREATE EXTENSION partman'
bpsql -d "$DB_PGP" -c 'CREATE SCHEMA pgpartman' -c 'CREATE EXTENSION pg_partman SCHEMA pgpartman' ||
  bench_die "CREATE EXTENSION pg_partman failed (bash scripts/deps.sh --bench installs it)"
PGP_VERSION=$(bpsql -d "$DB_PGP" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")
for ((i = 1; i <= NSETS; i++)); do
  t=$(printf 'events_%03d' "$i")
  echo "CREATE TABLE public.$t (id bigint, created_at timestamptz NOT NULL, payload text) PARTITION BY RANGE (created_at);"
  echo "SELECT partman.create_parent('public.$t', \"interval\" => '1 day', premake => $PREMAKE, start_partition => '$TODAY');"
done | bpsql -d "$DB" -o /dev/null
for ((i = 1; i <= NSETS; i++)); do
  t=$(printf 'events_%03d' "$i")
  echo "CREATE TABLE public.$t (id bigint, created_at timestamptz NOT NULL, payload text) PARTITION BY RANGE (created_at);"
  echo "SELECT pgpartman.create_parent('public.$t', 'created_at', 'native', 'daily', p_premake := $PREMAKE, p_start_partition := '$TODAY');"
done | bpsql -d "$DB_PGP" -o /dev/null
bpsql -d "$DB" -c 'CALL partman.run_maintenance()' -c 'VACUUM'
bpsql -d "$DB_PGP" -c 'CALL pgpartman.run_maintenance_proc(p_analyze := false)' -c 'VACUUM'
count_parts() {
  bpsql -d "$1" -c "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname LIKE 'events\_%'"
}
BEFORE_P=$(count_parts "$DB"); BEFORE_G=$(count_parts "$DB_PGP")

echo 'CALL partman.run_maintenance();' >"$BENCH_WORK/noop_partman.sql"
echo 'CALL pgpartman.run_maintenance_proc(p_analyze := false);' >"$BENCH_WORK/noop_pg_partman.sql"
chmod a+r "$BENCH_WORK"/noop_*.sql
chmod a+rwx "$BENCH_WORK"
as_server_user() { if [[ -n ${BENCH_PG_USER:-} ]]; then runuser -u "$BENCH_PG_USER" -- "$@"; else "$@"; fi; }
as_server_user "$BENCH_BINDIR/pg_ctl" stop -D "$BENCH_DATA" -m fast -w >/dev/null

# instructions DB FILE N: the CALL's instructions (ExecuteCallStmt, inclusive) in run N
instructions() {
  local out=$BENCH_WORK/cg.$1.$3 ir
  as_server_user valgrind --tool=callgrind --callgrind-out-file="$out.out" \
    "$BENCH_BINDIR/postgres" --single -D "$BENCH_DATA" -c partman.bgw_max_workers=0 "$1" \
    <"$2" >"$out.stdout" 2>"$out.stderr" || { tail -n 20 "$out.stderr" >&2; bench_die "$1: postgres --single failed"; }
  if grep -q 'ERROR:  ' "$out.stdout" "$out.stderr"; then grep 'ERROR:  ' "$out.stdout" "$out.stderr" >&2; bench_die "$1: the CALL failed"; fi
  ir=$(callgrind_annotate --inclusive=yes "$out.out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*:ExecuteCallStmt .*/\1/p' | head -n 1 | tr -d ,)
  [[ -n $ir ]] || bench_die "$1: no instruction count for ExecuteCallStmt"
  echo "$ir"
}
declare -A IR
printf '%-6s %-11s %15s\n' round contender instructions
for ((r = 1; r <= ROUNDS; r++)); do
  for c in partman pg_partman; do
    db=$DB; [[ $c == pg_partman ]] && db=$DB_PGP
    n=$(instructions "$db" "$BENCH_WORK/noop_$c.sql" "$r")
    printf '%-6s %-11s %15s\n' "$r" "$c" "$n"
    IR[$c]+="$n "
  done
done
as_server_user "$BENCH_BINDIR/pg_ctl" start -D "$BENCH_DATA" -l "$BENCH_SERVER_LOG" -w -t 60 >/dev/null ||
  bench_die "the server did not start again"
[[ $(count_parts "$DB") == "$BEFORE_P" && $(count_parts "$DB_PGP") == "$BEFORE_G" ]] ||
  bench_die "a no-op run changed the partitions"

read -r -a a <<<"${IR[partman]}"; P=$(bench_median_fmt %.0f "${a[@]}")
read -r -a a <<<"${IR[pg_partman]}"; G=$(bench_median_fmt %.0f "${a[@]}")
RATIO=$(bench_ratio "$G" "$P" %.2f)
if awk -v r="$RATIO" -v g="$GOAL" 'BEGIN { exit !(r >= g) }'; then m=met; else m=missed; fi
goal="goal $m: pg_partman/partman = ${RATIO}x in instructions (goal: at least ${GOAL}x)"
final="maintenance_noop_instructions $NSETS sets: partman $P, pg_partman $G instructions, pg_partman/partman ${RATIO}x"
echo; echo "$goal"; echo "$final"

{
  bench_results_head "maintenance_noop_instructions: $NSETS daily sets, nothing to do, in CPU instructions" "; $(valgrind --version)" "; pg_partman $PGP_VERSION" " ($ROUNDS runs each, median shown)"
  echo "- method: the sets of maintenance_noop ($NSETS daily sets, premake $PREMAKE from today, maintained"
  echo "  once, VACUUM), one database per tool; each CALL in \`postgres --single\` (a new backend, as"
  echo "  pg_cron's call) under callgrind; the count is the inclusive instructions of ExecuteCallStmt"
  echo "  (start-up excluded). Checked: no partition created or dropped."
  echo
  echo "| contender | instructions (median) | runs |"
  echo "|---|---:|---|"
  echo "| partman \`CALL partman.run_maintenance()\` | $P | ${IR[partman]% } |"
  echo "| pg_partman $PGP_VERSION \`CALL run_maintenance_proc(p_analyze := false)\` | $G | ${IR[pg_partman]% } |"
  echo
  echo "$goal"
  echo
  echo "\`$final\`"
} >"$BENCH_RESULTS/maintenance_noop_instructions.md"
echo "wrote bench/results/maintenance_noop_instructions.md"
