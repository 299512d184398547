# Maintenance of sets whose partitions live on other servers: a coordinator
# with postgres_fdw and two shard servers on this machine.
#  - a daily RANGE set on servers s1 and s2 (create_parent(..., servers)):
#    the partition of grid cell k (days since 2000-01-01) is on
#    servers[k mod 2]; the parent's index is made on each remote table;
#    rows route to the shard of their day (counted on each shard directly).
#  - across simulated days (partman.simulated_now): maintenance_plan shows
#    create_partition(..., server => ...) and drop_partition; run_maintenance
#    premakes the new foreign partitions on their servers and retention
#    drops the foreign partition and the table behind it on its shard.
#  - failure isolation: with shard2 stopped, and with a server that never
#    answers, the set that needs it fails within partman.remote_timeout
#    (timed), logged in maintenance_log and last_error without a password;
#    the other set is maintained in the same run; partman.sets shows the
#    set's servers and the servers unreachable at the last maintenance.
#  - queries: explain_pruning notes a query that reaches every server; one
#    day reaches one; the require-filter guard refuses a sharded set's
#    query without a key filter.
#  - refused: a non-owner placing a partition (42501); split_partition and
#    split_hash_partition of a foreign partition (0A000).
#  - the real clock: run_maintenance premakes on the servers relative to now().
#  - no password in any log.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IO::Socket::INET;
use Time::HiRes qw(time);
use PartmanTest;

my $password = 'Pw-sh4rd-n0t-in-logs';
my $db = 'postgres';

my $coord = PartmanTest::node('coord');
my @shards;
push @shards, PartmanTest::shard_node("shard$_", 'alice', $password) for 1 .. 2;
my $superuser = $coord->safe_psql($db, 'SELECT current_user');

my $setup = q{CREATE EXTENSION postgres_fdw; CREATE EXTENSION partman;
CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN;
CREATE SCHEMA app AUTHORIZATION alice;
GRANT USAGE ON SCHEMA app TO bob;
SET log_statement = none;
};
# s1, s2: the shards; s3: shard1 again, later pointed at a server that never answers
for my $i (1 .. 3)
{
	$setup .= PartmanTest::server_sql("s$i", $shards[ $i == 2 ? 1 : 0 ], $db, 'alice', $password,
		'alice', 'bob');
}
$setup .= q{
GRANT USAGE ON FOREIGN SERVER s1, s2, s3 TO alice, bob;};
$coord->safe_psql($db, $setup);

# psql on the coordinator as the superuser at simulated time $now (undef: real time)
sub at
{
	my ($now, $sql) = @_;
	my $set = defined $now ? "SET partman.simulated_now = '$now';\n" : '';
	return $coord->safe_psql($db, $set . $sql);
}

# Run $sql as $user; it must fail with $sqlstate and $message.
sub fails
{
	my ($user, $sql, $sqlstate, $message, $name) = @_;
	return PartmanTest::fails_as($coord, $db, $user, $sql, $sqlstate, $message, $name, $password);
}

my $columns = $PartmanTest::COLUMNS_SQL;

# the server a daily partition starting on $day belongs on: cell k = days since 2000-01-01
sub server_of
{
	my ($day) = @_;
	my $k = $coord->safe_psql($db, "SELECT '$day'::date - date '2000-01-01'");
	return 's' . ($k % 2 + 1);
}

# "partition server" of each partition of $parent, in bound order
sub placement
{
	my ($parent) = @_;
	return $coord->safe_psql($db, qq{
SELECT string_agg(partition::text || ' ' || coalesce(server, 'local'), ', ' ORDER BY is_default, range_from)
  FROM partman.show_partitions('$parent')});
}

# the tables named like $pattern in schema app on shard $i
sub shard_tables
{
	my ($i, $pattern) = @_;
	return $shards[ $i - 1 ]->safe_psql($db, qq{
SELECT coalesce(string_agg(tablename, ' ' ORDER BY tablename), '')
  FROM pg_tables WHERE schemaname = 'app' AND tablename LIKE '$pattern'});
}

my $day1 = '2026-01-10 12:00+00';

# --- a daily RANGE set on two servers -------------------------------------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.metrics (at timestamptz NOT NULL, device int NOT NULL, v numeric)
    PARTITION BY RANGE (at);
