#!/usr/bin/env bash
# Benchmark: what partman's planner hook costs point queries. A 1,000-partition table
# (bigint key, 100 rows a partition, primary key), made by partman.create_parent; pgbench runs
# `SELECT * FROM pts WHERE id = :id` (random id) with the simple protocol (every query is
# planned, so the hook runs each time) and the prepared protocol, under four configurations of
# the same cluster, restarted between them:
#   not_loaded     shared_preload_libraries = '' (no session loads partman)
#   loaded         partman preloaded, defaults: diagnostics off, statistics off
#   diag_log       partman preloaded, partman.pruning_diagnostics = log (what the client
#                  does not see), statistics off
#   loaded_stats   partman preloaded, diagnostics off, partman.track_pruning = on
# Each round runs every configuration once (order rotated each round); medians are reported
# with each configuration's TPS as a share of not_loaded's. Goals: loaded >= 99%, diag_log >= 95%.
# Checked: not_loaded sessions have no partman settings (the library is not loaded);
# loaded_stats counts the queries in partman.pruning_stats, the others count none.
# BENCH_SECONDS (default 10) per pgbench run, BENCH_CLIENTS (default: the CPU count).
# Run it through bench/run.sh (bash bench/run.sh pruning_overhead), which starts the cluster.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PARTITIONS=1000
ROWS_PER=100
ROUNDS=${BENCH_ROUNDS:-7}
SECONDS_PER=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-$(nproc)}
CONFIGS=(not_loaded loaded diag_log loaded_stats)
MODES=(simple prepared)
DB=bench
PGBENCH=$BENCH_BINDIR/pgbench

echo "-- setup: $PARTITIONS partitions of $ROWS_PER rows"
bench_point_table "$DB" "$PARTITIONS" "$ROWS_PER"
NPARTS=$(bpsql -d "$DB" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'pts'::regclass")
((NPARTS >= PARTITIONS)) || bench_die "pts has $NPARTS partitions, not $PARTITIONS"
PRUNED=$(bpsql -d "$DB" -c "SELECT partitions_scanned || '/' || partitions_total FROM partman.explain_pruning('SELECT * FROM pts WHERE id = 4242')")
echo "pts: $NPARTS partitions; a point query scans $PRUNED of them"

cat >"$BENCH_WORK/point.sql" <<SQL
\\set id random(0, $((PARTITIONS * ROWS_PER - 1)))
SELECT * FROM pts WHERE id = :id;
SQL
chmod a+r "$BENCH_WORK/point.sql"

# The configurations set shared_preload_libraries with ALTER SYSTEM (RESET: none), so the
# line bench/run.sh wrote into postgresql.conf goes.
as_server_user() { if [[ -n ${BENCH_PG_USER:-} ]]; then runuser -u "$BENCH_PG_USER" -- "$@"; else "$@"; fi; }
as_server_user sed -i 's/^shared_preload_libraries/#&/' "$BENCH_DATA/postgresql.conf"

configure() {
  case $1 in
    not_loaded)
      bpsql -d postgres -c "ALTER SYSTEM RESET shared_preload_libraries" ;;
    loaded | diag_log)
      bpsql -d postgres -c "LOAD 'partman'" -c "ALTER SYSTEM SET shared_preload_libraries = 'partman'" \
        -c "ALTER SYSTEM SET partman.track_pruning = off" ;;
    loaded_stats)
      bpsql -d postgres -c "LOAD 'partman'" -c "ALTER SYSTEM SET shared_preload_libraries = 'partman'" \
        -c "ALTER SYSTEM SET partman.track_pruning = on" ;;
  esac
  bench_restart
  local loaded
  loaded=$(bpsql -d "$DB" -c "SELECT count(*) FROM pg_settings WHERE name LIKE 'partman.%'")
  case $1 in
    not_loaded) ((loaded == 0)) || bench_die "not_loaded: partman's settings exist, so it is loaded" ;;
    *) ((loaded > 0)) || bench_die "$1: partman is not loaded" ;;
  esac
}

options_of() { [[ $1 == diag_log ]] && echo "-c partman.pruning_diagnostics=log" || true; }

# run CONFIG MODE: TPS of one pgbench run
run() {
  local out tps failed
  out=$(PGOPTIONS="$(options_of "$1")" "$PGBENCH" -n -M "$2" -c "$CLIENTS" -j "$CLIENTS" \
    -T "$SECONDS_PER" -f "$BENCH_WORK/point.sql" "$DB" 2>&1) || { echo "$out" >&2; return 1; }
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  [[ -z $failed || $failed == 0 ]] || { echo "$out" >&2; bench_die "pgbench reported $failed failed transactions"; }
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | tail -n 1)
  [[ -n $tps ]] || { echo "$out" >&2; bench_die "no tps in pgbench output"; }
  echo "$tps"
}

