# Server restarts in the middle of a worker's maintenance round: a set whose
# premake is raised to 2000 hourly partitions keeps the worker busy for
# seconds in one transaction; the server is stopped (mode immediate, then
# mode fast) while the worker holds the locks of hundreds of new partitions.
# After the restart no half-made partition exists (every table named like
# the set's partitions is an attached partition, and the set has either all
# or none of the new ones), part_config is intact, and the next round
# completes the set, logging each partition once.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(time usleep);

my $db      = 'maint';
my $premake = 2000;

my $node = PartmanTest::node(
	'worker_restart',
	workers => 1,
	conf => qq{
max_worker_processes = 16
# one transaction creates $premake partitions
max_locks_per_transaction = 1024
partman.bgw_interval = 1
partman.bgw_databases = '$db'
partman.simulated_now = '2024-01-10 12:00:00+00'
});

sub wait_for
{
	return PartmanTest::wait_until($node, $db, @_);
}

# Catalog-only queries: they never wait for the worker's locks on the sets.
sub attached
{
	my ($parent) = @_;
	return $node->safe_psql($db,
		qq{SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.$parent'::regclass});
}

my $detached_query = q{SELECT count(*) FROM pg_class c
 WHERE c.relname ~ '^events2?_(p|default)' AND c.relkind = 'r'
   AND (NOT c.relispartition
        OR NOT EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid
                          AND i.inhparent IN ('public.events'::regclass, 'public.events2'::regclass)))};

my $config_query = q{SELECT parent::text, "interval", premake, maintenance_enabled, time_zone
  FROM partman.part_config ORDER BY 1};

$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql(
	$db, q{
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint NOT NULL, created_at timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (created_at);
SELECT partman.create_parent('public.events', '1 hour', premake => 3);
CREATE TABLE public.events2 (id bigint NOT NULL, created_at timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (created_at);
SELECT partman.create_parent('public.events2', '1 hour', premake => 3);
SELECT partman.set_config('public.events2', 'maintenance_enabled', 'false');
});
is(attached('events'),  '5', 'events: current hour, 3 ahead, default');
is(attached('events2'), '5', 'events2: current hour, 3 ahead, default');
ok( wait_for(
		q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = current_database()},
		10),
	'the worker runs');

# Raise premake of $parent, wait until the worker is deep in the round
# (holding at least 200 relation locks), and return its pid.
sub start_big_round
{
	my ($parent, @extra) = @_;
	$node->safe_psql($db,
		qq{SELECT partman.set_config('public.$parent', 'premake', '$premake')});
	$node->safe_psql($db, $_) for @extra;
	ok( wait_for(
			q{SELECT count(*) >= 200 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE a.backend_type = 'partman worker' AND a.datname = current_database()
    AND l.locktype = 'relation' AND l.granted}, 20),
		"$parent: the worker is in the middle of creating $premake partitions");
	is( $node->safe_psql(
			$db, q{SELECT state FROM partman.workers WHERE database = current_database()}),
		'running', 'partman.workers shows the worker running');
	return;
}

# After a restart: nothing half-made, all or none of the new partitions,
# part_config intact; then the next round completes the set.
sub check_after_restart
{
	my ($parent, $mode, $config) = @_;
	ok( wait_for(q{SELECT 1}, 30, '1'), "$mode: server accepts connections again");
	is($node->safe_psql($db, $detached_query),
		'0', "$mode: no half-made partition (every such table is attached to its set)");
	my $n = attached($parent);
	ok($n == 5 || $n == $premake + 2,
		"$mode: $parent has none or all of the new partitions ($n attached)");
	is($node->safe_psql($db, $config_query), $config, "$mode: part_config intact");

	ok( wait_for(
			qq{SELECT count(*) = $premake + 2 FROM pg_inherits
  WHERE inhparent = 'public.$parent'::regclass}, 60),
		"$mode: the next round completes $parent");
	is( $node->safe_psql(
			$db, qq{SELECT future_partitions, last_error IS NULL
  FROM partman.sets WHERE parent = 'public.$parent'::regclass}),
		"$premake|t",
		"$mode: $parent has its $premake future partitions and no error");
	is( $node->safe_psql(
			$db, qq{SELECT count(*), count(DISTINCT partition) FROM partman.maintenance_log
  WHERE parent = 'public.$parent'::regclass AND action = 'create' AND outcome = 'done'}),
		($premake - 3) . '|' . ($premake - 3),
		"$mode: maintenance_log has each new partition of $parent once");
	is( $node->safe_psql(
			$db, qq{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'public.$parent'::regclass AND outcome <> 'done'}),
		'0', "$mode: no failed or skipped step for $parent");
	is($node->safe_psql($db, $detached_query), '0', "$mode: still nothing detached");
	ok( wait_for(
			q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = current_database()},
			10),
		"$mode: the worker is working again");
	return;
}

###########################################################################
# Immediate stop in the middle of a round
###########################################################################

start_big_round('events');
$node->stop('immediate');
$node->start;
check_after_restart('events', 'immediate',
	"events|1 hour|$premake|t|UTC\nevents2|1 hour|3|f|UTC");
like(slurp_file($node->logfile), qr/database system was not properly shut down/,
	'immediate: the server went through crash recovery');

###########################################################################
# Fast stop in the middle of a round
###########################################################################

start_big_round('events2',
	q{SELECT partman.set_config('public.events2', 'maintenance_enabled', 'true')});
my $t0 = time();
$node->stop('fast');
my $stop_secs = time() - $t0;
note sprintf('fast stop took %.1f s', $stop_secs);
cmp_ok($stop_secs, '<', 5,
	'fast: shutdown does not wait for the round to finish');
$node->start;
check_after_restart('events2', 'fast',
	"events|1 hour|$premake|t|UTC\nevents2|1 hour|$premake|t|UTC");
is(attached('events'), $premake + 2, 'events is untouched by the second restart');

unlike(slurp_file($node->logfile), qr/PANIC:/, 'no PANIC');
$node->stop;
done_testing();
