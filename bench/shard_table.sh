#!/usr/bin/env bash
# Benchmark: shard_table of a 1,000,000-row table with a primary key, into 4 HASH partitions on
# 2 servers, against the floor, plain COPY pipes:
#   floor    for each remainder r: psql -c "COPY (SELECT * FROM t WHERE <hash remainder is r>) TO STDOUT"
#            | psql -p <shard> -c "COPY <table r> FROM STDIN"   into tables with the same columns,
#            primary key and index, emptied first (PostgreSQL's own hash, through an empty local
#            HASH-partitioned table and satisfies_hash_partition)
#   partman  CALL partman.shard_table('public.t', 'id', '{a,b}', modulus => 4)   (batch_rows
#            50000: a commit per batch, the journal trigger, verification by remainder, the cut-over)
# The coordinator is bench/run.sh's cluster; the two servers are two databases of one extra
# cluster on this machine, reached by postgres_fdw over its unix socket. Wall-clock time of each
# whole command. After each partman run the table is put back (untimed): the sharded table and
# its tables on the servers dropped, the kept table renamed back. Every run is checked: count
# and md5 of the ordered rows on the servers equal the source's.
# Run it through bench/run.sh (bash bench/run.sh shard_table), which starts the coordinator.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=${BENCH_SHARD_ROWS:-1000000}
ROUNDS=${BENCH_ROUNDS:-3}
((ROUNDS > 5)) && ROUNDS=5
DB=bench
MODULUS=4

echo "-- setup: a shard cluster with two databases, $ROWS rows in a plain table"
bench_extra_cluster shards
SHARD_HOST=$BENCH_EXTRA_HOST
SHARD_PORT=$BENCH_EXTRA_PORT
spsql() { local db=$1; shift; PGHOST=$SHARD_HOST PGPORT=$SHARD_PORT bpsql -d "$db" "$@"; }
db_of() { if (($1 % 2 == 0)); then echo shard_a; else echo shard_b; fi; }
COLUMNS_DDL="(id bigint PRIMARY KEY, customer int NOT NULL, at timestamptz NOT NULL, payload text)"

spsql postgres -c "CREATE DATABASE shard_a" -c "CREATE DATABASE shard_b" >/dev/null
for r in $(seq 0 $((MODULUS - 1))); do
  spsql "$(db_of "$r")" -c "CREATE SCHEMA IF NOT EXISTS floor" \
    -c "CREATE TABLE floor.t_h$r $COLUMNS_DDL" -c "CREATE INDEX ON floor.t_h$r (customer)" >/dev/null
done
bpsql -d postgres -c "CREATE DATABASE $DB"
bpsql -d "$DB" >/dev/null <<SQL || bench_die "setup failed"
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION partman;
CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$SHARD_HOST', port '$SHARD_PORT', dbname 'shard_a');
CREATE SERVER b FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$SHARD_HOST', port '$SHARD_PORT', dbname 'shard_b');
CREATE USER MAPPING FOR postgres SERVER a OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER b OPTIONS (user 'postgres');
CREATE TABLE public.t $COLUMNS_DDL;
CREATE INDEX ON public.t (customer);
INSERT INTO public.t SELECT g, g % 5000, timestamptz '2026-01-01' + g * interval '1 second',
    md5(g::text) || ' ' || g FROM generate_series(1, $ROWS) g;
-- the floor routes rows with PostgreSQL's hash, as tuple routing does
CREATE TABLE public.hash_template (id bigint) PARTITION BY HASH (id);
VACUUM ANALYZE public.t;
SQL
FP="SELECT count(*) || ' ' || md5(string_agg(r::text, ',' ORDER BY id)) FROM (SELECT id, customer, at, payload FROM %s) r"
# shellcheck disable=SC2059
SOURCE_FP=$(bpsql -d "$DB" -c "$(printf "$FP" public.t)")
[[ $SOURCE_FP == "$ROWS "* ]] || bench_die "the source holds $SOURCE_FP"

# count and md5 of the rows of tables schema.t_h0..3 on the servers, merged
servers_fp() {
  local schema=$1 r
  # shellcheck disable=SC2059
  for r in $(seq 0 $((MODULUS - 1))); do
    spsql "$(db_of "$r")" -c "COPY (SELECT id, customer, at, payload FROM $schema.t_h$r) TO STDOUT"
  done | bpsql -d "$DB" -c "CREATE TEMP TABLE merged (id bigint, customer int, at timestamptz, payload text)" \
    -c "COPY merged FROM STDIN" -c "$(printf "$FP" merged)" | tail -n 1
}

