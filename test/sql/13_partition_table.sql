-- partition_table: an existing plain table becomes a managed RANGE set of the
-- same name.  Its rows are not copied: the table itself becomes the first
-- partition.  Everything that pointed at the table keeps working.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-03-31 12:00:00+00';

CREATE SCHEMA shop;
CREATE ROLE shop_reader;
CREATE ROLE shop_stranger;
CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO shop.customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;

CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL,
    customer_id int NOT NULL REFERENCES shop.customers,
    amount numeric(10,2) NOT NULL CHECK (amount >= 0),
    note text DEFAULT 'none',
    line_no serial,
    touched int NOT NULL DEFAULT 0,
    PRIMARY KEY (id, created_at)
);
COMMENT ON TABLE shop.orders IS 'all orders';
CREATE INDEX orders_created_at_idx ON shop.orders (created_at);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id) WHERE amount > 100;
GRANT SELECT, INSERT ON shop.orders TO shop_reader;
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.touched := NEW.touched + 1;
    RETURN NEW;
END $$;
CREATE TRIGGER orders_touch BEFORE INSERT ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch();
INSERT INTO shop.orders (created_at, customer_id, amount)
SELECT timestamptz '2024-01-01 00:00+00' + (g * 7919 % 90) * interval '1 day' + (g % 1440) * interval '1 minute',
       g % 50 + 1, (g % 500) / 2.0
  FROM generate_series(1, 10000) g;
-- a table whose foreign key points at the orders, and a view over them
CREATE TABLE shop.refunds (order_id bigint, order_created_at timestamptz,
    FOREIGN KEY (order_id, order_created_at) REFERENCES shop.orders);
INSERT INTO shop.refunds SELECT id, created_at FROM shop.orders WHERE id % 100 = 0;
CREATE VIEW shop.big_orders AS SELECT id, created_at, amount FROM shop.orders WHERE amount > 200;
GRANT SELECT ON shop.big_orders TO shop_reader;

