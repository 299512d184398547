-- Keys at the edges of what partitions can hold, and a renamed key column.
--
-- 1. partition_data moves every row that has a partition and leaves the rest
--    (NULL, -infinity, infinity, NaN, values beyond the last bound the key
--    type allows) in the default partition, saying how many, which and why;
--    counts and checksums of the set do not change.  partition_table refuses
--    such rows before changing anything, and maintenance of a set that has
--    reached the end of its key type goes on working.
-- 2. After ALTER TABLE ... RENAME COLUMN of the key, every function follows
--    the catalog: the set is not frozen under the old name.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-03-31 12:00:00+00';
CREATE SCHEMA edge;

-- a set's contents: row count and a checksum over whole rows
CREATE FUNCTION edge.fingerprint(parent regclass) RETURNS TABLE(n bigint, checksum bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT count(*), sum(hashtext(t::text)) FROM %s t', parent);
END
$$;

-------------------------------------------------------------------------------
-- 1a. timestamptz: 100 ordinary rows and the rows no partition can hold
-------------------------------------------------------------------------------
CREATE TABLE edge.events (id int NOT NULL, created_at timestamptz, payload text)
    PARTITION BY RANGE (created_at);
CREATE INDEX ON edge.events (created_at);
SELECT partman.create_parent('edge.events', '1 day', premake => 1);
-- 100 rows of January (no partition yet: they wait in the default partition)
INSERT INTO edge.events
SELECT g, timestamptz '2024-01-01 00:00+00' + g * interval '7 hours', 'row ' || g
  FROM generate_series(1, 100) g;
-- infinity twice, -infinity, a NULL key (RANGE sends it to the default
-- partition), and a time past the years partman's grids cover
INSERT INTO edge.events VALUES
    (1001, 'infinity', 'open end'), (1002, 'infinity', 'open end'),
    (1003, '-infinity', 'open start'), (1004, NULL, 'no time'),
    (1005, '250000-01-01 00:00+00', 'far future');
SELECT count(*) AS default_rows FROM edge.events_default;
CREATE TEMP TABLE before_events AS SELECT * FROM edge.fingerprint('edge.events');

-- small batches: the rows that stay must not stop any batch
SET client_min_messages = warning;
CALL partman.partition_data('edge.events', batch_rows => 30);
RESET client_min_messages;

-- nothing lost, nothing doubled
SELECT a.n = b.n AS same_count, a.checksum = b.checksum AS same_checksum, a.n
  FROM edge.fingerprint('edge.events') a, before_events b;
-- the default partition keeps exactly the rows without a partition
SELECT id, created_at, payload FROM edge.events_default ORDER BY id;
-- every other row is in a partition whose bound holds it
SELECT count(*) AS placed,
       bool_and(p.range_from::timestamptz <= e.created_at
                AND e.created_at < p.range_to::timestamptz) AS all_in_bound
  FROM edge.events e
  JOIN partman.show_partitions('edge.events') p ON p.partition = e.tableoid
 WHERE NOT p.is_default;
-- January's partitions were made, without gaps
SELECT count(*) AS january_partitions, min(range_from) AS first, max(range_to) AS last
  FROM partman.show_partitions('edge.events') WHERE range_from < '2024-03-01';

-- a second run moves nothing and says the same
SET client_min_messages = warning;
CALL partman.partition_data('edge.events');
RESET client_min_messages;
SELECT count(*) AS default_rows FROM edge.events_default;

-- maintenance with those rows parked: ordinary rows of a future day are
-- rescued into their new partition, the others stay, nothing fails
INSERT INTO edge.events VALUES (2001, '2024-04-03 10:00+00', 'parked');
SET partman.simulated_now = '2024-04-02 12:00:00+00';
SELECT action, partition, reason FROM partman.maintenance_plan('edge.events');
SET client_min_messages = warning;
CALL partman.run_maintenance('edge.events');
RESET client_min_messages;
SELECT last_error FROM partman.part_config WHERE parent = 'edge.events'::regclass;
SELECT tableoid::regclass AS partition FROM edge.events WHERE id = 2001;
SELECT count(*) AS default_rows FROM edge.events_default;
SET partman.simulated_now = '2024-03-31 12:00:00+00';

-------------------------------------------------------------------------------
-- 1b. bigint near its maximum: the last partial cell has no partition
-------------------------------------------------------------------------------
CREATE TABLE edge.big (id bigint NOT NULL, v text) PARTITION BY RANGE (id);
SELECT partman.create_parent('edge.big', '100', premake => 0,
                             start_partition => '9223372036854775300');
INSERT INTO edge.big VALUES
    (9223372036854775450, 'a'), (9223372036854775750, 'b'), (9223372036854775799, 'c'),
    (9223372036854775800, 'past the last bound'), (9223372036854775807, 'bigint max'),
    (-9223372036854775808, 'bigint min');
CREATE TEMP TABLE before_big AS SELECT * FROM edge.fingerprint('edge.big');
SET client_min_messages = warning;
CALL partman.partition_data('edge.big');
RESET client_min_messages;
SELECT a.n = b.n AS same_count, a.checksum = b.checksum AS same_checksum
  FROM edge.fingerprint('edge.big') a, before_big b;
SELECT tableoid::regclass AS partition, id, v FROM edge.big ORDER BY id;
SELECT partition, range_from, range_to FROM partman.show_partitions('edge.big');
-- premake from the newest key would pass bigint's maximum: maintenance makes
-- what fits (here nothing more) and does not fail
CREATE TABLE edge.big_end (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('edge.big_end', '100', premake => 1,
                             start_partition => '9223372036854775600');
INSERT INTO edge.big_end VALUES (9223372036854775750);
UPDATE partman.part_config SET premake = 3 WHERE parent = 'edge.big_end'::regclass;
SELECT count(*) AS planned FROM partman.maintenance_plan('edge.big_end');
CALL partman.run_maintenance('edge.big_end');
SELECT last_error FROM partman.part_config WHERE parent = 'edge.big_end'::regclass;
SELECT partition, range_to FROM partman.show_partitions('edge.big_end');
-- a partition made by hand past the grid's last bound, holding the newest
-- row: the health view and maintenance leave it alone
CREATE TABLE edge.big_end_last PARTITION OF edge.big_end
    FOR VALUES FROM ('9223372036854775800') TO ('9223372036854775807');
INSERT INTO edge.big_end VALUES (9223372036854775801);
SELECT partitions, future_partitions FROM partman.sets WHERE parent = 'edge.big_end'::regclass;
CALL partman.run_maintenance('edge.big_end');
SELECT last_error FROM partman.part_config WHERE parent = 'edge.big_end'::regclass;

-------------------------------------------------------------------------------
-- 1c. date, numeric and integer keys
-------------------------------------------------------------------------------
CREATE TABLE edge.days (d date, v int) PARTITION BY RANGE (d);
SELECT partman.create_parent('edge.days', '1 month', premake => 0);
INSERT INTO edge.days SELECT date '2023-11-01' + g, g FROM generate_series(0, 59) g;
INSERT INTO edge.days VALUES ('infinity', -1), ('-infinity', -2), (NULL, -3),
    ('5874897-12-31', -4), ('4713-01-01 BC', -5);
CREATE TEMP TABLE before_days AS SELECT * FROM edge.fingerprint('edge.days');
SET client_min_messages = warning;
CALL partman.partition_data('edge.days');
RESET client_min_messages;
SELECT a.n = b.n AS same_count, a.checksum = b.checksum AS same_checksum
  FROM edge.fingerprint('edge.days') a, before_days b;
SELECT d, v FROM edge.days_default ORDER BY v;
SELECT partition FROM partman.show_partitions('edge.days');

CREATE TABLE edge.amounts (amount numeric, v int) PARTITION BY RANGE (amount);
SELECT partman.create_parent('edge.amounts', '1000', premake => 0);
INSERT INTO edge.amounts VALUES (1500.5, 1), (2999.99, 2), ('NaN', 3), ('Infinity', 4),
    ('-Infinity', 5), (1e30, 6);
SET client_min_messages = warning;
CALL partman.partition_data('edge.amounts');
RESET client_min_messages;
SELECT tableoid::regclass AS partition, amount, v FROM edge.amounts ORDER BY v;

-- a failed call changes nothing: these keys are 2 million partitions apart
CREATE TABLE edge.ints (i int, v int) PARTITION BY RANGE (i);
SELECT partman.create_parent('edge.ints', '1000', premake => 0, start_partition => '1000000');
INSERT INTO edge.ints VALUES (-2147483648, 1), (5, 2), (2147482000, 3), (2147483647, 4);
CREATE TEMP TABLE before_ints AS SELECT * FROM edge.fingerprint('edge.ints');
CALL partman.partition_data('edge.ints');
SELECT a.n = b.n AS same_count, a.checksum = b.checksum AS same_checksum
  FROM edge.fingerprint('edge.ints') a, before_ints b;
SELECT count(*) AS default_rows FROM edge.ints_default;
SELECT count(*) AS partitions FROM partman.show_partitions('edge.ints');
-- without the far row, the rest moves; the two at int's limits stay
DELETE FROM edge.ints WHERE i = 2147482000;
SET client_min_messages = warning;
CALL partman.partition_data('edge.ints');
RESET client_min_messages;
SELECT tableoid::regclass AS partition, i, v FROM edge.ints ORDER BY v;

-------------------------------------------------------------------------------
-- 1d. from a source table: rows without a partition stay in the source
-------------------------------------------------------------------------------
CREATE TABLE edge.import (id int NOT NULL, created_at timestamptz, payload text);
INSERT INTO edge.import VALUES (3001, '2024-03-31 09:00+00', 'today'),
    (3002, '2024-02-10 09:00+00', 'february'), (3003, 'infinity', 'open end'),
    (3004, NULL, 'no time');
SET client_min_messages = warning;
CALL partman.partition_data('edge.events', source => 'edge.import');
RESET client_min_messages;
SELECT id, created_at FROM edge.import ORDER BY id;
SELECT tableoid::regclass AS partition, id FROM edge.events WHERE id > 3000 ORDER BY id;

-------------------------------------------------------------------------------
-- 1e. partition_table refuses a table with such keys, and changes nothing
-------------------------------------------------------------------------------
CREATE TABLE edge.legacy (id int NOT NULL, ts timestamptz NOT NULL);
INSERT INTO edge.legacy SELECT g, timestamptz '2024-03-01 00:00+00' + g * interval '1 hour'
  FROM generate_series(1, 50) g;
INSERT INTO edge.legacy VALUES (51, 'infinity'), (52, 'infinity'), (53, '-infinity');
CREATE TEMP TABLE before_legacy AS SELECT * FROM edge.fingerprint('edge.legacy');
CALL partman.partition_table('edge.legacy', 'ts', '1 day');
SELECT c.relkind, a.n = b.n AS same_count, a.checksum = b.checksum AS same_checksum,
       (SELECT count(*) FROM pg_constraint WHERE conrelid = c.oid) AS constraints,
       EXISTS (SELECT FROM partman.part_config WHERE parent = c.oid) AS managed
  FROM pg_class c, edge.fingerprint('edge.legacy') a, before_legacy b
 WHERE c.oid = 'edge.legacy'::regclass;

-------------------------------------------------------------------------------
-- 2. renaming the key column
-------------------------------------------------------------------------------
SET partman.simulated_now = '2024-03-31 12:00:00+00';
CREATE TABLE edge.renamed (id int NOT NULL, created_at timestamptz NOT NULL)
    PARTITION BY RANGE (created_at);
SELECT partman.create_parent('edge.renamed', '1 day', premake => 2, retention => '3 days');
ALTER TABLE edge.renamed RENAME COLUMN created_at TO ts;
-- partman reads the key from the catalog; the health view shows it at once,
-- part_config's copy follows at the row's next update
SELECT c.key AS stored, s.key AS actual
  FROM partman.part_config c JOIN partman.sets s USING (parent)
 WHERE parent = 'edge.renamed'::regclass;
-- settings change as before, and the row takes the new name
SELECT partman.set_config('edge.renamed', 'premake', '3');
SELECT key, premake FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
-- maintenance plans and runs with the new name, premake and retention alike
SET partman.simulated_now = '2024-04-04 12:00:00+00';
SELECT action, partition, statement FROM partman.maintenance_plan('edge.renamed');
CALL partman.run_maintenance('edge.renamed');
SELECT last_error FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
SELECT partition, range_from FROM partman.show_partitions('edge.renamed');
-- operations: a partition by hand, rows parked and moved
SELECT partman.create_partition('edge.renamed', '2024-05-01', '2024-05-02');
INSERT INTO edge.renamed VALUES (1, '2024-05-10 08:00+00'), (2, '2024-05-01 08:00+00');
SET client_min_messages = warning;
CALL partman.partition_data('edge.renamed');
RESET client_min_messages;
SELECT tableoid::regclass AS partition, id, ts FROM edge.renamed ORDER BY id;
-- pruning diagnostics and the pruning policy name the column as it is now
SELECT partman.set_pruning_policy('edge.renamed', 'warn');
SELECT reason, hint FROM partman.explain_pruning(
    $$SELECT * FROM edge.renamed WHERE extract(year FROM ts) = 2024$$) WHERE relation = 'edge.renamed'::regclass;
SELECT count(*) FROM edge.renamed;
-- the key still cannot be changed to another column, nor back to the old name
UPDATE partman.part_config SET key = 'id' WHERE parent = 'edge.renamed'::regclass;
UPDATE partman.part_config SET key = 'created_at' WHERE parent = 'edge.renamed'::regclass;

-- renamed again: maintenance stamping its run brings the row up to date
ALTER TABLE edge.renamed RENAME COLUMN ts TO happened_at;
SET partman.simulated_now = '2024-04-05 12:00:00+00';
CALL partman.run_maintenance('edge.renamed');
SELECT key, last_error FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
-- a row saved before a rename and written back (as a restore of an older
-- dump does) takes the current name too
CREATE TEMP TABLE saved_config AS SELECT * FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
ALTER TABLE edge.renamed RENAME COLUMN happened_at TO occurred_at;
DELETE FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
INSERT INTO partman.part_config SELECT * FROM saved_config;
SELECT key, premake, retention FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
-- but a row naming another column of the table is refused
DELETE FROM partman.part_config WHERE parent = 'edge.renamed'::regclass;
UPDATE saved_config SET key = 'id';
INSERT INTO partman.part_config SELECT * FROM saved_config;
UPDATE saved_config SET key = 'occurred_at';
INSERT INTO partman.part_config SELECT * FROM saved_config;

-- a composite set: renaming the sub-partition key too
SET partman.simulated_now = '2024-03-31 12:00:00+00';
CREATE TABLE edge.clicks (id int NOT NULL, at timestamptz NOT NULL, kind text NOT NULL)
    PARTITION BY RANGE (at);
SELECT partman.create_parent('edge.clicks', '1 day', premake => 1, default_partition => false,
                             sub_key => 'kind', sub_list_values => '{"a": ["a"], "b": ["b"]}');
ALTER TABLE edge.clicks RENAME COLUMN kind TO category;
ALTER TABLE edge.clicks RENAME COLUMN at TO clicked_at;
SELECT partman.set_config('edge.clicks', 'sub_list_values', '{"a": ["a"], "b": ["b"], "c": ["c"]}');
SELECT key, sub_key FROM partman.part_config WHERE parent = 'edge.clicks'::regclass;
SET partman.simulated_now = '2024-04-01 12:00:00+00';
CALL partman.run_maintenance('edge.clicks');
SELECT last_error FROM partman.part_config WHERE parent = 'edge.clicks'::regclass;
SELECT partition, level FROM partman.show_partitions('edge.clicks');
SELECT pg_get_partkeydef('edge.clicks_p20240402'::regclass) AS newest_partition_key;
INSERT INTO edge.clicks VALUES (1, '2024-04-02 10:00+00', 'c');
SELECT tableoid::regclass AS partition FROM edge.clicks;
-- sub_key cannot be moved to another column either
UPDATE partman.part_config SET sub_key = 'id' WHERE parent = 'edge.clicks'::regclass;

RESET partman.simulated_now;
SET client_min_messages = warning;
DROP SCHEMA edge CASCADE;
RESET client_min_messages;
