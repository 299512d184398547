-- Maintenance: the background document's Exercise 1 scaled down (events by
-- day, premake 7, 90-day retention) maintained across simulated days; each
-- retention action; rescue of rows parked in the default partition; the dry
-- run; one failing set does not stop the others.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-01-01 12:00:00+00';

CREATE TABLE public.ex1_events (
    event_id   bigint NOT NULL,
    event_type text NOT NULL,
    created_at timestamptz NOT NULL
) PARTITION BY RANGE (created_at);
CREATE INDEX ON public.ex1_events (created_at);
SELECT partman.create_parent('public.ex1_events', '1 day', premake => 7, retention => '90 days',
                             start_partition => '2023-12-01');

-- the dry run on day one: nothing to do
SELECT * FROM partman.maintenance_plan('public.ex1_events');

-- 150 simulated days: each day 24 events arrive, then maintenance runs
CREATE TABLE public.ex1_inserted (event_id bigint, created_at timestamptz);
-- (quiet: each run that changes the set ends with a summary NOTICE)
SET client_min_messages = warning;
DO $$
DECLARE
    day timestamptz;
BEGIN
    FOR d IN 0..149 LOOP
        day := timestamptz '2024-01-01 00:00+00' + d * interval '1 day';
        PERFORM set_config('partman.simulated_now', (day + interval '12 hours')::text, false);
        INSERT INTO public.ex1_events
        SELECT d * 100 + h, (ARRAY['pageview','click','purchase','signup'])[1 + h % 4],
               day + h * interval '1 hour'
          FROM generate_series(0, 23) h;
        INSERT INTO public.ex1_inserted
        SELECT d * 100 + h, day + h * interval '1 hour' FROM generate_series(0, 23) h;
        CALL partman.run_maintenance();
    END LOOP;
END
$$;
RESET client_min_messages;
SHOW partman.simulated_now;
-- 91 days kept (the partition holding now - 90 days included), today, 7 ahead
SELECT count(*) FILTER (WHERE NOT is_default) AS partitions,
       min(range_from) AS oldest, max(range_to) AS newest
  FROM partman.show_partitions('public.ex1_events');
SELECT parent, partitions, future_partitions, default_rows, status, status_reasons, last_error
  FROM partman.sets WHERE parent = 'public.ex1_events'::regclass;
-- no row lost: what is left is exactly what was inserted minus what retention removed
SELECT (SELECT count(*) FROM public.ex1_events) AS rows_left,
       (SELECT count(*) FROM public.ex1_inserted
         WHERE created_at >= (SELECT min(range_from)::timestamptz
                                FROM partman.show_partitions('public.ex1_events'))) AS expected_rows,
       (SELECT count(*) FROM (SELECT event_id FROM public.ex1_events
                              EXCEPT SELECT event_id FROM public.ex1_inserted) x) AS unknown_rows,
       (SELECT count(*) FROM ONLY public.ex1_events_default) AS in_default;
SELECT action, outcome, count(*) FROM partman.maintenance_log
 WHERE parent = 'public.ex1_events'::regclass GROUP BY 1, 2 ORDER BY 1, 2;

-- Rescue: rows that arrived before their partition (beyond premake) wait in
-- the default partition and move into it when maintenance makes it.
INSERT INTO public.ex1_events VALUES (900001, 'click', '2024-06-15 10:00+00'),
                                     (900002, 'click', '2024-06-15 11:00+00');
SELECT tableoid::regclass AS parked_in FROM public.ex1_events WHERE event_id = 900001;
SELECT action, partition, lock_mode, reason FROM partman.maintenance_plan('public.ex1_events');
SET partman.simulated_now = '2024-06-10 12:00:00+00';
SELECT action, partition, reason FROM partman.maintenance_plan('public.ex1_events') WHERE action <> 'drop';
CALL partman.run_maintenance('public.ex1_events');
SELECT event_id, tableoid::regclass FROM public.ex1_events WHERE event_id > 900000 ORDER BY 1;
SELECT action, partition, outcome, detail FROM partman.maintenance_log
 WHERE action = 'rescue' ORDER BY id;

-- Too many parked rows for one transaction: maintenance leaves that
-- partition to partition_data and says so; the set shows it.
SELECT partman.set_config('public.ex1_events', 'max_rescue_rows', '5');
INSERT INTO public.ex1_events
SELECT 910000 + g, 'signup', '2024-06-25 00:00+00'::timestamptz + g * interval '1 minute'
  FROM generate_series(1, 10) g;
SET partman.simulated_now = '2024-06-20 12:00:00+00';
CALL partman.run_maintenance('public.ex1_events');
SELECT partition, outcome FROM partman.maintenance_log WHERE outcome = 'needs partition_data';
SELECT future_partitions, status FROM partman.sets WHERE parent = 'public.ex1_events'::regclass;
-- (its progress NOTICEs carry rows/s, which vary from run to run)
SET client_min_messages = warning;
CALL partman.partition_data('public.ex1_events');
RESET client_min_messages;
SELECT count(*) AS left_in_default FROM ONLY public.ex1_events_default;
CALL partman.run_maintenance('public.ex1_events');
-- (status is left out here: its default-rows estimate follows statistics, which lag a little)
SELECT future_partitions FROM partman.sets WHERE parent = 'public.ex1_events'::regclass;
SELECT "rows" AS rows_in_default FROM partman.check_default('public.ex1_events', exact => true);

