package clients

import (
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// golang is a Go program at crypto/tls defaults, with the FTP library
// most of them use (jlaffaye/ftp, as in rclone).
var golang = family{id: "go", implicit: true, works: "Go crypto/tls resumes by ticket and meets nothing it refuses", rules: slices.Concat([]rule{
	verifies, refusesSHA1, refusesLegacy, meetsAuthRace,
	// EPSV first (see the EPSV rule below): no pasv-refused-epsv-works rule.
	waitsFor150("jlaffaye/ftp wraps the data connection in tls.Client, whose handshake runs at the first read, after cmdDataConnFrom has read the 1xx",
		"S: jlaffaye/ftp ftp.go (openDataConn, cmdDataConnFrom)"),
	{when: has(cause.AuthNonstandardSuccess), verdict: Fails, reasons: ids(cause.AuthNonstandardSuccess),
		detail: "Go FTP libraries require 234 to AUTH TLS and give up on any other reply",
		basis:  "S: jlaffaye/ftp authTLS (c.cmd(StatusAuthOK, \"AUTH TLS\")); M: the Go client in TestRealClients stopped at a 200"},
	{when: has(cause.CertNegativeSerial), verdict: Fails, reasons: ids(cause.CertNegativeSerial),
		detail: "refuses to parse a certificate with a negative serial number (x509: negative serial number)",
		basis:  "D: Go 1.23 release notes (x509negativeserial GODEBUG); FAILURES.md §3 cert-go-parse-quirk"},
	{when: has(cause.CertNoSAN), verdict: Fails, reasons: ids(cause.CertNoSAN),
		detail: "ignores the common name: a certificate without subjectAltName matches no host",
		basis:  "D: Go 1.15 release notes (x509 CommonName fallback removed)"},
	{when: has(cause.EPSVPortBlocked), verdict: Fails, reasons: ids(cause.EPSVPortBlocked),
		detail: "Go FTP libraries (jlaffaye/ftp, used by rclone) use EPSV first and fall back to PASV only when the EPSV command is refused, not when its data port is unreachable",
		basis:  "S: jlaffaye/ftp ftp.go (EPSV unless DisableEPSV; PASV only after an EPSV error reply)"},
	// At-risk: current Go builds list; older ones still shipped fail.
	{when: func(f *facts) bool { return f.helloRetry && f.version == "TLS 1.3" && f.ticket },
		verdict: AtRisk, reasons: []string{reasonHelloRetry},
		detail: "Go builds 1.19.6–1.20.3, e.g. Debian 12's rclone 1.60, fail resumed data handshakes: binder does not verify (the server forces a HelloRetryRequest on their x25519 key share, and they resume the control session's ticket)",
		basis:  "D: golang/go#59424 (PSK binder computed over the wrong transcript after a HelloRetryRequest, fixed in Go 1.20.4 and 1.19.9); M: Debian 12's rclone 1.60 failed every vsftpd listing at TLS 1.3 while a current Go build listed (issue 15)"},
	// At-risk, not fails: a verdict is about logging in and listing
	// once, which works; the Go clients that do more fail.
	{when: has(cause.TLS13TicketLifecycle), verdict: AtRisk, reasons: ids(cause.TLS13TicketLifecycle),
		detail: "lists once, but a later transfer of the same session failed for ftpsdiag, itself a Go crypto/tls client resuming by ticket: Go programs that transfer several files in one session (rclone) fail",
		basis:  "M: ftpsdiag's --transfers listings use Go's session cache as Go FTP libraries do; the Go client in TestRealClients listed once from a server refusing the third transfer"},
	{when: has(cause.ResumptionSessionIDOnly), verdict: Fails, reasons: ids(cause.ResumptionSessionIDOnly),
		detail: "resumes TLS 1.2 only with session tickets; this server resumes by session ID and requires reuse",
		basis:  "M: Go 1.26 against ProFTPD with TLSSessionTickets off failed after 150 (FAILURES.md §7); golang#25228"},
	{when: func(f *facts) bool {
		return f.dataTested && f.reuse == nil && f.version == "TLS 1.2" && !f.ticket && !f.ids[cause.ResumptionSessionIDOnly]
	}, verdict: Unknown, reasons: []string{reasonReuseUnknown},
		detail: "at TLS 1.2 without session tickets Go cannot resume, and whether the server requires resumption was not measured",
		basis:  "M: Go resumes TLS 1.2 only by ticket; the verdict hinges on the reuse policy"},
	opensAtOnce(4, "rclone opens up to --checkers (8) plus --transfers (4) connections at once unless --ftp-concurrency bounds them",
		"D: rclone FTP backend (--ftp-concurrency, default 0: no limit) and its global flags --checkers 8, --transfers 4"),
}, pasvRules(func(f *facts) bool { return !f.epsv }, goReplaces, Fails,
	"when the server was dialled by address and the 227's differs from it in being private, loopback or multicast (it reads a 227 only where EPSV fails, as here)",
	"S: jlaffaye/ftp (rclone) getDataConnPort (EPSV first, PASV after an EPSV error) and pasv/isBogusDataIP (lftp's rule with Go's IsPrivate and IsLoopback, only when the dialled host is an IP address)"))}

// goReplaces is jlaffaye/ftp's isBogusDataIP, which it applies only when
// the host it dialled is an address, not a name.
func goReplaces(f *facts) bool {
	return !f.byName && (f.pasv.IsMulticast() || f.pasv.IsPrivate() != f.peer.IsPrivate() || f.pasv.IsLoopback() != f.peer.IsLoopback())
}

// What Go's crypto/tls and crypto/x509 print, for explain (texts orders
// them among the others).
var (
	// S: Go crypto/tls conn.go: a record whose version bytes are ASCII digits ("500 O" → 3030).
	goRecordVersion = textRule{"Go \"received record with version 3x3x\"", `received record with version 3[0-9]3[0-9] when expecting`, []because{
		{cause.ServerErrorPlaintextInsideTLS, "the record header is the text of an FTP reply: the server wrote a plaintext error into the TLS session."},
	}}
	// S: Go crypto/tls conn.go.
	goNotTLS = textRule{"Go \"first record does not look like a TLS handshake\"", `first record does not look like a TLS handshake`, []because{
		{cause.ImplicitGotPlaintext, "the client started TLS at once on a port that greets with a plaintext 220: it is an explicit (AUTH TLS) port."},
	}}

	// S: OpenSSL SSL_R_BINDER_DOES_NOT_VERIFY (in vsftpd's log) with alert illegal_parameter, which Go prints as a remote error;
	// R: golang/go#59424; M: Debian 12's rclone 1.60 (Go 1.19.8) against vsftpd at TLS 1.3 ("remote error: tls: illegal parameter", TestRealClients).
	goBinder = textRule{"Go \"remote error: tls: illegal parameter\" (\"binder does not verify\")", `binder does not verify|remote error: tls: illegal parameter`, []because{
		{cause.DataTLSFailed, "a resumed handshake failed: Go 1.19.6 to 1.20.3 (Debian 12's rclone) compute the PSK binder wrongly after a HelloRetryRequest, which vsftpd forces on every client offering X25519 first; a current Go build lists."},
	}}

	// S: Go crypto/x509 parser.go; R: chefworks doc.
	goNegativeSerial = textRule{"Go \"x509: negative serial number\"", `negative serial number`, []because{
		{cause.CertNegativeSerial, "Go refuses certificates with a negative serial number (GODEBUG=x509negativeserial=1 accepts them); OpenSSL clients do not."},
	}}
	// S: Go crypto/x509 verify.go.
	goLegacyCommonName = textRule{"Go \"x509: certificate relies on legacy Common Name field\"", `relies on legacy Common Name field`, []because{
		{cause.CertNoSAN, "the certificate names the server only in its Common Name, which Go, Java and browsers ignore."},
	}}
)
