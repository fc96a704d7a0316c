package main

import (
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftpsdiag/ftpsdiag/report/explain"
)

// runExplain is `ftpsdiag explain "TEXT"`: offline, the likely causes of an
// error a client printed, most likely first, each with the command that
// would confirm it. Exit 0 when something matched, 1 when nothing did.
func runExplain(fs *pflag.FlagSet, stdout, stderr io.Writer) int {
	if fs.NArg() < 2 {
		return usage(stderr, usageError{`explain needs the text a client printed, e.g. ftpsdiag explain "curl: (35) wrong version number"`})
	}
	text := strings.Join(fs.Args()[1:], " ")
	matches := explain.Explain(text)
	explain.Write(stdout, text, matches)
	if len(matches) == 0 {
		return exitWarning
	}
	return exitOK
}
