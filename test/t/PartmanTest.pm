# Helpers shared by partman's TAP tests.
package PartmanTest;

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use IPC::Run;

# A new cluster called $name, started, with partman in shared_preload_libraries.
# Options:
#   conf    => more lines for postgresql.conf
#   workers => 1 lets partman's background workers run; otherwise
#              partman.bgw_max_workers = 0, since the workers have suites of
#              their own (005*) and would maintain a test's sets behind its back
#   preload => the shared_preload_libraries value instead ('' for none)
sub node
{
	my ($name, %opt) = @_;
	my $preload = exists $opt{preload} ? $opt{preload} : 'partman';
	my $conf = '';
	my $node = PostgreSQL::Test::Cluster->new($name);

	$conf .= "shared_preload_libraries = '$preload'\n" if $preload ne '';
	$conf .= "partman.bgw_max_workers = 0\n" unless $opt{workers};
	$conf .= $opt{conf} if defined $opt{conf};
	$node->init;
	$node->append_conf('postgresql.conf', $conf) if $conf ne '';
	$node->start;
	return $node;
}

# A plain cluster called $name standing in for a shard server: no partman,
# $role may log in only with $password (so postgres_fdw must send the
# password from the user mapping, as it must for a role that is not a
# superuser), everyone else by trust; $role may create schemas in postgres.
sub shard_node
{
	my ($name, $role, $password) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->start;
	my $hba = $node->data_dir . '/pg_hba.conf';
	my $rules = PostgreSQL::Test::Utils::slurp_file($hba);
	open(my $fh, '>', $hba) or die "could not write $hba: $!";
	print $fh "local all $role scram-sha-256\n" . $rules;
	close $fh;
	$node->reload;
	$node->safe_psql('postgres', qq{
SET log_statement = none;
CREATE ROLE $role LOGIN PASSWORD '$password';
GRANT CREATE ON DATABASE postgres TO $role;});
	return $node;
}

# The SQL that makes postgres_fdw server $name for database $db of cluster
# $shard, with a user mapping for each of @roles that logs in as $login with
# $password (partman connects with the set owner's mapping).
sub server_sql
{
	my ($name, $shard, $db, $login, $password, @roles) = @_;
	my ($host, $port) = ($shard->host, $shard->port);
	my $sql = qq{
CREATE SERVER $name FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$db');};
	$sql .= qq{
CREATE USER MAPPING FOR $_ SERVER $name OPTIONS (user '$login', password '$password');}
	  for @roles;
	return $sql;
}

# Run $sql in $db on $node as $user; it must fail with $sqlstate and an
# ERROR matching $message, and $secret (a password) must not appear in the
# error.  Returns stderr.  Three tests.
sub fails_as
{
	my ($node, $db, $user, $sql, $sqlstate, $message, $name, $secret) = @_;
	my ($ret, $stdout, $stderr) = $node->psql($db,
		"\\set VERBOSITY verbose\nSET ROLE $user;\n$sql");
	isnt($ret, 0, "$name: fails");
	like($stderr, qr/ERROR:\s+\Q$sqlstate\E: $message/, "$name: SQLSTATE $sqlstate");
	unlike($stderr, qr/\Q$secret\E/, "$name: no password in the error");
	return $stderr;
}

# A query giving table %s's columns as "name type [NOT NULL], ..." (sprintf
# the table in), to compare a table on a server with its parent.
our $COLUMNS_SQL = q{SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod)
    || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY attnum)
  FROM pg_attribute WHERE attrelid = '%s'::regclass AND attnum > 0 AND NOT attisdropped};

