#!/usr/bin/env bash
# partman's test command (`make test`, and so CI): installs what is missing, builds with
# warnings as errors, installs, then runs the Makefile's REGRESS, ISOLATION and TAP suites
# with PGXS's `make installcheck` (each on throwaway clusters) as an unprivileged user.
# The last line is always "N passed, N failed".
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
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
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

echo "== dependencies"
bash scripts/deps.sh || abort "scripts/deps.sh"

echo "== build"
make PG_CONFIG="$PG_CONFIG" || abort "build"
if [[ -w $("$PG_CONFIG" --pkglibdir) ]]; then
  make PG_CONFIG="$PG_CONFIG" install || abort "make install"
else
  as_root make PG_CONFIG="$PG_CONFIG" install || abort "make install"
fi

# The suites' tests, from the Makefile (REGRESS, ISOLATION, PROVE_TESTS).
LISTS=$(make -s PG_CONFIG="$PG_CONFIG" list-tests) || abort "make list-tests"
list_of() { sed -n "s/^$1: //p" <<<"$LISTS" | tr ' ' '\n' | sed '/^$/d'; }
# Selected tests of one suite (TESTS filters by name).
pick() {
  local n
  if [[ -n ${TESTS:-} ]]; then
    for n in $TESTS; do n=${n%.*}; list_of "$1" | grep -qxF "$n" && echo "$n"; done | LC_ALL=C sort -u
  else
    list_of "$1"
  fi
}
mapfile -t REGRESS < <(pick regress)
mapfile -t ISOLATION < <(pick isolation)
mapfile -t TAP < <(pick tap)

# A name in TESTS that matches no test is a typo, not a pass.
for n in ${TESTS:-}; do
  b=${n%.*}
  if ! list_of regress | grep -qxF "$b" && ! list_of isolation | grep -qxF "$b" &&
     ! list_of tap | grep -qxF "$b"; then
    echo "run.sh: TESTS names '$n', which is in no suite" >&2
    FAILED=$((FAILED + 1))
  fi
done

# A private copy of the tree for `make installcheck`, in /tmp so the unprivileged user can
# reach it and write its results there, not into the repository.
W=$(mktemp -d /tmp/partman-test.XXXXXX)
T=$W/src
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
  [[ -d $T/results ]] && mkdir -p "$RESULTS/regress" && cp -r "$T/results" "$T/log" "$RESULTS/regress/" 2>/dev/null
  [[ -f $T/regression.diffs ]] && cp "$T/regression.diffs" "$RESULTS/regress/"
  [[ -d $T/output_iso ]] && cp -r "$T/output_iso" "$RESULTS/isolation"
  [[ -d $W/tap ]] && cp -r "$W/tap" "$RESULTS/tap"
  cp "$W"/*.out "$RESULTS/" 2>/dev/null || true
  rm -rf "$W"
}
BINDIR=$("$PG_CONFIG" --bindir)
# Run a command as the unprivileged user, from the copy.
as_user() { (cd "$T" && "${RUN_AS[@]}" env PATH="$BINDIR:$PATH" "$@"); }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$T" "$W/tap"
tar -C "$ROOT" --exclude=./.git --exclude=./test/results --exclude='*.o' --exclude='*.bc' \
  --exclude='*.so' -cf - . | tar -C "$T" -xf -
((${#RUN_AS[@]})) && chown -R postgres: "$W"
# `make installcheck` of the copy for the suites whose lists are given (others empty).
installcheck() {
  as_user make -s PG_CONFIG="$PG_CONFIG" installcheck "$@"
}

random_port() { echo $((20000 + RANDOM % 30000)); }

# pg_regress and pg_isolation_regress print one line per test ending in "ok" or "FAILED";
# a test that never got a line (tool died early) counts as failed, and so does a tool that
# exited non-zero without reporting any failure.
count_regress() {
  local log=$1 want=$2 rc=$3 outdir=$4 ok bad
  ok=$(grep -cE '\.\.\. +(ok|failed \(ignored\))' "$log" || true)
  bad=$(grep -E '\.\.\. +(FAILED|failed)' "$log" | grep -vc 'failed (ignored)' || true)
  ((ok + bad < want)) && bad=$((want - ok))
  ((rc != 0 && bad == 0)) && bad=1
  PASSED=$((PASSED + ok)) FAILED=$((FAILED + bad))
  local diffs=$outdir/regression.diffs server_log=$outdir/log/postmaster.log
  if ((bad)) && [[ -s $diffs ]]; then
    echo "---- regression.diffs (first 500 lines; all of it in test/results/) ----"
    head -n 500 "$diffs"
  fi
  # Exit status 2 of the tool: it gave up (server would not start, crash, ...).
  if ((bad)) && [[ -s $server_log ]]; then
    echo "---- end of postmaster.log ----"
    tail -n 40 "$server_log"
  fi
  return 0
}

if [[ $ONLY == all || $ONLY == regress ]] && ((${#REGRESS[@]})); then
  echo "== pg_regress"
  rc=0
  installcheck REGRESS="${REGRESS[*]}" ISOLATION= TAP_TESTS= \
    EXTRA_REGRESS_OPTS="--port=$(random_port)" 2>&1 | tee "$W/regress.out" || rc=$?
  count_regress "$W/regress.out" "${#REGRESS[@]}" "$rc" "$T"
fi

if [[ $ONLY == all || $ONLY == isolation ]] && ((${#ISOLATION[@]})); then
  echo "== isolation"
  rc=0
  installcheck REGRESS= ISOLATION="${ISOLATION[*]}" TAP_TESTS= \
    EXTRA_REGRESS_OPTS="--port=$(random_port)" 2>&1 | tee "$W/isolation.out" || rc=$?
  count_regress "$W/isolation.out" "${#ISOLATION[@]}" "$rc" "$T/output_iso"
fi

if [[ $ONLY == all || $ONLY == tap ]] && ((${#TAP[@]})); then
  echo "== TAP"
  # One installcheck per file so each file is one test with its own exit status
  # (installcheck empties tmp_check first: keep each file's logs).
  for t in "${TAP[@]}"; do
    rc=0
    installcheck REGRESS= ISOLATION= PROVE_TESTS="test/t/$t.pl" >"$W/tap_$t.out" 2>&1 || rc=$?
    [[ -d $T/tmp_check/log ]] && cp -r "$T/tmp_check/log" "$W/tap/$t"
    if ((rc == 0)); then
      PASSED=$((PASSED + 1)); echo "tap $t ... ok"
    else
      FAILED=$((FAILED + 1)); echo "tap $t ... FAILED"
      echo "---- prove output ----"; cat "$W/tap_$t.out"
      log=$W/tap/$t/regress_log_$t
      [[ -f $log ]] && { echo "---- end of $log (all of it in test/results/tap/) ----"; tail -n 100 "$log"; }
    fi
  done
fi

finish
