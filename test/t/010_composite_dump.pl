# A composite set survives pg_dump / pg_restore: its part_config row (with
# the sub_* columns) comes back, both levels of partitions and every row are
# intact, and maintenance keeps making partitions with their sub-partitions
# on the restored set.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('composite_dump');

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql(
	'src', q{
CREATE EXTENSION partman;
CREATE TABLE public.events (event_id bigint NOT NULL, event_type text NOT NULL,
                            event_date date NOT NULL) PARTITION BY RANGE (event_date);
SET partman.simulated_now = '2024-06-15 12:00+00';
SELECT partman.create_parent('public.events', '1 day', premake => 2, start_partition => '2024-06-13',
                             retention => '90 days', sub_key => 'event_type',
                             sub_list_values => '{"click": ["click"], "view": ["view"]}');
INSERT INTO public.events
SELECT g, (ARRAY['click', 'view', 'other'])[1 + g % 3], date '2024-06-13' + g % 5
  FROM generate_series(1, 300) g;
});

my $config_query = q{SELECT parent::text, strategy, key, "interval", premake, retention,
       default_partition, sub_strategy, sub_key, sub_list_values, sub_modulus
  FROM partman.part_config ORDER BY 1};
my $partitions_query = q{SELECT partition::text, bound, level, parent_partition::text, is_default
  FROM partman.show_partitions('public.events')};
my $rows_query = q{SELECT tableoid::regclass::text, count(*), sum(event_id)
  FROM public.events GROUP BY 1 ORDER BY 1};

my $src_config     = $node->safe_psql('src', $config_query);
my $src_partitions = $node->safe_psql('src', $partitions_query);
my $src_rows       = $node->safe_psql('src', $rows_query);
is($src_config,
	'events|range|event_date|1 day|2|90 days|t|list|event_type|{"view": ["view"], "click": ["click"]}|',
	'source: the composite set is registered');
is($node->safe_psql('src', q{SELECT count(*) FROM partman.show_partitions('public.events') WHERE level = 2}),
	'15', 'source: five days with three sub-partitions each');

my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->command_ok([ 'pg_restore', '-d', $node->connstr('dst'), $dump ], 'pg_restore');

is($node->safe_psql('dst', $config_query),     $src_config,     'restored: part_config row');
is($node->safe_psql('dst', $partitions_query), $src_partitions, 'restored: both levels of partitions');
is($node->safe_psql('dst', $rows_query),       $src_rows,       'restored: every row in its sub-partition');

$node->safe_psql(
	'dst', q{
SET partman.simulated_now = '2024-06-20 12:00+00';
CALL partman.run_maintenance('public.events');
});
is( $node->safe_psql(
		'dst',
		q{SELECT string_agg(partition::text, ',' ORDER BY partition::text)
		    FROM partman.show_partitions('public.events') WHERE partition::text LIKE 'events_p20240622%'}),
	'events_p20240622,events_p20240622_click,events_p20240622_default,events_p20240622_view',
	'restored: maintenance makes new days with their sub-partitions');

$node->stop;
done_testing();
