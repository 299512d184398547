# The background worker: a launcher starts one worker per database that
# allows connections and is not a template; each worker premakes partitions
# and applies retention on its own at partman.bgw_interval, honouring
# partman.simulated_now.  A database that gets CREATE EXTENSION later is
# picked up within one interval; DROP EXTENSION (also in the middle of a
# round) stops that database's worker cleanly; a terminated worker is back
# and working within one interval; reloads of bgw_interval and bgw_databases
# take effect; wake_worker() runs a round now.  Without preloading,
# wake_worker() and partman.workers raise an ERROR with a hint.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(time usleep);

my $interval = 2;    # partman.bgw_interval for most of this file, seconds

my $node = PartmanTest::node(
	'worker',
	workers => 1,
	conf => qq{
max_worker_processes = 16
partman.bgw_interval = $interval
partman.simulated_now = '2024-01-10 12:00:00+00'
});

# wait_for($db, $query, $timeout[, $expected]): see PartmanTest::wait_until
sub wait_for
{
	my ($db, @rest) = @_;
	return PartmanTest::wait_until($node, $db, @rest);
}

# The log written since byte offset $from.
sub log_since
{
	my ($from) = @_;
	return substr(slurp_file($node->logfile), $from);
}

# The lines of the log written since byte offset $from that match $re, so
# that a failed check shows just those lines.
sub log_lines
{
	my ($from, $re) = @_;
	return join("\n", grep { /$re/ } split(/\n/, log_since($from)));
}

# Set a GUC with ALTER SYSTEM and reload.
sub set_system
{
	my ($name, $value) = @_;
	my $set = defined $value ? "SET $name = '$value'" : "RESET $name";
	$node->safe_psql('postgres', "ALTER SYSTEM $set");
	$node->safe_psql('postgres', 'SELECT pg_reload_conf()');
	return;
}

# The pid of the worker of $db in pg_stat_activity ('' when none).
sub worker_pid
{
	my ($db) = @_;
	return $node->safe_psql('postgres',
		qq{SELECT string_agg(pid::text, ',') FROM pg_stat_activity
  WHERE backend_type = 'partman worker' AND datname = '$db'});
}

# Partitions of $parent in $db, by name, one string.
sub partitions
{
	my ($db, $parent) = @_;
	return $node->safe_psql($db,
		qq{SELECT string_agg(c.relname, ',' ORDER BY c.relname)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = '$parent'::regclass});
}

sub days
{
	my ($prefix, $from, $to) = @_;
	return join(',', "${prefix}_default",
		map { sprintf('%s_p202401%02d', $prefix, $_) } $from .. $to);
}

my $crash_re =
  qr/terminated by signal|terminating any other active server processes|server process .* was terminated|PANIC:/;

###########################################################################
# Launcher, workers, which databases get one
###########################################################################

$node->safe_psql('postgres', 'CREATE DATABASE db1');
$node->safe_psql('postgres', 'CREATE DATABASE db2');
$node->safe_psql('postgres', 'CREATE DATABASE nodb ALLOW_CONNECTIONS false');

is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'partman launcher'}),
	'1',
	'one partman launcher in pg_stat_activity');
my $launcher_pid = $node->safe_psql('postgres',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'partman launcher'});

# A daily set with retention 5 days, made at the simulated 2024-01-10 12:00.
$node->safe_psql(
	'db1', q{
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint NOT NULL, created_at timestamptz NOT NULL)
    PARTITION BY RANGE (created_at);
SELECT partman.create_parent('public.events', '1 day', premake => 3,
                             start_partition => '2024-01-08', retention => '5 days');
});
is(partitions('db1', 'public.events'), days('events', 8, 13),
	'create_parent at the simulated 2024-01-10: 8th to 13th');

ok( wait_for(
		'db1', q{SELECT state IN ('idle', 'running') AND last_run IS NOT NULL
  FROM partman.workers WHERE database = 'db1'}, 10),
	'db1 has a worker that has run a round');
is( $node->safe_psql(
		'db1', q{SELECT count(*) FROM partman.workers w
  JOIN pg_stat_activity a ON a.pid = w.pid
 WHERE w.database = 'db1' AND a.datname = 'db1' AND a.backend_type = 'partman worker'}),
	'1',
	'the pid in partman.workers is the partman worker of db1 in pg_stat_activity');
is( $node->safe_psql(
		'db1', q{SELECT last_run BETWEEN now() - interval '1 minute' AND now(),
       next_run - last_run BETWEEN interval '2 s' AND interval '4 s',
       last_error IS NULL
  FROM partman.workers WHERE database = 'db1'}),
	't|t|t',
	'partman.workers: last_run at the real time, next_run one interval later, no error');

