// Package clients judges, from a finished diagnosis, whether each common FTPS client family would work against the server.
package clients

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Verdicts, from best to worst; the worst rule that applies wins.
const (
	Works   = "works"
	Unknown = "unknown"
	AtRisk  = "at-risk"
	Fails   = "fails"
)

// rank orders verdicts: fails > at-risk > unknown > works.
func rank(v string) int {
	switch v {
	case Fails:
		return 3
	case AtRisk:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

// Reasons that are measured facts rather than finding ids.
const (
	reasonOnlyImplicit = "only-implicit-works"
	reasonLoginFailed  = "login-failed"
	reasonDataUntested = "data-not-tested"
	reasonReuseUnknown = "session-reuse-not-measured"
	reasonLegacyOnly   = "tls-legacy-version"
	reasonEarlyUnknown = "data-tls-before-command-not-measured"
	reasonEMSUnknown   = "extended-master-secret-not-measured"
)

// facts is what the rules read: one usable attempt of the diagnosis.
type facts struct {
	ids          map[string]bool // finding ids of this attempt and of the whole target, ignored ones included
	controlOK    bool            // the control channel reached TLS and answered
	loginFailed  bool            // a login was tried and refused
	dataTested   bool            // the protected listing was attempted
	dataOK       bool            // and completed
	notTested    string          // why the listing was not attempted
	dataFailures []string        // data-stage finding ids when the listing failed
	legacyOnly   bool            // the server offers only TLS 1.0/1.1 (scan, or the negotiated version)
	reuse        *bool           // data connections must resume the control session; nil when not measured
	earlyData    *bool           // a data handshake started before the transfer command worked; nil when not measured
	ems          *bool           // Extended Master Secret at TLS 1.2; nil when not measured or no TLS 1.2
	version      string          // TLS version of the data handshake, else of the control one
	ticket       bool            // the control handshake issued a session ticket
	pasv         netip.Addr      // the address a 227 named where it is not the server's (pasv-address-mismatch); else invalid
	peer         netip.Addr      // the server's address: the control connection's peer
	epsv         bool            // the protected listing used EPSV, so a client trying EPSV first never reads a 227
	byName       bool            // the target is a host name, not an address (clients that compare a 227 with the dialled address then cannot)
}

// rule is one behaviour of a client family. basis says why we believe it:
// M = measured in our own tests, D = documented, R = reported, with the
// source named.
type rule struct {
	when    func(f *facts) bool
	verdict string
	reasons []string
	detail  string
	basis   string
	// reasonsOf and detailOf, when set, replace reasons and detail with
	// values computed from the facts.
	reasonsOf func(f *facts) []string
	detailOf  func(f *facts) string
}

// family is one client family: its id, the modes it can use at its
// default settings, its rules, and what it does when no rule applies.
type family struct {
	id       string
	implicit bool // can use implicit TLS
	rules    []rule
	works    string // detail when no rule applies
}

func has(ids ...string) func(f *facts) bool {
	return func(f *facts) bool {
		return slices.ContainsFunc(ids, func(id string) bool { return f.ids[id] })
	}
}

func present(f *facts, ids ...string) []string {
	var out []string
	for _, id := range ids {
		if f.ids[id] {
			out = append(out, id)
		}
	}
	return out
}

// Certificate ids that make a verifying client refuse the handshake.
var untrustedIDs = []string{"cert-expired", "cert-not-yet-valid", "cert-self-signed", "cert-untrusted", "cert-chain-incomplete", "cert-name-mismatch"}

// Rules every family shares.
var (
	// The listing was not attempted: whatever depends on it is unknown.
	// Control-level rules that fail the client still win (fails > unknown).
	dataNotTested = rule{
		when:    func(f *facts) bool { return !f.dataTested },
		verdict: Unknown,
		reasonsOf: func(f *facts) []string {
			if f.loginFailed {
				return []string{reasonLoginFailed}
			}
			return []string{reasonDataUntested}
		},
		detailOf: func(f *facts) string {
			return "the protected listing was not tested (" + cmp.Or(f.notTested, "not attempted") + ")"
		},
		basis: "M: a verdict covers login and listing; without the listing there is nothing to judge it by",
	}
	// The listing failed for a reason that is not ours alone: every client
	// meets the same refusal or filtered port. A failure that
	// resumption-session-id-only explains is Go's alone (its rules say so).
	dataFailed = rule{
		when: func(f *facts) bool {
			return f.dataTested && !f.dataOK && !f.ids["resumption-session-id-only"]
		},
		verdict:   Fails,
		reasonsOf: func(f *facts) []string { return f.dataFailures },
		detail:    "the protected listing failed for ftpsdiag too, at a step every client takes",
		basis:     "M: the probe lists the way clients do (PBSZ, PROT P, EPSV/PASV, LIST); a refused or filtered data connection is refused to all",
	}
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
		when: has("cert-weak-signature"), verdict: Fails, reasons: []string{"cert-weak-signature"},
		detail: "refuses certificates signed with SHA-1",
		basis:  "M: curl and ftplib on OpenSSL 3 (security level 2), Go crypto/tls and lftp (GnuTLS) rejected a SHA-1-signed chain on Debian",
	}
	// The behaviour towards a SHA-1 signature is not in this table.
	sha1Unknown = rule{
		when: has("cert-weak-signature"), verdict: Unknown, reasons: []string{"cert-weak-signature"},
		detail: "whether it accepts a SHA-1 certificate signature is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// RSA under 2048 bits.
	refusesWeakKey = rule{
		when: has("cert-weak-key"), verdict: Fails, reasons: []string{"cert-weak-key"},
		detail: "OpenSSL 3 at security level 2 refuses RSA keys under 2048 bits",
		basis:  "M: curl and ftplib on Debian's OpenSSL 3 (security level 2) rejected an RSA-1024 certificate (\"EE certificate key too weak\"), while lftp and Go listed (TestRealClients)",
	}
	weakKeyUnknown = rule{
		when: has("cert-weak-key"), verdict: Unknown, reasons: []string{"cert-weak-key"},
		detail: "whether it accepts an RSA key under 2048 bits is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// Only TLS 1.0/1.1.
	refusesLegacy = rule{
		when: func(f *facts) bool { return f.legacyOnly }, verdict: Fails, reasons: []string{reasonLegacyOnly},
		detail: "refuses TLS below 1.2, and the server offers nothing newer",
		basis:  "M: against a TLS-1.0-only vsftpd (TestRealClients), curl and ftplib (OpenSSL 3, security level 2) failed with \"legacy sigalg disallowed or unsupported\" and Go crypto/tls (MinVersion 1.2 by default) with \"protocol version not supported\"",
	}
	legacyUnknown = rule{
		when: func(f *facts) bool { return f.legacyOnly }, verdict: Unknown, reasons: []string{reasonLegacyOnly},
		detail: "whether its default settings still allow TLS 1.0/1.1 is not recorded here",
		basis:  "none: not measured, no source found; stated as unknown rather than guessed",
	}
	// Data connections must resume the control session, but this client
	// never resumes.
	neverResumes = rule{
		when: func(f *facts) bool { return f.reuse != nil && *f.reuse }, verdict: Fails, reasons: []string{"data-session-reuse-required"},
		detail: "does not resume the control TLS session on data connections, which this server requires",
		basis:  "M: Python ftplib never resumed in our tests (cpython#63699 open)",
	}
	reuseUnmeasured = rule{
		when: func(f *facts) bool { return f.dataTested && f.reuse == nil }, verdict: Unknown, reasons: []string{reasonReuseUnknown},
		detail: "does not resume TLS sessions, and whether the server requires resumption was not measured",
		basis:  "M: the verdict hinges on policy.session_reuse_required, absent in this run",
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
		{when: func(f *facts) bool { return mismatch(f) && replaces(f) }, verdict: AtRisk, reasons: []string{"pasv-address-mismatch"},
			detailOf: func(f *facts) string {
				return fmt.Sprintf("works only because it replaces the PASV address %s with the server's (%s)", f.pasv, f.peer)
			},
			basis: basis},
		{when: func(f *facts) bool { return mismatch(f) && !replaces(f) }, verdict: keeps, reasons: []string{"pasv-address-mismatch"},
			detailOf: func(f *facts) string {
				if keeps == Unknown {
					return fmt.Sprintf("the PASV reply names %s, not the server's (%s); it is known to replace the address only %s, and what it does here is not recorded", f.pasv, f.peer, when)
				}
				return fmt.Sprintf("dials %s, the address the PASV reply names, not the server's (%s): it replaces the address only %s", f.pasv, f.peer, when)
			},
			basis: basis},
	}
}

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

// goReplaces is jlaffaye/ftp's isBogusDataIP, which it applies only when
// the host it dialled is an address, not a name.
func goReplaces(f *facts) bool {
	return !f.byName && (f.pasv.IsMulticast() || f.pasv.IsPrivate() != f.peer.IsPrivate() || f.pasv.IsLoopback() != f.peer.IsLoopback())
}

// A later listing of the session failed: clients that transfer several
// files in one session may meet it too; Go's own rule says it fails.
var laterTransferFailed = rule{
	when: has("tls13-ticket-lifecycle"), verdict: AtRisk, reasons: []string{"tls13-ticket-lifecycle"},
	detail: "a later transfer of the same session failed for ftpsdiag; clients that transfer several files in one session may fail the same way",
	basis:  "M: --transfers listings in one session (TestDataChannelFindings); R: cyberduck PR 18399, proftpd#1931 (FAILURES.md §7)",
}

// EPSV's data port is unreachable while PASV's works: what matters is
// which command the client uses first. lftp (ftp:prefer-epsv off), ftplib
// and Commons Net use PASV on IPv4 and need no rule.
var epsvBlockedUnknown = rule{
	when: has("epsv-port-blocked"), verdict: Unknown, reasons: []string{"epsv-port-blocked"},
	detail: "whether it uses EPSV or PASV first, and falls back, is not recorded here; EPSV's data port is unreachable",
	basis:  "none: not measured, no source checked",
}

// AUTH was accepted with a 2xx other than 234. curl, lftp and ftplib take
// any 2xx and go on (measured: TestRealClients, fake server answering
// 200); Commons Net and Go FTP libraries require 234 (their own rules).
var authNonstandardUnknown = rule{
	when: has("auth-nonstandard-success"), verdict: Unknown, reasons: []string{"auth-nonstandard-success"},
	detail: "whether it goes on after AUTH answered with a 2xx other than 234 is not recorded here",
	basis:  "none: not measured, no source checked",
}

// families is the table, in the order Verdicts reports them.
var families = []family{
	{id: "filezilla", implicit: true, works: "FileZilla 3 (GnuTLS) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
		asksUser, sha1Unknown, weakKeyUnknown, legacyUnknown, authNonstandardUnknown,
		{when: has("no-close-notify"), verdict: Fails, reasons: []string{"no-close-notify"},
			detail: "refuses a listing that ends without TLS close_notify as possibly truncated",
			basis:  "S: libfilezilla tls_layer (\"Server did not properly shut down TLS connection\"); D: FileZilla wiki \"TLS specifications\""},
		{when: has("data-resumption-unsupported"), verdict: AtRisk, reasons: []string{"data-resumption-unsupported"},
			detail: "asks the user to accept an \"Insecure FTP data connection\" because the server does not resume the session: works only once someone clicks through",
			basis:  "S: FileZilla client dialog \"This server does not support TLS session resumption on the data connection\" (FAILURES.md §7)"},
		laterTransferFailed, epsvBlockedUnknown,
	}, pasvRules(nil, filezillaReplaces, Fails, filezillaWhen, filezillaBasis))},
	{id: "winscp", implicit: true, works: "WinSCP (OpenSSL) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
		asksUser, sha1Unknown, weakKeyUnknown, legacyUnknown, laterTransferFailed, epsvBlockedUnknown, authNonstandardUnknown,
	}, pasvRules(nil, filezillaReplaces, Unknown, filezillaWhen,
		"R: WinSCP's FTP core comes from FileZilla and logs the same \"unroutable address ... using server address instead\" (FAILURES.md §6); what it does otherwise is not documented"))},
	{id: "curl", implicit: true,
		works: "curl (OpenSSL 3) resumes the session, and the server accepts its data handshake before LIST",
		rules: []rule{
			// curl ignores the PASV address (no pasv rules).
			verifies, refusesSHA1, refusesWeakKey, refusesLegacy, laterTransferFailed,
			{when: has("epsv-port-blocked"), verdict: AtRisk, reasons: []string{"epsv-port-blocked"},
				detail: "tries EPSV first and falls back to PASV only once the data connection failed: after its connect timeout where the port is filtered",
				basis:  "M: curl 7.88.1 logged \"Failed EPSV attempt. Disabling EPSV\" and sent PASV after a failed EPSV data connection (TestRealClients, pyftpdlib)"},
			{when: func(f *facts) bool { return f.earlyData != nil && !*f.earlyData }, verdict: Fails, reasons: []string{"data-tls-early-refused"},
				detail: "starts the data TLS handshake on connecting, before the transfer command, and this server resets it",
				basis:  "M: curl 7.88.1 against pyftpdlib 1.5.7 failed with (35) Recv failure: Connection reset by peer or (13) Bad PASV/EPSV response (TestRealClients)"},
			{when: func(f *facts) bool { return f.dataOK && f.earlyData == nil }, verdict: Unknown, reasons: []string{reasonEarlyUnknown},
				detail: "starts the data TLS handshake before the transfer command; whether this server accepts that was not measured",
				basis:  "M: the verdict hinges on policy.data_tls_before_command, absent in this run"},
		}},
	{id: "lftp", implicit: true, works: "lftp (GnuTLS) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
		verifies, refusesSHA1, laterTransferFailed,
		{when: func(f *facts) bool { return f.legacyOnly }, verdict: AtRisk, reasons: []string{reasonLegacyOnly},
			detail: "still accepts TLS 1.0, which the server is limited to; GnuTLS policies are removing it",
			basis:  "M: lftp (GnuTLS) on Debian completed a TLS 1.0 handshake"},
		// No rule for no-close-notify: lftp 4.9.2 (GnuTLS) listed from a
		// server that ends the data connection without close_notify, as
		// curl, ftplib, Commons Net and Go did (TestRealClients, fake server).
	}, pasvRules(nil, lftpReplaces, Fails, "when it is 0.0.0.0, or differs from the server's in being private or in being 127.0.0.1",
		"S: lftp ftpclass.cc Handle_PASV (ftp:fix-pasv-address compares InPrivateNetwork and IsLoopback of both addresses) and network.cc (is_loopback: 127.0.0.1 only); M: lftp 4.9.2 replaced a 227's 127.0.0.2 with 127.0.0.1 (TestRealClients)"))},
	{id: "python-ftplib", works: "ftplib (OpenSSL 3) meets nothing it refuses; the server does not require session resumption", rules: []rule{
		// ftplib ignores the PASV address (CVE-2021-4189 fix), so no pasv rules.
		verifies, refusesSHA1, refusesWeakKey, refusesLegacy, neverResumes, reuseUnmeasured, laterTransferFailed,
	}},
	{id: "go", implicit: true, works: "Go crypto/tls resumes by ticket and meets nothing it refuses", rules: slices.Concat([]rule{
		verifies, refusesSHA1, refusesLegacy,
		{when: has("auth-nonstandard-success"), verdict: Fails, reasons: []string{"auth-nonstandard-success"},
			detail: "Go FTP libraries require 234 to AUTH TLS and give up on any other reply",
			basis:  "S: jlaffaye/ftp authTLS (c.cmd(StatusAuthOK, \"AUTH TLS\")); M: the Go client in TestRealClients stopped at a 200"},
		{when: has("cert-negative-serial"), verdict: Fails, reasons: []string{"cert-negative-serial"},
			detail: "refuses to parse a certificate with a negative serial number (x509: negative serial number)",
			basis:  "D: Go 1.23 release notes (x509negativeserial GODEBUG); FAILURES.md §3 cert-go-parse-quirk"},
		{when: has("cert-no-san"), verdict: Fails, reasons: []string{"cert-no-san"},
			detail: "ignores the common name: a certificate without subjectAltName matches no host",
			basis:  "D: Go 1.15 release notes (x509 CommonName fallback removed)"},
		{when: has("epsv-port-blocked"), verdict: Fails, reasons: []string{"epsv-port-blocked"},
			detail: "Go FTP libraries (jlaffaye/ftp, used by rclone) use EPSV first and fall back to PASV only when the EPSV command is refused, not when its data port is unreachable",
			basis:  "S: jlaffaye/ftp ftp.go (EPSV unless DisableEPSV; PASV only after an EPSV error reply)"},
		// At-risk, not fails: a verdict is about logging in and listing
		// once, which works; the Go clients that do more fail.
		{when: has("tls13-ticket-lifecycle"), verdict: AtRisk, reasons: []string{"tls13-ticket-lifecycle"},
			detail: "lists once, but a later transfer of the same session failed for ftpsdiag, itself a Go crypto/tls client resuming by ticket: Go programs that transfer several files in one session (rclone) fail",
			basis:  "M: ftpsdiag's --transfers listings use Go's session cache as Go FTP libraries do; the Go client in TestRealClients listed once from a server refusing the third transfer"},
		{when: has("resumption-session-id-only"), verdict: Fails, reasons: []string{"resumption-session-id-only"},
			detail: "resumes TLS 1.2 only with session tickets; this server resumes by session ID and requires reuse",
			basis:  "M: Go 1.26 against ProFTPD with TLSSessionTickets off failed after 150 (FAILURES.md §7); golang#25228"},
		{when: func(f *facts) bool {
			return f.dataTested && f.reuse == nil && f.version == "TLS 1.2" && !f.ticket && !f.ids["resumption-session-id-only"]
		}, verdict: Unknown, reasons: []string{reasonReuseUnknown},
			detail: "at TLS 1.2 without session tickets Go cannot resume, and whether the server requires resumption was not measured",
			basis:  "M: Go resumes TLS 1.2 only by ticket; the verdict hinges on the reuse policy"},
	}, pasvRules(func(f *facts) bool { return !f.epsv }, goReplaces, Fails,
		"when the server was dialled by address and the 227's differs from it in being private, loopback or multicast (it reads a 227 only where EPSV fails, as here)",
		"S: jlaffaye/ftp (rclone) getDataConnPort (EPSV first, PASV after an EPSV error) and pasv/isBogusDataIP (lftp's rule with Go's IsPrivate and IsLoopback, only when the dialled host is an IP address)"))},
	{id: "java", implicit: true, works: "JSSE with Commons Net meets nothing it refuses; the server does not require session resumption", rules: []rule{
		{when: has(untrustedIDs...), verdict: AtRisk,
			reasonsOf: func(f *facts) []string { return present(f, untrustedIDs...) },
			detail:    "connects only because Commons Net's default trust manager checks dates alone (no chain, no host name)",
			basis:     "R: ballerina module-ballerina-ftp PR 1561; FAILURES.md §3 (TrustManagerUtils validate-dates default)"},
		{when: has("cert-expired", "cert-not-yet-valid"), verdict: Fails,
			reasonsOf: func(f *facts) []string { return present(f, "cert-expired", "cert-not-yet-valid") },
			detail:    "the default trust manager checks validity dates and refuses this certificate",
			basis:     "R: as above (dates are what it checks)"},
		// No rule for cert-weak-key or cert-weak-signature: JDK 17 with
		// Commons Net 3.9 listed against an RSA-1024 key and a SHA-1-signed
		// leaf from a private CA (TestRealClients). jdk.certpath.disabledAlgorithms
		// refuses only RSA under 1024 bits, and SHA-1 only in chains that end
		// at the JDK's own CAs ("SHA1 jdkCA").
		{when: func(f *facts) bool { return f.legacyOnly }, verdict: Fails, reasons: []string{reasonLegacyOnly},
			detail: "current JDKs disable TLS 1.0/1.1, and the server offers nothing newer",
			basis:  "M: OpenJDK 17 failed against a TLS-1.0-only vsftpd (TestRealClients); D: JDK-8202343 (jdk.tls.disabledAlgorithms, 8u291/11.0.11 and later)"},
		{when: has("auth-nonstandard-success"), verdict: Fails, reasons: []string{"auth-nonstandard-success"},
			detail: "Commons Net requires 234 to AUTH and throws an SSLException with the server's reply",
			basis:  "M: Commons Net 3.9 against a server answering 200 (TestRealClients); S: FTPSClient.execAUTH"},
		{when: func(f *facts) bool { return f.reuse != nil && *f.reuse }, verdict: Fails, reasons: []string{"data-session-reuse-required"},
			detail: "JSSE keys its session cache by host and port, so the data connection does not resume; this server requires it",
			basis:  "M: OpenJDK 17 with Commons Net 3.9 failed against vsftpd and ProFTPD requiring reuse, at TLS 1.3 and 1.2 (TestRealClients); R: commons-net PR 321/395, FluentFTP#311, cyberduck#15466 (FAILURES.md §7, §11)"},
		reuseUnmeasured, laterTransferFailed,
		// No PASV rule: Commons Net 3.9 and later connect to the control
		// connection's address whatever the 227 names (ipAddressFromPasvResponse
		// off by default, CVE-2021-37533); measured: a 227 naming 127.0.0.2
		// made it connect to 127.0.0.1 (TestRealClients). Older versions
		// used the address, replacing only site-local ones (NatServerResolverImpl).
	}},
	{id: "dotnet", works: ".NET (Schannel) resumes the session and meets nothing it refuses", rules: []rule{
		verifies, sha1Unknown, weakKeyUnknown, authNonstandardUnknown,
		{when: func(f *facts) bool { return f.legacyOnly }, verdict: AtRisk, reasons: []string{reasonLegacyOnly},
			detail: "works only where Windows still enables TLS 1.0/1.1, which current Windows releases disable",
			basis:  "D: Microsoft, \"TLS 1.0 and TLS 1.1 soon to be disabled in Windows\" (2023)"},
		{when: has("tls12-refused"), verdict: AtRisk, reasons: []string{"tls12-refused"},
			detail: "works only on Windows with TLS 1.3 (Windows 11, Server 2022): the server refuses TLS 1.2, the most Windows 10 and Server 2019 speak",
			basis:  "D: Microsoft, TLS 1.3 support in Windows 11 and Server 2022 only"},
		{when: func(f *facts) bool { return emsMissing(f) && f.version != "TLS 1.3" }, verdict: Fails, reasons: []string{"resumption-ems-mismatch"},
			detail: "Windows resumes TLS 1.2 sessions only with Extended Master Secret, which this server lacks, and data connections must resume",
			basis:  "R: limilabs \"FTP TLS encrypted data connections fail (EMS)\"; D: Windows Oct 2019 updates (FAILURES.md §7)"},
		{when: func(f *facts) bool { return emsMissing(f) && f.version == "TLS 1.3" }, verdict: AtRisk, reasons: []string{"resumption-ems-mismatch"},
			detail: "works over TLS 1.3; Windows releases without TLS 1.3 (Windows 10, Server 2019) resume at TLS 1.2 only with Extended Master Secret, which this server lacks",
			basis:  "R: limilabs \"FTP TLS encrypted data connections fail (EMS)\"; D: Microsoft, TLS 1.3 support in Windows 11 and Server 2022"},
		{when: func(f *facts) bool {
			return f.dataTested && (f.reuse == nil || *f.reuse) && f.version != "TLS 1.3" && f.ems == nil
		}, verdict: Unknown, reasons: []string{reasonEMSUnknown},
			detail: "Windows resumes only with Extended Master Secret at TLS 1.2; whether the server offers EMS was not measured",
			basis:  "R: limilabs \"FTP TLS encrypted data connections fail (EMS)\"; D: Windows Oct 2019 updates (FAILURES.md §7)"},
		laterTransferFailed, epsvBlockedUnknown,
		// No PASV rule: FtpControlStream.GetPortV4 reads only the port, and
		// the data connection goes to the control connection's address
		// (dotnet/runtime System.Net.Requests).
	}},
}

