// Package explain maps an error text an FTPS client printed (FileZilla,
// curl, lftp, WinSCP, Python, Go, ...) or a server reply it quoted to the
// likely server-side causes, offline.
package explain

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ftpsdiag/ftpsdiag/report"
)

// Cause is one likely cause of a client's error text.
type Cause struct {
	ID      string // a probe catalog id when Catalog, else an id from the FTPS failure notes
	Catalog bool   // ID is a finding ftpsdiag itself reports
	Why     string // one sentence: why this text points here
	Confirm string // the ftpsdiag command line that would confirm it, HOST (and NAME, PORT) as placeholders
}

// Match is one rule that matched the text.
type Match struct {
	Rule   string  // which pattern matched, for the user
	Causes []Cause // most likely first
}

// Explain returns every rule whose pattern matches text, most specific
// first, or nil when none does.
func Explain(text string) []Match {
	var ms []Match
	for _, r := range compiled {
		if r.re.MatchString(text) {
			ms = append(ms, Match{Rule: r.name, Causes: slices.Clone(r.causes)})
		}
	}
	return ms
}

// maxEcho caps the echoed input: a pasted log is matched whole but shown in part.
const maxEcho = 200

// Write renders matches for humans: the (escaped) text, then for each match
// its rule and numbered causes with the command that would confirm each.
func Write(w io.Writer, text string, matches []Match) {
	fmt.Fprintf(w, "text: %s\n", echo(text))
	if len(matches) == 0 {
		fmt.Fprintln(w, "no known cause for this text; run ftpsdiag HOST for a diagnosis")
		return
	}
	for _, m := range matches {
		fmt.Fprintf(w, "\n%s:\n", m.Rule)
		for i, c := range m.Causes {
			note := ""
			if !c.Catalog {
				note = " (not an ftpsdiag finding: read its evidence in the report)"
			}
			fmt.Fprintf(w, "  %d. %s%s\n     %s\n     confirm: %s\n", i+1, c.ID, note, c.Why, c.Confirm)
		}
	}
}

