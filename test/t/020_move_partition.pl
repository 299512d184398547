# move_partition: a partition of a RANGE set (no primary key on the parent)
# moves to another server while the application writes to it, and back.
# Three clusters: a coordinator and two shard servers.
#  - 200,000 rows (with exact duplicates, since rows need no key) move to s1
#    while another session inserts, updates and deletes rows of that
#    partition (and writes the same changes to a shadow table in the same
#    transactions): after the move, the rows read through the parent equal
#    the shadow's (count and md5 of the ordered rows), no write was refused,
#    and the cut-over's lock time is printed and under 1 s.
#  - a move killed mid-copy by SIGKILL of its backend (the cluster restarts),
#    then run again: no row lost or doubled, locally or on the shard.
#  - a move interrupted by a stopped shard mid-copy, then run again.
#  - the move back (server => NULL) under writes; keep_source.
#  - refused: a non-owner (42501), a role without USAGE on the server
#    (42501), a move to the server the partition is on.
#  - retention_action 'move' across simulated days: expired partitions go to
#    the archive server and stay readable through the parent.
#  - no password in any log, error or view.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time usleep);
use PartmanTest;

my $password = 'Pw-m0ve-not-leak-4c1';
my $db = 'postgres';

# the coordinator restarts after a backend is killed (TAP clusters do not by default)
my $coord = PartmanTest::node('coord', conf => "restart_after_crash = on\n");
my @shards;
push @shards, PartmanTest::shard_node("shard$_", 'alice', $password) for 1 .. 2;
my $superuser = $coord->safe_psql($db, 'SELECT current_user');

my $setup = q{CREATE EXTENSION postgres_fdw; CREATE EXTENSION partman;
CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; CREATE ROLE dave LOGIN;
CREATE SCHEMA app AUTHORIZATION alice;
GRANT USAGE ON SCHEMA app TO bob;
GRANT alice TO dave;
SET log_statement = none;
};
for my $i (1 .. 2)
{
	$setup .= PartmanTest::server_sql("s$i", $shards[ $i - 1 ], $db, 'alice', $password,
		'alice', 'bob', 'dave');
}
$setup .= q{
GRANT USAGE ON FOREIGN SERVER s1, s2 TO alice, bob;};
$coord->safe_psql($db, $setup);

# Run $sql as $user; it must fail with $sqlstate and $message.
sub fails
{
	my ($user, $sql, $sqlstate, $message, $name) = @_;
	return PartmanTest::fails_as($coord, $db, $user, $sql, $sqlstate, $message, $name, $password);
}

# Run CALL $sql as alice; returns (exit code, stderr).
sub call
{
	my ($sql) = @_;
	my ($ret, $stdout, $stderr) = $coord->psql($db, "SET ROLE alice;\n$sql");
	unlike($stderr, qr/\Q$password\E/, 'no password in the messages');
	return ($ret, $stderr);
}

# count and md5 of the ordered rows of a query's result
sub fingerprint
{
	my ($node, $from) = @_;
	return PartmanTest::fingerprint($node, $db, 'alice', 'id, at, v, note', $from);
}

# A daily set: the key is indexed, so is id; no primary key (PostgreSQL 15
# allows none under a parent of foreign partitions).
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.m (id int NOT NULL, at timestamptz NOT NULL, v int, note text)
    PARTITION BY RANGE (at);
CREATE INDEX ON app.m (at);
CREATE INDEX ON app.m (id);
SELECT partman.create_parent('app.m', '1 day', start_partition => '2026-01-01', premake => 4);
INSERT INTO app.m SELECT g, timestamptz '2026-01-02' + (g % 86400) * interval '1 second', g % 1000,
    CASE WHEN g % 3 = 0 THEN E'tab\there "q" \\\\ back' END
  FROM generate_series(1, 200000) g;
-- exact duplicates
INSERT INTO app.m SELECT 7, '2026-01-02 07:00+00', 7, 'dup' FROM generate_series(1, 50);
INSERT INTO app.m SELECT g, timestamptz '2026-01-03' + (g % 86400) * interval '1 second', g, NULL
  FROM generate_series(1, 200000) g;
