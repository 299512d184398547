# partition_data's batches out of the default partition (issue 18):
#  - a batch ends where a partition does, and the next one makes up for what
#    it fell short of: the batches average batch_rows, none takes more than
#    batch_rows plus one partition's rows;
#  - rows that arrive in the default partition while a run goes on, with keys
#    below the partitions its batches made (so later batches, which look for
#    keys from where the last one ended, do not see them), are moved by the
#    same run;
#  - every run keeps every row (count, sum, md5 of all rows).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(usleep);

my $node = PartmanTest::node('partition_data_batches');
my $fingerprint = q{SELECT count(*), sum(id), md5(string_agg(id || ' ' || at || ' ' || note, ',' ORDER BY id))
  FROM public.%s};

# 30 days of 1,000 rows each, in the default partition; batches of 1,500 rows
$node->safe_psql('postgres', q{
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint, at timestamptz NOT NULL, note text) PARTITION BY RANGE (at);
CREATE INDEX ON public.events (at);
SET partman.simulated_now = '2024-03-01 12:00+00';
SELECT partman.create_parent('public.events', '1 day', premake => 1);
INSERT INTO public.events
SELECT g, timestamptz '2024-01-01 00:00+00' + ((g - 1) / 1000) * interval '1 day' + (g % 1000) * interval '1 minute', md5(g::text)
  FROM generate_series(1, 30000) g;
});
my $before = $node->safe_psql('postgres', sprintf($fingerprint, 'events'));
my ($ret, $out, $err) = $node->psql('postgres', q{
SET partman.simulated_now = '2024-03-01 12:00+00';
CALL partman.partition_data('public.events', batch_rows => 1500)});
is($ret, 0, 'partition_data in batches of 1500 rows succeeded') or diag $err;
my @moved = ($err =~ /NOTICE:  batch \d+: moved (\d+) rows, created \d+ partitions/g);
my ($total, $short, $most) = (0, 0, 0);
for my $k (0 .. $#moved)
{
	$total += $moved[$k];
	$most = $moved[$k] if $moved[$k] > $most;
	# before the last batch, the run is at most one day (1,000 rows) short of k batches of 1,500
	$short++ if $k < $#moved && $total <= ($k + 1) * 1500 - 1000;
}
is($total, 30000, 'the batches moved all 30000 rows');
is(scalar(@moved), 20, '20 batches: 30000 rows / 1500, each ending where a day does') or diag "@moved";
cmp_ok($most, '<=', 2000, 'none moved more than 1500 rows plus what the previous one fell short of');
is($short, 0, 'none left the run a whole day behind its batches of 1500') or diag "@moved";
is($node->safe_psql('postgres', sprintf($fingerprint, 'events')), $before, 'every row kept (count, sum, md5)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM ONLY public.events_default}), '0',
	'the default partition is empty');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass}),
	'33', '30 days + 2 premade + the default partition');

# 400 days of 50 rows each, in batches of 50: about 400 batches.  Once some
# have committed, rows of an earlier year arrive in the default partition.
$node->safe_psql('postgres', q{
CREATE TABLE public.visits (id bigint, at timestamptz NOT NULL, note text) PARTITION BY RANGE (at);
SET partman.simulated_now = '2024-03-01 12:00+00';
SELECT partman.create_parent('public.visits', '1 day', premake => 1);
INSERT INTO public.visits
SELECT g, timestamptz '2023-01-01 00:00+00' + ((g - 1) / 50) * interval '1 day' + g * interval '1 second', md5(g::text)
  FROM generate_series(1, 20000) g;
});
my $runner = $node->background_psql('postgres', on_error_stop => 0);
$runner->query_until(qr/started/,
	"\\echo started\nCALL partman.partition_data('public.visits', batch_rows => 50);\n\\echo finished\n");
my $partitions = q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.visits'::regclass};
my $waited = 0;
while ($node->safe_psql('postgres', $partitions) < 20 && $waited < 600)
{
	usleep(100_000);
	$waited++;
}
cmp_ok($node->safe_psql('postgres', $partitions), '>=', 20, 'the run made its first partitions');
# 10 rows of 2022: no partition holds them, so they land in the default partition
$node->safe_psql('postgres', q{
INSERT INTO public.visits SELECT 100000 + g, timestamptz '2022-06-15 00:00+00' + g * interval '1 hour', 'late'
  FROM generate_series(1, 10) g});
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity
  WHERE state = 'active' AND query LIKE 'CALL partman.partition_data(''public.visits''%'}),
	'1', 'the rows came while the run went on');
$runner->query_until(qr/finished/, '');
$runner->quit;
is($node->safe_psql('postgres', q{SELECT count(*) FROM ONLY public.visits_default}), '0',
	'the run moved them too: the default partition is empty');
is($node->safe_psql('postgres', q{SELECT count(*), min(tableoid::regclass::text) = max(tableoid::regclass::text)
  FROM public.visits WHERE note = 'late'}), '10|t', 'into the partition of their day');
is($node->safe_psql('postgres', q{SELECT count(*), sum(id) FROM public.visits}),
	'20010|201010055', 'every row kept: 20000 + 10 (count, sum of ids)');

$node->stop;
done_testing();
