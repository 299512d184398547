# Helpers shared by partman's TAP tests.
package PartmanTest;

use strict;
use warnings;

use Test::More;
use Time::HiRes qw(time usleep);

# Poll $query in $db on $node until it returns $expected (default 't'), for
# at most $timeout seconds.  Unlike poll_query_until the deadline is the
# test's own, so "within one interval" can fail.  Returns 1 on success, else
# 0 (and prints the last output).
sub wait_until
{
	my ($node, $db, $query, $timeout, $expected) = @_;
	$expected = 't' unless defined $expected;
	my $deadline = time() + $timeout;
	my ($out, $err) = ('', '');
	while (1)
	{
		my $ret;
		($ret, $out, $err) = $node->psql($db, $query);
		return 1 if $ret == 0 && $out eq $expected;
		last if time() > $deadline;
		usleep(50_000);
	}
	diag "waited ${timeout}s for: $query\nexpected: $expected\nlast output: $out\nstderr: $err";
	return 0;
}

1;
