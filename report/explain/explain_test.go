package explain

import (
	"bytes"
	"go/build"
	"reflect"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe"
)

// clientTexts are what clients print and servers reply, as the failure
// notes quote them (§1–§7, §9), with the cause expected first.
var clientTexts = []struct {
	text string
	want string // first cause of the first match
}{
	// §1 port and mode
	{"curl: (35) error:0A00010B:SSL routines::wrong version number", "implicit-got-plaintext"},
	{"tls: first record does not look like a TLS handshake", "implicit-got-plaintext"},
	{"SSL3 alert read: fatal: wrong version number", "implicit-got-plaintext"},
	{"curl: (28) Operation timed out after 10000 milliseconds with 0 bytes received", "explicit-got-silence"},
	{"Insecure server, it does not support FTP over TLS.", "auth-not-supported"},
	{"curl: (64) Requested SSL level failed", "auth-not-supported"},
	{"500 AUTH not understood", "auth-not-supported"},
	{"431 Necessary security resource unavailable", "auth-no-certificate"},
	{"200 AUTH command ok; starting SSL connection...", "auth-nonstandard-success"},
	{"534 Unwilling to accept security parameters", "data-prot-required"},
	{"503 Unwilling to accept second AUTH", "auth-order-refused"},
	{"503 Use AUTH first.", "login-cleartext-refused"},

	// §2 middleboxes
	{"GnuTLS error: GNUTLS_E_TIMEDOUT", "alg-breaks-tls-after-234"},
	{"An existing connection was forcibly closed by the remote host", "tls-no-common-version"},
	{"215 XXXXXXXXXXXX", "alg-breaks-tls-after-234"},
	{"read: ECONNRESET", "alg-breaks-tls-after-234"},

	// §3 control handshake and certificate
	{"Received TLS alert from the server: Error in protocol version (70)", "tls-no-common-version"},
	{"Received TLS alert from the server: Handshake failed (40)", "tls-handshake-failed"},
	{"GnuTLS error -12 in gnutls_handshake: A TLS fatal alert has been received.", "tls-handshake-failed"},
	{"error:0A000410:SSL routines::sslv3 alert handshake failure", "tls-handshake-failed"},
	{"error:0A00042E:SSL routines::tlsv1 alert protocol version", "tls-no-common-version"},
	{"error:0A000102:SSL routines::unsupported protocol", "tls-no-common-version"},
	{"proftpd: no shared cipher", "tls-handshake-failed"},
	{"421 TLS handshake failed", "tls-handshake-failed"},
	{"Received TLS alert from the server: The server name sent was not recognized (112)", "tls-sni-unrecognized"},
	{"error:0A000458:SSL routines::tlsv1 unrecognized name", "tls-sni-unrecognized"},
	{"Received TLS alert from the server: Access was denied (49)", "tls-sni-unrecognized"},
	{"error:0A00045C:SSL routines::tlsv13 alert certificate required", "tls-client-cert-requested"},
	{"410 (SSL message format is incorrect)", "tls-client-cert-requested"},
	{"522 DIFFERENT cert on data channel", "tls-client-cert-requested"},
	{"Server sent unsorted certificate chain in violation of the TLS specifications", "cert-chain-unsorted"},
	{"curl: (60) SSL certificate problem: unable to get local issuer certificate", "cert-chain-incomplete"},
	{"Fatal error: Certificate verification: Not trusted", "cert-chain-incomplete"},
	{"Certificate verification: certificate common name doesn't match requested host name `192.0.2.7'", "cert-name-mismatch"},
	{"x509: negative serial number", "cert-negative-serial"},
	{"The client and server cannot communicate, because they do not possess a common algorithm.", "tls12-refused"},
	{"x509: certificate signed by unknown authority", "cert-chain-incomplete"},
	{"x509: certificate is valid for ftp.example.com, not 192.0.2.7", "cert-name-mismatch"},
	{"x509: certificate relies on legacy Common Name field, use SANs instead", "cert-no-san"},
	{"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'ftp'.", "cert-name-mismatch"},
	{"x509: certificate has expired or is not yet valid: current time 2026-01-02T00:00:00Z is after 2025-12-01T00:00:00Z", "cert-expired"},
	{"x509: certificate has expired or is not yet valid: current time 2026-01-02T00:00:00Z is before 2027-12-01T00:00:00Z", "cert-not-yet-valid"},
	{"SSL certificate problem: self-signed certificate", "cert-self-signed"},
	{"SSL certificate problem: self signed certificate in certificate chain", "cert-untrusted"},
	{"error:0A00018F:SSL routines::ee key too small", "cert-weak-key"},
	{"error:0A00018E:SSL routines::ca md too weak", "cert-weak-signature"},
	{"sun.security.validator.ValidatorException: PKIX path building failed", "cert-chain-incomplete"},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: protocol_version", "tls-no-common-version"},
	// Measured: what the real clients printed in TestRealClients (probe/clients).
	{"curl: (35) OpenSSL/3.0.22: error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported", "tls-legacy-version"},
	{"SSLError: [SSL] legacy sigalg disallowed or unsupported (_ssl.c:992)", "tls-legacy-version"},
	{"TLS handshake after AUTH TLS: remote error: tls: protocol version not supported", "tls-no-common-version"},
	{"ls: Fatal error: Certificate verification: The certificate is NOT trusted. The certificate issuer is unknown.  (4E:A9:64:B8)", "cert-chain-incomplete"},
	{"ls: Fatal error: Certificate verification: The certificate is NOT trusted. The certificate chain uses insecure algorithm.  (CD:1A:A1:E5)", "cert-weak-signature"},
	{"FAIL javax.net.ssl.SSLHandshakeException: NotAfter: Wed Nov 25 00:34:07 UTC 2026", "cert-expired"},
	{"x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs", "cert-name-mismatch"},
	{`tls: failed to verify certificate: x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm ECDSA-SHA1" while trying to verify candidate authority certificate "root")`, "cert-weak-signature"},
	{"javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)", "tls-no-common-version"},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure", "tls-handshake-failed"},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: unrecognized_name", "tls-sni-unrecognized"},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_required", "tls-client-cert-requested"},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: access_denied", "tls-sni-unrecognized"},
	{"javax.net.ssl.SSLException: Unsupported or unrecognized SSL message", "implicit-got-plaintext"},
	{"javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake", "tls-handshake-failed"},
	{"java.security.cert.CertificateExpiredException: NotAfter: Mon Jan 01 00:00:00 UTC 2024", "cert-expired"},
	{"java.security.cert.CertificateNotYetValidException: NotBefore: Mon Jan 01 00:00:00 UTC 2024", "cert-not-yet-valid"},
	{"javax.net.ssl.SSLPeerUnverifiedException: Certificate for <ftp.example.com> doesn't match any of the subject alternative names: [www.example.com]", "cert-name-mismatch"},
	{"java.security.cert.CertificateException: No subject alternative names matching IP address 192.0.2.7 found", "cert-name-mismatch"},

	// §4 login after TLS
	{"GnuTLS error -15: An unexpected TLS packet was received.", "server-error-plaintext-inside-tls"},
	{"GnuTLS error -8 in gnutls_record_recv: A packet with illegal or unsupported version was received.", "server-error-plaintext-inside-tls"},
	{"SSL3 alert write: fatal: protocol version", "server-error-plaintext-inside-tls"},
	{"500 OOPS: vsftpd: refusing to run with writable root inside chroot()", "server-error-plaintext-inside-tls"},
	{"local error: tls: received record with version 3030 when expecting version 303", "server-error-plaintext-inside-tls"},
	{"530 Non-anonymous sessions must use encryption.", "login-cleartext-refused"},
	{"550 SSL/TLS required on the control channel", "login-cleartext-refused"},
	{"421 Sorry, cleartext sessions and weak ciphers are not accepted on this server. Please reconnect using TLS security mechanisms.", "login-cleartext-refused"},
	{"534 Policy requires SSL.", "login-cleartext-refused"},
	{"530 This server does not allow plain FTP. You have to use FTP over TLS.", "login-cleartext-refused"},
	{"curl: (67) Access denied: 530", "login-failed"},

	// §5 PBSZ / PROT
	{"522 Data connections must be encrypted.", "data-prot-required"},
	{"522 SSL/TLS required on the data channel", "data-prot-required"},
	{"521 Data connection cannot be opened with this PROT setting.", "data-prot-required"},
	{"425-Server requires protected data connection.", "data-prot-required"},
	{"425 PROT C is not allowed when the control connection is secure. Use PROT P.", "data-prot-required"},

	// §6 passive mode
	{"Error: Server returned unroutable private IP address in PASV reply", "pasv-address-mismatch"},
	{"Server sent passive reply with unroutable address. Using server address instead.", "pasv-address-mismatch"},
	{"Server returned unroutable address 10.0.0.5, using host address instead.", "pasv-address-mismatch"},
	{"---- Address returned by PASV seemed to be incorrect and has been fixed", "pasv-address-mismatch"},
	{"The data connection could not be established: ETIMEDOUT - Connection attempt timed out", "data-connect-timeout"},
	{"The data connection could not be established: ECONNREFUSED - Connection refused by server", "data-connect-refused"},
	{"Error: Connection timed out after 20 seconds of inactivity", "data-connect-timeout"},
	{"ETIMEDOUT", "data-connect-timeout"},
	{"GnuTLS error -53 in gnutls_record_send: Error in the push function.", "data-connect-timeout"},
	{"Error: Failed to retrieve directory listing", "data-connect-timeout"},
	{"425 You cannot use PASV on IPv6 connections. Use EPSV instead.", "ipv6-pasv-refused"},
	{"500 You are connected using IPv6. PASV is only for IPv4. You have to use the EPSV command instead.", "ipv6-pasv-refused"},
	{"425 Security: Bad IP connecting.", "data-peer-ip-mismatch"},
	{"Data peer IP differs from control peer IP", "data-peer-ip-mismatch"},

	// §7 data-channel TLS and resumption
	{"522 SSL connection failed; session reuse required: see require_ssl_reuse option in vsftpd.conf man page", "data-session-reuse-required"},
	{"522 SSL connection failed: session reuse required", "data-session-reuse-required"},
	{"425 Unable to build data connection: Operation not permitted", "data-session-reuse-required"},
	{"425 Unable to build data connection: TLS session of data connection not resumed.", "data-session-reuse-required"},
	{"450 TLS session of data connection has not resumed or the session does not match the control connection", "data-session-reuse-required"},
	{"TLS session for the data connection was not resumed from the control connection.", "data-session-reuse-required"},
	{"ssl.SSLEOFError: EOF occurred in violation of protocol (_ssl.c:2427)", "data-session-reuse-required"},
	{"ftplib.error_perm: 522 SSL connection failed: session reuse required", "data-session-reuse-required"},
	{"TLS session resumption on data connection failed. Closing control connection to start over.", "tls13-ticket-lifecycle"},
	{"Insecure FTP data connection", "data-resumption-unsupported"},
	{"This server does not support TLS session resumption on the data connection.", "data-resumption-unsupported"},
	{"javax.net.ssl.SSLException: Connection closed without indication", "tls13-ticket-lifecycle"},
	{"425 No or wrong ALPN on data connection", "data-alpn-mismatch"},
	{"GnuTLS error -110 in gnutls_record_recv: The TLS connection was non-properly terminated.", "no-close-notify"},
	{"GnuTLS error -9 in gnutls_record_recv: A TLS packet with unexpected length was received.", "no-close-notify"},
	{"Status: Server did not properly shut down TLS connection", "no-close-notify"},
	{"Could not read from transfer socket: ECONNABORTED - Connection aborted", "no-close-notify"},
	{"425 Data channel timed out due to not meeting the minimum bandwidth requirement.", "no-close-notify"},
	{"SSL_read on shutdown: error:0A000126:SSL routines::unexpected eof while reading", "no-close-notify"},

	// §9 curl exit codes, alone and with their messages
	{"curl: (35)", "implicit-got-plaintext"},
	{"exit code 35", "implicit-got-plaintext"},
	{"error 35", "implicit-got-plaintext"},
	{"curl: (35) SSL connect error", "implicit-got-plaintext"},
	{"curl: (13) Bad PASV/EPSV response: 200", "data-tls-early-refused"},
	{"curl: (13) Bad PASV/EPSV response: 150", "data-tls-early-refused"},
	{"curl: (28)", "explicit-got-silence"},
	{"curl exited with 28", "explicit-got-silence"},
	{"curl: (18) server did not report OK, got 522", "data-session-reuse-required"},
	{"curl: (18) server did not report OK, got 425", "data-session-reuse-required"},
	{"exit status 18", "data-session-reuse-required"},
	{"curl: (60)", "cert-chain-incomplete"},
	{"curl: (51) SSL peer certificate or SSH remote key was not OK", "cert-chain-incomplete"},
	{"CURLE_PEER_FAILED_VERIFICATION", "cert-chain-incomplete"},
	{"curl: (64)", "auth-not-supported"},
	{"curl: (56) Failure when receiving data from the peer", "no-close-notify"},
	{"curl: (7) Failed to connect to ftp.example.com port 21 after 3 ms: Connection refused", "port-closed"},
	{"error code: 7", "port-closed"},
	{"ECONNREFUSED - Connection refused by server", "port-closed"},
	{"data connection: dial tcp 127.0.0.1:33167: connect: connection refused", "port-closed"},
}

