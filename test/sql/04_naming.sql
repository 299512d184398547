-- Names: <parent>_p<suffix>, quoted, and shortened to 63 bytes while staying unique.
SET DateStyle = 'ISO, YMD';
SET partman.simulated_now = '2024-06-15 12:00:00+00';

CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."Daily Events; DROP TABLE x" (ts timestamptz NOT NULL)
    PARTITION BY RANGE (ts);
SELECT partman.create_parent('"Odd Schema"."Daily Events; DROP TABLE x"', '1 day', premake => 1);
SELECT partition FROM partman.show_partitions('"Odd Schema"."Daily Events; DROP TABLE x"');

-- 60-byte parents that differ only at the end
CREATE TABLE public.a_very_long_table_name_for_partitioned_measurements_abcdefg1 (ts timestamptz NOT NULL)
    PARTITION BY RANGE (ts);
CREATE TABLE public.a_very_long_table_name_for_partitioned_measurements_abcdefg2 (ts timestamptz NOT NULL)
    PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.a_very_long_table_name_for_partitioned_measurements_abcdefg1', '1 hour', premake => 1);
SELECT partman.create_parent('public.a_very_long_table_name_for_partitioned_measurements_abcdefg2', '1 hour', premake => 1);
SELECT partition, length(partition::text) AS bytes
  FROM partman.show_partitions('public.a_very_long_table_name_for_partitioned_measurements_abcdefg1')
UNION ALL
SELECT partition, length(partition::text)
  FROM partman.show_partitions('public.a_very_long_table_name_for_partitioned_measurements_abcdefg2')
ORDER BY 1;

-- multibyte names are clipped on a character boundary
CREATE TABLE public."измерения_температуры_по_датчикам" (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public."измерения_температуры_по_датчикам"', '1 day', premake => 0,
                             default_partition => false);
SELECT c.relname, octet_length(c.relname) AS bytes
  FROM partman.show_partitions('public."измерения_температуры_по_датчикам"') p
  JOIN pg_class c ON c.oid = p.partition;
