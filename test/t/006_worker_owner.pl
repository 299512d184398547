# The background worker acts as each set's owner: a non-superuser's set gets
# partitions owned by that user (with the parent's privileges); a set whose
# owner lacks CREATE on its schema fails cleanly (part_config.last_error, a
# 'failed' row in partman.maintenance_log, the set shows critical) while the
# other sets are still maintained, and it recovers once the right is given
# back.  The worker connects as the bootstrap superuser, or as
# partman.bgw_role, and then maintains only the sets that role may.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(time usleep);

my $interval = 1;
my $db       = 'owners';

my $node = PartmanTest::node(
	'worker_owner',
	workers => 1,
	conf => qq{
max_worker_processes = 16
partman.bgw_interval = $interval
partman.bgw_databases = '$db'
partman.simulated_now = '2024-03-10 12:00:00+00'
});

# Poll $query until it returns $expected (default 't') for at most $timeout s.
sub wait_for
{
	return PartmanTest::wait_until($node, $db, @_);
}

sub psql_as
{
	my ($user, $sql) = @_;
	return $node->safe_psql($db, $sql,
		connstr => $node->connstr($db) . " user=$user");
}

sub worker_pid
{
	return $node->safe_psql($db,
		qq{SELECT string_agg(pid::text, ',') FROM pg_stat_activity
  WHERE backend_type = 'partman worker' AND datname = '$db'});
}

sub future
{
	my ($parent) = @_;
	return $node->safe_psql($db,
		qq{SELECT future_partitions FROM partman.sets WHERE parent = '$parent'::regclass});
}

my $superuser =
  $node->safe_psql('postgres', 'SELECT rolname FROM pg_authid WHERE oid = 10');

$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql(
	$db, q{
CREATE EXTENSION partman;
CREATE ROLE app LOGIN;
CREATE ROLE bad LOGIN;
CREATE ROLE reader;
CREATE SCHEMA app AUTHORIZATION app;
CREATE SCHEMA shared;
GRANT USAGE, CREATE ON SCHEMA shared TO bad;
CREATE TABLE public.sys (id bigint NOT NULL, ts timestamptz NOT NULL)
    PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.sys', '1 day', premake => 2);
});

# app's set: its own schema, a grant to reader.
psql_as(
	'app', q{
CREATE TABLE app.metrics (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
GRANT SELECT ON app.metrics TO reader;
SELECT partman.create_parent('app.metrics', '1 day', premake => 2);
});
# bad's set, in a schema where bad then loses CREATE.
psql_as(
	'bad', q{
CREATE TABLE shared.readings (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT partman.create_parent('shared.readings', '1 day', premake => 2);
});
$node->safe_psql($db, 'REVOKE CREATE ON SCHEMA shared FROM bad');

ok(wait_for(q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = current_database()}, 10),
	'the worker runs');
my $pid = worker_pid();
like($pid, qr/^\d+$/, 'one worker process');
is( $node->safe_psql(
		$db, "SELECT usename FROM pg_stat_activity WHERE pid = $pid"),
	$superuser,
	'bgw_role empty: the worker connects as the bootstrap superuser');
is( $node->safe_psql(
		$db, q{SELECT string_agg(parent::text || ':' || future_partitions || ':' || status, ',' ORDER BY parent::text)
  FROM partman.sets}),
	'app.metrics:2:ok,shared.readings:2:ok,sys:2:ok',
	'three sets at premake 2, all ok');

# Each owner asks for two more partitions.
psql_as('app', q{SELECT partman.set_config('app.metrics', 'premake', '4')});
psql_as('bad', q{SELECT partman.set_config('shared.readings', 'premake', '4')});
$node->safe_psql($db, q{SELECT partman.set_config('public.sys', 'premake', '4')});

ok( wait_for(
		q{SELECT (SELECT future_partitions FROM partman.sets WHERE parent = 'app.metrics'::regclass) = 4
   AND (SELECT future_partitions FROM partman.sets WHERE parent = 'public.sys'::regclass) = 4
   AND (SELECT last_error IS NOT NULL FROM partman.part_config WHERE parent = 'shared.readings'::regclass)},
		$interval + 5),
	'within one interval: app.metrics and public.sys premade, shared.readings failed');

# app's partitions: owned by app, with the parent's privileges.
is( $node->safe_psql(
		$db, q{SELECT count(*),
       count(*) FILTER (WHERE c.relowner = 'app'::regrole),
       count(*) FILTER (WHERE c.relacl::text IS NOT DISTINCT FROM p.relacl::text),
       count(*) FILTER (WHERE has_table_privilege('reader', c.oid, 'SELECT'))
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
 WHERE i.inhparent = 'app.metrics'::regclass}),
	'6|6|6|6',
	'app.metrics: 6 partitions (default, current, 4 ahead), all owned by app with the parent ACL');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'app.metrics'::regclass AND action = 'create' AND outcome = 'done'}),
	'2', 'maintenance_log: two creates for app.metrics');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM pg_class
  WHERE relname LIKE 'metrics\_p%' AND relowner <> 'app'::regrole}),
	'0', 'no metrics partition owned by anyone else (the worker\'s superuser included)');

