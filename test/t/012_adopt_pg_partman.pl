# adopt_pg_partman: sets that pg_partman 4.7.2 created (a daily set with
# retention and an integer set) are registered with partman, pg_partman's
# maintenance is switched off for them, and partman maintains them from then
# on: new partitions ahead, retention applied, no row lost otherwise.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('adopt_pg_partman', conf => "timezone = 'UTC'\n");

my $have = $node->safe_psql('postgres',
	q{SELECT count(*) FROM pg_available_extension_versions WHERE name = 'pg_partman' AND version = '4.7.2'});
plan skip_all => 'pg_partman 4.7.2 is not installed (scripts/deps.sh installs postgresql-15-partman)'
  unless $have eq '1';

# pg_partman's own sets, as its users have them today.  Today is fixed by
# pg_partman (it uses now()); partman is told the same day.
my $today = $node->safe_psql('postgres', q{SELECT date_trunc('day', now())::date});
$node->safe_psql(
	'postgres', q{
CREATE SCHEMA partman_old;
CREATE EXTENSION pg_partman SCHEMA partman_old;
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint NOT NULL, created_at timestamptz NOT NULL, payload text)
    PARTITION BY RANGE (created_at);
CREATE INDEX ON public.events (created_at);
SELECT partman_old.create_parent('public.events', 'created_at', 'native', 'daily', p_premake := 3);
UPDATE partman_old.part_config SET retention = '5 days', retention_keep_table = false
 WHERE parent_table = 'public.events';
CREATE TABLE public.tickets (id bigint NOT NULL, body text) PARTITION BY RANGE (id);
SELECT partman_old.create_parent('public.tickets', 'id', 'native', '1000', p_premake := 2);
-- a monthly set whose expired partitions are kept in schema archive, maintained by hand
CREATE SCHEMA archive;
CREATE TABLE public.invoices (id bigint NOT NULL, issued date NOT NULL) PARTITION BY RANGE (issued);
SELECT partman_old.create_parent('public.invoices', 'issued', 'native', 'monthly', p_premake := 2);
UPDATE partman_old.part_config SET retention = '6 months', retention_keep_table = true,
       retention_schema = 'archive', automatic_maintenance = 'off'
 WHERE parent_table = 'public.invoices';
-- rows across every daily partition pg_partman made (3 days back to 3 ahead)
INSERT INTO public.events
SELECT g, date_trunc('day', now()) - interval '3 days' + g * interval '1 minute', 'e' || g
  FROM generate_series(0, 7 * 1440 - 1) g;
INSERT INTO public.tickets SELECT g, 't' || g FROM generate_series(1, 2999) g;
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM ONLY public.events_default'),
	'0', 'every event is in a pg_partman partition');
