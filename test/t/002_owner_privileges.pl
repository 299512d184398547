# Sets owned by a non-superuser: partitions get the parent's owner,
# privileges and replica identity whoever calls create_parent; only the owner
# (or a member of the owner role) may register, change or forget a set, through
# the functions or by writing partman.part_config directly.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('owner_privileges');

my $db = 'postgres';

# Run SQL over a real connection as $user; die on error.
sub psql_as
{
	my ($user, $sql) = @_;
	return $node->safe_psql($db, $sql,
		connstr => $node->connstr($db) . " user=$user");
}

# Run SQL as $user and require that it fails with $sqlstate and a message
# matching $message.
sub fails_as
{
	my ($user, $sql, $sqlstate, $message, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($ret, $stdout, $stderr) = $node->psql(
		$db, "\\set VERBOSITY verbose\n$sql",
		connstr => $node->connstr($db) . " user=$user");
	isnt($ret, 0, "$name: fails");
	like($stderr, qr/ERROR:\s+\Q$sqlstate\E: $message/,
		"$name: SQLSTATE $sqlstate");
	return;
}

$node->safe_psql(
	$db, q{
CREATE EXTENSION partman;
CREATE ROLE app LOGIN;
CREATE ROLE reader;
CREATE ROLE other LOGIN;
CREATE ROLE other2 LOGIN;
GRANT app TO other2;
CREATE SCHEMA app AUTHORIZATION app;
});

# A table owner needs no more than USAGE on schema partman, which the
# extension gives to everyone.
is($node->safe_psql($db, q{SELECT has_schema_privilege('app', 'partman', 'USAGE')}),
	't', 'a non-superuser may use the partman schema');

# The owner registers its own table.
psql_as(
	'app', q{
CREATE TABLE app.metrics (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
GRANT SELECT ON app.metrics TO reader;
ALTER TABLE app.metrics REPLICA IDENTITY FULL;
GRANT USAGE ON SCHEMA app TO other;
SELECT partman.create_parent('app.metrics', '1 day', premake => 2);
});

# One row per partition: owner, same ACL as the parent, reader's SELECT,
# replica identity.
my $partitions_query = q{
SELECT count(*),
       count(*) FILTER (WHERE c.relowner = 'app'::regrole),
       count(*) FILTER (WHERE c.relacl::text IS NOT DISTINCT FROM p.relacl::text),
       count(*) FILTER (WHERE has_table_privilege('reader', c.oid, 'SELECT')),
       count(*) FILTER (WHERE has_table_privilege('reader', c.oid, 'INSERT')),
       count(*) FILTER (WHERE c.relreplident = p.relreplident)
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_class p ON p.oid = i.inhparent
 WHERE i.inhparent = '%s'::regclass};

is( $node->safe_psql(
		$db, q{SELECT relowner::regrole, relacl, relreplident FROM pg_class
 WHERE oid = 'app.metrics'::regclass}),
	'app|{app=arwdDxt/app,reader=r/app}|f',
	'parent: owner, ACL and replica identity as set up');
is($node->safe_psql($db, sprintf($partitions_query, 'app.metrics')),
	'4|4|4|4|0|4',
	'owner create_parent: 4 partitions owned by app with the parent ACL and replica identity FULL');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM partman.show_partitions('app.metrics') s
  JOIN pg_class c ON c.oid = s.partition
 WHERE c.relowner = 'app'::regrole AND c.relreplident = 'f'
   AND has_table_privilege('reader', s.partition, 'SELECT')}),
	'4',
	'show_partitions lists the same 4 partitions');
is( psql_as(
		'app', q{SET search_path = pg_catalog;
SELECT parent::text, premake FROM partman.part_config ORDER BY 1}),
	'app.metrics|2',
	'app.metrics registered');

