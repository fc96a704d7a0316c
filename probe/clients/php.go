package clients

import (
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// Reasons of the php family that are measured facts, not findings.
const (
	reasonNoVerification   = "no-certificate-verification"
	reasonNoSession        = "no-session-to-resume"
	reasonResumableUnknown = "resumable-not-measured"
)

// Certificate findings that a verifying client refuses and PHP, which
// verifies nothing, does not see.
var unverifiedIDs = slices.Concat(untrustedIDs, []cause.ID{cause.CertWeakKey, cause.CertWeakSignature, cause.CertNoSAN})

// php is PHP's ftp extension (ftp_ssl_connect, behind WordPress's FTP
// updates and many PHP applications) on OpenSSL 3. It has no implicit TLS.
var php = family{id: "php", works: "PHP's ftp extension resumes the session and meets nothing it refuses (it verifies no certificate)", rules: slices.Concat([]rule{
	{when: has(unverifiedIDs...), verdict: AtRisk,
		reasonsOf: func(f *facts) []string { return append(present(f, unverifiedIDs...), reasonNoVerification) },
		detail:    "connects only because PHP's ftp extension verifies no certificate (chain, name, dates, key or signature), which also lets anyone in the path read the password",
		basis:     "S: php-src ext/ftp/ftp.c ftp_login (SSL_CTX_new without SSL_CTX_set_verify or a CA); M: PHP 8.2 listed from servers with expired, untrusted, other-name, SHA-1-signed and RSA-1024 leaves (TestRealClients)"},
	// OpenSSL 3 at Debian's security level 2 refuses TLS 1.0 even
	// without verification (M: PHP 8.2 "ftp_login(): SSL/TLS handshake
	// failed" against a TLS-1.0-only vsftpd, TestRealClients).
	refusesLegacy,
	{when: has(cause.AuthNonstandardSuccess), verdict: Fails, reasons: ids(cause.AuthNonstandardSuccess),
		detail: "requires 234 to AUTH TLS (or 334 to AUTH SSL) and gives up on any other reply",
		basis:  "S: php-src ext/ftp/ftp.c ftp_login; M: PHP 8.2 against a server answering 200 (TestRealClients)"},
	{when: has(cause.NoCloseNotify), verdict: Fails, reasons: ids(cause.NoCloseNotify),
		detail: "treats a listing that ends without TLS close_notify as a read error (\"SSL read failed\") and returns no listing",
		basis:  "M: PHP 8.2 ftp_nlist against the fake server ending listings without close_notify (TestRealClients)"},
	// It resumes on every data connection (below), so session reuse
	// required, by ticket or by session ID, costs it nothing (M: listed
	// from vsftpd require_ssl_reuse=YES and ProFTPD without tickets at
	// TLS 1.2).
	{when: func(f *facts) bool { return f.dataTested && f.resumable != nil && !*f.resumable }, verdict: Fails, reasons: []string{reasonNoSession},
		detail: "always resumes the control session on data connections and refuses to open one (\"data_accept: failed to retrieve the existing SSL session\") when, as here, the control handshake left no session to resume (no ticket, no session ID)",
		basis:  "S: php-src ext/ftp/ftp.c data_accept (ftp->last_ssl_session, which its new-session callback sets only when OpenSSL caches a session: one with a ticket or an ID); M: PHP 8.2 against Pure-FTPd at TLS 1.3 (TestRealClients), which does not require reuse"},
	{when: func(f *facts) bool { return f.dataTested && f.resumable == nil }, verdict: Unknown, reasons: []string{reasonResumableUnknown},
		detail: "opens data connections only by resuming the control session; whether the control handshake left one was not recorded",
		basis:  "S: as above; the verdict hinges on tls.resumable, absent in this result"},
	waitsFor150("data_accept opens TLS once ftp_genlist has read the 150 or 125",
		"S: php-src ext/ftp/ftp.c ftp_genlist"),
	sendsPASV("sends only PASV over IPv4 (EPSV first only over IPv6)", "S: php-src ext/ftp/ftp.c ftp_pasv"),
	laterTransferFailed, authRaceUnknown,
	// No EPSV rule: over IPv4 it never sends EPSV (M: listed from the fake
	// server whose EPSV port is closed). No data-tls-early-refused rule:
	// its data handshake starts after 150 (M: listed from pyftpdlib).
}, pasvRules(nil, func(*facts) bool { return false }, Fails,
	"with ftp_set_option(FTP_USEPASVADDRESS, false), not the default",
	"S: php-src ext/ftp/ftp.c ftp_pasv and ftp_getdata (usepasvaddress, default true); M: PHP 8.2 dialled 127.0.0.2 from a 227 naming it (TestRealClients)"))}

// What PHP's ftp extension prints, for explain (texts orders them among
// the others).
var (
	// S: php-src ext/ftp/ftp.c data_accept; M: PHP 8.2 against Pure-FTPd at TLS 1.3 (TestRealClients).
	phpNoSession = textRule{"PHP \"data_accept: failed to retrieve the existing SSL session\"", `failed to retrieve the existing SSL session`, []because{
		{cause.DataResumptionUnsupported, "the control handshake left no session to resume (at TLS 1.3 the server issued no ticket), and PHP opens data connections only by resuming it; the server may not even require reuse."},
	}}
	// S: php-src ext/ftp/ftp.c ftp_login (OpenSSL's reason is not shown); M: PHP 8.2 against a TLS-1.0-only vsftpd.
	phpHandshakeFailed = textRule{"PHP \"ftp_login(): SSL/TLS handshake failed\"", `ftp_login\(\): SSL/TLS handshake failed`, []because{
		{cause.TLSHandshakeFailed, "the server refused the handshake (no shared cipher); PHP verifies no certificate, so it is never the certificate."},
		{cause.TLSLegacyVersion, "the server speaks only TLS 1.0 or 1.1, which OpenSSL 3 refuses at its default security level (measured: a TLS-1.0-only vsftpd)."},
		{cause.TLSNoCommonVersion, "the client and server share no TLS version."},
	}}
	// S: php-src ext/ftp/ftp.c my_recv; M: PHP 8.2 against the fake server ending listings without close_notify.
	phpSSLRead = textRule{"PHP \"SSL read failed\"", `SSL read failed`, []because{
		{cause.NoCloseNotify, "the server closed the data connection without close_notify, which PHP reports as a failed read."},
		{cause.ConnectionLost, "the server or a middlebox reset the connection."},
	}}
	// S: php-src main/network.c php_network_connect_socket_to_host (errno of the
	// non-blocking connect); M: PHP 8.2 dialling the 227's 127.0.0.2 (TestRealClients).
	phpConnectFailed = textRule{"PHP \"php_connect_nonb() failed\"", `php_connect_nonb\(\) failed`, []because{
		{cause.PASVAddressMismatch, "PHP dials the address the 227 reply names, and it is not the server's."},
		{cause.DataConnectRefused, "the passive port refused the connection."},
		{cause.DataConnectTimeout, "the passive port did not answer: the passive range is filtered."},
	}}
)
