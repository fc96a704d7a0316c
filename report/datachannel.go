package report

import (
	"fmt"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// writeDataChannel writes the protected data connection test, or why it
// did not run, then the server policies the audit connections measured.
func (p *printer) writeDataChannel(d *result.DataChannel, pol *result.Policy) {
	if d == nil && pol == nil {
		return
	}
	p.line("")
	p.subhead("data channel")
	switch {
	case d == nil:
		p.line("not attempted")
	case !d.Attempted:
		p.wrapped("not attempted: ", orNone(d.NotAttempted))
	default:
		p.writeTable(nil, p.pal.dataRows(d), tw.Off)
	}
	p.line("")
	p.writePolicy(pol)
}

// dataRows is the data connection as rows of two cells; server text is
// sanitized.
func (p palette) dataRows(d *result.DataChannel) [][]string {
	rows := [][]string{
		{"passive mode", passiveMode(d)},
		{"address advertised", p.advertised(d)},
		{"address used", orNone(d.UsedAddress)},
		{"protection", prefixed("PROT ", d.Prot)},
		{"listing command", orNone(d.ListCommand)},
	}
	rows = append(rows, dataTLSRows(d.TLS, d.SameCertificate)...)
	rows = append(rows, [][]string{
		{"close_notify", tested(d.CloseNotify)},
		{"listing", listing(d)},
		{"final reply", orNone(d.TransferReply)},
		{"protected listing", p.okFailed(d.OK)},
	}...)
	if len(d.Transfers) > 0 {
		rows = append(rows, []string{"transfers", p.transfers(d.Transfers)})
	}
	return rows
}

// transfers summarises the session's listings: how many worked, which
// resumed, and what ended the first that failed.
func (p palette) transfers(ts []result.Transfer) string {
	ok, resumed := 0, 0
	failed := ""
	for i, t := range ts {
		if t.OK {
			ok++
		} else if failed == "" {
			failed = fmt.Sprintf("; transfer %d failed: %s", i+1, Sanitize(t.Reply))
		}
		if t.Resumed {
			resumed++
		}
	}
	s := fmt.Sprintf("%d of %d worked, %d resumed", ok, len(ts), resumed)
	if failed != "" {
		return p.critical.Sprint(s + failed)
	}
	return s
}

// passiveMode is the passive command used, noting a refused EPSV.
func passiveMode(d *result.DataChannel) string {
	mode := orNone(d.PassiveCommand)
	if d.EPSVSupported != nil && !*d.EPSVSupported {
		mode += " (EPSV unsupported)"
	}
	return mode
}

// advertised is the address a 227 reply named, highlighted when it is not
// the address used; EPSV names only a port.
func (p palette) advertised(d *result.DataChannel) string {
	switch {
	case d.AdvertisedAddress == "" && d.PassiveCommand == "EPSV":
		return "port only (EPSV)"
	case d.AdvertisedAddress == "" || d.UsedAddress == "" || d.AdvertisedAddress == d.UsedAddress:
		return orNone(d.AdvertisedAddress)
	}
	return p.warning.Sprint(Sanitize(d.AdvertisedAddress) + " DIFFERS from the address used")
}

// dataTLSRows describe the data connection's handshake.
func dataTLSRows(t *result.TLSInfo, sameCert *bool) [][]string {
	if t == nil {
		return [][]string{{"data TLS", "no handshake completed"}}
	}
	return [][]string{
		{"data TLS", joinNonEmpty(", ", orNone(t.Version), Sanitize(t.CipherSuite))},
		{"session resumed", yesNo(t.Resumed)},
		{"same certificate as control", tested(sameCert)},
	}
}

// listing is the size of the listing received.
func listing(d *result.DataChannel) string {
	s := fmt.Sprintf("%d bytes, %s", d.ListingBytes, plural(d.ListingLines, "line"))
	if d.ListingTruncated {
		s += ", truncated at the size cap"
	}
	return s
}

// tested is yes or no, or "not tested" when nil.
func tested(b *bool) string {
	if b == nil {
		return "not tested"
	}
	return yesNo(*b)
}

// prefixed is prefix and the sanitized s, or none when s is empty.
func prefixed(prefix, s string) string {
	if s == "" {
		return none
	}
	return prefix + Sanitize(s)
}
