package report

import (
	"strings"

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
	p.writeTable(clientHeader, mapRows(clientRows(cs), p.paint), tw.Off)
}

// clientHeader heads the client verdicts table.
var clientHeader = []string{"client", "verdict", "reasons", "detail"}

// clientRows are the client verdicts as table rows, server text sanitized.
func clientRows(cs []result.ClientVerdict) [][]cell {
	rows := make([][]cell, len(cs))
	for i, c := range cs {
		rows[i] = clientRow(c)
	}
	return rows
}

// clientRow is one client family's verdict as table cells.
func clientRow(c result.ClientVerdict) []cell {
	reasons := make([]string, len(c.Reasons))
	for j, r := range c.Reasons {
		reasons[j] = Sanitize(r)
	}
	return []cell{
		{text: Sanitize(c.Client)},
		{Sanitize(c.Verdict), verdictTone(c.Verdict)},
		{text: strings.Join(reasons, "\n")},
		{text: sanitizeLines(c.Detail)},
	}
}

// verdictTone is the tone of a client verdict: fails critical, at-risk
// warning, works ok, unknown plain.
func verdictTone(v string) tone {
	switch v {
	case "fails":
		return toneCritical
	case "at-risk":
		return toneWarning
	case "works":
		return toneOK
	}
	return plain
}
