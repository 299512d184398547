# Thousands of partitions under PostgreSQL's default settings
# (max_locks_per_transaction = 64).  Each table partman creates or drops
# stays locked until commit with its indexes, TOAST table and types, so one
# transaction over thousands of them ran out of shared memory and did
# nothing.  Now, at top level, run_maintenance commits in batches that fit;
# where it cannot commit (a transaction block, create_parent) work that does
# not fit is refused up front with a hint, and nothing is half-done.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('many');
is($node->safe_psql('postgres', 'SHOW max_locks_per_transaction'), '64', 'default max_locks_per_transaction');

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE TABLE events (id bigint NOT NULL, ts timestamptz NOT NULL, v text, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
CREATE INDEX ON events (v);
});

sub partitions
{
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass");
}

# create_parent cannot commit: 10,000 premade partitions are refused up front
my ($ret, $out, $err) = $node->psql('postgres',
	"SET partman.simulated_now = '2016-01-01 12:00+00'; SELECT partman.create_parent('events', '1 day', premake => 10000)"
);
isnt($ret, 0, 'create_parent with premake 10000 fails');
like($err, qr/ERROR:  create_parent of table "events" touches 10002 partitions, more than one transaction can lock/,
	'with an error that says why');
like($err, qr/HINT:  Create the set with a smaller premake/, 'and a hint');
is(partitions(), '0', 'no partition was made');
is($node->safe_psql('postgres', 'SELECT count(*) FROM partman.part_config'), '0', 'no set was registered');

