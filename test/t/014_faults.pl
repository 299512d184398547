# Faults in the middle of partman's work.  A backend killed with SIGKILL in
# the middle of split_partition and of merge_partitions (the server then
# goes through crash recovery); the server stopped with mode immediate in the
# middle of run_maintenance over many sets; the background worker terminated
# (pg_terminate_backend) in the middle of its round.  After each: no row lost
# or doubled, no half-made partition (the catalog is the state before or the
# state after, and every table named like a partition is attached), and the
# next operation or maintenance completes.  partition_data killed mid-run is
# 004_partition_data_crash; an immediate stop mid-round of the worker is
# 007_worker_restart.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;
use Time::HiRes qw(time usleep);

my $db = 'postgres';
my $node = PartmanTest::node(
	'faults',
	conf => q{
restart_after_crash = on
max_worker_processes = 16
max_locks_per_transaction = 1024
});

sub wait_for { return PartmanTest::wait_until($node, $db, @_); }

# Every relation of schema $schema with its kind and partition bound, and its
# constraints: the catalog state that must be "before" or "after".
sub catalog_state
{
	my ($schema) = @_;
	return $node->safe_psql(
		$db, qq{
SELECT format('%s %s %s %s', c.relname, c.relkind, pg_get_expr(c.relpartbound, c.oid),
              (SELECT string_agg(format('%s:%s', conname, convalidated), ',' ORDER BY conname)
                 FROM pg_constraint WHERE conrelid = c.oid))
  FROM pg_class c WHERE c.relnamespace = '$schema'::regnamespace AND c.relkind IN ('r', 'p')
 ORDER BY c.relname});
}

# Tables named like partitions that are not attached: half-made partitions.
sub loose_tables
{
	my ($schema) = @_;
	return $node->safe_psql(
		$db, qq{
SELECT count(*) FROM pg_class c
 WHERE c.relnamespace = '$schema'::regnamespace AND c.relkind = 'r' AND NOT c.relispartition});
}

# Wait until backend $pid is in the middle of a transaction that created a
# relation (it holds a lock on a relation no other session can see yet).
sub wait_mid_ddl
{
	my ($pid, $timeout) = @_;
	return wait_for(
		qq{SELECT count(*) > 0 FROM pg_locks l
 WHERE l.pid = $pid AND l.locktype = 'relation'
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = l.relation)}, $timeout);
}

# Start $sql in a background psql and return (session, pid).
sub start_background
{
	my ($sql) = @_;
	my $session = $node->background_psql($db, on_error_stop => 0);
	my $pid = $session->query_safe('SELECT pg_backend_pid()');
	$session->query_until(qr/started/, "\\echo started\n$sql\n");
	return ($session, $pid);
}

# SIGKILL $pid while it is still working, then wait for crash recovery.
sub kill_mid_way
{
	my ($session, $pid, $what) = @_;
	is( $node->safe_psql($db, "SELECT state FROM pg_stat_activity WHERE pid = $pid"),
		'active', "$what is still running when killed");
	kill 'KILL', $pid;
	eval { $session->quit; };
	# psql may exit (server restarting) before it is given its query: the
	# broken pipe is an error to retry, not the end of the test
	my $deadline = time() + 180;
	my $back = 0;
	while (!$back && time() < $deadline)
	{
		$back = eval { $node->safe_psql($db, 'SELECT 1') eq '1' } || 0;
		usleep(200_000) unless $back;
	}
	ok($back, "server recovered after a backend was killed during $what");
	return;
}

