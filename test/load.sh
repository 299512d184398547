#!/usr/bin/env bash
# partman under load (`make load`): pgbench clients insert, read points and read
# ranges of a daily set, once without maintenance and once while run_maintenance
# runs in a loop next to the background worker, with partman.simulated_now
# advancing 6 hours a second so that every loop premakes partitions, rescues rows
# parked in the default partition and archives partitions past retention.
#
# Checks: zero client errors; no row lost or doubled (every inserted id is, exactly
# once, either in the set or in an archived partition, and the archived ids are
# exactly those that retention removed); the clients' p99 latency with maintenance
# is at most partman.lock_timeout above the p99 without.  Prints the figures and
# exits non-zero when a check fails.  Loopback only (a unix socket), bounded in time.
#
# Usage: [PG_CONFIG=...] [CLIENTS=8] [DURATION=60] bash test/load.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-60}
LOCK_TIMEOUT_MS=1000
BINDIR=$("$PG_CONFIG" --bindir)

if [[ $(id -u) -eq 0 ]]; then RUN_AS=(runuser -u postgres --); else RUN_AS=(); fi
W=$(mktemp -d /tmp/partman-load.XXXXXX)
((${#RUN_AS[@]})) && chown postgres: "$W"
as_user() { (cd "$W" && "${RUN_AS[@]}" env PATH="$BINDIR:$PATH" "$@"); }
PORT=$((56000 + RANDOM % 1000))
export PGHOST=$W PGPORT=$PORT PGDATABASE=postgres PGUSER=postgres
((${#RUN_AS[@]})) || PGUSER=$(id -un)
cleanup() {
  set +e
  [[ -n ${LOOP_PID:-} ]] && kill "$LOOP_PID" 2>/dev/null
  as_user pg_ctl stop -D "$W/data" -m immediate >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT

echo "== build and install"
make -C "$ROOT" PG_CONFIG="$PG_CONFIG" >/dev/null
if [[ -w $("$PG_CONFIG" --pkglibdir) ]]; then make -C "$ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null
else sudo make -C "$ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null; fi

echo "== cluster"
as_user initdb -D "$W/data" -A trust -U "$PGUSER" >/dev/null
cat >>"$W/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$W'
port = $PORT
shared_preload_libraries = 'partman'
max_connections = 50
max_worker_processes = 16
max_locks_per_transaction = 256
partman.lock_timeout = $LOCK_TIMEOUT_MS
partman.bgw_max_workers = 0
partman.bgw_interval = 1
partman.simulated_now = '2024-06-01 00:00+00'
EOF
as_user pg_ctl start -D "$W/data" -l "$W/server.log" -w >/dev/null
q() { "$BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

q >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION partman;
CREATE SCHEMA load;
CREATE SCHEMA load_archive;
CREATE TABLE load.events (id bigint NOT NULL, ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
CREATE INDEX ON load.events (id);
SELECT partman.create_parent('load.events', '1 day', premake => 2, start_partition => '2024-05-25',
                             retention => '4 days', retention_action => 'archive',
                             retention_schema => 'load_archive');
-- every id a client inserts, outside the set: what must be found at the end
CREATE TABLE load.inserted (id bigint PRIMARY KEY, ts timestamptz NOT NULL);
CREATE SEQUENCE load.ids;
-- the clients' clock: partman.simulated_now, advanced by the maintenance loop
CREATE TABLE load.clock (now timestamptz NOT NULL);
INSERT INTO load.clock VALUES ('2024-06-01 00:00+00');
INSERT INTO load.inserted SELECT nextval('load.ids'), timestamptz '2024-05-25' + g * interval '1 minute'
  FROM generate_series(1, 10080) g;
INSERT INTO load.events SELECT id, ts, 0 FROM load.inserted;
ANALYZE;
SQL

# Inserts: a time within the next 4 days of the clock (premake is 2 days, so some
# rows park in the default partition until maintenance catches up and rescues them).
cat >"$W/insert.sql" <<'EOF'
\set s random(0, 345599)
WITH n AS (SELECT nextval('load.ids') AS id, c.now + :s * interval '1 second' AS ts FROM load.clock c),
     l AS (INSERT INTO load.inserted SELECT id, ts FROM n)
INSERT INTO load.events SELECT id, ts, 1 FROM n;
EOF
cat >"$W/point.sql" <<'EOF'
\set id random(1, 10080)
SELECT * FROM load.events WHERE ts = timestamptz '2024-05-25' + :id * interval '1 minute' AND id = :id;
EOF
cat >"$W/range.sql" <<'EOF'
\set h random(0, 47)
SELECT count(*), max(v) FROM load.events
 WHERE ts >= (SELECT now FROM load.clock) + :h * interval '1 hour'
   AND ts < (SELECT now FROM load.clock) + (:h + 1) * interval '1 hour';
EOF

# run_bench NAME: pgbench for DURATION seconds; prints "tps p99_ms failed"
run_bench() {
  local name=$1 rc=0
  mkdir -p "$W/$name" && ((${#RUN_AS[@]})) && chown postgres: "$W/$name"
  (cd "$W/$name" && "$BINDIR/pgbench" -n -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" -l \
      -f "$W/insert.sql@5" -f "$W/point.sql@3" -f "$W/range.sql@2" >"$W/$name.out" 2>&1) || rc=$?
  local tps p99 failed aborted
  tps=$(sed -n 's/^tps = \([0-9]*\).*/\1/p' "$W/$name.out" | head -n 1)
  # per-transaction log: client, tx, latency (us), script, epoch, us
  p99=$(cat "$W/$name"/pgbench_log.* | awk '{ print $3 }' | LC_ALL=C sort -n |
        awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f", v[i] / 1000 }')
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$W/$name.out")
  aborted=$(grep -c 'aborted\|ERROR' "$W/$name.out" || true)
  ((rc == 0)) || aborted=$((aborted + 1))
  echo "$tps $p99 $((${failed:-0} + aborted))"
}

echo "== run 1: $CLIENTS clients for ${DURATION}s, no maintenance"
read -r TPS1 P99_1 ERR1 < <(run_bench base)
echo "tps $TPS1, p99 ${P99_1} ms, errors $ERR1"

echo "== run 2: $CLIENTS clients for ${DURATION}s, run_maintenance in a loop and the worker"
q -c "ALTER SYSTEM SET partman.bgw_max_workers = 1" -c "SELECT pg_reload_conf()" >/dev/null
(
  t=$(q -c "SELECT now FROM load.clock")
  while true; do
    t=$(q -c "SELECT '$t'::timestamptz + interval '6 hours'")
    q -c "ALTER SYSTEM SET partman.simulated_now = '$t'" -c "SELECT pg_reload_conf()" \
      -c "UPDATE load.clock SET now = '$t'" >/dev/null
    q -c "SET client_min_messages = warning" -c "SET partman.simulated_now = '$t'" \
      -c "CALL partman.run_maintenance()" >>"$W/maintenance.out" 2>&1 || echo "run_maintenance failed" >>"$W/maintenance.out"
    echo x >>"$W/loops"
    sleep 1
  done
) &
LOOP_PID=$!
read -r TPS2 P99_2 ERR2 < <(run_bench maint)
kill "$LOOP_PID" 2>/dev/null; wait "$LOOP_PID" 2>/dev/null || true; LOOP_PID=
LOOPS=$(wc -l <"$W/loops")
echo "tps $TPS2, p99 ${P99_2} ms, errors $ERR2; $LOOPS maintenance loops"

# A last maintenance (no clients) so the default partition is empty, then the check by id.
T=$(q -c "SELECT now FROM load.clock")
q -c "SET client_min_messages = warning" -c "SET partman.simulated_now = '$T'" -c "CALL partman.run_maintenance()" >/dev/null
q -c "SELECT pg_catalog.pg_reload_conf()" >/dev/null
read -r INSERTED IN_SET ARCHIVED ARCHIVED_TABLES MISSING DOUBLED STRAY < <(q -F ' ' <<'SQL'
CREATE TEMP TABLE archived (id bigint, ts timestamptz);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t FROM pg_class c
            WHERE c.relnamespace = 'load_archive'::regnamespace AND c.relkind = 'r' LOOP
    EXECUTE format('INSERT INTO archived SELECT id, ts FROM %s', r.t);
  END LOOP;
END $$;
WITH everywhere AS (SELECT id FROM load.events UNION ALL SELECT id FROM archived)
SELECT (SELECT count(*) FROM load.inserted),
       (SELECT count(*) FROM load.events),
       (SELECT count(*) FROM archived),
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'load_archive'::regnamespace AND relkind = 'r'),
       (SELECT count(*) FROM load.inserted i WHERE NOT EXISTS (SELECT FROM everywhere e WHERE e.id = i.id)),
       (SELECT count(*) FROM (SELECT id FROM everywhere GROUP BY id HAVING count(*) > 1) d),
       (SELECT count(*) FROM everywhere e WHERE NOT EXISTS (SELECT FROM load.inserted i WHERE i.id = e.id));
SQL
)
# archived ids are exactly the inserted ids older than the oldest partition left
WRONG_ARCHIVE=$(q -c "
CREATE TEMP TABLE archived (id bigint);
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT c.oid::regclass AS t FROM pg_class c
            WHERE c.relnamespace = 'load_archive'::regnamespace AND c.relkind = 'r' LOOP
    EXECUTE format('INSERT INTO archived SELECT id FROM %s', r.t);
  END LOOP; END \$\$;
SELECT count(*) FROM load.inserted i
 WHERE (i.ts < (SELECT min(range_from::timestamptz) FROM partman.show_partitions('load.events') WHERE NOT is_default))
       IS DISTINCT FROM (i.id IN (SELECT id FROM archived))")
DEFAULT_LEFT=$(q -c "SELECT count(*) FROM ONLY load.events_default")
LAST_ERRORS=$(q -c "SELECT count(*) FROM partman.part_config WHERE last_error IS NOT NULL")
FAILED_RUNS=$(grep -c 'failed\|ERROR' "$W/maintenance.out" || true)
CRASHES=$(grep -cE 'terminated by signal|PANIC:|TRAP:' "$W/server.log" || true)
LOGGED=$(q -c "SELECT string_agg(action || ' ' || outcome || ' ' || n, ', ' ORDER BY action, outcome) FROM
  (SELECT action, outcome, count(*) AS n FROM partman.maintenance_log GROUP BY 1, 2) x")
LIMIT=$(awk -v a="$P99_1" -v b="$LOCK_TIMEOUT_MS" 'BEGIN { printf "%.1f", a + b }')

cat <<EOF

== figures ($CLIENTS clients, ${DURATION}s per run, $(nproc) CPUs)
without maintenance: ${TPS1} tps, p99 ${P99_1} ms, client errors ${ERR1}
with maintenance:    ${TPS2} tps, p99 ${P99_2} ms, client errors ${ERR2} (limit ${LIMIT} ms = p99 without + lock_timeout)
maintenance loops: ${LOOPS} (simulated time advanced $((LOOPS * 6)) hours), failed runs ${FAILED_RUNS}, sets with last_error ${LAST_ERRORS}
maintenance_log: ${LOGGED}
rows checked by id: inserted ${INSERTED} = in the set ${IN_SET} + archived by retention ${ARCHIVED} (${ARCHIVED_TABLES} partitions)
missing ${MISSING}, doubled ${DOUBLED}, unknown ${STRAY}, archived ids not exactly those past retention ${WRONG_ARCHIVE}
rows in the default partition at the end: ${DEFAULT_LEFT} (dated beyond the premade partitions, as inserted)
server crashes in the log: ${CRASHES}
EOF

FAIL=0
check() { if eval "$1"; then echo "ok   - $2"; else echo "FAIL - $2"; FAIL=1; fi; }
check "((ERR1 == 0 && ERR2 == 0))" "zero client errors"
check "((MISSING == 0 && DOUBLED == 0 && STRAY == 0 && WRONG_ARCHIVE == 0))" "no row lost or doubled"
check "((INSERTED == IN_SET + ARCHIVED))" "inserted = in the set + archived"
check "((ARCHIVED > 0 && LOOPS >= 3))" "retention archived partitions during the run"
check "((FAILED_RUNS == 0 && LAST_ERRORS == 0 && CRASHES == 0))" "maintenance never failed, server never crashed"
check "awk -v a='$P99_2' -v l='$LIMIT' 'BEGIN { exit !(a <= l) }'" "p99 with maintenance <= p99 without + lock_timeout"
exit $FAIL
