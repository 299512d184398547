-- partman.explain_pruning: for each partitioned table a query reads, how many
-- partitions the plan scans, when they are pruned, why not more, and the
-- rewrite that would prune them.  The queries are those of the background
-- document's "Partition Pruning" section.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS partman;
CREATE SCHEMA pruning;
SET search_path = pruning, public;
SET partman.simulated_now = '2024-06-15 12:00+00';
-- ::text of a date follows DateStyle; ISO is what the rewrites below assume
SET DateStyle = ISO;

-- Orders by year (2021 to 2026) with a default partition.
CREATE TABLE orders (
    order_id    bigint,
    customer_id int,
    order_date  date NOT NULL,
    amount      numeric
) PARTITION BY RANGE (order_date);
SELECT partman.create_parent('orders', '1 year', premake => 2, start_partition => '2021-01-01');
INSERT INTO orders
SELECT g, g % 100, date '2021-01-01' + (g % 2000), g FROM generate_series(1, 6000) g;

-- Customers by region, events hashed by user.
CREATE TABLE customers (id int, region text NOT NULL, name text) PARTITION BY LIST (region);
SELECT partman.create_parent('customers',
    list_values => '{"us": ["US"], "ca": ["CA"], "eu": ["DE", "FR"], "apac": ["JP", "AU"]}');
CREATE TABLE events (user_id int NOT NULL, kind text) PARTITION BY HASH (user_id);
SELECT partman.create_parent('events', modulus => 8);
ANALYZE orders, customers, events;
RESET client_min_messages;

-- When pruning works: one partition, chosen by the planner.
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date = '2024-06-15'$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date BETWEEN '2024-06-01' AND '2024-06-30'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM customers WHERE region IN ('US', 'CA')$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id = 100$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id IN (1, 2, 3)$$);
-- a value no partition covers: the default partition alone
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date = '1999-01-01'$$);

-- When it does not: the key inside a function or a cast, with the rewrite.
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE extract(year from order_date) = 2024$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE date_part('year', order_date) = 2024
                                AND date_part('month', order_date) = 2$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date::text = '2024-06-15'$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE date_trunc('month', order_date) = '2024-06-01'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM customers WHERE lower(region) = 'us'$$);
-- a timestamptz key cast to date: that day's range (a day of the session's time zone,
-- PST8PDT here, so it spans two of the set's UTC days)
CREATE TABLE clicks (id int, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
SELECT partman.create_parent('clicks', '1 day', premake => 2, start_partition => '2024-06-10',
                             default_partition => false);
SELECT * FROM partman.explain_pruning($$SELECT * FROM clicks WHERE created_at::date = '2024-06-15'$$);
SELECT pruning, partitions_scanned FROM partman.explain_pruning(
    $$SELECT * FROM clicks WHERE created_at >= '2024-06-15' AND created_at < '2024-06-16'$$);
-- a month without a year has no single range to offer
SELECT reason, hint FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE extract(month from order_date) = 6$$);

-- Every rewrite partman offers prunes at plan time, and finds the same rows.
CREATE TEMP TABLE rewrites (q text);
INSERT INTO rewrites VALUES
    ($$extract(year from order_date) = 2024$$),
    ($$date_part('year', order_date) = 2024 AND date_part('month', order_date) = 2$$),
    ($$order_date::text = '2024-06-15'$$),
    ($$date_trunc('month', order_date) = '2024-06-01'$$);
SELECT r.q AS condition, e.hint AS rewrite, n.pruning, n.partitions_scanned
  FROM rewrites r,
       LATERAL partman.explain_pruning('SELECT * FROM orders WHERE ' || r.q) e,
       LATERAL partman.explain_pruning('SELECT * FROM orders WHERE ' || e.hint) n
 ORDER BY 1;
DO $$
DECLARE
    r record;
    before bigint;
    after bigint;
BEGIN
    FOR r IN SELECT q.q, e.hint FROM rewrites q,
                    LATERAL partman.explain_pruning('SELECT * FROM orders WHERE ' || q.q) e LOOP
        EXECUTE 'SELECT count(*) FROM orders WHERE ' || r.q INTO before;
        EXECUTE 'SELECT count(*) FROM orders WHERE ' || r.hint INTO after;
        IF before IS DISTINCT FROM after OR before = 0 THEN
            RAISE EXCEPTION 'rewrite of % finds % rows, not %', r.q, after, before;
        END IF;
    END LOOP;
END
$$;
SELECT count(*) AS customers_us_rewrite FROM partman.explain_pruning(
    $$SELECT * FROM customers WHERE region = 'US'$$) WHERE pruning = 'plan';

-- OR with another column, no filter, a join without a key filter.
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = '2024-06-15' OR customer_id = 5$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.region = 'US'$$);

-- Values known only when the query runs.
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date = current_date$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = '2024-06-15 00:00+00'::timestamptz$$);
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = clock_timestamp()::date$$);
-- the volatile rewrite: computed once, pruned while running
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = (SELECT (clock_timestamp())::date)$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id = 100.0$$);