# The database without the extension has a worker that found no extension.
ok( wait_for(
		'db1', q{SELECT state FROM partman.workers WHERE database = 'postgres'},
		10, 'no extension'),
	'postgres (no extension): worker state "no extension"');
is( $node->safe_psql(
		'db1', q{SELECT count(*) FROM partman.workers
  WHERE database IN ('template0', 'template1', 'nodb')}),
	'0',
	'no worker for templates or a database that allows no connections (view)');
is( $node->safe_psql(
		'db1', q{SELECT count(*) FROM pg_stat_activity
  WHERE backend_type = 'partman worker' AND datname IN ('template0', 'template1', 'nodb')}),
	'0',
	'no worker for templates or a database that allows no connections (pg_stat_activity)');

###########################################################################
# Premake and retention on its own, following the simulated time
###########################################################################

my $db1_pid = worker_pid('db1');
like($db1_pid, qr/^\d+$/, 'db1 has exactly one worker process');

set_system('partman.simulated_now', '2024-01-20 12:00:00+00');
ok( wait_for(
		'db1', q{SELECT string_agg(c.relname, ',' ORDER BY c.relname)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.events'::regclass}, 15, days('events', 15, 23)),
	'10 days later: the worker premade up to the 23rd and dropped up to the 14th');
is( $node->safe_psql(
		'db1', q{SELECT last_maintenance, last_error IS NULL
  FROM partman.part_config WHERE parent = 'public.events'::regclass}),
	'2024-01-20 12:00:00+00|t',
	'last_maintenance is the simulated time the worker saw, no error');
is( $node->safe_psql(
		'db1', q{SELECT count(DISTINCT partition) FROM partman.maintenance_log
  WHERE parent = 'public.events'::regclass AND action = 'create' AND outcome = 'done'
    AND partition BETWEEN 'events_p20240115' AND 'events_p20240123'}),
	'9',
	'maintenance_log: the worker logged creating the 15th to the 23rd');
is( $node->safe_psql(
		'db1', q{SELECT count(DISTINCT partition) FROM partman.maintenance_log
  WHERE parent = 'public.events'::regclass AND action = 'drop' AND outcome = 'done'
    AND partition ~ '(^|\.)events_p202401(0[89]|1[0-3])$'}),
	'6',
	'maintenance_log: the worker logged dropping the 8th to the 13th');
is( $node->safe_psql(
		'db1', q{SELECT count(*) FROM partman.maintenance_log WHERE outcome <> 'done'}),
	'0', 'no step failed or was skipped');

set_system('partman.simulated_now', '2024-01-25 12:00:00+00');
ok( wait_for(
		'db1', q{SELECT string_agg(c.relname, ',' ORDER BY c.relname)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'public.events'::regclass}, 15, days('events', 20, 28)),
	'5 more days: the worker keeps up (20th to 28th)');
is(worker_pid('db1'), $db1_pid, 'the same db1 worker did all of it');

# The rounds come every bgw_interval seconds: sample last_run for 7 s.
{
	my %seen;
	my $end = time() + 7;
	while (time() < $end)
	{
		my $t = $node->safe_psql('db1',
			q{SELECT extract(epoch FROM last_run) FROM partman.workers WHERE database = 'db1'});
		$seen{$t} = 1 if $t ne '';
		usleep(100_000);
	}
	my @runs = sort { $a <=> $b } keys %seen;
	my @gaps = map { $runs[$_] - $runs[ $_ - 1 ] } 1 .. $#runs;
	my ($min, $max) = (999, 0);
	for (@gaps) { $min = $_ if $_ < $min; $max = $_ if $_ > $max; }
	note sprintf('last_run values in 7 s: %d, gaps %s', scalar(@runs),
		join(' ', map { sprintf('%.3f', $_) } @gaps));
	cmp_ok(scalar(@runs), '>=', 4, "rounds keep coming with no wake-up (interval $interval s)");
	cmp_ok($min, '>=', $interval - 0.1, 'no two rounds closer than the interval');
	cmp_ok($max, '<=', $interval + 1.5, 'no round later than the interval (plus slack)');
}

###########################################################################
# CREATE EXTENSION later is picked up; DROP EXTENSION stops the worker
###########################################################################

ok( wait_for(
		'db1', q{SELECT state FROM partman.workers WHERE database = 'db2'},
		10, 'no extension'),
	'db2 (no extension yet): worker state "no extension"');

$node->safe_psql(
	'db2', q{
CREATE EXTENSION partman;
CREATE TABLE public.items (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('public.items', '100', premake => 2);
SELECT partman.set_config('public.items', 'premake', '4');
});
my $t0 = time();
ok( wait_for(
		'db2', q{SELECT future_partitions = 4 AND last_error IS NULL
  FROM partman.sets WHERE parent = 'public.items'::regclass}, $interval + 5),
	'CREATE EXTENSION in db2 is picked up within one interval: premake 4 made');
note sprintf('db2 picked up after %.1f s', time() - $t0);
is( $node->safe_psql(
		'db1', q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = 'db2'}),
	't', 'db2 worker is idle or running');
my $db2_pid = worker_pid('db2');
like($db2_pid, qr/^\d+$/, 'db2 has exactly one worker process');

# DROP EXTENSION while the worker is idle between rounds.
my $log_from = -s $node->logfile;
$node->safe_psql('db2', 'DROP EXTENSION partman');
ok( wait_for(
		'postgres', qq{SELECT count(*) FROM pg_stat_activity WHERE pid = $db2_pid},
		$interval + 5, '0'),
	'DROP EXTENSION: the db2 worker exits at its next round');
ok( wait_for(
		'db1', q{SELECT state FROM partman.workers WHERE database = 'db2'},
		5, 'no extension'),
	'db2 worker state: "no extension"');
is(log_lines($log_from, qr/\[$db2_pid\] .*(ERROR|FATAL|PANIC):/),
	'', 'the db2 worker logged no ERROR or FATAL on its way out');
is(log_lines($log_from, $crash_re), '', 'no crash, no crash-restart');
is(worker_pid('db1'), $db1_pid, 'the db1 worker is not affected');

# DROP EXTENSION in the middle of a round: wake the worker in the same
# transaction, so its round waits for the DROP's locks and meets the
# extension gone when the DROP commits.
$node->safe_psql(
	'db2', q{
CREATE EXTENSION partman;
CREATE TABLE public.more (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('public.more', '100', premake => 2);
});
ok( wait_for(
		'db1', q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = 'db2'},
		$interval + 5),
	'CREATE EXTENSION again in db2: a worker is back');
$db2_pid = worker_pid('db2');
like($db2_pid, qr/^\d+$/, 'db2 has exactly one worker process again');
$log_from = -s $node->logfile;
like( $node->safe_psql(
		'db2', q{BEGIN;
SELECT partman.wake_worker();
DROP EXTENSION partman;
SELECT pg_sleep(1);
COMMIT;}),
	qr/^t\b/,
	'wake_worker() then DROP EXTENSION in one transaction');
ok( wait_for(
		'postgres', qq{SELECT count(*) FROM pg_stat_activity WHERE pid = $db2_pid},
		$interval + 5, '0'),
	'DROP EXTENSION during a round: the db2 worker exits');
ok( wait_for(
		'db1', q{SELECT state FROM partman.workers WHERE database = 'db2'},
		5, 'no extension'),
	'db2 worker state: "no extension" (not "crashed")');
is(log_lines($log_from, qr/\[$db2_pid\] .*(ERROR|FATAL|PANIC):/),
	'', 'the db2 worker logged no ERROR or FATAL: its round met the extension gone and stopped');
is(log_lines($log_from, $crash_re), '', 'no crash, no crash-restart');

###########################################################################
# pg_terminate_backend: back and working within one interval
###########################################################################

$log_from = -s $node->logfile;
is($node->safe_psql('postgres', "SELECT pg_terminate_backend($db1_pid)"),
	't', 'terminate the db1 worker');
$t0 = time();
ok( wait_for(
		'postgres', qq{SELECT count(*) FROM pg_stat_activity WHERE pid = $db1_pid},
		5, '0'),
	'the db1 worker is gone');
# work for the next worker: one more day ahead (the 29th)
$node->safe_psql('db1', q{SELECT partman.set_config('public.events', 'premake', '4')});
ok( wait_for(
		'db1', qq{SELECT w.pid <> $db1_pid AND w.state IN ('idle', 'running')
       AND to_regclass('public.events_p20240129') IS NOT NULL
  FROM partman.workers w WHERE w.database = 'db1'}, $interval + 5),
	'a new db1 worker is back and made the 29th within one interval');
note sprintf('back after %.1f s', time() - $t0);
my $new_pid = worker_pid('db1');
like($new_pid, qr/^\d+$/, 'exactly one db1 worker process');
isnt($new_pid, $db1_pid, 'with a new pid');
$db1_pid = $new_pid;
is( $node->safe_psql(
		'postgres',
		q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'partman launcher'}),
	$launcher_pid,
	'the launcher is the same process');
is(log_lines($log_from, $crash_re), '', 'terminating the worker caused no crash-restart');

###########################################################################
# Reloads of bgw_interval; wake_worker()
###########################################################################

set_system('partman.bgw_interval', '3600');
ok( wait_for(
		'db1', q{SELECT next_run - last_run >= interval '3590 s'
  FROM partman.workers WHERE database = 'db1'}, 10),
	'reload to 3600 s: next_run is an hour after last_run');
my $last_run = $node->safe_psql('db1',
	q{SELECT last_run FROM partman.workers WHERE database = 'db1'});
sleep(3 * $interval);
is( $node->safe_psql(
		'db1', q{SELECT last_run FROM partman.workers WHERE database = 'db1'}),
	$last_run,
	"no round in ${\(3 * $interval)} s at the new interval");

# wake_worker runs a round now: premake 5 asks for the 30th
$node->safe_psql('db1', q{SELECT partman.set_config('public.events', 'premake', '5')});
is($node->safe_psql('db1', 'SELECT partman.wake_worker()'),
	't', 'wake_worker() in db1 returns true');
ok( wait_for(
		'db1', qq{SELECT last_run > '$last_run'
       AND to_regclass('public.events_p20240130') IS NOT NULL
  FROM partman.workers WHERE database = 'db1'}, 5),
	'the woken worker ran a round at once and made the 30th');
is( $node->safe_psql(
		'db1', q{SELECT next_run - last_run >= interval '3590 s'
  FROM partman.workers WHERE database = 'db1'}),
	't', 'and goes back to sleeping an hour');

# Back to 1 s: the worker does not sleep out its hour.
$last_run = $node->safe_psql('db1',
	q{SELECT last_run FROM partman.workers WHERE database = 'db1'});
set_system('partman.bgw_interval', '1');
ok( wait_for(
		'db1', qq{SELECT last_run > '$last_run' AND next_run - last_run <= interval '2 s'
  FROM partman.workers WHERE database = 'db1'}, 5),
	'reload to 1 s: the sleeping worker runs again within seconds, next_run 1 s later');

# The launcher follows the reload too: db2, whose worker exited (no
# extension) under the one-hour interval, is picked up within one new interval.
$node->safe_psql(
	'db2', q{
CREATE EXTENSION partman;
CREATE TABLE public.items2 (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('public.items2', '100', premake => 2);
SELECT partman.set_config('public.items2', 'premake', '3');
});
ok( wait_for(
		'db2', q{SELECT future_partitions = 3 FROM partman.sets
  WHERE parent = 'public.items2'::regclass}, 1 + 5),
	'after the reload to 1 s the launcher picks up CREATE EXTENSION in db2 within seconds');

set_system('partman.bgw_interval', "$interval");

###########################################################################
# partman.bgw_databases
###########################################################################

set_system('partman.bgw_databases', 'db1,db2');
# let the launcher take the reload before db3 exists
sleep(1);
$node->safe_psql('postgres', 'CREATE DATABASE db3');
$node->safe_psql(
	'db3', q{
CREATE EXTENSION partman;
CREATE TABLE public.items (id bigint NOT NULL) PARTITION BY RANGE (id);
SELECT partman.create_parent('public.items', '100', premake => 2);
SELECT partman.set_config('public.items', 'premake', '3');
});
is($node->safe_psql('db3', 'SELECT partman.wake_worker()'),
	'f', 'wake_worker() in db3, not in bgw_databases: false');
sleep(3 * $interval);
is(worker_pid('db3'), '', 'db3 is not in bgw_databases: no worker process');
is( $node->safe_psql(
		'db1', q{SELECT count(*) FROM partman.workers
  WHERE database = 'db3' AND state IN ('starting', 'idle', 'running')}),
	'0', 'and no active db3 row in partman.workers');
is( $node->safe_psql(
		'db3', q{SELECT future_partitions FROM partman.sets
  WHERE parent = 'public.items'::regclass}),
	'2', 'and nothing maintained db3');
like(worker_pid('db1'), qr/^\d+$/, 'db1, in the list, keeps its worker');

set_system('partman.bgw_databases', undef);
ok( wait_for(
		'db3', q{SELECT future_partitions = 3 FROM partman.sets
  WHERE parent = 'public.items'::regclass}, $interval + 5),
	'bgw_databases reset: db3 gets a worker that maintains it within one interval');
is($node->safe_psql('db3', 'SELECT partman.wake_worker()'),
	't', 'wake_worker() in db3 now returns true');

is(log_lines(0, $crash_re), '', 'no crash anywhere in this run');
$node->stop;

###########################################################################
# Without preloading
###########################################################################

my $plain = PartmanTest::node('no_preload', preload => '', workers => 1);
$plain->safe_psql('postgres', 'CREATE EXTENSION partman');
for my $sql ('SELECT partman.wake_worker()', 'SELECT * FROM partman.workers')
{
	my ($ret, $out, $err) = $plain->psql('postgres', $sql);
	isnt($ret, 0, "without preloading, $sql fails");
	like($err, qr/ERROR: .*\n(.*\n)*HINT: .*shared_preload_libraries/,
		"without preloading, $sql: ERROR with a hint about shared_preload_libraries");
}
is( $plain->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'partman%'}),
	'0', 'without preloading there is no launcher and no worker');
$plain->stop;

done_testing();
