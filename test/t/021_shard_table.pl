# shard_table: an existing table becomes a HASH set whose partitions live on
# two other servers, while the application goes on writing it.
# Three clusters: a coordinator and two shard servers.
#  - a 1,000,000-row table with a bigserial primary key, a view and a grant,
#    sharded into 4 partitions on 2 servers while another session inserts,
#    updates and deletes rows (and writes the same changes to a shadow table
#    in the same transactions): afterwards the table equals the shadow
#    (count and md5 of the ordered rows), every row is on the server and in
#    the partition its hash names, no write was refused, the cut-over's lock
#    time is printed and under 1 s, the primary key holds on each server,
#    the sequence and view and grant were carried over, the old table kept.
#  - a partitioned table sharded with its backend killed mid-copy (SIGKILL,
#    the cluster restarts), then run again: no row lost or doubled.
#  - a server stopped mid-copy, then run again: no row lost or doubled.
#  - an identity key; shard_table in a transaction block; the set maintained.
#  - refused, changing nothing: a non-owner, a unique key without the shard
#    key, a foreign key of another table, a modulus below the number of
#    servers, a server named twice.
#  - no password in any log, error or view.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time usleep);
use PartmanTest;

my $password = 'Pw-sh4rd-not-leak-9e2';
my $db = 'postgres';

my $coord = PartmanTest::node('coord', conf => "restart_after_crash = on\n");
my @shards;
push @shards, PartmanTest::shard_node("shard$_", 'alice', $password) for 1 .. 2;

my $setup = q{CREATE EXTENSION postgres_fdw; CREATE EXTENSION partman;
CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN;
CREATE SCHEMA app AUTHORIZATION alice;
GRANT USAGE ON SCHEMA app TO bob;
SET log_statement = none;
};
for my $i (1 .. 2)
{
	$setup .= PartmanTest::server_sql("s$i", $shards[ $i - 1 ], $db, 'alice', $password,
		'alice', 'bob');
}
$setup .= q{
GRANT USAGE ON FOREIGN SERVER s1, s2 TO alice, bob;};
$coord->safe_psql($db, $setup);

sub fails
{
	my ($user, $sql, $sqlstate, $message, $name) = @_;
	return PartmanTest::fails_as($coord, $db, $user, $sql, $sqlstate, $message, $name, $password);
}

# count and md5 of the ordered rows of a query's result
sub fingerprint
{
	my ($node, $from, $cols) = @_;
	return PartmanTest::fingerprint($node, $db, 'alice', $cols // 'id, customer, amount, note, at', $from);
}

$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer int NOT NULL,
    amount numeric(12,2) CONSTRAINT amount_not_negative CHECK (amount >= 0),
    note text, at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ON app.orders (customer);
INSERT INTO app.orders (customer, amount, note, at)
  SELECT g % 5000, (g % 100000) / 100.0, CASE WHEN g % 7 = 0 THEN E'tab\there "q" \\\\ back' END,
         timestamptz '2026-01-01' + g * interval '1 second'
    FROM generate_series(1, 1000000) g;
CREATE TABLE app.shadow AS SELECT * FROM app.orders;
CREATE UNIQUE INDEX ON app.shadow (id);
CREATE VIEW app.big_orders AS SELECT id, amount FROM app.orders WHERE amount > 900;
GRANT SELECT ON app.orders, app.big_orders TO bob;
CREATE TABLE app.stop (x int);
ANALYZE app.orders;});

# --- refusals first: each changes nothing ----------------------------------
my $state_sql = q{SELECT (SELECT relkind::text FROM pg_class WHERE oid = 'app.orders'::regclass)
  || ' ' || (SELECT count(*) FROM partman.moves) || ' ' || (SELECT count(*) FROM pg_class WHERE relname LIKE 'orders%')};
my $state = $coord->safe_psql($db, $state_sql);
fails('bob', q{CALL partman.shard_table('app.orders', 'id', '{s1,s2}')},
	'42501', 'must be owner of table orders', 'a non-owner');
