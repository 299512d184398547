-- Composite sets: the background document's Exercise 1 end to end.  Events
-- by day, each day split by event_type (LIST), premake 7, 90-day retention,
-- maintained across simulated days; rescue at both levels; retention takes
-- the whole sub-tree; partition_data fills both levels; HASH sub-partitions;
-- bad input.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-01-01 12:00:00+00';

-- The user declares the top level; partman partitions each day by event_type.
CREATE TABLE public.ex1c_events (
    event_id   bigint NOT NULL,
    event_type varchar(20) NOT NULL,
    user_id    int,
    event_data jsonb,
    event_date date NOT NULL
) PARTITION BY RANGE (event_date);
CREATE INDEX ON public.ex1c_events (event_date);
CREATE ROLE ex1c_reader;
GRANT SELECT ON public.ex1c_events TO ex1c_reader;
SELECT partman.create_parent('public.ex1c_events', '1 day', premake => 7, retention => '90 days',
                             sub_key => 'event_type',
                             sub_list_values => '{"pageview": ["pageview"], "click": ["click"],
                                                  "purchase": ["purchase"], "signup": ["signup"]}');
SELECT strategy, key, "interval", sub_strategy, sub_key, sub_list_values, sub_modulus
  FROM partman.part_config WHERE parent = 'public.ex1c_events'::regclass;

-- each day is a partition of the parent (level 1) with its own partitions
-- (level 2): one per event type and a default one; the top-level default is
-- a plain table
SELECT partition, bound, level, parent_partition, is_default
  FROM partman.show_partitions('public.ex1c_events') LIMIT 7;
SELECT partition, bound, level, is_default
  FROM partman.show_partitions('public.ex1c_events') WHERE level = 1 AND is_default;
SELECT level, count(*) FILTER (WHERE NOT is_default) AS partitions,
       count(*) FILTER (WHERE is_default) AS defaults
  FROM partman.show_partitions('public.ex1c_events') GROUP BY level ORDER BY level;
-- both levels belong to the owner and carry the parent's privileges
SELECT count(*) AS tables, count(DISTINCT c.relacl::text) AS distinct_acls,
       bool_and(c.relacl::text LIKE '%ex1c_reader=r/%') AS reader_can_select,
       count(*) FILTER (WHERE c.relkind = 'p') AS partitioned
  FROM partman.show_partitions('public.ex1c_events') p JOIN pg_class c ON c.oid = p.partition;

-- A query on event_date and event_type scans one leaf.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM public.ex1c_events WHERE event_date = '2024-01-03' AND event_type = 'click';
-- on event_date alone, the day's five leaves
EXPLAIN (COSTS OFF)
SELECT count(*) FROM public.ex1c_events WHERE event_date = '2024-01-03';
-- explain_pruning says the same, level by level, and why the second query
-- reads five leaves
SELECT * FROM partman.explain_pruning(
    $$SELECT count(*) FROM public.ex1c_events WHERE event_date = '2024-01-03' AND event_type = 'click'$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT count(*) FROM public.ex1c_events WHERE event_date = '2024-01-03'$$);

-- 120 simulated days: each day 24 events arrive, 6 of each type, then
-- maintenance runs.
CREATE TABLE public.ex1c_inserted (event_id bigint, event_date date);
-- (quiet: each run that changes the set ends with a summary NOTICE)
SET client_min_messages = warning;
DO $$
DECLARE
    day date;
BEGIN
    FOR d IN 0..119 LOOP
        day := date '2024-01-01' + d;
        PERFORM set_config('partman.simulated_now', (day + time '12:00')::text || '+00', false);
        INSERT INTO public.ex1c_events
        SELECT d * 100 + h, (ARRAY['pageview','click','purchase','signup'])[1 + h % 4], h, NULL, day
          FROM generate_series(0, 23) h;
        INSERT INTO public.ex1c_inserted SELECT d * 100 + h, day FROM generate_series(0, 23) h;
        CALL partman.run_maintenance('public.ex1c_events');
    END LOOP;
