#!/usr/bin/env bash
# partman's test command (`make test`, and so CI): installs what is missing, builds with
# warnings as errors, installs, then runs pg_regress, isolation and TAP suites against
# throwaway clusters as an unprivileged user. The last line is always "N passed, N failed".
#
# Usage: bash test/run.sh [--only regress|isolation|tap]
#        TESTS="name1 name2" bash test/run.sh     # a subset, by file basename, any suite
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
RESULTS=$ROOT/test/results

ONLY=all
while (($#)); do
  case $1 in
    --only) ONLY=${2:-}; shift 2 || shift ;;
    --only=*) ONLY=${1#--only=}; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case $ONLY in all|regress|isolation|tap) ;; *) echo "run.sh: --only takes regress, isolation or tap" >&2; exit 2 ;; esac

PASSED=0 FAILED=0
finish() {
  if ((PASSED + FAILED == 0)); then
    echo "run.sh: no tests were run" >&2
    FAILED=1  # an empty run must not look like success
  fi
  echo "$PASSED passed, $FAILED failed"
  exit $((FAILED > 0 ? 1 : 0))
}
# A step that could not run at all (deps, build, install) counts as one failure.
abort() { echo "run.sh: $1 failed" >&2; FAILED=$((FAILED + 1)); finish; }

# Root runs servers as 'postgres' (PostgreSQL refuses root); anyone else runs them as themselves.
if [[ $(id -u) -eq 0 ]]; then RUN_AS=(runuser -u postgres --); else RUN_AS=(); fi
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "run.sh: '$*' needs root and sudo is not installed" >&2; return 1; fi
}
# Run a command as the unprivileged user, from the work dir (the repo may be unreadable to it).
as_user() { (cd "$W" && "${RUN_AS[@]}" env PATH="$BINDIR:$PATH" "$@"); }

echo "== dependencies"
bash scripts/deps.sh || abort "scripts/deps.sh"
BINDIR=$("$PG_CONFIG" --bindir)
PGXS_DIR=$(cd "$(dirname "$("$PG_CONFIG" --pgxs)")/../.." && pwd)
PG_REGRESS=$PGXS_DIR/src/test/regress/pg_regress
PG_ISOLATION_REGRESS=$PGXS_DIR/src/test/isolation/pg_isolation_regress

echo "== build"
make PG_CONFIG="$PG_CONFIG" || abort "build"
if [[ -w $("$PG_CONFIG" --pkglibdir) ]]; then
  make PG_CONFIG="$PG_CONFIG" install || abort "make install"
else
  as_root make PG_CONFIG="$PG_CONFIG" install || abort "make install"
fi