INSERT INTO app.m SELECT g, timestamptz '2026-01-04' + (g % 86400) * interval '1 second', g, 'x'
  FROM generate_series(1, 100000) g;
CREATE TABLE app.shadow AS SELECT * FROM app.m_p20260102;
CREATE INDEX ON app.shadow (id);
CREATE TABLE app.stop (x int);
ANALYZE app.m;});

# --- 1. the move under writes -------------------------------------------------
my $before = fingerprint($coord, 'app.m_p20260102');
is($before, fingerprint($coord, 'app.shadow'), 'the shadow starts as the partition');

my $writer_sql = PartmanTest::writer_sql(q{
        INSERT INTO app.m VALUES (1000000 + i, timestamptz '2026-01-02 12:00+00' + i * interval '1 ms', i, 'new');
        INSERT INTO app.shadow VALUES (1000000 + i, timestamptz '2026-01-02 12:00+00' + i * interval '1 ms', i, 'new');
        k := (i * 7919) % 200000 + 1;
        UPDATE app.m SET v = v + 1, note = 'upd' WHERE id = k AND at >= '2026-01-02' AND at < '2026-01-03';
        UPDATE app.shadow SET v = v + 1, note = 'upd' WHERE id = k;
        IF i % 5 = 0 THEN
            k := (i * 104729) % 200000 + 1;
            DELETE FROM app.m WHERE id = k AND at >= '2026-01-02' AND at < '2026-01-03';
            DELETE FROM app.shadow WHERE id = k;
        END IF;
        IF i % 50 = 0 THEN
            -- one of the duplicates changes
            UPDATE app.m SET v = v + 1 WHERE ctid = (SELECT ctid FROM app.m_p20260102 WHERE id = 7 AND note = 'dup' LIMIT 1);
            UPDATE app.shadow SET v = v + 1 WHERE ctid = (SELECT ctid FROM app.shadow WHERE id = 7 AND note = 'dup' LIMIT 1);
        END IF;}, 'app.stop');

# the duplicate update goes through the partition, so it must run before the move only
(my $writer_after = $writer_sql) =~ s/IF i % 50 = 0 THEN/IF false THEN/;

sub start_writer
{
	return PartmanTest::start_writer($coord, $db, 'alice', $_[0]);
}

sub stop_writer
{
	my ($h, $err, $name) = @_;
	return PartmanTest::stop_writer($coord, $db, 'app.stop', $h, $err, $name);
}

my ($h, $werr) = start_writer($writer_after);
usleep(500_000);
my ($ret, $stderr) = call(q{CALL partman.move_partition('app.m_p20260102', 's1', batch_rows => 20000)});
is($ret, 0, 'move_partition to s1 under writes succeeds') or diag $stderr;
usleep(300_000);
my $writes = stop_writer($h, $werr, 'move');
ok($writes > 10, "the writer committed $writes transactions during the move");
like($stderr, qr/verified: partition "m_p20260102" and its copy hold the same \d+ rows/,
	'the copy was verified before the cut-over');
my ($lock_ms) = $stderr =~ /held its lock for ([\d.]+) ms/;
ok(defined $lock_ms && $lock_ms < 1000, 'the cut-over lock was printed and under 1 s: '
	  . ($lock_ms // 'none') . ' ms');
is( $coord->safe_psql(
		$db, q{SELECT c.relkind::text || ' ' || s.srvname FROM pg_class c
  JOIN pg_foreign_table f ON f.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = f.ftserver
  WHERE c.oid = 'app.m_p20260102'::regclass}),
	'f s1', 'm_p20260102 is now a foreign table on s1');
is( $coord->safe_psql(
		$db, q{SELECT server FROM partman.show_partitions('app.m') WHERE partition = 'app.m_p20260102'::regclass}),
	's1', 'show_partitions names its server');
my $after = fingerprint($coord, q{app.m WHERE at >= '2026-01-02' AND at < '2026-01-03'});
is($after, fingerprint($coord, 'app.shadow'),
	'rows through the parent equal the shadow: nothing lost, doubled or stale');
is(fingerprint($shards[0], 'app.m_p20260102'), $after, 'shard1 holds exactly those rows');
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM pg_class WHERE relname LIKE 'm_p20260102%' AND relkind <> 'f'}),
	'0', 'the old local table, the journal and its trigger are gone');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE tablename LIKE 'm_p20260102_%'}),
	'0', 'nothing of the move is left on shard1');