END
$$;
RESET client_min_messages;
SHOW partman.simulated_now;
-- 91 days kept (the partition holding now - 90 days included), today, 7
-- ahead; five leaves each
SELECT level, count(*) FILTER (WHERE NOT is_default) AS partitions,
       count(*) FILTER (WHERE is_default) AS defaults,
       min(range_from) AS oldest, max(range_to) AS newest
  FROM partman.show_partitions('public.ex1c_events') GROUP BY level ORDER BY level;
SELECT parent, partitions, sub_partitions, oldest_bound, newest_bound, future_partitions,
       status, last_error
  FROM partman.sets WHERE parent = 'public.ex1c_events'::regclass;
-- no row lost: what is left is what was inserted minus what retention removed
SELECT (SELECT count(*) FROM public.ex1c_events) AS rows_left,
       (SELECT count(*) FROM public.ex1c_inserted
         WHERE event_date >= (SELECT min(range_from)::date
                                FROM partman.show_partitions('public.ex1c_events'))) AS expected_rows,
       (SELECT count(*) FROM (SELECT event_id FROM public.ex1c_events
                              EXCEPT SELECT event_id FROM public.ex1c_inserted) x) AS unknown_rows;
-- every row sits in the leaf of its day and type
SELECT count(*) AS rows_in_wrong_leaf FROM public.ex1c_events e
 WHERE tableoid::regclass::text <> 'ex1c_events_p' || to_char(event_date, 'YYYYMMDD') || '_' || event_type;
SELECT action, outcome, count(*) FROM partman.maintenance_log
 WHERE parent = 'public.ex1c_events'::regclass GROUP BY 1, 2 ORDER BY 1, 2;
-- retention dropped whole sub-trees: no leaf of a dropped day is left behind
SELECT count(*) AS orphaned_leaves FROM pg_class
 WHERE relname LIKE 'ex1c_events_p%' AND relkind = 'r' AND NOT relispartition;

-- Rescue at the sub-level: an event type the list does not name waits in
-- the day's default sub-partition ...
INSERT INTO public.ex1c_events VALUES (800001, 'refund', 1, NULL, '2024-04-29'),
                                      (800002, 'refund', 1, NULL, '2024-04-30'),
                                      (800003, 'refund', 1, NULL, '2024-04-30');
SELECT event_id, tableoid::regclass AS parked_in FROM public.ex1c_events WHERE event_id > 800000 ORDER BY 1;
-- check_default lists the default sub-partitions that hold rows
SELECT default_partition, "rows" FROM partman.check_default('public.ex1c_events', exact => true);
-- ... until the type is added to sub_list_values: then maintenance gives
-- every day its leaf and moves the parked rows into it
SELECT partman.set_config('public.ex1c_events', 'sub_list_values',
                          '{"pageview": ["pageview"], "click": ["click"], "purchase": ["purchase"],
                            "signup": ["signup"], "refund": ["refund"]}');
SELECT x AS reason
  FROM partman.sets, unnest(status_reasons) x
 WHERE parent = 'public.ex1c_events'::regclass AND x LIKE '%sub-partitions%';
SELECT action, count(*) FROM partman.maintenance_plan('public.ex1c_events') GROUP BY 1 ORDER BY 1;
SELECT action, partition, statement, reason
  FROM partman.maintenance_plan('public.ex1c_events') WHERE action = 'rescue';
CALL partman.run_maintenance('public.ex1c_events');
SELECT event_id, tableoid::regclass AS moved_to FROM public.ex1c_events WHERE event_id > 800000 ORDER BY 1;
SELECT level, count(*) FILTER (WHERE NOT is_default) AS partitions
  FROM partman.show_partitions('public.ex1c_events') GROUP BY level ORDER BY level;
SELECT cardinality(status_reasons) AS reasons_left FROM partman.sets
 WHERE parent = 'public.ex1c_events'::regclass;
