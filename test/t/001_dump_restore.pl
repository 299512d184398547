# partman sets survive pg_dump / pg_restore (custom format) and pg_dump | psql
# (plain format): part_config rows come back attached to the restored tables
# (pg_extension_config_dump), partitions, bounds and rows are intact, and
# partman keeps working on the restored sets.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('dump_restore');

$node->safe_psql('postgres', 'CREATE DATABASE src');

# Two sets: a daily timestamptz set with retention, and an integer set in a
# schema and table whose names need quoting.
$node->safe_psql(
	'src', q{
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint, created_at timestamptz NOT NULL)
    PARTITION BY RANGE (created_at);
SET partman.simulated_now = '2024-06-15 12:00+00';
SELECT partman.create_parent('public.events', '1 day', premake => 3,
                             start_partition => '2024-06-10',
                             retention => '90 days');
CREATE SCHEMA "Sales Data";
CREATE TABLE "Sales Data"."Order Lines" (id bigint NOT NULL, note text)
    PARTITION BY RANGE (id);
SELECT partman.create_parent('"Sales Data"."Order Lines"', '1000', premake => 2);
SELECT partman.set_config('"Sales Data"."Order Lines"', 'premake', '5');
INSERT INTO public.events
    SELECT g, timestamptz '2024-06-10 00:30+00' + g * interval '1 hour'
      FROM generate_series(1, 200) g;
INSERT INTO "Sales Data"."Order Lines"
    SELECT g, 'line ' || g FROM generate_series(1, 2500) g;
});

my $config_query = q{SELECT parent::text, strategy, key, "interval", premake,
       retention, retention_action, time_zone, default_partition
  FROM partman.part_config ORDER BY 1};
my $partitions_query = q{SELECT s, p.partition::text, p.bound, p.range_from, p.range_to, p.is_default
  FROM unnest(ARRAY['public.events', '"Sales Data"."Order Lines"']) s,
       partman.show_partitions(s::regclass) p
 ORDER BY 1, 2};
my $rows_query = q{SELECT 'events', count(*), sum(id) FROM public.events
UNION ALL
SELECT 'order lines', count(*), sum(id) FROM "Sales Data"."Order Lines"};
my $default_rows_query = q{SELECT (SELECT count(*) FROM public.events_default),
       (SELECT count(*) FROM "Sales Data"."Order Lines_default")};

my $src_config     = $node->safe_psql('src', $config_query);
my $src_partitions = $node->safe_psql('src', $partitions_query);
my $src_rows       = $node->safe_psql('src', $rows_query);
my $src_default    = $node->safe_psql('src', $default_rows_query);

# Sanity checks on the source, so that equal-but-empty results cannot pass.
is( $src_config,
	qq{"Sales Data"."Order Lines"|range|id|1000|5||drop|UTC|t
events|range|created_at|1 day|3|90 days|drop|UTC|t},
	'source: part_config holds both sets');
is( $node->safe_psql(
		'src', q{SELECT string_agg(partition::text, ',' ORDER BY partition::text)
  FROM partman.show_partitions('public.events')}),
	'events_default,events_p20240610,events_p20240611,events_p20240612,'
	  . 'events_p20240613,events_p20240614,events_p20240615,events_p20240616,'
	  . 'events_p20240617,events_p20240618',
	'source: daily partitions from start_partition to premake ahead');
is( $node->safe_psql(
		'src', q{SELECT string_agg(partition::text, ',' ORDER BY partition::text)
  FROM partman.show_partitions('"Sales Data"."Order Lines"')}),
	'"Sales Data"."Order Lines_default","Sales Data"."Order Lines_p0",'
	  . '"Sales Data"."Order Lines_p1000","Sales Data"."Order Lines_p2000"',
	'source: integer partitions with quoted names');
is($src_rows, "events|200|20100\norder lines|2500|3126250",
	'source: rows inserted');
is($src_default, '0|0', 'source: no rows in the default partitions');

