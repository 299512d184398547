# partman.advise_key on the background document's Exercise 2: the
# e-commerce schema (customers, products, orders, order_items), two years of
# orders with one customer placing 30% of them, and a workload recorded by
# pg_stat_statements that follows the document's access patterns (order
# history by customer very often, inventory updates by product often, daily
# reports by date, date-range searches).
#  - shard: customer_id ranks first; order_id is poor (order history needs
#    every shard) and order_date is poor (time skew); the 30% customer is
#    named as skew.
#  - partition: order_date by RANGE ranks first.
#  - without pg_stat_statements: a NOTICE that query fit is unknown, and a
#    ranking from the data alone; with texts hidden from the caller, the
#    same, saying so.
#  - bad input: errors with their SQLSTATE; and advise_key reads no table
#    data, writes nothing, and keeps no lock its statement analysis took.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

my $node = PostgreSQL::Test::Cluster->new('advise_key');
$node->init;
$node->append_conf('postgresql.conf',
	"shared_preload_libraries = 'partman, pg_stat_statements'\npartman.bgw_max_workers = 0");
$node->start;

# ANALYZE reads every row of orders (20,000 < 30,000), so its statistics
# are exact; order_items is sampled.
my $schema = q{
CREATE EXTENSION partman;
CREATE TABLE customers (customer_id int PRIMARY KEY, name text NOT NULL,
    region text NOT NULL, created_at date NOT NULL);
INSERT INTO customers
SELECT g, 'customer ' || g, (ARRAY['us','us','us','eu','eu','apac','latam'])[1 + g % 7],
       date '2022-01-01' + g % 700
FROM generate_series(1, 2000) g;
CREATE TABLE products (product_id int PRIMARY KEY, name text NOT NULL,
    category text NOT NULL, stock int NOT NULL, price numeric(10,2) NOT NULL);
INSERT INTO products
SELECT g, 'product ' || g, (ARRAY['books','games','garden','kitchen','toys','tools'])[1 + g % 6],
       100000, 5 + g % 50
FROM generate_series(1, 500) g;
CREATE TABLE orders (order_id bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers, order_date date NOT NULL,
    region text NOT NULL, status text NOT NULL, total_amount numeric(10,2) NOT NULL);
INSERT INTO orders (customer_id, order_date, region, status, total_amount)
SELECT c, date '2023-01-01' + (g * 730 / 20000),
       (ARRAY['us','us','us','eu','eu','apac','latam'])[1 + c % 7],
       (ARRAY['delivered','delivered','delivered','shipped','cancelled'])[1 + g % 5],
       10 + (g * 37) % 500
FROM (SELECT g, CASE WHEN g % 10 < 3 THEN 1 ELSE 2 + (g * 7919) % 1999 END AS c
      FROM generate_series(1, 20000) g) s
ORDER BY g;
CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders, line_no int NOT NULL,
    customer_id int NOT NULL, product_id int NOT NULL REFERENCES products,
    quantity int NOT NULL, price numeric(10,2) NOT NULL, PRIMARY KEY (order_id, line_no));
-- one to three lines an order; product 7 is a bestseller (10% of lines)
INSERT INTO order_items
SELECT o.order_id, l, o.customer_id,
       CASE WHEN (o.order_id + l) % 10 = 0 THEN 7 ELSE 1 + (o.order_id * 13 + l * 101) % 500 END,
       1 + l % 3, 9.99
FROM orders o, generate_series(1, 1 + (o.order_id % 3)::int) l
ORDER BY o.order_id, l;
CREATE INDEX ON orders (customer_id);
CREATE INDEX ON orders (order_date);
CREATE INDEX ON order_items (product_id);
ANALYZE customers, products, orders, order_items;
CREATE VIEW recent_orders AS SELECT * FROM orders WHERE order_date >= '2024-12-01';
CREATE TABLE returns (order_id bigint, returned_on date);
INSERT INTO returns SELECT g, date '2024-01-01' + g % 300 FROM generate_series(1, 500) g;
};
$node->safe_psql('postgres', 'CREATE DATABASE shop');
$node->safe_psql('postgres', 'CREATE DATABASE shop_plain');
$node->safe_psql($_, $schema) for ('shop', 'shop_plain');