SELECT partition, outcome, detail FROM partman.maintenance_log
 WHERE parent = 'public.ex1c_events'::regclass AND action = 'rescue' ORDER BY id;

-- Rescue at the top level: a row beyond premake waits in the top default
-- and moves into its leaf when maintenance makes its day.
INSERT INTO public.ex1c_events VALUES (800004, 'click', 1, NULL, '2024-05-15'),
                                      (800005, 'refund', 1, NULL, '2024-05-15'),
                                      (800006, 'upgrade', 1, NULL, '2024-05-15');
SELECT event_id, tableoid::regclass AS parked_in FROM public.ex1c_events WHERE event_id > 800003 ORDER BY 1;
SET partman.simulated_now = '2024-05-10 12:00:00+00';
SELECT action, partition, reason FROM partman.maintenance_plan('public.ex1c_events')
 WHERE action IN ('create', 'rescue') ORDER BY partition;
CALL partman.run_maintenance('public.ex1c_events');
SELECT event_id, tableoid::regclass AS moved_to FROM public.ex1c_events WHERE event_id > 800003 ORDER BY 1;

-- More parked rows than max_rescue_rows: maintenance leaves that
-- sub-partition to the statement maintenance_plan shows, and says so.
SELECT partman.set_config('public.ex1c_events', 'max_rescue_rows', '1');
INSERT INTO public.ex1c_events VALUES (800008, 'bonus', 1, NULL, '2024-05-10'),
                                      (800009, 'bonus', 1, NULL, '2024-05-10');
SELECT partman.set_config('public.ex1c_events', 'sub_list_values',
                          '{"pageview": ["pageview"], "click": ["click"], "purchase": ["purchase"],
                            "signup": ["signup"], "refund": ["refund"], "bonus": ["bonus"]}');
CALL partman.run_maintenance('public.ex1c_events');
SELECT partition, outcome, detail FROM partman.maintenance_log
 WHERE parent = 'public.ex1c_events'::regclass AND outcome LIKE 'needs%';
SELECT statement FROM partman.maintenance_plan('public.ex1c_events') \gexec
SELECT event_id, tableoid::regclass AS moved_to FROM public.ex1c_events WHERE event_id > 800007 ORDER BY 1;
SELECT count(*) AS days_without_bonus FROM partman.show_partitions('public.ex1c_events') p
 WHERE p.level = 1 AND NOT p.is_default
   AND NOT EXISTS (SELECT FROM partman.show_partitions('public.ex1c_events') q
                    WHERE q.parent_partition = p.partition AND q.list_values = '{bonus}');
SELECT partman.set_config('public.ex1c_events', 'max_rescue_rows', '100000');

-- Retention 'archive' moves a day with all its leaves (PostgreSQL's SET
-- SCHEMA moves only the table named); 'detach' keeps the sub-tree whole.
CREATE SCHEMA ex1c_archive;
UPDATE partman.part_config SET retention_action = 'archive', retention_schema = 'ex1c_archive'
 WHERE parent = 'public.ex1c_events'::regclass;
SET partman.simulated_now = '2024-05-11 12:00:00+00';
SELECT action, partition, statement FROM partman.maintenance_plan('public.ex1c_events')
 WHERE action = 'archive';
CALL partman.run_maintenance('public.ex1c_events');
SELECT c.relname, c.relkind, c.relispartition, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_class c WHERE c.relnamespace = 'ex1c_archive'::regnamespace AND c.relkind IN ('r', 'p')
 ORDER BY c.relkind DESC, c.relname;
SELECT count(*) AS archived_rows FROM ex1c_archive.ex1c_events_p20240210;
UPDATE partman.part_config SET retention_action = 'detach', retention_schema = NULL
 WHERE parent = 'public.ex1c_events'::regclass;
