package clients

import (
	"go/build"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// clientTexts are what clients print and servers reply, as the failure
// notes quote them (§1–§7, §9), with the cause expected first.
var clientTexts = []struct {
	text string
	want cause.ID // first cause of the first match
}{
	// §1 port and mode
	{"curl: (35) error:0A00010B:SSL routines::wrong version number", cause.ImplicitGotPlaintext},
	{"tls: first record does not look like a TLS handshake", cause.ImplicitGotPlaintext},
	{"SSL3 alert read: fatal: wrong version number", cause.ImplicitGotPlaintext},
	{"curl: (28) Operation timed out after 10000 milliseconds with 0 bytes received", cause.ExplicitGotSilence},
	{"Insecure server, it does not support FTP over TLS.", cause.AuthNotSupported},
	{"curl: (64) Requested SSL level failed", cause.AuthNotSupported},
	{"500 AUTH not understood", cause.AuthNotSupported},
	{"431 Necessary security resource unavailable", cause.AuthNoCertificate},
	{"200 AUTH command ok; starting SSL connection...", cause.AuthNonstandardSuccess},
	{"534 Unwilling to accept security parameters", cause.DataProtRequired},
	{"503 Unwilling to accept second AUTH", cause.AuthOrderRefused},
	{"503 Use AUTH first.", cause.LoginCleartextRefused},

	// §2 middleboxes
	{"GnuTLS error: GNUTLS_E_TIMEDOUT", cause.ALGBreaksTLSAfter234},
	{"An existing connection was forcibly closed by the remote host", cause.TLSNoCommonVersion},
	{"215 XXXXXXXXXXXX", cause.ALGBreaksTLSAfter234},
	{"read: ECONNRESET", cause.ALGBreaksTLSAfter234},

	// §3 control handshake and certificate
	{"Received TLS alert from the server: Error in protocol version (70)", cause.TLSNoCommonVersion},
	{"Received TLS alert from the server: Handshake failed (40)", cause.TLSHandshakeFailed},
	{"GnuTLS error -12 in gnutls_handshake: A TLS fatal alert has been received.", cause.TLSHandshakeFailed},
	{"error:0A000410:SSL routines::sslv3 alert handshake failure", cause.TLSHandshakeFailed},
	{"error:0A00042E:SSL routines::tlsv1 alert protocol version", cause.TLSNoCommonVersion},
	{"error:0A000102:SSL routines::unsupported protocol", cause.TLSNoCommonVersion},
	{"proftpd: no shared cipher", cause.TLSHandshakeFailed},
	{"421 TLS handshake failed", cause.TLSHandshakeFailed},
	{"Received TLS alert from the server: The server name sent was not recognized (112)", cause.TLSSNIUnrecognized},
	{"error:0A000458:SSL routines::tlsv1 unrecognized name", cause.TLSSNIUnrecognized},
	{"Received TLS alert from the server: Access was denied (49)", cause.TLSSNIUnrecognized},
	{"error:0A00045C:SSL routines::tlsv13 alert certificate required", cause.TLSClientCertRequested},
	{"410 (SSL message format is incorrect)", cause.TLSClientCertRequested},
	{"522 DIFFERENT cert on data channel", cause.TLSClientCertRequested},
	{"Server sent unsorted certificate chain in violation of the TLS specifications", cause.CertChainUnsorted},
	{"curl: (60) SSL certificate problem: unable to get local issuer certificate", cause.CertChainIncomplete},
	{"Fatal error: Certificate verification: Not trusted", cause.CertChainIncomplete},
	{"Certificate verification: certificate common name doesn't match requested host name `192.0.2.7'", cause.CertNameMismatch},
	{"x509: negative serial number", cause.CertNegativeSerial},
	{"The client and server cannot communicate, because they do not possess a common algorithm.", cause.TLS12Refused},
	{"x509: certificate signed by unknown authority", cause.CertChainIncomplete},
	{"x509: certificate is valid for ftp.example.com, not 192.0.2.7", cause.CertNameMismatch},
	{"x509: certificate relies on legacy Common Name field, use SANs instead", cause.CertNoSAN},
	{"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'ftp'.", cause.CertNameMismatch},
	{"x509: certificate has expired or is not yet valid: current time 2026-01-02T00:00:00Z is after 2025-12-01T00:00:00Z", cause.CertExpired},
	{"x509: certificate has expired or is not yet valid: current time 2026-01-02T00:00:00Z is before 2027-12-01T00:00:00Z", cause.CertNotYetValid},
	{"SSL certificate problem: self-signed certificate", cause.CertSelfSigned},
	{"SSL certificate problem: self signed certificate in certificate chain", cause.CertUntrusted},
	{"error:0A00018F:SSL routines::ee key too small", cause.CertWeakKey},
	{"error:0A00018E:SSL routines::ca md too weak", cause.CertWeakSignature},
	{"sun.security.validator.ValidatorException: PKIX path building failed", cause.CertChainIncomplete},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: protocol_version", cause.TLSNoCommonVersion},
	// Measured: what the real clients printed in TestRealClients (probe/clients).
	{"curl: (35) OpenSSL/3.0.22: error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported", cause.TLSLegacyVersion},
	{"SSLError: [SSL] legacy sigalg disallowed or unsupported (_ssl.c:992)", cause.TLSLegacyVersion},
	{"TLS handshake after AUTH TLS: remote error: tls: protocol version not supported", cause.TLSNoCommonVersion},
	{"ls: Fatal error: Certificate verification: The certificate is NOT trusted. The certificate issuer is unknown.  (4E:A9:64:B8)", cause.CertChainIncomplete},
	{"ls: Fatal error: Certificate verification: The certificate is NOT trusted. The certificate chain uses insecure algorithm.  (CD:1A:A1:E5)", cause.CertWeakSignature},
	{"FAIL javax.net.ssl.SSLHandshakeException: NotAfter: Wed Nov 25 00:34:07 UTC 2026", cause.CertExpired},
	{"x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs", cause.CertNameMismatch},
	{`tls: failed to verify certificate: x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm ECDSA-SHA1" while trying to verify candidate authority certificate "root")`, cause.CertWeakSignature},
	{"javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)", cause.TLSNoCommonVersion},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure", cause.TLSHandshakeFailed},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: unrecognized_name", cause.TLSSNIUnrecognized},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_required", cause.TLSClientCertRequested},
	{"javax.net.ssl.SSLHandshakeException: Received fatal alert: access_denied", cause.TLSSNIUnrecognized},
	{"javax.net.ssl.SSLException: Unsupported or unrecognized SSL message", cause.ImplicitGotPlaintext},
	{"javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake", cause.TLSHandshakeFailed},
	{"java.security.cert.CertificateExpiredException: NotAfter: Mon Jan 01 00:00:00 UTC 2024", cause.CertExpired},
	{"java.security.cert.CertificateNotYetValidException: NotBefore: Mon Jan 01 00:00:00 UTC 2024", cause.CertNotYetValid},
	{"javax.net.ssl.SSLPeerUnverifiedException: Certificate for <ftp.example.com> doesn't match any of the subject alternative names: [www.example.com]", cause.CertNameMismatch},
	{"java.security.cert.CertificateException: No subject alternative names matching IP address 192.0.2.7 found", cause.CertNameMismatch},

	// §4 login after TLS
	{"GnuTLS error -15: An unexpected TLS packet was received.", cause.ServerErrorPlaintextInsideTLS},
	{"GnuTLS error -8 in gnutls_record_recv: A packet with illegal or unsupported version was received.", cause.ServerErrorPlaintextInsideTLS},
	{"SSL3 alert write: fatal: protocol version", cause.ServerErrorPlaintextInsideTLS},
	{"500 OOPS: vsftpd: refusing to run with writable root inside chroot()", cause.ServerErrorPlaintextInsideTLS},
	{"local error: tls: received record with version 3030 when expecting version 303", cause.ServerErrorPlaintextInsideTLS},
	{"530 Non-anonymous sessions must use encryption.", cause.LoginCleartextRefused},
	{"550 SSL/TLS required on the control channel", cause.LoginCleartextRefused},
	{"421 Sorry, cleartext sessions and weak ciphers are not accepted on this server. Please reconnect using TLS security mechanisms.", cause.LoginCleartextRefused},
	{"534 Policy requires SSL.", cause.LoginCleartextRefused},
	{"530 This server does not allow plain FTP. You have to use FTP over TLS.", cause.LoginCleartextRefused},
	{"curl: (67) Access denied: 530", cause.LoginFailed},

	// §5 PBSZ / PROT
	{"522 Data connections must be encrypted.", cause.DataProtRequired},
	{"522 SSL/TLS required on the data channel", cause.DataProtRequired},
	{"521 Data connection cannot be opened with this PROT setting.", cause.DataProtRequired},
	{"425-Server requires protected data connection.", cause.DataProtRequired},
	{"425 PROT C is not allowed when the control connection is secure. Use PROT P.", cause.DataProtRequired},

	// §6 passive mode
	{"Error: Server returned unroutable private IP address in PASV reply", cause.PASVAddressMismatch},
	{"Server sent passive reply with unroutable address. Using server address instead.", cause.PASVAddressMismatch},
	{"Server returned unroutable address 10.0.0.5, using host address instead.", cause.PASVAddressMismatch},
	{"---- Address returned by PASV seemed to be incorrect and has been fixed", cause.PASVAddressMismatch},
	{"The data connection could not be established: ETIMEDOUT - Connection attempt timed out", cause.DataConnectTimeout},
	{"The data connection could not be established: ECONNREFUSED - Connection refused by server", cause.DataConnectRefused},
	{"Error: Connection timed out after 20 seconds of inactivity", cause.DataConnectTimeout},
	{"ETIMEDOUT", cause.DataConnectTimeout},
	{"GnuTLS error -53 in gnutls_record_send: Error in the push function.", cause.DataConnectTimeout},
	{"Error: Failed to retrieve directory listing", cause.DataConnectTimeout},
	{"425 You cannot use PASV on IPv6 connections. Use EPSV instead.", cause.IPv6PASVRefused},
	{"500 You are connected using IPv6. PASV is only for IPv4. You have to use the EPSV command instead.", cause.IPv6PASVRefused},
	{"425 Security: Bad IP connecting.", cause.DataPeerIPMismatch},
	{"Data peer IP differs from control peer IP", cause.DataPeerIPMismatch},

	// §7 data-channel TLS and resumption
	{"522 SSL connection failed; session reuse required: see require_ssl_reuse option in vsftpd.conf man page", cause.DataSessionReuseRequired},
	{"522 SSL connection failed: session reuse required", cause.DataSessionReuseRequired},
	{"425 Unable to build data connection: Operation not permitted", cause.DataSessionReuseRequired},
	{"425 Unable to build data connection: TLS session of data connection not resumed.", cause.DataSessionReuseRequired},
	{"450 TLS session of data connection has not resumed or the session does not match the control connection", cause.DataSessionReuseRequired},
	{"TLS session for the data connection was not resumed from the control connection.", cause.DataSessionReuseRequired},
	{"ssl.SSLEOFError: EOF occurred in violation of protocol (_ssl.c:2427)", cause.DataSessionReuseRequired},
	{"ftplib.error_perm: 522 SSL connection failed: session reuse required", cause.DataSessionReuseRequired},
	{"TLS session resumption on data connection failed. Closing control connection to start over.", cause.TLS13TicketLifecycle},
	{"Insecure FTP data connection", cause.DataResumptionUnsupported},
	{"This server does not support TLS session resumption on the data connection.", cause.DataResumptionUnsupported},
	{"javax.net.ssl.SSLException: Connection closed without indication", cause.TLS13TicketLifecycle},
	{"425 No or wrong ALPN on data connection", cause.DataALPNMismatch},
	{"GnuTLS error -110 in gnutls_record_recv: The TLS connection was non-properly terminated.", cause.NoCloseNotify},
	{"GnuTLS error -9 in gnutls_record_recv: A TLS packet with unexpected length was received.", cause.NoCloseNotify},
	{"Status: Server did not properly shut down TLS connection", cause.NoCloseNotify},
	{"Could not read from transfer socket: ECONNABORTED - Connection aborted", cause.NoCloseNotify},
	{"425 Data channel timed out due to not meeting the minimum bandwidth requirement.", cause.NoCloseNotify},
	{"SSL_read on shutdown: error:0A000126:SSL routines::unexpected eof while reading", cause.NoCloseNotify},

	// §9 curl exit codes, alone and with their messages
	{"curl: (35)", cause.ImplicitGotPlaintext},
	{"exit code 35", cause.ImplicitGotPlaintext},
	{"error 35", cause.ImplicitGotPlaintext},
	{"curl: (35) SSL connect error", cause.ImplicitGotPlaintext},
	{"curl: (13) Bad PASV/EPSV response: 200", cause.DataTLSEarlyRefused},
	{"curl: (13) Bad PASV/EPSV response: 150", cause.DataTLSEarlyRefused},
	{"curl: (28)", cause.ExplicitGotSilence},
	{"curl exited with 28", cause.ExplicitGotSilence},
	{"curl: (18) server did not report OK, got 522", cause.DataSessionReuseRequired},
	{"curl: (18) server did not report OK, got 425", cause.DataSessionReuseRequired},
	{"exit status 18", cause.DataSessionReuseRequired},
	{"curl: (60)", cause.CertChainIncomplete},
	{"curl: (51) SSL peer certificate or SSH remote key was not OK", cause.CertChainIncomplete},
	{"CURLE_PEER_FAILED_VERIFICATION", cause.CertChainIncomplete},
	{"curl: (64)", cause.AuthNotSupported},
	{"curl: (56) Failure when receiving data from the peer", cause.NoCloseNotify},
	{"curl: (7) Failed to connect to ftp.example.com port 21 after 3 ms: Connection refused", cause.PortClosed},
	{"error code: 7", cause.PortClosed},
	{"ECONNREFUSED - Connection refused by server", cause.PortClosed},
	{"data connection: dial tcp 127.0.0.1:33167: connect: connection refused", cause.PortClosed},
}

