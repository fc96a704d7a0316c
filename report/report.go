// Package report renders a diagnosis result as a terminal report (timeline
// diagram and tables) or as JSON.
package report

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Options control the text report.
type Options struct {
	Color bool // ANSI colour on (caller decides: terminal and no NO_COLOR and no --no-color)
	Width int  // terminal width for the timeline; 0 = 100
}

// Text writes the human report: per attempt a header, the timeline, the
// certificate chain and the protocol details; then the findings, the
// client verdicts and the verdict.
func Text(w io.Writer, r *result.Result, o Options) error {
	if r == nil {
		return errors.New("report: nil result")
	}
	p := newPrinter(w, o)
	p.writeSummary(r)
	if len(r.Attempts) == 0 {
		p.line("")
		p.line("no connection attempts recorded")
	}
	for i := range r.Attempts {
		p.writeAttempt(r, &r.Attempts[i])
	}
	p.line("")
	p.rule("findings")
	p.writeFindings(r.Findings)
	p.writeIgnored(r.Ignored)
	p.writeClients(r.Clients)
	p.writeNotTested(r.NotTested)
	p.line("")
	p.writeVerdict(r)
	return p.err
}

// checkResults refuses what the page and the document of several results
// cannot render: no result at all, or a nil one among them.
func checkResults(results []*result.Result) error {
	if len(results) == 0 || slices.Contains(results, nil) {
		return errors.New("report: no result")
	}
	return nil
}

// writeIgnored lists the findings accepted with --ignore: shown, not
// counted.
func (p *printer) writeIgnored(ignored []result.Finding) {
	if len(ignored) == 0 {
		return
	}
	p.wrapped("ignored (--ignore): ", ignoredList(ignored))
}

// ignoredList is e.g. "cert-self-signed (critical), tls13-unsupported (info)".
func ignoredList(ignored []result.Finding) string {
	ids := make([]string, len(ignored))
	for i, f := range ignored {
		ids[i] = Sanitize(f.ID) + " (" + Sanitize(string(f.Severity)) + ")"
	}
	return strings.Join(ids, ", ")
}

// writeNotTested lists what this run could not show, one line each.
func (p *printer) writeNotTested(nt []result.NotTested) {
	if len(nt) == 0 {
		return
	}
	p.line("")
	p.rule("not tested")
	for _, n := range notTestedPairs(nt) {
		p.wrapped(n[0]+": ", n[1])
	}
}

// notTestedPairs are what the run could not show as (ID, detail) pairs,
// sanitized.
func notTestedPairs(nt []result.NotTested) [][2]string {
	pairs := make([][2]string, len(nt))
	for i, n := range nt {
		pairs[i] = [2]string{Sanitize(n.ID), Sanitize(n.Detail)}
	}
	return pairs
}

// printer writes one text report, remembering the first write error.
type printer struct {
	w     io.Writer
	err   error
	width int
	pal   palette
}

// newPrinter writes to w at o.Width columns (defaultWidth when 0, never
// fewer than minWidth), in colour if o.Color.
func newPrinter(w io.Writer, o Options) *printer {
	n := o.Width
	if n == 0 {
		n = defaultWidth
	}
	return &printer{w: w, width: max(n, minWidth), pal: newPalette(o.Color)}
}

// Write lets tables render through the printer; after a failure it only
// returns the first error.
func (p *printer) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	p.err = err
	return n, err
}

// line writes s and a newline.
func (p *printer) line(s string) {
	_, _ = io.WriteString(p, s+"\n")
}

// fail records err unless an earlier error is already recorded.
func (p *printer) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// rule writes a section heading drawn across the width.
func (p *printer) rule(title string) { p.ruleOf("━", title) }

// ruleOf writes a heading: two bars, the title wrapped to the width, and
// bars to the end of its last line.
func (p *printer) ruleOf(bar, title string) {
	lead := bar + bar + " "
	lines := wrapText(title, p.width-width(lead)-1)
	for i, l := range lines {
		head := lead + l + " "
		if i > 0 {
			head = pad("", width(lead)) + l + " "
		}
		if i == len(lines)-1 {
			head += strings.Repeat(bar, max(p.width-width(head), 0))
		}
		p.line(p.pal.heading.Sprint(strings.TrimRight(head, " ")))
	}
}

// writeSummary names the target and the run.
func (p *printer) writeSummary(r *result.Result) {
	for _, l := range summaryLines(r) {
		p.wrapped("", l)
	}
}

