-- partman.explain_pruning: for each partitioned table a query reads, how many
-- partitions the plan scans, when they are pruned, why not more, and the
-- rewrite that would prune them.  The queries are those of the background
-- document's "Partition Pruning" section.
SET client_min_messages = warning;
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
SELECT * FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE date_trunc('month', order_date) = '2024-06-01'$$);
SELECT * FROM partman.explain_pruning($$SELECT * FROM customers WHERE lower(region) = 'us'$$);
-- a timestamptz key cast to date: that day depends on the session's time
-- zone, so the rewrite keeps the condition and adds the range of instants
-- it can mean in any time zone (written in UTC, with its offset)
CREATE TABLE clicks (id int, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
SELECT partman.create_parent('clicks', '1 day', premake => 2, start_partition => '2024-06-10',
                             default_partition => false);
SELECT * FROM partman.explain_pruning($$SELECT * FROM clicks WHERE created_at::date = '2024-06-15'$$);
SELECT pruning, partitions_scanned FROM partman.explain_pruning(
    $$SELECT * FROM clicks WHERE created_at >= '2024-06-15' AND created_at < '2024-06-16'$$);
-- a month without a year has no single range to offer
SELECT reason, hint FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE extract(month from order_date) = 6$$);
-- order_date::text follows DateStyle, so no condition on order_date is the same everywhere
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date::text = '2024-06-15'$$);

-- A rewrite is offered only when it returns the same rows under every
-- setting and prunes more; the hint says what it replaces and how many
-- partitions the query then scans.  Each one below is checked: it parses,
-- prunes at plan time, and finds the same rows under two time zones and
-- two DateStyles.
CREATE TEMP TABLE rewrites (q text);
INSERT INTO rewrites VALUES
    ($$extract(year from order_date) = 2024$$),
    ($$date_part('year', order_date) = 2024 AND date_part('month', order_date) = 2$$),
    ($$date_trunc('month', order_date) = '2024-06-01'$$),
    ($$created_at::date = '2024-06-15'$$),
    ($$user_id = 100.0$$),
    ($$region = 'US' COLLATE "C"$$);
CREATE FUNCTION rewrite_of(q text) RETURNS text LANGUAGE sql AS $f$
    SELECT substring(hint from '^(.*) /\* in place of ')
      FROM partman.explain_pruning(
          'SELECT * FROM ' || CASE WHEN q ~ 'created_at' THEN 'clicks' WHEN q ~ 'user_id' THEN 'events'
                                   WHEN q ~ 'region' THEN 'customers' ELSE 'orders' END || ' WHERE ' || q)
$f$;
CREATE FUNCTION table_of(q text) RETURNS text LANGUAGE sql AS $f$
    SELECT CASE WHEN q ~ 'created_at' THEN 'clicks' WHEN q ~ 'user_id' THEN 'events'
                WHEN q ~ 'region' THEN 'customers' ELSE 'orders' END
$f$;
INSERT INTO clicks SELECT g, timestamptz '2024-06-10 00:00+00' + g * interval '23 minutes'
  FROM generate_series(1, 500) g;
INSERT INTO events SELECT g % 300, 'k' FROM generate_series(1, 900) g;
INSERT INTO customers SELECT g, (ARRAY['US', 'CA', 'DE', 'us', 'MX'])[1 + g % 5], 'c' FROM generate_series(1, 100) g;
SELECT r.q AS condition, e.hint
  FROM rewrites r, LATERAL partman.explain_pruning('SELECT * FROM ' || table_of(r.q) || ' WHERE ' || r.q) e;
SELECT r.q AS condition, n.pruning, n.partitions_scanned, n.reason
  FROM rewrites r, LATERAL partman.explain_pruning('SELECT * FROM ' || table_of(r.q) || ' WHERE ' || rewrite_of(r.q)) n;
DO $$
DECLARE
    r record;
    zone text;
    style text;
    before text;
    after text;
    rows_seen bigint := 0;