// emsMissing: the server lacks Extended Master Secret at TLS 1.2 and data
// connections must resume.
func emsMissing(f *facts) bool {
	return f.ems != nil && !*f.ems && f.reuse != nil && *f.reuse
}

// Families is the ids of the client families, in report order.
func Families() []string {
	ids := make([]string, len(families))
	for i, f := range families {
		ids[i] = f.id
	}
	return ids
}

// Verdicts judges each client family against a finished result, in the
// fixed family order.
func Verdicts(r *result.Result) []result.ClientVerdict {
	out := make([]result.ClientVerdict, 0, len(families))
	for _, fam := range families {
		out = append(out, judge(fam, r))
	}
	return out
}

// judge is one family's verdict: the best over the attempts it can use,
// each judged by its worst rule.
func judge(fam family, r *result.Result) result.ClientVerdict {
	var best *result.ClientVerdict
	usable, otherOK := false, false
	var failed []string
	for i := range r.Attempts {
		a := &r.Attempts[i]
		if a.Mode == result.ModeImplicit && !fam.implicit {
			otherOK = otherOK || a.OK
			continue
		}
		usable = true
		f := derive(r, a)
		if !f.controlOK {
			failed = append(failed, criticalIDs(r, a)...)
			continue
		}
		v := evaluate(fam, f)
		if best == nil || rank(v.Verdict) < rank(best.Verdict) {
			best = &v
		}
	}
	switch {
	case best != nil:
		return *best
	case otherOK:
		return verdict(fam.id, Fails, []string{reasonOnlyImplicit}, "cannot use implicit TLS, the only mode that works here")
	case usable && slices.Contains(failed, "tls-no-shared-cipher") && fam.id != "go":
		// The server accepts only suites crypto/tls lacks: the probe, a Go
		// client, could go no further, but this family may offer them.
		return verdict(fam.id, Unknown, []string{"tls-no-shared-cipher"},
			"the server accepts only cipher suites Go lacks (the finding names the one it chose); whether this client offers it, and how the session goes after the handshake, was not tested")
	case usable:
		return verdict(fam.id, Fails, dedupe(failed), "no connection reached TLS in a mode it uses")
	}
	return verdict(fam.id, Unknown, []string{}, "no attempt was made in a mode it uses")
}