# The workload, as an application would send it: literals, which
# pg_stat_statements records as $1, $2, ... (including "date $1" and
# "extract($1 FROM ...)", which no longer parse as they are).
my @workload;
for my $i (1 .. 1500)
{
	# a customer views their order history: very frequent
	my $c = 1 + ($i * 37) % 2000;
	push @workload,
	  "SELECT order_id, order_date, status, total_amount FROM orders WHERE customer_id = $c ORDER BY order_date DESC LIMIT 20;";
}
for my $i (1 .. 300)
{
	# ... and one of their orders with its items
	my $o = 1 + ($i * 53) % 20000;
	my $c = 2 + ($o * 7919) % 1999;
	push @workload,
	  "SELECT o.order_id, o.order_date, i.line_no, p.name, i.quantity FROM orders o "
	  . "JOIN order_items i ON i.order_id = o.order_id AND i.customer_id = o.customer_id "
	  . "JOIN products p ON p.product_id = i.product_id WHERE o.customer_id = $c AND o.order_id = $o;";
}
for my $i (1 .. 400)
{
	# ... and searches them by date
	my $c = 1 + ($i * 11) % 2000;
	push @workload,
	  "SELECT order_id, total_amount FROM orders WHERE customer_id = $c AND order_date >= '2024-01-01';";
}
for my $i (1 .. 600)
{
	# product inventory updates: frequent
	my $p = 1 + ($i * 17) % 500;
	push @workload, "UPDATE products SET stock = stock - 1 WHERE product_id = $p;";
	push @workload, "SELECT sum(quantity) FROM order_items WHERE product_id = $p;" if $i % 2;
}
for my $d (1 .. 30)
{
	# daily sales report: daily
	push @workload,
	  sprintf("SELECT region, count(*), sum(total_amount) FROM orders WHERE order_date = date '2024-06-%02d' GROUP BY region;", $d);
}
for my $i (1 .. 200)
{
	# search for orders by date range
	my $d = 1 + $i % 28;
	push @workload,
	  sprintf("SELECT order_id, customer_id, total_amount FROM orders WHERE order_date BETWEEN '2024-03-%02d' AND '2024-04-%02d' ORDER BY order_date LIMIT 100;", $d, $d);
}
for my $i (1 .. 20)
{
	# regional report, joining customers
	push @workload,
	  "SELECT c.region, count(*) FROM orders o JOIN customers c ON c.customer_id = o.customer_id "
	  . "WHERE c.region = 'eu' AND o.order_date >= '2024-01-01' GROUP BY c.region;";
}
for my $i (1 .. 10)
{
	# a yearly report written so that it cannot prune
	push @workload, "SELECT count(*) FROM orders WHERE extract(year FROM order_date) = 2024;";
}
for my $i (1 .. 20)
{
	# statements on customers that exercise the rest of the qual walk: an IN
	# list, an OR of one column, an OR with another column, the nullable side
	# of an outer join
	push @workload, "SELECT name FROM customers WHERE customer_id IN ($i, 1, 2);";
	push @workload, "SELECT count(*) FROM customers WHERE region = 'eu' OR region = 'apac';";
	push @workload, "SELECT count(*) FROM customers WHERE region = 'eu' OR name = 'customer $i';";
	push @workload,
	  "SELECT o.order_id, c.name FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id "
	  . "AND c.created_at >= '2022-06-01' WHERE o.order_id = $i;";
}
$node->safe_psql('shop', 'CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()');
$node->safe_psql('shop', join("\n", '\o /dev/null', @workload));
ok( PartmanTest::wait_until(
		$node, 'shop',
		q{SELECT sum(calls) = 3440 FROM pg_stat_statements WHERE query ~ '^(SELECT|UPDATE)' AND query !~ 'pg_stat_statements'},
		10),
	'pg_stat_statements recorded the whole workload');