$node->safe_psql(
	$db, q{
CREATE EXTENSION partman;
CREATE SCHEMA f;
CREATE TABLE f.big (id bigint NOT NULL, ts timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (ts);
CREATE INDEX ON f.big (id);
SET partman.simulated_now = '2024-01-01 12:00+00';
SELECT partman.create_parent('f.big', '1 day', premake => 3, start_partition => '2024-01-01');
-- 800,000 rows in the first day (half of them above noon), 300,000 in each of the next two
INSERT INTO f.big
SELECT g, timestamptz '2024-01-01' + (g % 86400) * interval '1 second', 'x'
  FROM generate_series(1, 800000) g;
INSERT INTO f.big
SELECT g, timestamptz '2024-01-02' + (g % 172800) * interval '1 second', 'y'
  FROM generate_series(800001, 1400000) g;
ANALYZE f.big;
});
my $fingerprint = q{SELECT count(*), sum(id), count(DISTINCT id) FROM f.big};
my $rows = $node->safe_psql($db, $fingerprint);
is($rows, '1400000|980000700000|1400000', 'the set holds 1.4 million rows');
my $placement = q{SELECT count(*) FROM f.big
 WHERE tableoid <> partman.partition_for('f.big', ts::text)};

###########################################################################
# SIGKILL during split_partition
###########################################################################
my $before = catalog_state('f');
my ($session, $pid) = start_background(
	q{SELECT partman.split_partition('f.big_p20240101', '2024-01-01 12:00');});
ok(wait_mid_ddl($pid, 120), 'split_partition has created its new partition');
kill_mid_way($session, $pid, 'split_partition');
is($node->safe_psql($db, $fingerprint), $rows, 'split killed: no row lost or doubled');
is(catalog_state('f'), $before, 'split killed: the catalog is as before the split');
is(loose_tables('f'), '0', 'split killed: no half-made partition');
is($node->safe_psql($db, q{SELECT count(*) FROM f.big_p20240101}), '800000',
	'split killed: the partition still holds its rows');
is($node->safe_psql($db,
		q{SELECT partman.split_partition('f.big_p20240101', '2024-01-01 12:00')}),
	'{f.big_p20240101,f.big_p20240101_1200}', 'split again: completes');
is($node->safe_psql($db, $fingerprint), $rows, 'split again: every row once');
is($node->safe_psql($db, $placement), '0', 'split again: every row in its partition');

###########################################################################
# SIGKILL during merge_partitions
###########################################################################
$before = catalog_state('f');
($session, $pid) = start_background(
	q{SELECT partman.merge_partitions('{f.big_p20240102, f.big_p20240103}');});
# merge moves rows before it drops anything: wait until it holds the lock
# of the second partition and has been at it for a moment
ok( wait_for(
		qq{SELECT count(*) > 0 FROM pg_locks
 WHERE pid = $pid AND relation = 'f.big_p20240103'::regclass AND mode = 'AccessExclusiveLock' AND granted},
		120),
	'merge_partitions holds its partitions');
usleep(100_000);
kill_mid_way($session, $pid, 'merge_partitions');
is($node->safe_psql($db, $fingerprint), $rows, 'merge killed: no row lost or doubled');
is(catalog_state('f'), $before, 'merge killed: the catalog is as before the merge');
is(loose_tables('f'), '0', 'merge killed: no half-made partition');
is($node->safe_psql($db,
		q{SELECT partman.merge_partitions('{f.big_p20240102, f.big_p20240103}')}),
	'f.big_p20240102', 'merge again: completes');
is($node->safe_psql($db, $fingerprint), $rows, 'merge again: every row once');
is($node->safe_psql($db, $placement), '0', 'merge again: every row in its partition');

# maintenance after the faults completes
$node->safe_psql($db,
	q{SET partman.simulated_now = '2024-01-03 12:00+00'; CALL partman.run_maintenance('f.big')});
is( $node->safe_psql(
		$db, q{SELECT last_error IS NULL AND last_maintenance IS NOT NULL FROM partman.part_config WHERE parent = 'f.big'::regclass}),
	't', 'the next maintenance of f.big completes');

###########################################################################
# Immediate stop during run_maintenance of many sets
###########################################################################
my $nsets = 30;
$node->safe_psql(
	$db, qq{
CREATE SCHEMA m;
SET partman.simulated_now = '2024-01-01 12:00+00';
DO \$\$
BEGIN
    FOR i IN 1..$nsets LOOP
        EXECUTE format('CREATE TABLE m.s%s (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts)', i);
        PERFORM partman.create_parent(format('m.s%s', i)::regclass, '1 hour', premake => 2);
        EXECUTE format('INSERT INTO m.s%s SELECT g, timestamptz ''2024-01-01 10:00+00'' + g * interval ''1 minute'' FROM generate_series(1, 600) g', i);
        PERFORM partman.set_config(format('m.s%s', i)::regclass, 'premake', '150');
    END LOOP;
END
\$\$;
});
my $m_rows = q{SELECT count(*), sum(id) FROM (SELECT * FROM m.s1 UNION ALL SELECT * FROM m.s7 UNION ALL SELECT * FROM m.s30) x};
my $m_before = $node->safe_psql($db, $m_rows);
my $maintained = q{SELECT count(*) FROM partman.part_config
 WHERE parent::text LIKE 'm.%' AND last_maintenance IS NOT NULL};
is($node->safe_psql($db, $maintained), '0', 'no set of m maintained yet');
($session, $pid) = start_background(
	q{SET partman.simulated_now = '2024-01-01 20:00+00'; CALL partman.run_maintenance();});
ok(wait_for("SELECT ($maintained) >= 3", 180), 'run_maintenance has finished some sets');
my $done_at_stop = $node->safe_psql($db, $maintained);
$node->stop('immediate');
eval { $session->quit; };
$node->start;
cmp_ok($done_at_stop, '<', $nsets, "stopped mid-run ($done_at_stop of $nsets sets done)");
is($node->safe_psql($db, $m_rows), $m_before, 'immediate stop: no row lost or doubled');
is(loose_tables('m'), '0', 'immediate stop: no half-made partition');
# every set's partitions are contiguous: each range starts where the last ended
is( $node->safe_psql(
		$db, q{
SELECT count(*) FROM (
  SELECT p.parent, s.range_from, lag(s.range_to) OVER (PARTITION BY p.parent ORDER BY s.range_from::timestamptz) AS prev_to
    FROM partman.part_config p, partman.show_partitions(p.parent) s
   WHERE p.parent::text LIKE 'm.%' AND NOT s.is_default) x
 WHERE prev_to IS NOT NULL AND prev_to <> range_from}),
	'0', 'immediate stop: no set has a gap');
is( $node->safe_psql(
		$db, q{SELECT count(*), count(*) FILTER (WHERE last_error IS NULL) FROM partman.part_config WHERE parent::text LIKE 'm.%'}),
	"$nsets|$nsets", 'immediate stop: part_config intact');
$node->safe_psql($db,
	q{SET client_min_messages = warning; SET partman.simulated_now = '2024-01-01 20:00+00'; CALL partman.run_maintenance()});
is( $node->safe_psql(
		$db, q{SET partman.simulated_now = '2024-01-01 20:00+00';
SELECT count(*) FILTER (WHERE future_partitions = 150 AND last_error IS NULL)
  FROM partman.sets WHERE parent::text LIKE 'm.%'}),
	$nsets, 'the next run_maintenance completes every set');
# the rows the first run had moved out of the default partitions before the stop are where they belong
is($node->safe_psql($db, $m_rows), $m_before, 'still every row once');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM m.s7 WHERE tableoid <> partman.partition_for('m.s7', ts::text)}),
	'0', 'every row of m.s7 in the partition its key belongs to');

