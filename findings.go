package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// findingInfo is one entry of `ftpsdiag findings --format json`.
type findingInfo struct {
	ID       string          `json:"id"`       // the id findings[].id and --ignore use
	Severity result.Severity `json:"severity"` // its severity when reported
	Stage    string          `json:"stage"`    // the step it belongs to
	Title    string          `json:"title"`    // one line: what is wrong
}

// runFindings is `ftpsdiag findings`: every finding id ftpsdiag reports,
// with its severity, stage and title, from the catalog (probe/cause), in
// the README's order; one a line, or a JSON array with --format json.
func runFindings(fs *pflag.FlagSet, o *options, stdout, stderr io.Writer) int {
	if fs.NArg() != 1 {
		return usage(stderr, usageError{"findings takes no argument"})
	}
	var list []findingInfo
	width := 0
	for _, id := range cause.Reported() {
		c := id.Cause()
		list = append(list, findingInfo{ID: id.String(), Severity: c.Severity, Stage: c.Stage, Title: c.Title})
		width = max(width, len(id.String()))
	}
	switch o.format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			fmt.Fprintf(stderr, "ftpsdiag: error: writing the list: %v\n", err)
			return exitUnknown
		}
	case "text":
		for _, f := range list {
			fmt.Fprintf(stdout, "%-*s  %-8s  %-11s  %s\n", width, f.ID, f.Severity, f.Stage, f.Title)
		}
	default:
		return usage(stderr, usageError{fmt.Sprintf("findings --format %s: want text or json", o.format)})
	}
	return exitOK
}