# bad's set failed cleanly.
my $err = $node->safe_psql($db,
	q{SELECT last_error FROM partman.part_config WHERE parent = 'shared.readings'::regclass});
like($err, qr/permission denied for schema shared/,
	'shared.readings: last_error says permission denied for schema shared');
cmp_ok(
	$node->safe_psql(
		$db, q{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'shared.readings'::regclass AND outcome = 'failed'
    AND detail LIKE '%permission denied for schema shared%'}),
	'>=', 1,
	'maintenance_log: a failed row for shared.readings');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'shared.readings'::regclass AND outcome = 'done'}),
	'0', 'maintenance_log: nothing done for shared.readings');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM pg_class WHERE relname LIKE 'readings\_p%'}),
	'3', 'shared.readings: still its 3 partitions, none half-made');
is( $node->safe_psql(
		$db, q{SELECT future_partitions, status FROM partman.sets WHERE parent = 'shared.readings'::regclass}),
	'2|critical', 'partman.sets: shared.readings is critical');
is(worker_pid(), $pid, 'the worker survived the failing set (same process)');
is( $node->safe_psql(
		$db, q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = current_database()}),
	't', 'worker state is idle or running, not crashed');

# Later rounds: the failing set keeps failing, the others keep being maintained.
psql_as('app', q{SELECT partman.set_config('app.metrics', 'premake', '6')});
ok(wait_for(q{SELECT future_partitions = 6 FROM partman.sets WHERE parent = 'app.metrics'::regclass},
		$interval + 5),
	'a later round: app.metrics premade to 6 while shared.readings still fails');
is( $node->safe_psql(
		$db, q{SELECT last_error IS NOT NULL FROM partman.part_config WHERE parent = 'shared.readings'::regclass}),
	't', 'shared.readings still failing');
is($node->safe_psql($db, q{SELECT count(*) FROM pg_class WHERE relname LIKE 'metrics\_p%' AND relowner <> 'app'::regrole}),
	'0', 'still only app owns metrics partitions');

# The right comes back: the next round succeeds and clears the error.
$node->safe_psql($db, 'GRANT CREATE ON SCHEMA shared TO bad');
ok( wait_for(
		q{SELECT future_partitions = 4 AND last_error IS NULL AND status = 'ok'
  FROM partman.sets WHERE parent = 'shared.readings'::regclass}, $interval + 5),
	'GRANT CREATE back: shared.readings premade, last_error cleared');
is( $node->safe_psql(
		$db, q{SELECT count(*), count(*) FILTER (WHERE relowner = 'bad'::regrole)
  FROM pg_class WHERE relname LIKE 'readings\_p%'}),
	'5|5', 'shared.readings partitions all owned by bad');

###########################################################################
# partman.bgw_role
###########################################################################

$node->safe_psql($db, "ALTER SYSTEM SET partman.bgw_role = 'app'");
$node->safe_psql($db, 'SELECT pg_reload_conf()');
# the role applies when a worker connects: replace the running one
is($node->safe_psql($db, "SELECT pg_terminate_backend($pid)"), 't', 'terminate the worker');
ok( wait_for(
		qq{SELECT usename FROM pg_stat_activity
  WHERE backend_type = 'partman worker' AND datname = current_database() AND pid <> $pid},
		$interval + 5, 'app'),
	'bgw_role = app: the new worker connects as app');

# As app it maintains app's set, not the sets of the others.
my $log_id = $node->safe_psql($db, 'SELECT coalesce(max(id), 0) FROM partman.maintenance_log');
psql_as('app', q{SELECT partman.set_config('app.metrics', 'premake', '7')});
psql_as('bad', q{SELECT partman.set_config('shared.readings', 'premake', '5')});
ok(wait_for(q{SELECT future_partitions = 7 FROM partman.sets WHERE parent = 'app.metrics'::regclass},
		$interval + 5),
	'worker as app: app.metrics premade to 7');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM pg_class WHERE relname LIKE 'metrics\_p%' AND relowner <> 'app'::regrole}),
	'0', 'owned by app');
# give it two more rounds to (wrongly) touch the other sets
my $last = $node->safe_psql($db, q{SELECT last_run FROM partman.workers WHERE database = current_database()});
ok( wait_for(
		qq{SELECT last_run > '$last'::timestamptz + interval '1 s'
  FROM partman.workers WHERE database = current_database()}, 3 * $interval + 5),
	'two more rounds');
is(future('shared.readings'), '4',
	'worker as app: shared.readings (owned by bad) is not maintained');
is( $node->safe_psql(
		$db, qq{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'shared.readings'::regclass AND id > $log_id}),
	'0', 'and not even tried (no log row)');

unlike(slurp_file($node->logfile),
	qr/terminated by signal|terminating any other active server processes|PANIC:/,
	'no crash in this run');
$node->stop;
done_testing();
