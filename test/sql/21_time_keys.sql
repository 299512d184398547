-- Keys that hold time: RANGE sets by time on a uuid key holding UUIDv7 values,
-- and on integer keys holding Unix epoch seconds or milliseconds
-- (create_parent's epoch).  interval, time_zone, names, premake from now and
-- retention behave as for timestamptz sets; bounds are the key's form of the
-- grid's instants.  Bounds are shown decoded, in the set's zone.
CREATE SCHEMA tk;
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET TimeZone = 'UTC';

-- UUIDv7 values built from a timestamp (PostgreSQL 15 has no uuidv7()): the
-- 48-bit millisecond timestamp, version 7, then n in the random bits.
CREATE FUNCTION tk.uuidv7_at(t timestamptz, n bigint DEFAULT 0) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(overlay(overlay(decode(lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') ||
                                       lpad(to_hex(n), 20, '0'), 'hex')
                                PLACING '\x70'::bytea FROM 7 FOR 1)
                        PLACING '\x80'::bytea FROM 9 FOR 1), 'hex')::uuid
$$;
-- the instant of a UUIDv7 (its 48-bit timestamp)
CREATE FUNCTION tk.uuid_time(u uuid) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
  SELECT to_timestamp(('x' || substr(replace(u::text, '-', ''), 1, 12))::bit(48)::bigint / 1000.0)
$$;
-- a set's partitions with their bounds decoded in zone
CREATE FUNCTION tk.parts(p regclass, zone text)
RETURNS TABLE(partition regclass, range_from text, range_to text, from_local timestamp, hours interval)
LANGUAGE sql AS $$
  SELECT s.partition, s.range_from, s.range_to, f AT TIME ZONE zone, t - f
    FROM partman.show_partitions(p) s,
         LATERAL (SELECT CASE WHEN s.range_from ~ '-' THEN tk.uuid_time(s.range_from::uuid)
                              WHEN c.epoch = 'milliseconds' THEN to_timestamp(s.range_from::numeric / 1000)
                              ELSE to_timestamp(s.range_from::numeric) END AS f,
                         CASE WHEN s.range_to ~ '-' THEN tk.uuid_time(s.range_to::uuid)
                              WHEN c.epoch = 'milliseconds' THEN to_timestamp(s.range_to::numeric / 1000)
                              ELSE to_timestamp(s.range_to::numeric) END AS t
                    FROM partman.part_config c WHERE c.parent = p) b
   WHERE NOT s.is_default
   ORDER BY f
$$;
-- minutes of [from_ts, to_ts) that no partition (other than the default) holds
CREATE FUNCTION tk.uncovered(p regclass, from_ts timestamptz, to_ts timestamptz, encode text)
RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM generate_series(from_ts, to_ts - interval '1 minute', interval '1 minute') t
   WHERE coalesce(partman.partition_for(p,
           CASE encode WHEN 'uuid' THEN tk.uuidv7_at(t, 42)::text
                       WHEN 'seconds' THEN extract(epoch FROM t)::bigint::text
                       ELSE (extract(epoch FROM t) * 1000)::bigint::text END)::text, 'default') LIKE '%default'
$$;

SELECT tk.uuidv7_at('2024-03-31 01:10+00', 5) AS v7, tk.uuid_time(tk.uuidv7_at('2024-03-31 01:10:00.123+00'));

-- 1. UUIDv7, hourly, Europe/Berlin on its spring change (2024-03-31 02:00 CET
-- -> 03:00 CEST): no partition for the hour that does not happen.
SET partman.simulated_now = '2024-03-30 23:30:00+00';  -- 00:30 CET
CREATE TABLE tk.events (id uuid NOT NULL, payload int) PARTITION BY RANGE (id);
SELECT partman.create_parent('tk.events', '1 hour', premake => 4, time_zone => 'Europe/Berlin');
SELECT * FROM tk.parts('tk.events', 'Europe/Berlin');
SELECT tk.uncovered('tk.events', '2024-03-30 23:00+00', '2024-03-31 04:00+00', 'uuid') AS minutes_uncovered;
SELECT partman.partition_for('tk.events', tk.uuidv7_at('2024-03-31 00:59:59.999+00')::text) AS last_ms_of_01,
       partman.partition_for('tk.events', tk.uuidv7_at('2024-03-31 01:00+00')::text) AS first_ms_of_03;
SELECT key, "interval", time_zone, epoch FROM partman.part_config WHERE parent = 'tk.events'::regclass;

-- 2. UUIDv7, daily, America/New_York on its autumn change (2024-11-03 has 25 hours)
SET partman.simulated_now = '2024-11-02 12:00:00+00';
CREATE TABLE tk.orders (id uuid PRIMARY KEY, amount numeric) PARTITION BY RANGE (id);
SELECT partman.create_parent('tk.orders', '1 day', premake => 2, time_zone => 'America/New_York');
SELECT * FROM tk.parts('tk.orders', 'America/New_York');
SELECT tk.uncovered('tk.orders', '2024-11-02 04:00+00', '2024-11-05 05:00+00', 'uuid') AS minutes_uncovered;

-- 3. partition_data: rows parked in the default partition move to the
-- partitions of their time, created as needed; counts and checksums match.
INSERT INTO tk.orders
SELECT tk.uuidv7_at('2024-10-28 00:00+00'::timestamptz + g * interval '17 minutes', g), g
  FROM generate_series(0, 999) g;
CREATE TABLE tk.before AS
SELECT count(*) AS n, sum(amount) AS amounts, md5(string_agg(id::text || ':' || amount, ',' ORDER BY id)) AS checksum
  FROM tk.orders;
SELECT count(*) AS in_default FROM ONLY tk.orders_default;
SET client_min_messages = warning;  -- progress NOTICEs carry timings
CALL partman.partition_data('tk.orders', batch_rows => 300);
RESET client_min_messages;
SELECT count(*) AS in_default FROM ONLY tk.orders_default;
SELECT (SELECT count(*) FROM tk.orders) = b.n AS same_count,
       (SELECT md5(string_agg(id::text || ':' || amount, ',' ORDER BY id)) FROM tk.orders) = b.checksum AS same_checksum
  FROM tk.before b;
-- every row sits in the partition of its time
SELECT count(*) AS misplaced FROM tk.orders o
 WHERE o.tableoid <> partman.partition_for('tk.orders', o.id::text);
SELECT tableoid::regclass AS partition, count(*), min(tk.uuid_time(id)) AT TIME ZONE 'America/New_York' AS first_local
  FROM tk.orders GROUP BY 1 ORDER BY 3 LIMIT 4;

-- 4. premake from now and retention by time
SELECT partman.set_config('tk.orders', 'retention', '10 days');
SET partman.simulated_now = '2024-11-12 12:00:00+00';
SELECT action, partition, reason FROM partman.maintenance_plan('tk.orders') WHERE action <> 'drop' ORDER BY partition;
SELECT count(*) FILTER (WHERE action = 'drop') AS drops,
       min(partition) FILTER (WHERE action = 'drop') AS first_drop, max(partition) FILTER (WHERE action = 'drop') AS last_drop
  FROM partman.maintenance_plan('tk.orders');
CALL partman.run_maintenance('tk.orders');
SELECT min(from_local) AS oldest, max(from_local) AS newest, count(*) FROM tk.parts('tk.orders', 'America/New_York');
SELECT parent, partitions, future_partitions, status FROM partman.sets WHERE parent = 'tk.orders'::regclass;
SELECT count(*) AS rows_left FROM tk.orders;

-- 5. Epoch seconds on an integer key, daily in Europe/Berlin (2024-03-31 has 23 hours)
SET partman.simulated_now = '2024-03-30 12:00:00+00';
CREATE TABLE tk.readings (at int NOT NULL, v int) PARTITION BY RANGE (at);
SELECT partman.create_parent('tk.readings', '1 day', premake => 2, time_zone => 'Europe/Berlin', epoch => 'seconds');
SELECT * FROM tk.parts('tk.readings', 'Europe/Berlin');
SELECT tk.uncovered('tk.readings', '2024-03-29 23:00+00', '2024-04-01 22:00+00', 'seconds') AS minutes_uncovered;
-- rescue: maintenance moves rows that block a new partition out of the default
INSERT INTO tk.readings VALUES (extract(epoch FROM timestamptz '2024-04-02 10:00+00')::int, 1);
SET partman.simulated_now = '2024-03-31 12:00:00+00';
SELECT action, partition, reason FROM partman.maintenance_plan('tk.readings');
CALL partman.run_maintenance('tk.readings');
SELECT tableoid::regclass, * FROM tk.readings;

-- 6. Epoch milliseconds on a bigint key, 6-hourly in UTC, with retention
CREATE TABLE tk.clicks (ms bigint NOT NULL) PARTITION BY RANGE (ms);
SELECT partman.create_parent('tk.clicks', '6 hours', premake => 1, epoch => 'milliseconds', retention => '12 hours');
SELECT * FROM tk.parts('tk.clicks', 'UTC');
INSERT INTO tk.clicks SELECT (extract(epoch FROM timestamptz '2024-03-30 00:00+00') * 1000)::bigint + g * 3600000 FROM generate_series(0, 47) g;
SET client_min_messages = warning;
CALL partman.partition_data('tk.clicks');
RESET client_min_messages;
SELECT partition, range_from, range_to, from_local FROM tk.parts('tk.clicks', 'UTC');
SET partman.simulated_now = '2024-04-01 06:30:00+00';
CALL partman.run_maintenance('tk.clicks');
SELECT partition, from_local FROM tk.parts('tk.clicks', 'UTC');
SELECT count(*), min(to_timestamp(ms / 1000.0)) FROM tk.clicks;

-- 7. Bad input: a specific SQLSTATE and a clear message each (every call is
-- rolled back, so one cannot change what the next one meets)
CREATE FUNCTION tk.try(call text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE call;
    RAISE EXCEPTION USING ERRCODE = 'PMOK0', MESSAGE = 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
CREATE TABLE tk.ts (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE tk.u (id uuid NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE tk.s (id smallint NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE tk.i (id int NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE tk.txt (id text NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE tk.l (id bigint NOT NULL) PARTITION BY LIST (id);
SELECT call, tk.try(call) FROM (VALUES
  ($$SELECT partman.create_parent('tk.ts', '1 day', epoch => 'seconds')$$),
  ($$SELECT partman.create_parent('tk.u', '1 day', epoch => 'milliseconds')$$),
  ($$SELECT partman.create_parent('tk.txt', '1 day', epoch => 'seconds')$$),
  ($$SELECT partman.create_parent('tk.u')$$),
  ($$SELECT partman.create_parent('tk.u', '1000')$$),
  ($$SELECT partman.create_parent('tk.u', '1 day', retention => '-7 days')$$),
  ($$SELECT partman.create_parent('tk.u', '1 day', time_zone => 'Mars/Olympus')$$),
  ($$SELECT partman.create_parent('tk.u', '1 day')$$),
  ($$SELECT partman.create_parent('tk.i', '100', epoch => 'seconds')$$),
  ($$SELECT partman.create_parent('tk.i', '1 day', epoch => 'milliseconds')$$),
  ($$SELECT partman.create_parent('tk.s', '1 day', epoch => 'seconds')$$),
  ($$SELECT partman.create_parent('tk.i', '1 day', epoch => 'minutes')$$),
  ($$SELECT partman.create_parent('tk.i', '1 day', epoch => 'seconds', retention => 'forever')$$),
  ($$SELECT partman.create_parent('tk.i', '1 day', epoch => 'seconds')$$),
  ($$SELECT partman.create_parent('tk.l', list_values => '{"a": [1]}', epoch => 'seconds')$$),
  ($$SELECT partman.set_config('tk.readings', 'epoch', 'milliseconds')$$),
  ($$UPDATE partman.part_config SET epoch = 'milliseconds' WHERE parent = 'tk.readings'::regclass$$),
  ($$SELECT partman.partition_for('tk.events', 'not-a-uuid')$$)
) c(call);
-- nothing was registered by the failed calls
SELECT parent, epoch FROM partman.part_config WHERE parent::text LIKE 'tk.%' ORDER BY 1;

-- 8. Pruning: PostgreSQL prunes a uuid key against a UUIDv7 constant at plan
-- time, and against a function of now() when execution starts.
SET partman.simulated_now = '2024-11-12 12:00:00+00';
SELECT relation, partitions_total, partitions_scanned, pruning, reason
  FROM partman.explain_pruning($$SELECT * FROM tk.orders WHERE id >= '0192f7a0-0000-0000-0000-000000000000'$$);
SELECT relation, partitions_total, partitions_scanned, pruning, reason
  FROM partman.explain_pruning($$SELECT * FROM tk.orders WHERE id >= tk.uuidv7_at(now() - interval '1 day')$$);
-- partman.uuid7_floor(t) is the UUIDv7 to compare such a key with
SELECT relation, partitions_total, pruning, reason
  FROM partman.explain_pruning($$SELECT * FROM tk.orders WHERE id >= partman.uuid7_floor(now() - interval '1 day')$$);
SELECT partman.uuid7_floor('2024-11-12 00:00+00') AS floor_of_nov_12,
       partman.partition_for('tk.orders', partman.uuid7_floor('2024-11-12 12:00+00')::text) AS its_partition;
-- a function of time applied to the key, or the key compared with a number
-- of another type, cannot prune: the hint says how to compare the key itself
SELECT relation, reason, substring(hint FROM '[^ ]+ holds .*') AS time_advice
  FROM partman.explain_pruning($$SELECT * FROM tk.orders WHERE tk.uuid_time(id) >= now() - interval '1 day'$$);
SELECT relation, reason, substring(hint FROM '[^ ]+ holds .*') AS time_advice
  FROM partman.explain_pruning($$SELECT * FROM tk.readings WHERE to_timestamp(at) >= now() - interval '1 day'$$);
SELECT relation, reason, substring(hint FROM '[^ ]+ holds .*') AS time_advice
  FROM partman.explain_pruning($$SELECT * FROM tk.clicks WHERE ms >= extract(epoch FROM now() - interval '1 day') * 1000$$);
-- the advice as written prunes (when execution starts)
SELECT relation, pruning, reason
  FROM partman.explain_pruning($$SELECT * FROM tk.clicks WHERE ms >= (extract(epoch FROM now() - interval '1 day') * 1000)::bigint$$);

-- 9. Times as input: on these keys partition_for, create_partition and
-- create_parent's start_partition take an ISO date and time too (read in the
-- set's zone), and mean the key's value of that instant; a key value still
-- reads as one.
SELECT partman.partition_for('tk.events', '2024-03-31 03:30') AS berlin_0330,
       partman.partition_for('tk.events', tk.uuidv7_at('2024-03-31 01:30+00')::text) AS same_as_uuid,
       partman.partition_for('tk.readings', '2024-04-01 00:00') AS berlin_midnight,
       partman.partition_for('tk.readings', (extract(epoch FROM timestamptz '2024-03-31 22:00+00'))::int::text) AS same_as_seconds,
       partman.partition_for('tk.clicks', '2024-04-01 12:00+00') AS clicks_noon;
SELECT partman.create_partition('tk.events', '2024-04-10 00:00', '2024-04-10 01:00');
SELECT partition, from_local, hours FROM tk.parts('tk.events', 'Europe/Berlin') WHERE partition::text LIKE '%20240410%';
CREATE TABLE tk.later (id uuid NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('tk.later', '1 day', premake => 0, start_partition => '2024-11-10', time_zone => 'UTC');
SELECT partition, from_local FROM tk.parts('tk.later', 'UTC');
SELECT partman.partition_for('tk.later', '2024-11-10T25:00');

-- 10. partition_table with epoch: plain tables whose integer keys hold epoch
-- milliseconds (bigint) and seconds (int), converted online into daily
-- partitions.  No row moves (count and checksum before and after are equal),
-- the bounds are the epoch values of midnights (UTC), and the set keeps its
-- epoch.  The same bad epochs as create_parent's are refused, with nothing
-- changed.
CREATE TABLE tk.pt_ms (at_ms bigint NOT NULL, v int);
INSERT INTO tk.pt_ms SELECT (extract(epoch FROM timestamptz '2024-06-10 00:00+00') * 1000)::bigint + g * 2220000, g
  FROM generate_series(0, 300) g;                  -- every 37 minutes from 2024-06-10
CREATE TABLE tk.pt_s (at int NOT NULL, v text);
INSERT INTO tk.pt_s SELECT extract(epoch FROM timestamptz '2024-06-12 00:00+00')::int + g * 3599, g::text
  FROM generate_series(0, 99) g;
CREATE TABLE tk.pt_before AS
SELECT 'ms' AS t, count(*) AS n, md5(string_agg(r::text, ',' ORDER BY r.at_ms, r.v)) AS sum FROM tk.pt_ms r
UNION ALL
SELECT 's', count(*), md5(string_agg(r::text, ',' ORDER BY r.at, r.v)) FROM tk.pt_s r;
-- bad epochs (the messages and SQLSTATEs of create_parent): the tables stay plain
\set VERBOSITY terse
CALL partman.partition_table('tk.pt_s', 'at', '1 day', epoch => 'minutes');
\echo :LAST_ERROR_SQLSTATE
CALL partman.partition_table('tk.pt_s', 'at', '1 day', epoch => 'milliseconds');
\echo :LAST_ERROR_SQLSTATE
CALL partman.partition_table('tk.pt_ms', 'at_ms', '100000', epoch => 'milliseconds');
\echo :LAST_ERROR_SQLSTATE
CALL partman.partition_table('tk.pt_ms', 'at_ms', '1 day');
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tk.pt_ts (ts timestamptz NOT NULL);
CALL partman.partition_table('tk.pt_ts', 'ts', '1 day', epoch => 'seconds');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT relname, relkind, (SELECT count(*) FROM pg_constraint WHERE conrelid = c.oid) AS constraints
  FROM pg_class c WHERE relnamespace = 'tk'::regnamespace AND relname LIKE 'pt\_%' AND relkind IN ('r', 'p') ORDER BY 1;
-- with a good epoch it converts (named, and positional after the INOUT results)
SET client_min_messages = warning;
CALL partman.partition_table('tk.pt_ms', 'at_ms', '1 day', premake => 2, epoch => 'milliseconds') \gset ms_
CALL partman.partition_table('tk.pt_s', 'at', '1 day', 2, true, NULL, 'drop', NULL, 'UTC', NULL, NULL, NULL, 'seconds') \gset s_
RESET client_min_messages;
-- the legacy partition, premake partitions and the default (lock_ms varies)
SELECT :'ms_partition' AS ms_partition, :ms_partitions_created AS ms_created,
       :'s_partition' AS s_partition, :s_partitions_created AS s_created;
SELECT parent, key, "interval", time_zone, epoch FROM partman.part_config
 WHERE parent IN ('tk.pt_ms'::regclass, 'tk.pt_s'::regclass) ORDER BY 1;
SELECT b.t, b.n, a.n = b.n AS same_count, a.sum = b.sum AS same_checksum
  FROM tk.pt_before b JOIN (
    SELECT 'ms' AS t, count(*) AS n, md5(string_agg(r::text, ',' ORDER BY r.at_ms, r.v)) AS sum FROM tk.pt_ms r
    UNION ALL
    SELECT 's', count(*), md5(string_agg(r::text, ',' ORDER BY r.at, r.v)) FROM tk.pt_s r) a USING (t)
 ORDER BY 1;
-- the legacy partition starts at the midnight of the oldest row; every bound is a midnight
SELECT 'tk.pt_ms' AS parent, partition, range_from, to_timestamp(range_from::numeric / 1000) AT TIME ZONE 'UTC' AS from_utc
  FROM partman.show_partitions('tk.pt_ms') WHERE partition::text LIKE '%legacy'
UNION ALL
SELECT 'tk.pt_s', partition, range_from, to_timestamp(range_from::numeric) AT TIME ZONE 'UTC'
  FROM partman.show_partitions('tk.pt_s') WHERE partition::text LIKE '%legacy';
SELECT 'tk.pt_ms' AS parent, count(*) AS bounded_partitions,
       bool_and(range_from::bigint % 86400000 = 0 AND range_to::bigint % 86400000 = 0) AS midnights,
       bool_and(range_to::bigint - range_from::bigint = 86400000) FILTER (WHERE partition::text NOT LIKE '%legacy') AS one_day_each
  FROM partman.show_partitions('tk.pt_ms') WHERE range_from IS NOT NULL
UNION ALL
SELECT 'tk.pt_s', count(*),
       bool_and(range_from::bigint % 86400 = 0 AND range_to::bigint % 86400 = 0),
       bool_and(range_to::bigint - range_from::bigint = 86400) FILTER (WHERE partition::text NOT LIKE '%legacy')
  FROM partman.show_partitions('tk.pt_s') WHERE range_from IS NOT NULL;
-- a new row at the legacy partition's upper bound goes to the next day's partition
INSERT INTO tk.pt_ms SELECT range_to::bigint, -1 FROM partman.show_partitions('tk.pt_ms') WHERE partition::text LIKE '%legacy';
SELECT p.partition <> 'tk.pt_ms_legacy'::regclass AS not_legacy, p.range_to::bigint - p.range_from::bigint AS width_ms
  FROM tk.pt_ms r JOIN partman.show_partitions('tk.pt_ms') p ON p.partition = r.tableoid WHERE r.v = -1;

SET client_min_messages = warning;
DROP SCHEMA tk CASCADE;
