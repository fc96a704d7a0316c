package report

import (
	"strings"

	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// writeClients writes whether each client family would work: one compact
// row per family, in the order the result gives them.
func (p *printer) writeClients(cs []result.ClientVerdict) {
	if len(cs) == 0 {
		return
	}
	p.line("")
	p.rule("clients")
	p.writeTable(clientHeader, p.pal.clientRows(cs), tw.Off)
}

// clientHeader heads the client verdicts table.
var clientHeader = []string{"client", "verdict", "reasons", "detail"}

// clientRows are the client verdicts as table rows, server text sanitized.
func (p palette) clientRows(cs []result.ClientVerdict) [][]string {
	rows := make([][]string, len(cs))
	for i, c := range cs {
		reasons := make([]string, len(c.Reasons))
		for j, r := range c.Reasons {
			reasons[j] = Sanitize(r)
		}
		rows[i] = []string{
			Sanitize(c.Client),
			p.clientVerdict(Sanitize(c.Verdict)),
			strings.Join(reasons, "\n"),
			sanitizeLines(c.Detail),
		}
	}
	return rows
}

// clientVerdict colours a client verdict: fails red, at-risk yellow,
// works green, unknown plain.
func (p palette) clientVerdict(v string) string {
	var c *color.Color
	switch v {
	case "fails":
		c = p.critical
	case "at-risk":
		c = p.warning
	case "works":
		c = p.ok
	default:
		return v
	}
	return c.Sprint(v)
}