CREATE FUNCTION shop.fingerprint(t regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE result text;
BEGIN
    EXECUTE format('SELECT count(*) || '' rows, '' || md5(coalesce(string_agg(x::text, '','' ORDER BY x::text), '''')) FROM %s x', t)
       INTO result;
    RETURN result;
END $$;
-- what a failed call must leave unchanged: the table's kind, constraints, indexes and name
CREATE FUNCTION shop.shape(t text) RETURNS text LANGUAGE sql AS $$
    SELECT c.relkind::text || ' ' || c.oid::regclass::text || ' '
        || coalesce((SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = c.oid), '-') || ' '
        || coalesce((SELECT string_agg(indexrelid::regclass::text, ',' ORDER BY 1) FROM pg_index WHERE indrelid = c.oid), '-')
      FROM pg_class c WHERE c.oid = t::regclass
$$;
CREATE TEMP TABLE before AS
SELECT shop.fingerprint('shop.orders') AS f, (SELECT count(*) FROM shop.big_orders) AS big,
       (SELECT oid FROM pg_class WHERE oid = 'shop.big_orders'::regclass) AS view_oid;
SELECT f FROM before;

-- the conversion: daily partitions, 3 made ahead, rows stay where they are.
-- A NOTICE per phase; their DETAILs (lock times, rows/s) vary, so terse hides them
-- here (011_partition_table_online checks them).
\set VERBOSITY terse
CALL partman.partition_table('shop.orders', 'created_at', '1 day', premake => 3) \gset
\set VERBOSITY default
SELECT :'partition' AS partition, :partitions_created AS partitions_created, :lock_ms < 1000 AS lock_under_1s;
SELECT partition, range_from, range_to FROM partman.show_partitions('shop.orders');
\d shop.orders
\d shop.orders_legacy
SELECT "interval", premake, default_partition, time_zone FROM partman.part_config WHERE parent = 'shop.orders'::regclass;

-- same rows, the view still answers (same OID, grant kept), privileges carried
SELECT shop.fingerprint('shop.orders') = f AS same_rows FROM before;
SELECT (SELECT count(*) FROM shop.big_orders) = big AS view_works,
       'shop.big_orders'::regclass::oid = view_oid AS same_view FROM before;
SELECT has_table_privilege('shop_reader', 'shop.orders', 'INSERT') AS reader_inserts,
       has_table_privilege('shop_reader', 'shop.big_orders', 'SELECT') AS reader_reads_view,
       has_table_privilege('shop_stranger', 'shop.orders', 'SELECT') AS stranger_reads;
SELECT obj_description('shop.orders'::regclass, 'pg_class') AS comment;
SELECT conname, convalidated FROM pg_constraint
 WHERE conrelid = 'shop.refunds'::regclass AND conparentid = 0;

-- new rows: identity and serial continue, the trigger fires, they go to new partitions
INSERT INTO shop.orders (created_at, customer_id, amount)
VALUES ('2024-04-02 10:00+00', 1, 10), ('2024-03-31 09:00+00', 2, 20)
RETURNING id, line_no, touched, tableoid::regclass;
-- foreign keys from and to the table still hold
INSERT INTO shop.orders (created_at, customer_id, amount) VALUES ('2024-04-02 10:00+00', 999, 10);
DELETE FROM shop.orders WHERE id = 100;
INSERT INTO shop.refunds VALUES (1, '1999-01-01');
-- maintenance takes over: two simulated days later, partitions follow
SET partman.simulated_now = '2024-04-02 12:00:00+00';
CALL partman.run_maintenance('shop.orders');
SELECT partition, range_from, range_to FROM partman.show_partitions('shop.orders') OFFSET 1;
SET partman.simulated_now = '2024-03-31 12:00:00+00';

-- the legacy partition split online into daily partitions; the foreign key of refunds
-- is dropped and added again around the swap, then validated again
CREATE TEMP TABLE before_split AS SELECT shop.fingerprint('shop.orders') AS f;
-- (quiet: its batch NOTICEs carry rows/s, which vary; 013_split_online checks them)
SET client_min_messages = warning;
CALL partman.split_partition_online('shop.orders_legacy', batch_rows => 2000) \gset
RESET client_min_messages;
SELECT :partitions_created AS partitions_created, :lock_ms < 1000 AS lock_under_1s;
SELECT count(*) AS partitions, min(range_from), max(range_to)
  FROM partman.show_partitions('shop.orders') WHERE NOT is_default;
SELECT shop.fingerprint('shop.orders') = f AS same_rows FROM before_split;
SELECT (SELECT count(*) FROM shop.big_orders) = big AS view_works FROM before;
SELECT conname, convalidated FROM pg_constraint
 WHERE conrelid = 'shop.refunds'::regclass AND conparentid = 0;
DELETE FROM shop.orders WHERE id = 100;
SELECT count(*) AS leftovers FROM pg_class WHERE relname LIKE 'orders_split%' OR relname = 'orders_legacy';

-- an integer key: blocks of 1000 ids, in a table of an ordinary role who converts it
-- (and later splits it) without superuser rights
CREATE ROLE shop_owner;
GRANT USAGE, CREATE ON SCHEMA shop TO shop_owner;
CREATE TABLE shop.tickets (id bigint PRIMARY KEY, body text);
INSERT INTO shop.tickets SELECT g, 'ticket ' || g FROM generate_series(1, 4321) g;
ALTER TABLE shop.tickets OWNER TO shop_owner;
SET ROLE shop_owner;
\set VERBOSITY terse
CALL partman.partition_table('shop.tickets', 'id', '1000', premake => 2, default_partition => false) \gset
\set VERBOSITY default
RESET ROLE;
SELECT :'partition' AS partition, :partitions_created AS partitions_created, :lock_ms < 1000 AS lock_under_1s;
SELECT partition, range_from, range_to FROM partman.show_partitions('shop.tickets');
SELECT count(*), sum(id) FROM shop.tickets;

-- the legacy partition split into one partition per cell, online: rows copied in
-- batches while a trigger writes changes through, verified, then swapped in
SET ROLE shop_owner;
-- (quiet: its batch NOTICEs carry rows/s, which vary; 013_split_online checks them)
SET client_min_messages = warning;
CALL partman.split_partition_online('shop.tickets_legacy', batch_rows => 1000) \gset
RESET client_min_messages;
RESET ROLE;
SELECT :partitions_created AS partitions_created, :lock_ms < 1000 AS lock_under_1s;
SELECT partition, range_from, range_to FROM partman.show_partitions('shop.tickets');
SELECT count(*), sum(id) FROM shop.tickets;
SELECT count(*) AS leftovers FROM pg_class WHERE relname LIKE 'tickets_split%';
-- every table of the set belongs to the owner
SELECT DISTINCT relowner::regrole AS owner FROM pg_class
 WHERE oid = 'shop.tickets'::regclass OR oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'shop.tickets'::regclass);

-- an empty table: the legacy partition covers the current cell and one more
CREATE TABLE shop.empty (k date NOT NULL, v int);
\set VERBOSITY terse
CALL partman.partition_table('shop.empty', 'k', '1 month', premake => 1, default_partition => false) \gset
\set VERBOSITY default
SELECT partition, range_from, range_to FROM partman.show_partitions('shop.empty');

-- errors: each with its SQLSTATE, and nothing changed after it
\set VERBOSITY sqlstate
CREATE TABLE shop.plain (id bigint NOT NULL, k timestamptz, u int UNIQUE, t text);
INSERT INTO shop.plain VALUES (1, '2024-03-01', 1), (2, NULL, 2);
-- inside a transaction block (25001)
BEGIN;
CALL partman.partition_table('shop.plain', 'k', '1 day');
ROLLBACK;
-- already managed by partman (42710), partitioned by someone else (42809), not a table (42809)
CREATE TABLE shop.parted_elsewhere (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CALL partman.partition_table('shop.orders', 'created_at', '1 day');
CALL partman.partition_table('shop.parted_elsewhere', 'at', '1 day');
CALL partman.partition_table('shop.big_orders', 'created_at', '1 day');
-- key column missing (42703), unsupported key type (0A000), an interval that does not fit the key
-- (22023), an interval that is none (22007)
CALL partman.partition_table('shop.plain', 'nope', '1 day');
CALL partman.partition_table('shop.plain', 't', '1 day');
CALL partman.partition_table('shop.plain', 'u', '1 day');
CALL partman.partition_table('shop.plain', 'k', '2 fortnights');
-- NULL as an argument (22004)
CALL partman.partition_table('shop.plain', NULL, '1 day');
-- a unique constraint without the key (0A000)
CALL partman.partition_table('shop.plain', 'k', '1 day');
ALTER TABLE shop.plain DROP CONSTRAINT plain_u_key;
CREATE TEMP TABLE plain_before AS SELECT shop.shape('shop.plain') AS s;
-- a row with a NULL key (23514): the bound constraint is dropped again
CALL partman.partition_table('shop.plain', 'k', '1 day');
SELECT shop.shape('shop.plain') = s AS unchanged, s FROM plain_before;
\set VERBOSITY default
-- (its phase NOTICEs, timed, were shown just above)
SET client_min_messages = warning;
CALL partman.partition_table('shop.plain', 'k', '1 day');
RESET client_min_messages;
\set VERBOSITY sqlstate
DELETE FROM shop.plain WHERE k IS NULL;
-- not the owner (42501)
SET ROLE shop_stranger;
CALL partman.partition_table('shop.plain', 'k', '1 day');
RESET ROLE;
-- a materialized view reads it (0A000)
CREATE MATERIALIZED VIEW shop.plain_mv AS SELECT * FROM shop.plain;
CALL partman.partition_table('shop.plain', 'k', '1 day');
DROP MATERIALIZED VIEW shop.plain_mv;
-- the partition's name is taken (42P07)
CREATE TABLE shop.plain_legacy (x int);
CALL partman.partition_table('shop.plain', 'k', '1 day');
DROP TABLE shop.plain_legacy;
-- it is in a publication (0A000)
CREATE PUBLICATION plain_pub FOR TABLE shop.plain;
CALL partman.partition_table('shop.plain', 'k', '1 day');
DROP PUBLICATION plain_pub;
-- split_partition_online: inside a transaction block (25001), not a partition (42809), a
-- partition of one cell (22023), a set without a unique key (0A000)
BEGIN;
CALL partman.split_partition_online('shop.empty_legacy');
ROLLBACK;
CALL partman.split_partition_online('shop.plain');
CALL partman.split_partition_online('shop.tickets_p1000');
CALL partman.split_partition_online('shop.empty_legacy');
SELECT relname FROM pg_class WHERE relname LIKE 'plain%' AND relnamespace = 'shop'::regnamespace ORDER BY 1;
SELECT shop.shape('shop.plain') = s AS unchanged, (SELECT count(*) FROM pg_constraint WHERE conname = 'partman_partition_table_bound') AS leftover_bound_constraints FROM plain_before;
\set VERBOSITY default
-- the same messages in full: partman's own set and a table partitioned by someone
-- else are told apart; a unique index without the key gets a hint naming its columns
CALL partman.partition_table('shop.orders', 'created_at', '1 day');
CALL partman.partition_table('shop.parted_elsewhere', 'at', '1 day');
CREATE TABLE shop.pk_only (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
CALL partman.partition_table('shop.pk_only', 'created_at', '1 day');
CREATE TABLE shop.unique_only (id bigint, email text UNIQUE, created_at timestamptz NOT NULL);
CALL partman.partition_table('shop.unique_only', 'created_at', '1 day');
-- and with nothing in the way it works
\set VERBOSITY terse
CALL partman.partition_table('shop.plain', 'k', '1 month', premake => 0, default_partition => false) \gset
\set VERBOSITY default
SELECT partition, range_from, range_to FROM partman.show_partitions('shop.plain');

DROP SCHEMA shop CASCADE;
DROP ROLE shop_reader, shop_stranger, shop_owner;