fails('alice', q{CALL partman.shard_table('app.orders', 'customer', '{s1,s2}')},
	'0A000', 'table "orders" cannot be sharded: primary key "orders_pkey" does not include column "customer"',
	'a primary key without the shard key');
fails('alice', q{CALL partman.shard_table('app.orders', 'id', '{s1,s2}', modulus => 1)},
	'22023', 'modulus must be between the number of servers \(2\) and 4096, not 1',
	'a modulus below the number of servers');
fails('alice', q{CALL partman.shard_table('app.orders', 'id', '{s1,s2}', modulus => 4096)},
	'54000', 'shard_table of table "orders" touches 4096 partitions, more than one transaction can lock',
	'a modulus beyond the lock table, with default settings');
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.slots (id int, during int, EXCLUDE USING btree (id WITH =));});
fails('alice', q{CALL partman.shard_table('app.slots', 'id', '{s1,s2}')},
	'0A000', 'table "slots" cannot be sharded: it has exclusion constraint "slots_id_excl"',
	'an exclusion constraint');
fails('alice', q{CALL partman.shard_table('app.orders', 'id', '{s1,s1}')},
	'22023', 'server "s1" is named twice in servers', 'a server named twice');
fails('alice', q{CALL partman.shard_table('app.orders', 'nope', '{s1,s2}')},
	'42703', 'column "nope" of table "orders" does not exist', 'an unknown column');
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.lines (order_id bigint REFERENCES app.orders (id));});
fails('alice', q{CALL partman.shard_table('app.orders', 'id', '{s1,s2}')},
	'0A000', 'table "orders" cannot be sharded: foreign key "lines_order_id_fkey" of another table references it',
	'a foreign key of another table');
$coord->safe_psql($db, q{DROP TABLE app.lines});
is($coord->safe_psql($db, $state_sql), $state, 'the refused calls changed nothing');
like($state, qr/^r 0 \d+$/, 'the table is a plain table, no sharding recorded');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE schemaname = 'app'}),
	'0', 'nothing was made on shard1');

# --- 1. the sharding under writes --------------------------------------------
my $before = fingerprint($coord, 'app.orders');
is($before, fingerprint($coord, 'app.shadow'), 'the shadow starts as the table');

my $writer_sql = PartmanTest::writer_sql(q{
        INSERT INTO app.orders (customer, amount, note, at)
          VALUES (i % 5000, i / 100.0, 'new', timestamptz '2026-06-01' + i * interval '1 ms')
          RETURNING id INTO new_id;
        INSERT INTO app.shadow SELECT new_id, i % 5000, i / 100.0, 'new', timestamptz '2026-06-01' + i * interval '1 ms';
        k := (i * 7919) % 1000000 + 1;
        UPDATE app.orders SET amount = amount + 1, note = 'upd' WHERE id = k;
        UPDATE app.shadow SET amount = amount + 1, note = 'upd' WHERE id = k;
        IF i % 5 = 0 THEN
            k := (i * 104729) % 1000000 + 1;
            DELETE FROM app.orders WHERE id = k;
            DELETE FROM app.shadow WHERE id = k;
        END IF;}, 'app.stop');

