#!/usr/bin/env bash
# Benchmark: move 1,000,000 rows out of the default partition of a daily set (timestamptz key,
# an index on the key) into 30 daily partitions that do not exist yet (the 30 days before
# today, UTC; the set holds today + 4 days ahead + the default partition). Contenders, on the
# same cluster, interleaved:
#   floor            one transaction of plain SQL: DETACH the default partition, CREATE the 30
#                    partitions, INSERT INTO the parent SELECT * FROM the detached default,
#                    TRUNCATE it, ATTACH it again as the default
#   partman          CALL partman.partition_data('public.events', batch_rows => 1000000)
#                    (one batch: one transaction, like the floor)
#   partman_batched  CALL partman.partition_data('public.events') (default batch_rows 50000,
#                    a commit per batch)
#   pg_partman       SELECT <schema>.partition_data_time('public.events', p_batch_count := 30,
#                    p_analyze := false) (pg_partman 4.7.2; all 30 days in one call and one
#                    transaction; partition_data_proc also passes p_analyze := false)
#   pg_partman_analyze the same with partition_data_time's documented default p_analyze true
#                    (ANALYZE of the set after each partition it creates); shown for reference,
#                    not used for the goals
# floor and the partman contenders share a database (partman installed, the set made by
# partman.create_parent); pg_partman and pg_partman_analyze share their own (the set made by
# pg_partman's create_parent).
# Before each run the set is dropped and made again, the 1,000,000 rows are inserted into it
# from a source table (they land in the default partition), ANALYZE, then VACUUM and
# CHECKPOINT. Each timed run is one query message in a new session, timed by psql's \timing.
# Each run is checked: 1,000,000 rows in the set, none in the default partition, the 30 + 5
# expected ranges (and one default), every partition indexed, and an md5 of all rows ordered by
# id equal to the source's.
# Run it through bench/run.sh (bash bench/run.sh partition_data_1m), which starts the cluster.
# BENCH_CONTENDERS="floor partman" runs a subset (floor is the baseline and is always run).
# BENCH_KEY_INDEX=0 makes the set without the index on the key (for every contender); the
# results then go to bench/results/partition_data_1m_noindex.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NROWS=1000000
DAYS=30                 # days of data, all before today
PREMAKE=4
NRANGES=$((DAYS + 1 + PREMAKE))
ROUNDS=${BENCH_ROUNDS:-7}
GOAL_FLOOR=2            # partman / floor, at most (3 without the key index)
GOAL_PGP=10             # pg_partman / partman, at least
read -r -a CONTENDERS <<<"${BENCH_CONTENDERS:-floor partman partman_batched pg_partman pg_partman_analyze}"
[[ " ${CONTENDERS[*]} " == *" floor "* ]] || CONTENDERS=(floor "${CONTENDERS[@]}")
for c in "${CONTENDERS[@]}"; do
  case $c in floor|partman|partman_batched|pg_partman|pg_partman_analyze) ;; *) bench_die "unknown contender '$c'" ;; esac
done
has() { [[ " ${CONTENDERS[*]} " == *" $1 "* ]]; }

DB=bench
DB_PGP=bench_pg_partman
db_of() { if [[ $1 == pg_partman* ]]; then echo "$DB_PGP"; else echo "$DB"; fi; }
has_pgp() { has pg_partman || has pg_partman_analyze; }
DBS=("$DB")
has_pgp && DBS+=("$DB_PGP")

TODAY=$(date -u +%F)
START=$(date -u -d "$TODAY -$DAYS days" +%F)
PARENT_DDL="CREATE TABLE public.events (id bigint, created_at timestamptz NOT NULL, payload text) PARTITION BY RANGE (created_at)"
INDEX_DDL="CREATE INDEX events_created_at_idx ON public.events (created_at)"
KEY_INDEX=${BENCH_KEY_INDEX:-1}
RESULT_NAME=partition_data_1m
if [[ $KEY_INDEX == 0 ]]; then
  INDEX_DDL="SELECT 'no index on the key'"
  RESULT_NAME=partition_data_1m_noindex
  GOAL_FLOOR=3
fi
# partitions without any index after a run: none, or all of them (partman's own index gone)
WANT_UNINDEXED=$([[ $KEY_INDEX == 0 ]] && echo $((NRANGES + 1)) || echo 0)