# advise_key's rows in order: a list of hashes, and the text shown in the log
sub advise
{
	my ($db, $table, $purpose, $role) = @_;
	my $sql = ($role ? "SET ROLE $role;\n" : '')
	  . "SELECT key, strategy, coalesce(\"interval\", '-'), score, distribution, query_fit, "
	  . "cross_partition, verdict, array_to_string(reasons, ' / ') "
	  . "FROM partman.advise_key('$table', '$purpose')";
	my ($ret, $out, $err) = $node->psql($db, $sql);
	die "advise_key($table, $purpose) failed: $err" if $ret != 0;
	my @rows;
	for my $line (split /\n/, $out)
	{
		my %row;
		@row{qw(key strategy interval score distribution query_fit cross verdict reasons)} =
		  split /\|/, $line;
		push @rows, \%row;
	}
	note("advise_key('$table', '$purpose'):\n"
		  . join("\n", map { sprintf('  %-24s %-12s %-8s %s %-11s %-32s %-42s %s', @{$_}{qw(key strategy interval score distribution query_fit cross verdict)}) } @rows));
	return (\@rows, $err);
}

sub row_of
{
	my ($rows, $key) = @_;
	my ($row) = grep { $_->{key} eq $key } @$rows;
	return $row // { key => $key, verdict => 'missing', reasons => '', distribution => '' };
}

