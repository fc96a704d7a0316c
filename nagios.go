package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/report"
)

// nagiosStderr is standard error for a run asked for --format nagios.
// Nagios reads only standard output, and shows "(null)" for a plugin that
// printed nothing there: usage reports its error on stdout too, as the
// plugin's UNKNOWN line. Everything else written to it goes to stderr.
type nagiosStderr struct {
	io.Writer           // standard error
	stdout    io.Writer // where the UNKNOWN line goes
}

// forNagios wraps stderr when args ask for --format nagios. It reads args
// before the flags are parsed, so that a mistake in the flags, even one
// before --format, is reported the plugin's way.
func forNagios(args []string, stdout, stderr io.Writer) io.Writer {
	format := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--format="); ok {
			format = v
		} else if a == "--format" && i+1 < len(args) {
			format = args[i+1]
		}
	}
	if format != "nagios" {
		return stderr
	}
	return nagiosStderr{Writer: stderr, stdout: stdout}
}

// usage prints a one-line error with a hint and returns exit code 3; under
// --format nagios it is also the plugin's UNKNOWN line on stdout.
func usage(stderr io.Writer, err error) int {
	msg := fmt.Sprintf("%v (see ftpsdiag --help)", err)
	if n, ok := stderr.(nagiosStderr); ok {
		report.NagiosUnknown(n.stdout, msg)
	}
	fmt.Fprintf(stderr, "ftpsdiag: error: %s\n", msg)
	return exitUnknown
}
