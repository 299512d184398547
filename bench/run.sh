#!/usr/bin/env bash
# partman's benchmarks (`make bench`): installs what is missing (pg_partman included, for
# comparisons), builds and installs partman, then runs each benchmark bench/NAME.sh against
# its own throwaway cluster, started as an unprivileged user and removed on exit.
# Durability settings are PostgreSQL's defaults (fsync, synchronous_commit, full_page_writes).
#
# Usage: bash bench/run.sh [NAME...]     e.g. bash bench/run.sh create_parent
#   BENCH_ROUNDS=N        rounds per benchmark (default 7)
#   BENCH_SKIP_BUILD=1    use the partman that is installed already (no deps, make, make install)
#   BENCH_KEEP=1          leave the scratch directory (cluster, logs, generated SQL) in place
# A benchmark is any bench/NAME.sh other than run.sh and lib.sh; it sources bench/lib.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

case ${1:-} in -h|--help) sed -n '2,11p' "$0"; exit 0 ;; esac

all_benches() {
  local f n
  for f in "$ROOT"/bench/*.sh; do
    n=$(basename "$f" .sh)
    [[ $n == run || $n == lib ]] || echo "$n"
  done
}
if (($#)); then BENCHES=("$@"); else mapfile -t BENCHES < <(all_benches); fi
for n in "${BENCHES[@]}"; do
  n=${n%.sh}; n=${n#bench/}
  [[ $n != run && $n != lib && -f $ROOT/bench/$n.sh ]] ||
    { echo "run.sh: no benchmark '$n' (have: $(all_benches | tr '\n' ' '))" >&2; exit 2; }
done

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "run.sh: '$*' needs root and sudo is not installed" >&2; return 1; fi
}

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  echo "== dependencies"
  [[ -f scripts/deps.sh ]] && bash scripts/deps.sh --bench
  echo "== build"
  make PG_CONFIG="$PG_CONFIG"
  if [[ -w $("$PG_CONFIG" --pkglibdir) ]]; then
    make PG_CONFIG="$PG_CONFIG" install
  else
    as_root make PG_CONFIG="$PG_CONFIG" install
  fi
fi

BINDIR=$("$PG_CONFIG" --bindir)
PKGLIBDIR=$("$PG_CONFIG" --pkglibdir)
# PostgreSQL refuses to run as root: root runs the server as 'postgres'; anyone else as themselves.
if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || { echo "run.sh: no 'postgres' user (run scripts/deps.sh)" >&2; exit 1; }
  RUN_AS=(runuser -u postgres --)
else
  RUN_AS=()
fi

W=$(mktemp -d /tmp/partman-bench.XXXXXX)
CLUSTER_UP=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((CLUSTER_UP)); then
    "${RUN_AS[@]}" "$BINDIR/pg_ctl" stop -D "$W/data" -m fast -w >/dev/null 2>&1 ||
      "${RUN_AS[@]}" "$BINDIR/pg_ctl" stop -D "$W/data" -m immediate >/dev/null 2>&1 || true
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "run.sh: kept $W"; else rm -rf "$W"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
((${#RUN_AS[@]})) && chown postgres: "$W"

# The socket lives in the private directory, so no other server can clash on the port.
PORT=$((20000 + RANDOM % 30000))

start_cluster() {
  local name=$1 preload=""
  if ((CLUSTER_UP)); then
    "${RUN_AS[@]}" "$BINDIR/pg_ctl" stop -D "$W/data" -m fast -w >/dev/null
    CLUSTER_UP=0
  fi
  rm -rf "$W/data" "$W/sock" "$W/gen"
  "${RUN_AS[@]}" mkdir -m 700 "$W/sock"
  mkdir -p "$W/gen"
  "${RUN_AS[@]}" "$BINDIR/initdb" -D "$W/data" -U postgres -A trust -E UTF8 --no-locale >"$W/initdb.log" 2>&1 ||
    { cat "$W/initdb.log" >&2; return 1; }
  if [[ -f $PKGLIBDIR/partman.so ]]; then
    preload=partman
  else
    echo "run.sh: $PKGLIBDIR/partman.so is not installed; starting without it" >&2
  fi
  "${RUN_AS[@]}" tee -a "$W/data/postgresql.conf" >/dev/null <<EOF

# partman benchmark cluster ($name). Durability settings stay at their defaults.
listen_addresses = ''
port = $PORT
unix_socket_directories = '$W/sock'
shared_preload_libraries = '$preload'
timezone = 'UTC'
# Each benchmark VACUUMs and CHECKPOINTs between timed runs itself; autovacuum would
# only add noise to the timings.
autovacuum = off
EOF
  # partman's worker must not wake up during a timed run (once partman has that setting);
  # a worker starts in each new database and maintains it at once, so none is started at all:
  # the benchmarks time the calls they make themselves.
  if [[ -n $preload ]] && grep -aq 'partman.bgw_interval' "$PKGLIBDIR/partman.so"; then
    echo "partman.bgw_interval = 86400" | "${RUN_AS[@]}" tee -a "$W/data/postgresql.conf" >/dev/null
  fi
  if [[ -n $preload ]] && grep -aq 'partman.bgw_max_workers' "$PKGLIBDIR/partman.so"; then
    echo "partman.bgw_max_workers = 0" | "${RUN_AS[@]}" tee -a "$W/data/postgresql.conf" >/dev/null
  fi
  "${RUN_AS[@]}" "$BINDIR/pg_ctl" start -D "$W/data" -l "$W/server-$name.log" -w -t 60 >/dev/null ||
    { tail -n 50 "$W/server-$name.log" >&2; return 1; }
  CLUSTER_UP=1
}

export PGHOST=$W/sock PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres PGTZ=UTC
export BENCH_BINDIR=$BINDIR BENCH_WORK=$W/gen BENCH_ROOT=$ROOT BENCH_RESULTS=$ROOT/bench/results
export BENCH_ROUNDS=${BENCH_ROUNDS:-7}
# for benchmarks that restart the server with other settings (bench_restart in lib.sh)
export BENCH_DATA=$W/data BENCH_PG_USER=$([[ $(id -u) -eq 0 ]] && echo postgres || true)
export BENCH_COMMAND=${BENCH_COMMAND:-"bash bench/run.sh${*:+ $*}"}
mkdir -p "$BENCH_RESULTS"

for n in "${BENCHES[@]}"; do
  n=${n%.sh}; n=${n#bench/}
  echo "== bench $n"
  start_cluster "$n"
  export BENCH_SERVER_LOG=$W/server-$n.log
  if ! bash "$ROOT/bench/$n.sh"; then
    echo "run.sh: benchmark $n failed; end of the server log (BENCH_KEEP=1 keeps all of it):" >&2
    tail -n 20 "$W/server-$n.log" >&2
    exit 1
  fi
done
