# partition_table converts a 1,000,000-row table while another session keeps
# inserting into it: no insert fails, no row is lost or changed, the exclusive
# lock is held for less than a second, and the view and the foreign keys
# (from and to the table) keep working.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('partition_table_online', conf => "fsync = off\n");

# events: identity id, primary key (id, created_at), an index on the key,
# a foreign key to customers, a table whose foreign key points at events, a view.
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g;
CREATE TABLE public.events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL,
    customer_id int NOT NULL REFERENCES public.customers,
    payload text,
    PRIMARY KEY (id, created_at)
);
INSERT INTO public.events (created_at, customer_id, payload)
SELECT now() - interval '100 days' + (g * interval '100 days') / 1000000, g % 100 + 1, 'row ' || g
  FROM generate_series(1, 1000000) g;
CREATE INDEX events_created_at_idx ON public.events (created_at);
CREATE TABLE public.event_notes (event_id bigint, event_created_at timestamptz, note text,
    FOREIGN KEY (event_id, event_created_at) REFERENCES public.events);
INSERT INTO public.event_notes SELECT id, created_at, 'note' FROM public.events WHERE id % 1000 = 0;
CREATE VIEW public.events_per_customer AS
    SELECT customer_id, count(*) AS events FROM public.events GROUP BY customer_id;
-- what the writer inserted, committed with each insert
CREATE TABLE public.inserted (id bigint, created_at timestamptz, customer_id int, payload text);
CREATE TABLE public.stop ();
VACUUM ANALYZE;
});
my $original_fp = q{SELECT count(*), sum(id), sum(hashtext(e::text)::bigint) FROM public.events e WHERE id <= 1000000};
my $original = $node->safe_psql('postgres', $original_fp);
like($original, qr/^1000000\|500000500000\|/, '1,000,000 rows to start with');

# A failed cut-over changes nothing: another session holds a lock on the
# referencing table, so phase 3 cannot re-point its foreign key in time.
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN; SELECT count(*) FROM public.event_notes;');
my ($ret, $out, $err) = $node->psql(
	'postgres', q{SET partman.lock_timeout = '200ms';
CALL partman.partition_table('public.events', 'created_at', '1 day', premake => 7)});
like($err, qr/could not obtain AccessExclusiveLock on table "event_notes" within partman.lock_timeout/,
	'the cut-over fails cleanly when a lock is not granted in time');
$holder->query_safe('ROLLBACK');
$holder->quit;
is( $node->safe_psql(
		'postgres', q{
SELECT c.relkind::text || ' ' || (SELECT count(*) FROM pg_constraint WHERE conname = 'partman_partition_table_bound')
       || ' ' || (to_regclass('public.events_legacy') IS NULL) || ' '
       || (SELECT count(*) FROM partman.part_config)
  FROM pg_class c WHERE c.oid = 'public.events'::regclass}),
	'r 0 true 0', 'the table is left as it was, without the bound constraint');
is($node->safe_psql('postgres', $original_fp), $original, 'and with the same rows');

# The writer: one insert per transaction until told to stop.
my $writer = $node->background_psql('postgres', on_error_stop => 0);
$writer->query_until(
	qr/writing/, q{
\echo writing
DO $$
DECLARE n int := 0;
BEGIN
    LOOP
        WITH i AS (
            INSERT INTO public.events (created_at, customer_id, payload)
            VALUES (clock_timestamp(), n % 100 + 1, 'writer ' || n)
            RETURNING id, created_at, customer_id, payload)
        INSERT INTO public.inserted SELECT * FROM i;
        COMMIT;
        n := n + 1;
        EXIT WHEN EXISTS (SELECT FROM public.stop);
    END LOOP;
END $$;
\echo writer-done
});

my $count_inserted = q{SELECT count(*) FROM public.inserted};
PartmanTest::wait_until($node, 'postgres', "SELECT ($count_inserted) >= 200", 30);
my $before = $node->safe_psql('postgres', $count_inserted);
cmp_ok($before, '>=', 200, "the writer is inserting ($before rows before the conversion)");

($ret, $out, $err) = $node->psql(
	'postgres',
	q{CALL partman.partition_table('public.events', 'created_at', '1 day', premake => 7)},
	extra_params => [ '-A', '-t', '-F', '|' ]);
is($ret, 0, 'partition_table succeeded') or diag $err;
my ($partition, $created, $lock_ms) = split /\|/, $out;
is($partition, 'events_legacy', 'the table became partition events_legacy');
is($created, 8, '7 partitions ahead and a default partition were made');
note "ACCESS EXCLUSIVE held for $lock_ms ms";
ok($lock_ms < 1000, 'the exclusive lock was held for less than one second');
print "# exclusive lock held < 1 s: " . ($lock_ms < 1000 ? 'true' : 'false') . "\n";