# A superuser registering a table owned by app: partitions still belong to
# app, and the ACL is the parent's (no superuser entries).
psql_as(
	'app', q{
CREATE TABLE app.by_super (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
GRANT SELECT, INSERT ON app.by_super TO reader;
});
$node->safe_psql($db,
	q{SELECT partman.create_parent('app.by_super', '1 day', premake => 1)});
is($node->safe_psql($db, sprintf($partitions_query, 'app.by_super')),
	'3|3|3|3|3|3', 'superuser create_parent: partitions owned by app');
is( $node->safe_psql(
		$db, q{SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'app.by_super'::regclass
   AND (c.relowner <> 'app'::regrole
        OR c.relacl::text LIKE '%' || current_user || '%')}),
	'0',
	'superuser create_parent: no partition owned by or granted to the superuser');

# A table app owns but has not registered.
psql_as(
	'app', q{
CREATE TABLE app.unmanaged (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
});

my $config_snapshot = q{SELECT c::text FROM partman.part_config c ORDER BY parent::text};
my $config_before = $node->safe_psql($db, $config_snapshot);

# Role other is not the owner: every way of changing a set is refused.
fails_as('other',
	q{SELECT partman.create_parent('app.unmanaged', '1 day', premake => 1)},
	'42501', 'must be owner of table unmanaged', 'other: create_parent');
fails_as('other',
	q{SELECT partman.create_parent('app.metrics', '1 day', premake => 1)},
	'42501', 'must be owner of table metrics',
	'other: create_parent on a managed table');
fails_as('other', q{SELECT partman.set_config('app.metrics', 'premake', '5')},
	'42501', 'must be owner of table metrics', 'other: set_config');
fails_as('other', q{SELECT partman.undo_parent('app.metrics')},
	'42501', 'must be owner of table metrics', 'other: undo_parent');
fails_as('other',
	q{UPDATE partman.part_config SET premake = 9 WHERE parent = 'app.metrics'::regclass},
	'42501', 'must be owner of table metrics',
	'other: UPDATE partman.part_config');
# rows come and go only through partman's functions: PUBLIC may not
# INSERT or DELETE (20_privileges has the grants)
fails_as('other',
	q{DELETE FROM partman.part_config WHERE parent = 'app.metrics'::regclass},
	'42501', 'permission denied for table part_config',
	'other: DELETE FROM partman.part_config');
fails_as(
	'other',
	q{INSERT INTO partman.part_config (parent, strategy, key, "interval")
VALUES ('app.unmanaged', 'range', 'ts', '1 day')},
	'42501',
	'permission denied for table part_config',
	'other: INSERT INTO partman.part_config');

is($node->safe_psql($db, $config_snapshot),
	$config_before, 'part_config unchanged by the refused calls');
is( $node->safe_psql(
		$db,
		q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'app.unmanaged'::regclass}),
	'0',
	'no partitions made by the refused create_parent');
is($node->safe_psql($db, sprintf($partitions_query, 'app.metrics')),
	'4|4|4|4|0|4', 'app.metrics partitions unchanged');

# A member of role app has the owner's privileges.
psql_as('other2', q{SELECT partman.set_config('app.metrics', 'premake', '5')});
is( $node->safe_psql(
		$db,
		q{SELECT premake FROM partman.part_config WHERE parent = 'app.metrics'::regclass}),
	'5',
	'member of app: set_config');
psql_as('other2',
	q{UPDATE partman.part_config SET premake = 6 WHERE parent = 'app.metrics'::regclass});
is( $node->safe_psql(
		$db,
		q{SELECT premake FROM partman.part_config WHERE parent = 'app.metrics'::regclass}),
	'6',
	'member of app: UPDATE partman.part_config');
psql_as('other2',
	q{SELECT partman.create_parent('app.unmanaged', '1 day', premake => 1)});
is($node->safe_psql($db, sprintf($partitions_query, 'app.unmanaged')),
	'3|3|3|0|0|3',
	'member of app: create_parent makes partitions owned by app, not by the member');
psql_as('other2', q{SELECT partman.undo_parent('app.unmanaged')});
is( $node->safe_psql(
		$db,
		q{SELECT count(*) FROM partman.part_config WHERE parent = 'app.unmanaged'::regclass}),
	'0',
	'member of app: undo_parent');

# The owner itself may forget its set.
psql_as('app', q{SELECT partman.undo_parent('app.metrics')});
is( $node->safe_psql(
		$db, q{SELECT string_agg(parent::text, ',') FROM partman.part_config}),
	'app.by_super',
	'owner: undo_parent');

$node->stop;
done_testing();