sub rank_of
{
	my ($rows, $key) = @_;
	for my $i (0 .. $#$rows)
	{
		return $i + 1 if $rows->[$i]{key} eq $key;
	}
	return 0;
}

# -- sharding orders --------------------------------------------------------
my ($shard, $err) = advise('shop', 'orders', 'shard');
unlike($err, qr/could not be analysed|unknown/,
	'every recorded statement analysed, normalized "date $1" and "extract($1 FROM" included');
is($shard->[0]{key}, 'customer_id', 'shard: customer_id ranks first');
is($shard->[0]{verdict}, 'good', 'shard: customer_id is good');
like($shard->[0]{reasons}, qr/\d+% of the workload filters on customer_id with = or IN: one shard answers it/,
	'shard: customer_id, because order history reaches one shard');
like(row_of($shard, 'customer_id')->{reasons}, qr/joins customer_id with customers\.customer_id: co-located/,
	'shard: customer_id co-locates the join with customers');
is(row_of($shard, 'customer_id')->{distribution}, 'skewed', 'shard: the large customer is detected as skew');
like(row_of($shard, 'customer_id')->{reasons},
	qr/skew: customer_id = 1 holds 30% of rows; the shard holding it would carry 1\.9 times an even share of 4 \(give it a shard of its own/,
	'shard: and named, with its share and the remedy');

my $order_id = row_of($shard, 'order_id');
is($order_id->{verdict}, 'poor', 'shard: order_id is poor');
is($order_id->{distribution}, 'even', 'shard: though order_id spreads evenly');
like($order_id->{reasons}, qr/(\d+)% of the workload would reach every shard \(most of it filters on customer_id\)/,
	'shard: order_id, because the order history needs every shard');
$order_id->{cross} =~ /^(\d+)%/;
cmp_ok($1, '>=', 50, 'shard: most of the workload would reach every shard by order_id');

my $order_date = row_of($shard, 'order_date');
is($order_date->{verdict}, 'poor', 'shard: order_date is poor');
is($order_date->{distribution}, 'time skew', 'shard: order_date has time skew');
like($order_date->{reasons}, qr/new rows all go to the shard holding the newest range while older shards go cold/,
	'shard: order_date, because new shards are hot and old ones cold');
like($order_date->{reasons}, qr/filters on order_date with a range: the shards holding that range answer it/,
	'shard: order_date still serves date-range searches');
cmp_ok(rank_of($shard, 'order_date'), '>', 1, 'shard: order_date ranks below customer_id');

# -- partitioning orders -------------------------------------------------------
my ($part) = advise('shop', 'orders', 'partition');
is($part->[0]{key}, 'order_date', 'partition: order_date ranks first');
is($part->[0]{strategy}, 'range', 'partition: by RANGE');
like($part->[0]{interval}, qr/^\d+ (day|week|month|months|year)$/, 'partition: with an interval');
like($part->[0]{reasons}, qr/old partitions can be detached or dropped whole for retention/,
	'partition: because old partitions can be dropped whole');
like($part->[0]{reasons}, qr/filters on order_date in a form that cannot prune/,
	'partition: the extract() report is counted as unprunable');
like($part->[0]{reasons}, qr/filters on order_date with = or IN: it prunes to one partition/,
	'partition: the daily report (date $1) is counted as pruning');
my $composite = row_of($part, 'order_date, customer_id');
is($composite->{strategy}, 'range + hash', 'partition: a composite candidate for the statements that filter on both');
cmp_ok(rank_of($part, 'order_date, customer_id'), '>', 1, 'partition: ranked below order_date alone');
is(row_of($part, 'customer_id')->{distribution}, 'skewed', 'partition: customer_id skew detected too');

# -- sharding order_items: the bestseller ----------------------------------------
my ($items) = advise('shop', 'order_items', 'shard');
is(row_of($items, 'product_id')->{distribution}, 'skewed', 'order_items: product 7 skews product_id');
like(row_of($items, 'product_id')->{reasons}, qr/skew: product_id = 7 holds (9|10|11)% of rows/,
	'order_items: and the bestseller is named');
like(row_of($items, 'customer_id')->{reasons}, qr/filters on customer_id with = or IN/,
	'order_items: customer_id carried through the join with orders');

# -- the qual walk, on customers ----------------------------------------------------
my ($customers) = advise('shop', 'customers', 'partition');
like(row_of($customers, 'customer_id')->{reasons}, qr/filters on customer_id with = or IN/,
	'customers: an IN list prunes');
like(row_of($customers, 'customer_id')->{reasons}, qr/joins customer_id with orders\.customer_id/,
	'customers: the join with orders is seen, from either side of the outer join');
like(row_of($customers, 'region')->{reasons}, qr/filters on region with = or IN/,
	'customers: an OR of the same column prunes');
like(row_of($customers, 'region')->{reasons}, qr/filters on region in a form that cannot prune/,
	'customers: an OR with another column does not');
like(row_of($customers, 'created_at')->{reasons}, qr/filters on created_at with a range/,
	'customers: a condition on the nullable side of an outer join restricts it');

# -- read-only ------------------------------------------------------------------
like( $node->safe_psql(
		'shop', q{
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT count(*) > 0 FROM partman.advise_key('orders', 'shard');
SELECT count(*) > 0 FROM partman.advise_key('order_items', 'partition');
SELECT pg_current_xact_id_if_assigned() IS NULL,
       pg_stat_get_xact_numscans('orders'::regclass) + pg_stat_get_xact_numscans('order_items'::regclass),
       (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'products'::regclass);
COMMIT;
}),
	qr/^\nt\nt\nt\|0\|0$/,
	'advise_key writes nothing, scans neither table, keeps no lock from analysing the UPDATE of products');

# -- the README's Exercise 2 shows advise_key's output: it must be the real one -------------
# Each ```pgsql block of README.md that asks advise_key about orders is its
# query (up to the first line ending with ";") and the output it shows.  The
# query runs here, on this workload, and every shown row must match the row
# it prints: the same words, and the same numbers, but for percentages
# within 12 points and other figures within 15% (statements weigh by their
# execution time, which varies from run to run and with the machine's load,
# as the README says).  A line "..." stands for the rows not shown, "..." in a cell for
# any text.
sub readme_blocks
{
	open(my $fh, '<', 'README.md') or die "cannot open README.md: $!";
	my @lines = <$fh>;
	close($fh);
	chomp(@lines);
	my @blocks;
	for (my $i = 0; $i < @lines; $i++)
	{
		next unless $lines[$i] =~ /^(\s*)```pgsql\s*$/;
		my $indent = $1;
		my @body;
		for ($i++; $i < @lines && $lines[$i] !~ /^\s*```\s*$/; $i++)
		{
			(my $l = $lines[$i]) =~ s/^\Q$indent\E//;
			push @body, $l;
		}
		next unless grep { /partman\.advise_key\('orders'/ } @body;
		my @query;
		while (@body)
		{
			push @query, shift @body;
			last if $query[-1] =~ /;\s*$/;
		}
		push @blocks, { query => join("\n", @query), shown => \@body };
	}
	return @blocks;
}

# The rows a block shows, as lists of cells: header and rule lines left out.
sub shown_rows
{
	my @lines = @{ $_[0] };
	my @rows;
	for my $i (0 .. $#lines)
	{
		next if $lines[$i] =~ /^\s*-[-+]*\s*$/;
		next if $i < $#lines && $lines[$i + 1] =~ /^\s*-[-+]*\s*$/;
		next if $lines[$i] =~ /^\s*$/;
		push @rows, [ map { s/^\s+|\s+$//gr } split /\|/, $lines[$i], -1 ];
	}
	return @rows;
}

# Whether a shown cell matches the printed one (see above); "..." in a cell
# stands for any text (a word that flips between runs, explained in the README).
sub cell_matches
{
	my ($shown, $got) = @_;
	my $re = '';
	my @want;
	for my $part (split /(\.\.\.|\d[\d,]*(?:\.\d+)?%?)/, $shown)
	{
		next if $part eq '';
		if ($part eq '...') { $re .= '.*?'; }
		elsif ($part =~ /^(\d[\d,]*(?:\.\d+)?)(%?)$/)
		{
			my ($n, $unit) = ($1, $2);
			$re .= '(\d[\d,]*(?:\.\d+)?)' . quotemeta($unit);
			push @want, [ $n =~ s/,//gr, $unit ];
		}
		else { $re .= quotemeta($part); }
	}
	return 0 unless $got =~ /^$re$/;
	my @caps = @want ? ($got =~ /^$re$/) : ();
	for my $i (0 .. $#want)
	{
		my ($a, $pct) = @{ $want[$i] };
		my $b = $caps[$i] =~ s/,//gr;
		return 0 if $pct eq '%' && abs($a - $b) > 12;
		return 0 if $pct ne '%' && abs($a - $b) > 0.15 * abs($a);
	}
	return 1;
}

# The column names of a shown block (the line above its rule), or none.
sub shown_header
{
	my @lines = @{ $_[0] };
	for my $i (1 .. $#lines)
	{
		return map { s/^\s+|\s+$//gr } split /\|/, $lines[ $i - 1 ]
		  if $lines[$i] =~ /^\s*-[-+]*\s*$/;
	}
	return ();
}

# Compare a block's shown rows with the printed ones.  Rows with a verdict
# are found by their key (first column): best first, but rows of the same
# verdict may trade places (their scores are close and move with the run, as
# the README says).  Other blocks compare row by row.  Returns '' or why not.
sub compare_block
{
	my ($shown, $got) = @_;
	my @want = shown_rows($shown);
	my @head = shown_header($shown);
	my ($vcol) = grep { $head[$_] eq 'verdict' } 0 .. $#head;
	my $more = grep { @$_ == 1 && $_->[0] eq '...' } @want;
	@want = grep { !(@$_ == 1 && $_->[0] eq '...') } @want;
	my @pos;
	for my $r (0 .. $#want)
	{
		my ($j) = defined $vcol ? grep { $got->[$_][0] eq $want[$r][0] } 0 .. $#$got : ($r);
		return "row \"$want[$r][0]\" is not printed" if !defined $j || $j > $#$got;
		return "row \"$want[$r][0]\" has other columns" if @{ $want[$r] } != @{ $got->[$j] };
		for my $c (0 .. $#{ $want[$r] })
		{
			return "row \"$want[$r][0]\": shown \"$want[$r][$c]\", printed \"$got->[$j][$c]\""
			  unless cell_matches($want[$r][$c], $got->[$j][$c]);
		}
		push @pos, $j;
	}
	return (@$got == @want ? '' : 'other rows printed than shown, and no "..."') unless $more;
	return '' unless defined $vcol;
	for my $a (0 .. $#want)
	{
		for my $b ($a + 1 .. $#want)
		{
			return "rows \"$want[$a][0]\" and \"$want[$b][0]\" are printed in the other order"
			  if $pos[$a] > $pos[$b] && $want[$a][$vcol] ne $want[$b][$vcol];
		}
	}
	# with "...": the rows shown are the best ones (up to ties with the last one shown)
	my %shown_at = map { $_ => 1 } @pos;
	for my $j (0 .. $#want)
	{
		next if $shown_at{$j} || $j > $#$got;
		return "row \"$got->[$j][0]\" ranks among the rows shown but is not shown"
		  if $got->[$j][$vcol] ne $want[-1][$vcol];
	}
	return '';
}

my @readme = readme_blocks();
is(scalar(@readme), 3, 'the README shows advise_key on orders three times');
for my $block (@readme)
{
	my ($ret, $out, $err) = $node->psql('shop', $block->{query});
	is($ret, 0, "README query runs: $block->{query}") or diag $err;
	my @got = map { [ split /\|/, $_, -1 ] } split /\n/, $out;
	my $why = compare_block($block->{shown}, \@got);
	is($why, '', "README shows what it prints: $block->{query}")
	  or diag "printed:\n$out";
}

# -- texts hidden from the caller -------------------------------------------------
$node->safe_psql('shop', 'CREATE ROLE clerk; GRANT SELECT ON orders TO clerk');
my ($hidden, $hidden_err) = advise('shop', 'orders', 'shard', 'clerk');
like($hidden_err, qr/query fit of table "orders" is unknown: pg_stat_statements hides the texts of other roles' statements from you/,
	'a role without pg_read_all_stats is told the texts are hidden');
like($hidden_err, qr/HINT:  Call partman.advise_key as a member of pg_read_all_stats/, 'with the way out');
# once it has statements of its own, they count, and a NOTICE says the rest is hidden
$node->safe_psql('shop', "SET ROLE clerk; SELECT count(*) FROM orders WHERE status = 'shipped'");
($hidden, $hidden_err) = advise('shop', 'orders', 'shard', 'clerk');
like($hidden_err, qr/NOTICE:  query fit of table "orders" counts only the statements you may see/,
	'with statements of its own, it is told the others are hidden');
like(row_of($hidden, 'status')->{reasons}, qr/100% of the workload filters on status with = or IN/,
	'and its own statement is the whole workload it sees');
$node->safe_psql('shop', 'GRANT pg_read_all_stats TO clerk');
($hidden) = advise('shop', 'orders', 'shard', 'clerk');
is($hidden->[0]{key}, 'customer_id', 'with pg_read_all_stats it sees the workload');

# -- without pg_stat_statements ----------------------------------------------------
my ($plain, $plain_err) = advise('shop_plain', 'orders', 'shard');
like($plain_err, qr/NOTICE:  query fit of table "orders" is unknown: pg_stat_statements is not installed in this database/,
	'no pg_stat_statements: a NOTICE says query fit is unknown');
like($plain_err, qr/DETAIL:  Candidates are ranked by their statistics alone/, 'and that the ranking is from the data');
is(scalar(grep { $_->{query_fit} ne 'unknown' } @$plain), 0, 'no pg_stat_statements: every query_fit is unknown');
is(scalar(grep { $_->{verdict} eq 'good' } @$plain), 0, 'no pg_stat_statements: no verdict better than maybe');
like($plain->[0]{reasons}, qr/query fit unknown \(pg_stat_statements is not installed in this database\): judged by the data alone/,
	'no pg_stat_statements: the reasons say so too');
is(row_of($plain, 'order_date')->{distribution}, 'time skew', 'no pg_stat_statements: time skew still found');
is(row_of($plain, 'order_date')->{verdict}, 'poor', 'no pg_stat_statements: order_date still poor for sharding');
is(row_of($plain, 'customer_id')->{distribution}, 'skewed', 'no pg_stat_statements: skew still found');
($plain) = advise('shop_plain', 'orders', 'partition');
is($plain->[0]{key}, 'order_date', 'no pg_stat_statements: order_date still ranks first for partitioning');

# -- bad input -----------------------------------------------------------------------
for my $case (
	[ q{SELECT * FROM partman.advise_key('recent_orders')}, qr/ERROR:  42809: "recent_orders" is not a table/, 'a view' ],
	[ q{SELECT * FROM partman.advise_key('returns', 'shard')}, qr/ERROR:  55000: table "returns" has no statistics/, 'a table never analysed' ],
	[ q{SELECT * FROM partman.advise_key('orders', 'replicate')}, qr/ERROR:  22023: unknown purpose "replicate"/, 'an unknown purpose' ],
	[ q{SELECT * FROM partman.advise_key(NULL, 'shard')}, qr/ERROR:  22004: source must not be null/, 'a NULL source' ],
	[ q{SELECT * FROM partman.advise_key('orders', NULL)}, qr/ERROR:  22004: purpose must not be null/, 'a NULL purpose' ],
	[ q{SELECT * FROM partman.advise_key('no_such_table')}, qr/ERROR:  42P01: relation "no_such_table" does not exist/, 'a missing table' ])
{
	my ($sql, $expected, $name) = @$case;
	my ($ret, $out, $stderr) = $node->psql('shop', "\\set VERBOSITY verbose\n$sql");
	isnt($ret, 0, "$name fails");
	like($stderr, $expected, "$name: the error and its SQLSTATE");
}


$node->stop;
done_testing();
