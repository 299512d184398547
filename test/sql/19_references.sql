-- Other tables pointing at a set: foreign keys that reference it, and
-- row-level security on its parent.
-- * Retention, drop_partition and detach_partition(action => 'drop') detach
--   before they drop: DROP TABLE alone fails (2BP01) on any partition of a
--   referenced table, even with no referencing row.  With referencing rows
--   the error names the referencing table and constraint, and nothing
--   changes; once they are gone, the next run succeeds.
-- * A parent with row-level security: its partitions get no privileges and
--   row-level security with no policy, so nobody reads around the parent's
--   policies by naming a partition; maintenance closes partitions made
--   before the parent had row-level security, or granted to by hand.
SET client_min_messages = warning;
SET partman.simulated_now = '2024-06-15 12:00+00';
SET DateStyle = 'ISO, YMD';
CREATE SCHEMA refs;
SET search_path = refs, public;

-------------------------------------------------------------------------------
-- 1. Foreign keys referencing the set
-------------------------------------------------------------------------------
CREATE TABLE orders (id bigint NOT NULL, created date NOT NULL, PRIMARY KEY (id, created))
    PARTITION BY RANGE (created);
SELECT partman.create_parent('orders', '1 day', premake => 2, start_partition => '2024-06-08',
    retention => '3 days');
CREATE TABLE order_items (order_id bigint NOT NULL, created date NOT NULL, qty int,
    CONSTRAINT order_items_order_fk FOREIGN KEY (order_id, created) REFERENCES orders);
INSERT INTO orders SELECT g, date '2024-06-08' + g % 9 FROM generate_series(1, 90) g;
-- items reference orders of 2024-06-09 only
INSERT INTO order_items SELECT id, created, 1 FROM orders WHERE created = '2024-06-09';
SELECT count(*) AS items FROM order_items;
-- the plan detaches before it drops
SELECT action, partition, statement FROM partman.maintenance_plan('orders') WHERE action = 'drop' ORDER BY partition;
-- retention: 2024-06-08 to 06-11 are past 3 days; 06-09 is referenced, so
-- the set's run fails as a whole, naming the referencing table and key
CALL partman.run_maintenance('orders');
SELECT last_error FROM partman.part_config WHERE parent = 'orders'::regclass;
SELECT outcome, detail FROM partman.maintenance_log WHERE parent = 'orders'::regclass AND action = 'maintain';
SELECT count(*) AS partitions FROM partman.show_partitions('orders') WHERE NOT is_default;
-- once the referencing rows are gone, the next run retires all four
DELETE FROM order_items;
CALL partman.run_maintenance('orders');
SELECT last_error FROM partman.part_config WHERE parent = 'orders'::regclass;
SELECT action, partition, outcome FROM partman.maintenance_log
 WHERE parent = 'orders'::regclass AND action = 'drop' ORDER BY partition;
SELECT partition::text FROM partman.show_partitions('orders') ORDER BY 1;
SELECT count(*) AS orders_left, min(created) FROM orders;
-- drop_partition and detach_partition(action => 'drop') of referenced partitions
INSERT INTO order_items SELECT id, created, 1 FROM orders WHERE created = '2024-06-12';
SELECT partman.drop_partition('orders_p20240612', only_if_empty => false);
SELECT partman.detach_partition('orders_p20240612', 'drop');
SELECT count(*) AS still_there FROM orders WHERE created = '2024-06-12';
DELETE FROM order_items;
SELECT partman.drop_partition('orders_p20240612', only_if_empty => false);
SELECT partman.detach_partition('orders_p20240613', 'drop');
SELECT partition::text FROM partman.show_partitions('orders') ORDER BY 1;
-- the foreign key is intact and still enforced
SELECT conname, convalidated FROM pg_constraint
 WHERE conrelid = 'order_items'::regclass AND contype = 'f' AND conparentid = 0;