// issue15Texts are the errors real clients printed, and the replies
// servers without TLS gave to AUTH, on servers and clients issue 15 added,
// with the causes the first match must name, the first of them first.
var issue15Texts = []struct {
	text string
	want []cause.ID
}{
	// lftp 4.9.2 (GnuTLS).
	{"ls: Login failed: ftp:ssl-force is set and server does not support or allow SSL", []cause.ID{cause.AuthNotSupported, cause.FeatMissingAuth}},
	{"ls: Fatal error: Certificate verification: The certificate is NOT trusted. The certificate chain uses not yet valid certificate.  (5B:0E:8F:2C)", []cause.ID{cause.CertNotYetValid}},
	{"ls: Fatal error: max-retries exceeded", []cause.ID{cause.Data150AfterTLS, cause.PASVRefusedEPSVWorks, cause.DataConnectTimeout}},
	// Node.js basic-ftp 6.
	{"Error: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ", []cause.ID{cause.CertNameMismatch}},
	{"code: 'ERR_TLS_CERT_ALTNAME_INVALID'", []cause.ID{cause.CertNameMismatch}},
	{"Error: read ECONNRESET (data socket)", []cause.ID{cause.DataTLSEarlyRefused, cause.DataTLSFailed}},
	// PHP 8.2's ftp extension.
	{"PHP Warning:  ftp_login(): SSL/TLS handshake failed in /tmp/ftpslist.php on line 9", []cause.ID{cause.TLSHandshakeFailed, cause.TLSNoCommonVersion, cause.TLSLegacyVersion}},
	{"PHP Warning:  ftp_nlist(): data_accept: failed to retrieve the existing SSL session in /tmp/ftpslist.php on line 12", []cause.ID{cause.DataResumptionUnsupported}},
	{"PHP Warning:  ftp_nlist(): SSL read failed with error 0 in /tmp/ftpslist.php on line 12", []cause.ID{cause.NoCloseNotify, cause.ConnectionLost}},
	{"PHP Warning:  ftp_nlist(): php_connect_nonb() failed: Connection refused (111) in /tmp/ftpslist.php on line 12", []cause.ID{cause.PASVAddressMismatch, cause.DataConnectRefused, cause.DataConnectTimeout}},
	// Debian 12's rclone 1.60 (Go 1.19.8), and vsftpd's log.
	{"Jan  1 00:00:00 vsftpd[42]: DEBUG: \"SSL_accept failed: error:0A000128:SSL routines::binder does not verify\"", []cause.ID{cause.DataTLSFailed}},
	{"ERROR : : error listing: 2 errors occurred:\n\t* remote error: tls: illegal parameter\n\t* unexpected EOF", []cause.ID{cause.DataTLSFailed}},
	{"ERROR : : error listing: 425 No connection established", []cause.ID{cause.Data150AfterTLS, cause.DataConnectTimeout}},
	// Apache Commons Net 3.9.
	{"org.apache.commons.net.MalformedServerReplyException: Truncated server reply: '200 '", []cause.ID{cause.ReplyTextMissing}},
	// Python ftplib (and PHP, quoting only the text) on a server that refuses PASV and answers EPSV.
	{"ftplib.error_perm: 502 Command not implemented.", []cause.ID{cause.PASVRefusedEPSVWorks, cause.AuthNotSupported}},
	{"PHP Warning:  ftp_nlist(): Command not implemented. in /tmp/ftpslist.php on line 12", []cause.ID{cause.PASVRefusedEPSVWorks}},
	// Servers without TLS, answering AUTH TLS.
	{"530 Please login with USER and PASS.", []cause.ID{cause.AuthNotSupported}},
	{"502 'auth' not implemented", []cause.ID{cause.AuthNotSupported}},
}

