#!/usr/bin/env bash
# Benchmark: move_partition of a 1,000,000-row partition to another server, against the floor,
# a plain COPY pipe between the two servers:
#   floor    psql -c "COPY (SELECT * FROM <partition>) TO STDOUT" | psql -p <shard> -c "COPY <table> FROM STDIN"
#            into a table on the shard with the same columns and the parent's index, emptied first
#   partman  CALL partman.move_partition('<partition>', 'shard')   (batch_rows 50000: a commit
#            per batch, the journal trigger, verification by count and checksum, the cut-over)
# The coordinator is bench/run.sh's cluster (partman preloaded); the shard is a second throwaway
# cluster this script starts on the same machine (same binaries, default settings, autovacuum
# off), reached by postgres_fdw over the unix socket. Each timed run is wall-clock time of the
# whole command (connection start-up included for both). After each partman run the partition is
# moved back (untimed; its time is reported too) so that every round starts the same. Every run
# is checked: count and md5 of the ordered rows on the shard equal the source's.
# Run it through bench/run.sh (bash bench/run.sh move_partition), which starts the coordinator.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=${BENCH_MOVE_ROWS:-1000000}
ROUNDS=${BENCH_ROUNDS:-3}
((ROUNDS > 5)) && ROUNDS=5
DB=bench

echo "-- setup: a shard cluster, $ROWS rows in one partition"
bench_extra_cluster shard
SHARD_HOST=$BENCH_EXTRA_HOST
SHARD_PORT=$BENCH_EXTRA_PORT
spsql() { PGHOST=$SHARD_HOST PGPORT=$SHARD_PORT bpsql -d postgres "$@"; }

