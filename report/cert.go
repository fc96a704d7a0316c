package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

const (
	dateLayout = "2006-01-02"
	maxSANs    = 8 // SANs listed per certificate; the rest are counted
)

// certHeader heads the certificate chain table.
var certHeader = []string{"#", "subject", "issuer", "SANs", "validity", "key\nsignature"}

// writeCertificates writes the chain the server sent, one row per
// certificate, then our verification of it.
func (p *printer) writeCertificates(a *result.Attempt) {
	if len(a.Certificates) == 0 {
		p.line("certificates: none received")
		return
	}
	p.subhead(chainTitle(a.Certificates))
	p.writeTable(certHeader, certRows(a.Certificates), tw.On)
	for _, l := range verificationLines(a.Verification, p.paint) {
		p.wrapped(l[0], l[1])
	}
}

// chainTitle is e.g. "certificate chain (2, leaf first)".
func chainTitle(certs []result.Certificate) string {
	return fmt.Sprintf("certificate chain (%d, leaf first)", len(certs))
}

// certRows are the certificates as table rows, leaf first.
func certRows(certs []result.Certificate) [][]string {
	rows := make([][]string, len(certs))
	for i, c := range certs {
		rows[i] = certRow(i+1, c)
	}
	return rows
}

// certRow is one certificate as table cells.
func certRow(n int, c result.Certificate) []string {
	subject := distinguishedName(c.Subject)
	if c.IsCA {
		subject += "\n[CA]"
	}
	issuer := distinguishedName(c.Issuer)
	if c.SelfSigned {
		issuer += "\n[self-signed]"
	}
	return []string{
		strconv.Itoa(n),
		subject,
		issuer,
		sans(c.SANs),
		c.NotBefore.UTC().Format(dateLayout) + "\n" + c.NotAfter.UTC().Format(dateLayout) + "\n" + daysLeft(c.DaysLeft),
		joinNonEmpty(" ", Sanitize(c.KeyType), bits(c.KeyBits)) + "\n" + Sanitize(c.SignatureAlgorithm),
	}
}

// distinguishedName puts each RDN of an RFC 2253 name on its own line;
// escaped commas (`\,`) stay inside their RDN.
func distinguishedName(dn string) string {
	var rdns []string
	start := 0
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++ // skip the escaped character
		case ',':
			rdns = append(rdns, Sanitize(dn[start:i]))
			start = i + 1
		}
	}
	return strings.Join(append(rdns, Sanitize(dn[start:])), "\n")
}

// sans lists the first maxSANs names, one a line.
func sans(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	shown := make([]string, 0, maxSANs+1)
	for i, n := range names {
		if i == maxSANs {
			shown = append(shown, fmt.Sprintf("(+%d more)", len(names)-maxSANs))
			break
		}
		shown = append(shown, Sanitize(n))
	}
	return strings.Join(shown, "\n")
}

// daysLeft is "90 days left" or "EXPIRED 3 days ago".
func daysLeft(d int) string {
	switch {
	case d < 0:
		return "EXPIRED " + plural(-d, "day") + " ago"
	case d == 0:
		return "expires today"
	}
	return plural(d, "day") + " left"
}

// bits is a key or cipher size, or "" when unknown (0) so that callers
// can leave it out or show none.
func bits(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// verificationRows are our verification of the chain as rows of two
// cells: the three checks, then the error and the verified path when
// there are; nil when it was not performed.
func verificationRows(v *result.Verification) [][]cell {
	if v == nil {
		return nil
	}
	rows := [][]cell{
		{{text: "trusted"}, markCell(v.Trusted)},
		{{text: "name matches"}, markCell(v.NameMatches)},
		{{text: "time valid"}, markCell(v.TimeValid)},
	}
	if v.Error != "" {
		rows = append(rows, plainCells("error", Sanitize(v.Error)))
	}
	if len(v.VerifiedPath) > 0 {
		rows = append(rows, plainCells("verified path", verifiedPath(v)))
	}
	return rows
}

// verificationLines are verificationRows as (label, text) lines: the
// three checks on one line, their answers through paint, then the error
// and the verified path indented under it.
func verificationLines(v *result.Verification, paint func(cell) string) [][2]string {
	rows := verificationRows(v)
	if rows == nil {
		return [][2]string{{"verification: ", "not performed"}}
	}
	checks := make([]string, 3)
	for i, r := range rows[:3] {
		checks[i] = r[0].text + " " + paint(r[1])
	}
	lines := [][2]string{{"verification: ", strings.Join(checks, " · ")}}
	for _, r := range rows[3:] {
		lines = append(lines, [2]string{"  " + r[0].text + ": ", r[1].text})
	}
	return lines
}

// verifiedPath is the chain we verified, leaf to root, sanitized.
func verifiedPath(v *result.Verification) string {
	path := make([]string, len(v.VerifiedPath))
	for i, s := range v.VerifiedPath {
		path[i] = Sanitize(s)
	}
	return strings.Join(path, " → ")
}