-- Retention actions: detach keeps the tables, archive moves them to a schema.
CREATE SCHEMA ex1_archive;
CREATE TABLE public.ret_detach (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
CREATE TABLE public.ret_archive (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SET partman.simulated_now = '2024-03-01 12:00:00+00';
SELECT partman.create_parent('public.ret_detach', '1 month', premake => 1, retention => '1 month',
                             retention_action => 'detach', start_partition => '2023-10-01');
SELECT partman.create_parent('public.ret_archive', '1 month', premake => 1, retention => '1 month',
                             retention_action => 'archive', retention_schema => 'ex1_archive',
                             start_partition => '2023-10-01', default_partition => false);
INSERT INTO public.ret_detach SELECT ts, 1 FROM generate_series(timestamptz '2023-10-01', '2024-03-31', '1 day') ts;
INSERT INTO public.ret_archive SELECT ts, 1 FROM generate_series(timestamptz '2023-10-01', '2024-03-31', '1 day') ts;
-- the dry run: DETACH ... CONCURRENTLY where PostgreSQL allows it (no default partition)
SELECT parent, action, partition, statement, lock_mode FROM partman.maintenance_plan()
 WHERE parent IN ('public.ret_detach'::regclass, 'public.ret_archive'::regclass)
 ORDER BY parent::text, partition, statement;
CALL partman.run_maintenance();
SELECT partition, range_from FROM partman.show_partitions('public.ret_detach') WHERE NOT is_default;
SELECT c.oid::regclass AS kept_table, c.relispartition, (SELECT count(*) FROM public.ret_detach_p202310) AS rows_2023_10
  FROM pg_class c WHERE c.relname = 'ret_detach_p202310';
SELECT partition FROM partman.show_partitions('public.ret_archive');
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'ex1_archive' ORDER BY 2;

-- Integer sets: premake counts from the newest key, retention from it too.
CREATE TABLE public.ret_ids (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('public.ret_ids', '1000', premake => 2, retention => '2500');
INSERT INTO public.ret_ids SELECT generate_series(0, 2999);
SELECT partman.drop_partition('public.ret_ids_default');
CALL partman.run_maintenance('public.ret_ids');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.ret_ids');

-- One failing set does not stop the others: its archive schema is gone.
DROP SCHEMA ex1_archive CASCADE;
SET partman.simulated_now = '2024-05-01 12:00:00+00';
CALL partman.run_maintenance();
SELECT parent, status, last_error FROM partman.sets
 WHERE parent IN ('public.ret_archive'::regclass, 'public.ret_detach'::regclass) ORDER BY parent::text;
SELECT partition FROM partman.show_partitions('public.ret_detach') WHERE NOT is_default;

-- Inside a transaction block, maintenance runs in that transaction.
SET partman.simulated_now = '2024-09-01 12:00:00+00';
BEGIN;
CALL partman.run_maintenance('public.ret_detach');
SELECT count(*) AS partitions_in_transaction FROM partman.show_partitions('public.ret_detach');
ROLLBACK;
SELECT count(*) AS partitions_after_rollback FROM partman.show_partitions('public.ret_detach');

-- Errors
CALL partman.run_maintenance('public.ex1_inserted');
CALL partman.partition_data('public.ex1_inserted');
CALL partman.partition_data('public.ret_detach', batch_rows => 0);
CALL partman.partition_data('public.ret_detach', batch_rows => NULL);
CALL partman.partition_data('public.ret_archive');
CALL partman.partition_data('public.ret_detach', source => 'public.ret_ids');
SELECT partman.set_config('public.ex1_events', 'max_rescue_rows', '-1');

-- maintenance_log pruning: a run deletes the rows logged before now() - partman.maintenance_log_days
-- (it looks through the index on logged_at first and skips the DELETE when there are none)
INSERT INTO partman.maintenance_log (logged_at, action, outcome) VALUES
  (now() - interval '40 days', 'prune_test', 'old'), (now() - interval '20 days', 'prune_test', 'recent');
CALL partman.run_maintenance('public.ret_detach');
SELECT outcome FROM partman.maintenance_log WHERE action = 'prune_test' ORDER BY outcome;
CALL partman.run_maintenance('public.ret_detach');
SELECT outcome FROM partman.maintenance_log WHERE action = 'prune_test' ORDER BY outcome;
SET partman.maintenance_log_days = 10;
CALL partman.run_maintenance('public.ret_detach');
SELECT count(*) AS prune_test_rows FROM partman.maintenance_log WHERE action = 'prune_test';
RESET partman.maintenance_log_days;
