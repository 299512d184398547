# Retention by the worker in sets without a default partition: the worker
# runs DETACH PARTITION ... CONCURRENTLY as a top-level command (the only
# place PostgreSQL allows it), then SET SCHEMA for 'archive'; every row is
# kept in the detached tables, and readers of the set are not blocked.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node(
	'worker_detach',
	workers => 1,
	conf => q{
partman.bgw_interval = 1
partman.simulated_now = '2024-03-01 12:00:00+00'
});

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE SCHEMA archive;
CREATE TABLE public.kept (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
CREATE TABLE public.archived (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.kept', '1 month', premake => 1, retention => '1 month',
                             retention_action => 'detach', start_partition => '2023-10-01',
                             default_partition => false);
SELECT partman.create_parent('public.archived', '1 month', premake => 1, retention => '1 month',
                             retention_action => 'archive', retention_schema => 'archive',
                             start_partition => '2023-10-01', default_partition => false);
INSERT INTO public.kept SELECT ts, 1 FROM generate_series(timestamptz '2023-10-01', '2024-03-31', '1 day') ts;
INSERT INTO public.archived SELECT ts, 1 FROM generate_series(timestamptz '2023-10-01', '2024-03-31', '1 day') ts;
});

# The dry run shows what the worker does: CONCURRENTLY, SHARE UPDATE EXCLUSIVE.
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM partman.maintenance_plan()
		   WHERE statement LIKE '%DETACH PARTITION % CONCURRENTLY;'
		     AND lock_mode = 'SHARE UPDATE EXCLUSIVE'}),
	'8',
	'the plan detaches the 8 expired partitions concurrently');

# A reader holds the set open: DETACH ... CONCURRENTLY waits for it without
# blocking anybody; once the reader is done, the worker completes.
my $reader = $node->background_psql('postgres');
$reader->query_safe('BEGIN');
$reader->query_safe('SELECT count(*) FROM public.kept');
$node->safe_psql('postgres', 'SELECT partman.wake_worker()');
sleep 2;
is($node->safe_psql('postgres', q{SET statement_timeout = '2s'; SELECT count(*) FROM public.archived}),
	'183', 'other sessions read the sets while the worker detaches');
$reader->query_safe('COMMIT');
$reader->quit;

ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) FROM partman.maintenance_log WHERE outcome = 'done'
		   AND detail = 'DETACH PARTITION CONCURRENTLY'},
		'8'),
	'the worker detached all 8 partitions with DETACH PARTITION CONCURRENTLY');

is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(partition::text, ',' ORDER BY partition::text)
		    FROM partman.show_partitions('public.kept')}),
	'kept_p202402,kept_p202403,kept_p202404',
	'detach: the expired partitions left the set');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*), sum((SELECT count(*) FROM pg_class x WHERE x.oid = c.oid))
		    FROM pg_class c WHERE c.relname LIKE 'kept_p2023%' OR c.relname = 'kept_p202401'}),
	'4|4',
	'detach: the four tables are kept');
is( $node->safe_psql(
		'postgres',
		q{SELECT (SELECT count(*) FROM public.kept_p202310) + (SELECT count(*) FROM public.kept_p202311)
		       + (SELECT count(*) FROM public.kept_p202312) + (SELECT count(*) FROM public.kept_p202401)
		       + (SELECT count(*) FROM public.kept)}),
	'183',
	'detach: every row is still there');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
		   WHERE relnamespace = 'archive'::regnamespace AND relkind = 'r'}),
	'archived_p202310,archived_p202311,archived_p202312,archived_p202401',
	'archive: the tables moved to the archive schema');
PartmanTest::settled($node, 'postgres');

$node->stop;
done_testing();
