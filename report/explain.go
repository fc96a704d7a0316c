package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// maxEcho caps the echoed input: a pasted log is matched whole but shown in part.
const maxEcho = 200

// WriteExplain renders what `ftpsdiag explain` found in text for humans:
// the (escaped) text, then for each match its rule and numbered causes,
// each with why, its fix (for any server, then in each server's own
// terms) and the command that would confirm it. A cause named again by a
// later match refers to its fix above rather than repeating it.
func WriteExplain(w io.Writer, text string, matches []result.ExplainMatch) {
	fmt.Fprintf(w, "text: %s\n", echo(text))
	if len(matches) == 0 {
		fmt.Fprintln(w, "no known cause for this text; run ftpsdiag HOST for a diagnosis")
		return
	}
	shown := map[string]bool{}
	for _, m := range matches {
		fmt.Fprintf(w, "\n%s:\n", m.Rule)
		for i, c := range m.Causes {
			note := ""
			if !c.Reported {
				note = " (not an ftpsdiag finding: read its evidence in the report)"
			}
			fmt.Fprintf(w, "  %d. %s%s\n     %s\n", i+1, c.ID, note, c.Why)
			writeFix(w, c, shown[c.ID])
			shown[c.ID] = true
			fmt.Fprintf(w, "     confirm: %s\n", c.Confirm)
		}
	}
}

// writeFix writes a cause's fix: the remedy for any server, then one line
// per server whose own setting the catalog names; only a pointer when the
// same cause's fix was written above.
func writeFix(w io.Writer, c result.ExplainCause, above bool) {
	if above {
		fmt.Fprintln(w, "     fix: see above")
		return
	}
	fmt.Fprintf(w, "     fix: %s\n", c.Fix)
	for _, f := range c.FixBy {
		fmt.Fprintf(w, "       %s: %s\n", f.Server, f.Fix)
	}
}

// echo is text made safe for a terminal and cut to maxEcho bytes.
func echo(text string) string {
	text = strings.TrimSpace(text)
	if len(text) <= maxEcho {
		return Sanitize(text)
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return Sanitize(text[:cut]) + " ..."
}