// Each cause comes with the catalog's fix, and its fix in the terms of
// each server the catalog names: a PASV address behind NAT is pasv_address
// on vsftpd, MasqueradeAddress on ProFTPD, -P on Pure-FTPd.
func TestExplainNamesFixPerServer(t *testing.T) {
	ms := Explain("Server sent passive reply with unroutable address. Using server address instead.")
	if len(ms) == 0 || ms[0].Causes[0].ID != cause.PASVAddressMismatch.String() {
		t.Fatalf("Explain: %v, want %s first", ms, cause.PASVAddressMismatch)
	}
	c := ms[0].Causes[0]
	if c.Fix != cause.PASVAddressMismatch.Cause().Remedy {
		t.Errorf("fix = %q, want the catalog's remedy", c.Fix)
	}
	want := map[string]string{
		cause.ServerVsftpd:    "pasv_address",
		cause.ServerProFTPD:   "MasqueradeAddress",
		cause.ServerPureFTPd:  "-P",
		cause.ServerFileZilla: "Passive mode",
	}
	var servers []string
	for _, f := range c.FixBy {
		servers = append(servers, f.Server)
		if setting, ok := want[f.Server]; ok && !strings.Contains(f.Fix, setting) {
			t.Errorf("%s: fix %q does not name %s", f.Server, f.Fix, setting)
		}
	}
	for server := range want {
		if !slices.Contains(servers, server) {
			t.Errorf("no fix for %s among %v", server, servers)
		}
	}
	// Every cause of every rule carries the catalog's remedies.
	for _, r := range compiled {
		for _, c := range r.causes {
			id, _ := cause.Parse(c.ID)
			if c.Fix == "" || !reflect.DeepEqual(c.FixBy, id.Cause().ServerRemedies()) {
				t.Errorf("rule %q, %s: fix %q and %v are not the catalog's", r.name, c.ID, c.Fix, c.FixBy)
			}
		}
	}
}