echo "-- setup: $NROWS rows from $START to $TODAY (exclusive), source table in each database"
bpsql -d postgres -c "CREATE DATABASE $DB"
bpsql -d "$DB" -c 'CREATE EXTENSION partman' || bench_die "CREATE EXTENSION partman failed"
PGP_VERSION=""
if has_pgp; then
  bpsql -d postgres -c "CREATE DATABASE $DB_PGP"
  bpsql -d "$DB_PGP" -c 'CREATE SCHEMA pgpartman' -c 'CREATE EXTENSION pg_partman SCHEMA pgpartman' ||
    bench_die "CREATE EXTENSION pg_partman failed (bash scripts/deps.sh --bench installs it)"
  PGP_VERSION=$(bpsql -d "$DB_PGP" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")
fi
# Evenly spread over the 30 days (one row every 2.592 s), in time order, as events arrive.
declare -A SRC_SUM
for db in "${DBS[@]}"; do
  bpsql -d "$db" -v start="$START" -v n="$NROWS" -v days="$DAYS" <<'SQL'
CREATE TABLE public.events_src (id bigint, created_at timestamptz NOT NULL, payload text);
INSERT INTO public.events_src
SELECT i, :'start'::date::timestamptz + (i - 1) * (:days * interval '1 day' / :n), md5(i::text)
FROM generate_series(1, :n) AS i;
VACUUM ANALYZE public.events_src;
SQL
  SRC_SUM[$db]=$(bpsql -d "$db" -c "SELECT md5(string_agg(id || ' ' || created_at || ' ' || payload, E'\\n' ORDER BY id)) FROM public.events_src")
done

# Drop the set and make it again with the rows in its default partition.
reset_set() {
  local c=$1 db
  db=$(db_of "$c")
  if [[ $c == pg_partman* ]]; then
    bpsql -d "$db" \
      -c 'DROP TABLE IF EXISTS public.events' \
      -c "DELETE FROM pgpartman.part_config WHERE parent_table = 'public.events'" \
      -c 'DROP TABLE IF EXISTS pgpartman.template_public_events' \
      -c "$PARENT_DDL" -c "$INDEX_DDL" \
      -c "SELECT pgpartman.create_parent('public.events', 'created_at', 'native', 'daily', p_premake := $PREMAKE, p_start_partition := '$TODAY')" \
      -o /dev/null
  else
    # Dropping the parent also forgets the set (partman's sql_drop event trigger).
    bpsql -d "$db" \
      -c 'DROP TABLE IF EXISTS public.events' \
      -c "$PARENT_DDL" -c "$INDEX_DDL" \
      -c "SELECT partman.create_parent('public.events', \"interval\" => '1 day', premake => $PREMAKE, start_partition => '$TODAY')" \
      -o /dev/null
  fi
  bpsql -d "$db" -c 'INSERT INTO public.events SELECT * FROM public.events_src' -c 'ANALYZE public.events'
}

# "rows default_rows ranges defaults bounds_ok unindexed md5" for public.events (both tools
# name the default partition events_default).
verify() {
  local c=$1
  bpsql -d "$(db_of "$c")" -F ' ' -v start="$START" -v n="$NRANGES" <<'SQL'
WITH p AS (
  SELECT c.oid, pg_get_expr(c.relpartbound, c.oid) AS b
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'public.events'::regclass
), want AS (
  SELECT string_agg(format('FOR VALUES FROM (%L) TO (%L)', d::timestamptz, (d + 1)::timestamptz), E'\n' ORDER BY d) AS w
  FROM (SELECT :'start'::date + k AS d FROM generate_series(0, :n - 1) AS k) AS days
)
SELECT (SELECT count(*) FROM public.events),
       (SELECT count(*) FROM ONLY public.events_default),
       (SELECT count(*) FROM p WHERE b <> 'DEFAULT'),
       (SELECT count(*) FROM p WHERE b = 'DEFAULT' AND oid = 'public.events_default'::regclass),
       coalesce((SELECT string_agg(b, E'\n' ORDER BY b) FROM p WHERE b <> 'DEFAULT') = (SELECT w FROM want), false),
       (SELECT count(*) FROM p WHERE NOT EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = p.oid)),
       (SELECT md5(string_agg(id || ' ' || created_at || ' ' || payload, E'\n' ORDER BY id)) FROM public.events);
SQL
}
# Rows in the default partition before a run (all of them, or the set is not as intended).
default_rows() {
  bpsql -d "$(db_of "$1")" -c "SELECT count(*) FROM ONLY public.events_default"
}