my ($writer, $werr) = PartmanTest::start_writer($coord, $db, 'alice', $writer_sql);
usleep(500_000);
my $t0 = time();
my ($ret, $stdout, $stderr) = $coord->psql($db,
	q{SET ROLE alice;
CALL partman.shard_table('app.orders', 'id', '{s1,s2}', modulus => 4, batch_rows => 100000)});
my $seconds = time() - $t0;
is($ret, 0, 'shard_table under writes succeeds') or diag $stderr;
unlike($stderr, qr/\Q$password\E/, 'no password in its messages');
usleep(300_000);
my $writes = PartmanTest::stop_writer($coord, $db, 'app.stop', $writer, $werr, 'shard_table');
ok(defined $writes && $writes > 10, 'the writer committed ' . ($writes // 0) . ' transactions during the call');
diag sprintf('shard_table of 1,000,000 rows took %.1f s', $seconds);
like($stderr, qr/verified: table "orders" and its shards hold the same \d+ rows and checksum/,
	'the copy was verified before the cut-over');
my ($lock_ms) = $stderr =~ /held its lock for ([\d.]+) ms/;
ok(defined $lock_ms && $lock_ms < 1000,
	'the cut-over lock was printed and under 1 s: ' . ($lock_ms // 'none') . ' ms');

my $after = fingerprint($coord, 'app.orders');
is($after, fingerprint($coord, 'app.shadow'),
	'the sharded table equals the shadow: nothing lost, doubled or stale');
is( $coord->safe_psql(
		$db, q{SELECT c.relkind::text || ' ' || pg_get_partkeydef(c.oid) FROM pg_class c WHERE c.oid = 'app.orders'::regclass}),
	'p HASH (id)', 'app.orders is now partitioned by HASH (id)');
is( $coord->safe_psql(
		$db, q{SELECT string_agg(c.relname || '@' || s.srvname || ':' || pg_get_expr(c.relpartbound, c.oid), ' ' ORDER BY c.relname)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_foreign_table f ON f.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = f.ftserver
  WHERE i.inhparent = 'app.orders'::regclass}),
	'orders_h0@s1:FOR VALUES WITH (modulus 4, remainder 0) orders_h1@s2:FOR VALUES WITH (modulus 4, remainder 1) '
	  . 'orders_h2@s1:FOR VALUES WITH (modulus 4, remainder 2) orders_h3@s2:FOR VALUES WITH (modulus 4, remainder 3)',
	'partition r is a foreign table on servers[r % 2]');
for my $r (0 .. 3)
{
	is( $coord->safe_psql(
			$db, qq{SET ROLE alice; SELECT count(*) FROM (SELECT id FROM app.orders_h$r OFFSET 0) x
  WHERE NOT satisfies_hash_partition('app.orders'::regclass, 4, $r, id)}),
		'0', "every row of orders_h$r belongs to remainder $r");
}
my ($n) = split / /, $after;
is( $shards[0]->safe_psql($db, q{SELECT count(*) FROM app.orders_h0})
	  + $shards[0]->safe_psql($db, q{SELECT count(*) FROM app.orders_h2})
	  + $shards[1]->safe_psql($db, q{SELECT count(*) FROM app.orders_h1})
	  + $shards[1]->safe_psql($db, q{SELECT count(*) FROM app.orders_h3}),
	$n, 'the shards hold every row once');
is( $shards[1]->safe_psql(
		$db, q{SELECT string_agg(indexdef, '; ' ORDER BY indexdef) FROM pg_indexes WHERE tablename = 'orders_h1'}),
	'CREATE INDEX orders_h1_customer_idx ON app.orders_h1 USING btree (customer); '
	  . 'CREATE UNIQUE INDEX orders_h1_pkey ON app.orders_h1 USING btree (id)',
	"the source's indexes and primary key are on the shard");
is( $shards[1]->safe_psql(
		$db, q{SELECT string_agg(contype::text || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY contype)
  FROM pg_constraint WHERE conrelid = 'app.orders_h1'::regclass}),
	'c CHECK ((amount >= (0)::numeric)); p PRIMARY KEY (id)', 'as a primary key, with the CHECK constraint');
($ret, $stdout, $stderr) = $coord->psql($db,
	q{SET ROLE alice; INSERT INTO app.orders (customer, amount) VALUES (1, -5)});
like($stderr, qr/violates check constraint "amount_not_negative"/,
	'the CHECK constraint holds for rows written through the sharded table');
my $some_id = $shards[1]->safe_psql($db, q{SELECT min(id) FROM app.orders_h1});
my ($sret, $sout, $serr) = $shards[1]->psql($db,
	qq{INSERT INTO app.orders_h1 (id, customer, at) VALUES ($some_id, 1, now())});
like($serr, qr/duplicate key value violates unique constraint "orders_h1_pkey"/,
	'the shard enforces the primary key');
is( $coord->safe_psql($db, q{SELECT strategy || ' ' || servers::text FROM partman.part_config WHERE parent = 'app.orders'::regclass}),
	'hash {s1,s2}', 'the sharded table is a HASH set on s1 and s2');
is($coord->safe_psql($db, q{SELECT count(*) FROM app.orders_unsharded}) > 0 ? 'kept' : 'gone',
	'kept', 'the old table is kept as orders_unsharded');
is( $coord->safe_psql($db, q{SELECT pg_get_serial_sequence('app.orders', 'id')}),
	'app.orders_id_seq', "the id sequence belongs to the sharded table's column");
$coord->safe_psql($db, q{DROP TABLE app.orders_unsharded});
is( $coord->safe_psql(
		$db, q{SET ROLE alice; INSERT INTO app.orders (customer) VALUES (1) RETURNING id > 1000000}),
	't', 'after the old table is dropped, inserts go on numbering from its sequence');
is( $coord->safe_psql($db, q{SET ROLE bob; SELECT count(*) > 0 FROM app.big_orders}),
	't', 'the view reads the sharded table, and bob keeps his grant on it');
is( $coord->safe_psql(
		$db, q{SELECT string_agg(DISTINCT d.refobjid::regclass::text, ',') FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
  WHERE r.ev_class = 'app.big_orders'::regclass AND d.refobjid <> 'app.big_orders'::regclass}),
	'app.orders', 'the view depends on the sharded table alone');
my $plan = $coord->safe_psql($db, q{SET ROLE alice; EXPLAIN (COSTS OFF) SELECT * FROM app.orders WHERE id = 42});
is(scalar(() = $plan =~ /Foreign Scan/g), 1, 'a point query on the key reaches one server');
is($coord->safe_psql($db, 'SELECT count(*) FROM partman.moves'), '0', 'partman.moves is empty');
is($shards[0]->safe_psql($db, q{SELECT count(*) FROM pg_tables WHERE tablename LIKE '%applied%'}),
	'0', 'no applied list is left on shard1');
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM pg_class WHERE relname LIKE 'orders_shard%' OR relname = 'orders_sharding'}),
	'0', 'no journal or working table is left');

# --- 2. a partitioned table, the backend killed mid-copy -----------------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.events (id int NOT NULL, tenant int NOT NULL, at date NOT NULL, v float8, tags text[])
    PARTITION BY RANGE (at);
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE app.events_2026 (tags text[], v float8, at date NOT NULL, tenant int NOT NULL, id int NOT NULL);
ALTER TABLE app.events ATTACH PARTITION app.events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO app.events SELECT g, g % 97, date '2025-06-01' + (g % 400), g / 3.0, ARRAY['a' || g % 3, NULL]
  FROM generate_series(1, 200000) g;
INSERT INTO app.events SELECT 5, 5, '2026-02-02', 1.5, NULL FROM generate_series(1, 20);});
my $ecols = 'id, tenant, at, v, tags';
my $ebefore = fingerprint($coord, 'app.events', $ecols);
my ($kout, $kerr) = ('', '');
my $killed = IPC::Run::start(
	[ 'psql', '-X', '-d', $coord->connstr($db), '-c', 'SET ROLE alice', '-c',
	  q{CALL partman.shard_table('app.events', 'tenant', '{s1,s2}', batch_rows => 5000)} ],
	'>', \$kout, '2>', \$kerr);
