-- RANGE sets on integer and numeric keys.
SET DateStyle = 'ISO, YMD';

CREATE TABLE public.readings (id bigint NOT NULL, value float8) PARTITION BY RANGE (id);
SELECT partman.create_parent('public.readings', '100000', premake => 3);
SELECT partition, range_from, range_to FROM partman.show_partitions('public.readings');

-- an integer set counts premake from its newest key, not from the clock
CREATE TABLE public.tickets (no int NOT NULL) PARTITION BY RANGE (no);
CREATE TABLE public.tickets_seed PARTITION OF public.tickets FOR VALUES FROM (0) TO (1000);
INSERT INTO public.tickets SELECT g FROM generate_series(1, 999) g;
SELECT partman.create_parent('public.tickets', '1000', premake => 2);
SELECT partition, range_from, range_to FROM partman.show_partitions('public.tickets');
INSERT INTO public.tickets VALUES (2500);
SELECT future_partitions, status FROM partman.sets WHERE parent = 'public.tickets'::regclass;

-- negative bounds: names use "m" for the minus sign
CREATE TABLE public.offsets (o smallint NOT NULL) PARTITION BY RANGE (o);
SELECT partman.create_parent('public.offsets', '100', premake => 1, start_partition => '-250');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.offsets');
SELECT partman.partition_for('public.offsets', '-201') AS minus_201,
       partman.partition_for('public.offsets', '-200') AS minus_200;

CREATE TABLE public.amounts (amount numeric NOT NULL) PARTITION BY RANGE (amount);
SELECT partman.create_parent('public.amounts', '50', premake => 1, start_partition => '12.5');
SELECT partition, range_from, range_to FROM partman.show_partitions('public.amounts');
SELECT partman.partition_for('public.amounts', '49.999') AS p49, partman.partition_for('public.amounts', '50') AS p50;

-- smallint limits: a partition past 32767 cannot exist
CREATE TABLE public.tiny (t smallint NOT NULL) PARTITION BY RANGE (t);
SELECT partman.create_parent('public.tiny', '10000', premake => 5, start_partition => '20000');
SELECT count(*) FROM partman.show_partitions('public.tiny');
SELECT count(*) AS managed FROM partman.part_config WHERE parent = 'public.tiny'::regclass;
