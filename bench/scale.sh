#!/usr/bin/env bash
# Benchmark: scale. Two shapes, each in its own database on the same cluster (default settings,
# max_locks_per_transaction 64):
#   big   one RANGE set of 10,000 partitions (bigint key id, 1,000 ids each, ids 0 to 9,999,999,
#         columns (id bigint NOT NULL, v int), plus a default partition), and beside it the same
#         table made by raw DDL ("raw"):
#         - create: partman: create_parent (premake 4), set_config premake 9999, then one
#           CALL partman.run_maintenance(), which makes the other 9,995 in batches that fit the
#           lock table (create_parent alone cannot: one transaction cannot lock 10,000 new
#           tables); raw: the 10,001 CREATE TABLE ... PARTITION OF statements, 1,000 per
#           transaction (for the same reason)
#         - no-op maintenance: CALL partman.run_maintenance() in a new session
#         - planning of a point query (SELECT * FROM t WHERE id = 5000500), the first in a new
#           session (it builds the partition descriptor) and the second; partman's set and raw
#         - explain_pruning of that query in a new session
#         - retention of 1,000 partitions: after a row with id 9,999,999 is inserted, premake 0
#           and retention '8999999' (partitions whose upper bound is at most 1,000,000 go), one
#           CALL partman.run_maintenance() (it drops them in batches); raw: DROP TABLE of the
#           same 1,000 partitions in one transaction
#   sets  1,000 daily sets (timestamptz key, premake 29 from today: 30 partitions + default):
#         - create: 1,000 create_parent calls, one transaction each; raw: 1,000 transactions of
#           CREATE TABLE + 31 CREATE TABLE ... PARTITION OF; pg_partman 4.7.2: 1,000
#           create_parent calls (p_premake 29, p_start_partition today), own database
#         - no-op maintenance: CALL partman.run_maintenance() and pg_partman's
#           CALL run_maintenance_proc(p_analyze := false), each in a new session
# pg_partman does not take part in "big": its create_parent and run_maintenance_proc make a
# set's partitions in one transaction, and 10,000 new tables do not fit the default lock table.
# Destructive or one-off steps (create, retention) run once; the others BENCH_ROUNDS times
# (default 3), VACUUM and CHECKPOINT before each, medians reported. Every step is checked
# (partition counts and bounds before and after; a no-op run must change nothing).
# BENCH_SCALE_BIG (default 10000, a multiple of 1,000) and BENCH_SCALE_SETS (default 1000) change
# the sizes (retention then retires a tenth of the big set).
# Run it through bench/run.sh (bash bench/run.sh scale), which starts the cluster.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${BENCH_ROUNDS:-3}
NBIG=${BENCH_SCALE_BIG:-10000}  # partitions of the big set (a multiple of 1,000)
WIDTH=1000
RETIRE=$((NBIG / 10))
NSETS=${BENCH_SCALE_SETS:-1000}
PER=30
GOAL_NOOP_MS_PER_SET=1
DB_BIG=bench_big
DB_SETS=bench_sets
DB_PGP=bench_sets_pg_partman
TODAY=$(date -u +%F)
POINT=$((NBIG * WIDTH / 2 + 500))

