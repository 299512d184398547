#!/usr/bin/env bash
# Benchmark (issue 16, sharding): a fan-out count(*) over 4 foreign partitions, with and without
# async. run.sh's cluster is the coordinator; two more throwaway clusters are the shards
# (bench_extra_cluster in lib.sh: same user, private unix sockets, no TCP, stopped and removed on
# exit, failure included). On the coordinator, postgres_fdw servers s1 and s2 and
#   partman.create_parent('public.t', modulus => 4, servers => '{s1,s2}')
# make 4 HASH partitions on bigint id (remainder r on s[r % 2 + 1], async_capable 'true' by
# partman). 1,000,000 rows (id, ~100-byte text payload) are loaded straight into the shards' tables
# (each row where the coordinator's HASH routing puts it; checked through the coordinator), then
# VACUUM ANALYZE on the shards. Contenders, each timed run in a new session by psql's \timing
# (connection start-up not counted):
#   async   SELECT count(*) FROM t, the 4 foreign partitions async_capable 'true' (partman's default)
#   sync    the same with async_capable 'false' on the 4 foreign tables (the table-level option
#           overrides the server's, which is checked once: a server-level 'false' changes nothing)
#   floor   the shards' own work: each shard counts its two tables locally, both shards at once
#           (two psql in the background, max_parallel_workers_per_gather = 0 as a postgres_fdw
#           cursor scan is not parallel); the floor is the slower shard's \timing
# Every coordinator run is checked: EXPLAIN (VERBOSE) shows 4 "Async Foreign Scan" nodes for
# async and none (4 plain Foreign Scans) for sync, and the count is 1,000,000; the floor's two
# counts add up to 1,000,000. VACUUM and CHECKPOINT on all three clusters before each run; one
# untimed run of each contender first; order rotated each round; medians reported.
# Run it through bench/run.sh (bash bench/run.sh fanout_count), which starts the coordinator.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=1000000
MODULUS=4
ROUNDS=${BENCH_ROUNDS:-7}
CONTENDERS=(async sync floor)
DB=bench

echo "-- setup: 2 shard clusters, $MODULUS HASH partitions on servers s1 and s2, $ROWS rows"
declare -A SHOST SPORT
for i in 1 2; do
  bench_extra_cluster "shard$i"
  SHOST[$i]=$BENCH_EXTRA_HOST SPORT[$i]=$BENCH_EXTRA_PORT
done
# spsql I ARGS...: bpsql on shard I
spsql() { local i=$1; shift; bpsql -h "${SHOST[$i]}" -p "${SPORT[$i]}" "$@"; }

bpsql -d postgres -c "CREATE DATABASE $DB"
for i in 1 2; do spsql "$i" -d postgres -c "CREATE DATABASE $DB"; done
{
  echo "CREATE EXTENSION postgres_fdw;"
  echo "CREATE EXTENSION partman;"
  for i in 1 2; do
    echo "CREATE SERVER s$i FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${SHOST[$i]}', port '${SPORT[$i]}', dbname '$DB');"
    echo "CREATE USER MAPPING FOR CURRENT_USER SERVER s$i OPTIONS (user '$PGUSER');"
  done
  # no primary key: a partitioned table with foreign partitions can have none
  echo "CREATE TABLE public.t (id bigint NOT NULL, payload text) PARTITION BY HASH (id);"
  echo "SELECT partman.create_parent('public.t', modulus => $MODULUS, servers => '{s1,s2}');"
} >"$BENCH_WORK/fanout_setup.sql"
bpsql -d "$DB" -o /dev/null -f "$BENCH_WORK/fanout_setup.sql" || bench_die "setup on the coordinator failed"