is($coord->safe_psql($db, 'SELECT count(*) FROM partman.moves'), '0', 'partman.moves is empty');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_indexes WHERE tablename = 'm_p20260102'}),
	'2', "the parent's two indexes were made on shard1");

# --- 2. SIGKILL of the backend mid-copy ----------------------------------------
$before = fingerprint($coord, 'app.m_p20260103');
my ($kout, $kerr) = ('', '');
my $kh = IPC::Run::start(
	[ 'psql', '-X', '-d', $coord->connstr($db), '-c', 'SET ROLE alice', '-c',
	  q{CALL partman.move_partition('app.m_p20260103', 's1', batch_rows => 2000)} ],
	'>', \$kout, '2>', \$kerr);
ok( PartmanTest::wait_until(
		$coord, $db, q{SELECT rows_copied >= 20000 FROM partman.moves
  WHERE partition = 'app.m_p20260103'::regclass AND phase = 'copying'}, 60),
	'the move is copying');
my $pid = $coord->safe_psql($db, q{SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL partman.move_partition%'});
ok($pid =~ /^\d+$/, "the move's backend is $pid");
kill 'KILL', $pid;
$kh->finish;
isnt($kh->result(0), 0, 'the killed move failed');
ok(PartmanTest::wait_until($coord, $db, 'SELECT 1', 60, '1'), 'the coordinator restarted');
is( $coord->safe_psql($db, q{SELECT phase FROM partman.moves WHERE partition = 'app.m_p20260103'::regclass}),
	'copying', 'partman.moves says where the move stopped');
is(fingerprint($coord, 'app.m_p20260103'), $before, 'until the cut-over the source is the truth');
($ret, $stderr) = call(q{CALL partman.move_partition('app.m_p20260103', 's1', batch_rows => 50000)});
is($ret, 0, 'the move, run again, finishes') or diag $stderr;
is(fingerprint($coord, 'app.m_p20260103'), $before, 'after the kill and rerun: no row lost or doubled');
is(fingerprint($shards[0], 'app.m_p20260103'), $before, 'shard1 holds each row once');

# --- 3. a stopped shard mid-copy -------------------------------------------------
$before = fingerprint($coord, 'app.m_p20260104');
PartmanTest::fails_on_stopped_shard($coord, $db, 'alice',
	q{CALL partman.move_partition('app.m_p20260104', 's2', batch_rows => 1000)},
	q{SELECT rows_copied >= 10000 FROM partman.moves
  WHERE partition = 'app.m_p20260104'::regclass AND phase = 'copying'},
	$shards[1], $password, 'the move to s2');
is(fingerprint($coord, 'app.m_p20260104'), $before, 'the source is untouched');
$shards[1]->start;
($ret, $stderr) = call(q{CALL partman.move_partition('app.m_p20260104', 's2')});
is($ret, 0, 'the move, run again once the shard is back, finishes') or diag $stderr;
is(fingerprint($coord, 'app.m_p20260104'), $before, 'no row lost or doubled');
is(fingerprint($shards[1], 'app.m_p20260104'), $before, 'shard2 holds each row once');

# --- 4. refusals -------------------------------------------------------------------
fails('bob', q{CALL partman.move_partition('app.m_p20260105', 's1')},
	'42501', 'must be owner of table m', 'a non-owner');
$coord->safe_psql($db, q{REVOKE USAGE ON FOREIGN SERVER s2 FROM alice});
fails('dave', q{CALL partman.move_partition('app.m_p20260105', 's2')},
	'42501', 'role "alice" has no USAGE on server "s2"', 'an owner without USAGE');
$coord->safe_psql($db, q{GRANT USAGE ON FOREIGN SERVER s2 TO alice});
fails('alice', q{CALL partman.move_partition('app.m_p20260102', 's1')},
	'22023', 'partition "m_p20260102" is on server "s1" already', 'to where it is');
fails('alice', q{CALL partman.move_partition('app.m_p20260102', 's2')},
	'0A000', 'partition "m_p20260102" is on server "s1"; move_partition does not move it to another server directly',
	'from one server to another');
fails('alice', q{CALL partman.move_partition('app.m_default', 's1')},
	'0A000', 'the default partition "m_default" cannot be moved', 'the default partition');
is($coord->safe_psql($db, 'SELECT count(*) FROM partman.moves'), '0', 'no refused move left a state');

# --- 5. back to a local table, under writes; keep_source ----------------------
$before = fingerprint($coord, q{app.m WHERE at >= '2026-01-02' AND at < '2026-01-03'});
($h, $werr) = start_writer($writer_after);
usleep(300_000);
($ret, $stderr) = call(q{CALL partman.move_partition('app.m_p20260102', NULL, batch_rows => 30000)});
is($ret, 0, 'move_partition back to a local table succeeds') or diag $stderr;
usleep(300_000);
$writes = stop_writer($h, $werr, 'move back');
($lock_ms) = $stderr =~ /held its lock for ([\d.]+) ms/;
ok(defined $lock_ms && $lock_ms < 1000, "the lock time was printed: " . ($lock_ms // 'none') . ' ms');
is($coord->safe_psql($db, q{SELECT relkind FROM pg_class WHERE oid = 'app.m_p20260102'::regclass}),
	'r', 'm_p20260102 is a local table again');
$after = fingerprint($coord, q{app.m WHERE at >= '2026-01-02' AND at < '2026-01-03'});
is($after, fingerprint($coord, 'app.shadow'), 'back home: the rows equal the shadow');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE tablename = 'm_p20260102'}),
	'0', "the table on shard1 was dropped");

($ret, $stderr) = call(q{CALL partman.move_partition('app.m_p20260103', NULL, keep_source => true)});
is($ret, 0, 'move back with keep_source') or diag $stderr;
is( $coord->safe_psql(
		$db, q{SELECT relkind::text || ' ' || relispartition FROM pg_class WHERE oid = 'app.m_p20260103_remote'::regclass}),
	'f false', 'the old foreign table is kept, detached, renamed');
is(fingerprint($shards[0], 'app.m_p20260103'), fingerprint($coord, 'app.m_p20260103'),
	'and the table it reads on shard1 is kept');

# --- 6. retention_action 'move' across simulated days ----------------------------
# (partman.simulated_now is the superuser's to set: maintenance runs as the superuser,
# and partman does the set's work as its owner, alice)
$coord->safe_psql($db, q{SET partman.simulated_now = '2026-03-01 12:00+00';
SET ROLE alice;
CREATE TABLE app.logs (at timestamptz NOT NULL, msg text) PARTITION BY RANGE (at);
SELECT partman.create_parent('app.logs', '1 day', start_partition => '2026-02-26', premake => 2,
    retention => '2 days', retention_action => 'move', retention_server => 's2');
INSERT INTO app.logs SELECT timestamptz '2026-02-26' + g * interval '1 hour', 'm' || g
  FROM generate_series(0, 84) g;});
is( $coord->safe_psql(
		$db, q{SELECT retention_action || ' ' || retention_server FROM partman.part_config
  WHERE parent = 'app.logs'::regclass}),
	'move s2', 'part_config: retention_action move, retention_server s2');
fails('alice', q{CREATE TABLE app.logs2 (at timestamptz NOT NULL) PARTITION BY RANGE (at);
SELECT partman.create_parent('app.logs2', '1 day', retention => '2 days', retention_action => 'move')},
	'22023', "retention_action 'move' needs a retention_server", 'move without a server');
my $logs_before = $coord->safe_psql($db, q{SET ROLE alice;
SELECT count(*) || ' ' || md5(string_agg(l::text, ',' ORDER BY at)) FROM app.logs l});
is( $coord->safe_psql(
		$db, q{SET partman.simulated_now = '2026-03-01 12:00+00';
SELECT count(*) FROM partman.maintenance_plan('app.logs') WHERE action = 'move'}),
	'1', 'day 1: one partition expired (2026-02-26)');
is( $coord->safe_psql(
		$db, q{SET partman.simulated_now = '2026-03-03 12:00+00';
SELECT string_agg(partition || ' | ' || statement, E'\n' ORDER BY partition)
  FROM partman.maintenance_plan('app.logs') WHERE action = 'move'}),
	"app.logs_p20260226 | CALL partman.move_partition('app.logs_p20260226', server => 's2');\n"
	  . "app.logs_p20260227 | CALL partman.move_partition('app.logs_p20260227', server => 's2');\n"
	  . "app.logs_p20260228 | CALL partman.move_partition('app.logs_p20260228', server => 's2');",
	'day 3: maintenance_plan prints a move step per expired partition');
$coord->safe_psql($db, q{SET partman.simulated_now = '2026-03-03 12:00+00';
CALL partman.run_maintenance('app.logs');});
is( $coord->safe_psql(
		$db, q{SELECT string_agg(partition || ' ' || coalesce(server, 'local'), ', ' ORDER BY partition::text)
  FROM partman.show_partitions('app.logs') WHERE partition::text >= 'app.logs_p' AND partition::text < 'app.logs_p20260302'}),
	'app.logs_p20260226 s2, app.logs_p20260227 s2, app.logs_p20260228 s2, app.logs_p20260301 local',
	'run_maintenance moved the expired partitions to s2; the newest rows stay');
is( $coord->safe_psql($db, q{SET ROLE alice;
SELECT count(*) || ' ' || md5(string_agg(l::text, ',' ORDER BY at)) FROM app.logs l}),
	$logs_before, 'every row is still readable through the parent, unchanged');
is($shards[1]->safe_psql($db, q{SELECT count(*) FROM app.logs_p20260227}),
	'24', 'the rows of 2026-02-27 are on shard2');
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM partman.maintenance_log
  WHERE parent = 'app.logs'::regclass AND action = 'move' AND outcome = 'done'}),
	'3', 'maintenance_log records each move');