ok( PartmanTest::wait_until(
		$coord, $db, q{SELECT rows_copied >= 40000 FROM partman.moves
  WHERE partition = 'app.events'::regclass}, 120),
	'the sharding of app.events is copying');
my $pid = $coord->safe_psql($db,
	q{SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL partman.shard_table%' AND pid <> pg_backend_pid()});
kill 'KILL', $pid if $pid;
$killed->finish;
ok(PartmanTest::wait_until($coord, $db, 'SELECT 1', 60, '1'), 'the coordinator is back');
is($coord->safe_psql($db, q{SELECT phase FROM partman.moves WHERE partition = 'app.events'::regclass}),
	'copying', 'the interrupted sharding is recorded');
is($coord->safe_psql($db, q{SELECT relkind FROM pg_class WHERE oid = 'app.events'::regclass}),
	'p', 'the source is still the table');
is(fingerprint($coord, 'app.events', $ecols), $ebefore, 'the source holds every row still');
fails('alice', q{CALL partman.shard_table('app.events', 'tenant', '{s2,s1}')},
	'55000', 'table "events" is being sharded with other arguments', 'a rerun with other servers');
# the rerun while the application writes to both partitions (whose columns
# are in different orders) and moves rows between tenants, that is between shards
$coord->safe_psql($db, q{SET ROLE alice; CREATE TABLE app.events_shadow AS SELECT id, tenant, at, v, tags FROM app.events;});
my ($ewriter, $ewerr) = PartmanTest::start_writer($coord, $db, 'alice', PartmanTest::writer_sql(q{
        INSERT INTO app.events VALUES (300000 + i, i % 97, date '2025-12-30' + i % 4, i, ARRAY['w']);
        INSERT INTO app.events_shadow VALUES (300000 + i, i % 97, date '2025-12-30' + i % 4, i, ARRAY['w']);
        k := (i * 7919) % 200000 + 1;
        -- a new tenant by DELETE, then INSERT: PostgreSQL 15 moves no row out of a
        -- foreign partition on UPDATE, and one statement doing both can see its
        -- own inserts there (README, Sharding)
        PERFORM set_config('client_min_messages', 'warning', false);
        CREATE TEMP TABLE IF NOT EXISTS moved (LIKE app.events_shadow);
        PERFORM set_config('client_min_messages', 'notice', false);
        DELETE FROM moved;
        WITH d AS (DELETE FROM app.events WHERE id = k RETURNING *) INSERT INTO moved SELECT * FROM d;
        INSERT INTO app.events SELECT id, tenant + 1, at, v + 1, tags FROM moved;
        UPDATE app.events_shadow SET tenant = tenant + 1, v = v + 1 WHERE id = k;
        IF i % 3 = 0 THEN
            DELETE FROM app.events WHERE id = k + 1;
            DELETE FROM app.events_shadow WHERE id = k + 1;
        END IF;}, 'app.stop'));
usleep(300_000);
($ret, $stdout, $stderr) = $coord->psql($db,
	q{SET ROLE alice; CALL partman.shard_table('app.events', 'tenant', '{s1,s2}', batch_rows => 50000)});
is($ret, 0, 'the rerun finishes the sharding') or diag $stderr;
usleep(300_000);
my $ewrites = PartmanTest::stop_writer($coord, $db, 'app.stop', $ewriter, $ewerr, 'the rerun');
ok($ewrites > 10, "the writer committed $ewrites transactions during the rerun");
my $eafter = fingerprint($coord, 'app.events', $ecols);
is($eafter, fingerprint($coord, 'app.events_shadow', $ecols),
	'the sharded table equals the shadow: none lost, doubled or stale');
my ($en) = split / /, $eafter;
is( $shards[0]->safe_psql($db, q{SELECT count(*) FROM app.events_h0})
	  + $shards[1]->safe_psql($db, q{SELECT count(*) FROM app.events_h1}),
	$en, 'each row is once on the shards');
for my $r (0 .. 1)
{
	is( $coord->safe_psql(
			$db, qq{SET ROLE alice; SELECT count(*) FROM (SELECT tenant FROM app.events_h$r OFFSET 0) x
  WHERE NOT satisfies_hash_partition('app.events'::regclass, 2, $r, tenant)}),
		'0', "every row of events_h$r belongs to remainder $r: rows whose tenant changed moved shards");
}
# what the README warns of: an UPDATE of the key does not move a row out of
# its foreign partition (PostgreSQL 15 sends it to the server as it is)
is( $coord->safe_psql(
		$db, q{SET ROLE alice;
WITH t AS (SELECT min(tenant) AS tenant FROM generate_series(0, 200) tenant
            WHERE satisfies_hash_partition('app.events'::regclass, 2, 1, tenant)),
     r AS (SELECT min(id) AS id FROM app.events_h0)
UPDATE app.events e SET tenant = t.tenant FROM t, r WHERE e.id = r.id RETURNING e.tableoid::regclass}),
	'app.events_h0', 'PostgreSQL 15 leaves a row whose key an UPDATE changed in its foreign partition');
ok($coord->safe_psql($db, q{SELECT count(*) FROM app.events_unsharded}) > 0,
	'the old partitioned table is kept as events_unsharded');

# --- 3. a shard server stopped mid-copy ----------------------------------------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.notes (id int PRIMARY KEY, body text);
INSERT INTO app.notes SELECT g, repeat('n', g % 50) FROM generate_series(1, 100000) g;});
my $nbefore = fingerprint($coord, 'app.notes', 'id, body');
PartmanTest::fails_on_stopped_shard($coord, $db, 'alice',
	q{CALL partman.shard_table('app.notes', 'id', '{s1,s2}', batch_rows => 1000)},
	q{SELECT rows_copied >= 10000 FROM partman.moves
  WHERE partition = 'app.notes'::regclass AND phase = 'copying'},
	$shards[1], $password, 'the sharding of app.notes');