BEGIN
    FOR r IN SELECT q, rewrite_of(q) AS rw, table_of(q) AS t FROM rewrites LOOP
        IF r.rw IS NULL THEN
            RAISE EXCEPTION 'no rewrite for %', r.q;
        END IF;
        FOR zone, style IN SELECT * FROM (VALUES ('UTC', 'ISO, MDY'), ('Asia/Kathmandu', 'SQL, DMY')) v LOOP
            PERFORM set_config('TimeZone', zone, true);
            PERFORM set_config('DateStyle', style, true);
            EXECUTE format('SELECT count(*) || '' '' || coalesce(sum(hashtext(t::text)), 0) FROM %I t WHERE %s', r.t, r.q)
               INTO before;
            EXECUTE format('SELECT count(*) || '' '' || coalesce(sum(hashtext(t::text)), 0) FROM %I t WHERE %s', r.t, r.rw)
               INTO after;
            IF before IS DISTINCT FROM after THEN
                RAISE EXCEPTION 'rewrite of % under % %: %, not %', r.q, zone, style, after, before;
            END IF;
            rows_seen := rows_seen + split_part(before, ' ', 1)::bigint;
        END LOOP;
    END LOOP;
    RAISE NOTICE 'rewrites return the same rows (% rows compared)', rows_seen;
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

-- A range that runs past the newest partition reaches the default partition,
-- which may hold such rows: pruned as far as it can be.
SELECT * FROM partman.explain_pruning($$SELECT * FROM orders WHERE order_date >= '2024-01-01'$$);
-- Values no partition lists are looked for in the default partition.
SELECT * FROM partman.explain_pruning($$SELECT * FROM customers WHERE region IN ('US', 'MX')$$);

-- The cases of issue 15, each once wrong.
-- An OR with another column: advice, no UNION ALL (it would return rows matching both arms twice).
SELECT reason, hint FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = '2024-06-15' OR customer_id = 5$$);
-- ... and with a key filter beside it, the OR is no failure: every partition the filter leaves may hold customer 5.
SELECT pruning, partitions_scanned, reason FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE (order_date = '2024-06-15' OR customer_id = 5) AND order_date >= '2026-01-01'$$);
-- An integer key compared with 1.5: no integer equals it, no rewrite; < 1.5 is < 2.
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id = 1.5::numeric$$);
CREATE TABLE nums (n int NOT NULL) PARTITION BY RANGE (n);
CREATE TABLE nums_0 PARTITION OF nums FOR VALUES FROM (0) TO (2);
CREATE TABLE nums_2 PARTITION OF nums FOR VALUES FROM (2) TO (4);
INSERT INTO nums VALUES (0), (1), (2), (3);
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM nums WHERE n < 1.5$$);
SELECT (SELECT count(*) FROM nums WHERE n < 1.5) AS original, (SELECT count(*) FROM nums WHERE n < 2) AS rewrite,
       (SELECT count(*) FROM nums WHERE n = 1.5) AS equal_original, (SELECT count(*) FROM nums WHERE n = CAST(1.5 AS integer)) AS old_rewrite;
-- A timestamptz value in a rewrite is written in UTC with its offset, not in the session's zone.
SET TimeZone = 'PST8PDT';
SELECT hint ~ '2024-06-14 00:00:00\+00' AS utc_literal, hint !~ 'PST|PDT|-07' AS no_session_zone
  FROM partman.explain_pruning($$SELECT * FROM clicks WHERE created_at::date = '2024-06-15'$$);
RESET TimeZone;
-- A timestamptz[] compared with a date key: advice that does not pretend to be SQL (was a hint failing with 42846).
SELECT pruning, reason, hint FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = ANY ('{2024-06-15 00:00+00,2024-06-16 00:00+00}'::timestamptz[])$$);
-- A subquery's value prunes while the query runs: plan_cache_mode changes nothing there, and is not advised.
SELECT pruning, reason, hint FROM partman.explain_pruning(
    $$SELECT * FROM orders WHERE order_date = (SELECT max(order_date) FROM orders)$$) LIMIT 1;