declare -A TPS
echo "-- $ROUNDS rounds x ${#CONFIGS[@]} configurations x ${MODES[*]}: ${SECONDS_PER}s each, $CLIENTS clients"
printf '%-6s %-15s %12s %12s %s\n' round config simple prepared stats
for ((r = 1; r <= ROUNDS; r++)); do
  k=$(((r - 1) % ${#CONFIGS[@]}))
  order=("${CONFIGS[@]:k}" "${CONFIGS[@]:0:k}")
  for c in "${order[@]}"; do
    configure "$c"
    [[ $c == not_loaded ]] || bpsql -d "$DB" -c "SELECT partman.pruning_stats_reset()" >/dev/null
    # warm the relation cache and shared buffers
    PGOPTIONS="$(options_of "$c")" "$PGBENCH" -n -M simple -c "$CLIENTS" -j "$CLIENTS" -T 2 \
      -f "$BENCH_WORK/point.sql" "$DB" >/dev/null 2>&1
    line=()
    for m in "${MODES[@]}"; do
      t=$(run "$c" "$m") || bench_die "pgbench failed ($c, $m)"
      TPS[$c,$m]+="$t "
      line+=("$t")
    done
    counted=-
    if [[ $c != not_loaded ]]; then
      counted=$(bpsql -d "$DB" -c "SELECT coalesce(sum(queries), 0) FROM partman.pruning_stats WHERE relation = 'pts'::regclass")
      if [[ $c == loaded_stats ]]; then
        ((counted > 0)) || bench_die "$c: no plan was counted"
      else
        ((counted == 0)) || bench_die "$c: $counted plans were counted with statistics off"
      fi
    fi
    printf '%-6s %-15s %12.0f %12.0f %s\n' "$r" "$c" "${line[0]}" "${line[1]}" "$counted"
  done
done
configure loaded

declare -A MED
for c in "${CONFIGS[@]}"; do
  for m in "${MODES[@]}"; do
    read -r -a t <<<"${TPS[$c,$m]}"
    MED[$c,$m]=$(bench_median_fmt %.0f "${t[@]}")
  done
done
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "nan" }'; }
table=$(
  echo "| configuration | simple TPS | share | prepared TPS | share |"
  echo "|---|---:|---:|---:|---:|"
  for c in "${CONFIGS[@]}"; do
    printf '| %s | %s | %s | %s | %s |\n' "$c" "${MED[$c,simple]}" \
      "$(pct "${MED[$c,simple]}" "${MED[not_loaded,simple]}")" "${MED[$c,prepared]}" \
      "$(pct "${MED[$c,prepared]}" "${MED[not_loaded,prepared]}")"
  done
)
goal_line() { # config goal%
  local worst
  worst=$(awk -v a="${MED[$1,simple]}" -v b="${MED[not_loaded,simple]}" -v c="${MED[$1,prepared]}" \
    -v d="${MED[not_loaded,prepared]}" 'BEGIN { x = 100 * a / b; y = 100 * c / d; printf "%.1f", (x < y ? x : y) }')
  if awk -v w="$worst" -v g="$2" 'BEGIN { exit !(w >= g) }'; then
    echo "goal met: $1 at ${worst}% of not_loaded's TPS at worst (goal: at least $2%)"
  else
    echo "goal missed: $1 at ${worst}% of not_loaded's TPS at worst (goal: at least $2%)"
  fi
}
goals=$(goal_line loaded 99; goal_line diag_log 95)
final="pruning_overhead: simple $(pct "${MED[loaded,simple]}" "${MED[not_loaded,simple]}") loaded, $(pct "${MED[diag_log,simple]}" "${MED[not_loaded,simple]}") diag_log; prepared $(pct "${MED[loaded,prepared]}" "${MED[not_loaded,prepared]}") loaded, $(pct "${MED[diag_log,prepared]}" "${MED[not_loaded,prepared]}") diag_log"

echo
echo "$table"
echo
echo "$goals"
echo "$final"

{
  bench_results_head "pruning_overhead: the planner hook's cost on point queries" "" "" " ($ROUNDS rounds, order rotated each round, median TPS shown)"
  echo "- method: one throwaway cluster restarted for each configuration; a table of $NPARTS partitions"
  echo "  ($ROWS_PER rows each, primary key); pgbench \`SELECT * FROM pts WHERE id = :id\` with a random"
  echo "  id, $CLIENTS clients, ${SECONDS_PER}s per run after a 2s warm-up, simple protocol (planned every"
  echo "  time; the plan cache keeps choosing custom plans here) and prepared protocol. Configurations:"
  echo "  not_loaded (no shared_preload_libraries), loaded (partman preloaded, defaults: diagnostics and"
  echo "  statistics off), diag_log (partman.pruning_diagnostics = log), loaded_stats (partman.track_pruning = on)."
  echo "- share: the configuration's median TPS as a share of not_loaded's."
  echo
  echo "$table"
  echo
  echo "$goals"
  echo
  echo "\`$final\`"
} >"$BENCH_RESULTS/pruning_overhead.md"
echo "wrote $BENCH_RESULTS/pruning_overhead.md"
