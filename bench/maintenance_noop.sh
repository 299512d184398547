#!/usr/bin/env bash
# Benchmark: maintenance when there is nothing to do. 100 daily partition sets (timestamptz key,
# premake 4, first partition today in UTC: today and the 4 days after it, plus a default
# partition), already fully premade, maintained by
#   partman     CALL partman.run_maintenance()                        (ANALYZE off by default)
#   pg_partman  CALL <schema>.run_maintenance_proc(p_analyze := false) (pg_partman 4.7.2's
#               documented entry point for native sets on PG11+: commits after each set)
# each in its own database, on the same cluster, interleaved. Each timed run is one CALL in a
# new session, timed by psql's \timing (connection start-up not counted, commits included);
# VACUUM and CHECKPOINT before each run; run order rotates each round; medians are reported.
# Every run is checked: the partitions of the 100 sets (names and bounds) are exactly those
# there were before it; a run that created or dropped anything fails the benchmark. The sets
# are made, then maintained once untimed, before the first round.
# BENCH_NOOP_RETENTION (e.g. '90 days') also configures that retention in both, so the no-op
# run also checks retention (nothing is old enough to drop: the sets start today).
# Run it through bench/run.sh (bash bench/run.sh maintenance_noop), which starts the cluster.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NSETS=100
PREMAKE=4
ROUNDS=${BENCH_ROUNDS:-7}
GOAL=25                           # pg_partman / partman, at least
RETENTION=${BENCH_NOOP_RETENTION:-}
CONTENDERS=(partman pg_partman)

DB=bench
DB_PGP=bench_pg_partman
db_of() { if [[ $1 == pg_partman ]]; then echo "$DB_PGP"; else echo "$DB"; fi; }

TODAY=$(date -u +%F)

echo "-- setup: $NSETS daily sets in each database (premake $PREMAKE, from $TODAY${RETENTION:+, retention $RETENTION})"
bpsql -d postgres -c "CREATE DATABASE $DB" -c "CREATE DATABASE $DB_PGP"
bpsql -d "$DB" -c 'CREATE EXTENSION partman' || bench_die "CREATE EXTENSION partman failed"
bpsql -d "$DB_PGP" -c 'CREATE SCHEMA pgpartman' -c 'CREATE EXTENSION pg_partman SCHEMA pgpartman' ||
  bench_die "CREATE EXTENSION pg_partman failed (bash scripts/deps.sh --bench installs it)"