func TestExplainClientTexts(t *testing.T) {
	for _, tc := range clientTexts {
		ms := Explain(tc.text)
		if len(ms) == 0 {
			t.Errorf("Explain(%q): no match, want %s", tc.text, tc.want)
			continue
		}
		if got := ms[0].Causes[0].ID; got != tc.want {
			t.Errorf("Explain(%q): first cause %s (rule %q), want %s", tc.text, got, ms[0].Rule, tc.want)
		}
	}
}

// A FileZilla log carries several lines; the most specific rule comes first.
func TestExplainLog(t *testing.T) {
	log := strings.Join([]string{
		"Command:\tLIST",
		"Response:\t150 Here comes the directory listing.",
		"Error:\tGnuTLS error -110 in gnutls_record_recv: The TLS connection was non-properly terminated.",
		"Status:\tServer did not properly shut down TLS connection",
		"Error:\tCould not read from transfer socket: ECONNABORTED - Connection aborted",
		"Error:\tFailed to retrieve directory listing",
	}, "\n")
	ms := Explain(log)
	var got []string
	for _, m := range ms {
		got = append(got, m.Causes[0].ID)
	}
	want := []string{"no-close-notify", "data-connect-timeout"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("first causes of each match = %v, want %v", got, want)
	}
}

func TestExplainNoMatch(t *testing.T) {
	for _, text := range []string{
		"",
		"   \n\t",
		"226 Transfer complete.",
		"230 Login successful.",
		"234 AUTH TLS successful",
		"150 Opening BINARY mode data connection",
		"hello world",
		"exit code 0",
		"error 350",
		"exit code 135",
		"GnuTLS error -150",
		"Handshake failed",
		"curl: (3) URL using bad/illegal format or missing URL",
	} {
		if ms := Explain(text); len(ms) != 0 {
			t.Errorf("Explain(%q) = %d match(es), first %q; want none", text, len(ms), ms[0].Rule)
		}
	}
}

