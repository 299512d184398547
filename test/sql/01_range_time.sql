-- RANGE sets on time keys: names, bounds, premake and start_partition.
-- (pg_regress creates the extension: REGRESS_OPTS --load-extension)
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
-- partman computes "now" from this superuser-only setting in tests
SET partman.simulated_now = '2024-06-15 12:00:00+00';

-- A daily set from 365 days back with premake 30: 396 partitions plus default.
CREATE TABLE public.events (id bigint, created_at timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (created_at);
SELECT partman.create_parent('public.events', "interval" => '1 day', premake => 30,
                             start_partition => '2023-06-16');
SELECT count(*) FILTER (WHERE NOT is_default) AS partitions,
       count(*) FILTER (WHERE is_default) AS defaults,
       min(partition::text) AS first, max(partition::text) FILTER (WHERE NOT is_default) AS last
  FROM partman.show_partitions('public.events');
SELECT partition, bound FROM partman.show_partitions('public.events') LIMIT 2;
-- every name follows <parent>_pYYYYMMDD of its lower bound
SELECT count(*) AS misnamed FROM partman.show_partitions('public.events')
 WHERE NOT is_default
   AND partition::text <> 'events_p' || to_char(range_from::timestamptz, 'YYYYMMDD');
-- consecutive partitions touch: no gaps, no overlaps
SELECT count(*) AS gaps_or_overlaps FROM (
  SELECT range_to, lead(range_from) OVER (ORDER BY range_from::timestamptz) AS next_from
    FROM partman.show_partitions('public.events') WHERE NOT is_default) s
 WHERE next_from IS NOT NULL AND next_from <> range_to;
SELECT * FROM partman.sets;
SELECT parent, strategy, key, "interval", premake, retention, retention_action, time_zone,
       default_partition, maintenance_enabled, require_filter
  FROM partman.part_config;

-- rows land where partition_for says
INSERT INTO public.events VALUES (1, '2024-01-01 05:00+00'), (2, '2024-06-15 23:59:59+00'),
                                 (3, '2030-01-01 00:00+00');
SELECT id, tableoid::regclass AS stored_in,
       partman.partition_for('public.events', created_at::text) AS partition_for
  FROM public.events ORDER BY id;
SELECT partman.partition_for('public.events', NULL) AS null_goes_to;

-- Without start_partition: the current partition plus premake ahead.
CREATE TABLE public.weekly (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.weekly', '1 week', premake => 2);
SELECT partition, range_from, range_to FROM partman.show_partitions('public.weekly');

CREATE TABLE public.monthly (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.monthly', '1 month', premake => 2, start_partition => '2024-04-20');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.monthly');

CREATE TABLE public.quarterly (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.quarterly', '3 months', premake => 1);
SELECT partition, range_from, range_to FROM partman.show_partitions('public.quarterly');

CREATE TABLE public.yearly (d date NOT NULL) PARTITION BY RANGE (d);
SELECT partman.create_parent('public.yearly', 'yearly', premake => 1, start_partition => '2022-07-01');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.yearly');

CREATE TABLE public.quarter_hours (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.quarter_hours', '15 minutes', premake => 3,
                             default_partition => false);
SELECT partition, range_from, range_to FROM partman.show_partitions('public.quarter_hours');

-- timestamp without time zone: wall-clock values of the set's zone
CREATE TABLE public.local_hours (ts timestamp NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.local_hours', '6 hours', premake => 1,
                             time_zone => 'Asia/Tokyo');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.local_hours');

-- Boundaries follow the set's time_zone, never the session's TimeZone.
SET TimeZone = 'America/Los_Angeles';
CREATE TABLE public.berlin_days (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.berlin_days', '1 day', premake => 1,
                             start_partition => '2024-06-15', time_zone => 'Europe/Berlin');
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SELECT partition, range_from, range_to FROM partman.show_partitions('public.berlin_days');

-- A table that already has partitions of the same grid: they are kept, the
-- missing ones are added.
CREATE TABLE public.prefilled (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE public.my_june PARTITION OF public.prefilled
    FOR VALUES FROM ('2024-06-01 00:00+00') TO ('2024-07-01 00:00+00');
SELECT partman.create_parent('public.prefilled', '1 month', premake => 1, start_partition => '2024-05-01');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.prefilled');
