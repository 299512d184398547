# The background worker on the real clock: no partman.simulated_now anywhere
# in this cluster.  What the worker stamps (part_config.last_maintenance,
# maintenance_log.logged_at) follows the wall clock from round to round, and
# a 1-minute set gets its next partition when the minute turns.  Before the
# worker stamped the statement clock, its now() stayed at its first
# transaction: last_maintenance never advanced and premaking stopped.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node(
	'real_clock',
	workers => 1,
	conf => q{
max_worker_processes = 16
partman.bgw_interval = 1
});

is($node->safe_psql('postgres', "SELECT current_setting('partman.simulated_now')"),
	'', 'no simulated clock in this cluster');

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE TABLE minutes (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('minutes', '1 minute', premake => 1);
CREATE TABLE days (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('days', '1 day', premake => 3);
});

# last_maintenance: stamped by the worker, close to the wall clock, and
# later at each look
ok( PartmanTest::wait_until(
		$node, 'postgres',
		"SELECT last_maintenance IS NOT NULL FROM partman.part_config WHERE parent = 'days'::regclass",
		30),
	'the worker stamps last_maintenance');
my @stamps;
for my $i (1 .. 3)
{
	sleep 2;
	push @stamps,
	  $node->safe_psql('postgres',
		"SELECT extract(epoch FROM last_maintenance) FROM partman.part_config WHERE parent = 'days'::regclass");
	my $lag = $node->safe_psql('postgres',
		"SELECT extract(epoch FROM clock_timestamp() - last_maintenance) FROM partman.part_config WHERE parent = 'days'::regclass");
	cmp_ok($lag, '<', 5, "look $i: last_maintenance is within 5 s of the wall clock (lag $lag s)");
}
cmp_ok($stamps[1], '>', $stamps[0] + 1, 'last_maintenance advanced between the first two looks');
cmp_ok($stamps[2], '>', $stamps[1] + 1, 'and between the last two');

# maintenance_log.logged_at: a partition dropped by hand is made again, and
# the log row says when, on the wall clock
my $dropped_at = $node->safe_psql(
	'postgres', q{
SELECT partition FROM partman.show_partitions('days') WHERE NOT is_default ORDER BY range_to::timestamptz DESC LIMIT 1 \gset
DROP TABLE :partition;
SELECT extract(epoch FROM clock_timestamp());
});
ok( PartmanTest::wait_until(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM partman.maintenance_log WHERE parent = 'days'::regclass AND action = 'create' AND extract(epoch FROM logged_at) > $dropped_at",
		30),
	'the partition dropped by hand is made again');
my $log_lag = $node->safe_psql('postgres',
	"SELECT extract(epoch FROM max(logged_at)) - $dropped_at FROM partman.maintenance_log WHERE parent = 'days'::regclass AND action = 'create'");
cmp_ok($log_lag, '<', 5, "its log row is stamped within 5 s after the drop ($log_lag s)");

# a 1-minute set with premake 1: when the minute turns, the worker makes the
# partition of the minute after next
my $target = $node->safe_psql('postgres',
	"SELECT extract(epoch FROM date_trunc('minute', now()) + interval '2 minutes')");
ok( PartmanTest::wait_until(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM partman.show_partitions('minutes') WHERE NOT is_default AND extract(epoch FROM range_from::timestamptz) = $target",
		75),
	'the next minute\'s partition is made when the minute turns');
ok( PartmanTest::wait_until(
		$node, 'postgres', "SELECT count(*) = 0 FROM partman.sets WHERE status <> 'ok'", 10),
	'no set is behind');

$node->stop;
done_testing();