# "remainder server remote_table local_table" for each partition
PARTS=$(bpsql -d "$DB" -F ' ' <<'SQL'
SELECT p.remainder, p.server,
       quote_ident(o.schema_name) || '.' || quote_ident(o.table_name), p.partition::regclass::text
FROM partman.show_partitions('public.t') AS p
JOIN pg_foreign_table AS ft ON ft.ftrelid = p.partition::regclass
CROSS JOIN LATERAL (SELECT max(option_value) FILTER (WHERE option_name = 'schema_name') AS schema_name,
                           max(option_value) FILTER (WHERE option_name = 'table_name') AS table_name
                    FROM pg_options_to_table(ft.ftoptions)) AS o
ORDER BY p.remainder;
SQL
)
[[ $(wc -l <<<"$PARTS") == "$MODULUS" ]] || bench_die "expected $MODULUS foreign partitions, got: $PARTS"
declare -A ON_SHARD          # shard -> its remote tables, space-separated
LOCAL_TABLES=()
while read -r rem server remote local; do
  i=${server#s}
  [[ $server == "s$((rem % 2 + 1))" ]] || bench_die "partition $local (remainder $rem) is on $server"
  ON_SHARD[$i]+="$remote "
  LOCAL_TABLES+=("$local")
  # Rows go straight into the shard's table (much faster than 1,000,000 single-row remote
  # INSERTs): the ones HASH routing puts in remainder $rem, computed against a local table of the
  # same key type (the hash of a bigint does not depend on the server).
  spsql "$i" -d "$DB" <<SQL || bench_die "loading $remote on shard$i failed"
CREATE TEMP TABLE route (id bigint) PARTITION BY HASH (id);
INSERT INTO $remote (id, payload)
SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) || 'abcd'
FROM generate_series(1::bigint, $ROWS) AS g
WHERE satisfies_hash_partition('route'::regclass, $MODULUS, $rem, g);
SQL
done <<<"$PARTS"
for i in 1 2; do spsql "$i" -d "$DB" -c 'VACUUM ANALYZE' -c 'CHECKPOINT' >/dev/null; done

# Through the coordinator: every row is in the partition its key routes to, and all are there.
check=$(bpsql -d "$DB" -F ' ' <<SQL
SELECT count(*), count(*) FILTER (WHERE NOT satisfies_hash_partition('public.t'::regclass, $MODULUS,
         (regexp_match(tableoid::regclass::text, '_h([0-9]+)$'))[1]::int, id)),
       count(DISTINCT id), avg(octet_length(payload))::int
FROM public.t;
SQL
)
read -r total misrouted distinct payload_len <<<"$check"
echo "rows: $total ($distinct distinct ids, payload $payload_len bytes), misrouted: $misrouted"
[[ $total == "$ROWS" && $distinct == "$ROWS" && $misrouted == 0 ]] ||
  bench_die "the loaded rows are not as expected: $check"

# async_capable on the 4 foreign tables ('true' or 'false')
set_async() {
  local t sql="BEGIN;"
  for t in "${LOCAL_TABLES[@]}"; do sql+=" ALTER FOREIGN TABLE $t OPTIONS (SET async_capable '$1');"; done
  bpsql -d "$DB" -c "$sql COMMIT;" >/dev/null
}
QUERY='SELECT count(*) FROM public.t'
# "async_scans foreign_scans" in the plan of QUERY
plan_scans() {
  local plan
  plan=$(bpsql -d "$DB" -c "EXPLAIN (VERBOSE, COSTS OFF) $QUERY")
  printf '%s %s\n' "$(grep -c 'Async Foreign Scan' <<<"$plan" || true)" "$(grep -c 'Foreign Scan' <<<"$plan" || true)"
}

scans=$(plan_scans)
[[ $scans == "4 4" ]] || bench_die "partman's foreign partitions do not scan async (async, all: $scans)"
# Which option wins: a server-level 'false' under partman's table-level 'true'.
bpsql -d "$DB" -c "ALTER SERVER s1 OPTIONS (ADD async_capable 'false')" \
  -c "ALTER SERVER s2 OPTIONS (ADD async_capable 'false')" >/dev/null
server_false=$(plan_scans)
bpsql -d "$DB" -c "ALTER SERVER s1 OPTIONS (DROP async_capable)" \
  -c "ALTER SERVER s2 OPTIONS (DROP async_capable)" >/dev/null
read -r SRV_ASYNC _ <<<"$server_false"
echo "server-level async_capable 'false' with table-level 'true': $SRV_ASYNC of 4 scans async"
REMOTE_SQL=$(bpsql -d "$DB" -c "EXPLAIN (VERBOSE, COSTS OFF) $QUERY" | sed -n 's/^ *Remote SQL: //p' | head -n 1)
PLAN_ASYNC=$(bpsql -d "$DB" -c "EXPLAIN (VERBOSE, COSTS OFF) $QUERY")

printf '%s\n%s\n' '\timing on' "$QUERY" >"$BENCH_WORK/fanout_query.sql"
for i in 1 2; do
  # SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b): the shard's two tables
  read -r -a tabs <<<"${ON_SHARD[$i]}"
  sql="SELECT 0"
  for t in "${tabs[@]}"; do sql+=" + (SELECT count(*) FROM $t)"; done
  printf '%s\n%s\n' '\timing on' "$sql" >"$BENCH_WORK/fanout_floor_$i.sql"
