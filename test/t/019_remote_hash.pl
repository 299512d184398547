# A HASH set whose partitions live on other servers: three clusters on this
# machine, a coordinator with postgres_fdw and two shard servers.
#  - create_parent(..., servers) by a role that is not a superuser, with a
#    password in its user mappings (the shards ask it for one): 4 partitions
#    on 2 servers, remainder r on servers[r % 2]; the tables behind them are
#    made on the shards (the schema too) with the parent's columns, types and
#    NOT NULLs; show_partitions names each partition's server.
#  - inserts route to the right server (counted on each shard directly); a
#    point query on the key reaches one server (EXPLAIN, explain_pruning);
#    count(*) fans out with Async Foreign Scan.
#  - refused: a non-owner placing partitions (42501), an owner without USAGE
#    on a server (42501), a role that is not a superuser with no password in
#    its mapping (2F003), a parent with a primary key (0A000), a LIST set
#    (0A000: its partitions are placed one by one).
#  - a stopped shard: create_parent fails within partman.remote_timeout with
#    08001 naming the server, and leaves nothing behind, locally or on the
#    shard that answered; a server that never answers: the same, after
#    remote_timeout.
#  - no password in any error or log.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IO::Socket::INET;
use Time::HiRes qw(time);
use PartmanTest;

my $password = 'Pw-d0-not-leak-7e3';
my $db = 'postgres';

my $coord = PartmanTest::node('coord');
my @shards;
push @shards, PartmanTest::shard_node("shard$_", 'alice', $password) for 1 .. 2;
my $superuser = $coord->safe_psql($db, 'SELECT current_user');

# servers s1 and s2; s3 is the same shard as s1, but alice has no USAGE on it
my $setup = q{CREATE EXTENSION postgres_fdw; CREATE EXTENSION partman;
CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; CREATE ROLE carol LOGIN;
CREATE SCHEMA app AUTHORIZATION alice;
GRANT USAGE, CREATE ON SCHEMA app TO carol;
GRANT USAGE ON SCHEMA app TO bob;
SET log_statement = none;
};
for my $i (1 .. 3)
{
	$setup .= PartmanTest::server_sql("s$i", $shards[ $i == 2 ? 1 : 0 ], $db, 'alice', $password,
		'alice', 'bob');
	$setup .= qq{
CREATE USER MAPPING FOR $superuser SERVER s$i OPTIONS (user '$superuser');
CREATE USER MAPPING FOR carol SERVER s$i OPTIONS (user 'alice');};
}
$setup .= q{
GRANT USAGE ON FOREIGN SERVER s1, s2 TO alice, bob, carol;};
$coord->safe_psql($db, $setup);

# Run $sql as $user; it must fail with $sqlstate and $message.
sub fails
{
	my ($user, $sql, $sqlstate, $message, $name) = @_;
	return PartmanTest::fails_as($coord, $db, $user, $sql, $sqlstate, $message, $name, $password);
}

my $columns = $PartmanTest::COLUMNS_SQL;

# --- alice's set: 4 partitions on 2 servers ---------------------------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.events (id bigint NOT NULL, kind text,
    amount numeric(10,2) CONSTRAINT amount_not_negative CHECK (amount >= 0),
    at timestamptz NOT NULL DEFAULT now()) PARTITION BY HASH (id);});
is( $coord->safe_psql(
		$db, q{SET ROLE alice;
SELECT partman.create_parent('app.events', modulus => 4, servers => '{s1,s2}')}),
	'4', 'create_parent makes 4 foreign partitions');
is( $coord->safe_psql(
		$db, q{SELECT string_agg(partition || ' ' || remainder || ' ' || server, ', ' ORDER BY remainder)
  FROM partman.show_partitions('app.events')}),
	'app.events_h0 0 s1, app.events_h1 1 s2, app.events_h2 2 s1, app.events_h3 3 s2',
	'show_partitions: remainder r on servers[r % 2]');
is($coord->safe_psql($db, q{SELECT servers FROM partman.part_config WHERE parent = 'app.events'::regclass}),
	'{s1,s2}', 'part_config records the servers');
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM pg_foreign_table
  WHERE ftrelid IN (SELECT partition FROM partman.show_partitions('app.events'))
    AND 'async_capable=true' = ANY (ftoptions)}),
	'4', 'every foreign partition is async_capable');