PGP_VERSION=$(bpsql -d "$DB_PGP" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")

# The parents, then one create_parent per set (one transaction per set).
make_sets() {
  local db=$1 kind=$2 i t
  {
    for ((i = 1; i <= NSETS; i++)); do
      t=$(printf 'events_%03d' "$i")
      echo "CREATE TABLE public.$t (id bigint, created_at timestamptz NOT NULL, payload text) PARTITION BY RANGE (created_at);"
      if [[ $kind == partman ]]; then
        echo "SELECT partman.create_parent('public.$t', \"interval\" => '1 day', premake => $PREMAKE," \
          "start_partition => '$TODAY'${RETENTION:+, retention => '$RETENTION'});"
      else
        echo "SELECT pgpartman.create_parent('public.$t', 'created_at', 'native', 'daily'," \
          "p_premake := $PREMAKE, p_start_partition := '$TODAY');"
        [[ -n $RETENTION ]] && echo "UPDATE pgpartman.part_config SET retention = '$RETENTION'," \
          "retention_keep_table = false WHERE parent_table = 'public.$t';"
      fi
    done
  } >"$BENCH_WORK/noop_setup_$kind.sql"
  bpsql -d "$db" -o /dev/null -f "$BENCH_WORK/noop_setup_$kind.sql"
}
make_sets "$DB" partman
make_sets "$DB_PGP" pg_partman

# "ranges defaults sets md5": the partitions of all sets, with a digest of their names and bounds.
snapshot() {
  bpsql -d "$1" -F ' ' <<'SQL'
SELECT count(*) FILTER (WHERE b <> 'DEFAULT'), count(*) FILTER (WHERE b = 'DEFAULT'),
       count(DISTINCT parent), md5(string_agg(parent || '/' || child || ' ' || b, E'\n' ORDER BY parent, child))
FROM (SELECT p.relname::text AS parent, c.relname::text AS child, pg_get_expr(c.relpartbound, c.oid) AS b
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relkind = 'p' AND p.relnamespace = 'public'::regnamespace AND p.relname LIKE 'events\_%') AS parts;
SQL
}
# Ranges of one set that cover today and the PREMAKE days after it (what "fully premade" means).
premade_sets() {
  bpsql -d "$1" -v today="$TODAY" -v n="$PREMAKE" <<'SQL'
SELECT count(*) FROM (
  SELECT p.oid
  FROM pg_class p
  JOIN pg_inherits i ON i.inhparent = p.oid
  JOIN pg_class c ON c.oid = i.inhrelid
  WHERE p.relkind = 'p' AND p.relnamespace = 'public'::regnamespace AND p.relname LIKE 'events\_%'
  GROUP BY p.oid
  HAVING count(*) FILTER (WHERE pg_get_expr(c.relpartbound, c.oid) IN (
           SELECT format('FOR VALUES FROM (%L) TO (%L)', d::timestamptz, (d + 1)::timestamptz)
           FROM (SELECT :'today'::date + k AS d FROM generate_series(0, :n) AS k) AS days)) = :n + 1
) AS s;
SQL
}

TIMED_partman='CALL partman.run_maintenance()'
TIMED_pg_partman='CALL pgpartman.run_maintenance_proc(p_analyze := false)'
for c in "${CONTENDERS[@]}"; do
  v=TIMED_$c
  printf '%s\n%s\n' '\timing on' "${!v}" >"$BENCH_WORK/noop_$c.sql"
done

declare -A BEFORE
for c in "${CONTENDERS[@]}"; do
  db=$(db_of "$c")
  s0=$(snapshot "$db")
  bench_timed "$db" "$BENCH_WORK/noop_$c.sql" >/dev/null || bench_die "$c: untimed maintenance run failed"
  BEFORE[$c]=$(snapshot "$db")
  read -r ranges defaults sets _ <<<"${BEFORE[$c]}"
  premade=$(premade_sets "$db")
  echo "$c: $sets sets, $ranges ranges + $defaults defaults; $premade sets hold today..today+$PREMAKE" \
    "$([[ $s0 == "${BEFORE[$c]}" ]] && echo "(the untimed run changed nothing)" || echo "(the untimed run changed partitions)")"
  [[ $sets == "$NSETS" && $defaults == "$NSETS" && $premade == "$NSETS" ]] ||
    bench_die "$c: the sets are not as expected after setup"
done

declare -A TIMES RUN
FAILED=0
echo "-- $ROUNDS rounds of ${CONTENDERS[*]} (maintenance of $NSETS sets with nothing to do)"
printf '%-6s %-11s %10s  %s\n' round contender ms partitions
for ((r = 1; r <= ROUNDS; r++)); do
  k=$(((r - 1) % ${#CONTENDERS[@]}))
  order=("${CONTENDERS[@]:k}" "${CONTENDERS[@]:0:k}")
  for c in "${order[@]}"; do
    db=$(db_of "$c")
    bench_quiesce "$db"
    if ! ms=$(bench_timed "$db" "$BENCH_WORK/noop_$c.sql"); then
      echo "bench: $c failed in round $r (statement in $BENCH_WORK/noop_$c.sql)" >&2
      exit 1
    fi
    after=$(snapshot "$db")
    read -r ranges defaults _ _ <<<"$after"
    printf '%-6s %-11s %10.1f  %s + %s default\n' "$r" "$c" "$ms" "$ranges" "$defaults"
    if [[ $after != "${BEFORE[$c]}" ]]; then
      echo "bench: $c changed the partitions with nothing to do: before '${BEFORE[$c]}', after '$after'" >&2
      FAILED=1
    fi
    TIMES[$c]+="$ms "
    RUN[$c,$r]=$ms
  done
done
[[ $(date -u +%F) == "$TODAY" ]] ||
  bench_die "the UTC date changed during the run (from $TODAY): run it again"
((FAILED == 0)) || bench_die "a maintenance run with nothing to do created or dropped partitions"

# pg_partman / partman: the median of each round's own ratio (steadier when the machine's speed
# drifts), and the ratio of the medians.
ratios=()
for ((r = 1; r <= ROUNDS; r++)); do ratios+=("$(bench_ratio "${RUN[pg_partman,$r]}" "${RUN[partman,$r]}" %.6f)"); done
RATIO=$(bench_median_fmt %.1f "${ratios[@]}")
declare -A MED
for c in "${CONTENDERS[@]}"; do read -r -a t <<<"${TIMES[$c]}"; MED[$c]=$(bench_median_fmt %.2f "${t[@]}"); done
table=$(
  echo "| contender | median ms | min ms | max ms | pg_partman / contender | same round | partitions (unchanged) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for c in "${CONTENDERS[@]}"; do
    read -r -a t <<<"${TIMES[$c]}"
    read -r ranges defaults _ _ <<<"${BEFORE[$c]}"
    if [[ $c == partman ]]; then same="${RATIO}x"; else same="1.0x"; fi
    printf '| %s | %s | %s | %s | %sx | %s | %s + %s |\n' "$c" "${MED[$c]}" \
      "$(bench_min "${t[@]}")" "$(bench_max "${t[@]}")" \
      "$(bench_ratio "${MED[pg_partman]}" "${MED[$c]}" %.1f)" "$same" "$ranges" "$defaults"
  done
)
if awk -v r="$RATIO" -v g="$GOAL" 'BEGIN { exit !(r >= g) }'; then
  goal="goal met: pg_partman/partman = ${RATIO}x (goal: at least ${GOAL}x)"
else
  goal="goal missed: pg_partman/partman = ${RATIO}x (goal: at least ${GOAL}x)"
fi
final="maintenance_noop $NSETS sets${RETENTION:+ (retention $RETENTION)}: partman ${MED[partman]} ms, pg_partman ${MED[pg_partman]} ms, pg_partman/partman ${RATIO}x"

echo
echo "$table"
echo
echo "$goal"
echo "$final"

{
  bench_results_head "maintenance_noop: $NSETS daily sets, nothing to do" "" "; pg_partman $PGP_VERSION" " ($ROUNDS rounds, order rotated each round, median shown)"
  echo "- method: a throwaway cluster with default durability settings (fsync on), autovacuum off;"
  echo "  $NSETS daily sets (timestamptz key) per contender, each in its own database, made by each"
  echo "  tool's create_parent with premake $PREMAKE from today (UTC): today + $PREMAKE days ahead + default"
  echo "  partition${RETENTION:+, retention $RETENTION (nothing old enough to drop)}; maintained once untimed;"
  echo "  then each timed run is one \`${TIMED_partman}\` or"
  echo "  \`${TIMED_pg_partman}\` (pg_partman 4.7.2's documented"
  echo "  maintenance for native sets on PG11+, committing after each set) in a new session, timed by"
  printf '%s\n' "  psql's \\timing (connection start-up excluded); VACUUM and CHECKPOINT before each run."
  echo "  Every run is checked: the names and bounds of all partitions are exactly those before it."
  echo "- ratio: \"same round\" is the median of each round's own pg_partman/partman ratio (steadier"
  echo "  when other load changes the machine's speed); the final line and the goal use it."
  echo
  echo "$table"
  echo
  echo "$goal"
  echo
  echo "\`$final\`"
  echo
  echo "All runs (ms):"
  echo
  for c in "${CONTENDERS[@]}"; do echo "- $c: ${TIMES[$c]% }"; done
} >"$BENCH_RESULTS/maintenance_noop.md"
echo "wrote bench/results/maintenance_noop.md"
