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
// the (escaped) text, then for each match its rule and numbered causes with
// the command that would confirm each.
func WriteExplain(w io.Writer, text string, matches []result.ExplainMatch) {
	fmt.Fprintf(w, "text: %s\n", echo(text))
	if len(matches) == 0 {
		fmt.Fprintln(w, "no known cause for this text; run ftpsdiag HOST for a diagnosis")
		return
	}
	for _, m := range matches {
		fmt.Fprintf(w, "\n%s:\n", m.Rule)
		for i, c := range m.Causes {
			note := ""
			if !c.Reported {
				note = " (not an ftpsdiag finding: read its evidence in the report)"
			}
			fmt.Fprintf(w, "  %d. %s%s\n     %s\n     confirm: %s\n", i+1, c.ID, note, c.Why, c.Confirm)
		}
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
