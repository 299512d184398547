-- partman.advise_key: which column to partition or shard a table by.
-- This file needs no workload: bad input, what a role may see, and the
-- ranking from the data alone (pg_stat_statements is not installed here,
-- and a NOTICE says query fit is unknown).  test/t/018_advise_key.pl runs
-- the document's Exercise 2 with a workload recorded by pg_stat_statements.
-- The tables are small enough that ANALYZE reads every row, so the
-- statistics, and with them every figure below, are exact.
SET partman.simulated_now = '2025-01-01 00:00+00';
CREATE SCHEMA advise;
SET search_path = advise, public;

-- the document's e-commerce tables: two years of orders in date order,
-- customer 1 placing 30% of them
CREATE TABLE customers (customer_id int PRIMARY KEY, name text NOT NULL,
    region text NOT NULL);
INSERT INTO customers
SELECT g, 'customer ' || g, (ARRAY['us','us','us','eu','eu','apac','latam'])[1 + g % 7]
FROM generate_series(1, 2000) g;
CREATE TABLE orders (order_id bigint PRIMARY KEY, customer_id int NOT NULL,
    order_date date NOT NULL, region text NOT NULL, status text NOT NULL,
    total_amount numeric(10,2) NOT NULL, note text);
INSERT INTO orders
SELECT g, c, date '2023-01-01' + (g * 730 / 20000), (ARRAY['us','us','us','eu','eu','apac','latam'])[1 + c % 7],
       (ARRAY['delivered','delivered','delivered','shipped','cancelled'])[1 + g % 5],
       10 + (g * 37) % 500, CASE WHEN g % 50 = 0 THEN 'gift' END
FROM (SELECT g, CASE WHEN g % 10 < 3 THEN 1 ELSE 2 + (g * 7919) % 1999 END AS c
      FROM generate_series(1, 20000) g) s
ORDER BY g;
ANALYZE customers, orders;