INSERT INTO order_items VALUES (1, '2024-06-12', 1);
INSERT INTO order_items SELECT id, created, 1 FROM orders WHERE created = '2024-06-14' LIMIT 1;
SELECT count(*) AS items FROM order_items;

-------------------------------------------------------------------------------
-- 2. Row-level security on the parent
-------------------------------------------------------------------------------
CREATE ROLE refs_owner;
CREATE ROLE refs_a;
CREATE ROLE refs_b;
GRANT USAGE, CREATE ON SCHEMA refs TO refs_owner;
GRANT USAGE ON SCHEMA refs TO refs_a, refs_b;
SET ROLE refs_owner;
CREATE TABLE docs (tenant text NOT NULL, body text, created date NOT NULL)
    PARTITION BY RANGE (created);
GRANT SELECT, INSERT ON docs TO refs_a, refs_b;
-- made before the parent has row-level security: these partitions get the grants
SELECT partman.create_parent('docs', '1 day', premake => 1, start_partition => '2024-06-14');
INSERT INTO docs VALUES ('refs_a', 'a''s doc', '2024-06-15'), ('refs_b', 'b''s doc', '2024-06-15');
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
ALTER TABLE docs FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON docs USING (tenant = current_user);
-- a partition made now is closed at once
SELECT partman.create_partition('docs', '2024-06-10', '2024-06-11');
SELECT c.relname, c.relrowsecurity, c.relacl IS NULL OR array_length(c.relacl, 1) = 1 AS owner_only
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'docs'::regclass ORDER BY 1;
-- the old ones leak until maintenance closes them: the plan says so
SET ROLE refs_a;
SELECT tenant FROM docs_p20240615 ORDER BY 1;
SET ROLE refs_owner;
SELECT action, partition, statement FROM partman.maintenance_plan('docs') ORDER BY partition;
CALL partman.run_maintenance('docs');
SELECT c.relname, c.relrowsecurity, c.relacl IS NULL OR array_length(c.relacl, 1) = 1 AS owner_only
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'docs'::regclass ORDER BY 1;
SELECT count(*) AS plan_after FROM partman.maintenance_plan('docs');
-- through the parent: own rows only; naming a partition: refused
SET ROLE refs_a;
SELECT tenant, body FROM docs ORDER BY 1;
SELECT tenant FROM docs_p20240615;
INSERT INTO docs VALUES ('refs_a', 'new', '2024-06-15');
-- a GRANT by hand on a partition still shows no row: no policy there
SET ROLE refs_owner;
GRANT SELECT ON docs_p20240615 TO refs_b;
SET ROLE refs_b;
SELECT count(*) AS seen_by_naming_the_partition FROM docs_p20240615;
SELECT tenant, body FROM docs ORDER BY 1;
-- maintenance closes that partition again
SET ROLE refs_owner;
CALL partman.run_maintenance('docs');
SET ROLE refs_b;
SELECT count(*) AS after_maintenance FROM docs_p20240615;
-- the parent forces row-level security on its owner, the partitions do not:
-- the owner's maintenance still sees and moves every parked row
RESET ROLE;
SET partman.simulated_now = '2024-06-16 12:00+00';
SET ROLE refs_a;
INSERT INTO docs VALUES ('refs_a', 'parked', '2024-06-17');
SET ROLE refs_owner;
SELECT rows FROM partman.check_default('docs', exact => true);
CALL partman.run_maintenance('docs');
RESET ROLE;
SELECT tableoid::regclass AS partition, tenant, body FROM docs WHERE created = '2024-06-17';
SELECT action, count(*) FROM partman.maintenance_log WHERE parent = 'docs'::regclass GROUP BY 1 ORDER BY 1;
SET partman.simulated_now = '2024-06-15 12:00+00';

RESET search_path;
DROP SCHEMA refs CASCADE;
DROP ROLE refs_owner;
DROP ROLE refs_a;
DROP ROLE refs_b;