# when the lock table fills although the work seemed to fit (another session
# holds thousands of locks), create_parent rolls back and says why
$node->safe_psql(
	'postgres', q{
CREATE TABLE hog (id bigint NOT NULL, ts timestamptz NOT NULL, v text, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
CREATE INDEX ON hog (v);
CREATE TABLE late (id bigint NOT NULL, ts timestamptz NOT NULL, v text, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
CREATE INDEX ON late (v);
});
my $hog = $node->background_psql('postgres');
$hog->query_safe(
	"SET partman.simulated_now = '2016-01-01 12:00+00'; BEGIN; SELECT partman.create_parent('hog', '1 day', premake => 1200)");
($ret, $out, $err) = $node->psql('postgres',
	"SET partman.simulated_now = '2016-01-01 12:00+00'; SELECT partman.create_parent('late', '1 day', premake => 1200)");
like($err, qr/ERROR:  create_parent of table "late" touches 1202 partitions, more than one transaction can lock/,
	'a lock table filled by another session gives partman\'s error, not "out of shared memory"');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_inherits WHERE inhparent = 'late'::regclass"),
	'0', 'and nothing of it is left');
$hog->query_safe('ROLLBACK');
$hog->quit;
is($node->safe_psql('postgres',
	"SET partman.simulated_now = '2016-01-01 12:00+00'; SELECT partman.create_parent('late', '1 day', premake => 1200)"),
	'1202', 'alone, the same 1202 partitions fit and are made');
$node->safe_psql('postgres', "SELECT partman.undo_parent('late'); DROP TABLE late, hog");

# a small start, then premake 3000: run_maintenance makes them in batches
$node->safe_psql('postgres',
	"SET partman.simulated_now = '2016-01-01 12:00+00'; SELECT partman.create_parent('events', '1 day', premake => 10)"
);
$node->safe_psql('postgres', "SELECT partman.set_config('events', 'premake', '3000')");

# inside a transaction block it cannot commit: refused, nothing done
($ret, $out, $err) = $node->psql('postgres',
	"SET partman.simulated_now = '2016-01-01 12:00+00'; BEGIN; CALL partman.run_maintenance('events'); COMMIT;");
like($err, qr/WARNING:  maintenance of table "events" failed: maintenance of table "events" touches 2990 partitions, more than one transaction can lock/,
	'in a transaction block, maintenance of 2990 partitions is refused');
is(partitions(), '12', 'and nothing was made');
like($node->safe_psql('postgres', "SELECT last_error FROM partman.part_config"),
	qr/more than one transaction can lock/, 'last_error says why');

($ret, $out, $err) = $node->psql('postgres',
	"SET partman.simulated_now = '2016-01-01 12:00+00'; CALL partman.run_maintenance('events')");
is($ret, 0, 'at top level, run_maintenance succeeds') or diag $err;
is(partitions(), '3002', '3000 partitions ahead and the default');
is($node->safe_psql('postgres', "SELECT count(*) FROM partman.maintenance_log WHERE action = 'create' AND outcome = 'done'"),
	'2990', 'each creation logged once');
is($node->safe_psql('postgres', "SELECT last_error IS NULL FROM partman.part_config"), 't', 'the failure is cleared');

# rows across the set, to prove retention drops only what it must
$node->safe_psql('postgres',
	"INSERT INTO events SELECT g, timestamptz '2016-01-01' + g * interval '1 day', 'v' FROM generate_series(0, 2999) g");
my $kept_before = $node->safe_psql('postgres',
	"SELECT count(*) || ':' || sum(hashtext(e::text)) FROM events e WHERE ts >= '2024-02-01'");

# 2024-03-01 with 30 days' retention: about 2,950 partitions expire at once
$node->safe_psql('postgres',
	"SELECT partman.set_config('events', 'premake', '10'); SELECT partman.set_config('events', 'retention', '30 days')");
($ret, $out, $err) = $node->psql('postgres',
	"SET partman.simulated_now = '2024-03-01 12:00+00'; BEGIN; CALL partman.run_maintenance('events'); COMMIT;");
like($err, qr/touches \d+ partitions, more than one transaction can lock/,
	'in a transaction block, retention of thousands is refused');
is(partitions(), '3002', 'and nothing was dropped');

($ret, $out, $err) = $node->psql('postgres',
	"SET partman.simulated_now = '2024-03-01 12:00+00'; CALL partman.run_maintenance('events')");
is($ret, 0, 'at top level, retention of thousands succeeds') or diag $err;
is($node->safe_psql('postgres',
	"SELECT min(range_from::timestamptz) FROM partman.show_partitions('events') WHERE NOT is_default"),
	'2024-01-31 00:00:00+00', 'every partition past retention is gone');
is($node->safe_psql('postgres',
	"SELECT count(*) FROM partman.maintenance_log WHERE action = 'drop' AND outcome = 'done'"),
	$node->safe_psql('postgres', "SELECT date '2024-01-31' - date '2016-01-01'"),
	'one drop logged per day dropped');
is($node->safe_psql('postgres',
	"SELECT count(*) || ':' || sum(hashtext(e::text)) FROM events e WHERE ts >= '2024-02-01'"),
	$kept_before, 'the rows kept are all there (count and checksum)');
is($node->safe_psql('postgres', "SELECT count(*) FROM events WHERE ts < '2024-01-31'"), '0',
	'no row older than retention is left');
is($node->safe_psql('postgres', "SET partman.simulated_now = '2024-03-01 12:00+00'; SELECT status FROM partman.sets"),
	'ok', 'the set is healthy');

# the background worker too: its round commits a set's work in batches
$node->append_conf('postgresql.conf', q{
partman.bgw_max_workers = 2
partman.bgw_interval = 1
partman.simulated_now = '2016-01-01 12:00+00'
});
$node->restart;
$node->safe_psql(
	'postgres', q{
CREATE TABLE worker_events (id bigint NOT NULL, ts timestamptz NOT NULL, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
SELECT partman.create_parent('worker_events', '1 day', premake => 10);
SELECT partman.set_config('worker_events', 'premake', '2500');
});
ok( PartmanTest::wait_until(
		$node, 'postgres',
		"SELECT count(*) = 2502 FROM pg_inherits WHERE inhparent = 'worker_events'::regclass", 120),
	'the worker makes 2,490 partitions in batches');
is( $node->safe_psql('postgres',
		"SELECT last_error IS NULL FROM partman.part_config WHERE parent = 'worker_events'::regclass"),
	't', 'without an error');

$node->stop;
done_testing();
