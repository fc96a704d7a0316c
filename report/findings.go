package report

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// findingHeader heads the findings table.
var findingHeader = []string{"severity", "finding", "stage", "evidence", "remedy"}

// writeFindings writes the findings worst first, keeping the given order
// within a severity.
func (p *printer) writeFindings(findings []result.Finding) {
	if len(findings) == 0 {
		p.line("no findings")
		return
	}
	p.writeTable(findingHeader, p.pal.findingRows(findings), tw.On)
}

// findingRows are the findings as table rows, worst first, keeping the
// given order within a severity.
func (p palette) findingRows(findings []result.Finding) [][]string {
	sorted := slices.Clone(findings)
	slices.SortStableFunc(sorted, func(a, b result.Finding) int {
		return cmp.Compare(b.Severity.Rank(), a.Severity.Rank())
	})
	rows := make([][]string, len(sorted))
	for i, f := range sorted {
		rows[i] = p.findingRow(f)
	}
	return rows
}

// findingRow is one finding as table cells; server text is sanitized line
// by line so a multi-line reply stays multi-line.
func (p palette) findingRow(f result.Finding) []string {
	stage := Sanitize(f.Stage)
	if f.Mode != "" {
		stage += "\n" + Sanitize(string(f.Mode)) + ":" + strconv.Itoa(f.Port)
	}
	return []string{
		p.severity(f.Severity).Sprint(Sanitize(string(f.Severity))),
		Sanitize(f.ID) + "\n" + sanitizeLines(f.Title),
		stage,
		sanitizeLines(f.Evidence),
		sanitizeLines(f.Remedy),
	}
}
