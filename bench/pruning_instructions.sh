#!/usr/bin/env bash
# Benchmark: the planner hook's cost counted in CPU instructions, which other load on the
# machine does not disturb (bench/pruning_overhead.sh measures TPS, which it does). The same
# 1,000-partition table as pruning_overhead; a file of 3,000 point queries
# (`SELECT * FROM pts WHERE id = N`, fixed pseudo-random ids) runs in single-user mode
# (postgres --single) under valgrind's callgrind, once per configuration:
#   not_loaded     shared_preload_libraries = '' (partman's library is never loaded)
#   loaded         partman preloaded, defaults: diagnostics off, statistics off
#   diag_log       partman preloaded, partman.pruning_diagnostics = log, statistics off
#   loaded_stats   partman preloaded, diagnostics off, partman.track_pruning = on
# and once more with no query, so that start-up is subtracted: instructions per query =
# (run with the queries - run without) / 3000. Reported with each configuration's extra cost
# over not_loaded, as a share of not_loaded's instructions per query.
# Run it through bench/run.sh (bash bench/run.sh pruning_instructions); needs valgrind
# (scripts/deps.sh --bench installs it).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PARTITIONS=1000
ROWS_PER=100
QUERIES=3000
CONFIGS=(not_loaded loaded diag_log loaded_stats)
DB=bench
command -v valgrind >/dev/null || bench_die "valgrind is not installed (bash scripts/deps.sh --bench)"

echo "-- setup: $PARTITIONS partitions of $ROWS_PER rows"
bench_point_table "$DB" "$PARTITIONS" "$ROWS_PER"

# the queries: ids from a fixed linear congruential sequence, the same in every run
awk -v n="$QUERIES" -v m="$((PARTITIONS * ROWS_PER))" \
  'BEGIN { x = 12345; for (i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "SELECT * FROM pts WHERE id = %d;\n", x % m } }' \
  >"$BENCH_WORK/queries.sql"
: >"$BENCH_WORK/empty.sql"
chmod a+r "$BENCH_WORK/queries.sql" "$BENCH_WORK/empty.sql"
chmod a+rwx "$BENCH_WORK"

as_server_user() { if [[ -n ${BENCH_PG_USER:-} ]]; then runuser -u "$BENCH_PG_USER" -- "$@"; else "$@"; fi; }
# single-user mode needs the server stopped; bench/run.sh's clean-up copes with a stopped one
as_server_user "$BENCH_BINDIR/pg_ctl" stop -D "$BENCH_DATA" -m fast -w >/dev/null

options_of() {
  case $1 in
    not_loaded) echo "-c shared_preload_libraries=" ;;
    loaded) echo "" ;;
    loaded_stats) echo "-c partman.track_pruning=on" ;;
    diag_log) echo "-c partman.pruning_diagnostics=log" ;;
  esac
}

# instructions CONFIG FILE: callgrind's instruction count of one single-user run
instructions() {
  local out=$BENCH_WORK/cg.$1.$(basename "$2" .sql) ir
  # shellcheck disable=SC2046
  as_server_user valgrind --tool=callgrind --callgrind-out-file="$out.out" \
    "$BENCH_BINDIR/postgres" --single -D "$BENCH_DATA" $(options_of "$1") "$DB" \
    <"$2" >"$out.stdout" 2>"$out.stderr" || { tail -n 20 "$out.stderr" >&2; bench_die "$1: postgres --single failed"; }
  ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out.stderr")
  [[ -n $ir ]] || bench_die "$1: no instruction count from callgrind"
  if [[ $2 == */queries.sql ]]; then
    local rows
    rows=$(grep -c 'payload = ' "$out.stdout" || true)
    ((rows == QUERIES)) || bench_die "$1: $rows of $QUERIES queries returned their row"
  fi
  echo "$ir"
}

declare -A PER
printf '%-15s %15s %15s %12s\n' config with_queries without per_query
for c in "${CONFIGS[@]}"; do
  with=$(instructions "$c" "$BENCH_WORK/queries.sql")
  without=$(instructions "$c" "$BENCH_WORK/empty.sql")
  PER[$c]=$(awk -v a="$with" -v b="$without" -v n="$QUERIES" 'BEGIN { printf "%.0f", (a - b) / n }')
  printf '%-15s %15s %15s %12s\n' "$c" "$with" "$without" "${PER[$c]}"
done
as_server_user "$BENCH_BINDIR/pg_ctl" start -D "$BENCH_DATA" -l "$BENCH_SERVER_LOG" -w -t 60 >/dev/null ||
  bench_die "the server did not start again"

table=$(
  echo "| configuration | instructions per query | extra over not_loaded | share |"
  echo "|---|---:|---:|---:|"
  for c in "${CONFIGS[@]}"; do
    extra=$((PER[$c] - PER[not_loaded]))
    printf '| %s | %s | %s | %s |\n' "$c" "${PER[$c]}" "$extra" \
      "$(awk -v e="$extra" -v b="${PER[not_loaded]}" 'BEGIN { printf "%+.2f%%", 100 * e / b }')"
  done
)
final="pruning_instructions: point query ${PER[not_loaded]} instructions; hook +$((PER[loaded] - PER[not_loaded])) (defaults), +$((PER[diag_log] - PER[not_loaded])) (diagnostics log), +$((PER[loaded_stats] - PER[not_loaded])) (statistics on)"
echo
echo "$table"
echo
echo "$final"

{
  bench_results_head "pruning_instructions: the planner hook's cost in CPU instructions" "; $(valgrind --version)"
  echo "- method: $QUERIES point queries on a $PARTITIONS-partition table (simple protocol: each is planned)"
  echo "  in \`postgres --single\` under callgrind; start-up subtracted (a run without queries); the"
  echo "  count is deterministic, so other load on the machine does not change it."
  echo
  echo "$table"
  echo
  echo "\`$final\`"
} >"$BENCH_RESULTS/pruning_instructions.md"
echo "wrote $BENCH_RESULTS/pruning_instructions.md"
