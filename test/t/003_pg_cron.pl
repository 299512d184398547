# partman maintenance scheduled with pg_cron: a job running
# CALL partman.run_maintenance() in pg_cron's background workers (no TCP
# connection needed) brings a set that is short of premake back to premake
# future partitions, rescues a row parked in the default partition, and
# records what it did in partman.maintenance_log; pg_cron records the run
# as succeeded.  Everything runs at the real time: partman.simulated_now is
# never set here.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(time usleep);

my $db = 'crondb';

my $node = PartmanTest::node(
	'pg_cron',
	preload => 'partman,pg_cron',
	conf => qq{
cron.database_name = '$db'
# jobs run in background workers, so pg_cron needs no connection to the node
cron.use_background_workers = on
cron.max_running_jobs = 4
max_worker_processes = 20
log_min_messages = info
});
$node->safe_psql('postgres', "CREATE DATABASE $db");
# pg_cron's launcher connects to cron.database_name when the server starts:
# restart now that the database exists rather than wait for its retries.
$node->restart;

$node->safe_psql($db, 'CREATE EXTENSION pg_cron');
$node->safe_psql($db, 'CREATE EXTENSION partman');

is($node->safe_psql($db, 'SHOW partman.simulated_now'),
	'', 'partman.simulated_now is not set: partman works at the real time');

# A daily set at the real time, premake 3.  A row four days ahead has no
# partition yet and is parked in the default partition.
$node->safe_psql(
	$db, q{
CREATE TABLE public.events (id bigint NOT NULL, created_at timestamptz NOT NULL)
    PARTITION BY RANGE (created_at);
SELECT partman.create_parent('public.events', '1 day', premake => 3);
INSERT INTO public.events
    SELECT g, now() + g * interval '1 hour' FROM generate_series(1, 10) g;
INSERT INTO public.events
    VALUES (100, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                 + interval '4 days 12 hours');
});

is( $node->safe_psql(
		$db, q{SELECT partitions, future_partitions
  FROM partman.sets WHERE parent = 'public.events'::regclass}),
	'4|3',
	'premake 3: the current partition and 3 ahead');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM public.events_default WHERE id = 100}),
	'1', 'the row four days ahead is parked in the default partition');

# Raise premake: the set now needs two more partitions.
$node->safe_psql($db,
	q{SELECT partman.set_config('public.events', 'premake', '5')});
is( $node->safe_psql(
		$db, q{SELECT future_partitions, status FROM partman.sets
  WHERE parent = 'public.events'::regclass}),
	'3|warning', 'premake 5: the set is short of future partitions');
is( $node->safe_psql(
		$db, q{SELECT string_agg(action, ',' ORDER BY action)
  FROM partman.maintenance_plan('public.events')}),
	'create,rescue',
	'the dry run plans one partition to create and one to rescue into');
is($node->safe_psql($db, 'SELECT count(*) FROM partman.maintenance_log'),
	'0', 'nothing in partman.maintenance_log before the job runs');

# pg_cron 1.5 and later take 'N seconds' schedules; older versions only cron
# syntax, whose finest step is a minute.
my $schedule = '2 seconds';
my ($ret, $stdout, $stderr) = $node->psql($db,
	q{SELECT cron.unschedule(cron.schedule('probe', '2 seconds', 'SELECT 1'))});
