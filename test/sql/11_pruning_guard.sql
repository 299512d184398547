-- The planner hook: pruning diagnostics while queries run, the per-set guard
-- (partman.set_pruning_policy) with its bypass, and pruning statistics.
SET client_min_messages = warning;
CREATE SCHEMA guard;
SET search_path = guard, public;
SET partman.simulated_now = '2024-06-15 12:00+00';
SET DateStyle = ISO;
CREATE TABLE sales (id bigint, customer_id int, sold_on date NOT NULL, amount numeric)
    PARTITION BY RANGE (sold_on);
SELECT partman.create_parent('sales', '1 year', premake => 2, start_partition => '2021-01-01');
INSERT INTO sales SELECT g, g % 50, date '2021-01-01' + (g % 2000), g FROM generate_series(1, 4000) g;
CREATE TABLE shops (id int, name text);
INSERT INTO shops VALUES (1, 'north'), (2, 'south');
ANALYZE sales, shops;
RESET client_min_messages;

-- Diagnostics: off by default; at notice level the client sees each plan
-- that is not pruned as far as it could be.
SELECT count(*) FROM sales WHERE extract(year from sold_on) = 2024;
SET partman.pruning_diagnostics = notice;
SELECT count(*) FROM sales WHERE extract(year from sold_on) = 2024;
SELECT count(*) FROM sales WHERE sold_on = '2024-06-15';
SELECT count(*) FROM sales WHERE sold_on >= '2023-01-01' AND sold_on < '2025-01-01';
SELECT count(*) FROM sales WHERE customer_id = 3;
-- a generic plan prunes when execution starts; a custom plan at plan time
PREPARE by_day(date) AS SELECT count(*) FROM sales WHERE sold_on = $1;
SET plan_cache_mode = force_generic_plan;
EXECUTE by_day('2024-06-15');
SET plan_cache_mode = force_custom_plan;
EXECUTE by_day('2024-06-15');
RESET plan_cache_mode;
DEALLOCATE by_day;
-- only plans scanning at least min_partitions partitions are reported
SET partman.pruning_diagnostics_min_partitions = 100;
SELECT count(*) FROM sales WHERE customer_id = 3;
RESET partman.pruning_diagnostics_min_partitions;
SET partman.pruning_diagnostics = warning;
SELECT count(*) FROM sales WHERE sold_on::text = '2024-06-15';
-- log level goes to the server log only
SET partman.pruning_diagnostics = log;
SELECT count(*) FROM sales WHERE customer_id = 3;
SET partman.pruning_diagnostics = loud;
RESET partman.pruning_diagnostics;

-- The guard: with require_filter = 'error' a plan that cannot prune is refused.
SELECT partman.set_pruning_policy('sales');
SELECT require_filter, max_partitions FROM partman.part_config WHERE parent = 'sales'::regclass;
SELECT count(*) FROM sales;
SELECT count(*) FROM sales WHERE extract(year from sold_on) = 2024;
SELECT count(*) FROM sales s JOIN shops p ON p.id = s.customer_id;
SELECT count(*) FROM sales WHERE sold_on = '2024-06-15' OR customer_id = 3;
-- filters on the key pass, also those pruned when execution starts
SELECT count(*) FROM sales WHERE sold_on = '2024-06-15';
SELECT count(*) FROM sales WHERE sold_on BETWEEN '2022-01-01' AND '2024-12-31';
SELECT count(*) >= 0 AS ran FROM sales WHERE sold_on = current_date;
PREPARE by_day(date) AS SELECT count(*) FROM sales WHERE sold_on = $1;
SET plan_cache_mode = force_generic_plan;
EXECUTE by_day('2024-06-15');
RESET plan_cache_mode;
DEALLOCATE by_day;
-- a refused UPDATE or DELETE changes nothing
SELECT count(*), sum(amount) FROM sales WHERE sold_on >= '2000-01-01';
DELETE FROM sales WHERE customer_id = 3;
UPDATE sales SET amount = 0 WHERE amount > 100;
SELECT count(*), sum(amount) FROM sales WHERE sold_on >= '2000-01-01';
-- explain_pruning explains; it never refuses
SELECT reason FROM partman.explain_pruning('SELECT * FROM sales');

-- max_partitions bounds the partitions one plan may scan.
SELECT partman.set_pruning_policy('sales', 'error', max_partitions => 2);
SELECT count(*) FROM sales WHERE sold_on >= '2022-01-01' AND sold_on < '2024-01-01';
SELECT count(*) FROM sales WHERE sold_on >= '2021-01-01' AND sold_on < '2024-01-01';
SELECT count(*) FROM sales WHERE sold_on >= '2024-01-01';

