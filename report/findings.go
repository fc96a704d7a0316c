package report

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// writeFindings writes the findings worst first, keeping the given order
// within a severity.
func (p *printer) writeFindings(findings []result.Finding) {
	if len(findings) == 0 {
		p.line("no findings")
		return
	}
	sorted := slices.Clone(findings)
	slices.SortStableFunc(sorted, func(a, b result.Finding) int {
		return cmp.Compare(b.Severity.Rank(), a.Severity.Rank())
	})
	rows := make([][]string, len(sorted))
	for i, f := range sorted {
		rows[i] = p.findingRow(f)
	}
	p.writeTable([]string{"severity", "finding", "stage", "evidence", "remedy"}, rows, tw.On)
}

// findingRow is one finding as table cells; server text is sanitized line
// by line so a multi-line reply stays multi-line.
func (p *printer) findingRow(f result.Finding) []string {
	stage := Sanitize(f.Stage)
	if f.Mode != "" {
		stage += "\n" + Sanitize(string(f.Mode)) + ":" + strconv.Itoa(f.Port)
	}
	return []string{
		p.pal.severity(f.Severity).Sprint(Sanitize(string(f.Severity))),
		Sanitize(f.ID) + "\n" + sanitizeLines(f.Title),
		stage,
		sanitizeLines(f.Evidence),
		sanitizeLines(f.Remedy),
	}
}