# Compare a restored database with the source.
sub check_restored
{
	my ($db, $how) = @_;

	is($node->safe_psql($db, $config_query),
		$src_config, "$how: part_config rows restored");
	is($node->safe_psql($db, $partitions_query),
		$src_partitions, "$how: same partitions and bounds");
	is($node->safe_psql($db, $rows_query), $src_rows, "$how: rows survived");
	is($node->safe_psql($db, $default_rows_query),
		$src_default, "$how: rows still in their partitions");

	# The restored rows point at the restored tables, not at stale OIDs.
	is( $node->safe_psql(
			$db, q{SELECT count(*) FROM partman.part_config c
  JOIN pg_class r ON r.oid = c.parent::oid
 WHERE r.relkind = 'p'}),
		'2',
		"$how: part_config rows reference the restored parents");
	is( $node->safe_psql(
			$db, q{SET partman.simulated_now = '2024-06-15 12:00+00';
SELECT parent::text, partitions, future_partitions, default_rows, status
  FROM partman.sets ORDER BY 1}),
		qq{"Sales Data"."Order Lines"|3|0|0|critical\nevents|9|3|0|ok},
		"$how: partman.sets reads the restored sets");

	# partman still works on the restored sets.
	$node->safe_psql($db,
		q{SELECT partman.set_config('public.events', 'premake', '7')});
	is( $node->safe_psql(
			$db,
			q{SELECT premake FROM partman.part_config WHERE parent = 'public.events'::regclass}
		),
		'7',
		"$how: set_config works on a restored set");
	is( $node->safe_psql(
			$db,
			q{SELECT partman.partition_for('public.events', '2024-06-11 10:00+00')}),
		'events_p20240611',
		"$how: partition_for finds the restored partition");
	is( $node->safe_psql(
			$db,
			q{SELECT partman.partition_for('"Sales Data"."Order Lines"', '1500')}),
		'"Sales Data"."Order Lines_p1000"',
		"$how: partition_for on the quoted integer set");

	# The guard trigger still validates rows of restored sets.
	my ($ret, $stdout, $stderr) = $node->psql($db,
		q{UPDATE partman.part_config SET premake = -1 WHERE parent = 'public.events'::regclass});
	isnt($ret, 0, "$how: invalid premake rejected");
	like($stderr, qr/premake must be between 0 and/,
		"$how: guard trigger error message");

	# create_parent sees the restored row.
	($ret, $stdout, $stderr) = $node->psql($db,
		q{SELECT partman.create_parent('public.events', '1 day')});
	isnt($ret, 0, "$how: create_parent on a restored set fails");
	like(
		$stderr,
		qr/table "events" is already managed by partman/,
		"$how: restored set is already managed");

	# undo_parent forgets a restored set and leaves its partitions alone.
	$node->safe_psql($db,
		q{SELECT partman.undo_parent('"Sales Data"."Order Lines"')});
	is( $node->safe_psql(
			$db, q{SELECT string_agg(parent::text, ',') FROM partman.part_config}),
		'events',
		"$how: undo_parent works on a restored set");
	is( $node->safe_psql(
			$db, q{SELECT count(*) FROM pg_inherits
  WHERE inhparent = '"Sales Data"."Order Lines"'::regclass}),
		'4',
		"$how: undo_parent kept the partitions");
	return;
}

my $tmp = PostgreSQL::Test::Utils::tempdir;

# Custom format: pg_dump -Fc, createdb, pg_restore -d.
$node->command_ok(
	[ 'pg_dump', '-Fc', '-f', "$tmp/src.dump", '-d', $node->connstr('src') ],
	'pg_dump -Fc');
$node->command_ok([ 'createdb', 'dst' ], 'createdb dst');
$node->command_ok(
	[
		'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'),
		"$tmp/src.dump"
	],
	'pg_restore into dst');
check_restored('dst', 'pg_restore');

# Plain format: pg_dump | psql.
$node->command_ok(
	[ 'pg_dump', '-f', "$tmp/src.sql", '-d', $node->connstr('src') ],
	'pg_dump plain');
$node->command_ok([ 'createdb', 'dst2' ], 'createdb dst2');
$node->command_ok(
	[
		'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d',
		$node->connstr('dst2'), '-f', "$tmp/src.sql"
	],
	'psql restore into dst2');
check_restored('dst2', 'plain dump');

# The source was not changed by any of this.
is($node->safe_psql('src', $config_query), $src_config, 'source unchanged');

$node->stop;
done_testing();