SET partman.simulated_now = '2024-05-12 12:00:00+00';
CALL partman.run_maintenance('public.ex1c_events');
SELECT c.relname, c.relkind, c.relispartition
  FROM pg_class c WHERE c.relname LIKE 'ex1c_events_p20240211%' AND c.relkind IN ('r', 'p')
 ORDER BY c.relkind DESC, c.relname;
SELECT count(*) AS detached_rows FROM public.ex1c_events_p20240211;

-- Operations on a composite set: create_partition makes a day with its
-- leaves; a leaf for new values is created on the day itself (the statement
-- maintenance_plan shows); only_if_empty counts the rows of the leaves;
-- split and merge refuse a partition that is itself partitioned;
-- detach_partition 'archive' moves the whole sub-tree.
SELECT partman.create_partition('public.ex1c_events', '2024-06-01', '2024-06-02');
SELECT partman.create_partition('public.ex1c_events_p20240601', list_values => ARRAY['upgrade', 'downgrade'],
                                name => 'ex1c_events_p20240601_plan');
INSERT INTO public.ex1c_events VALUES (800007, 'upgrade', 1, NULL, '2024-06-01');
SELECT partition, bound, level, parent_partition FROM partman.show_partitions('public.ex1c_events')
 WHERE partition::text LIKE 'ex1c_events_p20240601%';
SELECT tableoid::regclass AS stored_in FROM public.ex1c_events WHERE event_id = 800007;
SELECT partman.drop_partition('public.ex1c_events_p20240601', only_if_empty => true);
SELECT partman.split_partition('public.ex1c_events_p20240601', '2024-06-01 12:00');
SELECT partman.merge_partitions(ARRAY['public.ex1c_events_p20240512', 'public.ex1c_events_p20240513']::regclass[]);
SELECT partman.detach_partition('public.ex1c_events_p20240601', 'archive', 'ex1c_archive');
SELECT relname, relispartition FROM pg_class
 WHERE relnamespace = 'ex1c_archive'::regnamespace AND relname LIKE 'ex1c_events_p20240601%' AND relkind IN ('r', 'p')
 ORDER BY relname;

-- 1,000,000 rows of the 90 days parked in the default partition:
-- partition_data moves them into both levels; count and checksum unchanged.
SET partman.simulated_now = '2024-03-31 12:00:00+00';
CREATE TABLE public.ex1c_bulk (LIKE public.ex1c_events) PARTITION BY RANGE (event_date);
CREATE INDEX ON public.ex1c_bulk (event_date);
CREATE TABLE public.ex1c_bulk_default PARTITION OF public.ex1c_bulk DEFAULT;
INSERT INTO public.ex1c_bulk
SELECT g, (ARRAY['pageview','click','purchase','signup'])[1 + (g / 90) % 4], g % 5000,
       NULL, date '2024-01-01' + g % 90
  FROM generate_series(1, 1000000) g;
SELECT partman.create_parent('public.ex1c_bulk', '1 day', premake => 7, retention => '90 days',
                             sub_key => 'event_type',
                             sub_list_values => '{"pageview": ["pageview"], "click": ["click"],
                                                  "purchase": ["purchase"], "signup": ["signup"]}');
CREATE TABLE public.ex1c_before AS
SELECT count(*) AS n, md5(string_agg(md5(b::text), '' ORDER BY event_id)) AS checksum
  FROM public.ex1c_bulk b;
SELECT n FROM public.ex1c_before;
-- (its progress NOTICEs carry rows/s, which vary from run to run)
SET client_min_messages = warning;
CALL partman.partition_data('public.ex1c_bulk', batch_rows => 250000);
RESET client_min_messages;
SELECT a.n AS rows_after, a.n = b.n AS same_count, a.checksum = b.checksum AS same_checksum
  FROM (SELECT count(*) AS n, md5(string_agg(md5(x::text), '' ORDER BY event_id)) AS checksum
          FROM public.ex1c_bulk x) a, public.ex1c_before b;
