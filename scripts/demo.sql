-- partman demo: run by scripts/demo.sh start against database postgres (psql, ON_ERROR_STOP).
\pset footer off
CREATE EXTENSION IF NOT EXISTS partman;

\echo
\echo '== orders, partitioned by year (RANGE on a date key)'
CREATE TABLE public.orders (
    order_id     bigint GENERATED ALWAYS AS IDENTITY,
    customer_id  int NOT NULL,
    order_date   date NOT NULL,
    total_amount numeric(10,2),
    PRIMARY KEY (order_id, order_date)
) PARTITION BY RANGE (order_date);
SELECT partman.create_parent('public.orders', '1 year', premake => 1, start_partition => '2022-01-01')
       AS tables_created;
INSERT INTO public.orders (customer_id, order_date, total_amount)
SELECT 1 + g % 500, date '2022-01-01' + g % 1200, (g % 9000) / 7.0
  FROM generate_series(1, 20000) g;
ANALYZE public.orders;
SELECT partition, range_from, range_to, est_rows, pg_size_pretty(total_bytes) AS size
  FROM partman.show_partitions('public.orders');

\echo
\echo '== events, partitioned by day in UTC (120 days back, 7 ahead, 90-day retention: the worker will drop 30)'
CREATE TABLE public.events (
    event_id   bigint GENERATED ALWAYS AS IDENTITY,
    user_id    int NOT NULL,
    event_type text NOT NULL,
    created_at timestamptz NOT NULL
) PARTITION BY RANGE (created_at);
SELECT partman.create_parent('public.events', '1 day', premake => 7,
                             start_partition => (now() - interval '120 days')::text,
                             retention => '90 days') AS tables_created;
SELECT partition, range_from, range_to
  FROM partman.show_partitions('public.events') ORDER BY partition DESC LIMIT 5;

\echo
\echo '== meter readings, hourly in Europe/Berlin (boundaries on local hours, DST-safe)'
CREATE TABLE public.readings (meter int NOT NULL, read_at timestamptz NOT NULL, kwh numeric)
    PARTITION BY RANGE (read_at);
SELECT partman.create_parent('public.readings', '1 hour', premake => 3,
                             time_zone => 'Europe/Berlin') AS tables_created;
SELECT partition, range_from, range_to FROM partman.show_partitions('public.readings');

\echo
\echo '== tickets, partitioned by id in blocks of 100000 (RANGE on bigint)'
CREATE TABLE public.tickets (ticket_id bigint NOT NULL, subject text) PARTITION BY RANGE (ticket_id);
SELECT partman.create_parent('public.tickets', '100000', premake => 2) AS tables_created;
SELECT partition, range_from, range_to FROM partman.show_partitions('public.tickets');

\echo
\echo '== customers by region (LIST on text); rows for other regions wait in the default partition'
CREATE TABLE public.customers (customer_id serial, name varchar(100), region varchar(20) NOT NULL)
    PARTITION BY LIST (region);
SELECT partman.create_parent('public.customers', list_values =>
    '{"americas": ["US","CA","MX","BR"], "europe": ["UK","DE","FR","ES","IT"], "apac": ["JP","CN","AU","IN","SG"]}')
    AS tables_created;
INSERT INTO public.customers (name, region)
SELECT 'customer ' || g, (ARRAY['US','DE','JP','ZA','NG'])[1 + g % 5] FROM generate_series(1, 1000) g;
SELECT tableoid::regclass AS partition, count(*) FROM public.customers GROUP BY 1 ORDER BY 1;
\echo '-- a partition for Africa picks up the parked rows in the same transaction'
SELECT partman.create_partition('public.customers', list_values => '{ZA,NG}', name => 'customers_africa');
SELECT tableoid::regclass AS partition, count(*) FROM public.customers GROUP BY 1 ORDER BY 1;

\echo
\echo '== events by hash of user_id (HASH, modulus 4), then one partition split to modulus 8'
CREATE TABLE public.user_events (event_id bigserial, user_id int NOT NULL, event_type text, created_at timestamptz)
    PARTITION BY HASH (user_id);
SELECT partman.create_parent('public.user_events', modulus => 4) AS tables_created;
INSERT INTO public.user_events (user_id, event_type, created_at)
SELECT g % 5000, 'click', now() FROM generate_series(1, 20000) g;
SELECT partman.split_hash_partition('public.user_events_h1');
SELECT partition, modulus, remainder, (SELECT count(*) FROM public.user_events e WHERE e.tableoid = partition) AS rows
  FROM partman.show_partitions('public.user_events');

\echo
\echo '== Exercise 1: events by day, each day split by event type (composite RANGE x LIST), premake 7, 90-day retention'
CREATE TABLE public.typed_events (
    event_id   bigint GENERATED ALWAYS AS IDENTITY,
    event_type varchar(20) NOT NULL,
    user_id    int,
    event_data jsonb,
    event_date date NOT NULL
) PARTITION BY RANGE (event_date);
SELECT partman.create_parent('public.typed_events', '1 day', premake => 7, retention => '90 days',
    sub_key => 'event_type',
    sub_list_values => '{"pageview": ["pageview"], "click": ["click"], "purchase": ["purchase"], "signup": ["signup"]}')
    AS tables_created;