// Every rule is exercised by a client text, so no pattern is dead or untested.
func TestEveryRuleMatchesAClientText(t *testing.T) {
	hit := map[string]bool{}
	for _, tc := range clientTexts {
		for _, m := range Explain(tc.text) {
			hit[m.Rule] = true
		}
	}
	for _, r := range rules {
		if !hit[r.name] {
			t.Errorf("rule %q matches none of the client texts", r.name)
		}
	}
}

func TestRulesWellFormed(t *testing.T) {
	names := map[string]bool{}
	used := map[string]bool{}
	for _, r := range compiled {
		if names[r.name] {
			t.Errorf("duplicate rule %q", r.name)
		}
		names[r.name] = true
		if r.re.MatchString("") {
			t.Errorf("rule %q matches the empty string", r.name)
		}
		if len(r.causes) == 0 {
			t.Errorf("rule %q names no cause", r.name)
		}
		ids := map[string]bool{}
		for _, c := range r.causes {
			used[c.ID] = true
			if ids[c.ID] {
				t.Errorf("rule %q names %s twice", r.name, c.ID)
			}
			ids[c.ID] = true
			if !strings.HasSuffix(c.Why, ".") || strings.Count(c.Why, ". ") > 0 {
				t.Errorf("rule %q, %s: why is not one sentence: %q", r.name, c.ID, c.Why)
			}
			if !strings.HasPrefix(c.Confirm, "ftpsdiag ") || !strings.Contains(c.Confirm, "HOST") {
				t.Errorf("rule %q, %s: confirm %q is not an ftpsdiag command line for HOST", r.name, c.ID, c.Confirm)
			}
		}
	}
	for id := range causes {
		if !used[id] {
			t.Errorf("cause %s is named by no rule", id)
		}
	}
}

