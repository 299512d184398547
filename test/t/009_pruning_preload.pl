# The planner hook with and without shared_preload_libraries:
#  - without it, explain_pruning works, pruning_stats says how to enable it,
#    set_pruning_policy warns that only sessions that load partman enforce
#    the policy, and indeed a fresh session does not until it loads partman;
#  - with it, every new session enforces the policy, statistics are kept
#    across sessions, and diagnostics at level 'log' reach the server log
#    (not the client).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('pruning_preload', preload => '', workers => 1);

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
SET partman.simulated_now = '2024-06-15';
CREATE TABLE sales (id int, sold_on date NOT NULL) PARTITION BY RANGE (sold_on);
SELECT partman.create_parent('sales', '1 year', premake => 1, start_partition => '2022-01-01');
INSERT INTO sales SELECT g, date '2022-01-01' + g FROM generate_series(0, 999) g;
});

# not preloaded
is( $node->safe_psql(
		'postgres',
		q{SELECT pruning || ' ' || reason FROM partman.explain_pruning('SELECT * FROM sales')}),
	'none no_key_filter',
	'explain_pruning works without preloading');

my ($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM partman.pruning_stats');
isnt($ret, 0, 'pruning_stats fails without preloading');
like($err, qr/partman pruning statistics are not collected/, 'the error says what is missing');
like($err, qr/HINT:  Add partman to shared_preload_libraries/, 'and how to enable it');

($ret, $out, $err) =
  $node->psql('postgres', q{SELECT partman.set_pruning_policy('sales', 'error')});
is($ret, 0, 'set_pruning_policy works without preloading');
like($err, qr/WARNING:  the pruning policy of table "sales" is enforced only in sessions that load partman/,
	'and warns that other sessions may not enforce it');

is($node->safe_psql('postgres', 'SELECT count(*) FROM sales'),
	'1000', 'a session that never loaded partman does not enforce the policy (documented)');
($ret, $out, $err) = $node->psql('postgres', q{LOAD 'partman'; SELECT count(*) FROM sales});
isnt($ret, 0, 'after LOAD the session enforces it');
like($err, qr/query would scan all 5 partitions of table "sales"/, 'with the guard\'s error');

# preloaded
$node->append_conf('postgresql.conf',
	"shared_preload_libraries = 'partman'\npartman.bgw_max_workers = 0\npartman.track_pruning = on");
$node->restart;

($ret, $out, $err) = $node->psql('postgres', 'SELECT count(*) FROM sales');
isnt($ret, 0, 'preloaded: a fresh session enforces the policy');
like($err, qr/query would scan all 5 partitions of table "sales"/, 'with the guard\'s error');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sales WHERE sold_on = '2023-03-01'}),
	'1', 'a pruned query runs');

$node->safe_psql('postgres', q{SELECT partman.set_pruning_policy('sales', 'off')});
$node->safe_psql('postgres', 'SELECT partman.pruning_stats_reset()');
$node->safe_psql('postgres', q{SELECT count(*) FROM sales WHERE sold_on = '2023-03-01'})
  for 1 .. 3;
$node->safe_psql('postgres', 'SELECT count(*) FROM sales') for 1 .. 2;
is( $node->safe_psql(
		'postgres',
		q{SELECT queries || ' ' || pruned_queries || ' ' || full_scans || ' ' || most_frequent_reason
		    FROM partman.pruning_stats WHERE relation = 'sales'::regclass}),
	'5 3 2 no_key_filter',
	'statistics count the plans of five sessions');

# diagnostics at level log: in the server log, not at the client
my $log_offset = -s $node->logfile;
($ret, $out, $err) = $node->psql('postgres',
	q{SET partman.pruning_diagnostics = log; SELECT count(*) FROM sales WHERE extract(year from sold_on) = 2023});
is($ret, 0, 'a query with log-level diagnostics runs');
is($err, '', 'the client sees no diagnostic');
ok( $node->wait_for_log(
		qr/LOG:  query plan scans 5 of 5 partitions of table "sales"/, $log_offset),
	'the server log has the diagnostic');
my $log = slurp_file($node->logfile, $log_offset);
like($log,
	qr/HINT:  Write \(sold_on >= '2023-01-01'::date\) AND \(sold_on < '2024-01-01'::date\) in place of EXTRACT\(year FROM sold_on\) = '2023'::numeric: the plan then scans 1 of 5 partitions\./,
	'with the rewrite, what it replaces and what it scans');

$node->stop;
done_testing();
