package clients

import (
	"net/netip"
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// filezilla is FileZilla 3, on GnuTLS; WinSCP shares its FTP core.
var filezilla = family{id: "filezilla", implicit: true, works: "FileZilla 3 (GnuTLS) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
	asksUser, sha1Unknown, weakKeyUnknown, legacyUnknown, authNonstandardUnknown, authRaceUnknown,
	{when: has(cause.NoCloseNotify), verdict: Fails, reasons: ids(cause.NoCloseNotify),
		detail: "refuses a listing that ends without TLS close_notify as possibly truncated",
		basis:  "S: libfilezilla tls_layer (\"Server did not properly shut down TLS connection\"); D: FileZilla wiki \"TLS specifications\""},
	{when: has(cause.DataResumptionUnsupported), verdict: AtRisk, reasons: ids(cause.DataResumptionUnsupported),
		detail: "asks the user to accept an \"Insecure FTP data connection\" because the server does not resume the session: works only once someone clicks through",
		basis:  "S: FileZilla client dialog \"This server does not support TLS session resumption on the data connection\" (FAILURES.md §7)"},
	laterTransferFailed, epsvBlockedUnknown, momentUnknown,
	// EPSV first (see epsv-unsupported): no pasv-refused-epsv-works rule.
	opensAtOnce(3, "opens up to 3 connections at once by default: the one browsing, and one per transfer with 2 simultaneous transfers",
		"D: FileZilla Settings > Transfers, \"Maximum simultaneous transfers\" (default 2), each transfer on its own connection"),
}, pasvRules(nil, filezillaReplaces, Fails, filezillaWhen, filezillaBasis))}

// unroutable is FileZilla's !IsRoutableAddress: a private, loopback,
// link-local or unspecified address.
func unroutable(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified()
}

// FileZilla (and WinSCP, whose FTP core comes from it) replace an
// unroutable 227 address when the server's own address is routable.
func filezillaReplaces(f *facts) bool { return unroutable(f.pasv) && !unroutable(f.peer) }

const (
	filezillaWhen  = "when it is unroutable (private, loopback, link-local) and the server's is routable"
	filezillaBasis = "S: FileZilla CFtpControlSocket::ParsePasvResponse (!IsRoutableAddress(host) && IsRoutableAddress(peer), \"Server sent passive reply with unroutable address. Using server address instead.\")"
)

// What FileZilla prints, for explain (texts orders them among the others).
var (
	// S: FileZilla client dialog source; R: QuorumDMS/ftp-srv#252.
	filezillaInsecureData = textRule{"FileZilla \"Insecure FTP data connection\"", `Insecure FTP data connection|does not support TLS session resumption on the data connection`, []because{
		{cause.DataResumptionUnsupported, "the server never resumed the control session on the data connection (session cache off, ticket keys not shared), which lets others hijack data connections."},
		{cause.LBSplitNodes, "behind a load balancer the data connection reached a node that lacks the session."},
	}}
	// D/R: FileZilla resumed before and now could not (used-up TLS 1.3 tickets, another node).
	filezillaResumptionFailed = textRule{"FileZilla \"TLS session resumption on data connection failed\"", `TLS session resumption on data connection failed`, []because{
		{cause.TLS13TicketLifecycle, "under TLS 1.3 the server's single-use tickets are used up or expired, so a later data connection cannot resume."},
		{cause.LBSplitNodes, "behind a load balancer the data connection reached a node that lacks the session."},
		{cause.DataResumptionUnsupported, "the server does not resume sessions on data connections at all."},
	}}
	// S: FileZilla transfersocket.cpp; R: ArxOne/FTP#25.
	filezillaDataTimedOut = textRule{"FileZilla data connection timed out", `data connection could not be established: ETIMEDOUT`, []because{
		{cause.DataConnectTimeout, "the passive port did not answer: the passive range is not opened or forwarded in a firewall."},
		{cause.PASVAddressMismatch, "the 227 reply names an address the client cannot reach (stale or other node), and only private ones get replaced."},
		{cause.EPSVPortBlocked, "EPSV's data port is filtered while PASV's works, and this client tries EPSV first."},
	}}
	// S: FileZilla transfersocket.cpp.
	filezillaDataRefused = textRule{"FileZilla data connection refused", `data connection could not be established: ECONNREFUSED`, []because{
		{cause.DataConnectRefused, "the passive port refused the connection: a firewall rejects the range, or nothing listens there."},
		{cause.PASVAddressMismatch, "the 227 reply names an address that is not the server's."},
	}}
	// S: libfilezilla tls_layer.
	filezillaUnsortedChain = textRule{"FileZilla \"unsorted certificate chain\"", `unsorted certificate chain`, []because{
		{cause.CertChainUnsorted, "the server sends its chain out of order; FileZilla sorts it, stricter clients fail."},
	}}

	// R: ArchWiki vsftpd, hassio-addons/app-ftp#7; S: GnuTLS error texts.
	filezillaGnuTLS15 = textRule{"FileZilla \"GnuTLS error -15\" (unexpected TLS packet)", `GnuTLS error -(?:15|8)\b|unexpected TLS packet|packet with illegal or unsupported version`, []because{
		{cause.ServerErrorPlaintextInsideTLS, "right after PASS this is vsftpd's \"500 OOPS\" written in clear into the TLS session when its session process dies."},
		{cause.ImplicitGotPlaintext, "at connect it is a plaintext 220 greeting on a port the client treats as implicit TLS."},
	}}
	// S: FileZilla tls_layer; D: FileZilla wiki; R: pyftpdlib#162.
	filezillaGnuTLS110 = textRule{"FileZilla \"GnuTLS error -110\" (TLS connection non-properly terminated)", `GnuTLS error -(?:110|9)\b|non-properly terminated|unexpected length was received|did not properly shut down TLS connection|ECONNABORTED`, []because{
		{cause.NoCloseNotify, "the server closed the data (or idle control) connection without close_notify, which FileZilla treats as a truncated transfer."},
		{cause.DataTLSFailureDropsSession, "the server drops the connection after a data-TLS failure without a reply."},
		{cause.DataTLSFailed, "a middlebox reset the protected data connection."},
	}}
	// R: FileZilla reports of the data-port cause.
	filezillaGnuTLS53 = textRule{"GnuTLS error -53 (error in the push function)", `GnuTLS error -53\b|Error in the push function`, []because{
		{cause.DataConnectTimeout, "reported for data connections to a passive port a firewall filters."},
		{cause.ConnectionLost, "the connection was reset while the client was writing."},
	}}
	// S: GnuTLS error text; §9 lists it with the alert causes.
	filezillaGnuTLS12 = textRule{"GnuTLS error -12 (fatal alert received)", `GnuTLS error -12\b|TLS fatal alert has been received`, []because{
		{cause.TLSHandshakeFailed, "the server ended the handshake with a fatal alert; the alert FileZilla logs next names it, most often no shared cipher (40)."},
		{cause.TLSNoCommonVersion, "alert 70 means no shared TLS version."},
		{cause.TLSClientCertRequested, "alerts 40 and 116 also come from servers requiring client certificates."},
	}}
)