// summaryLines name the tool, the target and the run, sanitized.
func summaryLines(r *result.Result) []string {
	host := r.Host
	if host == r.Target {
		host = ""
	}
	started := ""
	if !r.StartedAt.IsZero() {
		started = "started " + r.StartedAt.Format(time.RFC3339)
	}
	return []string{
		joinNonEmpty(" · ", Sanitize(r.Tool), labelled("target", r.Target), labelled("host", host), labelled("server name", r.ServerName)),
		joinNonEmpty(" · ", started, fmt.Sprintf("took %.1f ms", r.DurationMS), plural(len(r.Attempts), "attempt")),
	}
}

// writeAttempt writes one attempt: header, outcome and login, the
// timeline and those of its audit connections, certificates, protocol, TLS
// scan and data channel.
func (p *printer) writeAttempt(r *result.Result, a *result.Attempt) {
	p.line("")
	p.rule(attemptTitle(r, a))
	if a.DetectedBy != "" {
		p.wrapped("detected by: ", Sanitize(a.DetectedBy))
	}
	p.writeOutcome(a)
	p.writeLogin(a.Login)
	p.line("")
	p.writeTimeline(a.Timeline)
	p.writeAudits(a.Audits)
	p.line("")
	p.writeCertificates(a)
	p.line("")
	p.writeProtocol(a)
	p.writeTLSScan(a.TLSScan)
	p.writeDataChannel(a.DataChannel, a.Policy)
}

// attemptTitle is e.g. "explicit FTPS  127.0.0.1:21  (vsftpd)".
func attemptTitle(r *result.Result, a *result.Attempt) string {
	addr := a.Address
	if addr == "" {
		addr = net.JoinHostPort(r.Host, strconv.Itoa(a.Port))
	}
	server := ""
	if a.Server != "" {
		server = "(" + Sanitize(a.Server) + ")"
	}
	return joinNonEmpty("  ", Sanitize(string(a.Mode))+" FTPS", Sanitize(addr), server)
}

// subhead writes the title of a part of an attempt.
func (p *printer) subhead(title string) {
	p.line(p.pal.heading.Sprint(title))
}

// outcomeLine is whether the attempt worked and, if not, where it stopped.
func outcomeLine(a *result.Attempt) markedLine {
	if a.OK {
		return markedLine{"result: ", okCell(true), "TLS on the control connection works"}
	}
	return markedLine{"result: ", okCell(false), Sanitize(a.Error)}
}

// loginLine is who logged in and what the server answered; the password
// is never in the result.
func loginLine(l *result.Login) markedLine {
	user := Sanitize(l.User)
	if l.Anonymous && l.User != "anonymous" {
		user += " (anonymous)"
	}
	return markedLine{"login as " + user + ": ", okCell(l.OK), Sanitize(l.Reply)}
}

// writeOutcome says whether the attempt worked and, if not, where it stopped.
func (p *printer) writeOutcome(a *result.Attempt) { p.writeMarked(outcomeLine(a)) }

// writeLogin says who logged in and what the server answered.
func (p *printer) writeLogin(l *result.Login) {
	if l != nil {
		p.writeMarked(loginLine(l))
	}
}

// writeMarked writes a marked line as a statement, its mark coloured.
func (p *printer) writeMarked(m markedLine) { p.statement(m.head+p.paint(m.mark), m.text) }

// writeVerdict writes the verdict: one line unless it is wider than the
// report.
func (p *printer) writeVerdict(r *result.Result) {
	status := statusOf(r)
	p.statement(p.pal.status(status).Sprint("VERDICT: "+strings.ToUpper(Sanitize(string(status)))), Sanitize(r.Verdict))
}

// statusOf is r's status, unknown when unset.
func statusOf(r *result.Result) result.Status {
	if r.Status == "" {
		return result.StatusUnknown
	}
	return r.Status
}

// labelled is "label value", or "" when value is empty.
func labelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + " " + Sanitize(value)
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, s := range parts {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, sep)
}

// plural is "1 attempt", "2 attempts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// statement writes "head — text", or only head when there is no text.
func (p *printer) statement(head, text string) {
	if text == "" {
		p.line(head)
		return
	}
	p.wrapped(head+" — ", text)
}

// wrapped writes prefix and text wrapped to the width, continuation lines
// indented under the text.
func (p *printer) wrapped(prefix, text string) {
	if width(prefix) > p.width/2 { // a head as long as a line (a long user name): the text goes under it
		for _, l := range wrapText(prefix, p.width) {
			p.line(l)
		}
		prefix = "    "
	}
	indent := strings.Repeat(" ", width(prefix))
	for i, l := range wrapText(text, p.width-width(prefix)) {
		if i == 0 {
			p.line(prefix + l)
		} else {
			p.line(indent + l)
		}
	}
}
