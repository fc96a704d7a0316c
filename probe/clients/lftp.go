package clients

import (
	"net/netip"
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// lftp is lftp on GnuTLS.
var lftp = family{id: "lftp", implicit: true, works: "lftp (GnuTLS) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
	verifies, refusesSHA1, laterTransferFailed,
	waitsFor150("it opens the data connection's TLS once the transfer command's 150 is in",
		"M: lftp 4.9.2 sent no ClientHello before the server's 150 (issue 15)"),
	sendsPASV("sends PASV (ftp:prefer-epsv is off by default)", "D: lftp(1), ftp:prefer-epsv (default no); M: lftp 4.9.2 gave up with max-retries exceeded (502 Command not implemented.) (TestRealClients)"),
	{when: func(f *facts) bool { return f.legacyOnly }, verdict: AtRisk, reasons: ids(cause.TLSLegacyVersion),
		detail: "still accepts TLS 1.0, which the server is limited to; GnuTLS policies are removing it",
		basis:  "M: lftp (GnuTLS) on Debian completed a TLS 1.0 handshake"},
	opensAtOnce(4, "pget splits a file over 5 connections by default (pget:default-n) and mirror -P N transfers N files at once, each on its own connection",
		"D: lftp(1), pget -n (setting pget:default-n, 5) and mirror --parallel"),
	// No rule for no-close-notify: lftp 4.9.2 (GnuTLS) listed from a
	// server that ends the data connection without close_notify, as
	// curl, ftplib, Commons Net and Go did (TestRealClients, fake server).
}, pasvRules(nil, lftpReplaces, Fails, "when it is 0.0.0.0, or differs from the server's in being private or in being 127.0.0.1",
	"S: lftp ftpclass.cc Handle_PASV (ftp:fix-pasv-address compares InPrivateNetwork and IsLoopback of both addresses) and network.cc (is_loopback: 127.0.0.1 only); M: lftp 4.9.2 replaced a 227's 127.0.0.2 with 127.0.0.1 (TestRealClients)"))}

// lftp replaces a 227 address that is 0.0.0.0, or that differs from the
// server's in being private (RFC 1918) or in being loopback, which for
// lftp is 127.0.0.1 alone (ftp:fix-pasv-address, on by default).
func lftpReplaces(f *facts) bool {
	private := func(a netip.Addr) bool { return a.Is4() && a.IsPrivate() }
	loopback := func(a netip.Addr) bool {
		return a == netip.AddrFrom4([4]byte{127, 0, 0, 1}) || a == netip.IPv6Loopback()
	}
	return f.pasv.IsUnspecified() || private(f.pasv) != private(f.peer) || loopback(f.pasv) != loopback(f.peer)
}

// What lftp prints, for explain (texts orders them among the others).
var (
	// M: lftp 4.9.2 against a server sending 150 only after the data
	// handshake (TestRealClients): its 425 is not shown, only the retries.
	lftpMaxRetries = textRule{"lftp \"max-retries exceeded\"", `max-retries exceeded`, []because{
		{cause.Data150AfterTLS, "lftp waited for the 150 before its data TLS handshake while the server waited for the handshake before its 150, until the server gave up (425), each retry alike."},
		{cause.PASVRefusedEPSVWorks, "with a 502 in parentheses: lftp sends PASV (ftp:prefer-epsv is off), which the server refuses."},
		{cause.DataConnectTimeout, "the data connection never reached the server: the passive port range is filtered."},
	}}
	// S: lftp ftpclass.cc (SendAuth; CheckFEAT: a FEAT reply that lists no AUTH makes lftp skip AUTH); R: writeups of IIS without TLS.
	lftpSSLForce = textRule{"lftp \"ftp:ssl-force is set and server does not support or allow SSL\"", `ssl-force is set and server does not support or allow SSL`, []because{
		{cause.AuthNotSupported, "the server refused AUTH TLS: TLS is not enabled."},
		{cause.FeatMissingAuth, "lftp does not even send AUTH when the server's FEAT reply lists no AUTH TLS, although the server may accept it."},
	}}
	// R: lavv17/lftp#526, #641; M: lftp 4.9.2 ("The certificate is NOT trusted. The certificate issuer is unknown.").
	lftpNotTrusted = textRule{"lftp \"Certificate verification: Not trusted\"", `Certificate verification: (?:.* is )?Not trusted|certificate issuer is unknown|certificate verify failed|CERTIFICATE_VERIFY_FAILED`, []because{
		{cause.CertChainIncomplete, "the server does not send the intermediate certificate that issued its own."},
		{cause.CertSelfSigned, "the server certificate is self-signed."},
		{cause.CertUntrusted, "the chain ends at a private CA the client does not trust."},
	}}
)
