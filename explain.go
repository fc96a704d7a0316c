package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftpsdiag/ftpsdiag/probe/clients"
	"github.com/ftpsdiag/ftpsdiag/report"
)

// maxExplainInput bounds the text explain matches: the lines around an
// error, not a whole log (every rule scans all of it: 64 KiB take about
// 0.4 s).
const maxExplainInput = 64 << 10

// runExplain is `ftpsdiag explain "TEXT"` (or `-`, the text from standard
// input): offline, the likely causes of an error a client printed, most
// likely first, each with the command that would confirm it. Exit 0 when
// something matched, 1 when nothing did.
func runExplain(fs *pflag.FlagSet, stdin io.Reader, stdout, stderr io.Writer) int {
	if fs.NArg() < 2 {
		return usage(stderr, usageError{`explain needs the text a client printed, e.g. ftpsdiag explain "curl: (35) wrong version number", or - to read it from standard input`})
	}
	text := strings.Join(fs.Args()[1:], " ")
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxExplainInput+1))
		switch {
		case err != nil:
			return usage(stderr, usageError{fmt.Sprintf("reading standard input: %v", err)})
		case strings.TrimSpace(string(b)) == "":
			return usage(stderr, usageError{"explain -: standard input is empty"})
		}
		text = string(b)
	}
	if len(text) > maxExplainInput {
		return usage(stderr, usageError{fmt.Sprintf("the text is over %d bytes: paste the lines around the error", maxExplainInput)})
	}
	matches := clients.Explain(text)
	report.WriteExplain(stdout, text, matches)
	if len(matches) == 0 {
		return exitWarning
	}
	return exitOK
}
