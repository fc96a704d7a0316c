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
	p.writeTable(findingHeader, mapRows(findingRows(findings), p.paint), tw.On)
}

// findingRows are the findings as table rows, worst first, keeping the
// given order within a severity.
func findingRows(findings []result.Finding) [][]cell {
	sorted := sortedFindings(findings)
	rows := make([][]cell, len(sorted))
	for i, f := range sorted {
		rows[i] = findingRow(f)
	}
	return rows
}

// sortedFindings is findings worst first, keeping the given order within a
// severity.
func sortedFindings(findings []result.Finding) []result.Finding {
	sorted := slices.Clone(findings)
	slices.SortStableFunc(sorted, func(a, b result.Finding) int {
		return cmp.Compare(b.Severity.Rank(), a.Severity.Rank())
	})
	return sorted
}

// findingRow is one finding as table cells, the severity in its tone;
// server text is sanitized line by line so a multi-line reply stays
// multi-line.
func findingRow(f result.Finding) []cell {
	return []cell{
		{Sanitize(string(f.Severity)), tone(f.Severity)},
		{text: Sanitize(f.ID) + "\n" + sanitizeLines(f.Title)},
		{text: findingStage(f)},
		{text: sanitizeLines(f.Evidence)},
		{text: sanitizeLines(f.Remedy)},
	}
}

// findingStage is where a finding happened and, when it concerns one
// attempt, that attempt's mode and port.
func findingStage(f result.Finding) string {
	stage := Sanitize(f.Stage)
	if f.Mode != "" {
		stage += "\n" + Sanitize(string(f.Mode)) + ":" + strconv.Itoa(f.Port)
	}
	return stage
}
