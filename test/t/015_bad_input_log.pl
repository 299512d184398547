# The hostile-input and security files of the regression suite (14_bad_input,
# 15_security) on a cluster of their own, and then the server log: no backend
# crashed (no "terminated by signal", no PANIC, no failed assertion), none of
# the 150+ bad calls was an internal error, and the server never restarted.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PartmanTest;

# make installcheck runs prove from the source tree
my $src = $ENV{PARTMAN_SRC} // '.';
my $node = PartmanTest::node('bad_input_log', conf => "log_error_verbosity = verbose\n");
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

for my $file ('14_bad_input', '15_security')
{
	my ($ret, $out, $err) = $node->psql('postgres', undef,
		extra_params => [ '-f', "$src/test/sql/$file.sql" ]);
	is($ret, 0, "$file runs to its end");
	unlike($err, qr/server closed the connection|connection to server was lost/,
		"$file: the connection was never lost");
	if ($file eq '14_bad_input')
	{
		# bad_calls | functions | succeeded | internal_errors
		like($out, qr/^\s*1[5-9]\d\s*\|\s*21\s*\|\s*0\s*\|\s*0\s*$/m, '14_bad_input: no call succeeded, none was XX000');
	}
}

my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|server process .* was terminated/, 'no backend crashed');
unlike($log, qr/PANIC:|TRAP:/, 'no PANIC, no failed assertion');
unlike($log, qr/ERROR:\s+XX000/, 'no internal error (XX000) in the log');
is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $started,
	'the server never restarted');
$node->stop;
done_testing();