SELECT count(*) AS left_in_default FROM ONLY public.ex1c_bulk_default;
SELECT count(DISTINCT tableoid) AS leaves_with_rows,
       count(*) FILTER (WHERE tableoid::regclass::text <>
                        'ex1c_bulk_p' || to_char(event_date, 'YYYYMMDD') || '_' || event_type) AS rows_in_wrong_leaf
  FROM public.ex1c_bulk;
SELECT level, count(*) FILTER (WHERE NOT is_default) AS partitions,
       count(*) FILTER (WHERE is_default) AS defaults
  FROM partman.show_partitions('public.ex1c_bulk') GROUP BY level ORDER BY level;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM public.ex1c_bulk WHERE event_date = '2024-02-01' AND event_type = 'purchase';
SELECT * FROM partman.explain_pruning(
    $$SELECT count(*) FROM public.ex1c_bulk WHERE event_date = '2024-02-01' AND event_type = 'purchase'$$);
SELECT count(*) FROM public.ex1c_bulk WHERE event_date = '2024-02-01' AND event_type = 'purchase';

-- HASH sub-partitions: every month split four ways by user_id; there is no
-- default HASH partition, so only the top level has one.  partition_data
-- from a source table fills both levels.
SET partman.simulated_now = '2024-01-15 12:00:00+00';
CREATE TABLE public.ex1c_sessions (
    session_id bigint NOT NULL,
    user_id    int NOT NULL,
    started_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, started_at, user_id)
) PARTITION BY RANGE (started_at);
ALTER TABLE public.ex1c_sessions REPLICA IDENTITY USING INDEX ex1c_sessions_pkey;
SELECT partman.create_parent('public.ex1c_sessions', '1 month', premake => 1,
                             sub_key => 'user_id', sub_modulus => 4);
SELECT partition, bound, level, parent_partition, modulus, remainder, is_default
  FROM partman.show_partitions('public.ex1c_sessions');
-- the replica identity index follows to the leaves
SELECT count(*) AS leaves, count(*) FILTER (WHERE c.relreplident = 'i') AS with_replica_index
  FROM partman.show_partitions('public.ex1c_sessions') p JOIN pg_class c ON c.oid = p.partition
 WHERE p.level = 2;
CREATE TABLE public.ex1c_sessions_old (LIKE public.ex1c_sessions);
INSERT INTO public.ex1c_sessions_old
SELECT g, g % 997, timestamptz '2023-10-01 00:00+00' + g * interval '1 hour' FROM generate_series(1, 2000) g;
SET client_min_messages = warning;
CALL partman.partition_data('public.ex1c_sessions', source => 'public.ex1c_sessions_old');
RESET client_min_messages;
SELECT p.parent_partition, count(*) AS leaves, count(*) FILTER (WHERE n > 0) AS leaves_with_rows, sum(n) AS rows
  FROM partman.show_partitions('public.ex1c_sessions') p
  CROSS JOIN LATERAL (SELECT count(*) AS n FROM public.ex1c_sessions s
                       WHERE s.tableoid = p.partition) c
 WHERE p.level = 2 GROUP BY 1 ORDER BY 1::text;
SELECT count(*) AS total, (SELECT count(*) FROM public.ex1c_sessions_old) AS left_in_source
  FROM public.ex1c_sessions;
EXPLAIN (COSTS OFF)
SELECT * FROM public.ex1c_sessions WHERE started_at = '2023-11-02 10:00+00' AND user_id = 42;

-- Bad input: a specific SQLSTATE each, and nothing changes.
CREATE TABLE public.ex1c_bad (id bigint, kind text, d date NOT NULL) PARTITION BY RANGE (d);
CREATE TABLE public.ex1c_bad_list (id bigint, kind text) PARTITION BY LIST (kind);
CREATE TABLE public.ex1c_bad_hash (id bigint, kind text) PARTITION BY HASH (id);
\set VERBOSITY default
SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind',
                             sub_list_values => '{"a": ["a"]}', sub_modulus => 4);
SELECT partman.create_parent('public.ex1c_bad_list', list_values => '{"a": ["a"]}',
                             sub_key => 'id', sub_modulus => 4);