// evaluate applies a family's rules to one attempt.
func evaluate(fam family, f *facts) result.ClientVerdict {
	rules := append([]rule{dataNotTested, dataFailed}, fam.rules...)
	level := Works
	var reasons, details []string
	for _, ru := range rules {
		if !ru.when(f) {
			continue
		}
		switch {
		case rank(ru.verdict) > rank(level):
			level, reasons, details = ru.verdict, nil, nil
		case rank(ru.verdict) < rank(level):
			continue
		}
		rs, d := ru.reasons, ru.detail
		if ru.reasonsOf != nil {
			rs = ru.reasonsOf(f)
		}
		if ru.detailOf != nil {
			d = ru.detailOf(f)
		}
		reasons = append(reasons, rs...)
		details = append(details, d)
	}
	if level == Works {
		return verdict(fam.id, Works, []string{}, fam.works)
	}
	return verdict(fam.id, level, dedupe(reasons), strings.Join(details, "; "))
}

func verdict(id, v string, reasons []string, detail string) result.ClientVerdict {
	if reasons == nil {
		reasons = []string{}
	}
	return result.ClientVerdict{Client: id, Verdict: v, Reasons: reasons, Detail: detail}
}

func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// belongs reports whether a finding concerns attempt a (or the whole target).
func belongs(f result.Finding, a *result.Attempt) bool {
	return f.Mode == "" || (f.Mode == a.Mode && f.Port == a.Port)
}

