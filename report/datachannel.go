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
		p.writeTable(nil, mapRows(dataRows(d), p.paint), tw.Off)
	}
	p.line("")
	p.writePolicy(pol)
}

// dataRows is the data connection as rows of two cells; server text is
// sanitized.
func dataRows(d *result.DataChannel) [][]cell {
	rows := [][]cell{
		plainCells("passive mode", passiveMode(d)),
		{{text: "address advertised"}, advertised(d)},
		plainCells("address used", orNone(d.UsedAddress)),
		plainCells("protection", prefixed("PROT ", d.Prot)),
		plainCells("listing command", orNone(d.ListCommand)),
	}
	for _, r := range dataTLSRows(d.TLS, d.SameCertificate) {
		rows = append(rows, plainCells(r...))
	}
	rows = append(rows,
		plainCells("close_notify", tested(d.CloseNotify)),
		plainCells("listing", listing(d)),
		plainCells("final reply", orNone(d.TransferReply)),
		[]cell{{text: "protected listing"}, okCell(d.OK)},
	)
	if len(d.Transfers) > 0 {
		rows = append(rows, []cell{{text: "transfers"}, transfers(d.Transfers)})
	}
	return rows
}

// transfers summarises the session's listings: how many worked, which
// resumed, and what ended the first that failed.
func transfers(ts []result.Transfer) cell {
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
		return cell{s + failed, toneCritical}
	}
	return cell{text: s}
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
func advertised(d *result.DataChannel) cell {
	switch {
	case d.AdvertisedAddress == "" && d.PassiveCommand == "EPSV":
		return cell{text: "port only (EPSV)"}
	case d.AdvertisedAddress == "" || d.UsedAddress == "" || d.AdvertisedAddress == d.UsedAddress:
		return cell{text: orNone(d.AdvertisedAddress)}
	}
	return cell{Sanitize(d.AdvertisedAddress) + " DIFFERS from the address used", toneWarning}
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
