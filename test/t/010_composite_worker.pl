# Composite sets maintained by the background worker: it makes every new
# partition with its sub-partitions, and retires expired partitions of a set
# without default partitions with DETACH PARTITION ... CONCURRENTLY (a
# partitioned partition included), moving the whole sub-tree to the archive
# schema for 'archive'.  Every row is kept.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node(
	'composite_worker',
	workers => 1,
	conf => q{
partman.bgw_interval = 1
partman.simulated_now = '2024-03-01 12:00:00+00'
});

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE SCHEMA archive;
CREATE TABLE public.events (event_id bigint NOT NULL, event_type text NOT NULL,
                            created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
CREATE TABLE public.sessions (user_id int NOT NULL, started_at timestamptz NOT NULL)
    PARTITION BY RANGE (started_at);
SELECT partman.create_parent('public.events', '1 month', premake => 1, retention => '1 month',
                             retention_action => 'archive', retention_schema => 'archive',
                             start_partition => '2023-10-01', default_partition => false,
                             sub_key => 'event_type',
                             sub_list_values => '{"click": ["click"], "view": ["view"]}');
SELECT partman.create_parent('public.sessions', '1 month', premake => 1, retention => '1 month',
                             retention_action => 'detach', start_partition => '2023-10-01',
                             default_partition => false, sub_key => 'user_id', sub_modulus => 3);
INSERT INTO public.events
SELECT row_number() OVER (), t, ts
  FROM generate_series(timestamptz '2023-10-01', '2024-04-30', '1 day') ts, unnest(ARRAY['click', 'view']) t;
INSERT INTO public.sessions SELECT u, ts
  FROM generate_series(timestamptz '2023-10-01', '2024-04-30', '1 day') ts, generate_series(1, 3) u;
});

is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM partman.maintenance_plan()
		   WHERE statement LIKE '%DETACH PARTITION % CONCURRENTLY;'}),
	'8',
	'the plan detaches the 8 expired partitions concurrently');

$node->safe_psql('postgres', 'SELECT partman.wake_worker()');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) FROM partman.maintenance_log WHERE outcome = 'done'
		   AND detail = 'DETACH PARTITION CONCURRENTLY'},
		'8'),
	'the worker detached all 8 partitions with DETACH PARTITION CONCURRENTLY');

is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(relname || ':' || relkind::text || ':' || relispartition, ',' ORDER BY relname)
		    FROM pg_class WHERE relnamespace = 'archive'::regnamespace AND relkind IN ('r', 'p')}),
	join(',',
		map { ("events_p$_:p:false", "events_p${_}_click:r:true", "events_p${_}_view:r:true") }
		  qw(202310 202311 202312 202401)),
	'archive: every expired month moved to the archive schema with its sub-partitions');
is( $node->safe_psql(
		'postgres',
		q{SELECT (SELECT count(*) FROM public.events)
		       + (SELECT count(*) FROM archive.events_p202310) + (SELECT count(*) FROM archive.events_p202311)
		       + (SELECT count(*) FROM archive.events_p202312) + (SELECT count(*) FROM archive.events_p202401)}),
	'426',
	'archive: every row is still there');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(c.relname || ':' || (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid),
		                    ',' ORDER BY c.relname)
		    FROM pg_class c WHERE c.relname ~ '^sessions_p20(231|2401)' AND c.relkind = 'p'
		     AND NOT c.relispartition}),
	'sessions_p202310:3,sessions_p202311:3,sessions_p202312:3,sessions_p202401:3',
	'detach: each expired month is a table of its own with its 3 HASH sub-partitions');

# the worker makes the sub-partitions of the months it premakes
$node->safe_psql('postgres', q{ALTER SYSTEM SET partman.simulated_now = '2024-05-15 12:00:00+00'});
$node->safe_psql('postgres', 'SELECT pg_reload_conf()');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) FROM partman.show_partitions('public.events') WHERE partition::text LIKE 'events_p202406%'},
		'3'),
	'the worker premade June with its sub-partitions');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT string_agg(level || ':' || n, ',' ORDER BY level)
		    FROM (SELECT level, count(*) AS n FROM partman.show_partitions('public.sessions') GROUP BY 1) x},
		'1:3,2:9'),
	'sessions: three months left, three HASH sub-partitions each');
PartmanTest::settled($node, 'postgres');

$node->stop;
done_testing();