CREATE INDEX metrics_device ON app.metrics (device);
CREATE TABLE app.local_log (at timestamptz NOT NULL, msg text) PARTITION BY RANGE (at);});
is( at($day1, q{SELECT partman.create_parent('app.metrics', '1 day', premake => 2,
    retention => '3 days', servers => '{s1,s2}')}),
	'4', 'create_parent: 3 daily partitions and the default');
at($day1, q{SELECT partman.create_parent('app.local_log', '1 day', premake => 2)});

my %server;
$server{$_} = server_of($_) for map { sprintf('2026-01-%02d', $_) } 10 .. 25;
isnt($server{'2026-01-10'}, $server{'2026-01-11'}, 'consecutive days alternate between the servers');
is(placement('app.metrics'),
	"app.metrics_p20260110 $server{'2026-01-10'}, app.metrics_p20260111 $server{'2026-01-11'}, "
	  . "app.metrics_p20260112 $server{'2026-01-12'}, app.metrics_default local",
	'each day on servers[k mod 2], k its day since 2000-01-01; the default partition is local');
my %on_shard = (s1 => '', s2 => '');
for my $d (10 .. 12)
{
	my $s = $server{"2026-01-$d"};
	$on_shard{$s} .= ($on_shard{$s} ? ' ' : '') . "metrics_p202601$d";
}
is(shard_tables(1, 'metrics%'), $on_shard{s1}, "shard1 holds the tables of its days: $on_shard{s1}");
is(shard_tables(2, 'metrics%'), $on_shard{s2}, "shard2 holds the tables of its days: $on_shard{s2}");
is( $shards[0]->safe_psql(
		$db, q{SELECT count(*) FROM pg_indexes WHERE schemaname = 'app' AND tablename LIKE 'metrics%'
  AND indexdef LIKE '%USING btree (device)'}),
	scalar(split / /, $on_shard{s1}), "the parent's index on device is on each table of shard1");
is( $shards[1]->safe_psql(
		$db, q{SELECT count(*) FROM pg_indexes WHERE schemaname = 'app' AND tablename LIKE 'metrics%'
  AND indexdef LIKE '%USING btree (device)'}),
	scalar(split / /, $on_shard{s2}), "the parent's index on device is on each table of shard2");
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM pg_foreign_table
  WHERE ftrelid IN (SELECT partition FROM partman.show_partitions('app.metrics'))
    AND 'async_capable=true' = ANY (ftoptions)}),
	'3', 'every foreign partition is async_capable');

# rows route to the shard of their day
$coord->safe_psql($db, q{SET ROLE alice;
INSERT INTO app.metrics SELECT timestamptz '2026-01-10 00:00+00' + g * interval '1 minute', g % 10, g
  FROM generate_series(0, 3 * 1440 - 1) g;});
for my $d (10 .. 12)
{
	my $i = substr($server{"2026-01-$d"}, 1);
	is($shards[ $i - 1 ]->safe_psql($db, "SELECT count(*) FROM app.metrics_p202601$d"),
		'1440', "2026-01-$d: its 1440 rows are on shard$i");
}

# --- premake across simulated days --------------------------------------------
# a table left on a shard by a commit that failed on another server: empty, so premake makes it again
my $i13 = substr($server{'2026-01-13'}, 1);
$shards[ $i13 - 1 ]->safe_psql($db, q{SET ROLE alice; CREATE TABLE app.metrics_p20260113 (leftover int)});
my $day3 = '2026-01-12 12:00+00';
my $plan = at($day3, q{SELECT string_agg(action || ' ' || statement, E'\n' ORDER BY partition)
  FROM partman.maintenance_plan('app.metrics')});
is( $plan,
	"create SELECT partman.create_partition('app.metrics', '2026-01-13 00:00:00+00', '2026-01-14 00:00:00+00', "
	  . "name => 'metrics_p20260113', server => '$server{'2026-01-13'}');\n"
	  . "create SELECT partman.create_partition('app.metrics', '2026-01-14 00:00:00+00', '2026-01-15 00:00:00+00', "
	  . "name => 'metrics_p20260114', server => '$server{'2026-01-14'}');",
	'maintenance_plan: create_partition on the server of each new day');
at($day3, 'CALL partman.run_maintenance()');
like(placement('app.metrics'),
	qr/app.metrics_p20260113 $server{'2026-01-13'}, app.metrics_p20260114 $server{'2026-01-14'}, app.metrics_default local$/,
	'run_maintenance made what the plan showed: each new day on its server');