write_timed_sql() {
  local c=$1 file=$2
  {
    printf '%s\n' '\timing on'
    case $c in
      floor)
        printf 'BEGIN \\; ALTER TABLE public.events DETACH PARTITION public.events_default \\; %s \\; %s \\; %s \\; %s \\; COMMIT\n' \
          "$(bpsql -d "$DB" -v start="$START" -v n="$DAYS" <<'SQL'
SELECT string_agg(format('CREATE TABLE public.%I PARTITION OF public.events FOR VALUES FROM (%L) TO (%L)',
                         'events_p' || to_char(d, 'YYYYMMDD'), d::timestamptz, (d + 1)::timestamptz),
                  ' \; ' ORDER BY d)
FROM (SELECT :'start'::date + k AS d FROM generate_series(0, :n - 1) AS k) AS days;
SQL
)" 'INSERT INTO public.events SELECT * FROM public.events_default' \
          'TRUNCATE public.events_default' \
          'ALTER TABLE public.events ATTACH PARTITION public.events_default DEFAULT' ;;
      partman) echo "CALL partman.partition_data('public.events', batch_rows => $NROWS)" ;;
      partman_batched) echo "CALL partman.partition_data('public.events')" ;;
      pg_partman) echo "SELECT pgpartman.partition_data_time('public.events', p_batch_count := $DAYS, p_analyze := false)" ;;
      pg_partman_analyze) echo "SELECT pgpartman.partition_data_time('public.events', p_batch_count := $DAYS)" ;;
    esac
  } >"$file"
}
for c in "${CONTENDERS[@]}"; do write_timed_sql "$c" "$BENCH_WORK/partition_data_$c.sql"; done

