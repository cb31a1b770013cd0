#!/usr/bin/perl
# Raw TCP clients for what curl cannot do: hold connections open without a request,
# reset one (SO_LINGER 0), and read the gateway's own gauges between steps. Every wait
# is on a condition with a deadline. Prints "# ..." lines; exits 1 naming what failed.
#   perl client.pl cap PORT MAX
#   perl client.pl abandon PORT ENTERPRISE_PID
#   perl client.pl stop PORT ENTERPRISE_PID STOP_COMMAND START_COMMAND
use strict;
use warnings;
use Socket qw(PF_INET SOCK_STREAM SOL_SOCKET SO_LINGER inet_aton sockaddr_in);
use Time::HiRes qw(time);

my ($mode, $port, @args) = @ARGV;
die "usage: client.pl cap|abandon|stop PORT ...\n" unless $mode && $port;
my $stopped_pid; # a process this script stopped: continued whatever happens
END { kill 'CONT', $stopped_pid if $stopped_pid; }

sub fail { print "# FAIL: $_[0]\n"; exit 1; }

sub open_conn {
	socket(my $s, PF_INET, SOCK_STREAM, 0) or fail("socket: $!");
	connect($s, sockaddr_in($port, inet_aton('127.0.0.1'))) or fail("connect: $!");
	return $s;
}

sub get_request {
	my ($path, $id) = @_;
	return "GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: $id\r\n\r\n";
}

# Everything the peer sends until it closes (or the deadline).
sub read_all {
	my ($s, $secs) = @_;
	my ($buf, $deadline) = ('', time + $secs);
	while (time < $deadline) {
		my $rin = '';
		vec($rin, fileno($s), 1) = 1;
		last unless select(my $rout = $rin, undef, undef, $deadline - time);
		my $n = sysread($s, $buf, 65536, length $buf);
		last unless $n; # EOF or reset
	}
	return $buf;
}

# One response on a kept-alive connection: headers and Content-Length bytes.
sub read_response {
	my ($s, $secs) = @_;
	my ($buf, $deadline) = ('', time + $secs);
	while (time < $deadline) {
		if ($buf =~ /\r\n\r\n/ && $buf =~ /Content-Length: (\d+)/i) {
			my $want = $1 + index($buf, "\r\n\r\n") + 4;
			return $buf if length $buf >= $want;
		}
		my $rin = '';
		vec($rin, fileno($s), 1) = 1;
		last unless select(my $rout = $rin, undef, undef, $deadline - time);
		last unless sysread($s, $buf, 65536, length $buf);
	}
	return $buf;
}

# The gateway's gauge NAME, from a fresh connection (undef when not served).
sub gauge {
	my ($name) = @_;
	my $s = open_conn();
	syswrite($s, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
	my $r = read_all($s, 10);
	close $s;
	return $r =~ /^\Q$name\E (\d+)$/m ? $1 : undef;
}

# Waits until gauge NAME equals WANT (the scrape's own request and connection counted).
sub wait_gauge {
	my ($name, $want, $secs) = @_;
	my ($deadline, $v) = (time + $secs);
	while (time < $deadline) {
		$v = gauge($name);
		return if defined $v && $v == $want;
		select(undef, undef, undef, 0.05);
	}
	fail("$name is " . ($v // 'unreadable') . ", expected $want within ${secs}s");
}

sub status_of { return $_[0] =~ m{^HTTP/1\.[01] (\d{3})} ? $1 : 'none'; }

if ($mode eq 'cap') {
	my ($max) = @args;
	# Only the scrape itself: whatever connected before has been closed and counted out.
	wait_gauge('gateway_connections_open', 1, 20);
	my @held = map { open_conn() } 1 .. $max;
	my $extra = open_conn();
	my $r = read_all($extra, 10);
	close $extra;
	my $st = status_of($r);
	$st eq '503' or fail("connection " . ($max + 1) . " over the cap of $max: status $st, expected 503");
	$r =~ /Retry-After: \d+/i or fail('the 503 carries no Retry-After');
	$r =~ /"code":"TOO_MANY_CONNECTIONS"/ or fail("the 503 is not the JSON error: $r");
	print "# connection ", $max + 1, " refused: 503 TOO_MANY_CONNECTIONS with Retry-After, then closed\n";
	for my $i (0, $max - 1) {
		syswrite($held[$i], get_request('/healthz', "cap-held-$i-aaaa"));
		my $st2 = status_of(read_response($held[$i], 10));
		$st2 eq '200' or fail("held connection $i: status $st2, expected 200");
	}
	print "# the $max connections under the cap are still served (200)\n";
	close $_ for @held;
	my ($deadline, $st3) = (time + 20, 'none');
	while (time < $deadline) {
		my $s = open_conn();
		syswrite($s, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
		$st3 = status_of(read_all($s, 10));
		close $s;
		last if $st3 eq '200';
		select(undef, undef, undef, 0.05);
	}
	$st3 eq '200' or fail("after the held connections closed: status $st3, expected 200");
	print "# once they closed, a new connection is accepted (200)\n";
	exit 0;
}

my $path = '/api/v1/regions?parent=430000';
if ($mode eq 'abandon') {
	my ($pid) = @args;
	wait_gauge('gateway_requests_in_progress', 1, 20);
	kill 'STOP', $pid or fail("cannot stop $pid");
	$stopped_pid = $pid;
	my $s = open_conn();
	syswrite($s, get_request($path, "abandon-reset-$$"));
	# The call is out (the service cannot answer): this request and the scrape.
	wait_gauge('gateway_requests_in_progress', 2, 20);
	setsockopt($s, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0)) or fail("SO_LINGER: $!");
	close $s; # a reset, not a FIN
	print "# a client reset its connection while its call was out\n";
	kill 'CONT', $pid;
	$stopped_pid = undef;
	# The reply meets the reset connection; evhttp frees request and connection.
	wait_gauge('gateway_requests_in_progress', 1, 30);
	wait_gauge('gateway_connections_open', 1, 30);
	print "# its request and connection were freed once the service answered\n";
	exit 0;
}

if ($mode eq 'stop') {
	my ($pid, $stop, $start) = @args;
	wait_gauge('gateway_requests_in_progress', 1, 20);
	kill 'STOP', $pid or fail("cannot stop $pid");
	$stopped_pid = $pid;
	my $s = open_conn();
	syswrite($s, get_request($path, "abandon-stop-$$"));
	wait_gauge('gateway_requests_in_progress', 2, 20);
	print "# a call is out; the gateway stops (its close callback runs with the call out)\n";
	system('sh', '-c', $stop) == 0 or fail("failed: $stop");
	my $r = read_all($s, 10);
	close $s;
	kill 'CONT', $pid;
	$stopped_pid = undef;
	my $st = status_of($r);
	$st eq 'none' or fail("the stopped gateway answered $st; expected a close without a reply");
	print "# the client saw its connection closed without a reply\n";
	system('sh', '-c', $start) == 0 or fail("failed: $start");
	exit 0;
}
fail("unknown mode $mode");