# Selected tests of one suite: dir, extension -> sorted basenames (TESTS filters by name).
pick() {
  local dir=$1 ext=$2 f n
  if [[ -n ${TESTS:-} ]]; then
    for n in $TESTS; do n=${n%."$ext"}; [[ -f $dir/$n.$ext ]] && echo "$n"; done
  else
    for f in "$dir"/*."$ext"; do [[ -e $f ]] && basename "$f" ".$ext"; done
  fi | LC_ALL=C sort -u
}
mapfile -t REGRESS < <(pick test/sql sql)
mapfile -t ISOLATION < <(pick test/specs spec)
mapfile -t TAP < <(pick test/t pl)

# A name in TESTS that matches no file is a typo, not a pass.
for n in ${TESTS:-}; do
  b=${n%.*}
  if [[ ! -f test/sql/$b.sql && ! -f test/specs/$b.spec && ! -f test/t/$b.pl ]]; then
    echo "run.sh: TESTS names '$n', which is in no suite" >&2
    FAILED=$((FAILED + 1))
  fi
done

# Private work dir laid out for pg_regress; /tmp so the unprivileged user can reach it.
W=$(mktemp -d /tmp/partman-test.XXXXXX)
cleanup() {
  trap - EXIT INT TERM
  set +e  # best effort: a failed copy must neither hide the result nor keep the work dir
  # Tools stop their servers themselves, but not when interrupted: stop any left behind.
  local pidfile
  while read -r pidfile; do
    as_user pg_ctl stop -D "$(dirname "$pidfile")" -m immediate >/dev/null 2>&1 || true
  done < <(find "$W" -name postmaster.pid 2>/dev/null)
  # Keep outputs and logs for inspection after the work dir is gone.
  rm -rf "$RESULTS" && mkdir -p "$RESULTS"
  [[ -d $W/out_regress ]] && cp -r "$W/out_regress" "$RESULTS/regress"
  [[ -d $W/out_isolation ]] && cp -r "$W/out_isolation" "$RESULTS/isolation"
  [[ -d $W/tap/tmp_check/log ]] && cp -r "$W/tap/tmp_check/log" "$RESULTS/tap"
  cp "$W"/tap_*.out "$RESULTS/" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$W"/{sql,expected,specs,t,tap,out_regress,out_isolation}
shopt -s nullglob
# copy_into DIR FILES...: copies nothing (and does not fail) when the glob is empty
copy_into() { local dir=$1; shift; (($#)) && cp "$@" "$dir/"; return 0; }
copy_into "$W/sql" test/sql/*.sql
copy_into "$W/expected" test/expected/*.out
copy_into "$W/specs" test/specs/*.spec
copy_into "$W/t" test/t/*.pl test/t/*.pm
shopt -u nullglob
cp test/partman.conf "$W/partman.conf"
[[ -f test/schedule ]] && cp test/schedule "$W/schedule"
# TAP tests get the sources via PARTMAN_SRC; copy them when the repo is not readable to the user.
PARTMAN_SRC=$ROOT
if ! as_user test -r "$ROOT/Makefile" 2>/dev/null; then
  mkdir "$W/src"
  tar -C "$ROOT" --exclude=./.git --exclude=./test/results -cf - . | tar -C "$W/src" -xf -
  PARTMAN_SRC=$W/src
fi
((${#RUN_AS[@]})) && chown -R postgres: "$W"

random_port() { echo $((20000 + RANDOM % 30000)); }

# pg_regress and pg_isolation_regress print one line per test ending in "ok" or "FAILED";
# a test that never got a line (tool died early) counts as failed, and so does a tool that
# exited non-zero without reporting any failure.
count_regress() {
  local log=$1 want=$2 rc=$3 ok bad
  ok=$(grep -cE '\.\.\. +(ok|failed \(ignored\))' "$log" || true)
  bad=$(grep -E '\.\.\. +(FAILED|failed)' "$log" | grep -vc 'failed (ignored)' || true)
  ((ok + bad < want)) && bad=$((want - ok))
  ((rc != 0 && bad == 0)) && bad=1
  PASSED=$((PASSED + ok)) FAILED=$((FAILED + bad))
  local diffs=$W/$4/regression.diffs server_log=$W/$4/log/postmaster.log
  if ((bad)) && [[ -s $diffs ]]; then
    echo "---- $4/regression.diffs (first 500 lines; all of it in test/results/) ----"
    head -n 500 "$diffs"
  fi
  # Exit status 2: the tool itself gave up (server would not start, crash, ...).
  if ((rc == 2)) && [[ -s $server_log ]]; then
    echo "---- end of $4/log/postmaster.log ----"
    tail -n 40 "$server_log"
  fi
  return 0
}

# Common pg_regress options: throwaway instance, C locale so expected output is stable.
regress_opts() {
  OPTS=(--temp-instance="$W/tmp_$1" --temp-config="$W/partman.conf" --bindir="$BINDIR"
    --inputdir="$W" --outputdir="$W/out_$1" --port="$(random_port)" --no-locale --encoding=UTF8)
}

if [[ $ONLY == all || $ONLY == regress ]] && ((${#REGRESS[@]})); then
  echo "== pg_regress"
  if [[ -f $W/schedule && -z ${TESTS:-} ]]; then
    args=(--schedule="$W/schedule")
    want=$(awk '/^[[:space:]]*test:/ { sub(/^[[:space:]]*test:/, ""); n += NF } END { print n + 0 }' "$W/schedule")
  else
    args=("${REGRESS[@]}") want=${#REGRESS[@]}
  fi
  rc=0
  regress_opts regress
  as_user "$PG_REGRESS" "${OPTS[@]}" --dbname=contrib_regression "${args[@]}" 2>&1 \
    | tee "$W/regress.log" || rc=$?
  count_regress "$W/regress.log" "$want" "$rc" out_regress
fi

if [[ $ONLY == all || $ONLY == isolation ]] && ((${#ISOLATION[@]})); then
  echo "== isolation"
  rc=0
  regress_opts isolation
  as_user "$PG_ISOLATION_REGRESS" "${OPTS[@]}" --dbname=isolation_regression \
    "${ISOLATION[@]}" 2>&1 | tee "$W/isolation.log" || rc=$?
  count_regress "$W/isolation.log" "${#ISOLATION[@]}" "$rc" out_isolation
fi

if [[ $ONLY == all || $ONLY == tap ]] && ((${#TAP[@]})); then
  echo "== TAP"
  # One prove per file so each file is one test with its own exit status.
  for t in "${TAP[@]}"; do
    rc=0
    as_user env PG_REGRESS="$PG_REGRESS" TESTDIR="$W/tap" PG_CONFIG="$PG_CONFIG" \
      PARTMAN_SRC="$PARTMAN_SRC" prove -I "$PGXS_DIR/src/test/perl" -I "$W/t" "t/$t.pl" \
      >"$W/tap_$t.out" 2>&1 || rc=$?
    if ((rc == 0)); then
      PASSED=$((PASSED + 1)); echo "tap $t ... ok"
    else
      FAILED=$((FAILED + 1)); echo "tap $t ... FAILED"
      echo "---- prove output ----"; cat "$W/tap_$t.out"
      log=$W/tap/tmp_check/log/regress_log_$t
      [[ -f $log ]] && { echo "---- end of $log (all of it in test/results/tap/) ----"; tail -n 100 "$log"; }
    fi
  done
fi

finish
