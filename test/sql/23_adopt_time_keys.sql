-- adopt_pg_partman with the time keys pg_partman has and this machine's
-- pg_partman (4.7) does not: a 5.x set on a uuid key with its UUIDv7
-- time_encoder, and 4.x sets with epoch seconds and milliseconds.  The
-- configuration tables are copies in the shape of those versions (adopt
-- reads pg_partman's part_config in any schema, column by name), and the
-- partitions are named and bounded as pg_partman makes them.  After
-- adoption partman's maintenance goes on where pg_partman stopped.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-06-03 12:00:00+00';
CREATE SCHEMA adopt_keys;
SET search_path = adopt_keys, public;

-- the UUIDv7 whose 48-bit timestamp is ts and whose other bits are zero,
-- as pg_partman 5.x's uuid7_time_encoder makes partition bounds
CREATE FUNCTION adopt_keys.uuid7_at(ts timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000')::uuid
  FROM lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') h
$$;

-- pg_partman 5.x's part_config (the columns adopt reads, and others)
CREATE SCHEMA fake5;
CREATE TABLE fake5.part_config (parent_table text PRIMARY KEY, control text NOT NULL,
    time_encoder text, time_decoder text, partition_interval text NOT NULL,
    partition_type text NOT NULL, premake int NOT NULL DEFAULT 4,
    automatic_maintenance text NOT NULL DEFAULT 'on', template_table text,
    retention text, retention_schema text, retention_keep_index boolean DEFAULT true,
    retention_keep_table boolean DEFAULT true, epoch text NOT NULL DEFAULT 'none',
    constraint_cols text[], infinite_time_partitions boolean DEFAULT false,
    inherit_privileges boolean DEFAULT false, date_trunc_interval text,
    ignore_default_data boolean DEFAULT true, maintenance_order int,
    retention_keep_publication boolean DEFAULT false);
-- pg_partman 4.x's, for the epoch sets
CREATE SCHEMA fake4;
CREATE TABLE fake4.part_config (parent_table text PRIMARY KEY, control text NOT NULL,
    partition_type text NOT NULL, partition_interval text NOT NULL,
    constraint_cols text[], premake int NOT NULL DEFAULT 4, optimize_trigger int,
    optimize_constraint int, epoch text NOT NULL DEFAULT 'none', inherit_fk boolean,
    retention text, retention_schema text, retention_keep_table boolean DEFAULT true,
    retention_keep_index boolean DEFAULT true, infinite_time_partitions boolean DEFAULT false,
    datetime_string text, automatic_maintenance text NOT NULL DEFAULT 'on',
    jobmon boolean, sub_partition_set_full boolean, undo_in_progress boolean,
    trigger_exception_handling boolean, upsert text, trigger_return_null boolean,
    template_table text, publications text[], inherit_privileges boolean DEFAULT false,
    constraint_valid boolean, subscription_refresh text, drop_cascade_fk boolean,
    ignore_default_data boolean);

-- a daily 5.x set on UUIDv7 keys: days May 31st to June 5th, and a default
CREATE TABLE adopt_keys.messages (id uuid NOT NULL, body text) PARTITION BY RANGE (id);
DO $$
DECLARE d date;
BEGIN
    FOR d IN SELECT g::date FROM generate_series(date '2024-05-31', date '2024-06-05', interval '1 day') g LOOP
        EXECUTE format('CREATE TABLE adopt_keys.%I PARTITION OF adopt_keys.messages FOR VALUES FROM (%L) TO (%L)',
                       'messages_p' || to_char(d, 'YYYYMMDD'), adopt_keys.uuid7_at(d), adopt_keys.uuid7_at(d + 1));
    END LOOP;
END $$;
CREATE TABLE adopt_keys.messages_default PARTITION OF adopt_keys.messages DEFAULT;
INSERT INTO fake5.part_config (parent_table, control, time_encoder, time_decoder, partition_interval,
                               partition_type, premake, retention, retention_keep_table)
VALUES ('adopt_keys.messages', 'id', 'partman.uuid7_time_encoder', 'partman.uuid7_time_decoder',
        '1 day', 'range', 2, '3 days', false);

-- 4.x daily sets on epoch seconds (bigint) and milliseconds (bigint)
CREATE TABLE adopt_keys.readings (at_s bigint NOT NULL, v int) PARTITION BY RANGE (at_s);
CREATE TABLE adopt_keys.clicks (at_ms bigint NOT NULL, v int) PARTITION BY RANGE (at_ms);
DO $$
DECLARE d date;
BEGIN
    FOR d IN SELECT g::date FROM generate_series(date '2024-06-01', date '2024-06-05', interval '1 day') g LOOP
        EXECUTE format('CREATE TABLE adopt_keys.%I PARTITION OF adopt_keys.readings FOR VALUES FROM (%s) TO (%s)',
                       'readings_p' || to_char(d, 'YYYY_MM_DD'), extract(epoch FROM d::timestamptz)::bigint,
                       extract(epoch FROM (d + 1)::timestamptz)::bigint);
        EXECUTE format('CREATE TABLE adopt_keys.%I PARTITION OF adopt_keys.clicks FOR VALUES FROM (%s) TO (%s)',
                       'clicks_p' || to_char(d, 'YYYY_MM_DD'), extract(epoch FROM d::timestamptz)::bigint * 1000,
                       extract(epoch FROM (d + 1)::timestamptz)::bigint * 1000);
    END LOOP;
END $$;
INSERT INTO fake4.part_config (parent_table, control, partition_type, partition_interval, premake, epoch)
VALUES ('adopt_keys.readings', 'at_s', 'native', '1 day', 2, 'seconds'),
       ('adopt_keys.clicks', 'at_ms', 'native', '1 day', 2, 'milliseconds');
-- an epoch pg_partman has and partman does not
CREATE TABLE adopt_keys.odd (at_ns bigint NOT NULL) PARTITION BY RANGE (at_ns);
CREATE TABLE adopt_keys.odd_p2024_06_01 PARTITION OF adopt_keys.odd FOR VALUES FROM (0) TO (86400);
INSERT INTO fake4.part_config (parent_table, control, partition_type, partition_interval, epoch)
VALUES ('adopt_keys.odd', 'at_ns', 'native', '1 day', 'nanoseconds');

\pset format aligned
SELECT parent, adopted, carried_over FROM partman.adopt_pg_partman('fake5') ORDER BY 1;
SELECT parent, adopted, carried_over, not_carried_over FROM partman.adopt_pg_partman('fake4') ORDER BY 1;
CREATE VIEW adopt_keys.adopted AS
SELECT c.* FROM partman.part_config c JOIN pg_class r ON r.oid = c.parent
 WHERE r.relnamespace = 'adopt_keys'::regnamespace;
SELECT parent, key, "interval", time_zone, epoch, premake, retention, retention_action
  FROM adopt_keys.adopted ORDER BY 1;
-- pg_partman's maintenance is off for what partman adopted
SELECT parent_table, automatic_maintenance FROM fake5.part_config
UNION ALL SELECT parent_table, automatic_maintenance FROM fake4.part_config ORDER BY 1;

-- partman's maintenance goes on: on June 5th, premake 2 makes June 6th
-- and 7th with pg_partman's bounds and partman's names, and the UUIDv7
-- set's retention of 3 days drops May 31st and June 1st
SET partman.simulated_now = '2024-06-05 12:00:00+00';
CALL partman.run_maintenance('adopt_keys.messages');
CALL partman.run_maintenance('adopt_keys.readings');
CALL partman.run_maintenance('adopt_keys.clicks');
SELECT p.partition, p.range_from, p.range_to
  FROM adopt_keys.adopted c, LATERAL partman.show_partitions(c.parent) p
 ORDER BY c.parent::text, p.range_from;
-- the bounds partman made follow pg_partman's: a UUIDv7 day starts at its
-- midnight's UUID, an epoch day at midnight's seconds or milliseconds
SELECT partman.partition_for('adopt_keys.messages', adopt_keys.uuid7_at('2024-06-07 23:59:59.999')::text) AS uuid_day,
       partman.partition_for('adopt_keys.readings', extract(epoch FROM timestamptz '2024-06-07 00:00')::bigint::text) AS seconds_day,
       partman.partition_for('adopt_keys.clicks', (extract(epoch FROM timestamptz '2024-06-06 23:59:59.999') * 1000)::bigint::text) AS ms_day;

RESET search_path;
DROP SCHEMA adopt_keys CASCADE;
DROP SCHEMA fake5 CASCADE;
DROP SCHEMA fake4 CASCADE;