now_ms() { date +%s%3N; }
declare -A TIMES=()
RATIOS=()
for ((r = 1; r <= ROUNDS; r++)); do
  # floor
  for p in $(seq 0 $((MODULUS - 1))); do spsql "$(db_of "$p")" -c "TRUNCATE floor.t_h$p" -c CHECKPOINT >/dev/null; done
  bpsql -d "$DB" -c CHECKPOINT >/dev/null
  t0=$(now_ms)
  for p in $(seq 0 $((MODULUS - 1))); do
    "$BENCH_BINDIR/psql" -X -q -d "$DB" \
      -c "COPY (SELECT * FROM public.t WHERE satisfies_hash_partition('public.hash_template'::regclass, $MODULUS, $p, id)) TO STDOUT" |
      PGHOST=$SHARD_HOST PGPORT=$SHARD_PORT "$BENCH_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$(db_of "$p")" -c "COPY floor.t_h$p FROM STDIN"
  done
  t1=$(now_ms)
  floor=$((t1 - t0))
  got=$(servers_fp floor)
  [[ $got == "$SOURCE_FP" ]] || bench_die "floor: the servers hold $got, not $SOURCE_FP"

  # partman
  bench_quiesce "$DB"
  for db in shard_a shard_b; do spsql "$db" -c CHECKPOINT >/dev/null; done
  bench_call "$DB" "CALL partman.shard_table('public.t', 'id', '{a,b}', modulus => $MODULUS)"
  shard=$BENCH_CALL_MS lock=$BENCH_LOCK_MS
  got=$(servers_fp public)
  [[ $got == "$SOURCE_FP" ]] || bench_die "partman: the servers hold $got, not $SOURCE_FP"
  [[ $(bpsql -d "$DB" -c "SELECT relkind FROM pg_class WHERE oid = 'public.t'::regclass") == p ]] ||
    bench_die "partman: public.t is not partitioned after shard_table"

  # put the table back (untimed)
  bpsql -d "$DB" -c "DROP TABLE public.t" -c "ALTER TABLE public.t_unsharded RENAME TO t" >/dev/null ||
    bench_die "could not put the table back"
  for p in $(seq 0 $((MODULUS - 1))); do spsql "$(db_of "$p")" -c "DROP TABLE public.t_h$p" >/dev/null; done

  TIMES[floor]+="$floor "
  TIMES[partman]+="$shard "
  TIMES[lock]+="$lock "
  RATIOS+=("$(bench_ratio "$shard" "$floor")")
  echo "round $r: floor $floor ms, shard_table $shard ms (cut-over lock $lock ms), ratio ${RATIOS[-1]}"
done

{ read -r MED_FLOOR; read -r MED_SHARD; read -r MED_LOCK; } < <(bench_medians TIMES floor partman lock)
RATIO=$(bench_median_fmt %.2f "${RATIOS[@]}")
final="shard_table $ROWS rows into $MODULUS partitions on 2 servers: ${MED_SHARD} ms, floor (COPY pipes) ${MED_FLOOR} ms, shard/floor ${RATIO}x, cut-over lock ${MED_LOCK} ms"
echo "$final"

{
  bench_results_head "shard_table: a $ROWS-row table sharded onto 2 servers, against COPY pipes" "" "" " ($ROUNDS rounds, median shown)"
  echo "- method: a coordinator (partman, postgres_fdw) and an extra cluster whose two databases stand"
  echo "  in for the two servers, both throwaway, default durability settings, autovacuum off, reached"
  echo "  over the unix socket with the superuser's user mappings. The table: \`public.t (id bigint"
  echo "  PRIMARY KEY, customer int NOT NULL, at timestamptz NOT NULL, payload text)\` with an index on"
  echo "  \`customer\`, $ROWS rows. Wall-clock time of each whole command, connections included:"
  echo "  - floor: for each of the $MODULUS remainders, \`psql -c \"COPY (SELECT * FROM public.t WHERE"
  echo "    satisfies_hash_partition(..., $MODULUS, r, id)) TO STDOUT\" | psql <server> -c \"COPY floor.t_h<r> FROM STDIN\"\`"
  echo "    into emptied tables with the primary key and index"
  echo "  - partman: \`CALL partman.shard_table('public.t', 'id', '{a,b}', modulus => $MODULUS)\` (batch_rows"
  echo "    50000): the sharded table, the tables on the servers with primary key and index, the journal"
  echo "    trigger, the copy in 20 committed batches routed by hash, the journal replay, count and checksum"
  echo "    by remainder, the cut-over"
  echo "  Each run is checked (count and md5 of the ordered rows on the servers equal the source's; the"
  echo "  table is partitioned afterwards), then the table is put back (untimed)."
  echo
  echo "| | median ms |"
  echo "|---|---:|"
  echo "| floor (COPY pipes) | $MED_FLOOR |"
  echo "| shard_table | $MED_SHARD |"
  echo "| of which the cut-over lock | $MED_LOCK |"
  echo
  echo "\`$final\`"
  echo
  echo "All runs (ms): floor ${TIMES[floor]% }; shard_table ${TIMES[partman]% }; lock ${TIMES[lock]% }"
} >"$BENCH_RESULTS/shard_table.md"
echo "wrote bench/results/shard_table.md"