-- Hash keys prune only on equality; collations must match the key's.
SELECT * FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id > 100$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM customers WHERE region = 'US' COLLATE "C"$$);

-- A range that runs past the newest partition reaches the default partition.
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date >= '2024-01-01'$$);

-- Prepared statements: a parameter in the text gives the generic plan,
-- which prunes when execution starts.
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date = $1$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id = $1::int$$);
-- a subquery's value prunes while the query runs; the subquery itself reads everything
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = (SELECT max(order_date) FROM orders)$$);

-- UPDATE and DELETE read their tables too; an INSERT's target is not read.
SELECT * FROM partman.explain_pruning($$UPDATE orders SET amount = 0 WHERE order_date = '2024-06-15'$$);
SELECT * FROM partman.explain_pruning($$DELETE FROM orders WHERE customer_id = 7$$);
SELECT count(*) FROM partman.explain_pruning($$INSERT INTO orders VALUES (1, 1, '2024-06-15', 1)$$);

-- Sub-partitioned tables: one row per level in the plan.
CREATE TABLE visits (day date NOT NULL, kind text NOT NULL, n int) PARTITION BY RANGE (day);
CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY LIST (kind);
CREATE TABLE visits_2024_click PARTITION OF visits_2024 FOR VALUES IN ('click');
CREATE TABLE visits_2024_view PARTITION OF visits_2024 FOR VALUES IN ('view');
CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
    PARTITION BY LIST (kind);
CREATE TABLE visits_2025_click PARTITION OF visits_2025 FOR VALUES IN ('click');
CREATE TABLE visits_2025_view PARTITION OF visits_2025 FOR VALUES IN ('view');
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM visits WHERE day = '2024-03-01' AND kind = 'click'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM visits WHERE day = '2024-03-01'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM visits WHERE upper(kind) = 'VIEW'$$);

-- An expression key is matched as a whole; a multi-column RANGE key prunes
-- only with a condition on its first column.
CREATE TABLE tags (id int, label text) PARTITION BY LIST (lower(label));
CREATE TABLE tags_x PARTITION OF tags FOR VALUES IN ('x');
CREATE TABLE tags_y PARTITION OF tags FOR VALUES IN ('y');
SELECT * FROM partman.explain_pruning($$SELECT * FROM tags WHERE lower(label) = 'x'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM tags WHERE label = 'x'$$);
CREATE TABLE grid (a int, b int) PARTITION BY RANGE (a, b);
CREATE TABLE grid_1 PARTITION OF grid FOR VALUES FROM (0, 0) TO (10, 10);
CREATE TABLE grid_2 PARTITION OF grid FOR VALUES FROM (10, 10) TO (20, 20);
SELECT * FROM partman.explain_pruning($$SELECT * FROM grid WHERE a = 5 AND b = 5$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM grid WHERE b = 5$$);

-- Nothing is executed: not the DELETE, not the CTE's INSERT, not nextval.
CREATE TABLE audit (n bigint);
CREATE SEQUENCE audit_seq;
SELECT count(*) FROM partman.explain_pruning($$DELETE FROM orders$$);
SELECT count(*) FROM partman.explain_pruning(
    $$WITH w AS (INSERT INTO audit VALUES (nextval('audit_seq')) RETURNING n)
      SELECT * FROM orders, w WHERE order_date = '2024-06-15'$$);
SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM audit) AS audit,
       (SELECT last_value FROM audit_seq) AS seq, (SELECT is_called FROM audit_seq) AS seq_used;

-- Bad input: one plannable statement, and the rights to run it.
SELECT * FROM partman.explain_pruning(NULL);
SELECT * FROM partman.explain_pruning('CREATE TABLE nope (a int)');
SELECT * FROM partman.explain_pruning('EXPLAIN SELECT 1');
SELECT * FROM partman.explain_pruning('SELECT 1; SELECT 2');
SELECT * FROM partman.explain_pruning('');
SELECT * FROM partman.explain_pruning('SELECT * FROM orders WHERE');
SELECT * FROM partman.explain_pruning('SELECT * FROM no_such_table');
SELECT * FROM partman.explain_pruning('SELECT $1');
SELECT to_regclass('nope') IS NULL AS nothing_created;
CREATE ROLE pruning_reader;
GRANT USAGE ON SCHEMA pruning TO pruning_reader;
GRANT SELECT ON customers TO pruning_reader;
SET ROLE pruning_reader;
SELECT relation, partitions_scanned FROM partman.explain_pruning($$SELECT * FROM customers WHERE region = 'US'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date = '2024-06-15'$$);
RESET ROLE;
DROP OWNED BY pruning_reader;
DROP ROLE pruning_reader;
DROP TABLE visits, audit, tags, grid;
DROP SEQUENCE audit_seq;
SET client_min_messages = warning;
DROP SCHEMA pruning CASCADE;