declare -A TIMES RUN
echo "-- $ROUNDS rounds of ${CONTENDERS[*]} ($NROWS rows from the default partition into $DAYS new daily partitions)"
printf '%-6s %-18s %10s  %s\n' round contender ms "rows / in default / ranges + default"
for ((r = 1; r <= ROUNDS; r++)); do
  k=$(((r - 1) % ${#CONTENDERS[@]}))
  order=("${CONTENDERS[@]:k}" "${CONTENDERS[@]:0:k}")
  for c in "${order[@]}"; do
    db=$(db_of "$c")
    reset_set "$c"
    n=$(default_rows "$c")
    [[ $n == "$NROWS" ]] || bench_die "$c: the default partition holds $n rows before the run (want $NROWS)"
    bench_quiesce "$db"
    file=$BENCH_WORK/partition_data_$c.sql
    if ! ms=$(bench_timed "$db" "$file"); then
      echo "bench: $c failed in round $r (statement in $file)" >&2
      exit 1
    fi
    read -r rows indef ranges defaults ok unindexed sum < <(verify "$c")
    printf '%-6s %-18s %10.1f  %s / %s / %s + %s\n' "$r" "$c" "$ms" "$rows" "$indef" "$ranges" "$defaults"
    if [[ $rows != "$NROWS" || $indef != 0 || $ranges != "$NRANGES" || $defaults != 1 || $ok != t ||
          $unindexed != "$WANT_UNINDEXED" || $sum != "${SRC_SUM[$db]}" ]]; then
      bench_die "$c in round $r: $rows rows (want $NROWS), $indef in the default (want 0)," \
        "$ranges ranges + $defaults default (want $NRANGES + 1), bounds as expected: $ok," \
        "$unindexed tables without an index (want $WANT_UNINDEXED), md5 $sum (want ${SRC_SUM[$db]})"
    fi
    TIMES[$c]+="$ms "
    RUN[$c,$r]=$ms
  done
done
[[ $(date -u +%F) == "$TODAY" ]] ||
  echo "bench: note: the UTC date changed during the run (the sets were made from $TODAY)" >&2

# Ratios: the median of each round's own ratio (steadier when the machine's speed drifts).
paired() {
  local a=$1 b=$2 r ratios=()
  for ((r = 1; r <= ROUNDS; r++)); do ratios+=("$(bench_ratio "${RUN[$a,$r]}" "${RUN[$b,$r]}" %.6f)"); done
  bench_median_fmt %.2f "${ratios[@]}"
}
declare -A MED
for c in "${CONTENDERS[@]}"; do read -r -a t <<<"${TIMES[$c]}"; MED[$c]=$(bench_median "${t[@]}"); done
table=$(
  echo "| contender | median ms | min ms | max ms | vs floor | vs floor, same round |$(has pg_partman && echo ' pg_partman / contender, same round |')"
  echo "|---|---:|---:|---:|---:|---:|$(has pg_partman && echo '---:|')"
  for c in "${CONTENDERS[@]}"; do
    read -r -a t <<<"${TIMES[$c]}"
    printf '| %s | %s | %s | %s | %sx | %sx |' "$c" "${MED[$c]}" "$(bench_min "${t[@]}")" "$(bench_max "${t[@]}")" \
      "$(bench_ratio "${MED[$c]}" "${MED[floor]}")" "$(paired "$c" floor)"
    has pg_partman && printf ' %sx |' "$(paired pg_partman "$c")"
    echo
  done
)
final="partition_data_1m: floor ${MED[floor]} ms"
for c in "${CONTENDERS[@]}"; do
  [[ $c == floor ]] || final+=", $c ${MED[$c]} ms"
done
goals=()
for c in partman partman_batched; do
  has "$c" || continue
  pf=$(paired "$c" floor)
  final+="; $c/floor ${pf}x"
  if awk -v r="$pf" -v g="$GOAL_FLOOR" 'BEGIN { exit !(r <= g) }'; then m=met; else m=missed; fi
  goals+=("goal $m: $c is ${pf}x the floor (goal: within ${GOAL_FLOOR}x)")
  if has pg_partman; then
    pp=$(paired pg_partman "$c")
    final+=", pg_partman/$c ${pp}x"
    if awk -v r="$pp" -v g="$GOAL_PGP" 'BEGIN { exit !(r >= g) }'; then m=met; else m=missed; fi
    goals+=("goal $m: pg_partman/$c = ${pp}x (goal: at least ${GOAL_PGP}x)")
  fi
  has pg_partman_analyze && final+=", pg_partman_analyze/$c $(paired pg_partman_analyze "$c")x"
done

echo
echo "$table"
echo
printf '%s\n' "${goals[@]}"
echo "$final"

{
  bench_results_head "$RESULT_NAME: 1,000,000 default-partition rows into 30 new daily partitions$([[ $KEY_INDEX == 0 ]] && echo ", no index on the key")" "" "${PGP_VERSION:+; pg_partman $PGP_VERSION}" " ($ROUNDS rounds, order rotated each round, median shown)"
  echo "- method: a throwaway cluster with default durability settings (fsync on), autovacuum off."
  echo "  The set: \`public.events (id bigint, created_at timestamptz NOT NULL, payload text)\`,"
  if [[ $KEY_INDEX == 0 ]]; then
    echo "  daily by \`created_at\`, **no index** on \`created_at\` (BENCH_KEY_INDEX=0), made by each tool's"
  else
    echo "  daily by \`created_at\`, an index on \`created_at\` on the parent, made by each tool's"
  fi
  echo "  create_parent with premake $PREMAKE from today (UTC) plus a default partition; then"
  echo "  $NROWS rows spread evenly over the $DAYS days before today are inserted (they land in the"
  echo "  default partition) and the set is ANALYZEd; VACUUM and CHECKPOINT; then one timed run, one"
  printf '%s\n' "  query message in a new session, timed by psql's \\timing (connection start-up excluded,"
  echo "  commits included). The set is made again before every run. Contenders:"
  echo "  - floor: \`BEGIN; ALTER TABLE public.events DETACH PARTITION public.events_default;\`"
  echo "    $DAYS \`CREATE TABLE ... PARTITION OF public.events FOR VALUES ...\`;"
  echo "    \`INSERT INTO public.events SELECT * FROM public.events_default; TRUNCATE public.events_default;\`"
  echo "    \`ALTER TABLE public.events ATTACH PARTITION public.events_default DEFAULT; COMMIT\`"
  echo "  - partman: \`CALL partman.partition_data('public.events', batch_rows => $NROWS)\` (one batch)"
  echo "  - partman_batched: \`CALL partman.partition_data('public.events')\` (batch_rows 50000, a commit per batch)"
  echo "  - pg_partman: \`SELECT pgpartman.partition_data_time('public.events', p_batch_count := $DAYS, p_analyze := false)\`"
  echo "    (one call, one transaction; its own database and schema)"
  echo "  - pg_partman_analyze: \`SELECT pgpartman.partition_data_time('public.events', p_batch_count := $DAYS)\`"
  echo "    (the documented default p_analyze true: ANALYZE of the set after each partition made;"
  echo "    for reference, not used for the goals)"
  echo "  Every run is checked: $NROWS rows in the set, 0 in the default partition, the $NRANGES expected"
  echo "  daily ranges + 1 default, $([[ $KEY_INDEX == 0 ]] && echo "no index left on any table" || echo "an index on every partition"), and the md5 of all rows (ordered"
  echo "  by id) equal to the source's."
  echo "- ratios: \"same round\" is the median of each round's own ratio (steadier when other load"
  echo "  changes the machine's speed during the run); the final line and the goals use it."
  echo
  echo "$table"
  echo
  printf '%s\n\n' "${goals[@]}"
  echo "\`$final\`"
  echo
  echo "All runs (ms):"
  echo
  for c in "${CONTENDERS[@]}"; do echo "- $c: ${TIMES[$c]% }"; done
} >"$BENCH_RESULTS/$RESULT_NAME.md"
echo "wrote bench/results/$RESULT_NAME.md"
