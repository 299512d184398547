# partition_data into a UUIDv7 set: 1,000,000 rows parked in the default
# partition (30 days of UUIDv7 keys built from timestamps) move into daily
# partitions created as needed; the count and checksums are the same after,
# no row is left in the default partition, and every row lies in the
# partition of its UUID's time.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('uuidv7_partition_data');

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
-- PostgreSQL 15 has no uuidv7(): the 48-bit millisecond timestamp, version 7,
-- variant 10, and n in the random bits
CREATE FUNCTION public.uuidv7_at(t timestamptz, n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(overlay(overlay(decode(lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') ||
                                       lpad(to_hex(n), 20, '0'), 'hex')
                                PLACING '\x70'::bytea FROM 7 FOR 1)
                        PLACING '\x80'::bytea FROM 9 FOR 1), 'hex')::uuid
$$;
CREATE TABLE public.events (id uuid NOT NULL, n bigint NOT NULL, payload text)
    PARTITION BY RANGE (id);
CREATE INDEX ON public.events (id);
SET partman.simulated_now = '2024-01-01 12:00+00';
SELECT partman.create_parent('public.events', '1 day', premake => 1, time_zone => 'Europe/Berlin');
INSERT INTO public.events
SELECT public.uuidv7_at(timestamptz '2024-02-01' + (g % 30) * interval '1 day' + (g % 86399) * interval '1 second', g),
       g, md5(g::text)
  FROM generate_series(1, 1000000) g;
});

my $fingerprint = q{SELECT count(*), sum(n), count(DISTINCT id),
	md5(string_agg(md5(id::text || n || payload), '' ORDER BY n)) FROM public.events};
my $before = $node->safe_psql('postgres', $fingerprint);
like($before, qr/^1000000\|500000500000\|1000000\|[0-9a-f]{32}$/, 'all 1,000,000 rows start in the set');
is($node->safe_psql('postgres', 'SELECT count(*) FROM ONLY public.events_default'),
	'1000000', 'and all of them in the default partition');

my ($ret, $stdout, $stderr) = $node->psql('postgres', q{
SET partman.simulated_now = '2024-01-01 12:00+00';
CALL partman.partition_data('public.events', batch_rows => 100000);
});
is($ret, 0, 'partition_data ran') or diag($stderr);
like($stderr, qr/partition_data moved 1000000 rows of table "events"/, 'and says it moved every row');

is($node->safe_psql('postgres', $fingerprint), $before, 'count and checksums are the same after');
is($node->safe_psql('postgres', 'SELECT count(*) FROM ONLY public.events_default'),
	'0', 'the default partition is empty');
# each partition holds the rows of one local day, and there are as many as local days
is($node->safe_psql('postgres', q{
SELECT count(*) FROM (
  SELECT tableoid FROM public.events
   GROUP BY 1
  HAVING count(DISTINCT (to_timestamp(('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint / 1000.0)
                         AT TIME ZONE 'Europe/Berlin')::date) > 1) s}),
	'0', 'no partition holds rows of two local days');
is($node->safe_psql('postgres', 'SELECT count(DISTINCT tableoid) FROM public.events'),
	$node->safe_psql('postgres', q{
SELECT count(DISTINCT ((timestamptz '2024-02-01' + (g % 30) * interval '1 day' + (g % 86399) * interval '1 second')
                       AT TIME ZONE 'Europe/Berlin')::date)
  FROM generate_series(1, 1000000) g}), 'one partition per local day of the rows');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM public.events e
 WHERE e.n % 97 = 0 AND e.tableoid <> partman.partition_for('public.events', e.id::text)}),
	'0', 'sampled rows lie in the partition partition_for names');

$node->stop;
done_testing();