my $parent_columns = $coord->safe_psql($db, sprintf($columns, 'app.events'));
for my $r (0 .. 3)
{
	my $shard = $shards[ $r % 2 ];
	is($shard->safe_psql($db, sprintf($columns, "app.events_h$r")),
		$parent_columns, "events_h$r on shard" . ($r % 2 + 1) . ": the parent's columns");
	is($shard->safe_psql($db, "SELECT tableowner FROM pg_tables WHERE schemaname = 'app' AND tablename = 'events_h$r'"),
		'alice', "events_h$r is alice's on its shard");
	is( $shard->safe_psql(
			$db, "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'app.events_h$r'::regclass"),
		'amount_not_negative CHECK ((amount >= (0)::numeric))', "events_h$r on its shard has the parent's CHECK constraint");
}
my ($cret, $cout, $cerr) = $coord->psql($db, q{SET ROLE alice; INSERT INTO app.events (id, amount) VALUES (1, -1)});
like($cerr, qr/violates check constraint "amount_not_negative"/,
	'a row breaking the CHECK constraint is refused, by the server that would hold it');

# --- rows route to the right server ----------------------------------------
$coord->safe_psql($db, q{SET ROLE alice;
INSERT INTO app.events (id, kind, amount)
SELECT g, 'k' || g % 7, g / 10.0 FROM generate_series(1, 1000) g;});
is($coord->safe_psql($db, 'SET ROLE alice; SELECT count(*) FROM app.events'),
	'1000', 'count(*) through the coordinator');
# where the executor routes each key, computed on the coordinator alone
my %expected = split /[|\n]/, $coord->safe_psql($db, q{
SELECT partman.partition_for('app.events', g::text)::text, count(*)
  FROM generate_series(1, 1000) g GROUP BY 1 ORDER BY 1});
is(scalar(keys %expected), 4, 'keys 1..1000 fall in 4 partitions');
for my $r (0 .. 3)
{
	my $shard = $shards[ $r % 2 ];
	is($shard->safe_psql($db, "SELECT count(*) FROM app.events_h$r"),
		$expected{"app.events_h$r"},
		"events_h$r: shard" . ($r % 2 + 1) . " holds the rows routed to it");
}

# --- queries ----------------------------------------------------------------
my $point = 'SELECT * FROM app.events WHERE id = 42';
my $plan = $coord->safe_psql($db, "SET ROLE alice; EXPLAIN (COSTS OFF) $point");
my @scans = $plan =~ /Foreign Scan/g;
is(scalar(@scans), 1, 'a point query on the key reaches one server (EXPLAIN)');
is( $coord->safe_psql(
		$db, qq{SET ROLE alice;
SELECT partitions_total || ' ' || partitions_scanned || ' ' || pruning
  FROM partman.explain_pruning('$point')}),
	'4 1 plan', 'explain_pruning: 1 of 4 partitions, pruned at plan time');
is($coord->safe_psql($db, "SET ROLE alice; SELECT count(*) FROM ($point) q"),
	'1', 'the point query finds its row');
$plan = $coord->safe_psql($db, 'SET ROLE alice; EXPLAIN (COSTS OFF) SELECT count(*) FROM app.events');
@scans = $plan =~ /Async Foreign Scan/g;
is(scalar(@scans), 4, 'count(*) fans out to every partition with Async Foreign Scan')
  or diag $plan;

# --- refusals ---------------------------------------------------------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.mine (id int NOT NULL) PARTITION BY HASH (id);
CREATE TABLE app.keyed (id int PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE app.listed (v text NOT NULL) PARTITION BY LIST (v);});
fails('bob', q{SELECT partman.create_parent('app.mine', modulus => 2, servers => '{s1}')},
	'42501', 'must be owner of table mine', 'a non-owner: create_parent');
fails('bob', q{SELECT partman.create_partition('app.events', remainder => 1, server => 's1')},
	'42501', 'must be owner of table events', 'a non-owner: create_partition');
fails('alice', q{SELECT partman.create_parent('app.mine', modulus => 2, servers => '{s1,s3}')},
	'42501', 'role "alice" has no USAGE on server "s3"', 'an owner without USAGE');
fails('alice', q{SELECT partman.create_parent('app.keyed', modulus => 2, servers => '{s1}')},
	'0A000', 'table "keyed" cannot have partitions on other servers while it has unique index',
	'a parent with a primary key');
fails('alice', q{SELECT partman.create_parent('app.listed', list_values => '{"a": ["x"]}', servers => '{s1}')},
	'0A000', 'servers applies only to HASH and RANGE sets', 'a LIST set');
