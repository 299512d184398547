# split_partition_online: the legacy partition that partition_table leaves is
# split into daily partitions while another session inserts, updates (also
# the key) and deletes rows of that partition.  Afterwards the table holds
# exactly the rows a reference table, changed in the same transactions, holds.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('split_online', conf => "fsync = off\n");

# 200,000 rows over the last 20 days, converted: they all sit in events_legacy.
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION partman;
CREATE TABLE public.events (id bigint NOT NULL, created_at timestamptz NOT NULL, payload text,
    PRIMARY KEY (id, created_at));
CREATE INDEX events_created_at_idx ON public.events (created_at);
INSERT INTO public.events
SELECT g, now() - interval '20 days' + (g * interval '18 days') / 200000, 'row ' || g
  FROM generate_series(1, 200000) g;
CREATE TABLE public.ref AS SELECT * FROM public.events;
CREATE INDEX ON public.ref (id);
CREATE TABLE public.stop ();
CREATE TABLE public.ops (n int);
CALL partman.partition_table('public.events', 'created_at', '1 day', premake => 2);
VACUUM ANALYZE;
});
is($node->safe_psql('postgres', q{SELECT count(*) FROM ONLY public.events_legacy}),
	'200000', 'every row is in the legacy partition');

# A split whose cut-over cannot get its lock fails cleanly: the staging table,
# the trigger and its function are removed, the partition is as it was.
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN; SELECT count(*) FROM ONLY public.events;');
my ($ret, $out, $err) = $node->psql(
	'postgres', q{SET partman.lock_timeout = '200ms';
CALL partman.split_partition_online('public.events_legacy', batch_rows => 50000)});
like($err, qr/could not obtain AccessExclusiveLock on table "events" within partman.lock_timeout/,
	'a cut-over that cannot get its lock fails');
$holder->query_safe('ROLLBACK');
$holder->quit;
is( $node->safe_psql(
		'postgres', q{
SELECT (SELECT count(*) FROM pg_class WHERE relname LIKE 'events_split%') || ' ' ||
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.events_legacy'::regclass) || ' ' ||
       (SELECT count(*) FROM ONLY public.events_legacy)}),
	'0 0 200000', 'and leaves no staging table or trigger behind, and the partition whole');

# The writer changes old rows, one change per transaction, mirrored in ref.
my $writer = $node->background_psql('postgres', on_error_stop => 0);
$writer->query_until(
	qr/writing/, q{
\echo writing
DO $$
DECLARE
    n int := 0;
    k bigint;
BEGIN
    LOOP
        k := 1 + (random() * 199999)::bigint;
        CASE n % 4
        WHEN 0 THEN
            WITH i AS (INSERT INTO public.events
                       VALUES (1000000 + n, now() - interval '10 days' + n * interval '1 second', 'new ' || n)
                       RETURNING *)
            INSERT INTO public.ref SELECT * FROM i;
        WHEN 1 THEN
            WITH u AS (UPDATE public.events SET payload = payload || '+' WHERE id = k RETURNING *)
            UPDATE public.ref r SET payload = u.payload FROM u WHERE r.id = u.id;
        WHEN 2 THEN
            WITH u AS (UPDATE public.events SET created_at = created_at + interval '1 day'
                        WHERE id = k AND created_at < now() - interval '3 days' RETURNING *)
            UPDATE public.ref r SET created_at = u.created_at FROM u WHERE r.id = u.id;
        ELSE
            WITH d AS (DELETE FROM public.events WHERE id = k RETURNING id)
            DELETE FROM public.ref r USING d WHERE r.id = d.id;
        END CASE;
        INSERT INTO public.ops VALUES (n);
        COMMIT;
        n := n + 1;
        EXIT WHEN EXISTS (SELECT FROM public.stop);
    END LOOP;
END $$;
\echo writer-done
});
my $ops = q{SELECT count(*) FROM public.ops};
PartmanTest::wait_until($node, 'postgres', "SELECT ($ops) >= 100", 30);
my $before = $node->safe_psql('postgres', $ops);