is($shards[ $i13 - 1 ]->safe_psql($db, sprintf($columns, 'app.metrics_p20260113')),
	'at timestamp with time zone NOT NULL, device integer NOT NULL, v numeric',
	'the table of 2026-01-13 is on its shard, made again over the empty one left there');
like(shard_tables(substr($server{'2026-01-14'}, 1), 'metrics%'), qr/metrics_p20260114/,
	'the table of 2026-01-14 is on its shard');
$coord->safe_psql($db, q{SET ROLE alice;
INSERT INTO app.metrics VALUES ('2026-01-13 08:00+00', 1, 1), ('2026-01-14 08:00+00', 2, 2);});
is($shards[ substr($server{'2026-01-14'}, 1) - 1 ]->safe_psql($db, 'SELECT count(*) FROM app.metrics_p20260114'),
	'1', 'a row of 2026-01-14 goes to its shard');

# --- retention drops on the shards ----------------------------------------------
# at 00:30 on 2026-01-15, 3 days back is 2026-01-12 00:30: the 10th and 11th expire
my $day5 = '2026-01-15 00:30+00';
$plan = at($day5, q{SELECT string_agg(action || ' ' || statement || ' ' || lock_mode, E'\n' ORDER BY partition)
  FROM partman.maintenance_plan('app.metrics') WHERE action = 'drop'});
is( $plan,
	"drop SELECT partman.drop_partition('app.metrics_p20260110'); ACCESS EXCLUSIVE, and on server \"$server{'2026-01-10'}\"\n"
	  . "drop SELECT partman.drop_partition('app.metrics_p20260111'); ACCESS EXCLUSIVE, and on server \"$server{'2026-01-11'}\"",
	'maintenance_plan: retention drops the two oldest days with drop_partition, on their servers');
at($day5, 'CALL partman.run_maintenance()');
for my $d (10 .. 17)
{
	my $i = substr($server{"2026-01-$d"}, 1);
	my $expect = $d >= 12 ? "metrics_p202601$d" : '';
	is(shard_tables($i, "metrics_p202601$d"), $expect,
		"2026-01-$d on shard$i: " . ($expect ? 'there' : 'dropped by retention'));
}
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM pg_class WHERE relname IN ('metrics_p20260110', 'metrics_p20260111')}),
	'0', 'the foreign tables of the dropped days are gone on the coordinator');
is( $coord->safe_psql(
		$db, q{SELECT string_agg(partition, ' ' ORDER BY partition) FROM partman.maintenance_log
  WHERE parent = 'app.metrics'::regclass AND action = 'drop' AND outcome = 'done'}),
	'app.metrics_p20260110 app.metrics_p20260111', 'maintenance_log records both drops');
is($coord->safe_psql($db, 'SET ROLE alice; SELECT count(*) FROM app.metrics'),
	'1442', 'the rows of the other days are all there');

# a set on s1 alone whose retention detaches: the foreign table and the table
# on the server are kept
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.kept (at timestamptz NOT NULL, n int) PARTITION BY RANGE (at);});
at($day5, q{SELECT partman.create_parent('app.kept', '1 day', premake => 1, start_partition => '2026-01-13',
    retention => '1 day', retention_action => 'detach', servers => '{s1}')});
is(placement('app.kept'),
	'app.kept_p20260113 s1, app.kept_p20260114 s1, app.kept_p20260115 s1, app.kept_p20260116 s1, app.kept_default local',
	'with one server, every partition is on it');
$coord->safe_psql($db, q{SET ROLE alice; INSERT INTO app.kept VALUES ('2026-01-13 10:00+00', 1), ('2026-01-16 10:00+00', 2);});
# and one whose retention archives (detach, then SET SCHEMA of the foreign table)
$coord->safe_psql($db, q{CREATE SCHEMA app_archive AUTHORIZATION alice; SET ROLE alice;
CREATE TABLE app.arch (at timestamptz NOT NULL, n int) PARTITION BY RANGE (at);});
at($day5, q{SELECT partman.create_parent('app.arch', '1 day', premake => 1, start_partition => '2026-01-13',
    retention => '1 day', retention_action => 'archive', retention_schema => 'app_archive', servers => '{s1}')});
$coord->safe_psql($db, q{SET ROLE alice; INSERT INTO app.arch VALUES ('2026-01-13 10:00+00', 7), ('2026-01-16 10:00+00', 8);});