-- 'warn' lets the query run with a warning; 'off' is silent.
SELECT partman.set_pruning_policy('sales', 'warn');
SELECT count(*) FROM sales;
-- a plain UPDATE of part_config takes effect at once as well
UPDATE partman.part_config SET require_filter = 'off' WHERE parent = 'sales'::regclass;
SELECT count(*) FROM sales;

-- The bypass is superuser-only unless granted, per role.
SELECT partman.set_pruning_policy('sales', 'error');
CREATE ROLE analyst;
GRANT USAGE ON SCHEMA guard TO analyst;
GRANT SELECT ON sales, shops TO analyst;
SET ROLE analyst;
SELECT count(*) FROM sales;
SET partman.pruning_policy_bypass = on;
RESET ROLE;
GRANT SET ON PARAMETER partman.pruning_policy_bypass TO analyst;
SET ROLE analyst;
SET partman.pruning_policy_bypass = on;
SELECT count(*) FROM sales;
RESET partman.pruning_policy_bypass;
SELECT count(*) FROM sales;
-- a non-owner cannot change or lift the policy, by function or by UPDATE
SELECT partman.set_pruning_policy('sales', 'off');
UPDATE partman.part_config SET require_filter = 'off' WHERE parent = 'sales'::regclass;
RESET ROLE;
SELECT require_filter FROM partman.part_config WHERE parent = 'sales'::regclass;

-- partman's own work on the set is not refused: it reads partitions, not the whole set.
SELECT partman.set_pruning_policy('sales', 'error', max_partitions => 1);
INSERT INTO sales VALUES (9001, 1, '2031-03-01', 1);
CALL partman.run_maintenance('sales');
SET client_min_messages = warning;
CALL partman.partition_data('sales');
RESET client_min_messages;
SELECT partman.split_partition('sales_p2022', '2022-07-01');
SELECT partman.merge_partitions('{sales_p2022,sales_p20220701}');
SELECT (SELECT count(*) FROM partman.show_partitions('sales')) AS partitions,
       (SELECT rows FROM partman.check_default('sales', exact => true)) AS default_rows,
       (SELECT count(*) FROM partman.maintenance_plan('sales')) AS planned;
SELECT partman.drop_partition('sales_p2031');
SELECT partman.set_pruning_policy('sales', 'error');

-- Bad calls change nothing.
SELECT partman.set_pruning_policy('sales', 'maybe');
SELECT partman.set_pruning_policy('sales', 'error', max_partitions => 0);
SELECT partman.set_pruning_policy('shops');
SELECT partman.set_pruning_policy(NULL);
SELECT partman.set_pruning_policy('sales', NULL);
SELECT partman.set_pruning_policy('no_such_table');
SELECT require_filter, max_partitions FROM partman.part_config WHERE parent = 'sales'::regclass;

-- Statistics: every plan that reads the table counts once.
SELECT partman.set_pruning_policy('sales', 'off');
SELECT partman.pruning_stats_reset();
SELECT count(*) FROM partman.pruning_stats WHERE relation = 'sales'::regclass;
SELECT count(*) FROM sales WHERE sold_on = '2024-06-15';
SELECT count(*) FROM sales WHERE sold_on = '2023-06-15';
SELECT count(*) FROM sales WHERE sold_on BETWEEN '2022-01-01' AND '2023-12-31';
SELECT count(*) FROM sales;
SELECT count(*) FROM sales WHERE customer_id = 1;
SELECT count(*) FROM sales WHERE extract(year from sold_on) = 2024;
-- queries: 6; pruned: the first 3 (1 + 1 + 2 partitions); full scans: 3 (7 each)
SELECT relation, queries, pruned_queries, full_scans,
       round(avg_partitions_scanned::numeric, 2) AS avg_partitions_scanned,
       most_frequent_reason, most_frequent_reason_count
  FROM partman.pruning_stats WHERE relation = 'sales'::regclass;
-- explain_pruning does not count
SELECT count(*) FROM partman.explain_pruning('SELECT * FROM sales');
SELECT queries FROM partman.pruning_stats WHERE relation = 'sales'::regclass;
-- resetting is for superusers (and roles granted EXECUTE)
SET ROLE analyst;
SELECT partman.pruning_stats_reset();
RESET ROLE;
SELECT partman.pruning_stats_reset();
SELECT count(*) FROM partman.pruning_stats WHERE relation = 'sales'::regclass;

SET client_min_messages = warning;
DROP SCHEMA guard CASCADE;
REVOKE SET ON PARAMETER partman.pruning_policy_bypass FROM analyst;
DROP OWNED BY analyst;
DROP ROLE analyst;