INSERT INTO public.typed_events (event_type, user_id, event_date)
SELECT (ARRAY['pageview','click','purchase','signup'])[1 + g % 4], g % 1000, current_date + g % 7
  FROM generate_series(1, 20000) g;
SELECT partition, bound, level, parent_partition
  FROM partman.show_partitions('public.typed_events') LIMIT 6;
SELECT level, count(*) AS partitions FROM partman.show_partitions('public.typed_events') GROUP BY 1 ORDER BY 1;
\echo '-- a query on one day and one type reads one leaf'
EXPLAIN (COSTS OFF) SELECT count(*) FROM public.typed_events
 WHERE event_date = current_date AND event_type = 'click';

\echo
\echo '== where does a row go?'
SELECT partman.partition_for('public.orders', '2024-06-15') AS order_2024_06_15,
       partman.partition_for('public.orders', '1999-01-01') AS order_1999,
       partman.partition_for('public.tickets', '250001') AS ticket_250001;

\echo
\echo '== what maintenance would do now (the dry run)'
SELECT parent, action, count(*) AS partitions, min(lock_mode) AS lock_mode
  FROM partman.maintenance_plan() GROUP BY 1, 2 ORDER BY 1, 2;

\echo
\echo '== the background worker does it: waiting for its round (bgw_interval = 5 s in this demo)'
\echo '-- wake_worker() asks this database''s worker for a round now: t when a worker is running here,'
\echo '-- f when none is yet (the launcher starts one within seconds of CREATE EXTENSION partman; its round'
\echo '-- then comes on its own, every partman.bgw_interval). Either way the wait below sees the round.'
SELECT partman.wake_worker() AS worker_woken;
DO $$
BEGIN
    FOR i IN 1..30 LOOP
        EXIT WHEN EXISTS (SELECT FROM partman.maintenance_log WHERE action = 'drop');
        PERFORM pg_sleep(1);
    END LOOP;
END $$;
SELECT database, state, last_run, next_run, last_error FROM partman.workers;
SELECT parent, action, count(*) AS partitions, max(logged_at) AS at
  FROM partman.maintenance_log GROUP BY 1, 2 ORDER BY 1, 2;

\echo
\echo '== pg_cron can run the same maintenance (both never touch one set at once)'
\echo '-- this cluster preloads pg_cron with cron.database_name = postgres and cron.use_background_workers = on'
\echo '-- (jobs need no login); for a set in another database: cron.schedule_in_database(..., database)'
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT cron.schedule('partman', '*/10 * * * *', 'CALL partman.run_maintenance()') AS cron_job;
SELECT jobid, schedule, command, database FROM cron.job WHERE jobname = 'partman';

\echo
\echo '== health of every managed set (partman.sets)'
INSERT INTO public.orders (customer_id, order_date, total_amount) VALUES (7, '1999-12-31', 10);
ANALYZE public.orders;
SELECT parent, strategy, partitions, oldest_bound, newest_bound, future_partitions,
       default_rows, status, status_reasons
  FROM partman.sets ORDER BY parent::text;

\echo
\echo '== why a query does (not) prune partitions: partman.explain_pruning plans without running'
SELECT relation, partitions_total AS total, partitions_scanned AS scanned, pruning, reason, hint
  FROM partman.explain_pruning($$SELECT * FROM public.orders WHERE order_date = '2024-06-15'$$);
SELECT relation, partitions_total AS total, partitions_scanned AS scanned, pruning, reason, hint
  FROM partman.explain_pruning($$SELECT * FROM public.orders WHERE extract(year FROM order_date) = 2024$$);
SELECT relation, partitions_total AS total, partitions_scanned AS scanned, pruning, reason, hint
  FROM partman.explain_pruning($$SELECT * FROM public.user_events WHERE user_id > 100$$);

\echo
\echo '== the guard: orders now refuses queries that cannot prune (partman.set_pruning_policy)'
SELECT partman.set_pruning_policy('public.orders', 'error');
\echo '-- the next query has no condition on order_date, so it would read every partition: the ERROR'
\echo '-- below is the guard refusing it, on purpose (DETAIL says why, HINT how to rewrite it)'
\set ON_ERROR_STOP 0
SELECT count(*) FROM public.orders WHERE customer_id = 7;
\set ON_ERROR_STOP 1
\echo '-- with a condition on the key it prunes to one partition and runs'
SELECT count(*) AS orders_on_2024_06_15 FROM public.orders WHERE order_date = '2024-06-15';
SELECT partman.set_pruning_policy('public.orders', 'off');
SELECT relation, queries, pruned_queries, full_scans, round(avg_partitions_scanned::numeric, 1) AS avg_scanned,
       most_frequent_reason
  FROM partman.pruning_stats ORDER BY relation::text;