// echo is text made safe for a terminal and cut to maxEcho bytes.
func echo(text string) string {
	text = strings.TrimSpace(text)
	if len(text) <= maxEcho {
		return report.Sanitize(text)
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return report.Sanitize(text[:cut]) + " ..."
}

// The command lines that confirm a cause.
const (
	confirmPort  = "ftpsdiag HOST:PORT"                // auto-detects what the port speaks (PORT: the client's)
	confirmTLS   = "ftpsdiag HOST"                     // implicit and explicit handshakes, the certificate chain
	confirmAuth  = "ftpsdiag ftpes://HOST"             // AUTH TLS, the handshake after 234, the cleartext-login audit
	confirmScan  = "ftpsdiag --scan ftpes://HOST"      // every TLS version and cipher suite accepted
	confirmLogin = "ftpsdiag --user NAME ftpes://HOST" // login, the protected listing and the policy audit
)

// causeInfo is what explain knows about a cause id besides why a text
// points to it.
type causeInfo struct {
	catalog bool
	confirm string
}

// causes lists every id the rules name. Catalog ids duplicate the probe
// catalog's (the test checks them with probe.KnownCause); the others are
// causes the failure notes describe that ftpsdiag does not report as such.
var causes = map[string]causeInfo{
	// probe catalog
	"port-closed":                       {true, confirmPort},
	"port-timeout":                      {true, confirmPort},
	"implicit-got-plaintext":            {true, confirmPort},
	"explicit-got-silence":              {true, confirmPort},
	"connection-lost":                   {true, confirmLogin},
	"auth-not-supported":                {true, confirmAuth},
	"auth-no-certificate":               {true, confirmAuth},
	"auth-nonstandard-success":          {true, confirmAuth},
	"alg-breaks-tls-after-234":          {true, confirmAuth},
	"tls-handshake-failed":              {true, confirmScan},
	"tls-no-common-version":             {true, confirmScan},
	"tls-legacy-version":                {true, confirmScan},
	"tls-sni-unrecognized":              {true, confirmTLS},
	"tls-client-cert-requested":         {true, confirmTLS},
	"server-error-plaintext-inside-tls": {true, confirmLogin},
	"cert-expired":                      {true, confirmTLS},
	"cert-not-yet-valid":                {true, confirmTLS},
	"cert-self-signed":                  {true, confirmTLS},
	"cert-untrusted":                    {true, confirmTLS},
	"cert-chain-incomplete":             {true, confirmTLS},
	"cert-name-mismatch":                {true, confirmTLS},
	"cert-no-san":                       {true, confirmTLS},
	"cert-chain-unsorted":               {true, confirmTLS},
	"cert-weak-key":                     {true, confirmTLS},
	"cert-weak-signature":               {true, confirmTLS},
	"login-failed":                      {true, confirmLogin},
	"epsv-unsupported":                  {true, confirmLogin},
	"pasv-address-mismatch":             {true, confirmLogin},
	"data-connect-timeout":              {true, confirmLogin},
	"data-connect-refused":              {true, confirmLogin},
	"data-tls-failed":                   {true, confirmLogin},
	"resumption-session-id-only":        {true, confirmLogin},
	"data-session-reuse-required":       {true, confirmLogin},
	"data-prot-required":                {true, confirmLogin},
	"no-close-notify":                   {true, confirmLogin},
	"data-resumption-unsupported":       {true, confirmLogin},
	"resumption-ems-mismatch":           {true, confirmLogin},
	"tls13-ticket-lifecycle":            {true, confirmLogin},
	"data-tls-early-refused":            {true, confirmLogin},
	"cert-negative-serial":              {true, confirmTLS},
	"tls12-refused":                     {true, confirmScan},
	"tls-no-shared-cipher":              {true, confirmScan},
	"epsv-port-blocked":                 {true, confirmLogin},
	"passive-refused":                   {true, confirmLogin},
	"ipv6-pasv-refused":                 {true, confirmLogin},
	"lb-split-nodes":                    {true, confirmLogin},

	// failure notes only
	"login-cleartext-refused":        {false, confirmAuth},
	"auth-order-refused":             {false, confirmAuth},
	"data-peer-ip-mismatch":          {false, confirmLogin},
	"data-alpn-mismatch":             {false, confirmLogin},
	"data-tls-failure-drops-session": {false, confirmLogin},
}

// rule is one entry of the table: a case-insensitive regexp over the text
// and the causes it points to, most likely first.
type rule struct {
	name    string
	pattern string
	causes  []because
}

// because is a cause id and why the rule's text points to it.
type because struct{ id, why string }

// curlExit matches curl exit code n as curl prints it ("curl: (35)"), as a
// shell or wrapper reports it ("exit code 35", "exited with 35", "error 35")
// or by its libcurl name.
func curlExit(n int, name string) string {
	return fmt.Sprintf(`curl: \(%[1]d\)|\bexit(?:ed)?(?: with)?(?: (?:code|status))?[ :=]*%[1]d\b|\berror(?: code)?[ :=]*%[1]d\b|\b%[2]s\b`, n, name)
}

// rules is the table, most specific first: server replies, then client
// messages that name a cause, TLS alerts and library errors, certificate
// verification, curl exit codes, and last bare socket errors. Each rule's
// basis is marked as in the failure notes: S source-verified, D documented,
// R reported.
var rules = []rule{
	// ---- Server replies ----

	// S: vsftpd ssl.c; R: vsftpd caveat (suffix added to any data-TLS failure).
	{"vsftpd 522 \"session reuse required\"", `session reuse required`, []because{
		{"data-session-reuse-required", "vsftpd (require_ssl_reuse=YES) says this when a data connection did not resume the control connection's TLS session."},
		{"resumption-session-id-only", "a client that resumes only with tickets (Go) never resumes a server that resumes TLS 1.2 only by session ID."},
		{"tls13-ticket-lifecycle", "under TLS 1.3 a client that has used up its single-use tickets makes full data handshakes, which are refused."},
		{"resumption-ems-mismatch", "Windows (Schannel, .NET) clients refuse to resume with a server without Extended Master Secret."},
		{"data-tls-failed", "vsftpd appends \"session reuse required\" to any data-TLS failure, so the real cause may be another one."},
	}},
	// S: mod_tls.c (TLSLog "client did not reuse TLS session"); R: proftpd#1931; §10 cache expiry.
	{"ProFTPD 425 \"Operation not permitted\" on a data connection", `Unable to build data connection: Operation not permitted`, []because{
		{"data-session-reuse-required", "ProFTPD refuses a data connection with this text when it did not resume the control TLS session (also when its session cache expired, 300 s by default)."},
		{"resumption-session-id-only", "a client that resumes only with tickets (Go) never resumes ProFTPD with TLSSessionTickets off at TLS 1.2."},
		{"tls13-ticket-lifecycle", "under TLS 1.3 a used-up or expired ticket makes the data handshake a full one, which ProFTPD refuses."},
		{"resumption-ems-mismatch", "Windows (Schannel, .NET) clients refuse to resume with a server without Extended Master Secret."},
	}},
	// S: FZS session.cpp (1.x 425, 0.9 450); R: Bitvise log text.
	{"data connection TLS session not resumed", `TLS session (?:of|for) (?:the )?data connection (?:was |has )?not (?:been )?resumed|data connection has not resumed`, []because{
		{"data-session-reuse-required", "FileZilla Server and Bitvise refuse data connections that did not resume the control TLS session."},
		{"resumption-session-id-only", "a client that resumes only with tickets (Go) never resumes a server that resumes TLS 1.2 only by session ID."},
		{"tls13-ticket-lifecycle", "under TLS 1.3 a client that has used up its single-use tickets makes full data handshakes, which are refused."},
		{"resumption-ems-mismatch", "Windows (Schannel, .NET) clients refuse to resume with a server without Extended Master Secret."},
	}},
	// S: FZS session.cpp.
	{"FileZilla Server \"No or wrong ALPN on data connection\"", `wrong ALPN on data connection`, []because{
		{"data-alpn-mismatch", "FileZilla Server requires ALPN ftp-data on data connections when the control connection negotiated x-filezilla-ftp."},
	}},
	// S: vsftpd; S: FZS session.cpp; D: IIS matchClientAddressForPasv.
	{"vsftpd 425 \"Security: Bad IP connecting\"", `Bad IP connecting|Data peer IP differs from control peer IP`, []because{
		{"data-peer-ip-mismatch", "the data connection came from another source address than the control connection (NAT pool, CGNAT, proxy), which the server refuses."},
		{"lb-split-nodes", "behind a load balancer the data connection reached a node that did not see this control connection."},
	}},
	// S: vsftpd ssl.c (client certificates compared across channels); R: z/OS with ssl_request_cert.
	{"vsftpd client certificate check on the data channel", `(?:Missing|DIFFERENT) cert on data channel|SSL message format is incorrect`, []because{
		{"tls-client-cert-requested", "vsftpd asks for client certificates and compares or requires them, which this client cannot satisfy."},
	}},
	// R: Pure-FTPd and FZS replies (veeso/suppaftp#28), S: FZS.
	{"PASV refused on IPv6", `cannot use PASV on IPv6|PASV is only for IPv4`, []because{
		{"ipv6-pasv-refused", "over IPv6 PASV cannot carry the address, so the client must use EPSV."},
		{"epsv-unsupported", "a client that falls back to PASV over IPv6 suggests EPSV failed first (refused or filtered)."},
	}},
	// S: vsftpd, mod_tls.c, pure-ftpd; R: an unnamed server's 425.
	{"protected data connection required", `Data connections must be encrypted|SSL/TLS required on the data channel|cannot be opened with this PROT setting|requires protected data connection|PROT C is not allowed`, []because{
		{"data-prot-required", "the server refuses clear (PROT C) data: the client must send PBSZ 0 and PROT P before listing or transferring."},
	}},
	// S: mod_tls.c (TLSRequired, and AUTH after login); R: an IIS-like server (PROT C).
	{"ProFTPD 534 \"Unwilling to accept security parameters\"", `Unwilling to accept security parameters`, []because{
		{"data-prot-required", "ProFTPD with TLSRequired answers PROT C with this: the client asked for clear data."},
		{"auth-order-refused", "ProFTPD also answers AUTH with this when it comes after USER/PASS: the client must send AUTH TLS first."},
	}},
	// S: mod_tls.c.
	{"ProFTPD 503 \"Unwilling to accept second AUTH\"", `Unwilling to accept second AUTH`, []because{
		{"auth-order-refused", "the client sent AUTH twice on one connection, which ProFTPD refuses."},
	}},
	// S: mod_tls.c, FZS commander.cpp; R: vsftpd, an unnamed server.
	{"login refused without TLS", `(?:Non-)?anonymous sessions must use encryption|SSL/TLS required on the control channel|Use AUTH first|does not allow plain FTP`, []because{
		{"login-cleartext-refused", "the server requires TLS before the login and the client connected in plain FTP: enable explicit TLS (AUTH TLS) in the client."},
	}},
	// R: many IIS writeups (after USER); R: a server, likely IIS, answering PROT C.
	{"IIS 534 \"Policy requires SSL\"", `Policy requires SSL`, []because{
		{"login-cleartext-refused", "IIS requires TLS before the login (controlChannelPolicy) and the client connected in plain FTP: enable explicit TLS in the client."},
		{"data-prot-required", "IIS also answers PROT C with this: the client asked for clear data."},
	}},
	// S: pure-ftpd tls.c (the same text after a failed handshake or a weak cipher).
	{"Pure-FTPd 421 \"cleartext sessions ... not accepted\"", `cleartext sessions .*not accepted`, []because{
		{"login-cleartext-refused", "Pure-FTPd (-Y 2 or 3) requires TLS and the client connected in plain FTP: enable explicit TLS in the client."},
		{"tls-handshake-failed", "Pure-FTPd prints the same text when the TLS handshake failed or negotiated a cipher under 128 bits."},
	}},
	// S: mod_tls.c (plaintext 421 after a failed control handshake).
	{"ProFTPD 421 \"TLS handshake failed\"", `421 TLS handshake failed`, []because{
		{"tls-handshake-failed", "ProFTPD writes this in clear after a control handshake failed; its TLSLog says why."},
		{"tls-no-common-version", "the commonest reason is no TLS version the client and server share."},
	}},
	// S: mod_tls.c.
	{"ProFTPD 431 \"Necessary security resource unavailable\"", `Necessary security resource unavailable`, []because{
		{"auth-no-certificate", "ProFTPD has TLS on but no certificate configured, so it refuses AUTH."},
	}},
	// R: veeso/suppaftp#43 (VxWorks).
	{"AUTH accepted with 200 instead of 234", `AUTH command ok; starting SSL`, []because{
		{"auth-nonstandard-success", "the server accepts AUTH with a non-234 reply, which strict clients treat as a failure."},
	}},
	// S: curl lib/ftp.c (tries AUTH SSL then TLS), ProFTPD without mod_tls; R: FileZilla logs (myvesta/vesta#48).
	{"AUTH TLS not supported", `AUTH not understood|does not support FTP over TLS|Requested SSL level failed`, []because{
		{"auth-not-supported", "the server refuses AUTH TLS and AUTH SSL: TLS is not enabled (and FileZilla in \"if available\" mode goes on in plain FTP)."},
	}},
	// R: pastebin, hassio-addons/app-ftp#7, ArchWiki vsftpd.
	{"vsftpd \"500 OOPS\"", `500 OOPS`, []because{
		{"server-error-plaintext-inside-tls", "vsftpd's session process died (writable chroot, seccomp sandbox, SELinux) and wrote its error in clear, which a TLS client sees as a broken record."},
	}},
	// R: IIS reply; S: FileZilla tls_layer (MS FTP omits close_notify on uploads).
	{"IIS 425 \"minimum bandwidth requirement\"", `not meeting the minimum bandwidth requirement`, []because{
		{"no-close-notify", "the TLS end of an upload did not close with close_notify, so both sides waited until IIS gave up."},
	}},
	// D: Cisco ASA mask-syst-reply.
	{"SYST masked by a firewall (215 XXXX)", `\b215 X{4,}`, []because{
		{"alg-breaks-tls-after-234", "a Cisco ASA inspecting FTP masks SYST like this, and such inspection cannot follow a TLS session."},
	}},

	// ---- Client messages that name a cause ----

	// S: curl lib/ftp.c (a non-226 after the transfer becomes exit 18).
	{"curl \"server did not report OK, got 522/425\"", `server did not report OK, got (?:522|425|450)`, []because{
		{"data-session-reuse-required", "the server refused the data connection after 150, the way servers refuse data connections that did not resume the control TLS session."},
		{"data-tls-failed", "any failure of the protected data connection ends with the same late 4xx/5xx."},
		{"data-prot-required", "a 522 can also mean the server wanted PROT P and the client sent clear data."},
	}},
	// S: FileZilla client dialog source; R: QuorumDMS/ftp-srv#252.
	{"FileZilla \"Insecure FTP data connection\"", `Insecure FTP data connection|does not support TLS session resumption on the data connection`, []because{
		{"data-resumption-unsupported", "the server never resumed the control session on the data connection (session cache off, ticket keys not shared), which lets others hijack data connections."},
		{"lb-split-nodes", "behind a load balancer the data connection reached a node that lacks the session."},
	}},
	// D/R: FileZilla resumed before and now could not (used-up TLS 1.3 tickets, another node).
	{"FileZilla \"TLS session resumption on data connection failed\"", `TLS session resumption on data connection failed`, []because{
		{"tls13-ticket-lifecycle", "under TLS 1.3 the server's single-use tickets are used up or expired, so a later data connection cannot resume."},
		{"lb-split-nodes", "behind a load balancer the data connection reached a node that lacks the session."},
		{"data-resumption-unsupported", "the server does not resume sessions on data connections at all."},
	}},
	// R: ftptest.net, S: FileZilla, WinSCP, lftp source.
	{"PASV reply with an unroutable address", `unroutable (?:private )?(?:IP )?address|Address returned by PASV seemed to be incorrect`, []because{
		{"pasv-address-mismatch", "the server behind NAT advertises its private address in the 227 reply, and with TLS the router cannot rewrite it."},
	}},
	// S: FileZilla transfersocket.cpp; R: ArxOne/FTP#25.
	{"FileZilla data connection timed out", `data connection could not be established: ETIMEDOUT`, []because{
		{"data-connect-timeout", "the passive port did not answer: the passive range is not opened or forwarded in a firewall."},
		{"pasv-address-mismatch", "the 227 reply names an address the client cannot reach (stale or other node), and only private ones get replaced."},
		{"epsv-port-blocked", "EPSV's data port is filtered while PASV's works, and this client tries EPSV first."},
	}},
	// S: FileZilla transfersocket.cpp.
	{"FileZilla data connection refused", `data connection could not be established: ECONNREFUSED`, []because{
		{"data-connect-refused", "the passive port refused the connection: a firewall rejects the range, or nothing listens there."},
		{"pasv-address-mismatch", "the 227 reply names an address that is not the server's."},
	}},
	// S: libfilezilla tls_layer.
	{"FileZilla \"unsorted certificate chain\"", `unsorted certificate chain`, []because{
		{"cert-chain-unsorted", "the server sends its chain out of order; FileZilla sorts it, stricter clients fail."},
	}},
	// R: cyberduck PR 18399 (JSSE); S: pure-ftpd tls.c, vsftpd ftpdataio.c.
	{"Java \"Connection closed without indication\"", `Connection closed without indication`, []because{
		{"tls13-ticket-lifecycle", "under TLS 1.3 Java used up the server's single-use tickets, and the server refused the next data handshake (often after a few listings)."},
		{"data-tls-failure-drops-session", "the server ends the whole session after a failed data handshake."},
	}},
	// R: cpython#63699 (ftplib does not resume); cpython#78738 (close_notify).
	{"Python \"EOF occurred in violation of protocol\"", `EOF occurred in violation of protocol`, []because{
		{"data-session-reuse-required", "Python ftplib does not resume the control session on data connections, and the server closes those it refuses."},
		{"no-close-notify", "the server closed a TLS connection without close_notify."},
	}},
	// S: OpenSSL reason string; R: PHP (docker-library/php#1533, php-src bug 80880), curl#17130.
	{"OpenSSL \"unexpected eof while reading\"", `unexpected eof while reading|SSL_read on shutdown`, []because{
		{"no-close-notify", "the server closed a TLS connection without close_notify, which OpenSSL 3 reports as an error."},
		{"data-tls-failure-drops-session", "the server ends the whole session after a failed data handshake."},
		{"alg-breaks-tls-after-234", "during a handshake, a firewall inspecting FTP can cut the connection right after 234."},
	}},

	// ---- TLS alerts and library errors ----

	// R: ArchWiki vsftpd, hassio-addons/app-ftp#7; S: GnuTLS error texts.
	{"FileZilla \"GnuTLS error -15\" (unexpected TLS packet)", `GnuTLS error -(?:15|8)\b|unexpected TLS packet|packet with illegal or unsupported version`, []because{
		{"server-error-plaintext-inside-tls", "right after PASS this is vsftpd's \"500 OOPS\" written in clear into the TLS session when its session process dies."},
		{"implicit-got-plaintext", "at connect it is a plaintext 220 greeting on a port the client treats as implicit TLS."},
	}},
	// S: Go crypto/tls conn.go: a record whose version bytes are ASCII digits ("500 O" → 3030).
	{"Go \"received record with version 3x3x\"", `received record with version 3[0-9]3[0-9] when expecting`, []because{
		{"server-error-plaintext-inside-tls", "the record header is the text of an FTP reply: the server wrote a plaintext error into the TLS session."},
	}},
	// R: WinSCP reports; the client rejects a record whose version bytes are text.
	{"WinSCP \"SSL3 alert write: fatal: protocol version\"", `alert write: *fatal: *protocol version`, []because{
		{"server-error-plaintext-inside-tls", "the client got a record that is plain FTP text and refused its \"version\": the server wrote a plaintext error into the TLS session."},
		{"implicit-got-plaintext", "at connect it is a plaintext 220 greeting on a port the client treats as implicit TLS."},
	}},
	// R: hassio-addons/app-ftp#7, chefworks doc; S: OpenSSL reason string.
	{"\"wrong version number\" (OpenSSL: plain text where TLS was expected)", `wrong version number`, []because{
		{"implicit-got-plaintext", "the client started TLS at once on a port that greets with a plaintext 220: it is an explicit (AUTH TLS) port."},
		{"server-error-plaintext-inside-tls", "after login it is the server's plaintext error written into the TLS session."},
	}},
	// S: JSSE SSLTransport ("Unsupported or unrecognized SSL message" for a record that is not TLS).
	{"Java \"Unsupported or unrecognized SSL message\"", `Unsupported or unrecognized SSL message`, []because{
		{"implicit-got-plaintext", "the client started TLS at once on a port that greets with a plaintext 220: it is an explicit (AUTH TLS) port (Commons Net: new FTPSClient(true) is implicit)."},
		{"server-error-plaintext-inside-tls", "after login it is the server's plaintext error written into the TLS session."},
	}},
	// S: Go crypto/tls conn.go.
	{"Go \"first record does not look like a TLS handshake\"", `first record does not look like a TLS handshake`, []because{
		{"implicit-got-plaintext", "the client started TLS at once on a port that greets with a plaintext 220: it is an explicit (AUTH TLS) port."},
	}},
	// S: FileZilla tls_layer; D: FileZilla wiki; R: pyftpdlib#162.
	{"FileZilla \"GnuTLS error -110\" (TLS connection non-properly terminated)", `GnuTLS error -(?:110|9)\b|non-properly terminated|unexpected length was received|did not properly shut down TLS connection|ECONNABORTED`, []because{
		{"no-close-notify", "the server closed the data (or idle control) connection without close_notify, which FileZilla treats as a truncated transfer."},
		{"data-tls-failure-drops-session", "the server drops the connection after a data-TLS failure without a reply."},
		{"data-tls-failed", "a middlebox reset the protected data connection."},
	}},
	// R: FluentFTP#1517; S: GnuTLS error text.
	{"GnuTLS handshake timed out (GNUTLS_E_TIMEDOUT)", `GNUTLS_E_TIMEDOUT`, []because{
		{"alg-breaks-tls-after-234", "a firewall inspecting FTP lets AUTH TLS through, then stalls the handshake it cannot parse."},
	}},
	// R: FileZilla reports of the data-port cause.
	{"GnuTLS error -53 (error in the push function)", `GnuTLS error -53\b|Error in the push function`, []because{
		{"data-connect-timeout", "reported for data connections to a passive port a firewall filters."},
		{"connection-lost", "the connection was reset while the client was writing."},
	}},
	// S: FileZilla log_alert format, GnuTLS alert names; S: OpenSSL reason strings; R: ArxOne/FTP#39;
	// M: JSSE (OpenJDK 17) against a TLS-1.0-only vsftpd; S: JSSE "No appropriate protocol".
	{"TLS alert protocol_version (70)", `alert protocol version|Error in protocol version|TLS alert from the server: .*\(70\)|unsupported protocol|no protocols available|server selected unsupported protocol version|fatal alert: protocol_version|No appropriate protocol|protocol version not supported`, []because{
		{"tls-no-common-version", "the client and server share no TLS version: an old server speaking only TLS 1.0, or a hardened server above the client."},
		{"tls-legacy-version", "the server speaks only TLS 1.0 or 1.1, which current clients refuse by default."},
	}},
	// M: curl 7.88.1 and Python 3.11 (OpenSSL 3.0) against a TLS-1.0-only vsftpd; S: OpenSSL reason string.
	{"OpenSSL \"legacy sigalg disallowed or unsupported\"", `legacy sigalg disallowed`, []because{
		{"tls-legacy-version", "the server speaks only TLS 1.0 or 1.1, whose handshake signatures (MD5+SHA-1) OpenSSL 3 refuses at its default security level."},
		{"tls-no-common-version", "the client and server share no TLS version the client still allows."},
	}},
	// S: mod_tls.c tls_sni_cb; S: OpenSSL reason string.
	{"TLS alert unrecognized_name (112)", `unrecognized name|server name sent was not recognized|TLS alert from the server: .*\(112\)|fatal alert: unrecognized_name`, []because{
		{"tls-sni-unrecognized", "the server (ProFTPD with name-based virtual hosts) has no host for the name the client sent in SNI."},
	}},
	// S: mod_tls.c (SNI differs from HOST → 49), vsftpd require_cert.
	{"TLS alert access_denied (49)", `alert access denied|Access was denied|TLS alert from the server: .*\(49\)|fatal alert: access_denied`, []because{
		{"tls-sni-unrecognized", "ProFTPD denies a TLS server name that differs from an earlier HOST command."},
		{"tls-client-cert-requested", "the server requires a client certificate this client did not present."},
	}},
	// S: vsftpd require_cert (alert 40/116); S: OpenSSL reason string.
	{"TLS alert certificate_required (116)", `alert certificate required|Certificate is required|TLS alert from the server: .*\(116\)|peer did not return a certificate|fatal alert: certificate_required`, []because{
		{"tls-client-cert-requested", "the server requires a client certificate (vsftpd require_cert=YES) that this client did not send."},
	}},
	// S: OpenSSL reason strings; R: proftpd#834, os-autoinst PR 13233.
	{"no shared cipher", `no shared cipher|no ciphers available`, []because{
		{"tls-handshake-failed", "the server's cipher list (TLSCipherSuite, ssl_ciphers) shares no suite with the client."},
		{"tls-no-shared-cipher", "the server accepts only suites this client lacks (DHE, CCM, CAMELLIA or ARIA, which Go and some others do not offer)."},
		{"tls-no-common-version", "the suites left for the versions both sides speak are none."},
	}},
	// S: FileZilla log_alert format; R: forum copies, proftpd#834; D: vsftpd require_cert.
	{"TLS alert handshake_failure (40)", `TLS alert from the server: .*\(40\)|Handshake failed \(40\)|alert handshake failure|fatal alert: handshake_failure`, []because{
		{"tls-handshake-failed", "the server found no cipher suite it shares with the client (TLSCipherSuite, ssl_ciphers too narrow)."},
		{"tls-no-shared-cipher", "the server accepts only suites this client lacks (DHE, CCM, CAMELLIA or ARIA)."},
		{"tls-no-common-version", "servers also answer a version they do not speak with handshake_failure."},
		{"tls-client-cert-requested", "a server requiring client certificates fails the handshake with alert 40 when none is sent."},
	}},
	// S: GnuTLS error text; §9 lists it with the alert causes.
	{"GnuTLS error -12 (fatal alert received)", `GnuTLS error -12\b|TLS fatal alert has been received`, []because{
		{"tls-handshake-failed", "the server ended the handshake with a fatal alert; the alert FileZilla logs next names it, most often no shared cipher (40)."},
		{"tls-no-common-version", "alert 70 means no shared TLS version."},
		{"tls-client-cert-requested", "alerts 40 and 116 also come from servers requiring client certificates."},
	}},
	// R: ArxOne/FTP#39, FluentFTP#1517, cknotes.com.
	{".NET \"An existing connection was forcibly closed by the remote host\"", `forcibly closed by the remote host`, []because{
		{"tls-no-common-version", ".NET and Schannel servers reset a handshake in a TLS version they do not speak (fixed by allowing TLS 1.2 on the client)."},
		{"alg-breaks-tls-after-234", "a firewall inspecting FTP resets the connection right after 234."},
		{"connection-lost", "the server or a middlebox reset the connection later in the session."},
	}},
	// S: JSSE SSLSocketImpl (the server closed the connection during the handshake, without an alert).
	{"Java \"Remote host terminated the handshake\"", `Remote host terminated the handshake`, []because{
		{"tls-handshake-failed", "the server closed the connection in the middle of the handshake: vsftpd does this when it finds no suite to use (\"no shared cipher\" in its log)."},
		{"alg-breaks-tls-after-234", "a firewall inspecting FTP cuts the connection right after 234."},
		{"tls-no-common-version", "some servers close instead of sending an alert when they share no TLS version with the client."},
	}},
	// D: Schannel SEC_E_ALGORITHM_MISMATCH (0x80090331), Microsoft Learn; M: vsftpd with an ECDSA certificate and Debian's RSA-only default suite refuses TLS 1.2.
	{"Schannel \"do not possess a common algorithm\"", `do not possess a common algorithm|SEC_E_ALGORITHM_MISMATCH|0x80090331`, []because{
		{"tls12-refused", "a Windows client without TLS 1.3 (Windows 10, Server 2019) met a server that speaks TLS 1.3 but no usable TLS 1.2 suite."},
		{"tls-no-common-version", "the server speaks only TLS versions the client has disabled (TLS 1.0/1.1)."},
	}},

	// ---- Certificate verification ----

	// S: Go crypto/x509 parser.go; R: chefworks doc.
	{"Go \"x509: negative serial number\"", `negative serial number`, []because{
		{"cert-negative-serial", "Go refuses certificates with a negative serial number (GODEBUG=x509negativeserial=1 accepts them); OpenSSL clients do not."},
	}},
	// S: Go crypto/x509 verify.go.
	{"Go \"x509: certificate relies on legacy Common Name field\"", `relies on legacy Common Name field`, []because{
		{"cert-no-san", "the certificate names the server only in its Common Name, which Go, Java and browsers ignore."},
	}},
	// S: OpenSSL verify strings, Go x509, JDK HostnameChecker and Apache HttpClient-style verifiers; R: lftp#377.
	{"certificate name does not match the host", `doesn't match requested host name|hostname mismatch|IP address mismatch|no alternative certificate subject name matches|certificate is valid for .*, not |certificate is not valid for any names|but none matched|doesn't match any of the subject alternative names|No subject alternative (?:names|DNS name) matching|doesn't contain any IP SANs`, []because{
		{"cert-name-mismatch", "the certificate does not name the host the client connected to (common when connecting by IP address)."},
	}},
	// S: OpenSSL verify string.
	{"certificate \"self-signed certificate in certificate chain\"", `self[- ]signed certificate in certificate chain`, []because{
		{"cert-untrusted", "the chain ends at a root the client does not trust (a private CA)."},
		{"cert-self-signed", "the server's own certificate may be the self-signed one."},
	}},
	// S: OpenSSL verify string.
	{"certificate \"self-signed certificate\"", `self[- ]signed certificate`, []because{
		{"cert-self-signed", "the server certificate is self-signed, so the client cannot verify it."},
		{"cert-untrusted", "a private CA's root is self-signed too."},
	}},
	// S: OpenSSL verify strings; R: lavv17/lftp#526, #641.
	{"certificate \"unable to get local issuer certificate\"", `unable to get local issuer certificate|unable to verify the first certificate`, []because{
		{"cert-chain-incomplete", "the server does not send the intermediate certificate that issued its own."},
		{"cert-untrusted", "the issuing CA is private and not in the client's trust store."},
	}},
	// S: OpenSSL reason and verify strings; M: Go ("insecure algorithm ECDSA-SHA1" inside its
	// unknown-authority error) and lftp/GnuTLS against a SHA-1-signed leaf. Before the
	// unknown-authority rule, whose text Go wraps around this one.
	{"certificate signature too weak", `ca md too weak|digest algorithm too weak|insecure algorithm`, []because{
		{"cert-weak-signature", "a certificate in the chain is signed with SHA-1 or MD5, which OpenSSL 3, GnuTLS and Go refuse by default."},
	}},
	// S: Go crypto/x509 verify.go; R: Java PKIX and .NET texts.
	{"certificate signed by an unknown authority", `signed by unknown authority|PKIX path building failed|unable to find valid certification path|remote certificate is invalid`, []because{
		{"cert-chain-incomplete", "the server does not send the intermediate certificate that issued its own."},
		{"cert-untrusted", "the chain ends at a private CA the client does not trust."},
		{"cert-self-signed", "the server certificate is self-signed."},
	}},
	// S: OpenSSL verify string, Go x509 (detail "is before"), JDK CertificateNotYetValidException (JSSE shows only its message, "NotBefore: DATE").
	{"certificate not yet valid", `certificate is not yet valid|current time \S+ is before|CertificateNotYetValidException|\bNotBefore: `, []because{
		{"cert-not-yet-valid", "the certificate's validity starts in the future (or the server's or client's clock is wrong)."},
	}},
	// S: OpenSSL verify string, Go x509, JDK CertificateExpiredException (JSSE shows only its message, "NotAfter: DATE"; Commons Net's default trust manager checks dates only).
	{"certificate expired", `certificate has expired|certificate expired|expired certificate|CertificateExpiredException|\bNotAfter: `, []because{
		{"cert-expired", "the server certificate is past its end date."},
	}},
	// S: OpenSSL reason and verify strings.
	{"certificate key too weak", `ee key too small|certificate key too weak`, []because{
		{"cert-weak-key", "the certificate key is too small for OpenSSL 3's default security level."},
	}},
	// R: lavv17/lftp#526, #641; M: lftp 4.9.2 ("The certificate is NOT trusted. The certificate issuer is unknown.").
	{"lftp \"Certificate verification: Not trusted\"", `Certificate verification: (?:.* is )?Not trusted|certificate issuer is unknown|certificate verify failed|CERTIFICATE_VERIFY_FAILED`, []because{
		{"cert-chain-incomplete", "the server does not send the intermediate certificate that issued its own."},
		{"cert-self-signed", "the server certificate is self-signed."},
		{"cert-untrusted", "the chain ends at a private CA the client does not trust."},
	}},

	// ---- curl exit codes ----

	// D: curl test 405; §9.
	{"curl 28 (timeout)", curlExit(28, "CURLE_OPERATION_TIMEDOUT") + `|Timeout was reached`, []because{
		{"explicit-got-silence", "curl waited for a greeting on an implicit-TLS port, which stays silent until a ClientHello."},
		{"data-connect-timeout", "the passive data port did not answer: the passive range is filtered."},
		{"alg-breaks-tls-after-234", "a firewall inspecting FTP stalls the handshake after 234."},
	}},
	// S: curl lib/ftp.c (non-226 after the transfer); §9.
	{"curl 18 (partial file)", curlExit(18, "CURLE_PARTIAL_FILE") + `|Transferred a partial file`, []because{
		{"data-session-reuse-required", "curl reports a refusal after 150 (522/425 for a data connection that did not resume) as a partial file."},
		{"data-tls-failed", "the protected data connection failed after the transfer started."},
		{"no-close-notify", "the data connection ended without close_notify."},
	}},
	// R: lavv17/lftp#526; §9: chain incomplete, self-signed, private CA. 51 is the code before curl 7.62.
	{"curl 60 (certificate not verified)", curlExit(60, "CURLE_PEER_FAILED_VERIFICATION") + `|` + curlExit(51, "CURLE_SSL_CACERT") + `|SSL peer certificate or SSH remote key was not OK`, []because{
		{"cert-chain-incomplete", "most often the server does not send the intermediate certificate that issued its own."},
		{"cert-self-signed", "the server certificate is self-signed."},
		{"cert-untrusted", "the chain ends at a private CA the client does not trust."},
		{"cert-name-mismatch", "the certificate does not name the host curl connected to."},
		{"cert-expired", "the certificate has expired."},
	}},
	// S: curl lib/ftp.c (64 only with --ssl-reqd).
	{"curl 64 (requested SSL level failed)", curlExit(64, "CURLE_USE_SSL_FAILED"), []because{
		{"auth-not-supported", "curl with --ssl-reqd got no 234 to AUTH SSL or AUTH TLS: TLS is not enabled on the server."},
	}},
	// R: curl#17130; S: OpenSSL 3 treats EOF without close_notify as an error.
	{"curl 56 (failure receiving data)", curlExit(56, "CURLE_RECV_ERROR") + `|Failure when receiving data from the peer`, []because{
		{"no-close-notify", "the server closed the TLS connection without close_notify."},
		{"data-tls-failure-drops-session", "the server dropped the session after a failed data handshake."},
		{"connection-lost", "the server or a middlebox reset the connection."},
	}},
	// S: curl maps a refused USER/PASS to 67; §4 cleartext refusal texts come as 530.
	{"curl 67 (login denied)", curlExit(67, "CURLE_LOGIN_DENIED") + `|Login denied`, []because{
		{"login-failed", "the server refused the user name or password inside TLS."},
		{"login-cleartext-refused", "without ftps:// or --ssl-reqd curl logs in in clear, which TLS-only servers refuse with 530."},
	}},
	// §9: a refused or unanswered connection; the data leg (not verified) gives the same.
	{"curl 7 (could not connect)", curlExit(7, "CURLE_COULDNT_CONNECT") + `|Couldn't connect to server`, []because{
		{"port-closed", "nothing accepts connections on the port curl dialled."},
		{"port-timeout", "a firewall drops packets to that port."},
		{"data-connect-refused", "curl may report a refused passive data port the same way (not verified)."},
	}},
	// R: hassio-addons/app-ftp#7, chefworks doc; §9 lists the mode first.
	{"curl 35 (TLS handshake failed)", curlExit(35, "CURLE_SSL_CONNECT_ERROR") + `|SSL connect error`, []because{
		{"implicit-got-plaintext", "the commonest curl 35 with FTPS: ftps:// (implicit TLS) against a port that speaks explicit FTPS."},
		{"tls-handshake-failed", "the server refused the handshake (no shared cipher, its TLSLog says why)."},
		{"tls-no-common-version", "the server and curl share no TLS version."},
		{"alg-breaks-tls-after-234", "a firewall inspecting FTP broke the handshake after 234."},
		{"data-tls-early-refused", "after EPSV/PASV, the server reset the data handshake curl starts before the transfer command (pyftpdlib does)."},
	}},
	// M: curl 7.88.1 against pyftpdlib 1.5.7 (TestRealClients): after the data
	// connection was reset, curl retries with PASV and reads the reply to its
	// TYPE A or LIST instead.
	{"curl 13 (bad PASV/EPSV reply)", curlExit(13, "CURLE_FTP_WEIRD_PASV_REPLY") + `|Bad PASV/EPSV response`, []because{
		{"data-tls-early-refused", "curl's data handshake, started before the transfer command, was reset, and curl then misread the next reply as the answer to PASV."},
		{"passive-refused", "the server answered PASV/EPSV with something curl cannot parse."},
	}},

	// ---- Bare socket errors and generic client messages ----

	// R: FileZilla and other clients after many data-channel causes.
	{"directory listing failed", `(?:Failed|Could not) (?:to )?retrieve directory listing`, []because{
		{"data-connect-timeout", "the commonest reason: the passive port range is filtered."},
		{"data-session-reuse-required", "the server refused a data connection that did not resume the control TLS session."},
		{"no-close-notify", "the listing ended without close_notify, which FileZilla treats as truncated."},
		{"pasv-address-mismatch", "the 227 reply names an address the client cannot reach."},
	}},
	// §9: listing hangs after 150/227, ETIMEDOUT.
	{"connection timed out (ETIMEDOUT)", `ETIMEDOUT|timed out`, []because{
		{"data-connect-timeout", "after PASV or 150 it is the passive port range filtered by a firewall."},
		{"pasv-address-mismatch", "the 227 reply names a stale or other address that the client dials and cannot reach."},
		{"epsv-port-blocked", "EPSV's data port is filtered while PASV's works, and the client tries EPSV first."},
		{"port-timeout", "while connecting, a firewall drops packets to the control port."},
		{"explicit-got-silence", "while waiting for the greeting, the port is implicit TLS and waits for a ClientHello."},
	}},
	// §2: reset right after 234; §3: Schannel servers reset unknown versions.
	{"connection reset (ECONNRESET)", `ECONNRESET|Connection reset by peer`, []because{
		{"alg-breaks-tls-after-234", "right after 234 it is a firewall inspecting FTP that cannot parse TLS."},
		{"tls-no-common-version", "during the handshake, .NET and Schannel servers reset a TLS version they do not speak."},
		{"connection-lost", "later in the session, the server's session process ended or a middlebox dropped the connection."},
	}},
	// §9: curl 7 / refused ports.
	{"connection refused (ECONNREFUSED)", `ECONNREFUSED|Connection refused`, []because{
		{"port-closed", "nothing accepts connections on the control port, or a firewall rejects them."},
		{"data-connect-refused", "on a data connection, the passive port is closed or rejected."},
		{"epsv-port-blocked", "on a data connection after EPSV, the port EPSV named is closed or rejected while PASV's works, and the client does not fall back."},
	}},
}

// compiledRule is a rule ready to match.
type compiledRule struct {
	name   string
	re     *regexp.Regexp
	causes []Cause
}

// compiled is rules with the regexps compiled and the causes filled in; a
// rule naming an id missing from causes is a programming error.
var compiled = func() []compiledRule {
	out := make([]compiledRule, 0, len(rules))
	for _, r := range rules {
		cr := compiledRule{name: r.name, re: regexp.MustCompile(`(?i)` + r.pattern)}
		for _, b := range r.causes {
			info, ok := causes[b.id]
			if !ok {
				panic("explain: rule " + r.name + " names unknown cause " + b.id)
			}
			cr.causes = append(cr.causes, Cause{ID: b.id, Catalog: info.catalog, Why: b.why, Confirm: info.confirm})
		}
		out = append(out, cr)
	}
	return out
}()