like(
	$node->safe_psql('postgres',
		q{SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.events'::regclass}),
	qr/^events_default,events_p\d{4}_\d\d_\d\d(,events_p\d{4}_\d\d_\d\d){6}$/,
	"pg_partman's daily partitions have pg_partman's names");

# Adopt.
my $adopted = $node->safe_psql('postgres',
	q{SELECT parent, adopted, carried_over, not_carried_over FROM partman.adopt_pg_partman('partman_old') ORDER BY 1});
note $adopted;
like($adopted, qr/^public\.events\|t\|\{"interval 1 day","premake 3","retention 5 days \(drop\)","time_zone UTC","default partition","pg_partman's automatic_maintenance switched off"\}\|.*template_table partman_old\.template_public_events/m,
	'the daily set is adopted with its interval, premake and retention; the template table is reported');
like($adopted, qr/^public\.invoices\|t\|\{"interval 1 mon","premake 2","retention 6 months \(archive to archive\)","default partition","automatic_maintenance off \(maintenance_enabled false\)","pg_partman's automatic_maintenance switched off"\}/m,
	'the monthly set is adopted: kept tables archived, maintenance left off as it was');
like($adopted, qr/^public\.tickets\|t\|\{"interval 1000","premake 2","default partition","pg_partman's automatic_maintenance switched off"\}/m,
	'the integer set is adopted');
is( $node->safe_psql('postgres',
		q{SELECT string_agg(parent::text || ' ' || "interval" || ' ' || premake || ' ' || coalesce(retention, '-') || ' ' || retention_action || ' ' || coalesce(retention_schema, '-') || ' ' || default_partition || ' ' || maintenance_enabled, '; ' ORDER BY parent::text) FROM partman.part_config}),
	'events 1 day 3 5 days drop - true true; invoices 1 mon 2 6 months archive archive true false; tickets 1000 2 - drop - true true',
	'partman.part_config holds the three sets');
is( $node->safe_psql('postgres',
		q{SELECT string_agg(automatic_maintenance, ',') FROM partman_old.part_config}),
	'off,off,off', "pg_partman's maintenance is switched off for them");
like( $node->safe_psql('postgres',
		q{SELECT adopted || ' ' || not_carried_over[1] FROM partman.adopt_pg_partman('partman_old') LIMIT 1}),
	qr/^false table public\.events is already managed by partman$/,
	'adopting again changes nothing and says why');
my ($ret, $out, $err) = $node->psql('postgres', q{SELECT * FROM partman.adopt_pg_partman('public')});
like($err, qr/schema "public" has no pg_partman configuration table part_config/,
	'a schema without pg_partman is refused');

my $invoice_partitions = q{SELECT string_agg(partition::text, ',' ORDER BY partition::text) FROM partman.show_partitions('public.invoices')};
my $invoices_before = $node->safe_psql('postgres', $invoice_partitions);

# pg_partman's maintenance leaves them alone now.
my $partitions = q{SELECT count(*) FROM pg_inherits WHERE inhparent IN ('public.events'::regclass, 'public.tickets'::regclass, 'public.invoices'::regclass)};
my $before = $node->safe_psql('postgres', $partitions);
$node->safe_psql('postgres', q{CALL partman_old.run_maintenance_proc()});
is($node->safe_psql('postgres', $partitions), $before, "pg_partman's run_maintenance does nothing to the adopted sets");

# partman maintains them: 4 days later, daily partitions up to 3 ahead,
# retention drops those that ended 5 days ago or earlier.
my $kept_before = $node->safe_psql('postgres',
	qq{SELECT count(*) || '|' || sum(id) FROM public.events WHERE created_at >= date '$today' - 1});
my $later = $node->safe_psql('postgres', qq{SELECT date '$today' + 4});
$node->safe_psql('postgres', qq{
SET partman.simulated_now = '$today 12:00+00';
CALL partman.run_maintenance();
SET partman.simulated_now = '$later 12:00+00';
CALL partman.run_maintenance();
});
is( $node->safe_psql('postgres',
		qq{SELECT min(range_from::timestamptz)::date - date '$today' || ' ' || max(range_to::timestamptz)::date - date '$today'
             FROM partman.show_partitions('public.events') WHERE NOT is_default}),
	'-1 8',
	'partman made partitions up to 3 days past the simulated day and dropped those past retention');
like( $node->safe_psql('postgres',
		q{SELECT string_agg(partition::text, ',' ORDER BY partition::text) FROM partman.show_partitions('public.events')}),
	qr/(?=.*events_p\d{4}_\d\d_\d\d,)(?=.*events_p\d{8},)/,
	"old partitions keep pg_partman's names, new ones get partman's");
is( $node->safe_psql('postgres',
		qq{SELECT count(*) || '|' || sum(id) FROM public.events WHERE created_at >= date '$today' - 1}),
	$kept_before, "no row outside retention was lost ($kept_before)");
is( $node->safe_psql('postgres', qq{SELECT count(*) FROM public.events WHERE created_at < date '$today' - 1}),
	'0', 'rows of the expired partitions are gone with them');

# The integer set: partitions follow the newest id.
$node->safe_psql('postgres', q{
CALL partman.run_maintenance();
INSERT INTO public.tickets SELECT g, 't' || g FROM generate_series(3000, 4500) g;
CALL partman.run_maintenance();
});
is( $node->safe_psql('postgres',
		q{SELECT string_agg(range_from || '-' || range_to, ',' ORDER BY range_from::bigint) FROM partman.show_partitions('public.tickets') WHERE NOT is_default}),
	'0-1000,1000-2000,2000-3000,3000-4000,4000-5000,5000-6000,6000-7000',
	'integer partitions are made 2 ahead of the newest id');
is($node->safe_psql('postgres', q{SELECT count(*) || '|' || sum(id) FROM public.tickets}),
	'4500|10127250', 'every ticket is there');
is($node->safe_psql('postgres', q{SELECT count(*) FROM ONLY public.tickets_default}),
	'0', 'and none waits in the default partition');
is($node->safe_psql('postgres', q{SELECT string_agg(parent::text || ' ' || status, ', ' ORDER BY parent::text) FROM partman.sets WHERE parent::text <> 'invoices'}),
	'events ok, tickets ok', 'the maintained sets are healthy');
is($node->safe_psql('postgres', $invoice_partitions), $invoices_before,
	'the set whose maintenance stayed off was left alone');

$node->stop;
done_testing();
