-- Hostile and malformed input, table-driven: every bad call to every partman
-- function is an ERROR with a specific SQLSTATE (never XX000, the SQLSTATE of
-- an internal error), and the catalog is the same afterwards.  05_errors
-- covers create_parent's messages; 07 and 08 the operations' messages.
SET client_min_messages = warning;
CREATE SCHEMA badin;
SET search_path = badin, public;
SET partman.simulated_now = '2024-06-15 12:00+00';
SET DateStyle = 'ISO, YMD';

CREATE TABLE badin.t (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('badin.t', '1 day', premake => 2, start_partition => '2024-06-14');
CREATE TABLE badin.i (id int NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('badin.i', '10', premake => 1, start_partition => '0');
CREATE TABLE badin.l (r text NOT NULL) PARTITION BY LIST (r);
SELECT partman.create_parent('badin.l', list_values => '{"eu": ["DE", "FR"], "us": ["US"]}');
CREATE TABLE badin.h (id int NOT NULL) PARTITION BY HASH (id);
SELECT partman.create_parent('badin.h', modulus => 4);
-- unmanaged partitioned table with a hostile name, and objects of the wrong kinds
CREATE TABLE badin."x'); DROP TABLE badin.t; --" (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE badin.l2 (r text NOT NULL) PARTITION BY LIST (r);
CREATE TABLE badin.h2 (id int NOT NULL) PARTITION BY HASH (id);
CREATE TABLE badin.i2 (id int NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE badin.plain (ts timestamptz);
CREATE VIEW badin.v AS SELECT 1 AS x;
CREATE SEQUENCE badin.seq;
CREATE INDEX t_ts ON badin.t (ts);
CREATE TABLE badin.loose (id bigint, ts timestamptz NOT NULL);
CREATE TABLE badin.loose_int (id int NOT NULL);
INSERT INTO badin.t VALUES (1, '2024-06-14 10:00+00'), (2, '2024-06-16 10:00+00');
INSERT INTO badin.i VALUES (1), (11);

-- The calls.  Each runs in its own subtransaction, rolled back even when the
-- call succeeds (so one call cannot change what the next one meets); the
-- outcome is its SQLSTATE and message, or 'none' and 'no error'.
CREATE FUNCTION badin.try(call text, OUT state text, OUT message text) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE call;
    RAISE EXCEPTION USING ERRCODE = 'PMOK0', MESSAGE = 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    IF state = 'PMOK0' THEN
        state := 'none';
    END IF;
END
$$;
CREATE TABLE badin.calls (fn text, call text);
INSERT INTO badin.calls(call) VALUES
-- create_parent: wrong types, NULLs, malformed JSON, huge values, wrong strategies and kinds
  ($$SELECT partman.create_parent('badin.t', '1 day')$$),
  ($$SELECT partman.create_parent('badin.v', '1 day')$$),
  ($$SELECT partman.create_parent('badin.seq', '1 day')$$),
  ($$SELECT partman.create_parent('badin.t_ts', '1 day')$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 fortnight')$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 day', premake => 2147483647)$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 day', start_partition => '2024-06-15''); DROP TABLE badin.t; --')$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 day', time_zone => 'UTC''; DROP TABLE badin.t; --')$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 day', retention => '1 day', retention_action => 'archive', retention_schema => 'x"; DROP TABLE badin.t; --')$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 day', list_values => '{"a": ["x"]}')$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', modulus => 8)$$),
  ($$SELECT partman.create_parent('badin."x''); DROP TABLE badin.t; --"', '1 day', modulus => 0)$$),
  ($$SELECT partman.create_parent('badin.l', '1 day')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '[1, 2, 3]')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"a": "x"}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"a": [["x"]]}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"a": []}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"a": ["x"], "b": ["x"]}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"": ["x"]}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"a": [{"k": 1}]}')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => '{"a": ["x"]')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => 'null')$$),
  ($$SELECT partman.create_parent('badin.l2', list_values => jsonb_build_object(repeat('s', 53), '["x"]'::jsonb))$$),
  ($$SELECT partman.create_parent('badin.h2', modulus => -4)$$),
  ($$SELECT partman.create_parent('badin.h2', modulus => 2147483647)$$),
  ($$SELECT partman.create_parent('badin.h', '1 day', modulus => 4)$$),
  ($$SELECT partman.create_parent('badin.i2', '10', start_partition => '2147483647')$$),
  ($$SELECT partman.create_parent(12345::oid::regclass, '1 day')$$),
-- undo_parent, set_config
  ($$SELECT partman.undo_parent('badin.plain')$$),
  ($$SELECT partman.undo_parent('badin.v')$$),
  ($$SELECT partman.set_config(NULL, 'premake', '3')$$),
  ($$SELECT partman.set_config('badin.t', NULL, '3')$$),
  ($$SELECT partman.set_config('badin.t', 'premake', NULL)$$),
  ($$SELECT partman.set_config('badin.t', 'premake', 'many')$$),
  ($$SELECT partman.set_config('badin.t', 'premake', '-1')$$),
  ($$SELECT partman.set_config('badin.t', 'premake', '99999999999999999999')$$),
  ($$SELECT partman.set_config('badin.t', 'no_such_setting', '1')$$),
  ($$SELECT partman.set_config('badin.t', 'premake; DROP TABLE badin.t', '1')$$),
  ($$SELECT partman.set_config('badin.t', 'retention', 'forever')$$),
  ($$SELECT partman.set_config('badin.t', 'retention_action', 'shred')$$),
  ($$SELECT partman.set_config('badin.t', 'retention_schema', 'no_such_schema')$$),
  ($$SELECT partman.set_config('badin.t', 'interval', '1 hour')$$),
  ($$SELECT partman.set_config('badin.t', 'time_zone', 'Mars/Olympus_Mons')$$),
  ($$SELECT partman.set_config('badin.t', 'enabled', 'perhaps')$$),
  ($$SELECT partman.set_config('badin.plain', 'premake', '3')$$),
-- create_partition
  ($$SELECT partman.create_partition(NULL, '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-02', '2024-07-01')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-01')$$),
  ($$SELECT partman.create_partition('badin.t', 'tomorrow-ish', '2024-07-02')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-02', list_values => '{{a}, {b}}')$$),
  ($$SELECT partman.create_partition('badin.t', '-infinity', '2024-07-02')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-06-14', '2024-06-16')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-02', list_values => '{a}')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-02', remainder => 1)$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-02', name => repeat('n', 64))$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-02', name => 't_p20240614')$$),
  ($$SELECT partman.create_partition('badin.t', '2024-07-01', '2024-07-02', name => '')$$),
  ($$SELECT partman.create_partition('badin.i', '0', '99999999999')$$),
  ($$SELECT partman.create_partition('badin.i', '1.5', '20')$$),
  ($$SELECT partman.create_partition('badin.l', list_values => '{}')$$),
  ($$SELECT partman.create_partition('badin.l', list_values => '{DE}')$$),
  ($$SELECT partman.create_partition('badin.l', list_values => '{{XX}, {YY}}')$$),
  ($$SELECT partman.create_partition('badin.l', list_values => '{ZZ}', name => 'l_eu')$$),
  ($$SELECT partman.create_partition('badin.l', '1', '2')$$),
  ($$SELECT partman.create_partition('badin.h', remainder => 4)$$),
  ($$SELECT partman.create_partition('badin.h', remainder => -1)$$),
  ($$SELECT partman.create_partition('badin.h', remainder => 0)$$),
  ($$SELECT partman.create_partition('badin.plain', '2024-07-01', '2024-07-02')$$),
-- attach_partition
  ($$SELECT partman.attach_partition('badin.t', NULL, '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.attach_partition('badin.t', 'badin.loose', '2024-07-02', '2024-07-01')$$),
  ($$SELECT partman.attach_partition('badin.t', 'badin.loose_int', '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.attach_partition('badin.t', 'badin.v', '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.attach_partition('badin.t', 'badin.t', '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.attach_partition('badin.t', 'badin.t_p20240614', '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.attach_partition('badin.t', 'badin.loose', '2024-06-14', '2024-06-15')$$),
  ($$SELECT partman.attach_partition('badin.i', 'badin.loose_int', '0', '1e400')$$),
-- detach_partition, drop_partition
  ($$SELECT partman.detach_partition(NULL)$$),
  ($$SELECT partman.detach_partition('badin.t')$$),
  ($$SELECT partman.detach_partition('badin.loose')$$),
  ($$SELECT partman.detach_partition('badin.t_p20240614', 'shred')$$),
  ($$SELECT partman.detach_partition('badin.t_p20240614', NULL)$$),
  ($$SELECT partman.detach_partition('badin.t_p20240614', 'archive')$$),
  ($$SELECT partman.detach_partition('badin.t_p20240614', 'archive', 'no_such_schema')$$),
  ($$SELECT partman.detach_partition('badin.t_p20240614', 'archive', 'x"; DROP TABLE badin.t; --')$$),
  ($$SELECT partman.drop_partition(NULL)$$),
  ($$SELECT partman.drop_partition('badin.t')$$),
  ($$SELECT partman.drop_partition('badin.plain')$$),
  ($$SELECT partman.drop_partition('badin.t_p20240614', only_if_empty => true)$$),
-- split_partition, merge_partitions, split_hash_partition
  ($$SELECT partman.split_partition(NULL, '2024-06-14 12:00')$$),
  ($$SELECT partman.split_partition('badin.t_p20240614', NULL)$$),
  ($$SELECT partman.split_partition('badin.t_p20240614', 'noon')$$),
  ($$SELECT partman.split_partition('badin.t_p20240614', '2024-06-14')$$),
  ($$SELECT partman.split_partition('badin.t_p20240614', '2024-06-20')$$),
  ($$SELECT partman.split_partition('badin.t_default', '2024-06-14 12:00')$$),
  ($$SELECT partman.split_partition('badin.t', '2024-06-14 12:00')$$),
  ($$SELECT partman.split_partition('badin.l_eu', 'DE')$$),
  ($$SELECT partman.split_partition('badin.i_p0', '99999999999')$$),
  ($$SELECT partman.merge_partitions(NULL)$$),
  ($$SELECT partman.merge_partitions('{}')$$),
  ($$SELECT partman.merge_partitions('{badin.t_p20240614}')$$),
  ($$SELECT partman.merge_partitions('{badin.t_p20240614, badin.t_p20240614}')$$),
  ($$SELECT partman.merge_partitions('{badin.t_p20240614, badin.t_p20240616}')$$),
  ($$SELECT partman.merge_partitions('{badin.l_eu, badin.l_us, badin.l_default}')$$),
  ($$SELECT partman.merge_partitions('{badin.t_p20240614, badin.i_p0}')$$),
  ($$SELECT partman.merge_partitions('{badin.t_p20240614, badin.t_default}')$$),
  ($$SELECT partman.merge_partitions(ARRAY['badin.t_p20240614', NULL]::regclass[])$$),
  ($$SELECT partman.merge_partitions('{badin.h_h0, badin.h_h1}')$$),
  ($$SELECT partman.merge_partitions('{{badin.t_p20240614}, {badin.t_p20240615}}')$$),
  ($$SELECT partman.split_hash_partition(NULL)$$),
  ($$SELECT partman.split_hash_partition('badin.t_p20240614')$$),
  ($$SELECT partman.split_hash_partition('badin.h')$$),
-- move_partition (its moves themselves need other servers: test/t/020_move_partition.pl)
  ($$CALL partman.move_partition(NULL, 'nowhere')$$),
  ($$CALL partman.move_partition('badin.t_p20240614', 'nowhere')$$),
  ($$CALL partman.move_partition('badin.t_p20240614', NULL)$$),
  ($$CALL partman.move_partition('badin.t_p20240614', NULL, batch_rows => 0)$$),
  ($$CALL partman.move_partition('badin.t_p20240614', NULL, keep_source => NULL)$$),
  ($$CALL partman.move_partition('badin.t_default', 'nowhere')$$),
  ($$CALL partman.move_partition('badin.t', 'nowhere')$$),
  ($$CALL partman.move_partition('badin.plain', NULL)$$),
-- shard_table (its shardings themselves need other servers: test/t/021_shard_table.pl)
  ($$CALL partman.shard_table(NULL, 'id', '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.loose', NULL, '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.loose', 'id', NULL)$$),
  ($$CALL partman.shard_table('badin.loose', 'id', '{}')$$),
  ($$CALL partman.shard_table('badin.loose', 'id', ARRAY[NULL]::name[])$$),
  ($$CALL partman.shard_table('badin.loose', 'id', '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.loose', 'nope', '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.loose', 'id', '{nowhere}', modulus => 0)$$),
  ($$CALL partman.shard_table('badin.loose', 'id', '{nowhere}', batch_rows => 0)$$),
  ($$CALL partman.shard_table('badin.t_p20240614', 'id', '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.v', 'x', '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.seq', 'x', '{nowhere}')$$),
  ($$CALL partman.shard_table('badin.t', 'id', '{nowhere}')$$),
-- maintenance and introspection
  ($$CALL partman.run_maintenance('badin.plain')$$),
  ($$CALL partman.run_maintenance('badin."x''); DROP TABLE badin.t; --"')$$),
  ($$CALL partman.partition_data(NULL)$$),
  ($$CALL partman.partition_data('badin.t', batch_rows => 0)$$),
  ($$CALL partman.partition_data('badin.t', batch_rows => -1)$$),
  ($$CALL partman.partition_data('badin.t', batch_rows => NULL)$$),
  ($$CALL partman.partition_data('badin.plain')$$),
  ($$CALL partman.partition_data('badin.t', source => 'badin.v')$$),
  ($$CALL partman.partition_data('badin.t', source => 'badin.loose_int')$$),
  ($$CALL partman.partition_data('badin.t', source => 'badin.t')$$),
  ($$SELECT partman.maintenance_plan('badin.plain')$$),
  ($$SELECT partman.show_partitions(NULL::regclass)$$),
  ($$SELECT partman.show_partitions('badin.v')$$),
  ($$SELECT partman.partition_for(NULL, '2024-06-14')$$),
  ($$SELECT partman.partition_for('badin.t', repeat('9', 100000))$$),
  ($$SELECT partman.partition_for('badin.i', '99999999999')$$),
  ($$SELECT partman.partition_for('badin.i', 'eleven')$$),
  ($$SELECT partman.partition_for('badin.t_p20240614', '2024-06-14')$$),
  ($$SELECT partman.check_default('badin.plain')$$),
  ($$SELECT partman.check_default('badin.t', NULL)$$),
-- wrong types and argument counts
  ($$SELECT partman.create_parent(42, '1 day')$$),
  ($$SELECT partman.create_parent('badin.t', interval '1 day')$$),
  ($$SELECT partman.split_partition('badin.t_p20240614', 42)$$),
  ($$SELECT partman.merge_partitions('badin.t_p20240614')$$),
  ($$SELECT partman.wake_worker('badin.t')$$),
  ($$SELECT partman.pruning_stats_reset('badin.t')$$),
-- pruning
  ($$SELECT partman.explain_pruning(NULL)$$),
  ($$SELECT partman.explain_pruning('')$$),
  ($$SELECT partman.explain_pruning('SELEC * FROM badin.t')$$),
  ($$SELECT partman.explain_pruning('SELECT 1; SELECT 2')$$),
  ($$SELECT partman.explain_pruning('DROP TABLE badin.t')$$),
  ($$SELECT partman.explain_pruning('SELECT * FROM badin.no_such_table')$$),
  ($$SELECT partman.explain_pruning('SELECT * FROM badin.t WHERE ts = $2')$$),
  ($$SELECT partman.explain_pruning(repeat('(', 100000))$$),
  ($$SELECT partman.explain_pruning('EXPLAIN ANALYZE SELECT * FROM badin.t')$$),
  ($$SELECT partman.explain_pruning('COPY badin.t TO STDOUT')$$),
  ($$SELECT partman.explain_pruning('DO $x$BEGIN DROP TABLE badin.t; END$x$')$$),
  ($$SELECT partman.explain_pruning('CALL partman.run_maintenance()')$$),
  ($$SELECT partman.explain_pruning('SET partman.lock_timeout = 5')$$),
  ($$SELECT partman.explain_pruning('CREATE TABLE badin.ctas AS SELECT 1')$$),
  ($$SELECT partman.explain_pruning('EXECUTE no_such_statement')$$),
  ($$SELECT partman.explain_pruning('LOCK badin.t')$$),
  ($$SELECT partman.set_pruning_policy(NULL)$$),
  ($$SELECT partman.set_pruning_policy('badin.t', 'sometimes')$$),
  ($$SELECT partman.set_pruning_policy('badin.t', NULL)$$),
  ($$SELECT partman.set_pruning_policy('badin.t', 'error', -1)$$),
  ($$SELECT partman.set_pruning_policy('badin.plain')$$),
  ($$SELECT partman.set_pruning_policy('badin.v')$$),
-- the functions behind the views, and the uuid aggregates
  ($$SELECT partman.set_health(NULL)$$),
  ($$SELECT partman.set_health('badin.plain')$$),
  ($$SELECT partman.set_health('badin.v')$$),
  ($$SELECT partman.set_health('badin.seq')$$),
  ($$SELECT partman.set_health('badin.t_ts')$$),
  ($$SELECT * FROM partman.workers(NULL)$$),
  ($$SELECT * FROM partman.pruning_stats('badin.t')$$),
  ($$SELECT partman.uuid_min(u) FROM (VALUES ('not a uuid')) v(u)$$),
  ($$SELECT partman.uuid_max(x) FROM (VALUES (1)) v(x)$$),
  ($$SELECT partman.uuid7_floor('infinity')$$),
  ($$SELECT partman.uuid7_floor('1969-12-31 23:59:59+00')$$),
  ($$SELECT partman.uuid7_floor('yesterday noon-ish')$$);
UPDATE badin.calls SET fn = substring(call FROM 'partman\.(\w+)');

-- Catalog before: relations of the schema (name, kind, bound) and partman's config.
CREATE TEMP TABLE rels_before AS
SELECT c.relname::text, c.relkind::text, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_class c WHERE c.relnamespace = 'badin'::regnamespace;
CREATE TEMP TABLE config_before AS SELECT * FROM partman.part_config;
CREATE TEMP TABLE rows_before AS
SELECT tableoid::regclass::text AS rel, count(*) FROM badin.t GROUP BY 1
UNION ALL SELECT tableoid::regclass::text, count(*) FROM badin.i GROUP BY 1;

CREATE TEMP TABLE outcome AS
SELECT c.fn, c.call, r.state AS sqlstate, r.message FROM badin.calls c, LATERAL badin.try(c.call) r;

\pset format aligned
SELECT fn, call, sqlstate, left(message, 100) AS message FROM outcome ORDER BY fn, call;
-- the summary: how many calls, across how many functions, and none failed badly
SELECT count(*) AS bad_calls, count(DISTINCT fn) AS functions,
       count(*) FILTER (WHERE sqlstate = 'none') AS succeeded,
       count(*) FILTER (WHERE sqlstate = 'XX000' OR sqlstate LIKE '58%') AS internal_errors
  FROM outcome;
-- every SQL-callable function of the extension but the internal ones is in the table
-- (partition_table, split_partition_online and adopt_pg_partman, of another
-- branch, have their bad calls in their own files; so has advise_key, in
-- 20_advise_key)
SELECT p.proname AS function_not_called
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
   AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'partman'
 WHERE p.proname NOT LIKE '\_%' AND p.prorettype <> 'trigger'::regtype
   AND p.proname NOT IN (SELECT fn FROM outcome)
   AND p.proname NOT IN ('partition_table', 'split_partition_online', 'adopt_pg_partman', 'advise_key')
 ORDER BY 1;

-- nothing changed
SELECT * FROM (
  SELECT 'added' AS change, * FROM (SELECT * FROM (
      SELECT c.relname::text, c.relkind::text, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_class c WHERE c.relnamespace = 'badin'::regnamespace) now
      EXCEPT SELECT * FROM rels_before) a
  UNION ALL
  SELECT 'removed', * FROM (SELECT * FROM rels_before EXCEPT
      SELECT c.relname::text, c.relkind::text, pg_get_expr(c.relpartbound, c.oid)
        FROM pg_class c WHERE c.relnamespace = 'badin'::regnamespace) r) d
 ORDER BY 1, 2;
SELECT count(*) AS config_rows_changed FROM (
  (SELECT * FROM partman.part_config EXCEPT SELECT * FROM config_before)
  UNION ALL
  (SELECT * FROM config_before EXCEPT SELECT * FROM partman.part_config)) d;
SELECT count(*) AS row_counts_changed FROM (
  (SELECT * FROM rows_before EXCEPT
   (SELECT tableoid::regclass::text, count(*) FROM badin.t GROUP BY 1
    UNION ALL SELECT tableoid::regclass::text, count(*) FROM badin.i GROUP BY 1))) d;

DROP SCHEMA badin CASCADE;