# Poll $query in $db on $node until it returns $expected (default 't'), for
# at most $timeout seconds.  Unlike poll_query_until the deadline is the
# test's own, so "within one interval" can fail.  Returns 1 on success, else
# 0 (and prints the last output).
sub wait_until
{
	my ($node, $db, $query, $timeout, $expected) = @_;
	$expected = 't' unless defined $expected;
	my $deadline = time() + $timeout;
	my ($out, $err) = ('', '');
	while (1)
	{
		my $ret;
		($ret, $out, $err) = $node->psql($db, $query);
		return 1 if $ret == 0 && $out eq $expected;
		last if time() > $deadline;
		usleep(50_000);
	}
	diag "waited ${timeout}s for: $query\nexpected: $expected\nlast output: $out\nstderr: $err";
	return 0;
}

# How a test of the workers ends: no DETACH ... CONCURRENTLY left pending in
# $db, and no set whose maintenance is failing (two tests).
sub settled
{
	my ($node, $db) = @_;
	is($node->safe_psql($db, q{SELECT count(*) FROM pg_inherits WHERE inhdetachpending}),
		'0', 'no detach is left pending');
	is( $node->safe_psql(
			$db, q{SELECT count(*) FROM partman.part_config WHERE last_error IS NOT NULL}),
		'0', 'no set is failing');
	return;
}

# count and md5 of the ordered rows of "SELECT $cols FROM $from" in $db on
# $node, read as $role: what a moved or copied table is compared by.
sub fingerprint
{
	my ($node, $db, $role, $cols, $from) = @_;
	return $node->safe_psql($db, qq{SET ROLE $role;
SELECT count(*) || ' ' || md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), ''))
  FROM (SELECT $cols FROM $from) r});
}

# A DO block that runs $body (which may use i, the iteration, k and
# new_id) as one transaction after another until a row appears in table
# $stop, then says "writer: N transactions": the application writing while
# an online operation runs.
sub writer_sql
{
	my ($body, $stop) = @_;
	return qq{DO \$\$
DECLARE
    i int := 0;
    k bigint;
    new_id bigint;
BEGIN
    LOOP
        i := i + 1;
$body
        COMMIT;
        EXIT WHEN EXISTS (SELECT FROM $stop);
        PERFORM pg_sleep(0.002);
    END LOOP;
    RAISE NOTICE 'writer: % transactions', i;
END \$\$;};
}

# Start psql running $sql as $role in $db on $node, in the background.
# Returns the IPC::Run harness and a reference to its stderr.
sub start_writer
{
	my ($node, $db, $role, $sql) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-c', "SET ROLE $role",
		  '-c', $sql ],
		'>', \$out, '2>', \$err);
	return ($h, \$err);
}

# Stop a writer of writer_sql by a row in table $stop (emptied again): it
# must end without error, having written.  Returns its transactions.  Two tests.
sub stop_writer
{
	my ($node, $db, $stop, $h, $err, $name) = @_;
	$node->safe_psql($db, "INSERT INTO $stop VALUES (1)");
	$h->finish;
	is($h->result(0), 0, "$name: the writer ended without error: no write was refused") or diag $$err;
	like($$err, qr/writer: \d+ transactions/, "$name: the writer wrote");
	my ($n) = $$err =~ /writer: (\d+) transactions/;
	$node->safe_psql($db, "DELETE FROM $stop");
	return $n;
}

# Run CALL $call as $role in $db on $node in the background, wait (at most 60 s)
# until $progress returns t, then stop cluster $shard ("immediate"): the call
# must fail with a connection error and no $secret in it.  Returns its stderr.
# Four tests; the caller starts $shard again.
sub fails_on_stopped_shard
{
	my ($node, $db, $role, $call, $progress, $shard, $secret, $name) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-v', 'VERBOSITY=verbose', '-d', $node->connstr($db), '-c', "SET ROLE $role",
		  '-c', $call ],
		'>', \$out, '2>', \$err);
	ok(wait_until($node, $db, $progress, 60), "$name: under way");
	$shard->stop('immediate');
	$h->finish;
	isnt($h->result(0), 0, "$name: fails when its server stops");
	like($err, qr/ERROR:  (08006|08001|08000|57P01)/, "$name: with a connection error") or diag $err;
	unlike($err, qr/\Q$secret\E/, "$name: no password in that error");
	return $err;
}

1;