# --- queries --------------------------------------------------------------------
my $all = q{SELECT count(*) FROM app.metrics};
my $hint = $coord->safe_psql($db, qq{SET ROLE alice;
SELECT partitions_total || ' ' || partitions_scanned || ' | ' || coalesce(hint, '')
  FROM partman.explain_pruning('$all')});
like($hint, qr/^7 7 \| .*The query reaches every server of the table \(s1, s2\): each must answer\.$/,
	'explain_pruning counts foreign partitions and notes a query that reaches every server');
my $one = q{SELECT count(*) FROM app.metrics WHERE at >= '2026-01-13 00:00+00' AND at < '2026-01-14 00:00+00'};
is( $coord->safe_psql(
		$db, qq{SET ROLE alice;
SELECT partitions_total || ' ' || partitions_scanned || ' ' || pruning || ' ' || coalesce(hint, 'no hint')
  FROM partman.explain_pruning(\$q\$$one\$q\$)}),
	'7 1 plan no hint', 'one day reaches one server, with no note');
$coord->safe_psql($db, q{SET ROLE alice; SELECT partman.set_pruning_policy('app.metrics', 'error')});
fails('alice', $all, '54000', 'query would scan all 7 partitions of table "metrics"',
	'the require-filter guard refuses a query without a key filter on a sharded set');
is($coord->safe_psql($db, "SET ROLE alice; $one"), '1', 'with a filter on the key it runs');
$coord->safe_psql($db, q{SET ROLE alice; SELECT partman.set_pruning_policy('app.metrics', 'off')});

# --- refusals -------------------------------------------------------------------
fails('bob', q{SELECT partman.create_partition('app.metrics', '2026-02-01', '2026-02-02', server => 's1')},
	'42501', 'must be owner of table metrics', 'a non-owner cannot place a partition');
fails('alice', q{SELECT partman.split_partition('app.metrics_p20260113', '2026-01-13 12:00+00')},
	'0A000', 'split_partition does not support partition "metrics_p20260113", which is on server',
	'split_partition of a foreign partition');
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.users (id bigint NOT NULL, name text) PARTITION BY HASH (id);
SELECT partman.create_parent('app.users', modulus => 2, servers => '{s1,s2}');});
fails('alice', q{SELECT partman.split_hash_partition('app.users_h0')},
	'0A000', 'split_hash_partition does not support partition "users_h0", which is on server "s1"',
	'split_hash_partition of a foreign partition');
is(placement('app.users'), 'app.users_h0 s1, app.users_h1 s2', 'the refused split changed nothing');

# drop_partition(only_if_empty) of a foreign partition: counted on its server through partman's own
# connection, which then drops the table there (through postgres_fdw's, the count's lock would hold
# up the drop)
my $h0_rows = $coord->safe_psql($db, q{SET ROLE alice;
INSERT INTO app.users SELECT g, 'u' || g FROM generate_series(1, 50) g;
SELECT count(*) FROM app.users_h0;});
my $h0 = fails('alice', q{SELECT partman.drop_partition('app.users_h0', only_if_empty => true)},
	'55000', 'partition "users_h0" is not empty', 'drop_partition(only_if_empty) of a foreign partition with rows');
like($h0, qr/It holds $h0_rows rows/, "the rows were counted on shard1: $h0_rows");
$coord->safe_psql($db, q{SET ROLE alice; DELETE FROM app.users WHERE id IN (SELECT id FROM app.users_h1);});
my $t0 = time();
$coord->safe_psql($db, q{SET ROLE alice; SELECT partman.drop_partition('app.users_h1', only_if_empty => true)});
ok(time() - $t0 < 1, 'an empty foreign partition is dropped at once');
is(shard_tables(2, 'users%'), '', 'and its table on shard2 with it');
is(shard_tables(1, 'users%'), 'users_h0', 'shard1 keeps users_h0');

# --- a stopped shard fails its set alone ------------------------------------------
my $shard1_before = shard_tables(1, 'metrics%');
$shards[1]->stop;
my $day7 = '2026-01-16 12:00+00';
my $start = time();
my ($ret, $out, $err) = $coord->psql($db, qq{SET partman.simulated_now = '$day7';
SET partman.remote_timeout = '3s';
CALL partman.run_maintenance();});
my $elapsed = time() - $start;
is($ret, 0, 'run_maintenance ends (the failure is the set\'s, not the call\'s)');
like($err, qr/WARNING:  maintenance of table "metrics" failed: could not connect to server "s2"/,
	'a WARNING names the set and the server');
