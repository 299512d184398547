# shellcheck shell=bash
# Helpers shared by the benchmarks in bench/ (sourced, not run).
# bench/run.sh starts the throwaway cluster and exports what these need:
#   PGHOST PGPORT PGUSER  where the cluster listens (a private unix socket, no TCP)
#   BENCH_BINDIR          PostgreSQL's bindir (psql, pg_ctl, ...)
#   BENCH_WORK            a scratch directory that is removed when run.sh exits
#   BENCH_ROOT            the repository
#   BENCH_RESULTS         where a benchmark writes its markdown summary (bench/results)
#   BENCH_ROUNDS          rounds per benchmark (default 7)
#   BENCH_COMMAND         the command line that started the run, for the results file
#   BENCH_DATA, BENCH_SERVER_LOG, BENCH_PG_USER  the cluster's data directory, its log, and the
#                         user the server runs as (empty: the current user), for bench_restart
#                         and bench_extra_cluster

bench_die() { echo "bench: $*" >&2; exit 1; }

# psql for set-up and checks: ignores ~/.psqlrc, stops at the first error, prints bare
# values, and keeps NOTICEs (DROP ... IF EXISTS) out of the output.
bpsql() {
  PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
    "$BENCH_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# bench_timed DB FILE: run FILE in a new session and print its elapsed milliseconds.
# FILE must start with '\timing on' and hold one line: the statements joined by '\;' so that
# psql sends them as a single query message (one round trip; connection start-up and the
# time to generate the statements are not counted). psql prints one "Time: N ms" for it.
bench_timed() {
  local db=$1 file=$2 out ms
  out=$("$BENCH_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -o /dev/null -f "$file" 2>&1) ||
    { printf '%s\n' "$out" >&2; return 1; }
  ms=$(printf '%s\n' "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1)
  [[ -n $ms ]] || { printf '%s\n' "$out" >&2; echo "bench: no timing in psql output" >&2; return 1; }
  printf '%s\n' "$ms"
}

# bench_call DB SQL: run SQL (a CALL of an online operation) in a new session, as one whole
# command, connection start-up included; sets BENCH_CALL_MS (wall clock) and BENCH_LOCK_MS (what
# its NOTICE says of "held its lock for N ms", empty if nothing). Dies with its output on failure.
bench_call() {
  local db=$1 sql=$2 t0 t1 out
  t0=$(date +%s%3N)
  out=$("$BENCH_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$sql" 2>&1) ||
    { printf '%s\n' "$out" >&2; bench_die "failed: $sql"; }
  t1=$(date +%s%3N)
  # shellcheck disable=SC2034  # read by the benchmark that called it
  BENCH_CALL_MS=$((t1 - t0))
  # shellcheck disable=SC2034
  BENCH_LOCK_MS=$(printf '%s\n' "$out" | sed -n 's/.*held its lock for \([0-9.]*\) ms.*/\1/p')
}

# bench_medians ARRAY-NAME KEY...: the median of each space-separated list ARRAY-NAME[KEY], in
# that order, one a line.
bench_medians() {
  local -n lists=$1
  local key
  shift
  # shellcheck disable=SC2086  # each list is words
  for key; do bench_median ${lists[$key]}; done
}

# bench_quiesce DB [PSQL-ARGS...]: clean up dead catalog rows left by earlier rounds and flush
# dirty buffers, so that every timed run starts from the same state (autovacuum is off).
# PSQL-ARGS (e.g. -h "$BENCH_EXTRA_HOST" -p "$BENCH_EXTRA_PORT") name another cluster.
bench_quiesce() {
  bpsql -d "$1" "${@:2}" -c 'VACUUM' -c 'CHECKPOINT' >/dev/null
}

# bench_median N...: the median (mean of the two middle values for an even count), to 0.1.
bench_median() { bench_median_fmt %.1f "$@"; }
bench_median_fmt() {
  local fmt=$1; shift
  printf '%s\n' "$@" | LC_ALL=C sort -g | awk -v f="$fmt\n" '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf f, v[(NR + 1) / 2]; else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
bench_min() { printf '%s\n' "$@" | LC_ALL=C sort -g | head -n 1 | awk '{ printf "%.1f\n", $1 }'; }
bench_max() { printf '%s\n' "$@" | LC_ALL=C sort -g | tail -n 1 | awk '{ printf "%.1f\n", $1 }'; }
# bench_ratio A B [FMT]: A / B, to 0.01 unless FMT says otherwise.
bench_ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}\n" 'BEGIN { if (b > 0) printf f, a / b; else print "nan" }'; }

# A line describing the machine and the server, for results files.
bench_machine() {
  local cpu
  cpu=$(LC_ALL=C lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
  printf '%s CPU(s)%s, %s GiB RAM, %s' "$(nproc)" "${cpu:+ ($cpu)}" \
    "$(awk '/MemTotal/ { printf "%d", $2 / 1048576 + 0.5 }' /proc/meminfo)" \
    "$(bpsql -d postgres -c 'SHOW server_version')"
}

# bench_results_head TITLE [MACHINE_NOTE] [PARTMAN_NOTE] [COMMAND_NOTE]: the head every results file
# starts with: its title, then date, machine, partman's commit and the command, each line followed by
# its note (e.g. "; pg_partman 4.7.2", " (7 rounds, median shown)").
bench_results_head() {
  local rev
  rev=$(git -C "$BENCH_ROOT" describe --always --dirty 2>/dev/null || echo "no commit yet")
  echo "# $1"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(bench_machine)${2:-}"
  echo "- partman: ${rev}${3:-}"
  echo "- command: \`$BENCH_COMMAND\`${4:-}"
}

# bench_restart: restart the cluster (after ALTER SYSTEM of a setting that needs it).
bench_restart() {
  local run_as=()
  [[ -n ${BENCH_PG_USER:-} ]] && run_as=(runuser -u "$BENCH_PG_USER" --)
  "${run_as[@]}" "$BENCH_BINDIR/pg_ctl" restart -D "$BENCH_DATA" -l "$BENCH_SERVER_LOG" -w -t 60 -m fast \
    >/dev/null || bench_die "the server did not restart (see $BENCH_SERVER_LOG)"
}

# bench_point_table DB PARTITIONS ROWS_PER: database DB with partman and table pts, RANGE on a
# bigint id with PARTITIONS partitions of ROWS_PER rows (ids 0 up), made by partman.create_parent;
# a primary key, no default partition, vacuumed and analyzed.
bench_point_table() {
  local db=$1 parts=$2 rows=$3
  bpsql -d postgres -c "CREATE DATABASE $db"
  bpsql -d "$db" <<SQL || bench_die "setup of table pts failed"
CREATE EXTENSION partman;
CREATE TABLE pts (id bigint NOT NULL, payload text, PRIMARY KEY (id)) PARTITION BY RANGE (id);
SELECT partman.create_parent('pts', '$rows', premake => $((parts - 1)), start_partition => '0',
                             default_partition => false);
INSERT INTO pts SELECT g, md5(g::text) FROM generate_series(0, $((parts * rows - 1))) g;
VACUUM ANALYZE pts;
SQL
}

# Extra clusters, for benchmarks that need more than one server (shards behind postgres_fdw).
# bench_extra_cluster NAME: initdb and start a plain cluster (no partman preloaded: shards are
# plain PostgreSQL servers) in $BENCH_WORK/cluster-NAME, as the user run.sh's cluster runs as,
# with the same superuser name ($PGUSER), trust authentication, a private unix socket and no TCP,
# autovacuum off. Sets BENCH_EXTRA_HOST (the socket directory), BENCH_EXTRA_PORT and
# BENCH_EXTRA_DATA for it; call it in the benchmark's own shell, not in $(...), so they stay set.
# The first call sets an EXIT trap (INT and TERM exit through it) that stops every extra cluster
# and removes its directory, on success and on failure; a benchmark with an EXIT trap of its own
# must call bench_extra_clusters_stop in it. BENCH_KEEP=1 keeps the directories (and logs).
BENCH_EXTRA_NAMES=()
bench_extra_cluster() {
  local name=$1 dir run_as=() port n
  [[ $name =~ ^[A-Za-z0-9_]+$ ]] || bench_die "bench_extra_cluster: bad cluster name '$name'"
  for n in "${BENCH_EXTRA_NAMES[@]}"; do
    [[ $n != "$name" ]] || bench_die "bench_extra_cluster: cluster '$name' is already started"
  done
  dir=$BENCH_WORK/cluster-$name
  [[ -n ${BENCH_PG_USER:-} ]] && run_as=(runuser -u "$BENCH_PG_USER" --)
  if ((${#BENCH_EXTRA_NAMES[@]} == 0)); then
    trap 'bench_extra_clusters_stop' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
  BENCH_EXTRA_NAMES+=("$name")   # before initdb, so that a failed start is cleaned up too
  rm -rf "$dir"
  mkdir -p "$dir"
  [[ -n ${BENCH_PG_USER:-} ]] && chown "$BENCH_PG_USER": "$dir"
  "${run_as[@]}" mkdir -m 700 "$dir/sock"
  # The socket lives in the cluster's own directory, so any port is free there; it only differs
  # from run.sh's cluster's, to keep messages unambiguous.
  port=$((20000 + RANDOM % 30000))
  while [[ $port == "${PGPORT:-}" ]]; do port=$((20000 + RANDOM % 30000)); done
  "${run_as[@]}" "$BENCH_BINDIR/initdb" -D "$dir/data" -U "${PGUSER:-postgres}" -A trust -E UTF8 --no-locale \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; bench_die "initdb of extra cluster $name failed"; }
  printf '%s\n' "" "# partman benchmark extra cluster ($name). Durability settings stay at their defaults." \
    "listen_addresses = ''" "port = $port" "unix_socket_directories = '$dir/sock'" "timezone = 'UTC'" \
    "autovacuum = off" | "${run_as[@]}" tee -a "$dir/data/postgresql.conf" >/dev/null
  "${run_as[@]}" "$BENCH_BINDIR/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 >/dev/null ||
    { tail -n 50 "$dir/server.log" >&2; bench_die "extra cluster $name did not start"; }
  # shellcheck disable=SC2034  # read by the benchmark that called it
  BENCH_EXTRA_HOST=$dir/sock BENCH_EXTRA_PORT=$port BENCH_EXTRA_DATA=$dir/data
}

# bench_extra_cluster_stop NAME: stop extra cluster NAME (fast, else immediate) and remove its
# directory (kept with BENCH_KEEP=1). Stopping one that is not running is not an error.
bench_extra_cluster_stop() {
  local name=$1 dir=$BENCH_WORK/cluster-$1 run_as=() keep=() n
  [[ -n ${BENCH_PG_USER:-} ]] && run_as=(runuser -u "$BENCH_PG_USER" --)
  if [[ -f $dir/data/postmaster.pid ]]; then
    "${run_as[@]}" "$BENCH_BINDIR/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null 2>&1 ||
      "${run_as[@]}" "$BENCH_BINDIR/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "bench: kept $dir" >&2; else rm -rf "$dir"; fi
  for n in "${BENCH_EXTRA_NAMES[@]}"; do [[ $n == "$name" ]] || keep+=("$n"); done
  BENCH_EXTRA_NAMES=("${keep[@]}")
}

# bench_extra_clusters_stop: stop every extra cluster still running (the EXIT trap); keeps the
# exit status.
bench_extra_clusters_stop() {
  local rc=$? n
  for n in "${BENCH_EXTRA_NAMES[@]}"; do bench_extra_cluster_stop "$n"; done
  return "$rc"
}