# Progress: one NOTICE per phase, in order, the timings as DETAIL.
my @phases = ($err =~ /NOTICE:  partition_table "events", phase (\d) of 4 \((\w[\w ]*)\):/g);
is(join(',', @phases), '1,prepare,2,verify,2,verify,3,cut over,4,foreign keys',
	'each phase is reported (verify when it starts and when it ends)');
like($err, qr/phase 1 of 4 \(prepare\): added check constraint "partman_partition_table_bound" NOT VALID\nDETAIL:  ACCESS EXCLUSIVE lock held \d+ (ms|s)\./,
	'phase 1 says how long it held its lock');
like($err, qr/phase 2 of 4 \(verify\): scanning the table; reads and writes go on\nDETAIL:  \d+ MB, about \d+ rows as statistics estimate them\./,
	'phase 2 says what it is about to scan');
like($err, qr/phase 2 of 4 \(verify\): every row is within the bound of the first partition\nDETAIL:  About \d+ rows in \d+ (ms|s) \(\d+ rows\/s\)\./,
	'and at its end the rows per second');
like($err, qr/phase 3 of 4 \(cut over\): created 8 partitions\nDETAIL:  ACCESS EXCLUSIVE lock held \d+ (ms|s)\./,
	'phase 3 says what it made and how long it held its lock');
like($err, qr/phase 4 of 4 \(foreign keys\): validated 1 foreign key of another table\nDETAIL:  Took \d+ (ms|s)/,
	'phase 4 validated the foreign key of event_notes');

# Quiet with client_min_messages = warning: the failed attempt above ran with
# the default (notice); a call at warning prints no NOTICE at all.
($ret, $out, $err) = $node->psql('postgres',
	q{CREATE TABLE public.quiet (k int NOT NULL); INSERT INTO public.quiet SELECT generate_series(1, 100);
SET client_min_messages = warning; CALL partman.partition_table('public.quiet', 'k', '10', premake => 1)});
is($ret, 0, 'partition_table of another table succeeded') or diag $err;
unlike($err, qr/NOTICE/, 'with client_min_messages = warning it prints no NOTICE');

# Let the writer go on against the partitioned table, then stop it.
my $after = $node->safe_psql('postgres', $count_inserted);
PartmanTest::wait_until($node, 'postgres', "SELECT ($count_inserted) >= $after + 200", 30);
$node->safe_psql('postgres', 'INSERT INTO public.stop DEFAULT VALUES');
$writer->query_until(qr/writer-done/, "");
my $writer_stderr = $writer->{stderr} // '';
$writer->quit;
unlike($writer_stderr, qr/ERROR/, 'no insert of the writer failed');
my $total = $node->safe_psql('postgres', $count_inserted);
cmp_ok($total, '>', $after, "the writer went on inserting after the conversion ($before before, $after right after, $total in all)");

is($node->safe_psql('postgres', q{SELECT relkind FROM pg_class WHERE oid = 'public.events'::regclass}),
	'p', 'events is partitioned now');
is($node->safe_psql('postgres', $original_fp), $original, 'the original rows: same count and checksum');
is( $node->safe_psql(
		'postgres', q{
SELECT (SELECT count(*) FROM public.events WHERE id > 1000000) || '|' ||
       (SELECT count(*) FROM (SELECT id, created_at, customer_id, payload FROM public.events WHERE id > 1000000
                              EXCEPT SELECT * FROM public.inserted) x) || '|' ||
       (SELECT count(*) FROM (SELECT * FROM public.inserted
                              EXCEPT SELECT id, created_at, customer_id, payload FROM public.events) y)}),
	"$total|0|0",
	'the written rows: exactly those the writer committed');
is($node->safe_psql('postgres', 'SELECT count(*) = count(DISTINCT id) FROM public.events'),
	't', 'identity values stayed unique across the cut-over');
is($node->safe_psql('postgres', 'SELECT sum(events) FROM public.events_per_customer'),
	1000000 + $total, 'the view reads the partitioned table');

# foreign keys: to customers, and from event_notes
($ret, $out, $err) = $node->psql('postgres',
	q{INSERT INTO public.events (created_at, customer_id) VALUES (now(), 1000)});
like($err, qr/violates foreign key constraint "events_customer_id_fkey"/,
	'the foreign key to customers still holds');
($ret, $out, $err) = $node->psql('postgres', q{DELETE FROM public.events WHERE id = 5000});
like($err, qr/is still referenced from table "event_notes"/,
	'the foreign key from event_notes still holds');
is( $node->safe_psql(
		'postgres',
		q{SELECT convalidated FROM pg_constraint WHERE conrelid = 'public.event_notes'::regclass AND conparentid = 0}),
	't', 'and it was validated online after the cut-over');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass}),
	'9', 'legacy partition, 7 daily partitions and the default');

$node->stop;
done_testing();