func TestExplainClientTexts(t *testing.T) {
	for _, tc := range clientTexts {
		checkFirstMatch(t, tc.text, []cause.ID{tc.want})
	}
	for _, tc := range issue15Texts {
		checkFirstMatch(t, tc.text, tc.want)
	}
}

// checkFirstMatch checks that the first rule matching text names every
// cause of want, want[0] first.
func checkFirstMatch(t *testing.T, text string, want []cause.ID) {
	t.Helper()
	ms := Explain(text)
	if len(ms) == 0 {
		t.Errorf("Explain(%q): no match, want %v", text, want)
		return
	}
	var got []cause.ID
	for _, c := range ms[0].Causes {
		id, _ := cause.Parse(c.ID)
		got = append(got, id)
	}
	if got[0] != want[0] || slices.ContainsFunc(want, func(id cause.ID) bool { return !slices.Contains(got, id) }) {
		t.Errorf("Explain(%q): rule %q names %v, want %v among them, %s first", text, ms[0].Rule, got, want, want[0])
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
	want := ids(cause.NoCloseNotify, cause.DataConnectTimeout)
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
	var all []string
	for _, tc := range clientTexts {
		all = append(all, tc.text)
	}
	for _, tc := range issue15Texts {
		all = append(all, tc.text)
	}
	for _, text := range all {
		for _, m := range Explain(text) {
			hit[m.Rule] = true
		}
	}
	for _, r := range texts {
		if !hit[r.name] {
			t.Errorf("rule %q matches none of the client texts", r.name)
		}
	}
}

func TestRulesWellFormed(t *testing.T) {
	names := map[string]bool{}
	used := map[cause.ID]bool{}
	for i, r := range texts {
		if names[r.name] {
			t.Errorf("duplicate rule %q", r.name)
		}
		names[r.name] = true
		if compiled[i].re.MatchString("") {
			t.Errorf("rule %q matches the empty string", r.name)
		}
		if len(r.causes) == 0 {
			t.Errorf("rule %q names no cause", r.name)
		}
		seen := map[cause.ID]bool{}
		for _, b := range r.causes {
			used[b.id] = true
			if seen[b.id] {
				t.Errorf("rule %q names %s twice", r.name, b.id)
			}
			seen[b.id] = true
			if !strings.HasSuffix(b.why, ".") || strings.Count(b.why, ". ") > 0 {
				t.Errorf("rule %q, %s: why is not one sentence: %q", r.name, b.id, b.why)
			}
		}
	}
	for id, confirm := range confirms {
		if !used[id] {
			t.Errorf("cause %s is named by no rule", id)
		}
		if !strings.HasPrefix(confirm, "ftpsdiag ") || !strings.Contains(confirm, "HOST") {
			t.Errorf("%s: confirm %q is not an ftpsdiag command line for HOST", id, confirm)
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
		if again[0].Causes[0].ID != cause.ImplicitGotPlaintext.String() {
			t.Fatalf("a caller's change leaked into the table: %s", again[0].Causes[0].ID)
		}
		first[0].Causes[0].ID = again[0].Causes[0].ID
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("Explain is not deterministic:\n%v\n%v", first, again)
		}
	}
	// Matches come in table order.
	pos := map[string]int{}
	for i, r := range texts {
		pos[r.name] = i
	}
	for i := 1; i < len(first); i++ {
		if pos[first[i-1].Rule] > pos[first[i].Rule] {
			t.Errorf("match %q before %q is out of table order", first[i-1].Rule, first[i].Rule)
		}
	}
}

// explain reads a pasted text offline: the package imports no network,
// file or process package, and of ftpsdiag only the catalog and the
// result types (the tests run real clients; they may).
func TestOfflineImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"github.com/ftpsdiag/ftpsdiag/probe/cause", "github.com/ftpsdiag/ftpsdiag/probe/result"}
	for _, imp := range pkg.Imports {
		switch {
		case strings.HasPrefix(imp, "github.com/ftpsdiag/ftpsdiag/"):
			if !slices.Contains(allowed, imp) {
				t.Errorf("clients imports %s", imp)
			}
		case imp == "net" || strings.HasPrefix(imp, "net/") && imp != "net/netip",
			imp == "os" || strings.HasPrefix(imp, "os/"),
			imp == "crypto/tls", imp == "syscall":
			t.Errorf("clients imports %s", imp)
		}
	}
}
