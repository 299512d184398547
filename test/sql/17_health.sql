-- Health: partman.sets reports what part_config does not say.  A partition
-- dropped by hand in the middle of a RANGE set leaves a gap (named by its
-- bounds); a default partition missing while default_partition is true is
-- reported and maintenance makes it again; drop_partition of the default
-- keeps part_config in step.  Then three small ones: maintenance_plan
-- statements end with ";", create_partition over an existing range is
-- partman's own error, and set_config errors show no internal statement.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-03-10 12:00:00+00';
CREATE SCHEMA health;

-- a daily set from March 5th to 3 days past the current one (March 10th)
CREATE TABLE health.daily (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('health.daily', '1 day', premake => 3, start_partition => '2024-03-05');
INSERT INTO health.daily SELECT g, timestamptz '2024-03-05' + g * interval '1 hour' FROM generate_series(0, 119) g;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;

-------------------------------------------------------------------------------
-- 1. A partition dropped by hand in the middle is a gap.
-------------------------------------------------------------------------------
DROP TABLE health.daily_p20240307;
SELECT partman.partition_for('health.daily', '2024-03-07 10:00')::text AS lands_in;
SELECT parent, partitions, oldest_bound, newest_bound, status, status_reasons
  FROM partman.sets WHERE parent = 'health.daily'::regclass;
-- a second gap, and rows parked in the default partition (the estimate
-- comes from statistics: ANALYZE makes it exact here)
DROP TABLE health.daily_p20240309;
INSERT INTO health.daily VALUES (1000, '2024-03-07 10:00'), (1001, '2024-03-09 10:00');
ANALYZE health.daily_default;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;
-- maintenance leaves gaps alone (the DBA may have meant them): nothing to do
SELECT count(*) AS planned FROM partman.maintenance_plan('health.daily');

-- What retention leaves is no gap: premake does not make cells already past
-- retention, and the partition holding the newest row outlives them.  Only
-- a gap above the retention threshold is reported.
CREATE TABLE health.kept (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('health.kept', '1 day', premake => 2, start_partition => '2024-03-01',
                             retention => '2 days');
INSERT INTO health.kept VALUES (1, '2024-03-03 10:00');
SET partman.simulated_now = '2024-03-20 12:00:00+00';
CALL partman.run_maintenance('health.kept');
SELECT partition::text, range_from, range_to FROM partman.show_partitions('health.kept');
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.kept'::regclass;
DROP TABLE health.kept_p20240320;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.kept'::regclass;
SET partman.simulated_now = '2024-03-10 12:00:00+00';
-- the same for an integer set, whose threshold is the newest key - retention
CREATE TABLE health.ids (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('health.ids', '100', premake => 8, start_partition => '0', retention => '300');
INSERT INTO health.ids SELECT generate_series(0, 299) UNION ALL SELECT 700;
DROP TABLE health.ids_p100, health.ids_p500;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.ids'::regclass;

-------------------------------------------------------------------------------
-- 2. A default partition missing while default_partition is true.
-------------------------------------------------------------------------------
DELETE FROM health.daily_default;
DROP TABLE health.daily_default;
SELECT default_partition FROM partman.part_config WHERE parent = 'health.daily'::regclass;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;
-- rows of a gap are refused now
INSERT INTO health.daily VALUES (1002, '2024-03-07 11:00');
-- maintenance makes it again: the dry run shows the step and its statement
SELECT action, partition, statement, lock_mode, reason FROM partman.maintenance_plan('health.daily');
CALL partman.run_maintenance('health.daily');
SELECT action, partition, outcome FROM partman.maintenance_log
 WHERE parent = 'health.daily'::regclass ORDER BY id;
SELECT partition, is_default FROM partman.show_partitions('health.daily') WHERE is_default;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;
INSERT INTO health.daily VALUES (1002, '2024-03-07 11:00');

-- a default partition detached by hand keeps its name: the new one gets another
ALTER TABLE health.daily DETACH PARTITION health.daily_default;
SELECT action, partition, statement FROM partman.maintenance_plan('health.daily');
CALL partman.run_maintenance('health.daily');
SELECT partition, is_default FROM partman.show_partitions('health.daily') WHERE is_default;
SELECT count(*) AS kept_rows FROM health.daily_default;
DROP TABLE health.daily_default;

-- a gap filled by hand: the row parked meanwhile moves into the new partition
INSERT INTO health.daily VALUES (1003, '2024-03-09 10:00');
SELECT partman.create_partition('health.daily', '2024-03-07', '2024-03-08');
SELECT partman.create_partition('health.daily', '2024-03-09', '2024-03-10');
SELECT tableoid::regclass AS partition, id FROM health.daily WHERE id >= 1000;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;

-------------------------------------------------------------------------------
-- 3. drop_partition (and detach_partition) of the default partition say so in
-- part_config: no warning, nothing to recreate.
-------------------------------------------------------------------------------
SELECT partman.drop_partition('health.daily_default_2');
SELECT default_partition FROM partman.part_config WHERE parent = 'health.daily'::regclass;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;
SELECT count(*) AS planned FROM partman.maintenance_plan('health.daily');
-- asking for a default partition again: maintenance makes it
SELECT partman.set_config('health.daily', 'default_partition', 'true');
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;
CALL partman.run_maintenance('health.daily');
SELECT partition FROM partman.show_partitions('health.daily') WHERE is_default;
SELECT partman.detach_partition('health.daily_default')::text;
SELECT default_partition FROM partman.part_config WHERE parent = 'health.daily'::regclass;
DROP TABLE health.daily_default;
-- create_partition makes a default partition too, and the setting follows
SELECT partman.create_partition('health.daily', is_default => true)::text;
SELECT default_partition FROM partman.part_config WHERE parent = 'health.daily'::regclass;
SELECT partman.create_partition('health.daily', is_default => true);
SELECT partman.create_partition('health.daily', '2024-04-01', '2024-04-02', is_default => true);
SELECT partman.create_partition('health.daily', is_default => NULL);

-- a LIST set without its default partition is reported too
CREATE TABLE health.regions (code text NOT NULL) PARTITION BY LIST (code);
SELECT partman.create_parent('health.regions', list_values => '{"eu": ["DE", "FR"], "us": ["US"]}');
DROP TABLE health.regions_default;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.regions'::regclass;
SELECT action, partition, statement FROM partman.maintenance_plan('health.regions');
CALL partman.run_maintenance('health.regions');
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.regions'::regclass;

-- a HASH set has no default partition, and cannot be asked for one
CREATE TABLE health.hashed (id int NOT NULL) PARTITION BY HASH (id);
SELECT partman.create_parent('health.hashed', modulus => 4);
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.hashed'::regclass;
SELECT partman.set_config('health.hashed', 'default_partition', 'true');
SELECT partman.create_partition('health.hashed', is_default => true);
-- settings that mean nothing for a set's strategy are refused (22023, as for
-- interval or retention at create_parent) and change nothing
CREATE TEMP TABLE config_before AS SELECT * FROM partman.part_config;
SELECT partman.set_config('health.hashed', 'premake', '10');
SELECT partman.set_config('health.hashed', 'retention', '30 days');
SELECT partman.set_config('health.hashed', 'max_rescue_rows', '5');
SELECT partman.set_config('health.regions', 'premake', '10');
SELECT partman.set_config('health.regions', 'retention_action', 'detach');
\set VERBOSITY sqlstate
SELECT partman.set_config('health.hashed', 'default_partition', 'false');
SELECT partman.set_config('health.regions', 'retention_schema', 'health');
\set VERBOSITY default
-- a plain UPDATE of part_config is refused the same way
UPDATE partman.part_config SET premake = 10 WHERE parent = 'health.regions'::regclass;
SELECT (SELECT array_agg(c::text ORDER BY c.parent::oid) FROM partman.part_config c) =
       (SELECT array_agg(b::text ORDER BY b.parent::oid) FROM config_before b) AS unchanged;
-- what does apply to them still changes
SELECT partman.set_config('health.hashed', 'max_partitions', '100');
SELECT partman.set_config('health.hashed', 'max_partitions', NULL);

-------------------------------------------------------------------------------
-- 4. Many gaps: the first ten are named, the rest counted (a date set).
-------------------------------------------------------------------------------
CREATE TABLE health.days (d date NOT NULL) PARTITION BY RANGE (d);
SELECT partman.create_parent('health.days', '1 day', premake => 2, start_partition => '2024-02-01');
DO $$
BEGIN
    FOR i IN 1..12 LOOP
        EXECUTE format('DROP TABLE health.%I', 'days_p' || to_char(date '2024-02-01' + 2 * i, 'YYYYMMDD'));
    END LOOP;
END
$$;
SELECT partitions, oldest_bound, newest_bound, future_partitions, status
  FROM partman.sets WHERE parent = 'health.days'::regclass;
SELECT unnest(status_reasons) AS reason FROM partman.sets WHERE parent = 'health.days'::regclass;

-------------------------------------------------------------------------------
-- 5. maintenance_plan statements end with ";": a saved plan runs as a script
-- (here: all of them in one psql line, as psql -f would read them).
-------------------------------------------------------------------------------
SET partman.simulated_now = '2024-03-12 12:00:00+00';
DROP TABLE health.daily_default;
SELECT action, partition, statement FROM partman.maintenance_plan('health.daily');
SELECT string_agg(statement, ' ') AS saved_plan FROM partman.maintenance_plan('health.daily') \gset
:saved_plan
SELECT count(*) AS planned FROM partman.maintenance_plan('health.daily');
SELECT status, status_reasons FROM partman.sets WHERE parent = 'health.daily'::regclass;

-------------------------------------------------------------------------------
-- 6. create_partition over an existing range names the partition in the way,
-- before any statement runs (no internal statement in the error).
-------------------------------------------------------------------------------
SELECT partman.create_partition('health.daily', '2024-03-08 12:00', '2024-03-09 12:00');
SELECT partman.create_partition('health.daily', '2024-03-01', '2024-03-06', name => 'early');
SELECT partman.create_partition('health.daily', '2024-03-06');
SELECT partman.create_partition('health.regions', list_values => '{PT,US}');
SELECT partman.create_partition('health.hashed', remainder => 2);
-- a free range under a name that is taken
SELECT partman.create_partition('health.daily', '2024-02-01', '2024-02-02', name => 'daily_p20240305');
-- attach_partition checks before it scans the table
CREATE TABLE health.loose (id bigint NOT NULL, ts timestamptz NOT NULL);
SELECT partman.attach_partition('health.daily', 'health.loose', '2024-03-10', '2024-03-11');
-- a range next to the set is fine
SELECT partman.create_partition('health.daily', '2024-03-04', '2024-03-05')::text;

-------------------------------------------------------------------------------
-- 7. set_config and set_pruning_policy errors: the caller's error, with no
-- partman statement as CONTEXT, and nothing changed.
-------------------------------------------------------------------------------
SELECT partman.set_config('health.daily', 'premake', '-3');
SELECT partman.set_config('health.daily', 'premake', 'many');
SELECT partman.set_config('health.daily', 'premake', NULL);
SELECT partman.set_config('health.daily', 'require_filter', 'sometimes');
SELECT partman.set_config('health.daily', 'storage_parameters', 'fillfactor=5');
SELECT partman.set_config('health.daily', 'retention_action', 'archive');
SELECT partman.set_config('health.daily', 'sub_modulus', '4');
SELECT partman.set_pruning_policy('health.daily', 'maybe');
SELECT partman.set_pruning_policy('health.daily', 'error', max_partitions => 0);
SELECT premake, require_filter, storage_parameters, retention_action, max_partitions, sub_modulus
  FROM partman.part_config WHERE parent = 'health.daily'::regclass;
-- good values still go through, NULL where the setting takes it
SELECT partman.set_config('health.daily', 'premake', '5');
SELECT partman.set_config('health.daily', 'retention', '30 days');
SELECT partman.set_pruning_policy('health.daily', 'warn', max_partitions => 40);
SELECT premake, retention, require_filter, max_partitions
  FROM partman.part_config WHERE parent = 'health.daily'::regclass;
SELECT partman.set_config('health.daily', 'retention', NULL);
SELECT partman.set_pruning_policy('health.daily', 'off');
SELECT retention, require_filter, max_partitions
  FROM partman.part_config WHERE parent = 'health.daily'::regclass;

-------------------------------------------------------------------------------
-- 8. default_rows is a count while the default partitions are small (up to
-- 1 MB), so it is right at once after a rescue; beyond that an estimate from
-- statistics, with default_rows_exact false and default_rows_as_of the time
-- of the statistics.
-------------------------------------------------------------------------------
CREATE TABLE health.parked (id int NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
SELECT partman.create_parent('health.parked', '1 day', premake => 1);
INSERT INTO health.parked SELECT g, timestamptz '2024-03-14 10:00' FROM generate_series(1, 3) g;
ANALYZE health.parked_default;
SELECT default_rows, default_rows_exact, default_rows_as_of FROM partman.sets
 WHERE parent = 'health.parked'::regclass;
-- maintenance rescues the three rows; the statistics still say 3 until the
-- next ANALYZE, the count says 0
SELECT partman.set_config('health.parked', 'premake', '5');
CALL partman.run_maintenance('health.parked');
SELECT reltuples AS statistics_say FROM pg_class WHERE oid = 'health.parked_default'::regclass;
SELECT default_rows, default_rows_exact, default_rows_as_of, status, status_reasons FROM partman.sets
 WHERE parent = 'health.parked'::regclass;
-- a reader who may not read the default partition (SELECT on it, but no
-- USAGE on its schema) gets the estimate, and no error
CREATE ROLE health_reader;
GRANT SELECT ON health.parked_default TO health_reader;
SELECT 'health.parked'::regclass::oid AS parked \gset
SET ROLE health_reader;
SELECT parent, default_rows_exact FROM partman.sets WHERE parent::oid = :parked;
RESET ROLE;
REVOKE SELECT ON health.parked_default FROM health_reader;
DROP ROLE health_reader;
-- a default partition over 1 MB is estimated
INSERT INTO health.parked SELECT g, timestamptz '2030-01-01' FROM generate_series(1, 30000) g;
ANALYZE health.parked_default;
SELECT default_rows BETWEEN 27000 AND 33000 AS about_30000, default_rows_exact,
       default_rows_as_of > now() - interval '1 hour' AS as_of_recent,
       status_reasons[1] LIKE 'rows in the default partition: about %' AS reason_says_about
  FROM partman.sets WHERE parent = 'health.parked'::regclass;

-- clean up
SET client_min_messages = warning;
DROP SCHEMA health CASCADE;
