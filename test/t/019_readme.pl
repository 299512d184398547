# The README's examples, run as one story: every ```sql block of README.md,
# in README order, pasted into one psql session on a fresh cluster with
# partman and pg_cron preloaded (as `make demo` starts one).  A block fails
# when it raises an ERROR or WARNING it does not show, or when the output
# shown right after it (a ```text block) is not what psql prints.
#
# Conventions (README "About the examples"):
# - ```sql: runnable, pasted as it is; ```pgsql: a signature or a fragment,
#   never run; ```text right after a ```sql block: its output.
# - Output is compared as psql prints it with \set QUIET on and
#   \pset footer off (the README's first example sets both), with trailing
#   blanks and blank lines ignored.  A line "..." stands for any number of
#   lines, and "..." inside a line for any text (timings, dates of today).
# - psql's "psql:<stdin>:N: " prefix of errors read from a file is dropped.
#
# Set README_RECORD=1 to print every block's actual output (to update the
# README after a deliberate change; read what it prints before pasting).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use PartmanTest;

my $readme = 'README.md';    # prove runs from the top of the tree
open(my $fh, '<', $readme) or die "cannot open $readme: $!";
my @lines = <$fh>;
close($fh);
chomp(@lines);

# The blocks: each ```sql block with its line number and, when a ```text
# block follows it (blank lines between allowed), the output it shows.
my @blocks;
for (my $i = 0; $i < @lines; $i++)
{
	next unless $lines[$i] =~ /^(\s*)```(\w*)\s*$/;
	my ($indent, $tag) = ($1, $2);
	my $start = $i;
	my @body;
	for ($i++; $i < @lines && $lines[$i] !~ /^\s*```\s*$/; $i++)
	{
		(my $l = $lines[$i]) =~ s/^\Q$indent\E//;
		push @body, $l;
	}
	next unless $tag eq 'sql';
	my $block = { line => $start + 1, sql => join("\n", @body) . "\n" };
	my $j = $i + 1;
	$j++ while $j < @lines && $lines[$j] =~ /^\s*$/;
	if ($j < @lines && $lines[$j] =~ /^(\s*)```text\s*$/)
	{
		my $oind = $1;
		my @out;
		for ($j++; $j < @lines && $lines[$j] !~ /^\s*```\s*$/; $j++)
		{
			(my $l = $lines[$j]) =~ s/^\Q$oind\E//;
			push @out, $l;
		}
		$block->{expected} = \@out;
		$i = $j;
	}
	push @blocks, $block;
}
cmp_ok(scalar(@blocks), '>=', 30, 'the README has its examples (' . scalar(@blocks) . ' sql blocks)');

# The cluster `make demo` starts (scripts/demo.sh): partman and pg_cron
# preloaded, pg_cron's jobs in background workers (no TCP login needed), in
# database postgres, partman's worker every 5 s.  Here the worker keeps to
# database postgres: the story's database has partman's "now" pinned in its
# session, and a worker at the real time would change what the story shows.
my $node = PartmanTest::node(
	'readme',
	preload => 'partman,pg_cron',
	workers => 1,
	conf => q{
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 20
partman.bgw_interval = 5
partman.bgw_databases = 'postgres'
partman.track_pruning = on
});

# A new user's path: `make demo` runs scripts/demo.sql in database postgres
# (its worker waits for a round of partman's worker), then the reader pastes
# the README's examples, the pg_cron schedule included, as below.
my ($demo_out, $demo_err) = ('', '');
my $demo_ok = IPC::Run::run(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres'), '-f', 'scripts/demo.sql' ],
	'>', \$demo_out, '2>', \$demo_err);
ok($demo_ok, 'scripts/demo.sql (make demo) runs to its end') or diag $demo_err;
my @demo_errors = ($demo_err =~ /ERROR:  (.*)/g);
is(scalar(@demo_errors), 1, 'the demo raises one error') or diag $demo_err;
like($demo_errors[0] // '', qr/^query would scan all \d+ partitions of table "orders"$/,
	'it is the guard refusing a full scan, as the \\echo before it announces');
like($demo_out, qr/-- f when none is yet/, 'the demo explains a worker_woken of f');
is($node->safe_psql('postgres', q{SELECT count(*) > 0 FROM partman.maintenance_log WHERE action = 'drop'}),
	't', "partman's worker retired the demo's expired partitions");
is($node->safe_psql('postgres', q{SELECT count(*) FROM cron.job WHERE jobname = 'partman'}),
	'1', 'the demo scheduled maintenance with pg_cron');

# One session, the blocks separated by markers.
my $script = '';
for my $n (0 .. $#blocks)
{
	$script .= "\\echo '\@\@block $n\@\@'\n" . $blocks[$n]{sql};
}
$script .= "\\echo '\@\@end\@\@'\n";

my $out = '';
# stdout and stderr into one stream, as a terminal shows them
IPC::Run::run(
	[ 'psql', '-X', '-d', $node->connstr('postgres') ],
	'<', \$script, '>&', \$out)
  or note "psql exited with $?";

my %actual;
my $cur;
for my $l (split /\n/, $out)
{
	if ($l =~ /^\@\@block (\d+)\@\@$/) { $cur = $1; $actual{$cur} = []; next; }
	if ($l eq '@@end@@') { $cur = undef; next; }
	next unless defined $cur;
	$l =~ s/^psql:<stdin>:\d+: //;
	push @{ $actual{$cur} }, $l;
}

sub normal
{
	my @l = map { (my $x = $_) =~ s/\s+$//; $x } @_;
	return grep { $_ ne '' && !/^\(\d+ rows?\)$/ } @l;
}

# Does @$got match @$want from positions $g, $w ("..." lines and "..."
# inside lines as wildcards)?
sub matches
{
	my ($want, $w, $got, $g) = @_;
	return $g == @$got if $w == @$want;
	my $pat = $want->[$w];
	if ($pat =~ /^\s*\.\.\.\s*$/)
	{
		for my $k ($g .. scalar(@$got))
		{
			return 1 if matches($want, $w + 1, $got, $k);
		}
		return 0;
	}
	return 0 if $g >= @$got;
	my $re = join('.*', map { quotemeta } split(/\.\.\./, $pat, -1));
	return 0 unless $got->[$g] =~ /^$re$/;
	return matches($want, $w + 1, $got, $g + 1);
}

for my $n (0 .. $#blocks)
{
	my $b = $blocks[$n];
	my (@got) = normal(@{ $actual{$n} || [] });
	my $first = (split /\n/, $b->{sql})[0];
	my $name = "README line $b->{line}: $first";
	if ($ENV{README_RECORD})
	{
		diag "---- $name\n" . join("\n", @got);
	}
	if (!defined $actual{$n})
	{
		fail($name);
		diag 'the session ended before this block';
	}
	elsif (defined $b->{expected})
	{
		my @want = normal(@{ $b->{expected} });
		ok(matches(\@want, 0, \@got, 0), "$name: output as shown")
		  or diag "shown:\n" . join("\n", @want) . "\nprinted:\n" . join("\n", @got);
	}
	else
	{
		my @bad = grep { /^(ERROR|WARNING|FATAL|PANIC):/ } @got;
		ok(!@bad, "$name: runs without error")
		  or diag join("\n", @got);
	}
}

$node->stop;
done_testing();