CREATE FUNCTION public.ex1c_try(call text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE call;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;
CREATE TEMP TABLE ex1c_config_before AS SELECT * FROM partman.part_config;
CREATE TEMP TABLE ex1c_tables_before AS
SELECT count(*) AS n FROM pg_class WHERE relkind IN ('r', 'p') AND relpersistence <> 't';
SELECT call, public.ex1c_try(call) AS outcome FROM (VALUES
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'no_such_column', sub_list_values => '{"a": ["a"]}')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind', sub_list_values => '{"a": ["a"]}', sub_modulus => 4)$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_list_values => '{"a": ["a"]}')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_modulus => 4)$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'd', sub_modulus => 4)$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind', sub_list_values => '["a", "b"]')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind', sub_list_values => '{"a": []}')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind', sub_list_values => '{"a": ["a"}')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'id', sub_list_values => '{"a": ["not a number"]}')$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind', sub_modulus => 0)$$),
  ($$SELECT partman.create_parent('public.ex1c_bad', '1 day', sub_key => 'kind', sub_modulus => 5000)$$),
  ($$SELECT partman.create_parent('public.ex1c_bad_list', list_values => '{"a": ["a"]}', sub_key => 'id', sub_modulus => 4)$$),
  ($$SELECT partman.create_parent('public.ex1c_bad_hash', modulus => 2, sub_key => 'kind', sub_list_values => '{"a": ["a"]}')$$),
  ($$SELECT partman.set_config('public.ex1c_events', 'sub_key', 'user_id')$$),
  ($$SELECT partman.set_config('public.ex1c_events', 'sub_strategy', 'hash')$$),
  ($$UPDATE partman.part_config SET sub_strategy = 'hash' WHERE parent = 'public.ex1c_events'::regclass$$),
  ($$SELECT partman.set_config('public.ex1c_events', 'sub_modulus', '4')$$),
  ($$SELECT partman.set_config('public.ex1c_events', 'sub_list_values', NULL)$$),
  ($$SELECT partman.set_config('public.ex1c_events', 'sub_list_values', '{"click": "click"}')$$),
  ($$SELECT partman.set_config('public.ex1c_sessions', 'sub_modulus', '-2')$$),
  ($$UPDATE partman.part_config SET sub_strategy = 'range' WHERE parent = 'public.ex1c_events'::regclass$$)
) AS t(call);
-- nothing changed
SELECT count(*) AS config_rows_changed FROM (
  (SELECT * FROM partman.part_config EXCEPT SELECT * FROM ex1c_config_before)
  UNION ALL
  (SELECT * FROM ex1c_config_before EXCEPT SELECT * FROM partman.part_config)) d;
SELECT (SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p') AND relpersistence <> 't') - n AS tables_added
  FROM ex1c_tables_before;
-- a new modulus applies to months made from now on
SELECT partman.set_config('public.ex1c_sessions', 'sub_modulus', '8');
SET partman.simulated_now = '2024-02-15 12:00:00+00';
CALL partman.run_maintenance('public.ex1c_sessions');
SELECT parent_partition, count(*) AS leaves FROM partman.show_partitions('public.ex1c_sessions')
 WHERE level = 2 GROUP BY 1 ORDER BY 1::text;
-- storage parameters go to the leaves (PostgreSQL keeps none on a partitioned table)
SELECT partman.set_config('public.ex1c_sessions', 'storage_parameters', 'fillfactor=80');
SET partman.simulated_now = '2024-03-15 12:00:00+00';
CALL partman.run_maintenance('public.ex1c_sessions');
SELECT p.level, c.relkind, c.reloptions, count(*)
  FROM partman.show_partitions('public.ex1c_sessions') p JOIN pg_class c ON c.oid = p.partition
 WHERE p.partition::text LIKE 'ex1c_sessions_p202404%' GROUP BY 1, 2, 3 ORDER BY 1;