// criticalIDs lists the critical findings of a failed attempt.
func criticalIDs(r *result.Result, a *result.Attempt) []string {
	var out []string
	for _, f := range slices.Concat(r.Findings, r.Ignored) {
		if belongs(f, a) && f.Severity == result.SeverityCritical {
			out = append(out, f.ID)
		}
	}
	return out
}

// dataStageIDs are the findings that say the protected listing failed.
var dataStageIDs = []string{"prot-p-refused", "passive-refused", "data-connect-timeout", "data-connect-refused", "data-list-refused", "data-tls-failed", "connection-lost"}

// derive reads the facts of one attempt. Findings accepted with --ignore
// count: the user accepted them, the clients did not.
func derive(r *result.Result, a *result.Attempt) *facts {
	_, err := netip.ParseAddr(strings.Trim(r.Host, "[]"))
	f := &facts{ids: map[string]bool{}, controlOK: a.OK, byName: err != nil}
	for _, fd := range slices.Concat(r.Findings, r.Ignored) {
		if belongs(fd, a) {
			f.ids[fd.ID] = true
		}
	}
	f.loginFailed = a.Login != nil && !a.Login.OK
	if dc := a.DataChannel; dc != nil {
		f.dataTested, f.dataOK, f.notTested = dc.Attempted, dc.OK, dc.NotAttempted
		if dc.TLS != nil {
			f.version = dc.TLS.Version
		}
		f.epsv = dc.PassiveCommand == "EPSV"
		if f.ids["pasv-address-mismatch"] {
			pasv, perr := netip.ParseAddrPort(dc.AdvertisedAddress)
			peer, cerr := netip.ParseAddrPort(a.Address)
			if perr == nil && cerr == nil {
				f.pasv, f.peer = pasv.Addr().Unmap(), peer.Addr().Unmap()
			}
		}
		if f.dataTested && !f.dataOK {
			f.dataFailures = present(f, dataStageIDs...)
			if len(f.dataFailures) == 0 {
				f.dataFailures = []string{"data-listing-failed"}
			}
		}
	} else if f.loginFailed {
		f.notTested = "login failed"
	}
	if a.TLS != nil {
		f.ticket = a.TLS.SessionTicket
		if f.version == "" {
			f.version = a.TLS.Version
		}
	}
	if p := a.Policy; p != nil {
		f.earlyData, f.ems = p.DataTLSBeforeCommand, p.ExtendedMasterSecret
	}
	switch {
	case a.Policy != nil && a.Policy.SessionReuseRequired != nil:
		f.reuse = a.Policy.SessionReuseRequired
	case f.ids["data-session-reuse-required"] || f.ids["resumption-session-id-only"]:
		t := true
		f.reuse = &t
	case f.dataOK && a.DataChannel.TLS != nil && !a.DataChannel.TLS.Resumed:
		// The probe's own listing worked without resuming: reuse is not required.
		no := false
		f.reuse = &no
	}
	f.legacyOnly = f.ids["tls-legacy-version"]
	if a.TLS != nil && (a.TLS.Version == "TLS 1.0" || a.TLS.Version == "TLS 1.1") {
		f.legacyOnly = true
	}
	if s := a.TLSScan; s != nil {
		modern := slices.ContainsFunc(s.Versions, func(v result.VersionScan) bool {
			return v.Accepted && (v.Version == "TLS 1.2" || v.Version == "TLS 1.3")
		})
		f.legacyOnly = !modern && slices.ContainsFunc(s.Versions, func(v result.VersionScan) bool { return v.Accepted })
	}
	return f
}