bpsql -d postgres -c "CREATE DATABASE $DB"
bpsql -d "$DB" >/dev/null <<SQL || bench_die "setup failed"
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION partman;
CREATE SERVER shard FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$SHARD_HOST', port '$SHARD_PORT', dbname 'postgres');
CREATE USER MAPPING FOR postgres SERVER shard OPTIONS (user 'postgres');
CREATE TABLE public.t (id bigint NOT NULL, at timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (at);
CREATE INDEX ON public.t (at);
SELECT partman.create_parent('public.t', '1 day', start_partition => '2026-01-01', premake => 1);
INSERT INTO public.t SELECT g, timestamptz '2026-01-01' + (g % 86400) * interval '1 second',
    md5(g::text) || ' ' || g FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE public.t;
SQL
PART=public.t_p20260101
spsql -c "CREATE SCHEMA floor" \
  -c "CREATE TABLE floor.t (id bigint NOT NULL, at timestamptz NOT NULL, payload text)" \
  -c "CREATE INDEX ON floor.t (at)"
FP="SELECT count(*) || ' ' || md5(string_agg(r::text, ',' ORDER BY id, at, payload)) FROM (SELECT id, at, payload FROM %s) r"
# shellcheck disable=SC2059
SOURCE_FP=$(bpsql -d "$DB" -c "$(printf "$FP" "$PART")")
[[ $SOURCE_FP == "$ROWS "* ]] || bench_die "the source holds $SOURCE_FP"

now_ms() { date +%s%3N; }
declare -A TIMES=()
RATIOS=()
BACK=()
for ((r = 1; r <= ROUNDS; r++)); do
  # floor
  spsql -c "TRUNCATE floor.t" -c CHECKPOINT >/dev/null
  bpsql -d "$DB" -c CHECKPOINT >/dev/null
  t0=$(now_ms)
  "$BENCH_BINDIR/psql" -X -q -d "$DB" -c "COPY (SELECT * FROM $PART) TO STDOUT" |
    PGHOST=$SHARD_HOST PGPORT=$SHARD_PORT "$BENCH_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "COPY floor.t FROM STDIN"
  t1=$(now_ms)
  floor=$((t1 - t0))
  # shellcheck disable=SC2059
  got=$(spsql -c "$(printf "$FP" floor.t)")
  [[ $got == "$SOURCE_FP" ]] || bench_die "floor: the shard holds $got, not $SOURCE_FP"

  # partman
  bench_quiesce "$DB"
  spsql -c CHECKPOINT >/dev/null
  bench_call "$DB" "CALL partman.move_partition('$PART', 'shard')"
  move=$BENCH_CALL_MS lock=$BENCH_LOCK_MS
  # shellcheck disable=SC2059
  got=$(spsql -c "$(printf "$FP" "$PART")")
  [[ $got == "$SOURCE_FP" ]] || bench_die "partman: the shard holds $got, not $SOURCE_FP"
  [[ $(bpsql -d "$DB" -c "SELECT relkind FROM pg_class WHERE oid = '$PART'::regclass") == f ]] ||
    bench_die "partman: $PART is not a foreign table after the move"

  # back (untimed for the ratio)
  t0=$(now_ms)
  "$BENCH_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CALL partman.move_partition('$PART', NULL)" >/dev/null 2>&1 ||
    bench_die "the move back failed"
  t1=$(now_ms)
  # shellcheck disable=SC2059
  got=$(bpsql -d "$DB" -c "$(printf "$FP" "$PART")")
  [[ $got == "$SOURCE_FP" ]] || bench_die "back: the partition holds $got, not $SOURCE_FP"

  TIMES[floor]+="$floor "
  TIMES[partman]+="$move "
  TIMES[lock]+="$lock "
  BACK+=("$((t1 - t0))")
  RATIOS+=("$(bench_ratio "$move" "$floor")")
  echo "round $r: floor $floor ms, move_partition $move ms (cut-over lock $lock ms), ratio ${RATIOS[-1]}, back ${BACK[-1]} ms"
done

{ read -r MED_FLOOR; read -r MED_MOVE; read -r MED_LOCK; } < <(bench_medians TIMES floor partman lock)
MED_BACK=$(bench_median "${BACK[@]}")
RATIO=$(bench_median_fmt %.2f "${RATIOS[@]}")
final="move_partition $ROWS rows: ${MED_MOVE} ms, floor (COPY pipe) ${MED_FLOOR} ms, move/floor ${RATIO}x, cut-over lock ${MED_LOCK} ms"
echo "$final"

{
  bench_results_head "move_partition: $ROWS rows to another server, against a COPY pipe" "" "" " ($ROUNDS rounds, median shown)"
  echo "- method: two throwaway clusters on this machine with default durability settings, autovacuum"
  echo "  off: the coordinator (partman, postgres_fdw) and a shard, reached over the unix socket with"
  echo "  the superuser's user mapping. The set: \`public.t (id bigint NOT NULL, at timestamptz NOT NULL,"
  echo "  payload text)\`, daily by \`at\`, an index on \`at\`, no primary key; $ROWS rows (about 60 bytes"
  echo "  each) in one partition, \`$PART\`. Wall-clock time of each whole command, connections included:"
  echo "  - floor: \`psql -c \"COPY (SELECT * FROM $PART) TO STDOUT\" | psql -p <shard> -c \"COPY floor.t FROM STDIN\"\`"
  echo "    into an emptied table with the same columns and index on the shard"
  echo "  - partman: \`CALL partman.move_partition('$PART', 'shard')\` (batch_rows 50000): the table and"
  echo "    index made on the shard, the journal trigger, the copy in 20 committed batches, the journal"
  echo "    replay, count and checksum of both sides, the cut-over"
  echo "  Each partman run is checked (count and md5 of the ordered rows on the shard equal the source's,"
  echo "  the partition is a foreign table), then moved back with \`server => NULL\` (untimed for the ratio)."
  echo
  echo "| | median ms |"
  echo "|---|---:|"
  echo "| floor (COPY pipe) | $MED_FLOOR |"
  echo "| move_partition | $MED_MOVE |"
  echo "| of which the cut-over lock | $MED_LOCK |"
  echo "| move back (server => NULL) | $MED_BACK |"
  echo
  echo "\`$final\`"
  echo
  echo "All runs (ms): floor ${TIMES[floor]% }; move_partition ${TIMES[partman]% }; lock ${TIMES[lock]% }; back ${BACK[*]}"
} >"$BENCH_RESULTS/move_partition.md"
echo "wrote bench/results/move_partition.md"