###########################################################################
# The background worker terminated in the middle of its round
###########################################################################
$node->safe_psql($db, q{
ALTER SYSTEM SET partman.bgw_max_workers = 1;
ALTER SYSTEM SET partman.bgw_interval = 1;
ALTER SYSTEM SET partman.bgw_databases = 'postgres';
ALTER SYSTEM SET partman.simulated_now = '2024-01-01 20:00+00';
});
$node->restart;
ok(wait_for(q{SELECT state IN ('idle', 'running') FROM partman.workers WHERE database = current_database()}, 60),
	'the worker runs');
$node->safe_psql($db, q{SELECT partman.set_config('m.s5', 'premake', '1500')});
my $wpid;
ok( wait_for(
		q{SELECT count(*) >= 200 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
 WHERE a.backend_type = 'partman worker' AND l.locktype = 'relation'
   AND NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = l.relation)}, 180),
	'the worker is deep in its round (200 new partitions not yet committed)');
$wpid = $node->safe_psql($db, q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'partman worker'});
my $attached_before = $node->safe_psql($db, q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'm.s5'::regclass});
is($node->safe_psql($db, "SELECT pg_terminate_backend($wpid)"), 't', 'terminate the worker mid-round');
ok(wait_for("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $wpid", 60), 'it is gone');
is(loose_tables('m'), '0', 'worker terminated: no half-made partition');
is($node->safe_psql($db, $m_rows), $m_before, 'worker terminated: no row lost or doubled');
ok( wait_for(
		q{SELECT future_partitions = 1500 AND last_error IS NULL FROM partman.sets WHERE parent = 'm.s5'::regclass},
		300),
	"a new worker's next round completes the set (had $attached_before partitions when terminated)");
is(loose_tables('m'), '0', 'still no half-made partition');

unlike(slurp_file($node->logfile), qr/PANIC:|TRAP:/, 'no PANIC or assertion failure in the log');
$node->stop;
done_testing();
