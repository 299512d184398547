-- Bad input: every mistake is an ERROR with a specific SQLSTATE, and a
-- failed call changes nothing.
SET DateStyle = 'ISO, YMD';
SET partman.simulated_now = '2024-06-15 12:00:00+00';
\set VERBOSITY default

CREATE TABLE public.plain (id int, ts timestamptz);
CREATE TABLE public.err_time (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE public.err_date (d date NOT NULL) PARTITION BY RANGE (d);
CREATE TABLE public.err_int (i int NOT NULL) PARTITION BY RANGE (i);
CREATE TABLE public.err_multi (a int, b int) PARTITION BY RANGE (a, b);
CREATE TABLE public.err_expr (id int) PARTITION BY RANGE ((id * 2));
CREATE TABLE public.err_text (t text) PARTITION BY RANGE (t);
CREATE TABLE public.err_list (r text) PARTITION BY LIST (r);
CREATE VIEW public.err_view AS SELECT 1 AS x;

-- the messages users see, with their hints
SELECT partman.create_parent('public.plain', '1 day');
SELECT partman.create_parent('public.err_int', '1 day');
SELECT partman.create_parent('public.err_time', '100000');
SELECT partman.create_parent('public.err_time', '1 day', premake => -1);
SELECT partman.create_parent('public.err_time', '1 day', time_zone => 'Mars/Olympus_Mons');
SELECT partman.create_parent('public.err_multi', '1');
SELECT partman.create_parent('public.err_time', '1 day', start_partition => 'infinity');

-- the whole table: call, SQLSTATE, message
CREATE FUNCTION public.try(call text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE call;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;
CREATE TEMP TABLE config_before AS SELECT * FROM partman.part_config;
CREATE TEMP TABLE tables_before AS SELECT count(*) AS n FROM pg_class WHERE relkind IN ('r', 'p') AND relpersistence <> 't';

SELECT call, public.try(call) AS outcome FROM (VALUES
  ($$SELECT partman.create_parent(NULL, '1 day')$$),
  ($$SELECT partman.create_parent('public.err_time', NULL)$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', premake => NULL)$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', default_partition => NULL)$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', time_zone => NULL)$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention_action => NULL)$$),
  ($$SELECT partman.create_parent('public.no_such_table', '1 day')$$),
  ($$SELECT partman.create_parent('public.plain', '1 day')$$),
  ($$SELECT partman.create_parent('public.err_view', '1 day')$$),
  ($$SELECT partman.create_parent('public.err_multi', '1')$$),
  ($$SELECT partman.create_parent('public.err_expr', '1 day')$$),
  ($$SELECT partman.create_parent('public.err_text', '1 day')$$),
  ($$SELECT partman.create_parent('public.err_list', '1 day')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', modulus => 4)$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', list_values => '{"a": ["x"]}')$$),
  ($$SELECT partman.create_parent('public.err_time', 'fortnightly')$$),
  ($$SELECT partman.create_parent('public.err_time', '100000')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day 2 hours')$$),
  ($$SELECT partman.create_parent('public.err_time', '7 minutes')$$),
  ($$SELECT partman.create_parent('public.err_time', '90 seconds')$$),
  ($$SELECT partman.create_parent('public.err_time', '24 hours')$$),
  ($$SELECT partman.create_parent('public.err_time', '0 days')$$),
  ($$SELECT partman.create_parent('public.err_time', '-1 month')$$),
  ($$SELECT partman.create_parent('public.err_time', '5000 years')$$),
  ($$SELECT partman.create_parent('public.err_date', '1 hour')$$),
  ($$SELECT partman.create_parent('public.err_int', '1 day')$$),
  ($$SELECT partman.create_parent('public.err_int', '0')$$),
  ($$SELECT partman.create_parent('public.err_int', '-10')$$),
  ($$SELECT partman.create_parent('public.err_int', '99999999999')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', premake => -1)$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', premake => 1000000)$$),
  ($$SELECT partman.create_parent('public.err_time', '15 minutes', premake => 10000, start_partition => '2020-01-01')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', start_partition => 'yesterday-ish')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', start_partition => 'infinity')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', start_partition => '-infinity')$$),
  ($$SELECT partman.create_parent('public.err_int', '10', start_partition => 'ten')$$),
  ($$SELECT partman.create_parent('public.err_int', '10', start_partition => '99999999999')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', time_zone => 'Mars/Olympus_Mons')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', time_zone => '')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention => 'soon')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention => '-30 days')$$),
  ($$SELECT partman.create_parent('public.err_int', '10', retention => '1 day')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention_action => 'shred')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention_action => 'archive')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention_action => 'archive', retention_schema => 'no_such_schema')$$),
  ($$SELECT partman.create_parent('public.err_time', '1 day', retention_schema => 'public')$$),
  ($$SELECT partman.undo_parent('public.err_time')$$),
  ($$SELECT partman.undo_parent(NULL)$$),
  ($$SELECT partman.set_config('public.err_time', 'premake', '3')$$),
  ($$SELECT partman.show_partitions('public.plain')$$),
  ($$SELECT partman.partition_for('public.err_time', 'not a time')$$),
  ($$SELECT partman.partition_for('public.plain', '1')$$)
) AS t(call);

-- nothing changed
SELECT count(*) AS config_rows_changed FROM (
  (SELECT * FROM partman.part_config EXCEPT SELECT * FROM config_before)
  UNION ALL
  (SELECT * FROM config_before EXCEPT SELECT * FROM partman.part_config)) d;
SELECT (SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p') AND relpersistence <> 't') - n AS tables_added FROM tables_before;

-- a set that is already managed
SELECT partman.create_parent('public.err_time', '1 day', premake => 1);
SELECT partman.create_parent('public.err_time', '1 day', premake => 1);
SELECT count(*) AS partitions FROM partman.show_partitions('public.err_time');
