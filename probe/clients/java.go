package clients

import "github.com/ftpsdiag/ftpsdiag/probe/cause"

// java is JSSE with Apache Commons Net's FTPSClient.
var java = family{id: "java", implicit: true, works: "JSSE with Commons Net meets nothing it refuses; the server does not require session resumption", rules: []rule{
	meetsAuthRace,
	{when: has(untrustedIDs...), verdict: AtRisk,
		reasonsOf: func(f *facts) []string { return present(f, untrustedIDs...) },
		detail:    "connects only because Commons Net's default trust manager checks dates alone (no chain, no host name)",
		basis:     "R: ballerina module-ballerina-ftp PR 1561; FAILURES.md §3 (TrustManagerUtils validate-dates default)"},
	{when: has(cause.CertExpired, cause.CertNotYetValid), verdict: Fails,
		reasonsOf: func(f *facts) []string { return present(f, cause.CertExpired, cause.CertNotYetValid) },
		detail:    "the default trust manager checks validity dates and refuses this certificate",
		basis:     "R: as above (dates are what it checks)"},
	// No rule for cert-weak-key or cert-weak-signature: JDK 17 with
	// Commons Net 3.9 listed against an RSA-1024 key and a SHA-1-signed
	// leaf from a private CA (TestRealClients). jdk.certpath.disabledAlgorithms
	// refuses only RSA under 1024 bits, and SHA-1 only in chains that end
	// at the JDK's own CAs ("SHA1 jdkCA").
	{when: func(f *facts) bool { return f.legacyOnly }, verdict: Fails, reasons: ids(cause.TLSLegacyVersion),
		detail: "current JDKs disable TLS 1.0/1.1, and the server offers nothing newer",
		basis:  "M: OpenJDK 17 failed against a TLS-1.0-only vsftpd (TestRealClients); D: JDK-8202343 (jdk.tls.disabledAlgorithms, 8u291/11.0.11 and later)"},
	{when: has(cause.AuthNonstandardSuccess), verdict: Fails, reasons: ids(cause.AuthNonstandardSuccess),
		detail: "Commons Net requires 234 to AUTH and throws an SSLException with the server's reply",
		basis:  "M: Commons Net 3.9 against a server answering 200 (TestRealClients); S: FTPSClient.execAUTH"},
	{when: func(f *facts) bool { return f.reuse != nil && *f.reuse }, verdict: Fails, reasons: ids(cause.DataSessionReuseRequired),
		detail: "JSSE keys its session cache by host and port, so the data connection does not resume; this server requires it",
		basis:  "M: OpenJDK 17 with Commons Net 3.9 failed against vsftpd and ProFTPD requiring reuse, at TLS 1.3 and 1.2 (TestRealClients); R: commons-net PR 321/395, FluentFTP#311, cyberduck#15466 (FAILURES.md §7, §11)"},
	{when: has(cause.ReplyTextMissing), verdict: Fails, reasons: ids(cause.ReplyTextMissing),
		detail: "Commons Net parses replies strictly by default and throws MalformedServerReplyException (\"Truncated server reply\") at a reply with no text after its code",
		basis:  "S: commons-net FTP.getReply (strictReplyParsing, default true: a line of 3 or 4 characters is truncated); M: Commons Net 3.9 threw Truncated server reply: '200 ' against the fake server answering PBSZ so (TestRealClients), as against the real server of issue 15"},
	waitsFor150("FTPSClient._openDataConnection_ calls startHandshake once FTPClient._openDataConnection_ has read the 1xx",
		"S: commons-net FTPSClient._openDataConnection_"),
	sendsPASV("sends PASV over IPv4 (EPSV only with setUseEPSVwithIPv4(true) or over IPv6)",
		"S: commons-net FTPClient._openDataConnection_ (isUseEPSVwithIPv4, default false); M: Commons Net 3.9 stopped at the 502 (TestRealClients)"),
	reuseUnmeasured, laterTransferFailed,
	// No PASV address rule: Commons Net 3.9 and later connect to the control
	// connection's address whatever the 227 names (ipAddressFromPasvResponse
	// off by default, CVE-2021-37533); measured: a 227 naming 127.0.0.2
	// made it connect to 127.0.0.1 (TestRealClients). Older versions
	// used the address, replacing only site-local ones (NatServerResolverImpl).
}}

// What JSSE and Commons Net print, for explain (texts orders them among
// the others).
var (
	// R: cyberduck PR 18399 (JSSE); S: pure-ftpd tls.c, vsftpd ftpdataio.c.
	javaClosedWithoutIndication = textRule{"Java \"Connection closed without indication\"", `Connection closed without indication`, []because{
		{cause.TLS13TicketLifecycle, "under TLS 1.3 Java used up the server's single-use tickets, and the server refused the next data handshake (often after a few listings)."},
		{cause.DataTLSFailureDropsSession, "the server ends the whole session after a failed data handshake."},
	}}

	// S: Commons Net FTP.getReply (strict reply parsing, on by default, refuses a reply with nothing after its code); M: a server answering PBSZ and PROT with "200 " (issue 15).
	javaTruncatedReply = textRule{"Commons Net \"Truncated server reply\"", `Truncated server reply`, []because{
		{cause.ReplyTextMissing, "the server answered a command (PBSZ or PROT, as measured) with a code and no text, which Commons Net refuses as malformed."},
	}}

	// S: JSSE SSLTransport ("Unsupported or unrecognized SSL message" for a record that is not TLS).
	javaUnrecognizedMessage = textRule{"Java \"Unsupported or unrecognized SSL message\"", `Unsupported or unrecognized SSL message`, []because{
		{cause.ImplicitGotPlaintext, "the client started TLS at once on a port that greets with a plaintext 220: it is an explicit (AUTH TLS) port (Commons Net: new FTPSClient(true) is implicit)."},
		{cause.ServerErrorPlaintextInsideTLS, "after login it is the server's plaintext error written into the TLS session."},
	}}
	// S: JSSE SSLSocketImpl (the server closed the connection during the handshake, without an alert).
	javaHandshakeTerminated = textRule{"Java \"Remote host terminated the handshake\"", `Remote host terminated the handshake`, []because{
		{cause.TLSHandshakeFailed, "the server closed the connection in the middle of the handshake: vsftpd does this when it finds no suite to use (\"no shared cipher\" in its log)."},
		{cause.ALGBreaksTLSAfter234, "a firewall inspecting FTP cuts the connection right after 234."},
		{cause.TLSNoCommonVersion, "some servers close instead of sending an alert when they share no TLS version with the client."},
	}}
)