done

# timed_count FILE PSQL-ARGS...: run FILE ('\timing on' and one query giving a count) in a new
# session; prints "ms count".
timed_count() {
  local file=$1 out ms n
  shift
  out=$("$BENCH_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@" -f "$file" 2>&1) ||
    { printf '%s\n' "$out" >&2; return 1; }
  ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n 1)
  n=$(grep -E '^[0-9]+$' <<<"$out" | tail -n 1 || true)
  [[ -n $ms && -n $n ]] || { printf '%s\n' "$out" >&2; echo "bench: no timing or count in psql output" >&2; return 1; }
  printf '%s %s\n' "$ms" "$n"
}

# run_contender C: one run of C; prints "ms count" (count: all rows it counted)
run_contender() {
  local c=$1 scans want ms1 ms2 n1 n2 pid1 pid2
  case $c in
    async | sync)
      if [[ $c == async ]]; then set_async true; want="4 4"; else set_async false; want="0 4"; fi
      scans=$(plan_scans)
      [[ $scans == "$want" ]] || { echo "bench: $c: plan has (async, all) foreign scans '$scans', expected '$want'" >&2; return 1; }
      timed_count "$BENCH_WORK/fanout_query.sql" -d "$DB"
      ;;
    floor)
      # both shards at once, each in its own session; the slower one is the floor
      PGOPTIONS="-c max_parallel_workers_per_gather=0" timed_count "$BENCH_WORK/fanout_floor_1.sql" \
        -h "${SHOST[1]}" -p "${SPORT[1]}" -d "$DB" >"$BENCH_WORK/floor_1.out" &
      pid1=$!
      PGOPTIONS="-c max_parallel_workers_per_gather=0" timed_count "$BENCH_WORK/fanout_floor_2.sql" \
        -h "${SHOST[2]}" -p "${SPORT[2]}" -d "$DB" >"$BENCH_WORK/floor_2.out" &
      pid2=$!
      wait "$pid1" || return 1
      wait "$pid2" || return 1
      read -r ms1 n1 <"$BENCH_WORK/floor_1.out"
      read -r ms2 n2 <"$BENCH_WORK/floor_2.out"
      printf '%s %s\n' "$(bench_max "$ms1" "$ms2")" "$((n1 + n2))"
      ;;
  esac
}

quiesce_all() {
  bench_quiesce "$DB"
  for i in 1 2; do bench_quiesce "$DB" -h "${SHOST[$i]}" -p "${SPORT[$i]}"; done
}

for c in "${CONTENDERS[@]}"; do
  quiesce_all
  out=$(run_contender "$c") || bench_die "$c: untimed run failed"
  read -r _ n <<<"$out"
  [[ $n == "$ROWS" ]] || bench_die "$c: untimed run counted $n rows, expected $ROWS"
done

declare -A TIMES RUN
echo "-- $ROUNDS rounds of ${CONTENDERS[*]} ($QUERY over $MODULUS foreign partitions on 2 shards)"
printf '%-6s %-8s %10s  %s\n' round contender ms rows
for ((r = 1; r <= ROUNDS; r++)); do
  k=$(((r - 1) % ${#CONTENDERS[@]}))
  order=("${CONTENDERS[@]:k}" "${CONTENDERS[@]:0:k}")
  for c in "${order[@]}"; do
    quiesce_all
    out=$(run_contender "$c") || bench_die "$c failed in round $r"
    read -r ms n <<<"$out"
    printf '%-6s %-8s %10.1f  %s\n' "$r" "$c" "$ms" "$n"
    [[ $n == "$ROWS" ]] || bench_die "$c counted $n rows in round $r, expected $ROWS"
    TIMES[$c]+="$ms "
    RUN[$c,$r]=$ms
  done
done
set_async true   # leave partman's default

# per-round ratios, then their medians (steadier when the machine's speed drifts)
declare -A MED VS_FLOOR VS_ASYNC
for c in "${CONTENDERS[@]}"; do
  read -r -a t <<<"${TIMES[$c]}"
  MED[$c]=$(bench_median_fmt %.1f "${t[@]}")
  rf=() ra=()
  for ((r = 1; r <= ROUNDS; r++)); do
    rf+=("$(bench_ratio "${RUN[$c,$r]}" "${RUN[floor,$r]}" %.6f)")
    ra+=("$(bench_ratio "${RUN[$c,$r]}" "${RUN[async,$r]}" %.6f)")
  done
  VS_FLOOR[$c]=$(bench_median_fmt %.2f "${rf[@]}")
  VS_ASYNC[$c]=$(bench_median_fmt %.2f "${ra[@]}")
done
names() {
  case $1 in
    async) echo "\`$QUERY\`, async_capable 'true' (partman's default)" ;;
    sync) echo "\`$QUERY\`, async_capable 'false' on the 4 foreign tables" ;;
    floor) echo "floor: each shard counts its 2 tables locally, both at once (slower shard)" ;;
  esac
}
table=$(
  echo "| contender | median ms | min ms | max ms | vs floor, same round | vs async, same round |"
  echo "|---|---:|---:|---:|---:|---:|"
  for c in "${CONTENDERS[@]}"; do
    read -r -a t <<<"${TIMES[$c]}"
    printf '| %s | %s | %s | %s | %sx | %sx |\n' "$(names "$c")" "${MED[$c]}" \
      "$(bench_min "${t[@]}")" "$(bench_max "${t[@]}")" "${VS_FLOOR[$c]}" "${VS_ASYNC[$c]}"
  done
)
final="fanout_count $ROWS rows, 4 partitions on 2 servers: async ${MED[async]} ms, sync ${MED[sync]} ms, floor ${MED[floor]} ms; sync/async ${VS_ASYNC[sync]}x, async/floor ${VS_FLOOR[async]}x"

