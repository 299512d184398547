# Progress and summaries (issue 17), with the figures that vary from run to
# run (rows/s, time left), which pg_regress cannot compare:
#  - composite create_parent: a NOTICE every 250 tables, none below that;
#  - partition_data: each batch with rows, rows/s and the time left;
#  - run_maintenance: one summary NOTICE per set that changed, none for the
#    others;
#  - all of them quiet with client_min_messages = warning.
# (partition_table's phases: 011; split_partition_online's: 013.)
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PartmanTest::node('progress', conf => "max_locks_per_transaction = 256\n");
$node->safe_psql('postgres', q{
CREATE EXTENSION partman;
CREATE TABLE public.visits (id bigint, shard int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.small (id bigint, shard int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.quiet (id bigint, shard int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
});

# 65 daily partitions of 4 HASH sub-partitions each: 325 tables
my ($ret, $out, $err) = $node->psql('postgres', q{
SELECT partman.create_parent('public.visits', '1 day', premake => 4,
       start_partition => (current_date - 60)::text, default_partition => false,
       sub_key => 'shard', sub_modulus => 4)});
is($ret, 0, 'composite create_parent of 325 tables succeeded') or diag $err;
is($out, '65', '65 partitions at the top level');
my @progress = ($err =~ /NOTICE:  create_parent "visits": (\d+) of 325 tables made \((\d+) of 65 partitions with their sub-partitions\) \(\d+ tables\/s\); \d+ tables so far of about 325, about \d+ (ms|s|min \d+ s) left/g);
is(scalar(@progress) / 3, 1, 'one progress NOTICE (past 250 tables)') or diag $err;
is("$progress[0]/$progress[1]", '250/50', 'at 250 tables, the 50th partition');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'public.visits'::regclass OR i.inhparent IN
        (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'public.visits'::regclass)}),
	'325', 'and 325 tables were made');

($ret, $out, $err) = $node->psql('postgres', q{
SELECT partman.create_parent('public.small', '1 day', premake => 4, sub_key => 'shard', sub_modulus => 4)});
is($ret, 0, 'a small composite create_parent succeeded') or diag $err;
unlike($err, qr/tables made/, 'below 250 tables there is no progress NOTICE');

($ret, $out, $err) = $node->psql('postgres', q{
SET client_min_messages = warning;
SELECT partman.create_parent('public.quiet', '1 day', premake => 4,
       start_partition => (current_date - 60)::text, sub_key => 'shard', sub_modulus => 4)});
is($ret, 0, 'a large composite create_parent at client_min_messages = warning') or diag $err;
is($err, '', 'prints nothing');

# partition_data: 40,000 rows parked in the default partition, in batches of 5,000
$node->safe_psql('postgres', q{
CREATE TABLE public.events (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at);
SELECT partman.create_parent('public.events', '1 day', premake => 1);
INSERT INTO public.events SELECT g, now() - interval '40 days' + g * interval '1 minute' FROM generate_series(1, 40000) g;
});
# (in a session of its own: the inserting session's statistics are flushed when it ends)
$node->safe_psql('postgres', 'ANALYZE public.events_default');
($ret, $out, $err) = $node->psql('postgres', q{CALL partman.partition_data('public.events', batch_rows => 5000)});
is($ret, 0, 'partition_data succeeded') or diag $err;
my @batches = ($err =~ /NOTICE:  batch (\d+): moved (\d+) rows, created \d+ partitions \(\d+ rows\/s\); (\d+) rows so far/g);
cmp_ok(scalar(@batches) / 3, '>=', 7, 'each batch is reported (' . scalar(@batches) / 3 . ')');
is($batches[-1], 40000, 'the last batch says all 40000 rows so far');
like($err, qr/NOTICE:  batch 1: moved \d+ rows, created \d+ partitions \(\d+ rows\/s\); \d+ rows so far of about 40000, about \d+ (ms|s|min \d+ s) left/,
	'the first batch says the time left, from the estimate of 40000 rows');
like($err, qr/partition_data moved 40000 rows of table "events" in \d+ batches/, 'and the end the total');

# run_maintenance: one line per set that changed, none for the others
$node->safe_psql('postgres', q{SELECT partman.set_config('public.events', 'premake', '3')});
($ret, $out, $err) = $node->psql('postgres', q{CALL partman.run_maintenance()});
is($ret, 0, 'run_maintenance succeeded') or diag $err;
my @lines = ($err =~ /NOTICE:  (maintenance of table .*)/g);
is_deeply(\@lines, [ 'maintenance of table "events": partitions created: 2, retired: 0, rows rescued: 0' ],
	'one summary line, for the one set that changed') or diag $err;
($ret, $out, $err) = $node->psql('postgres', q{CALL partman.run_maintenance()});
is($err, '', 'a run that changes nothing prints nothing');
$node->safe_psql('postgres', q{SELECT partman.set_config('public.events', 'premake', '5')});
($ret, $out, $err) = $node->psql('postgres', q{SET client_min_messages = warning; CALL partman.run_maintenance()});
is($err, '', 'nor does one at client_min_messages = warning');
is($node->safe_psql('postgres', q{SELECT future_partitions FROM partman.sets WHERE parent = 'public.events'::regclass}),
	'5', 'although it made the partitions');

$node->stop;
done_testing();
