-- LIST and HASH sets, on the background document's examples.
SET DateStyle = 'ISO, YMD';

-- customers by region (LIST on text)
CREATE TABLE public.customers (
    customer_id serial,
    name varchar(100),
    region varchar(20) NOT NULL
) PARTITION BY LIST (region);
SELECT partman.create_parent('public.customers', list_values => '{
    "americas": ["US", "CA", "MX", "BR"],
    "europe":   ["UK", "DE", "FR", "ES", "IT"],
    "apac":     ["JP", "CN", "AU", "IN", "SG"]}');
SELECT partition, bound, list_values, is_default FROM partman.show_partitions('public.customers');
SELECT parent, strategy, key, "interval", default_partition FROM partman.part_config
 WHERE parent = 'public.customers'::regclass;
SELECT partman.partition_for('public.customers', 'DE') AS de, partman.partition_for('public.customers', 'ZA') AS za;

-- a LIST set on integers, with NULL as a value
CREATE TABLE public.tiers (account int, tier int) PARTITION BY LIST (tier);
SELECT partman.create_parent('public.tiers', list_values => '{"free": [0], "paid": [1, 2, 3], "unknown": [null]}',
                             default_partition => false);
SELECT partition, list_values FROM partman.show_partitions('public.tiers');
SELECT partman.partition_for('public.tiers', NULL) AS null_tier, partman.partition_for('public.tiers', '7') AS tier_7;

-- events by hash of user_id (modulus 4): no default partition in a HASH set
CREATE TABLE public.hashed_events (
    event_id bigserial,
    user_id int NOT NULL,
    event_type varchar(50),
    created_at timestamp
) PARTITION BY HASH (user_id);
SELECT partman.create_parent('public.hashed_events', modulus => 4);
SELECT partition, bound, modulus, remainder, is_default FROM partman.show_partitions('public.hashed_events');
SELECT strategy, default_partition FROM partman.part_config WHERE parent = 'public.hashed_events'::regclass;
INSERT INTO public.hashed_events (user_id, event_type) SELECT g, 'click' FROM generate_series(1, 2000) g;
-- partition_for agrees with PostgreSQL's routing for every row
SELECT count(*) AS misrouted FROM public.hashed_events
 WHERE tableoid <> partman.partition_for('public.hashed_events', user_id::text);

-- the sets view covers all strategies
SELECT parent, strategy, partitions, oldest_bound, newest_bound, future_partitions, status
  FROM partman.sets WHERE strategy <> 'range' ORDER BY parent::text;

-- errors
SELECT partman.create_parent('public.customers', list_values => '{"x": ["X"]}');
CREATE TABLE public.regions2 (region text) PARTITION BY LIST (region);
SELECT partman.create_parent('public.regions2');
SELECT partman.create_parent('public.regions2', list_values => '["US", "CA"]');
SELECT partman.create_parent('public.regions2', list_values => '{"a": []}');
SELECT partman.create_parent('public.regions2', list_values => '{"a": "US"}');
SELECT partman.create_parent('public.regions2', list_values => '{"a": ["US"], "b": ["US"]}');
SELECT partman.create_parent('public.regions2', list_values => '{"": ["US"]}');
SELECT partman.create_parent('public.regions2', '1 day', list_values => '{"a": ["US"]}');
SELECT partman.create_parent('public.regions2', list_values => '{"a": ["US"]}', modulus => 2);
SELECT partman.create_parent('public.regions2', list_values => '{"a": ["US"]}', start_partition => 'US');
SELECT partman.create_parent('public.regions2', list_values => '{"a": ["US"]}', retention => '30 days');
SELECT partman.create_parent('public.tiers_bad', list_values => '{"a": [1]}');
CREATE TABLE public.tiers2 (tier int) PARTITION BY LIST (tier);
SELECT partman.create_parent('public.tiers2', list_values => '{"a": ["one"]}');
CREATE TABLE public.hashed2 (id int) PARTITION BY HASH (id);
SELECT partman.create_parent('public.hashed2');
SELECT partman.create_parent('public.hashed2', modulus => 0);
SELECT partman.create_parent('public.hashed2', modulus => -4);
SELECT partman.create_parent('public.hashed2', modulus => 1000000);
SELECT partman.create_parent('public.hashed2', modulus => 4, list_values => '{"a": [1]}');
SELECT count(*) AS partitions_of_failed_sets FROM pg_inherits
 WHERE inhparent IN ('public.regions2'::regclass, 'public.tiers2'::regclass, 'public.hashed2'::regclass);
SELECT count(*) AS config_rows_of_failed_sets FROM partman.part_config
 WHERE parent IN ('public.regions2'::regclass, 'public.tiers2'::regclass, 'public.hashed2'::regclass);