is(fingerprint($coord, 'app.notes', 'id, body'), $nbefore, 'the table is untouched');
$shards[1]->start;
($ret, $stdout, $stderr) = $coord->psql($db,
	q{SET ROLE alice; CALL partman.shard_table('app.notes', 'id', '{s1,s2}')});
is($ret, 0, 'the sharding, run again once the server is back, finishes') or diag $stderr;
is(fingerprint($coord, 'app.notes', 'id, body'), $nbefore, 'no row lost or doubled');
is( $shards[0]->safe_psql($db, q{SELECT count(*) FROM app.notes_h0})
	  + $shards[1]->safe_psql($db, q{SELECT count(*) FROM app.notes_h1}),
	'100000', 'the servers hold each row once');

# --- 4. an identity key, in a transaction block, then maintained ----------------
$coord->safe_psql($db, q{SET ROLE alice;
CREATE TABLE app.tickets (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);
INSERT INTO app.tickets (title) SELECT 't' || g FROM generate_series(1, 1000) g;});
my $tbefore = fingerprint($coord, 'app.tickets', 'id, title');
($ret, $stdout, $stderr) = $coord->psql($db,
	q{SET ROLE alice; BEGIN; CALL partman.shard_table('app.tickets', 'id', '{s2,s1}'); COMMIT;});