ok($elapsed < 3, sprintf('within remote_timeout (3 s): %.2f s', $elapsed));
is(placement('app.local_log') =~ /app.local_log_p20260118 local/ ? 'made' : 'missing', 'made',
	'the other set was premade in the same run');
is( $coord->safe_psql(
		$db, q{SELECT outcome || ': ' || detail FROM partman.maintenance_log
  WHERE parent = 'app.metrics'::regclass AND action = 'maintain' ORDER BY id DESC LIMIT 1}),
	'failed: could not connect to server "s2"', 'maintenance_log records the failure');
is( $coord->safe_psql(
		$db, q{SELECT last_error FROM partman.part_config WHERE parent = 'app.metrics'::regclass}),
	'could not connect to server "s2"', 'last_error says which server');
like( $coord->safe_psql(
		$db, q{SELECT servers::text || ' ' || unreachable_servers::text || ' ' || status || ' '
        || array_to_string(status_reasons, '; ')
  FROM partman.sets WHERE parent = 'app.metrics'::regclass}),
	qr/^\{s1,s2\} \{s2\} critical maintenance failing: could not connect to server "s2"; servers unreachable at the last maintenance: s2(;|$)/,
	'partman.sets shows the servers and the unreachable one');
is($coord->safe_psql($db, q{SELECT servers IS NULL FROM partman.sets WHERE parent = 'app.local_log'::regclass}),
	't', 'a local set has no servers');
unlike(placement('app.metrics'), qr/20260118/, 'the failed set made nothing');
is(placement('app.kept'),
	'app.kept_p20260115 s1, app.kept_p20260116 s1, app.kept_p20260117 s1, app.kept_default local',
	'the set on s1 alone was maintained in the same run: 2026-01-17 made, two days detached');
is( $coord->safe_psql(
		$db, q{SELECT string_agg(c.relname || ' ' || c.relkind::text || ' ' || c.relispartition, ', ' ORDER BY c.relname)
  FROM pg_class c WHERE c.relname IN ('kept_p20260113', 'kept_p20260114')}),
	'kept_p20260113 f false, kept_p20260114 f false', 'retention detach keeps the foreign tables, detached');
is(shard_tables(1, 'kept_p2026011%'), 'kept_p20260113 kept_p20260114 kept_p20260115 kept_p20260116 kept_p20260117',
	'and the tables on the server');
is($coord->safe_psql($db, 'SET ROLE alice; SELECT n FROM app.kept_p20260113'), '1',
	'the detached foreign table still reads its row on shard1');
is($coord->safe_psql($db, 'SET ROLE alice; SELECT n FROM app_archive.arch_p20260113'), '7',
	'retention archive moves the foreign table to retention_schema; it still reads its row on shard1');
is(shard_tables(1, 'arch_p20260113'), 'arch_p20260113', 'the archived table stays on shard1');
is(shard_tables(1, 'metrics%'), $shard1_before, 'the failed set left nothing on shard1');

$shards[1]->start;
at($day7, 'CALL partman.run_maintenance()');
is( $coord->safe_psql(
		$db, q{SELECT coalesce(last_error, 'none') || ' ' || coalesce(unreachable_servers::text, 'none')
  FROM partman.part_config WHERE parent = 'app.metrics'::regclass}),
	'none none', 'with shard2 back, the next run succeeds and clears both');
like(placement('app.metrics'),
	qr/app.metrics_p20260117 $server{'2026-01-17'}, app.metrics_p20260118 $server{'2026-01-18'}, app.metrics_default local$/,
	'and premakes up to 2026-01-18 on the servers');

# --- a server that never answers ------------------------------------------------------
# (a socket that listens and never accepts: libpq waits for the server's reply)
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.silent (at timestamptz NOT NULL) PARTITION BY RANGE (at);});
at($day7, q{SELECT partman.create_parent('app.silent', '1 day', premake => 1, servers => '{s3}',
    default_partition => false)});
my $silent = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)
  or die "could not listen: $!";
my $silent_port = $silent->sockport;
$coord->safe_psql($db, qq{ALTER SERVER s3 OPTIONS (SET host '127.0.0.1', SET port '$silent_port')});
my $day9 = '2026-01-19 12:00+00';
$start = time();
($ret, $out, $err) = $coord->psql($db, qq{SET partman.simulated_now = '$day9';
SET partman.remote_timeout = '2s';
CALL partman.run_maintenance();});
$elapsed = time() - $start;
is($ret, 0, 'run_maintenance ends');
like($err, qr/maintenance of table "silent" failed: could not connect to server "s3"/,
	'the silent server fails its set');