$coord->safe_psql($db, q{SET ROLE carol; CREATE TABLE app.carols (id int) PARTITION BY HASH (id);});
fails('carol', q{SELECT partman.create_parent('app.carols', modulus => 2, servers => '{s1}')},
	'2F003', 'user mapping of role "carol" for server "s1" has no password',
	'no password in a mapping of a role that is not a superuser');
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM partman.part_config WHERE parent::text <> 'app.events'}),
	'0', 'no refused set was registered');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE schemaname = 'app'}),
	'2', 'nothing more on shard1 than events_h0 and events_h2');

# one more partition on a server of its own choosing: a LIST set
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.regions (region text NOT NULL, n int) PARTITION BY LIST (region);
SELECT partman.create_parent('app.regions', list_values => '{"eu": ["DE", "FR"]}');
SELECT partman.create_partition('app.regions', list_values => '{US,CA}', name => 'regions_americas',
                                server => 's2');
INSERT INTO app.regions VALUES ('US', 1), ('CA', 2), ('DE', 3);});
is( $coord->safe_psql(
		$db, q{SELECT string_agg(partition || ' ' || coalesce(server, 'local'), ', ' ORDER BY partition::text)
  FROM partman.show_partitions('app.regions')}),
	'app.regions_americas s2, app.regions_default local, app.regions_eu local',
	'create_partition(..., server) places one LIST partition on s2');
is($shards[1]->safe_psql($db, 'SELECT count(*) FROM app.regions_americas'),
	'2', 'the US and CA rows are on shard2');

# --- a stopped shard ------------------------------------------------------------
$coord->safe_psql($db, q{CREATE TABLE public.lost (id int NOT NULL) PARTITION BY HASH (id)});
$shards[1]->stop;
my $start = time();
my $stderr = fails($superuser,
	q{SET partman.remote_timeout = '3s';
SELECT partman.create_parent('public.lost', modulus => 4, servers => '{s1,s2}')},
	'08001', 'could not connect to server "s2"', 'a stopped shard');
my $elapsed = time() - $start;
ok($elapsed < 3, sprintf('it fails within remote_timeout (%.2f s)', $elapsed));
is( $coord->safe_psql(
		$db, q{SELECT (SELECT count(*) FROM partman.part_config WHERE parent = 'public.lost'::regclass)
  || ' ' || (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.lost'::regclass)}),
	'0 0', 'nothing half-done on the coordinator: no set, no partition');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE tablename LIKE 'lost%'}),
	'0', 'nothing half-done on shard1: the table made there was rolled back');
is($coord->safe_psql($db, 'SET ROLE alice; SELECT count(*) FROM app.events_h0'),
	$expected{'app.events_h0'}, 'the partitions on the shard that answers still answer');

# --- a server that accepts the connection and never answers ----------------------
# (a socket that listens and never accepts: libpq waits for its reply)
my $silent = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)
  or die "could not listen: $!";
my $silent_port = $silent->sockport;
$coord->safe_psql($db, qq{
CREATE SERVER s4 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$silent_port', dbname '$db');
CREATE USER MAPPING FOR $superuser SERVER s4 OPTIONS (user '$superuser');
CREATE TABLE public.silent (id int NOT NULL) PARTITION BY HASH (id);});
$start = time();
fails($superuser,
	q{SET partman.remote_timeout = '2s';
SELECT partman.create_parent('public.silent', modulus => 2, servers => '{s1,s4}')},
	'08001', 'could not connect to server "s4"', 'a server that does not answer');
$elapsed = time() - $start;
# libpq's connect_timeout counts whole seconds
ok($elapsed >= 1.5 && $elapsed < 5,
	sprintf('it fails after remote_timeout (2 s): %.2f s', $elapsed));
is( $coord->safe_psql(
		$db, q{SELECT (SELECT count(*) FROM partman.part_config WHERE parent = 'public.silent'::regclass)
  || ' ' || (SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.silent'::regclass)}),
	'0 0', 'nothing half-done on the coordinator');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE tablename LIKE 'silent%'}),
	'0', 'nothing half-done on shard1');
close $silent;

# --- no password anywhere -----------------------------------------------------
for my $node ($coord, @shards)
{
	unlike(slurp_file($node->logfile), qr/\Q$password\E/,
		$node->name . ': no password in the log');
}

$coord->stop;
$shards[0]->stop;
done_testing();