// Catalog ids are the probe's; the others must not be, or they should be
// marked Catalog and confirmed by the finding itself.
func TestCatalogIDs(t *testing.T) {
	for id, info := range causes {
		if known := probe.KnownCause(id); known != info.catalog {
			t.Errorf("cause %s: Catalog=%v, but probe.KnownCause=%v", id, info.catalog, known)
		}
	}
}

func TestExplainDeterministic(t *testing.T) {
	text := "curl: (35) error:0A00010B:SSL routines::wrong version number"
	first := Explain(text)
	if len(first) < 2 {
		t.Fatalf("Explain(%q): %d matches, want the message rule and the exit-code rule", text, len(first))
	}
	first[0].Causes[0].ID = "mutated" // callers cannot change the table
	for range 20 {
		again := Explain(text)
		if again[0].Causes[0].ID != "implicit-got-plaintext" {
			t.Fatalf("a caller's change leaked into the table: %s", again[0].Causes[0].ID)
		}
		first[0].Causes[0].ID = again[0].Causes[0].ID
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("Explain is not deterministic:\n%v\n%v", first, again)
		}
	}
	// Matches come in table order.
	pos := map[string]int{}
	for i, r := range rules {
		pos[r.name] = i
	}
	for i := 1; i < len(first); i++ {
		if pos[first[i-1].Rule] > pos[first[i].Rule] {
			t.Errorf("match %q before %q is out of table order", first[i-1].Rule, first[i].Rule)
		}
	}
}