-- A HASH key of two columns given only the first: the missing column is named.
CREATE TABLE pairs (a int NOT NULL, b int NOT NULL) PARTITION BY HASH (a, b);
CREATE TABLE pairs_0 PARTITION OF pairs FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE pairs_1 PARTITION OF pairs FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE pairs_2 PARTITION OF pairs FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE pairs_3 PARTITION OF pairs FOR VALUES WITH (MODULUS 4, REMAINDER 3);
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM pairs WHERE a = 1$$);
-- A range on it: no IN advice, since PostgreSQL does not prune a list on one column of two.
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM pairs WHERE a > 10 AND b = 1$$);
SELECT partitions_scanned, reason FROM partman.explain_pruning($$SELECT * FROM pairs WHERE a IN (1, 2) AND b = 1$$);
-- a % 10 = 5 cannot be turned around: the advice does not say it can.
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM events WHERE user_id % 10 = 5$$);
-- <> on a LIST key prunes what it can; IS NOT TRUE on a boolean key too.
SELECT pruning, partitions_scanned, reason FROM partman.explain_pruning($$SELECT * FROM customers WHERE region <> 'US'$$);
CREATE TABLE flags (id int, is_active boolean) PARTITION BY LIST (is_active);
CREATE TABLE flags_t PARTITION OF flags FOR VALUES IN (true);
CREATE TABLE flags_f PARTITION OF flags FOR VALUES IN (false);
CREATE TABLE flags_n PARTITION OF flags FOR VALUES IN (NULL);
SELECT pruning, partitions_scanned, reason FROM partman.explain_pruning($$SELECT * FROM flags WHERE is_active IS NOT TRUE$$);
SELECT pruning, partitions_scanned FROM partman.explain_pruning(
    $$SELECT * FROM flags WHERE is_active = false OR is_active IS NULL$$);
-- A varchar key compared with a stable text expression prunes when execution starts; a
-- char(n) key is converted to text and is not pruned at all: a reason of its own.
CREATE TABLE codes (code varchar(8) NOT NULL) PARTITION BY LIST (code);
CREATE TABLE codes_a PARTITION OF codes FOR VALUES IN ('a');
CREATE TABLE codes_b PARTITION OF codes FOR VALUES IN ('b');
SELECT pruning, reason FROM partman.explain_pruning($$SELECT * FROM codes WHERE code = current_setting('application_name')$$);
CREATE TABLE padded (code char(3) NOT NULL) PARTITION BY LIST (code);
CREATE TABLE padded_a PARTITION OF padded FOR VALUES IN ('a');
CREATE TABLE padded_b PARTITION OF padded FOR VALUES IN ('b');
SELECT pruning, reason, hint FROM partman.explain_pruning($$SELECT * FROM padded WHERE code = current_setting('application_name')$$);
SELECT pruning, reason, hint FROM partman.explain_pruning($$SELECT * FROM padded WHERE code = 'a'::text$$);
-- Conditions that match every partition are no failure: a > 10 where every partition holds
-- values above 10 (the default too), and OR arms that cover all partitions.
CREATE TABLE big (a int) PARTITION BY RANGE (a);
CREATE TABLE big_1 PARTITION OF big FOR VALUES FROM (100) TO (200);
CREATE TABLE big_2 PARTITION OF big FOR VALUES FROM (200) TO (300);
CREATE TABLE big_default PARTITION OF big DEFAULT;
SELECT pruning, partitions_scanned, reason FROM partman.explain_pruning($$SELECT * FROM big WHERE a > 10$$);
SELECT pruning, partitions_scanned, reason FROM partman.explain_pruning($$SELECT * FROM big WHERE a < 150 OR a >= 150$$);
-- ... but a gap between partitions is: the default partition is scanned for it.
CREATE TABLE big_4 PARTITION OF big FOR VALUES FROM (400) TO (500);
SELECT pruning, partitions_scanned, reason, hint FROM partman.explain_pruning($$SELECT * FROM big WHERE a BETWEEN 250 AND 450$$);
DROP TABLE nums, pairs, flags, codes, padded, big;

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
-- no value for the leading column: partial_key (was collation_mismatch, with a hint that did not help)
SELECT * FROM partman.explain_pruning($$SELECT * FROM grid WHERE b = 5$$);
CREATE TABLE named (a text, b text) PARTITION BY RANGE (a, b);
CREATE TABLE named_1 PARTITION OF named FOR VALUES FROM ('a', 'a') TO ('m', 'm');
CREATE TABLE named_2 PARTITION OF named FOR VALUES FROM ('m', 'm') TO ('z', 'z');
SELECT reason, hint FROM partman.explain_pruning($$SELECT * FROM named WHERE b = 'x'$$);
DROP TABLE named;

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
DROP FUNCTION rewrite_of(text), table_of(text);
SET client_min_messages = warning;
DROP SCHEMA pruning CASCADE;
