package clients

import (
	"fmt"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// Certificate findings that make a verifying client refuse the handshake.
var untrustedIDs = []cause.ID{cause.CertExpired, cause.CertNotYetValid, cause.CertSelfSigned, cause.CertUntrusted, cause.CertChainIncomplete, cause.CertNameMismatch}

// opensAtOnce is the rule of a client that opens up to n connections at
// once to the server (parallel transfers): it is at risk on a server whose
// measured limit is lower, as transfers beyond it are refused. detail says
// which connections it opens; basis where that is documented.
func opensAtOnce(n int, detail, basis string) rule {
	return rule{
		when:    func(f *facts) bool { return f.maxSessions > 0 && f.maxSessions < n },
		verdict: AtRisk, reasons: ids(cause.ConnectionLimitLow),
		detailOf: func(f *facts) string {
			return fmt.Sprintf("%s; the server accepts %d at once from one address, so those beyond are refused (421 or 530) until one ends", detail, f.maxSessions)
		},
		basis: basis,
	}
}

// Verdict rules several families share.
var (
	// Clients that verify the chain and the name refuse the handshake.
	verifies = rule{
		when: has(untrustedIDs...), verdict: Fails,
		reasonsOf: func(f *facts) []string { return present(f, untrustedIDs...) },
		detail:    "verifies the certificate chain and name and refuses this certificate",
		basis:     "D: curl CURLOPT_SSL_VERIFYPEER/VERIFYHOST default on; lftp ssl:verify-certificate default yes; Python ssl.create_default_context; Go crypto/tls; .NET SslStream default validation",
	}
	// FileZilla and WinSCP ask the user about a certificate they cannot
	// verify; it works only once someone accepts it.
	asksUser = rule{
		when: has(untrustedIDs...), verdict: AtRisk,
		reasonsOf: func(f *facts) []string { return present(f, untrustedIDs...) },
		detail:    "asks the user to accept a certificate it cannot verify: works only after someone trusts it by hand, never unattended",
		basis:     "D: FileZilla wiki \"Unknown certificate\" dialog; WinSCP documentation, \"Verifying the certificate\" prompt",
	}
	// A weak SHA-1 certificate signature, measured refused.
	refusesSHA1 = rule{
		when: has(cause.CertWeakSignature), verdict: Fails, reasons: ids(cause.CertWeakSignature),
		detail: "refuses certificates signed with SHA-1",
		basis:  "M: curl and ftplib on OpenSSL 3 (security level 2), Go crypto/tls and lftp (GnuTLS) rejected a SHA-1-signed chain on Debian",
	}
	// The behaviour towards a SHA-1 signature is not in this table.
	sha1Unknown = rule{
		when: has(cause.CertWeakSignature), verdict: Unknown, reasons: ids(cause.CertWeakSignature),
		detail: "whether it accepts a SHA-1 certificate signature is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// RSA under 2048 bits.
	refusesWeakKey = rule{
		when: has(cause.CertWeakKey), verdict: Fails, reasons: ids(cause.CertWeakKey),
		detail: "OpenSSL 3 at security level 2 refuses RSA keys under 2048 bits",
		basis:  "M: curl and ftplib on Debian's OpenSSL 3 (security level 2) rejected an RSA-1024 certificate (\"EE certificate key too weak\"), while lftp and Go listed (TestRealClients)",
	}
	weakKeyUnknown = rule{
		when: has(cause.CertWeakKey), verdict: Unknown, reasons: ids(cause.CertWeakKey),
		detail: "whether it accepts an RSA key under 2048 bits is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// Only TLS 1.0/1.1.
	refusesLegacy = rule{
		when: func(f *facts) bool { return f.legacyOnly }, verdict: Fails, reasons: ids(cause.TLSLegacyVersion),
		detail: "refuses TLS below 1.2, and the server offers nothing newer",
		basis:  "M: against a TLS-1.0-only vsftpd (TestRealClients), curl and ftplib (OpenSSL 3, security level 2) failed with \"legacy sigalg disallowed or unsupported\" and Go crypto/tls (MinVersion 1.2 by default) with \"protocol version not supported\"",
	}
	legacyUnknown = rule{
		when: func(f *facts) bool { return f.legacyOnly }, verdict: Unknown, reasons: ids(cause.TLSLegacyVersion),
		detail: "whether its default settings still allow TLS 1.0/1.1 is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// The client does not resume TLS sessions on data connections.
	reuseUnmeasured = rule{
		when: func(f *facts) bool { return f.dataTested && f.reuse == nil }, verdict: Unknown, reasons: []string{reasonReuseUnknown},
		detail: "does not resume TLS sessions, and whether the server requires resumption was not measured",
		basis:  "M: the verdict hinges on policy.session_reuse_required, absent in this run",
	}
	// A later listing of the session failed: clients that transfer several
	// files in one session may meet it too; Go's own rule says it fails.
	laterTransferFailed = rule{
		when: has(cause.TLS13TicketLifecycle), verdict: AtRisk, reasons: ids(cause.TLS13TicketLifecycle),
		detail: "a later transfer of the same session failed for ftpsdiag; clients that transfer several files in one session may fail the same way",
		basis:  "M: --transfers listings in one session (TestDataChannelFindings); R: cyberduck PR 18399, proftpd#1931 (FAILURES.md §7)",
	}
	// EPSV's data port is unreachable while PASV's works: what matters is
	// which command the client uses first. lftp (ftp:prefer-epsv off), ftplib
	// and Commons Net use PASV on IPv4 and need no rule.
	epsvBlockedUnknown = rule{
		when: has(cause.EPSVPortBlocked), verdict: Unknown, reasons: ids(cause.EPSVPortBlocked),
		detail: "whether it uses EPSV or PASV first, and falls back, is not recorded here; EPSV's data port is unreachable",
		basis:  "none: not measured, no source checked",
	}
	// The server read a ClientHello sent right after its 234 as a command
	// (auth-tls-race): a client that sends it as soon as it reads the 234
	// fails now and then. lftp measured 0 of 20 and has no rule: GnuTLS
	// loads its CA bundle between the 234 and its ClientHello.
	meetsAuthRace = rule{
		when: has(cause.AuthTLSRace), verdict: AtRisk, reasons: ids(cause.AuthTLSRace),
		detail: "sends its ClientHello as soon as it reads the 234, and fails now and then when this server reads it as a command",
		basis:  "M: against ftp-srv 4.6.3 on loopback, control handshakes failed: Go crypto/tls 141 of 200, Commons Net 10 of 50 (\"Unsupported or unrecognized SSL message\"), curl 7 of 30 ((35)), ftplib 5 of 50 (WRONG_VERSION_NUMBER); lftp 0 of 20",
	}
	authRaceUnknown = rule{
		when: has(cause.AuthTLSRace), verdict: Unknown, reasons: ids(cause.AuthTLSRace),
		detail: "whether it sends its ClientHello soon enough after the 234 to meet this server's race is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// AUTH was accepted with a 2xx other than 234. curl, lftp and ftplib take
	// any 2xx and go on (measured: TestRealClients, fake server answering
	// 200); Commons Net and Go FTP libraries require 234 (their own rules).
	authNonstandardUnknown = rule{
		when: has(cause.AuthNonstandardSuccess), verdict: Unknown, reasons: ids(cause.AuthNonstandardSuccess),
		detail: "whether it goes on after AUTH answered with a 2xx other than 234 is not recorded here",
		basis:  "none: not measured, no source checked",
	}
)

// pasvRules are the rules of a client that reads the address a 227 names
// (where reads says so; nil: always) and replaces it with the server's in
// some cases (replaces) and dials it in the others: at-risk where it
// replaces it (a work-around, easy to lose), and keeps (fails, or unknown
// where undocumented) where it dials an address that is not the server's.
// when says in words when it replaces it.
func pasvRules(reads, replaces func(f *facts) bool, keeps, when, basis string) []rule {
	mismatch := func(f *facts) bool { return f.pasv.IsValid() && (reads == nil || reads(f)) }
	return []rule{
		{when: func(f *facts) bool { return mismatch(f) && replaces(f) }, verdict: AtRisk, reasons: ids(cause.PASVAddressMismatch),
			detailOf: func(f *facts) string {
				return fmt.Sprintf("works only because it replaces the PASV address %s with the server's (%s)", f.pasv, f.peer)
			},
			basis: basis},
		{when: func(f *facts) bool { return mismatch(f) && !replaces(f) }, verdict: keeps, reasons: ids(cause.PASVAddressMismatch),
			detailOf: func(f *facts) string {
				if keeps == Unknown {
					return fmt.Sprintf("the PASV reply names %s, not the server's (%s); it is known to replace the address only %s, and what it does here is not recorded", f.pasv, f.peer, when)
				}
				return fmt.Sprintf("dials %s, the address the PASV reply names, not the server's (%s): it replaces the address only %s", f.pasv, f.peer, when)
			},
			basis: basis},
	}
}

// Nobody here has read or measured when this family starts the data TLS
// handshake, and the server sends 150 only after it.
var momentUnknown = rule{when: has(cause.Data150AfterTLS), verdict: Unknown, reasons: ids(cause.Data150AfterTLS),
	detail: "this server sends 150 only after the data TLS handshake; whether this client starts that handshake before reading 150 was not measured",
	basis:  "M: the verdict hinges on the moment the client starts data TLS, not recorded for this family"}

// sendsPASV is the rule of a family that opens its data connections with
// PASV (detail says when), on a server that refuses PASV and answers EPSV.
func sendsPASV(detail, basis string) rule {
	return rule{when: has(cause.PASVRefusedEPSVWorks), verdict: Fails, reasons: ids(cause.PASVRefusedEPSVWorks),
		detail: detail + ", and this server refuses PASV (it answers only EPSV)", basis: basis}
}

// waitsFor150 is the rule of a family that starts the data TLS handshake
// only once it has read the 150 (moment says where its source does), on a
// server that sends 150 only after that handshake: each waits for the
// other until the server gives up.
func waitsFor150(moment, basis string) rule {
	return rule{when: has(cause.Data150AfterTLS), verdict: Fails, reasons: ids(cause.Data150AfterTLS),
		detail: "starts the data TLS handshake only after reading 150 (" + moment + "), and this server sends 150 only after that handshake: both wait until the server gives up (425)",
		basis:  basis + "; M: issue 15 (lftp, Go, Commons Net and ftplib failed every time against a server sending 150 after the data handshake, curl and basic-ftp listed), as they and rclone and PHP did against the fake server doing so (TestRealClients)"}
}

// dataTLSOnConnect is the rules of a family that starts the data TLS
// handshake as soon as the data connection is up, before its transfer
// command reaches the server (basis says where that is measured): it
// fails where the server resets such a handshake, and is unknown where
// that was not measured.
func dataTLSOnConnect(basis string) []rule {
	return []rule{
		{when: func(f *facts) bool { return f.earlyData != nil && !*f.earlyData }, verdict: Fails, reasons: ids(cause.DataTLSEarlyRefused),
			detail: "starts the data TLS handshake on connecting, before the transfer command, and this server resets it",
			basis:  basis},
		{when: func(f *facts) bool { return f.dataOK && f.earlyData == nil }, verdict: Unknown, reasons: []string{reasonEarlyUnknown},
			detail: "starts the data TLS handshake before the transfer command; whether this server accepts that was not measured",
			basis:  "M: the verdict hinges on policy.data_tls_before_command, absent in this run"},
	}
}

// epsvThenPASV is the rule of a family that tries EPSV first and falls
// back to PASV once the EPSV data connection failed (basis says where
// that is measured), on a server whose EPSV port is unreachable.
func epsvThenPASV(basis string) rule {
	return rule{when: has(cause.EPSVPortBlocked), verdict: AtRisk, reasons: ids(cause.EPSVPortBlocked),
		detail: "tries EPSV first and falls back to PASV only once the data connection failed: after its connect timeout where the port is filtered",
		basis:  basis}
}

// What several clients print, mostly through the TLS library or the
// system's sockets they share, for explain (texts orders them among the
// others).
var (
	// Client messages that name a cause.

	// R: ftptest.net, S: FileZilla, WinSCP, lftp source.
	pasvUnroutable = textRule{"PASV reply with an unroutable address", `unroutable (?:private )?(?:IP )?address|Address returned by PASV seemed to be incorrect`, []because{
		{cause.PASVAddressMismatch, "the server behind NAT advertises its private address in the 227 reply, and with TLS the router cannot rewrite it."},
	}}
	// S: OpenSSL reason string; R: PHP (docker-library/php#1533, php-src bug 80880), curl#17130.
	opensslUnexpectedEOF = textRule{"OpenSSL \"unexpected eof while reading\"", `unexpected eof while reading|SSL_read on shutdown`, []because{
		{cause.NoCloseNotify, "the server closed a TLS connection without close_notify, which OpenSSL 3 reports as an error."},
		{cause.DataTLSFailureDropsSession, "the server ends the whole session after a failed data handshake."},
		{cause.ALGBreaksTLSAfter234, "during a handshake, a firewall inspecting FTP can cut the connection right after 234."},
	}}

	// TLS alerts and library errors.

	// R: hassio-addons/app-ftp#7, chefworks doc; S: OpenSSL reason string.
	opensslWrongVersion = textRule{"\"wrong version number\" (OpenSSL: plain text where TLS was expected)", `wrong version number`, []because{
		{cause.ImplicitGotPlaintext, "the client started TLS at once on a port that greets with a plaintext 220: it is an explicit (AUTH TLS) port."},
		{cause.ServerErrorPlaintextInsideTLS, "after login it is the server's plaintext error written into the TLS session."},
	}}
	// R: FluentFTP#1517; S: GnuTLS error text.
	gnutlsTimedOut = textRule{"GnuTLS handshake timed out (GNUTLS_E_TIMEDOUT)", `GNUTLS_E_TIMEDOUT`, []because{
		{cause.ALGBreaksTLSAfter234, "a firewall inspecting FTP lets AUTH TLS through, then stalls the handshake it cannot parse."},
	}}
	// S: FileZilla log_alert format, GnuTLS alert names; S: OpenSSL reason strings; R: ArxOne/FTP#39;
	// M: JSSE (OpenJDK 17) against a TLS-1.0-only vsftpd; S: JSSE "No appropriate protocol".
	alertProtocolVersion = textRule{"TLS alert protocol_version (70)", `alert protocol version|Error in protocol version|TLS alert from the server: .*\(70\)|unsupported protocol|no protocols available|server selected unsupported protocol version|fatal alert: protocol_version|No appropriate protocol|protocol version not supported`, []because{
		{cause.TLSNoCommonVersion, "the client and server share no TLS version: an old server speaking only TLS 1.0, or a hardened server above the client."},
		{cause.TLSLegacyVersion, "the server speaks only TLS 1.0 or 1.1, which current clients refuse by default."},
	}}
	// M: curl 7.88.1 and Python 3.11 (OpenSSL 3.0) against a TLS-1.0-only vsftpd; S: OpenSSL reason string.
	opensslLegacySigalg = textRule{"OpenSSL \"legacy sigalg disallowed or unsupported\"", `legacy sigalg disallowed`, []because{
		{cause.TLSLegacyVersion, "the server speaks only TLS 1.0 or 1.1, whose handshake signatures (MD5+SHA-1) OpenSSL 3 refuses at its default security level."},
		{cause.TLSNoCommonVersion, "the client and server share no TLS version the client still allows."},
	}}
	// S: mod_tls.c tls_sni_cb; S: OpenSSL reason string.
	alertUnrecognizedName = textRule{"TLS alert unrecognized_name (112)", `unrecognized name|server name sent was not recognized|TLS alert from the server: .*\(112\)|fatal alert: unrecognized_name`, []because{
		{cause.TLSSNIUnrecognized, "the server (ProFTPD with name-based virtual hosts) has no host for the name the client sent in SNI."},
	}}
	// S: mod_tls.c (SNI differs from HOST → 49), vsftpd require_cert.
	alertAccessDenied = textRule{"TLS alert access_denied (49)", `alert access denied|Access was denied|TLS alert from the server: .*\(49\)|fatal alert: access_denied`, []because{
		{cause.TLSSNIUnrecognized, "ProFTPD denies a TLS server name that differs from an earlier HOST command."},
		{cause.TLSClientCertRequested, "the server requires a client certificate this client did not present."},
	}}
	// S: vsftpd require_cert (alert 40/116); S: OpenSSL reason string.
	alertCertificateRequired = textRule{"TLS alert certificate_required (116)", `alert certificate required|Certificate is required|TLS alert from the server: .*\(116\)|peer did not return a certificate|fatal alert: certificate_required`, []because{
		{cause.TLSClientCertRequested, "the server requires a client certificate (vsftpd require_cert=YES) that this client did not send."},
	}}
	// S: OpenSSL reason strings; R: proftpd#834, os-autoinst PR 13233.
	noSharedCipher = textRule{"no shared cipher", `no shared cipher|no ciphers available`, []because{
		{cause.TLSHandshakeFailed, "the server's cipher list (TLSCipherSuite, ssl_ciphers) shares no suite with the client."},
		{cause.TLSNoSharedCipher, "the server accepts only suites this client lacks (DHE, CCM, CAMELLIA or ARIA, which Go and some others do not offer)."},
		{cause.TLSNoCommonVersion, "the suites left for the versions both sides speak are none."},
	}}
	// S: FileZilla log_alert format; R: forum copies, proftpd#834; D: vsftpd require_cert.
	alertHandshakeFailure = textRule{"TLS alert handshake_failure (40)", `TLS alert from the server: .*\(40\)|Handshake failed \(40\)|alert handshake failure|fatal alert: handshake_failure`, []because{
		{cause.TLSHandshakeFailed, "the server found no cipher suite it shares with the client (TLSCipherSuite, ssl_ciphers too narrow)."},
		{cause.TLSNoSharedCipher, "the server accepts only suites this client lacks (DHE, CCM, CAMELLIA or ARIA)."},
		{cause.TLSNoCommonVersion, "servers also answer a version they do not speak with handshake_failure."},
		{cause.TLSClientCertRequested, "a server requiring client certificates fails the handshake with alert 40 when none is sent."},
	}}

	// Certificate verification.

	// S: OpenSSL verify strings, Go x509, JDK HostnameChecker and Apache HttpClient-style verifiers; R: lftp#377.
	verifyNameMismatch = textRule{"certificate name does not match the host", `doesn't match requested host name|hostname mismatch|IP address mismatch|no alternative certificate subject name matches|certificate is valid for .*, not |certificate is not valid for any names|but none matched|doesn't match any of the subject alternative names|No subject alternative (?:names|DNS name) matching|doesn't contain any IP SANs`, []because{
		{cause.CertNameMismatch, "the certificate does not name the host the client connected to (common when connecting by IP address)."},
	}}
	// S: OpenSSL verify string.
	verifySelfSignedInChain = textRule{"certificate \"self-signed certificate in certificate chain\"", `self[- ]signed certificate in certificate chain`, []because{
		{cause.CertUntrusted, "the chain ends at a root the client does not trust (a private CA)."},
		{cause.CertSelfSigned, "the server's own certificate may be the self-signed one."},
	}}
	// S: OpenSSL verify string.
	verifySelfSigned = textRule{"certificate \"self-signed certificate\"", `self[- ]signed certificate`, []because{
		{cause.CertSelfSigned, "the server certificate is self-signed, so the client cannot verify it."},
		{cause.CertUntrusted, "a private CA's root is self-signed too."},
	}}
	// S: OpenSSL verify strings; R: lavv17/lftp#526, #641.
	verifyLocalIssuer = textRule{"certificate \"unable to get local issuer certificate\"", `unable to get local issuer certificate|unable to verify the first certificate`, []because{
		{cause.CertChainIncomplete, "the server does not send the intermediate certificate that issued its own."},
		{cause.CertUntrusted, "the issuing CA is private and not in the client's trust store."},
	}}
	// S: OpenSSL reason and verify strings; M: Go ("insecure algorithm ECDSA-SHA1" inside its
	// unknown-authority error) and lftp/GnuTLS against a SHA-1-signed leaf. Before the
	// unknown-authority rule, whose text Go wraps around this one.
	verifyWeakSignature = textRule{"certificate signature too weak", `ca md too weak|digest algorithm too weak|insecure algorithm`, []because{
		{cause.CertWeakSignature, "a certificate in the chain is signed with SHA-1 or MD5, which OpenSSL 3, GnuTLS and Go refuse by default."},
	}}
	// S: Go crypto/x509 verify.go; R: Java PKIX and .NET texts.
	verifyUnknownAuthority = textRule{"certificate signed by an unknown authority", `signed by unknown authority|PKIX path building failed|unable to find valid certification path|remote certificate is invalid`, []because{
		{cause.CertChainIncomplete, "the server does not send the intermediate certificate that issued its own."},
		{cause.CertUntrusted, "the chain ends at a private CA the client does not trust."},
		{cause.CertSelfSigned, "the server certificate is self-signed."},
	}}
	// S: OpenSSL verify string, Go x509 (detail "is before"), JDK CertificateNotYetValidException (JSSE shows only its message, "NotBefore: DATE"),
	// GnuTLS as lftp prints it ("The certificate chain uses not yet valid certificate"). Before lftp's "Not trusted" rule, which matches the same line.
	verifyNotYetValid = textRule{"certificate not yet valid", `certificate is not yet valid|current time \S+ is before|CertificateNotYetValidException|\bNotBefore: |uses not yet valid certificate`, []because{
		{cause.CertNotYetValid, "the certificate's validity starts in the future (or the server's or client's clock is wrong)."},
	}}
	// S: OpenSSL verify string, Go x509, JDK CertificateExpiredException (JSSE shows only its message, "NotAfter: DATE"; Commons Net's default trust manager checks dates only).
	verifyExpired = textRule{"certificate expired", `certificate has expired|certificate expired|expired certificate|CertificateExpiredException|\bNotAfter: `, []because{
		{cause.CertExpired, "the server certificate is past its end date."},
	}}
	// S: OpenSSL reason and verify strings.
	verifyWeakKey = textRule{"certificate key too weak", `ee key too small|certificate key too weak`, []because{
		{cause.CertWeakKey, "the certificate key is too small for OpenSSL 3's default security level."},
	}}

	// Bare socket errors and generic client messages.

	// R: FileZilla and other clients after many data-channel causes.
	listingFailed = textRule{"directory listing failed", `(?:Failed|Could not) (?:to )?retrieve directory listing`, []because{
		{cause.DataConnectTimeout, "the commonest reason: the passive port range is filtered."},
		{cause.DataSessionReuseRequired, "the server refused a data connection that did not resume the control TLS session."},
		{cause.NoCloseNotify, "the listing ended without close_notify, which FileZilla treats as truncated."},
		{cause.PASVAddressMismatch, "the 227 reply names an address the client cannot reach."},
	}}
	// §9: listing hangs after 150/227, ETIMEDOUT.
	osTimedOut = textRule{"connection timed out (ETIMEDOUT)", `ETIMEDOUT|timed out`, []because{
		{cause.DataConnectTimeout, "after PASV or 150 it is the passive port range filtered by a firewall."},
		{cause.PASVAddressMismatch, "the 227 reply names a stale or other address that the client dials and cannot reach."},
		{cause.EPSVPortBlocked, "EPSV's data port is filtered while PASV's works, and the client tries EPSV first."},
		{cause.PortTimeout, "while connecting, a firewall drops packets to the control port."},
		{cause.ExplicitGotSilence, "while waiting for the greeting, the port is implicit TLS and waits for a ClientHello."},
	}}
	// §2: reset right after 234; §3: Schannel servers reset unknown versions.
	osReset = textRule{"connection reset (ECONNRESET)", `ECONNRESET|Connection reset by peer`, []because{
		{cause.ALGBreaksTLSAfter234, "right after 234 it is a firewall inspecting FTP that cannot parse TLS."},
		{cause.TLSNoCommonVersion, "during the handshake, .NET and Schannel servers reset a TLS version they do not speak."},
		{cause.ConnectionLost, "later in the session, the server's session process ended or a middlebox dropped the connection."},
	}}
	// §9: curl 7 / refused ports.
	osRefused = textRule{"connection refused (ECONNREFUSED)", `ECONNREFUSED|Connection refused`, []because{
		{cause.PortClosed, "nothing accepts connections on the control port, or a firewall rejects them."},
		{cause.DataConnectRefused, "on a data connection, the passive port is closed or rejected."},
		{cause.EPSVPortBlocked, "on a data connection after EPSV, the port EPSV named is closed or rejected while PASV's works, and the client does not fall back."},
	}}
)