func TestWrite(t *testing.T) {
	text := "425 Security: Bad IP connecting."
	var b bytes.Buffer
	Write(&b, text, Explain(text))
	want := `text: 425 Security: Bad IP connecting.

vsftpd 425 "Security: Bad IP connecting":
  1. data-peer-ip-mismatch (not an ftpsdiag finding: read its evidence in the report)
     the data connection came from another source address than the control connection (NAT pool, CGNAT, proxy), which the server refuses.
     confirm: ftpsdiag --user NAME ftpes://HOST
  2. lb-split-nodes
     behind a load balancer the data connection reached a node that did not see this control connection.
     confirm: ftpsdiag --user NAME ftpes://HOST
`
	if got := b.String(); got != want {
		t.Errorf("Write:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteNoMatchEscapes(t *testing.T) {
	text := "\x1b]0;owned\x07\x1b[31m226 ok\r\nline two\u202e"
	var b bytes.Buffer
	Write(&b, text, Explain(text))
	got := b.String()
	want := `text: \x1b]0;owned\x07\x1b[31m226 ok\r\nline two\u202e
no known cause for this text; run ftpsdiag HOST for a diagnosis
`
	if got != want {
		t.Errorf("Write:\n%q\nwant:\n%q", got, want)
	}
}

func TestWriteCutsLongText(t *testing.T) {
	text := strings.Repeat("é", maxEcho) + "ETIMEDOUT"
	var b bytes.Buffer
	Write(&b, text, Explain(text))
	first, _, _ := strings.Cut(b.String(), "\n")
	if !strings.HasSuffix(first, "é ...") || strings.Contains(first, "ETIMEDOUT") {
		t.Errorf("echo not cut on a rune boundary: %q", first)
	}
	if !strings.Contains(b.String(), "data-connect-timeout") {
		t.Errorf("the whole text must be matched, not the echo:\n%s", b.String())
	}
}

// The package is a leaf: it must not import probe (the test does).
func TestNoProbeImport(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "github.com/ftpsdiag/ftpsdiag/probe" {
			t.Errorf("explain imports %s", imp)
		}
	}
}
