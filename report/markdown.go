package report

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Markdown writes the results as one GitHub/GitLab-flavoured Markdown
// document, for pasting into an issue or a ticket: per target the verdict,
// the client verdicts and the findings first, then per attempt the
// timeline as a Mermaid sequence diagram (the text diagram folded under
// it), the certificate chain, protocol, TLS scan, data channel and policy
// tables. Several results get a summary table and a section each. The
// tables are the text report's, without colour; every text is escaped so
// that nothing a server sent becomes markup, a link, a mention or HTML.
func Markdown(w io.Writer, results []*result.Result) error {
	if err := checkResults(results); err != nil {
		return err
	}
	m := &mdDoc{}
	if len(results) == 1 {
		m.heading(2, "FTPS diagnosis: "+Sanitize(results[0].Target))
		m.result(results[0], 3)
	} else {
		m.fleet(results)
	}
	_, err := io.WriteString(w, m.b.String())
	return err
}

// mdDoc builds one Markdown document.
type mdDoc struct{ b strings.Builder }

// fleet writes the summary table of several results, then a section per
// target numbered as in the table.
func (m *mdDoc) fleet(results []*result.Result) {
	m.heading(2, fmt.Sprintf("FTPS diagnosis: %d targets", len(results)))
	rows := cellTexts(summaryRows(results))
	for i := range rows {
		rows[i] = append([]string{strconv.Itoa(i + 1)}, rows[i]...)
	}
	m.table(append([]string{"#"}, summaryHeader...), rows)
	for i, r := range results {
		m.heading(3, fmt.Sprintf("%d. %s", i+1, Sanitize(r.Target)))
		m.result(r, 4)
	}
}

// result writes one target's report, its sections at heading level h.
func (m *mdDoc) result(r *result.Result, h int) {
	m.para("**VERDICT: " + strings.ToUpper(mdEscape(string(statusOf(r)))) + "** — " + mdEscape(Sanitize(r.Verdict)))
	m.para(mdEscape(strings.Join(summaryLines(r), " · ")))
	if len(r.Clients) > 0 {
		m.heading(h, "Clients")
		m.table(clientHeader, cellTexts(clientRows(r.Clients)))
	}
	m.heading(h, "Findings")
	if len(r.Findings) == 0 {
		m.para("No findings.")
	} else {
		m.table(findingHeader, cellTexts(findingRows(r.Findings)))
	}
	if len(r.Ignored) > 0 {
		m.para("Ignored (--ignore): " + mdEscape(ignoredList(r.Ignored)))
	}
	if len(r.NotTested) > 0 {
		m.heading(h, "Not tested")
		items := notTestedPairs(r.NotTested)
		for i := range items {
			items[i][0] += ": "
		}
		m.list(items)
	}
	if len(r.Attempts) == 0 {
		m.para("No connection attempts recorded.")
	}
	for i := range r.Attempts {
		m.attempt(r, &r.Attempts[i], h)
	}
}

// attempt writes one attempt: its outcome, timelines, certificates,
// protocol, TLS scan and data channel, its parts at heading level h+1.
func (m *mdDoc) attempt(r *result.Result, a *result.Attempt, h int) {
	m.heading(h, attemptTitle(r, a))
	var lines [][2]string
	if a.DetectedBy != "" {
		lines = append(lines, [2]string{"detected by: ", Sanitize(a.DetectedBy)})
	}
	lines = append(lines, listItem(outcomeLine(a)))
	if a.Login != nil {
		lines = append(lines, listItem(loginLine(a.Login)))
	}
	m.list(lines)
	m.heading(h+1, "Timeline")
	m.timeline(a.Timeline, "Timeline as text")
	for _, au := range a.Audits {
		m.raw("<details><summary>Audit connection: " + html.EscapeString(Sanitize(au.Purpose)) + "</summary>\n\n")
		m.timeline(au.Timeline, "")
		m.raw("</details>\n\n")
	}
	m.certificates(a, h+1)
	m.heading(h+1, "Protocol")
	m.table([]string{"field", "value"}, fieldRows(append(ftpFields(a), tlsFields(a.TLS)...)))
	m.tlsScan(a.TLSScan, h+1)
	m.dataChannel(a.DataChannel, a.Policy, h+1)
}

// listItem is a marked line as a list item's label and text.
func listItem(l markedLine) [2]string {
	head := l.head + l.mark.text
	if l.text == "" {
		return [2]string{head, ""}
	}
	return [2]string{head + " — ", l.text}
}

// certificates writes the chain and our verification of it.
func (m *mdDoc) certificates(a *result.Attempt, h int) {
	if len(a.Certificates) == 0 {
		m.heading(h, "Certificate chain")
		m.para("No certificates received.")
		return
	}
	m.heading(h, chainTitle(a.Certificates))
	m.table(certHeader, certRows(a.Certificates))
	lines := verificationLines(a.Verification, plainText)
	for i := range lines {
		lines[i][0] = strings.TrimLeft(lines[i][0], " ")
	}
	m.list(lines)
}

