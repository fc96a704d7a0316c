#!/usr/bin/perl
# Reads a plugin's output on standard input and prints, for each item of
# the performance data on its first line as Debian's Monitoring::Plugin
# (libmonitoring-plugin-perl) parses it, one tab-separated line: label,
# value, unit, warning and critical ranges, minimum, and the state its own
# thresholds give its value (0 OK, 1 WARNING, 2 CRITICAL).
use strict;
use warnings;
use Monitoring::Plugin::Performance;

my $line = <STDIN>;
die "no output\n" unless defined $line;
chomp $line;
my (undef, $perf) = split /\|/, $line, 2;
die "no performance data in: $line\n" unless defined $perf;
for my $p (Monitoring::Plugin::Performance->parse_perfstring($perf)) {
	print join("\t", $p->label, $p->value, $p->uom, $p->warning // "", $p->critical // "",
		$p->min // "", $p->threshold->get_status($p->value)), "\n";
}
