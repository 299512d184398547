-- Partition operations.  Every operation that moves rows is checked with a
-- count and a checksum of the whole table before and after.
SET DateStyle = 'ISO, YMD';
SET partman.simulated_now = '2024-06-15 12:00:00+00';

CREATE FUNCTION public.fingerprint(t regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE result text;
BEGIN
    EXECUTE format('SELECT count(*) || '' rows, '' || md5(coalesce(string_agg(x::text, '','' ORDER BY x::text), '''')) FROM %s x', t)
       INTO result;
    RETURN result;
END $$;
CREATE FUNCTION public.placement(t regclass) RETURNS TABLE(partition regclass, rows bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT tableoid::regclass, count(*) FROM %s GROUP BY 1 ORDER BY tableoid::regclass::text', t);
END $$;

-- orders by year (RANGE on a date), with rows parked in the default partition
CREATE TABLE public.orders (
    order_id bigint GENERATED ALWAYS AS IDENTITY,
    customer_id int NOT NULL,
    order_date date NOT NULL,
    total_amount numeric(10,2),
    PRIMARY KEY (order_id, order_date)
) PARTITION BY RANGE (order_date);
SELECT partman.create_parent('public.orders', '1 year', premake => 1, start_partition => '2022-01-01');
INSERT INTO public.orders (customer_id, order_date, total_amount)
SELECT g % 97, date '2021-01-01' + (g * 7) % 1826, (g % 1000) / 4.0 FROM generate_series(1, 3000) g;
CREATE TEMP TABLE before AS SELECT public.fingerprint('public.orders') AS f;
SELECT * FROM public.placement('public.orders');

-- create_partition: the 2021 rows parked in the default partition move into the new partition
SELECT partman.create_partition('public.orders', '2021-01-01', '2022-01-01');
SELECT * FROM public.placement('public.orders');
SELECT public.fingerprint('public.orders') = f AS unchanged FROM before;
-- without bounds: the next partition of the set (2026, the remaining default rows move)
SELECT partman.create_partition('public.orders');
SELECT * FROM public.placement('public.orders');
SELECT public.fingerprint('public.orders') = f AS unchanged FROM before;

-- split_partition: 2024 in halves; the lower half keeps the name
SELECT partman.split_partition('public.orders_p2024', '2024-07-01');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.orders');
SELECT * FROM public.placement('public.orders');
SELECT public.fingerprint('public.orders') = f AS unchanged FROM before;
-- indexes reach both halves; the primary key still works
SELECT count(*) AS orders_pkey_indexes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.orders_pkey'::regclass;

-- merge_partitions: back together, and then 2022 + 2023 as well
SELECT partman.merge_partitions(ARRAY['public.orders_p2024', 'public.orders_p20240701']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.orders_p2022', 'public.orders_p2023']::regclass[]);
SELECT partition, range_from, range_to FROM partman.show_partitions('public.orders');
SELECT * FROM public.placement('public.orders');
SELECT public.fingerprint('public.orders') = f AS unchanged FROM before;

-- attach_partition: the bound is proven by a validated CHECK constraint, so
-- ATTACH finds it implied and does not scan again (see the DEBUG lines)
CREATE TABLE public.orders_2020 (order_id bigint NOT NULL, customer_id int NOT NULL,
                                 order_date date NOT NULL, total_amount numeric(10,2));
INSERT INTO public.orders_2020
SELECT 100000 + g, g % 97, date '2020-01-01' + g % 366, g FROM generate_series(1, 500) g;
INSERT INTO public.orders_2020 VALUES (200001, 1, '2019-12-31', 1), (200002, 1, '2021-01-01', 1);
-- two rows outside the bound: an error that counts them, and nothing changes
SELECT partman.attach_partition('public.orders', 'public.orders_2020', '2020-01-01', '2021-01-01');
SELECT conname FROM pg_constraint WHERE conrelid = 'public.orders_2020'::regclass;
SELECT relispartition FROM pg_class WHERE oid = 'public.orders_2020'::regclass;
DELETE FROM public.orders_2020 WHERE order_id > 200000;
CREATE TEMP TABLE before_attach AS
SELECT (SELECT count(*) FROM public.orders) + (SELECT count(*) FROM public.orders_2020) AS rows;
SET client_min_messages = debug1;
SELECT partman.attach_partition('public.orders', 'public.orders_2020', '2020-01-01', '2021-01-01');
RESET client_min_messages;
SELECT (SELECT count(*) FROM public.orders) = rows AS no_row_lost FROM before_attach;
SELECT conname FROM pg_constraint WHERE conrelid = 'public.orders_2020'::regclass;
SELECT partition, range_from, range_to FROM partman.show_partitions('public.orders') LIMIT 2;
-- attach also picks up rows of its bound that were parked in the default partition
INSERT INTO public.orders (customer_id, order_date, total_amount) VALUES (5, '2019-06-01', 9.5);
CREATE TABLE public.orders_2019 (LIKE public.orders);
CREATE TEMP TABLE before_2019 AS SELECT public.fingerprint('public.orders') AS f;
SELECT partman.attach_partition('public.orders', 'public.orders_2019', '2019-01-01', '2020-01-01');
SELECT public.fingerprint('public.orders') = f AS unchanged FROM before_2019;
SELECT count(*) AS rows_2019 FROM public.orders_2019;

-- detach_partition: detach, archive, drop
CREATE SCHEMA archive;
SELECT public.fingerprint('public.orders_2019') AS f2019 \gset
SELECT partman.detach_partition('public.orders_2019');
SELECT public.fingerprint('public.orders_2019') = :'f2019' AS kept_as_table;
SELECT partman.detach_partition('public.orders_2020', 'archive', 'archive');
SELECT count(*) AS archived_rows FROM archive.orders_2020;
SELECT partman.detach_partition('public.orders_p2026', 'drop');
SELECT to_regclass('public.orders_p2026') AS dropped;
SELECT partition FROM partman.show_partitions('public.orders');

-- drop_partition
SELECT partman.create_partition('public.orders');
SELECT partman.drop_partition('public.orders_p2026', only_if_empty => true);
SELECT partman.drop_partition('public.orders_p2025', only_if_empty => true);
SELECT to_regclass('public.orders_p2026') AS dropped, to_regclass('public.orders_p2025') AS kept;
INSERT INTO public.orders (customer_id, order_date, total_amount) VALUES (5, '2030-06-01', 1);
SELECT partman.drop_partition('public.orders_default', only_if_empty => true);
DELETE FROM public.orders WHERE order_date = '2030-06-01';

-- customers by region: a new partition for other values picks up the parked rows
CREATE TABLE public.clients (customer_id serial, name varchar(100), region varchar(20) NOT NULL)
    PARTITION BY LIST (region);
SELECT partman.create_parent('public.clients', list_values => '{
    "americas": ["US", "CA", "MX", "BR"], "europe": ["UK", "DE", "FR", "ES", "IT"],
    "apac": ["JP", "CN", "AU", "IN", "SG"]}');
INSERT INTO public.clients (name, region)
SELECT 'customer ' || g, (ARRAY['US', 'DE', 'JP', 'ZA', 'NG', 'EG', 'AR'])[1 + g % 7] FROM generate_series(1, 700) g;
CREATE TEMP TABLE before_customers AS SELECT public.fingerprint('public.clients') AS f;
SELECT * FROM public.placement('public.clients');
SELECT partman.create_partition('public.clients', list_values => '{ZA,NG,EG}', name => 'clients_africa');
SELECT partman.create_partition('public.clients', list_values => '{AR}');
SELECT * FROM public.placement('public.clients');
SELECT public.fingerprint('public.clients') = f AS unchanged FROM before_customers;
SELECT partman.merge_partitions(ARRAY['public.clients_americas', 'public.clients_ar']::regclass[]);
SELECT partition, list_values FROM partman.show_partitions('public.clients');
SELECT public.fingerprint('public.clients') = f AS unchanged FROM before_customers;

-- events by hash of user_id: modulus 4, then one partition split to modulus 8
CREATE TABLE public.user_events (event_id bigserial, user_id int NOT NULL, event_type varchar(50), created_at timestamp)
    PARTITION BY HASH (user_id);
SELECT partman.create_parent('public.user_events', modulus => 4);
INSERT INTO public.user_events (user_id, event_type, created_at)
SELECT g % 1000, 'click', timestamp '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 4000) g;
CREATE TEMP TABLE before_events AS SELECT public.fingerprint('public.user_events') AS f;
SELECT partman.split_hash_partition('public.user_events_h1');
SELECT partition, modulus, remainder FROM partman.show_partitions('public.user_events');
SELECT * FROM public.placement('public.user_events');
SELECT public.fingerprint('public.user_events') = f AS unchanged FROM before_events;
SELECT count(*) AS misrouted FROM public.user_events
 WHERE tableoid <> partman.partition_for('public.user_events', user_id::text);
-- a missing remainder can be created again
SELECT partman.detach_partition('public.user_events_h2');
SELECT partman.create_partition('public.user_events', remainder => 2, name => 'events_h2_new');
SELECT partition, modulus, remainder FROM partman.show_partitions('public.user_events');

-- wrong strategy, wrong kind of object, overlaps: clear errors, nothing changes
CREATE TABLE public.wrong_shape (order_id bigint NOT NULL, order_date date NOT NULL);
CREATE TABLE public.extra_column (LIKE public.orders, note text);
CREATE TABLE public.wrong_type (order_id bigint NOT NULL, customer_id bigint NOT NULL,
                                order_date date NOT NULL, total_amount numeric(10,2));
CREATE TABLE public.nullable (order_id bigint, customer_id int, order_date date, total_amount numeric(10,2));
CREATE TEMP TABLE catalog_before AS
SELECT c.oid, c.relname, c.relnamespace, c.relispartition FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't';
SELECT partman.create_partition('public.orders', '2023-06-01', '2023-07-01');
SELECT partman.create_partition('public.orders', '2031-01-01', '2030-01-01');
SELECT partman.create_partition('public.orders', '2031-01-01', '2031-01-01');
SELECT partman.create_partition('public.orders', range_to => '2031-01-01');
SELECT partman.create_partition('public.orders', list_values => '{a}');
SELECT partman.create_partition('public.clients', list_values => '{US}');
SELECT partman.create_partition('public.clients', list_values => '{PT,PT}');
SELECT partman.create_partition('public.clients', list_values => '{}');
SELECT partman.create_partition('public.clients');
SELECT partman.create_partition('public.clients', '1', '2');
SELECT partman.create_partition('public.user_events', remainder => 9);
SELECT partman.create_partition('public.user_events', remainder => 0);
SELECT partman.create_partition('public.user_events');
SELECT partman.create_partition('public.user_events', remainder => 3, name => repeat('x', 70));
SELECT partman.split_partition('public.orders_p2024', '2023-06-01');
SELECT partman.split_partition('public.orders_p2024', '2024-01-01');
SELECT partman.split_partition('public.orders_p2024', 'soon');
SELECT partman.split_partition('public.orders_default', '2024-01-01');
SELECT partman.split_partition('public.clients_europe', 'DE');
SELECT partman.split_partition('public.user_events_h0', '1');
SELECT partman.split_partition('public.orders', '2024-01-01');
SELECT partman.split_hash_partition('public.orders_p2024');
SELECT partman.merge_partitions(ARRAY['public.orders_p2022']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.orders_p2022', 'public.orders_p2025']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.orders_p2024', 'public.orders_default']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.orders_p2024', 'public.clients_europe']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.orders_p2024', 'public.orders_p2024']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.user_events_h0', 'public.user_events_h3']::regclass[]);
SELECT partman.merge_partitions(ARRAY['public.orders_p2024', NULL]::regclass[]);
SELECT partman.merge_partitions(NULL);
SELECT partman.detach_partition('public.orders_p2024', 'shred');
SELECT partman.detach_partition('public.orders_p2024', 'archive');
SELECT partman.detach_partition('public.orders_p2024', 'archive', 'no_such_schema');
SELECT partman.detach_partition('public.orders_p2024', 'detach', 'archive');
SELECT partman.detach_partition('public.orders');
SELECT partman.detach_partition('archive.orders_2020');
SELECT partman.drop_partition('public.orders');
SELECT partman.drop_partition(NULL);
SELECT partman.attach_partition('public.orders', 'public.wrong_shape', '2018-01-01', '2019-01-01');
SELECT partman.attach_partition('public.orders', 'public.extra_column', '2018-01-01', '2019-01-01');
SELECT partman.attach_partition('public.orders', 'public.wrong_type', '2018-01-01', '2019-01-01');
SELECT partman.attach_partition('public.orders', 'public.nullable', '2018-01-01', '2019-01-01');
SELECT partman.attach_partition('public.orders', 'public.orders_p2024', '2018-01-01', '2019-01-01');
SELECT partman.attach_partition('public.orders', 'public.clients', '2018-01-01', '2019-01-01');
SELECT partman.attach_partition('public.orders', 'public.orders_2019', '2024-03-01', '2024-04-01');
SELECT partman.attach_partition('public.clients', 'public.orders_2019', list_values => '{PT}');
SELECT count(*) AS catalog_changes FROM (
  (SELECT c.oid, c.relname, c.relnamespace, c.relispartition FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
   EXCEPT SELECT * FROM catalog_before)
  UNION ALL
  (SELECT * FROM catalog_before EXCEPT
   SELECT c.oid, c.relname, c.relnamespace, c.relispartition FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't')) d;