# the next days: 2026-03-01 goes once newer rows exist
$coord->safe_psql($db, q{SET partman.simulated_now = '2026-03-05 12:00+00';
INSERT INTO app.logs VALUES ('2026-03-04 10:00+00', 'late');
CALL partman.run_maintenance('app.logs');});
is( $coord->safe_psql(
		$db, q{SELECT coalesce(server, 'local') FROM partman.show_partitions('app.logs')
  WHERE partition = 'app.logs_p20260301'::regclass}),
	's2', 'day 5: 2026-03-01 moved too');
is( $coord->safe_psql(
		$db, q{SET partman.simulated_now = '2026-03-05 12:00+00';
SELECT count(*) FROM partman.maintenance_plan('app.logs') WHERE action = 'move'}),
	'0', 'nothing left to move: moved partitions are not moved again');
is($coord->safe_psql($db, 'SET ROLE alice; SELECT count(*) FROM app.logs'), '86',
	'all 86 rows read through the parent');

# --- no password anywhere --------------------------------------------------------
unlike($coord->safe_psql($db, q{SELECT string_agg(t::text, ' ') FROM partman.moves t}),
	qr/\Q$password\E/, 'no password in partman.moves');
for my $node ($coord, @shards)
{
	unlike(slurp_file($node->logfile), qr/\Q$password\E/,
		$node->name . ': no password in the log');
}

$coord->stop;
$_->stop for @shards;
done_testing();
