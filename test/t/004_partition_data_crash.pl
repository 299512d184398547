# partition_data is crash-safe: a backend killed with SIGKILL in the middle
# of a run (the server then restarts and recovers) loses and doubles no row,
# leaves no half-made partition, and running it again finishes the job.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(time usleep);

my $node = PartmanTest::node('partition_data_crash', conf => "restart_after_crash = on\n");

# 300,000 rows over 60 days parked in the default partition.
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint NOT NULL, created_at timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (created_at);
SET partman.simulated_now = '2024-01-01 12:00+00';
SELECT partman.create_parent('public.events', '1 day', premake => 1);
INSERT INTO public.events
SELECT g, timestamptz '2024-02-01' + (g % 60) * interval '1 day' + (g % 3600) * interval '1 second',
       repeat('x', 50)
  FROM generate_series(1, 300000) g;
});
my $fingerprint = q{SELECT count(*), sum(id), count(DISTINCT id) FROM public.events};
my $before = $node->safe_psql('postgres', $fingerprint);
is($before, '300000|45000150000|300000', 'all rows start in the set');
is($node->safe_psql('postgres', 'SELECT count(*) FROM ONLY public.events_default'),
	'300000', 'and all of them in the default partition');

# Run it in small batches, and kill the backend once some batches committed.
my $runner = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $runner->query_safe('SELECT pg_backend_pid()');
$runner->query_until(qr/started/, q{
\echo started
SET partman.simulated_now = '2024-01-01 12:00+00';
CALL partman.partition_data('public.events', batch_rows => 5000);
});

my $partitions_query =
  q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass};
my $waited = 0;
while ($node->safe_psql('postgres', $partitions_query) < 8 && $waited < 600)
{
	usleep(100_000);
	$waited++;
}
cmp_ok($node->safe_psql('postgres', $partitions_query), '>=', 8,
	'some batches committed before the kill');
kill 'KILL', $pid;
# the backend is gone: its psql exits on its own
eval { $runner->quit; };
# psql may exit (server restarting) before it is given its query: the broken
# pipe is an error to retry, not the end of the test (see 014_faults)
my $deadline = time() + 180;
my $back = 0;
while (!$back && time() < $deadline)
{
	$back = eval { $node->safe_psql('postgres', 'SELECT 1') eq '1' } || 0;
	usleep(200_000) unless $back;
}
ok($back, 'server recovered after a backend was killed during partition_data');

# Nothing lost or doubled; the default partition is attached; partitions are whole.
is($node->safe_psql('postgres', $fingerprint), $before, 'no row lost or doubled after the crash');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
		   WHERE i.inhparent = 'public.events'::regclass AND c.relispartition
		     AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'}),
	'1',
	'the default partition is attached');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_class WHERE relname LIKE 'events_p2024%' AND NOT relispartition}),
	'0',
	'no half-made partition is left detached');
my $left = $node->safe_psql('postgres', 'SELECT count(*) FROM ONLY public.events_default');
cmp_ok($left, '>', 0, "rows still wait in the default partition ($left)");
cmp_ok($left, '<', 300000, 'and some were moved before the kill');

# A second run finishes the job.
$node->safe_psql('postgres',
	q{SET client_min_messages = warning;
	  SET partman.simulated_now = '2024-01-01 12:00+00';
	  CALL partman.partition_data('public.events', batch_rows => 50000)});
is($node->safe_psql('postgres', 'SELECT count(*) FROM ONLY public.events_default'),
	'0', 'the second run moved the rest');
is($node->safe_psql('postgres', $fingerprint), $before, 'still every row exactly once');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM public.events e
		   WHERE e.tableoid <> partman.partition_for('public.events', e.created_at::text)}),
	'0',
	'every row is in the partition its key belongs to');
is($node->safe_psql('postgres', $partitions_query), '63',
	'60 day partitions, the 2 made by create_parent, and the default');

$node->stop;
done_testing();