echo
echo "$table"
echo
echo "$final"

{
  bench_results_head "fanout_count: count(*) over 4 foreign partitions on 2 servers, with and without async" " (coordinator and both shards on it)" "" " ($ROUNDS rounds, order rotated each round, median shown)"
  echo "- method: three throwaway clusters on this machine (coordinator from run.sh, two shards from"
  echo "  bench_extra_cluster; unix sockets, default durability settings, autovacuum off). On the"
  echo "  coordinator, postgres_fdw servers s1, s2 and \`partman.create_parent('public.t', modulus => 4,"
  echo "  servers => '{s1,s2}')\` (t: id bigint, payload text of $payload_len bytes; remainder r on"
  echo "  s[r % 2 + 1]); $ROWS rows loaded straight into the shards' tables where HASH routing puts"
  echo "  them (checked through the coordinator), VACUUM ANALYZE on the shards. Each timed run is one"
  printf '%s\n' "  query in a new session, timed by psql's \\timing (connection start-up excluded); VACUUM and"
  echo "  CHECKPOINT on all three clusters before each run; one untimed run of each contender first."
  echo "  async and sync switch the 4 foreign tables' \`async_capable\` between runs (untimed), and each"
  echo "  run is checked by its plan (EXPLAIN VERBOSE: 4 \"Async Foreign Scan\" for async; 4 Foreign Scans,"
  echo "  none async, for sync) and its count ($ROWS). The floor runs the shards' own work, \`SELECT"
  echo "  count(*)\` of each shard's 2 tables, on both shards at once (two psql in the background,"
  echo "  \`max_parallel_workers_per_gather = 0\`, as a postgres_fdw cursor scan is not parallel); its time"
  printf '%s\n' "  is the slower shard's \\timing, and the two counts must add up to $ROWS."
  echo "- table-level vs server-level option: with partman's table-level \`async_capable 'true'\`,"
  echo "  \`ALTER SERVER ... OPTIONS (ADD async_capable 'false')\` on both servers left $SRV_ASYNC of 4 scans"
  echo "  async: the table's option overrides the server's, so sync sets it on the tables."
  echo "- what crosses the wire: PostgreSQL 15 does not push count(*) over a partitioned table down to"
  echo "  the servers; each foreign scan runs \`$REMOTE_SQL\` and fetches its rows (empty ones) in"
  echo "  batches of postgres_fdw's fetch_size (100). Async overlaps the two servers (the two partitions"
  echo "  on one server share its connection and take turns on it)."
  echo "- ratios: \"same round\" is the median of each round's own ratio. The machine has 2 CPUs, which"
  echo "  the coordinator and both shards share with other work: use the medians."
  echo
  echo "$table"
  echo
  echo "\`$final\`"
  echo
  echo "Plan of the async query (EXPLAIN VERBOSE, COSTS OFF):"
  echo
  echo '```'
  echo "$PLAN_ASYNC"
  echo '```'
  echo
  echo "All runs (ms):"
  echo
  for c in "${CONTENDERS[@]}"; do echo "- $c: ${TIMES[$c]% }"; done
} >"$BENCH_RESULTS/fanout_count.md"
echo "wrote bench/results/fanout_count.md"
