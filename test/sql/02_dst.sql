-- DST: hourly and daily sets across the spring and autumn changes in
-- America/New_York and Europe/Berlin.  Bounds are shown in the set's zone.
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET partman.simulated_now = '2024-01-01 00:00:00+00';

-- Returns the number of gaps or overlaps between consecutive partitions,
-- and checks every minute of a span routes to a non-default partition.
CREATE FUNCTION public.check_coverage(p regclass, from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE(gaps_or_overlaps bigint, minutes_in_default bigint)
LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM (
            SELECT range_to, lead(range_from) OVER (ORDER BY range_from::timestamptz) AS next_from
              FROM partman.show_partitions(p) WHERE NOT is_default) s
           WHERE next_from IS NOT NULL AND next_from::timestamptz <> range_to::timestamptz),
         (SELECT count(*) FROM generate_series(from_ts, to_ts - interval '1 minute', interval '1 minute') t
           WHERE coalesce(partman.partition_for(p, t::text)::text, 'none') LIKE '%default' OR
                 partman.partition_for(p, t::text) IS NULL)
$$;

-- New York, spring forward 2024-03-10 02:00 EST -> 03:00 EDT: 02:00 does not exist.
SET TimeZone = 'America/New_York';
SET partman.simulated_now = '2024-03-10 05:00:00+00';  -- 00:00 EST
CREATE TABLE public.ny_spring (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.ny_spring', '1 hour', premake => 5, time_zone => 'America/New_York');
SELECT partition, range_from, range_to, range_to::timestamptz - range_from::timestamptz AS length
  FROM partman.show_partitions('public.ny_spring') WHERE NOT is_default;
SELECT * FROM public.check_coverage('public.ny_spring', '2024-03-10 00:00', '2024-03-10 05:00');

-- New York, fall back 2024-11-03 02:00 EDT -> 01:00 EST: 01:00-02:00 happens twice
-- and both hours belong to the partition named _01.
SET partman.simulated_now = '2024-11-03 04:00:00+00';  -- 00:00 EDT
CREATE TABLE public.ny_autumn (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.ny_autumn', '1 hour', premake => 3, time_zone => 'America/New_York');
SELECT partition, range_from, range_to, range_to::timestamptz - range_from::timestamptz AS length
  FROM partman.show_partitions('public.ny_autumn') WHERE NOT is_default;
SELECT * FROM public.check_coverage('public.ny_autumn', '2024-11-03 00:00', '2024-11-03 04:00');
SELECT partman.partition_for('public.ny_autumn', '2024-11-03 01:30-04') AS first_0130,
       partman.partition_for('public.ny_autumn', '2024-11-03 01:30-05') AS second_0130;

-- Berlin, spring forward 2024-03-31 02:00 CET -> 03:00 CEST.
SET TimeZone = 'Europe/Berlin';
SET partman.simulated_now = '2024-03-30 23:00:00+00';  -- 00:00 CET
CREATE TABLE public.berlin_spring (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.berlin_spring', '1 hour', premake => 4, time_zone => 'Europe/Berlin');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.berlin_spring') WHERE NOT is_default;
SELECT * FROM public.check_coverage('public.berlin_spring', '2024-03-31 00:00', '2024-03-31 04:00');

-- Berlin, fall back 2024-10-27 03:00 CEST -> 02:00 CET.
SET partman.simulated_now = '2024-10-26 22:00:00+00';  -- 00:00 CEST
CREATE TABLE public.berlin_autumn (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.berlin_autumn', '1 hour', premake => 4, time_zone => 'Europe/Berlin');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.berlin_autumn') WHERE NOT is_default;
SELECT * FROM public.check_coverage('public.berlin_autumn', '2024-10-27 00:00', '2024-10-27 04:00');

-- 15-minute set across the New York spring gap: the four quarters of 02:xx are skipped,
-- and do not count toward premake (6 real partitions ahead of 01:30).
SET TimeZone = 'America/New_York';
SET partman.simulated_now = '2024-03-10 06:30:00+00';  -- 01:30 EST
CREATE TABLE public.ny_quarters (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.ny_quarters', '15 minutes', premake => 6, time_zone => 'America/New_York');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.ny_quarters') WHERE NOT is_default;
SELECT * FROM public.check_coverage('public.ny_quarters', '2024-03-10 01:30', '2024-03-10 04:15');

-- Daily sets: 23-hour and 25-hour days.
SET partman.simulated_now = '2024-03-01 12:00:00+00';
CREATE TABLE public.ny_days (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.ny_days', '1 day', premake => 0,
                             start_partition => '2024-03-09', time_zone => 'America/New_York');
-- undo_parent keeps the partitions; registering again keeps the existing
-- partition and adds the rest, through both changes
SELECT partman.undo_parent('public.ny_days');
SELECT partman.create_parent('public.ny_days', '1 day', premake => 250,
                             start_partition => '2024-03-01', time_zone => 'America/New_York');
SELECT partition, range_to::timestamptz - range_from::timestamptz AS length
  FROM partman.show_partitions('public.ny_days')
 WHERE partition::text IN ('ny_days_p20240309', 'ny_days_p20240310', 'ny_days_p20240311',
                           'ny_days_p20241102', 'ny_days_p20241103', 'ny_days_p20241104');
SELECT range_to::timestamptz - range_from::timestamptz AS length, count(*)
  FROM partman.show_partitions('public.ny_days') WHERE NOT is_default GROUP BY 1 ORDER BY 1;
SELECT * FROM public.check_coverage('public.ny_days', '2024-03-09', '2024-03-12');

SET TimeZone = 'Europe/Berlin';
CREATE TABLE public.berlin_days_dst (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.berlin_days_dst', '1 day', premake => 250,
                             start_partition => '2024-03-01', time_zone => 'Europe/Berlin');
SELECT partition, range_from, range_to, range_to::timestamptz - range_from::timestamptz AS length
  FROM partman.show_partitions('public.berlin_days_dst')
 WHERE partition::text IN ('berlin_days_dst_p20240331', 'berlin_days_dst_p20241027');
SELECT range_to::timestamptz - range_from::timestamptz AS length, count(*)
  FROM partman.show_partitions('public.berlin_days_dst') WHERE NOT is_default GROUP BY 1 ORDER BY 1;

-- Monthly boundaries are local midnights on the 1st, whatever the offset.
CREATE TABLE public.berlin_months (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.berlin_months', '1 month', premake => 3,
                             start_partition => '2024-02-01', time_zone => 'Europe/Berlin');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.berlin_months') WHERE NOT is_default;