($ret, $out, $err) = $node->psql('postgres',
	q{CALL partman.split_partition_online('public.events_legacy', batch_rows => 5000)},
	extra_params => [ '-A', '-t', '-F', '|' ]);
is($ret, 0, 'split_partition_online succeeded') or diag $err;
my ($created, $lock_ms) = split /\|/, $out;
is($created, 22, '22 daily partitions were made');
note "ACCESS EXCLUSIVE held for $lock_ms ms by the cut-over";
ok($lock_ms < 1000, 'the cut-over held its exclusive locks for less than one second');
print "# exclusive lock held < 1 s: " . ($lock_ms < 1000 ? 'true' : 'false') . "\n";
like($err, qr/split_partition_online "events_legacy", phase 3 of 4 \(verify\): partition and copy hold the same \d+ rows/,
	'the copy was verified before the cut-over');
# progress: each phase, and each batch with rows, rows/s and the time left
like($err, qr/NOTICE:  split_partition_online "events_legacy", phase 1 of 4 \(prepare\): staging table "events_split" with 22 partitions, changes to the partition written through\nDETAIL:  Took \d+ (ms|s)\./,
	'phase 1 (prepare) is reported');
my @batches = ($err =~ /NOTICE:  split_partition_online "events_legacy", phase 2 of 4 \(backfill\), batch (\d+) of (\d+): copied (\d+) rows \((\d+) rows\/s\); (\d+) rows so far/g);
cmp_ok(scalar(@batches) / 5, '>=', 2, 'several batches are reported (' . scalar(@batches) / 5 . ')');
is($batches[-5], $batches[-4], 'the last batch is batch n of n');
like($err, qr/batch 1 of \d+: copied \d+ rows \(\d+ rows\/s\); \d+ rows so far of about \d+, about \d+ (ms|s|min \d+ s) left/,
	'a batch before the last says how many rows in all and the time left');
unlike($err, qr/batch (\d+) of \1: .* left/, 'the last batch has no time left');
like($err, qr/NOTICE:  split_partition_online "events_legacy", phase 4 of 4 \(cut over\): partition split into 22 partitions\nDETAIL:  ACCESS EXCLUSIVE locks held \d+ (ms|s)\./,
	'phase 4 (cut over) is reported with the time the locks were held');
my $during = $node->safe_psql('postgres', $ops) - $before;
cmp_ok($during, '>', 0, "the writer changed rows while the partition was split ($during changes)");

my $after = $node->safe_psql('postgres', $ops);
PartmanTest::wait_until($node, 'postgres', "SELECT ($ops) >= $after + 100", 30);
$node->safe_psql('postgres', 'INSERT INTO public.stop DEFAULT VALUES');
$writer->query_until(qr/writer-done/, '');
$writer->quit;

is( $node->safe_psql(
		'postgres', q{
SELECT (SELECT count(*) FROM public.events) = (SELECT count(*) FROM public.ref) AS same_count,
       (SELECT count(*) FROM (SELECT * FROM public.events EXCEPT SELECT * FROM public.ref) x) AS missing_in_ref,
       (SELECT count(*) FROM (SELECT * FROM public.ref EXCEPT SELECT * FROM public.events) y) AS missing_in_events}),
	't|0|0', 'the table holds exactly the rows of the reference');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FILTER (WHERE partition::text LIKE 'events_p%'), count(*) FILTER (WHERE partition::text = 'events_legacy')
  FROM partman.show_partitions('public.events') WHERE NOT is_default}),
	'24|0', 'the legacy partition became 22 daily partitions (next to the 2 made ahead)');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_class WHERE relname LIKE 'events_split%' OR relname = 'events_legacy'}),
	'0', 'no staging table, trigger function or legacy partition is left');
is($node->safe_psql('postgres', q{SELECT count(*) FROM ONLY public.events_default}),
	'0', 'no row went to the default partition');

$node->stop;
done_testing();