if ($ret != 0)
{
	like($stderr, qr/invalid schedule/,
		'this pg_cron has no seconds schedules');
	$schedule = '* * * * *';
}
note "pg_cron "
  . $node->safe_psql($db,
	q{SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'})
  . ", schedule '$schedule'";

my $jobid = $node->safe_psql($db,
	qq{SELECT cron.schedule('partman', '$schedule', 'CALL partman.run_maintenance()')});
like($jobid, qr/^\d+$/, 'job scheduled');

# Wait (at most 150 s: a minute schedule first fires at the next minute)
# for a finished run and for the set to be back at premake.
my $done_query = qq{SELECT
    (SELECT count(*) FROM cron.job_run_details
      WHERE jobid = $jobid AND status IN ('succeeded', 'failed')) > 0
AND (SELECT future_partitions >= 5 AND status = 'ok' FROM partman.sets
      WHERE parent = 'public.events'::regclass)
AND EXISTS (SELECT FROM partman.maintenance_log WHERE action = 'create')};
my $deadline = time() + 150;
my $done     = 'f';
while (time() < $deadline)
{
	$done = $node->safe_psql($db, $done_query);
	last if $done eq 't';
	# stop early when a run failed: waiting longer shows nothing new
	last
	  if $node->safe_psql($db,
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $jobid AND status = 'failed'}
	  ) > 0;
	usleep(500_000);
}
is($done, 't', 'a pg_cron run finished and the set is back at premake');

# Stop the job before looking closer, so later runs change nothing.
is($node->safe_psql($db, q{SELECT cron.unschedule('partman')}),
	't', 'job unscheduled');
is($node->safe_psql($db, 'SELECT count(*) FROM cron.job'),
	'0', 'no job left in cron.job');
# a run already started finishes on its own; wait for it so it cannot race
# with the checks below
$node->poll_query_until($db,
	qq{SELECT count(*) = 0 FROM cron.job_run_details
  WHERE jobid = $jobid AND status NOT IN ('succeeded', 'failed')})
  or diag 'a pg_cron run did not finish';

my $runs = $node->safe_psql(
	$db, qq{SELECT status, return_message FROM cron.job_run_details
  WHERE jobid = $jobid ORDER BY runid});
note "job runs:\n$runs";
cmp_ok(
	$node->safe_psql(
		$db,
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $jobid AND status = 'succeeded'}
	),
	'>=', 1,
	'pg_cron recorded a succeeded run');
is( $node->safe_psql(
		$db,
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $jobid AND status <> 'succeeded'}
	),
	'0',
	'no run failed');
is( $node->safe_psql(
		$db,
		qq{SELECT return_message FROM cron.job_run_details WHERE jobid = $jobid ORDER BY runid LIMIT 1}
	),
	'CALL',
	'the first run completed the CALL');

is( $node->safe_psql(
		$db, q{SELECT future_partitions >= 5, status,
       last_error IS NULL, last_maintenance IS NOT NULL,
       (SELECT count(*) FROM public.events_default)
  FROM partman.sets WHERE parent = 'public.events'::regclass}),
	't|ok|t|t|0',
	'partman.sets: premake future partitions, nothing in the default, status ok');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM partman.maintenance_plan('public.events')}),
	'0', 'the dry run finds nothing left to do');

# The parked row moved into its new partition, and no row was lost.
is( $node->safe_psql(
		$db, q{SELECT tableoid::regclass = partman.partition_for('public.events', created_at::text),
       tableoid::regclass::text <> 'events_default'
  FROM public.events WHERE id = 100}),
	't|t',
	'the parked row was rescued into its partition');
is($node->safe_psql($db, 'SELECT count(*), sum(id) FROM public.events'),
	'11|155', 'every row is still there');

# What the job did is in partman.maintenance_log.
my $log = $node->safe_psql(
	$db, q{SELECT action, partition, outcome, coalesce(detail, '')
  FROM partman.maintenance_log ORDER BY id});
note "maintenance_log:\n$log";
cmp_ok(
	$node->safe_psql(
		$db,
		q{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'public.events'::regclass AND action = 'create' AND outcome = 'done'}
	),
	'>=', 1,
	'maintenance_log has create rows');
is( $node->safe_psql(
		$db,
		q{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'public.events'::regclass AND action = 'rescue' AND outcome = 'done'
    AND detail = 'moved 1 rows from the default partition'}
	),
	'1',
	'maintenance_log has the rescue of the parked row');
is( $node->safe_psql(
		$db,
		q{SELECT count(*) FROM partman.maintenance_log WHERE outcome <> 'done'}),
	'0',
	'no step of maintenance failed or was skipped');

# The job ran as the user who scheduled it, so the partitions it created
# belong to the parent's owner like any other.
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'public.events'::regclass
    AND c.relowner <> (SELECT relowner FROM pg_class WHERE oid = 'public.events'::regclass)}),
	'0',
	'new partitions belong to the parent\'s owner');

$node->stop;
done_testing();