# timed_sum DB FILE: run FILE (with '\timing on') in a new session; print the sum of its "Time:" lines.
timed_sum() {
  local db=$1 file=$2 out
  out=$("$BENCH_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null -f "$file" 2>&1) ||
    { printf '%s\n' "$out" >&2; return 1; }
  printf '%s\n' "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{ s += $1 } END { printf "%.1f\n", s }'
}
# planning DB TABLE: "first second" planning times (ms) of the point query in a new session.
planning() {
  "$BENCH_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" \
    -c "EXPLAIN (SUMMARY ON, COSTS OFF) SELECT * FROM public.$2 WHERE id = $POINT" \
    -c "EXPLAIN (SUMMARY ON, COSTS OFF) SELECT * FROM public.$2 WHERE id = $POINT" |
    sed -n 's/^Planning Time: \([0-9.]*\) ms/\1/p' | tr '\n' ' '
}
# partitions TABLE-LIKE: "ranges defaults md5" of the partitions of the parents named like it.
parts() {
  bpsql -d "$1" -F ' ' -v like="$2" <<'SQL'
SELECT count(*) FILTER (WHERE b <> 'DEFAULT'), count(*) FILTER (WHERE b = 'DEFAULT'),
       md5(string_agg(parent || '/' || child || ' ' || b, E'\n' ORDER BY parent, child))
FROM (SELECT p.relname::text AS parent, c.relname::text AS child, pg_get_expr(c.relpartbound, c.oid) AS b
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relkind = 'p' AND p.relnamespace = 'public'::regnamespace AND p.relname LIKE :'like') AS x;
SQL
}
timing_file() { { echo '\timing on'; cat; } >"$BENCH_WORK/$1.sql"; echo "$BENCH_WORK/$1.sql"; }
median_of() { local a; read -r -a a <<<"$1"; bench_median_fmt %.2f "${a[@]}"; }

declare -A R   # results: R[name]=ms (one-off) or "ms ms ms" (rounds)

echo "-- big: one set of $NBIG partitions, partman and raw DDL"
bpsql -d postgres -c "CREATE DATABASE $DB_BIG"
bpsql -d "$DB_BIG" -c 'CREATE EXTENSION partman' || bench_die "CREATE EXTENSION partman failed"
bpsql -d "$DB_BIG" \
  -c 'CREATE TABLE public.big (id bigint NOT NULL, v int) PARTITION BY RANGE (id)' \
  -c 'CREATE TABLE public.raw (id bigint NOT NULL, v int) PARTITION BY RANGE (id)'
f=$(timing_file big_create <<SQL
SELECT partman.create_parent('public.big', '$WIDTH', premake => 4, start_partition => '0');
SELECT partman.set_config('public.big', 'premake', '$((NBIG - 1))');
CALL partman.run_maintenance();
SQL
)
R[big_create_partman]=$(timed_sum "$DB_BIG" "$f") || bench_die "partman could not make the big set"
f=$(timing_file big_create_raw < <(
  for ((b = 0; b < NBIG; b += 1000)); do
    printf 'BEGIN;\n'
    for ((k = b; k < b + 1000 && k < NBIG; k++)); do
      printf 'CREATE TABLE public.raw_p%d PARTITION OF public.raw FOR VALUES FROM (%d) TO (%d);\n' \
        "$k" $((k * WIDTH)) $(((k + 1) * WIDTH))
    done
    printf 'COMMIT;\n'
  done
  printf 'CREATE TABLE public.raw_default PARTITION OF public.raw DEFAULT;\n'))
R[big_create_raw]=$(timed_sum "$DB_BIG" "$f") || bench_die "raw DDL could not make the big table"
read -r n_big d_big _ < <(parts "$DB_BIG" big)
read -r n_raw d_raw _ < <(parts "$DB_BIG" raw)
echo "create: partman ${R[big_create_partman]} ms ($n_big + $d_big), raw ${R[big_create_raw]} ms ($n_raw + $d_raw)"
[[ $n_big == "$NBIG" && $d_big == 1 && $n_raw == "$NBIG" && $d_raw == 1 ]] ||
  bench_die "big: $n_big + $d_big partitions (partman), $n_raw + $d_raw (raw); want $NBIG + 1"
# premake back to 1: with the rows below, the newest key is in the last partition but one
bpsql -d "$DB_BIG" -c "SELECT partman.set_config('public.big', 'premake', '1')" -o /dev/null
bpsql -d "$DB_BIG" -c "INSERT INTO public.big SELECT g * $WIDTH, 0 FROM generate_series(0, $((NBIG - 2))) g" \
  -c "INSERT INTO public.raw SELECT g * $WIDTH, 0 FROM generate_series(0, $((NBIG - 2))) g" \
  -c 'ANALYZE public.big' -c 'ANALYZE public.raw'
# the newest row sits in the last partition but one: no-op maintenance has nothing to make
before=$(parts "$DB_BIG" big)
f=$(timing_file big_noop <<<'CALL partman.run_maintenance();')
bench_timed "$DB_BIG" "$f" >/dev/null   # untimed: the first run after the data
before=$(parts "$DB_BIG" big)
f_pr=$(timing_file big_pruning <<<"SELECT * FROM partman.explain_pruning('SELECT * FROM public.big WHERE id = $POINT');")
for ((r = 1; r <= ROUNDS; r++)); do
  bench_quiesce "$DB_BIG"
  R[big_noop]+="$(bench_timed "$DB_BIG" "$f") "
  [[ $(parts "$DB_BIG" big) == "$before" ]] || bench_die "no-op maintenance of the big set changed its partitions"
  read -r a b <<<"$(planning "$DB_BIG" big)"; R[big_plan1]+="$a "; R[big_plan2]+="$b "
  read -r a b <<<"$(planning "$DB_BIG" raw)"; R[raw_plan1]+="$a "; R[raw_plan2]+="$b "
  R[big_explain_pruning]+="$(bench_timed "$DB_BIG" "$f_pr") "
done
echo "no-op maintenance: ${R[big_noop]}ms; planning partman ${R[big_plan1]}/ ${R[big_plan2]}, raw ${R[raw_plan1]}/ ${R[raw_plan2]}; explain_pruning ${R[big_explain_pruning]}"

# retention of the oldest 1,000
bpsql -d "$DB_BIG" -c "INSERT INTO public.big VALUES ($((NBIG * WIDTH - 1)), 0)" \
  -c "SELECT partman.set_config('public.big', 'premake', '0')" -o /dev/null
bench_quiesce "$DB_BIG"
f=$(timing_file big_retention <<SQL
SELECT partman.set_config('public.big', 'retention', '$(((NBIG - RETIRE) * WIDTH - 1))');
CALL partman.run_maintenance();
SQL
)
R[big_retention_partman]=$(timed_sum "$DB_BIG" "$f") || bench_die "retention failed"
f=$(timing_file big_retention_raw < <(
  printf 'BEGIN;\n'
  for ((k = 0; k < RETIRE; k++)); do printf 'DROP TABLE public.raw_p%d;\n' "$k"; done
  printf 'COMMIT;\n'))
R[big_retention_raw]=$(timed_sum "$DB_BIG" "$f") || bench_die "raw DROP failed"
read -r n_big _ < <(parts "$DB_BIG" big)
read -r n_raw _ < <(parts "$DB_BIG" raw)
lowest=$(bpsql -d "$DB_BIG" -c "SELECT min(id) FROM public.big")
echo "retention: partman ${R[big_retention_partman]} ms ($n_big left, lowest id $lowest), raw ${R[big_retention_raw]} ms ($n_raw left)"
[[ $n_big == $((NBIG - RETIRE)) && $n_raw == $((NBIG - RETIRE)) && $lowest == $((RETIRE * WIDTH)) ]] ||
  bench_die "retention: $n_big partitions left (partman), $n_raw (raw), lowest id $lowest; want $((NBIG - RETIRE)) and $((RETIRE * WIDTH))"

echo "-- sets: $NSETS daily sets of $PER partitions + default"
bpsql -d postgres -c "CREATE DATABASE $DB_SETS" -c "CREATE DATABASE $DB_PGP"
bpsql -d "$DB_SETS" -c 'CREATE EXTENSION partman'
bpsql -d "$DB_PGP" -c 'CREATE SCHEMA pgpartman' -c 'CREATE EXTENSION pg_partman SCHEMA pgpartman' ||
  bench_die "CREATE EXTENSION pg_partman failed (bash scripts/deps.sh --bench installs it)"
PGP_VERSION=$(bpsql -d "$DB_PGP" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_partman'")
ddl() { printf 'CREATE TABLE public.%s (id bigint, created_at timestamptz NOT NULL, payload text) PARTITION BY RANGE (created_at);\n' "$1"; }
f=$(timing_file sets_create_partman < <(
  for ((i = 1; i <= NSETS; i++)); do
    t=$(printf 's%04d' "$i"); ddl "$t"
    echo "SELECT partman.create_parent('public.$t', \"interval\" => '1 day', premake => $((PER - 1)), start_partition => '$TODAY');"
  done))
R[sets_create_partman]=$(timed_sum "$DB_SETS" "$f") || bench_die "partman create_parent failed"
DAY=()
for ((k = 0; k <= PER; k++)); do DAY[k]=$(date -u -d "$TODAY +$k days" +%F); done
f=$(timing_file sets_create_raw < <(
  for ((i = 1; i <= NSETS; i++)); do
    t=$(printf 'r%04d' "$i")
    printf 'BEGIN;\n'; ddl "$t"
    for ((k = 0; k < PER; k++)); do
      printf "CREATE TABLE public.%s_p%s PARTITION OF public.%s FOR VALUES FROM ('%s') TO ('%s');\n" \
        "$t" "${DAY[k]//-/}" "$t" "${DAY[k]}" "${DAY[k + 1]}"
    done
    printf 'CREATE TABLE public.%s_default PARTITION OF public.%s DEFAULT;\nCOMMIT;\n' "$t" "$t"
  done))
R[sets_create_raw]=$(timed_sum "$DB_SETS" "$f") || bench_die "raw DDL of the sets failed"
f=$(timing_file sets_create_pgp < <(
  for ((i = 1; i <= NSETS; i++)); do
    t=$(printf 's%04d' "$i"); ddl "$t"
    echo "SELECT pgpartman.create_parent('public.$t', 'created_at', 'native', 'daily', p_premake := $((PER - 1)), p_start_partition := '$TODAY');"
  done))
R[sets_create_pgp]=$(timed_sum "$DB_PGP" "$f") || bench_die "pg_partman create_parent failed"
read -r n_s d_s _ < <(parts "$DB_SETS" 's%')
read -r n_r d_r _ < <(parts "$DB_SETS" 'r%')
read -r n_p d_p _ < <(parts "$DB_PGP" 's%')
echo "create: partman ${R[sets_create_partman]} ms ($n_s + $d_s), raw ${R[sets_create_raw]} ms ($n_r + $d_r), pg_partman ${R[sets_create_pgp]} ms ($n_p + $d_p)"
# pg_partman makes premake + 1 partitions from the start partition, and so does partman
for x in "$n_s $d_s" "$n_r $d_r"; do
  [[ $x == "$((NSETS * PER)) $NSETS" ]] || bench_die "sets: $x partitions + defaults; want $((NSETS * PER)) $NSETS"
done
[[ $d_p == "$NSETS" && $n_p -ge $((NSETS * PER)) ]] || bench_die "pg_partman sets: $n_p + $d_p partitions"

f_p=$(timing_file sets_noop <<<'CALL partman.run_maintenance();')
f_g=$(timing_file sets_noop_pgp <<<'CALL pgpartman.run_maintenance_proc(p_analyze := false);')
bench_timed "$DB_SETS" "$f_p" >/dev/null
bench_timed "$DB_PGP" "$f_g" >/dev/null
before_s=$(parts "$DB_SETS" 's%'); before_p=$(parts "$DB_PGP" 's%')
for ((r = 1; r <= ROUNDS; r++)); do
  bench_quiesce "$DB_SETS"; R[sets_noop]+="$(bench_timed "$DB_SETS" "$f_p") "
  bench_quiesce "$DB_PGP"; R[sets_noop_pgp]+="$(bench_timed "$DB_PGP" "$f_g") "
  [[ $(parts "$DB_SETS" 's%') == "$before_s" && $(parts "$DB_PGP" 's%') == "$before_p" ]] ||
    bench_die "a no-op maintenance run changed partitions"
done
[[ $(date -u +%F) == "$TODAY" ]] || bench_die "the UTC date changed during the run (from $TODAY): run it again"

noop_sets=$(median_of "${R[sets_noop]}")
per_set=$(awk -v t="$noop_sets" -v n="$NSETS" 'BEGIN { printf "%.3f", t / n }')
noop_pgp=$(median_of "${R[sets_noop_pgp]}")
if awk -v r="$per_set" -v g="$GOAL_NOOP_MS_PER_SET" 'BEGIN { exit !(r <= g) }'; then m=met; else m=missed; fi
goal="goal $m: no-op maintenance of $NSETS sets takes $per_set ms per set (goal: at most $GOAL_NOOP_MS_PER_SET ms)"
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3"; }
table=$(
  echo "| measure | partman | raw DDL / PostgreSQL | pg_partman $PGP_VERSION |"
  echo "|---|---:|---:|---:|"
  printf '| big: create %s partitions (ms, once) | %s | %s | not run |\n' "$NBIG" "${R[big_create_partman]}" "${R[big_create_raw]}"
  printf '| big: no-op maintenance (ms, median) | %s | - | not run |\n' "$(median_of "${R[big_noop]}")"
  printf '| big: point query, first planning in a session (ms, median) | %s | %s | - |\n' "$(median_of "${R[big_plan1]}")" "$(median_of "${R[raw_plan1]}")"
  printf '| big: point query, second planning (ms, median) | %s | %s | - |\n' "$(median_of "${R[big_plan2]}")" "$(median_of "${R[raw_plan2]}")"
  printf '| big: explain_pruning of the point query, new session (ms, median) | %s | - | - |\n' "$(median_of "${R[big_explain_pruning]}")"
  printf '| big: retention of %s partitions (ms, once) | %s | %s | not run |\n' "$RETIRE" "${R[big_retention_partman]}" "${R[big_retention_raw]}"
  printf '| sets: create %s sets of %s + default (ms, once) | %s | %s | %s |\n' "$NSETS" "$PER" "${R[sets_create_partman]}" "${R[sets_create_raw]}" "${R[sets_create_pgp]}"
  printf '| sets: no-op maintenance of %s sets (ms, median) | %s | - | %s |\n' "$NSETS" "$noop_sets" "$noop_pgp"
  printf '| sets: no-op maintenance per set (ms) | %s | - | %s |\n' "$per_set" "$(awk -v t="$noop_pgp" -v n="$NSETS" 'BEGIN { printf "%.3f", t / n }')"
)
final="scale: big create partman ${R[big_create_partman]} ms / raw ${R[big_create_raw]} ms; big no-op $(median_of "${R[big_noop]}") ms; retention $RETIRE partman ${R[big_retention_partman]} ms / raw ${R[big_retention_raw]} ms; $NSETS sets no-op partman $noop_sets ms ($per_set ms/set), pg_partman $noop_pgp ms"
echo
echo "$table"
echo
echo "$goal"
echo "$final"

{
  bench_results_head "scale: one set of $NBIG partitions, $NSETS sets of $PER" "" "; pg_partman $PGP_VERSION" " ($ROUNDS rounds of the repeatable measures, median shown; create and retention once)"
  echo "- method: a throwaway cluster with default settings (fsync on, max_locks_per_transaction 64),"
  echo "  autovacuum off; VACUUM and CHECKPOINT before each repeated measure; every timed statement runs"
  printf '%s\n' "  in a new session, timed by psql's \\timing (connection start-up excluded)."
  echo "  - big: \`public.big (id bigint NOT NULL, v int)\` RANGE on id, $WIDTH ids per partition, ids 0 to"
  echo "    $((NBIG * WIDTH - 1)): partman's \`create_parent(premake => 4, start_partition => '0')\`,"
  echo "    \`set_config(premake, $((NBIG - 1)))\`, then \`CALL partman.run_maintenance()\` makes the rest in"
  echo "    batches that fit the lock table (one transaction cannot lock $NBIG new tables: create_parent"
  echo "    refuses that up front); raw: the same table made by $((NBIG + 1)) \`CREATE TABLE ... PARTITION OF\`,"
  echo "    1,000 per transaction. Then premake 1 and one row per partition but the last (so no-op"
  echo "    maintenance has nothing to make), ANALYZE."
  echo "    No-op: \`CALL partman.run_maintenance()\`. Planning: \`EXPLAIN (SUMMARY ON) SELECT * FROM t WHERE"
  echo "    id = $POINT\` twice in a new session (the first builds the partition descriptor), Planning Time."
  echo "    explain_pruning: \`SELECT * FROM partman.explain_pruning('SELECT * FROM public.big WHERE id = $POINT')\`."
  echo "    Retention: a row with id $((NBIG * WIDTH - 1)), premake 0, then \`set_config(retention,"
  echo "    '$(((NBIG - RETIRE) * WIDTH - 1))')\` + \`CALL partman.run_maintenance()\` drops the $RETIRE oldest"
  echo "    partitions (in batches); raw: $RETIRE \`DROP TABLE\` in one transaction. Checked: $((NBIG - RETIRE))"
  echo "    partitions left in each, the oldest row left is id $((RETIRE * WIDTH))."
  echo "    pg_partman is not run on big: its create_parent and run_maintenance_proc make a set's partitions"
  echo "    in one transaction, which cannot lock $NBIG new tables with the default lock table."
  echo "  - sets: $NSETS tables \`(id bigint, created_at timestamptz NOT NULL, payload text)\`, daily, premake"
  echo "    $((PER - 1)) from today (UTC): $PER partitions + default each. partman: $NSETS \`create_parent\`"
  echo "    (one transaction each); raw: $NSETS transactions of CREATE TABLE + $((PER + 1)) CREATE TABLE ... PARTITION OF;"
  echo "    pg_partman: $NSETS \`create_parent(..., 'native', 'daily', p_premake := $((PER - 1)))\` in its own"
  echo "    database. No-op: \`CALL partman.run_maintenance()\` / \`CALL pgpartman.run_maintenance_proc(p_analyze"
  echo "    := false)\`, after one untimed run each; every run is checked to change no partition."
  echo
  echo "$table"
  echo
  echo "$goal"
  echo
  echo "\`$final\`"
  echo
  echo "All runs (ms):"
  echo
  for k in big_noop big_plan1 raw_plan1 big_plan2 raw_plan2 big_explain_pruning sets_noop sets_noop_pgp; do
    echo "- $k: ${R[$k]% }"
  done
} >"$BENCH_RESULTS/scale.md"
echo "wrote bench/results/scale.md"
