package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

const none = "-" // shown for a value that does not apply or was not learnt (ASCII: its width never depends on the locale)

// writeProtocol writes what was negotiated: the FTP side, then the TLS
// side, as a list of fields folded into two columns.
func (p *printer) writeProtocol(a *result.Attempt) {
	p.subhead("protocol")
	fields := append(ftpFields(a), tlsFields(a.TLS)...)
	half := (len(fields) + 1) / 2
	p.writeTable(nil, sideBySide(fields[:half], fields[half:]), tw.Off)
}

// ftpFields is what the attempt learnt about the FTP session.
func ftpFields(a *result.Attempt) [][2]string {
	auth := none
	if a.AuthMechanism != "" {
		auth = Sanitize(a.AuthMechanism)
	}
	return [][2]string{
		{"mode", Sanitize(string(a.Mode))},
		{"port", strconv.Itoa(a.Port)},
		{"AUTH mechanism", auth},
		{"FEAT in clear", features(a.FeatBeforeTLS)},
		{"FEAT in TLS", features(a.FeatAfterTLS)},
		{"round trips", strconv.Itoa(a.RoundTrips)},
	}
}

// tlsFields describes the handshake, or says there was none.
func tlsFields(t *result.TLSInfo) [][2]string {
	if t == nil {
		return [][2]string{{"TLS", "no handshake completed"}}
	}
	fields := [][2]string{
		{"SNI sent", yesNo(t.SNISent)},
		{"handshake", fmt.Sprintf("%.1f ms", t.HandshakeMS)},
		{"TLS version", orNone(t.Version)},
		{"cipher suite", orNone(t.CipherSuite)},
		{"group", orNone(t.Group)},
		{"ALPN", orNone(t.ALPN)},
		{"resumption", yesNo(t.Resumed)},
		{"session ticket", yesNo(t.SessionTicket)},
		{"OCSP staple", yesNo(t.OCSPStapled)},
		{"client cert requested", yesNo(t.ClientCertRequest)},
	}
	// Recorded for the control handshake only.
	if t.Resumable != nil {
		fields = append(fields, [2]string{"session to resume", yesNo(*t.Resumable)})
	}
	if t.HelloRetry != nil {
		fields = append(fields, [2]string{"HelloRetryRequest", yesNo(*t.HelloRetry)})
	}
	return fields
}

// features summarises a FEAT reply: its code and which of the RFC 4217
// features it lists.
func features(f *result.Features) string {
	if f == nil {
		return "not sent"
	}
	var listed []string
	for _, x := range []struct {
		on   bool
		name string
	}{{f.AuthTLS, "AUTH TLS"}, {f.PBSZ, "PBSZ"}, {f.PROT, "PROT"}} {
		if x.on {
			listed = append(listed, x.name)
		}
	}
	if len(listed) == 0 {
		listed = []string{"no AUTH TLS, PBSZ, PROT"}
	}
	return strconv.Itoa(f.Code) + ": " + strings.Join(listed, ", ")
}

// sideBySide lays two lists of fields out as rows of four cells.
func sideBySide(left, right [][2]string) [][]string {
	rows := make([][]string, max(len(left), len(right)))
	for i := range rows {
		rows[i] = append(cellsAt(left, i), cellsAt(right, i)...)
	}
	return rows
}

// cellsAt is field i as two cells, or two empty cells past the end.
func cellsAt(fields [][2]string, i int) []string {
	if i >= len(fields) {
		return []string{"", ""}
	}
	return fields[i][:]
}

// orNone is s sanitized, or none when s is empty.
func orNone(s string) string {
	if s == "" {
		return none
	}
	return Sanitize(s)
}

// yesNo is b as "yes" or "no".
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