// tlsScan writes the --scan audit, if there was one.
func (m *mdDoc) tlsScan(s *result.TLSScan, h int) {
	if s == nil {
		return
	}
	m.heading(h, "TLS scan")
	versions := scannedVersions(s.Versions)
	m.table(versionHeader, cellTexts(versionRows(versions)))
	if lacksTLS13(versions) {
		m.para("Note: the server does not accept TLS 1.3.")
	}
	for _, v := range versions {
		if v.Accepted {
			m.para(mdEscape(suitesCaption(v.VersionScan)))
			if len(v.Suites) > 0 {
				m.table(suiteHeader, cellTexts(suiteRows(v.Suites)))
			}
		}
	}
	m.list(scanCostLines(s))
}

// dataChannel writes the protected data connection test and the server
// policies the audit connections measured.
func (m *mdDoc) dataChannel(d *result.DataChannel, pol *result.Policy, h int) {
	if d == nil && pol == nil {
		return
	}
	m.heading(h, "Data channel")
	switch {
	case d == nil:
		m.para("Not attempted.")
	case !d.Attempted:
		m.para("Not attempted: " + mdEscape(orNone(d.NotAttempted)))
	default:
		m.table([]string{"data connection", "value"}, cellTexts(dataRows(d)))
	}
	m.heading(h, "Server policy")
	if pol == nil {
		m.para("Not tested.")
		return
	}
	m.table(policyHeader, cellTexts(policyRows(pol)))
}

// timeline writes events as a Mermaid sequence diagram followed by the
// text diagram, folded under fold when fold is not empty.
func (m *mdDoc) timeline(events []result.Event, fold string) {
	if len(events) == 0 {
		m.para("(no timeline recorded)")
		return
	}
	m.fenced("mermaid", strings.Join(mermaidSequence(events), "\n"))
	var buf bytes.Buffer
	newPrinter(&buf, Options{}).writeTimeline(events)
	if fold == "" {
		m.fenced("text", strings.TrimSuffix(buf.String(), "\n"))
		return
	}
	m.raw("<details><summary>" + fold + "</summary>\n\n")
	m.fenced("text", strings.TrimSuffix(buf.String(), "\n"))
	m.raw("</details>\n\n")
}

// fieldRows are (name, value) fields as two-cell rows.
func fieldRows(fields [][2]string) [][]string {
	rows := make([][]string, len(fields))
	for i, f := range fields {
		rows[i] = f[:]
	}
	return rows
}

// raw writes s as it is: markup of our own.
func (m *mdDoc) raw(s string) { m.b.WriteString(s) }

// heading writes a level-h heading; text is escaped.
func (m *mdDoc) heading(h int, text string) {
	m.raw(strings.Repeat("#", h) + " " + mdEscape(text) + "\n\n")
}

// para writes a paragraph of Markdown already escaped.
func (m *mdDoc) para(md string) { m.raw(md + "\n\n") }

// list writes (label, text) pairs as a bullet list, escaped.
func (m *mdDoc) list(items [][2]string) {
	for _, it := range items {
		m.raw("- " + mdEscape(it[0]+it[1]) + "\n")
	}
	m.raw("\n")
}

// table writes a Markdown table; each cell is escaped, its lines joined
// by <br>.
func (m *mdDoc) table(header []string, rows [][]string) {
	m.row(header)
	m.raw(strings.Repeat("|---", len(header)) + "|\n")
	for _, r := range rows {
		m.row(r)
	}
	m.raw("\n")
}

// row writes one table row.
func (m *mdDoc) row(cells []string) {
	for _, c := range cells {
		lines := strings.Split(c, "\n")
		for i, l := range lines {
			lines[i] = mdEscape(l)
		}
		m.raw("| " + strings.Join(lines, "<br>") + " ")
	}
	m.raw("|\n")
}

// fenced writes body in a fenced code block tagged lang, the fence longer
// than any run of backticks in body so that body cannot close it.
func (m *mdDoc) fenced(lang, body string) {
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	m.raw(fence + lang + "\n" + body + "\n" + fence + "\n\n")
}

// mdEscape makes one line of sanitized text literal in Markdown, in a
// paragraph or a table cell: Markdown punctuation is backslash-escaped
// (emphasis, code, links, tables, strikethrough, math; _ only where it
// could start or end emphasis), <, > and & become
// entities (no HTML, no entity of the server's), "://" and "www." are
// broken so that no bare URL becomes a link, and an @ or # starting a word
// is set as code so that it mentions no one and references no issue.
func mdEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		rest := s[i+n:]
		switch {
		case r == '_' && wordBefore(s[:i]) && wordNext(rest):
			b.WriteRune(r) // inside a word: never emphasis, and names read as they are
		case strings.ContainsRune("\\`*_[]|~$!", r):
			b.WriteString(`\` + string(r))
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == ':' && strings.HasPrefix(rest, "//"):
			b.WriteString(`:\/\/`)
			n += 2
		case (r == 'w' || r == 'W') && len(rest) >= 3 && strings.EqualFold(rest[:3], "ww.") && !wordBefore(s[:i]):
			b.WriteString(s[i:i+3] + `\.`)
			n += 3
		case (r == '@' || r == '#') && !wordBefore(s[:i]) && wordNext(rest):
			b.WriteString("`" + string(r) + "`")
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// wordBefore reports whether s ends in a letter or digit.
func wordBefore(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordNext reports whether s starts with a letter, digit or one of the
// characters a GitHub name or reference may start with.
func wordNext(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_'
}