# libpq's connect_timeout counts whole seconds
ok($elapsed >= 1.5 && $elapsed < 6, sprintf('after remote_timeout (2 s): %.2f s', $elapsed));
like(placement('app.metrics'), qr/app.metrics_p20260121 $server{'2026-01-21'}, app.metrics_default local$/,
	'the set on the shards was maintained in the same run');
like(placement('app.local_log'), qr/app.local_log_p20260121 local/, 'so was the local set');
is( $coord->safe_psql(
		$db, q{SELECT unreachable_servers FROM partman.sets WHERE parent = 'app.silent'::regclass}),
	'{s3}', 'partman.sets: s3 was unreachable');
close $silent;

# --- the real clock ---------------------------------------------------------------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.live (at timestamptz NOT NULL, n int) PARTITION BY RANGE (at);
SELECT partman.create_parent('app.live', '1 day', premake => 1, servers => '{s1,s2}');
SELECT partman.set_config('app.live', 'premake', '3');});
$coord->safe_psql($db, q{CALL partman.run_maintenance('app.live')});
my $expected_live = $coord->safe_psql($db, q{
SELECT string_agg('app.live_p' || to_char(d, 'YYYYMMDD') || ' s' || ((d - date '2000-01-01') % 2 + 1), ', ' ORDER BY d)
  FROM generate_series(0, 3) g, LATERAL (SELECT (now() AT TIME ZONE 'UTC')::date + g) d(d)});
is(placement('app.live'), "$expected_live, app.live_default local",
	'run_maintenance at the real time premakes 3 days ahead of now(), each on its server');
$coord->safe_psql($db, q{SET ROLE alice; INSERT INTO app.live VALUES (now(), 1);});
my $today_server = $coord->safe_psql($db, q{SELECT 's' || (((now() AT TIME ZONE 'UTC')::date - date '2000-01-01') % 2 + 1)});
my $today_table = $coord->safe_psql($db, q{SELECT 'live_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')});
is($shards[ substr($today_server, 1) - 1 ]->safe_psql($db, "SELECT count(*) FROM app.$today_table"),
	'1', "a row of now() is on $today_server");

# --- the worker's round: the same isolation --------------------------------------------
my $day11 = '2026-01-23 12:00+00';
$shards[1]->stop;
$coord->append_conf('postgresql.conf', qq{
max_worker_processes = 16
partman.bgw_max_workers = 2
partman.bgw_interval = 1
partman.remote_timeout = '2s'
partman.simulated_now = '$day11'
});
$coord->restart;
ok( PartmanTest::wait_until(
		$coord, $db, q{SELECT count(*) FROM pg_class WHERE relname = 'local_log_p20260125'}, 60, '1'),
	"with shard2 stopped, the worker's round maintains the local set");
ok( PartmanTest::wait_until(
		$coord, $db,
		q{SELECT unreachable_servers::text || ' ' || last_error FROM partman.part_config
  WHERE parent = 'app.metrics'::regclass}, 60, '{s2} could not connect to server "s2"'),
	'and records that the set on the shards failed, s2 unreachable');
$shards[1]->start;
ok( PartmanTest::wait_until(
		$coord, $db,
		q{SELECT count(*) || ' ' || coalesce((SELECT last_error FROM partman.part_config
  WHERE parent = 'app.metrics'::regclass), 'ok')
  FROM pg_class WHERE relname = 'metrics_p20260125'}, 60, '1 ok'),
	'with shard2 back, the worker premakes the set on the shards');
like(placement('app.metrics'), qr/app.metrics_p20260125 $server{'2026-01-25'}, app.metrics_default local$/,
	'each new day on its server');

# --- no password anywhere -----------------------------------------------------------
is( $coord->safe_psql(
		$db, qq{SET log_statement = none;
SELECT count(*) FROM partman.maintenance_log WHERE detail LIKE '%$password%'}),
	'0', 'no password in maintenance_log');
is( $coord->safe_psql(
		$db, qq{SET log_statement = none;
SELECT count(*) FROM partman.part_config WHERE last_error LIKE '%$password%'}),
	'0', 'no password in part_config');
for my $node ($coord, @shards)
{
	unlike(slurp_file($node->logfile), qr/\Q$password\E/, $node->name . ': no password in the log');
}

$coord->stop;
$_->stop for @shards;
done_testing();
