package clients

import (
	"fmt"
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// node is basic-ftp, the FTPS client of Node.js deploy tools
// (FTP-Deploy-Action and most others), on Node's bundled OpenSSL.
var node = family{id: "node", implicit: true, works: "basic-ftp (Node.js) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
	// Node verifies chain and name (tls.connect, rejectUnauthorized
	// true by default; M: expired, untrusted, other-name leaves failed,
	// TestRealClients), refuses SHA-1 ("CA signature digest algorithm too
	// weak") and TLS 1.0 (alert 70), but accepts an RSA-1024 key: Node's
	// bundled OpenSSL keeps OpenSSL's default security level 1, where
	// Debian's raises it to 2, so no cert-weak-key rule (M: it listed
	// where Debian's curl refused the key).
	verifies, refusesSHA1, refusesLegacy, laterTransferFailed, authRaceUnknown,
	// No auth-nonstandard-success rule: useTLS upgrades after any
	// positive reply to AUTH TLS (M: basic-ftp 6.2.6 listed after a 200).
	// No session-reuse rule: data connections resume the control
	// session, or the latest ticket a data connection received
	// (S: transfer.js connectForPassiveTransfer, session:
	// tlsSessionStore ?? socket.getSession(); M: listed where vsftpd and
	// ProFTPD require reuse, also by session ID only at TLS 1.2).
	// No no-close-notify rule (M: listed from the fake server).
	// No data-150-after-tls rule: the data handshake starts with the
	// connection, before the transfer command (below), so a 150 sent
	// after it costs nothing (M: issue 15, basic-ftp listed).
	// No pasv-refused-epsv-works rule: EPSV first (S: Client.js,
	// prepareTransfer tries enterPassiveModeIPv6, then IPv4).
	epsvThenPASV("S: basic-ftp Client.js _enterFirstCompatibleMode (a strategy fails when its data connection fails, and the next, PASV, is tried); M: basic-ftp 6.2.6 listed by PASV from the fake server whose EPSV port is closed (TestRealClients)"),
	// basic-ftp reads a 227 only where EPSV failed (above). By default it
	// then dials the control host when both addresses are loopback, and
	// refuses any other address rather than dial it.
	{when: func(f *facts) bool { return nodeReadsPASV(f) && nodeLoopbacks(f) }, verdict: AtRisk, reasons: ids(cause.PASVAddressMismatch),
		detailOf: func(f *facts) string {
			return fmt.Sprintf("works only because it replaces the PASV address %s with the server's (%s), both loopback", f.pasv, f.peer)
		},
		basis: nodePASVBasis},
	{when: func(f *facts) bool { return nodeReadsPASV(f) && !nodeLoopbacks(f) }, verdict: Fails, reasons: ids(cause.PASVAddressMismatch),
		detailOf: func(f *facts) string {
			return fmt.Sprintf("refuses the PASV reply (\"PASV returned another host\"): it names %s, not the server's (%s), and basic-ftp takes another host only with allowSeparateTransferHost", f.pasv, f.peer)
		},
		basis: nodePASVBasis},
}, dataTLSOnConnect("S: basic-ftp transfer.js connectForPassiveTransfer (tls.connect on the data socket as soon as it connects; the transfer command follows without waiting for the handshake); M: basic-ftp 6.2.6 against pyftpdlib 1.5.7 failed with \"read ECONNRESET (data socket)\" 15 of 15 times here, 15 of 18 in issue 15"))}

const nodePASVBasis = "S: basic-ftp transfer.js enterPassiveModeIPv4_forceControlHostIP (the default: it throws \"PASV returned another host\" unless the hosts match or both are loopback, then dials the control host)"

// nodeReadsPASV: the 227 named an address other than the server's, and
// basic-ftp would read it, as EPSV failed.
func nodeReadsPASV(f *facts) bool { return f.pasv.IsValid() && !f.epsv }

// nodeLoopbacks: both the 227's address and the server's are loopback
// (127.0.0.0/8 or ::1), which basic-ftp takes as the same host.
func nodeLoopbacks(f *facts) bool { return f.pasv.IsLoopback() && f.peer.IsLoopback() }

// What Node.js and basic-ftp print, for explain (texts orders them among
// the others).
var (
	// S: Node lib/_tls_wrap.js (a socket error on the data connection, which basic-ftp
	// FtpContext tags "(data socket)"); M: basic-ftp 6.2.6 against pyftpdlib (TestRealClients).
	nodeDataReset = textRule{"Node \"read ECONNRESET (data socket)\"", `ECONNRESET \(data socket\)`, []because{
		{cause.DataTLSEarlyRefused, "basic-ftp starts the data TLS handshake before its transfer command reaches the server, and the server (pyftpdlib) resets a data connection whose ClientHello comes first."},
		{cause.DataSessionReuseRequired, "the server reset a data connection that did not resume the control TLS session."},
		{cause.DataTLSFailed, "a middlebox or the server reset the protected data connection."},
	}}
	// S: Node lib/tls.js checkServerIdentity (ERR_TLS_CERT_ALTNAME_INVALID); M: basic-ftp 6.2.6 (TestRealClients).
	nodeAltName = textRule{"Node \"Hostname/IP does not match certificate's altnames\"", `does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID`, []because{
		{cause.CertNameMismatch, "the certificate does not name the host the client connected to (common when connecting by IP address, which Node matches only against IP entries)."},
	}}
)
