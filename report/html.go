package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// HTMLOptions control the HTML report.
type HTMLOptions struct {
	FormURL string // when set, a link back to the form that asked for the report (serve's web page)
}

//go:embed html.tmpl
var htmlSource string

// htmlTemplate escapes everything it inserts for its context (HTML text,
// attributes, SVG text), so server-supplied text never becomes markup.
var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// HTML writes one self-contained page (no external scripts, fonts or
// styles; a Content-Security-Policy that forbids script) for one or more
// results: per target the verdict and what to change, the client
// verdicts, each attempt's timeline as an SVG sequence diagram and its
// tables, and the findings; for several targets a summary table first.
func HTML(w io.Writer, results []*result.Result, o HTMLOptions) error {
	if err := checkResults(results); err != nil {
		return err
	}
	page := htmlPage{FormURL: o.FormURL, Title: "FTPS diagnosis: " + plural(len(results), "target")}
	for i, r := range results {
		page.Targets = append(page.Targets, newHTMLTarget(r, "target-"+strconv.Itoa(i+1)))
	}
	if len(results) == 1 {
		page.Title = "FTPS diagnosis: " + Sanitize(results[0].Target)
	} else {
		for i, row := range mapRows(summaryRows(results), htmlCellOf) {
			page.Fleet = append(page.Fleet, htmlFleetRow{Anchor: page.Targets[i].Anchor, Target: row[0].Text, Cells: row[1:]})
		}
	}
	if err := htmlTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// htmlPage is what the template renders.
type htmlPage struct {
	Title   string
	FormURL string
	Fleet   []htmlFleetRow // one row per target; empty for one target
	Targets []htmlTarget
}

// htmlFleetRow is one target in the summary of several: the text
// summary's row, its target linked to the target's section.
type htmlFleetRow struct {
	Anchor, Target string
	Cells          []htmlCell // the columns after the target
}

// htmlCell is a table cell for the template: its text and its tone as a
// class.
type htmlCell struct{ Text, Tone string }

// htmlCellOf is c for the template.
func htmlCellOf(c cell) htmlCell { return htmlCell{Text: c.text, Tone: string(c.tone)} }

// htmlMarked is a marked line for the template.
type htmlMarked struct {
	Head string
	Mark htmlCell
	Text string
}

// htmlMarkedOf is m for the template.
func htmlMarkedOf(m markedLine) *htmlMarked {
	return &htmlMarked{Head: m.head, Mark: htmlCellOf(m.mark), Text: m.text}
}

// htmlTarget is one diagnosis: the verdict and what to change first, then
// the details.
type htmlTarget struct {
	Anchor    string
	Target    string
	About     []string // the text report's summary lines: tool, target, host, server name; start, duration
	Status    string   // ok, warning, critical, unknown
	Headline  string   // the status in plain words
	NoActions string   // what to say when no finding names a change
	Verdict   string
	Actions   []htmlFinding // warnings and criticals, worst first: what to change
	Clients   [][]htmlCell
	Attempts  []htmlAttempt
	Findings  []htmlFinding
	Ignored   []htmlFinding
	NotTested [][2]string // (ID, detail)
}

// htmlFinding is a finding, sanitized.
type htmlFinding struct {
	Severity, ID, Title, Stage, Evidence, Remedy string
}

// newHTMLTarget gathers what the page shows of r.
func newHTMLTarget(r *result.Result, anchor string) htmlTarget {
	t := htmlTarget{
		Anchor: anchor, Target: Sanitize(r.Target), Status: string(statusOf(r)),
		Verdict: Sanitize(r.Verdict), About: summaryLines(r),
		Findings: htmlFindings(r.Findings), Ignored: htmlFindings(r.Ignored),
	}
	t.Headline, t.NoActions = headline(statusOf(r))
	for _, f := range t.Findings {
		if f.Severity != string(result.SeverityInfo) {
			t.Actions = append(t.Actions, f)
		}
	}
	t.Clients = mapRows(clientRows(r.Clients), htmlCellOf)
	for i := range r.Attempts {
		t.Attempts = append(t.Attempts, newHTMLAttempt(r, &r.Attempts[i]))
	}
	t.NotTested = notTestedPairs(r.NotTested)
	return t
}

// headline says what a status means for someone who does not know FTPS,
// and what to say when no finding names a setting to change.
func headline(s result.Status) (head, noActions string) {
	switch s {
	case result.StatusOK:
		return "FTPS works: nothing needs changing", "Nothing on the server needs changing."
	case result.StatusWarning:
		return "FTPS works, but some settings need changing", "No finding names a setting to change."
	case result.StatusCritical:
		return "FTPS is broken or unsafe: a setting must change", "No finding names a setting to change."
	}
	return "The diagnosis could not tell whether FTPS works",
		"The diagnosis did not get far enough to name a setting to change: the reason is above."
}

// htmlFindings are the findings worst first, sanitized.
func htmlFindings(fs []result.Finding) []htmlFinding {
	var out []htmlFinding
	for _, f := range sortedFindings(fs) {
		out = append(out, htmlFinding{
			Severity: Sanitize(string(f.Severity)), ID: Sanitize(f.ID), Title: sanitizeLines(f.Title),
			Stage: findingStage(f), Evidence: sanitizeLines(f.Evidence), Remedy: sanitizeLines(f.Remedy),
		})
	}
	return out
}