-------------------------------------------------------------------------------
-- 1. Bad input: each is an ERROR naming what is wrong
-------------------------------------------------------------------------------
SELECT * FROM partman.advise_key(NULL);
SELECT * FROM partman.advise_key('orders', NULL);
SELECT * FROM partman.advise_key('orders', 'archive');
-- a view has no statistics of its own
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total_amount > 400;
SELECT * FROM partman.advise_key('big_orders');
-- a table never analysed, and one whose last ANALYZE found no rows
CREATE TABLE fresh (id int, created date);
INSERT INTO fresh SELECT g, date '2024-01-01' + g % 100 FROM generate_series(1, 1000) g;
SELECT * FROM partman.advise_key('fresh');
CREATE TABLE empty_table (id int);
ANALYZE empty_table;
SELECT * FROM partman.advise_key('empty_table');
-- a partitioned table whose partitions were analysed, but not the table itself
CREATE TABLE events (id int, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT g, date '2024-01-01' + g % 366 FROM generate_series(1, 1000) g;
ANALYZE events_2024;
SELECT * FROM partman.advise_key('events');
-- the error codes, in one table
CREATE SEQUENCE order_seq;
CREATE FUNCTION try_advise(source regclass, purpose text DEFAULT 'partition') RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM partman.advise_key(source, purpose);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT input, try_advise(source, purpose) AS result
FROM (VALUES ('NULL source', NULL, 'partition'),
             ('NULL purpose', 'orders', NULL),
             ('purpose Shard', 'orders', 'Shard'),
             ('view', 'big_orders', 'partition'),
             ('sequence', 'order_seq', 'shard'),
             ('index', 'orders_pkey', 'partition'),
             ('never analysed', 'fresh', 'shard'),
             ('no rows', 'empty_table', 'partition'),
             ('partitioned, not analysed', 'events', 'partition'),
             ('orders', 'orders', 'partition')) AS t(input, source, purpose);

-------------------------------------------------------------------------------
-- 2. What a role may see: pg_stats' own rules
-------------------------------------------------------------------------------
CREATE ROLE advise_reader;
GRANT USAGE ON SCHEMA advise TO advise_reader;
-- two columns it may read: two candidates, nothing about the others
GRANT SELECT (order_id, customer_id) ON orders TO advise_reader;
-- customers: readable, but row-level security applies to it
GRANT SELECT ON customers TO advise_reader;
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
SET ROLE advise_reader;
SELECT key, strategy, distribution FROM partman.advise_key('orders') ORDER BY key;
SELECT * FROM partman.advise_key('customers');
SELECT * FROM partman.advise_key('fresh');
RESET ROLE;
ALTER TABLE customers DISABLE ROW LEVEL SECURITY;

-------------------------------------------------------------------------------
-- 3. Partitioning orders, from the data alone
-------------------------------------------------------------------------------
-- order_date follows insertion order: RANGE, with an interval from the
-- table's growth; status and region are LIST keys; customer_id's skew is
-- named; note is mostly NULL.  Query fit is unknown, so no verdict is
-- better than maybe, and the NOTICE says why.
SELECT key, strategy, "interval", score, distribution, query_fit, cross_partition, verdict
FROM partman.advise_key('orders');
SELECT key, reason
FROM partman.advise_key('orders'), unnest(reasons) AS reason
WHERE key IN ('order_date', 'customer_id', 'note');

-------------------------------------------------------------------------------
-- 4. Sharding orders, from the data alone
-------------------------------------------------------------------------------
-- order_date is poor however the queries look (time skew); customer_id is
-- skewed by its large tenant; the document's SHARD_COUNT of 4 is the scale.
SET client_min_messages = warning;
SELECT key, strategy, "interval", score, distribution, query_fit, verdict
FROM partman.advise_key('orders', 'shard');
SELECT key, reason
FROM partman.advise_key('orders', 'shard'), unnest(reasons) AS reason
WHERE key IN ('order_date', 'customer_id', 'region');
RESET client_min_messages;

-------------------------------------------------------------------------------
-- 5. A managed set: its retention sets the horizon, its key is named
-------------------------------------------------------------------------------
CREATE TABLE clicks (id bigint NOT NULL, at timestamptz NOT NULL, page text NOT NULL)
    PARTITION BY RANGE (at);
SELECT partman.create_parent('clicks', '1 month', premake => 1,
    start_partition => '2024-10-01', retention => '90 days');
-- 20,000 clicks a day for the last 60 days... scaled down: 300 a day
INSERT INTO clicks
SELECT g, timestamptz '2024-11-01 00:00+00' + (g * interval '288 seconds'),
       (ARRAY['home','search','cart','checkout'])[1 + g % 4]
FROM generate_series(0, 18299) g;
ANALYZE clicks;
SET client_min_messages = warning;
SELECT key, strategy, "interval", distribution, verdict, reasons
FROM partman.advise_key('clicks') WHERE key = 'at';
RESET client_min_messages;

-------------------------------------------------------------------------------
-- 6. pg_stat_statements installed but not preloaded: the NOTICE says so
-------------------------------------------------------------------------------
CREATE EXTENSION pg_stat_statements;
SELECT key, query_fit, verdict FROM partman.advise_key('orders', 'shard') LIMIT 1;
DROP EXTENSION pg_stat_statements;

-- advise_key changed nothing: no transaction id, no scan of the table
-- (the flush empties this backend's pending counters, which the xact
-- functions would otherwise add to)
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT count(*) > 0 AS advised FROM partman.advise_key('orders', 'shard');
SELECT pg_current_xact_id_if_assigned() IS NULL AS wrote_nothing,
       pg_stat_get_xact_numscans('orders'::regclass) AS scans_of_orders;
COMMIT;

RESET search_path;
DROP SCHEMA advise CASCADE;
DROP ROLE advise_reader;