is($ret, 0, 'shard_table inside a transaction block runs in it') or diag $stderr;
is(fingerprint($coord, 'app.tickets', 'id, title'), $tbefore, 'the same rows');
is( $coord->safe_psql(
		$db, q{SET ROLE alice; INSERT INTO app.tickets (title) VALUES ('next') RETURNING id}),
	'1001', 'the identity continues where the old table stopped');
is( $coord->safe_psql(
		$db, q{SELECT s.srvname FROM pg_foreign_table f JOIN pg_foreign_server s ON s.oid = f.ftserver
  WHERE f.ftrelid = 'app.tickets_h0'::regclass}),
	's2', 'remainder 0 is on the first server named');
($ret, $stdout, $stderr) = $coord->psql($db, q{SET ROLE alice; CALL partman.run_maintenance('app.tickets')});
is($ret, 0, 'the sharded set is maintained') or diag $stderr;
is( $coord->safe_psql(
		$db, q{SET ROLE alice; SELECT s.status || ' ' || s.servers::text || ' ' || c.servers::text
  FROM partman.sets s JOIN partman.part_config c ON c.parent = s.parent WHERE s.parent = 'app.tickets'::regclass}),
	'ok {s1,s2} {s2,s1}', 'partman.sets shows it healthy, on its servers; part_config keeps their order');

# --- no password anywhere ------------------------------------------------------
my $log = PostgreSQL::Test::Utils::slurp_file($coord->logfile);
unlike($log, qr/\Q$password\E/, 'no password in the coordinator log');
is( $coord->safe_psql(
		$db, qq{SELECT count(*) FROM partman.moves m, partman.part_config c
  WHERE m::text LIKE '%$password%' OR c::text LIKE '%$password%'}),
	'0', 'no password in partman.moves or part_config');

done_testing();
