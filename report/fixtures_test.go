package report

import (
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/clients"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Hand-built results, one per situation the report must explain. Times are
// fixed; nothing here reads a clock.

var started = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ev(at float64, from result.Source, text string) result.Event {
	return result.Event{AtMS: at, From: from, Text: text}
}

func dataEv(at float64, from result.Source, text string) result.Event {
	return result.Event{AtMS: at, From: from, Conn: result.ConnData, Text: text}
}

// reply is a server reply, one event per line, all at the same time.
func reply(at float64, lines ...string) []result.Event {
	evs := make([]result.Event, len(lines))
	for i, l := range lines {
		evs[i] = ev(at, result.FromServer, l)
	}
	return evs
}

// newResult is a result for host with everything but attempts and findings.
func newResult(host string, durationMS float64, status result.Status, verdict string) *result.Result {
	return &result.Result{
		SchemaVersion: result.SchemaVersion, Tool: "ftpsdiag 0.1.0",
		Target: host, Host: host, ServerName: host,
		StartedAt: started, DurationMS: durationMS, Status: status, Verdict: verdict,
	}
}

// exchange is a command and the server's reply to it.
func exchange(sent, answered float64, command string, lines ...string) []result.Event {
	return append([]result.Event{ev(sent, result.FromClient, command)}, reply(answered, lines...)...)
}

// timeline flattens events and replies in order.
func timeline(parts ...any) []result.Event {
	var evs []result.Event
	for _, p := range parts {
		switch p := p.(type) {
		case result.Event:
			evs = append(evs, p)
		case []result.Event:
			evs = append(evs, p...)
		}
	}
	return evs
}

// vsftpdFeat is vsftpd 3.0.3's FEAT reply with TLS enabled.
var vsftpdFeat = []string{"211-Features:", " AUTH SSL", " AUTH TLS", " EPRT", " EPSV", " MDTM",
	" PASV", " PBSZ", " PROT", " REST STREAM", " SIZE", " TVFS", " UTF8", "211 End"}

func vsftpdFeatures() *result.Features {
	return &result.Features{Code: 211, Lines: vsftpdFeat[1 : len(vsftpdFeat)-1], AuthTLS: true, PBSZ: true, PROT: true}
}

// exampleChain is a leaf and the intermediate that issued it.
func exampleChain() []result.Certificate {
	return []result.Certificate{{
		Subject:            "CN=ftp.example.com",
		Issuer:             "CN=Example Issuing CA 2,O=Example Trust Services,C=US",
		SANs:               []string{"ftp.example.com", "ftps.example.com", "127.0.0.1"},
		Serial:             "4f1c2e9a07d3b5c1",
		NotBefore:          time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:           time.Date(2026, 12, 30, 23, 59, 59, 0, time.UTC),
		DaysLeft:           362,
		KeyType:            "ECDSA",
		KeyBits:            256,
		SignatureAlgorithm: "ECDSA-SHA256",
		SHA256:             "9b0c6f5e1d4a3b2c8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
	}, {
		Subject:            "CN=Example Issuing CA 2,O=Example Trust Services,C=US",
		Issuer:             "CN=Example Root CA,O=Example Trust Services,C=US",
		Serial:             "02",
		NotBefore:          time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:           time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		DaysLeft:           2920,
		KeyType:            "ECDSA",
		KeyBits:            384,
		SignatureAlgorithm: "ECDSA-SHA384",
		IsCA:               true,
		SHA256:             "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809",
	}}
}

func trustedVerification() *result.Verification {
	return &result.Verification{Trusted: true, NameMatches: true, TimeValid: true,
		VerifiedPath: []string{"CN=ftp.example.com", "CN=Example Issuing CA 2,O=Example Trust Services,C=US",
			"CN=Example Root CA,O=Example Trust Services,C=US"}}
}

func tls13() *result.TLSInfo {
	return &result.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Group: "X25519",
		SNISent: true, SessionTicket: true, Resumable: ptr(true), HelloRetry: ptr(false), HandshakeMS: 2.7}
}

// healthyVsftpd is explicit FTPS on vsftpd that works: FTPS.md §6. The
// anonymous login, the protected EPSV listing (resuming the control
// session) and an audit connection showing vsftpd's default policies.
func healthyVsftpd() *result.Result {
	r := newResult("ftp.example.com", 31.2, result.StatusOK, "Explicit FTPS works on port 21 with TLS 1.3 and a trusted certificate; protected listings work.")
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, Address: "127.0.0.1:21", OK: true,
		Server: "vsftpd", Banner: []string{"220 (vsFTPd 3.0.3)"}, AuthMechanism: "TLS",
		FeatBeforeTLS: vsftpdFeatures(), FeatAfterTLS: vsftpdFeatures(),
		TLS: tls13(), Certificates: exampleChain(), Verification: trustedVerification(),
		Login:      &result.Login{User: "anonymous", Anonymous: true, OK: true, Reply: "230 Login successful."},
		RoundTrips: 16,
		Timeline: timeline(
			ev(0, result.FromNet, "connect 127.0.0.1:21"),
			ev(0.3, result.FromNet, "TCP connected"),
			reply(1.1, "220 (vsFTPd 3.0.3)"),
			exchange(1.2, 1.5, "FEAT", vsftpdFeat...),
			exchange(1.6, 1.9, "AUTH TLS", "234 Proceed with negotiation."),
			ev(2.0, result.FromTLS, "ClientHello sent (SNI ftp.example.com, TLS 1.2-1.3)"),
			ev(4.7, result.FromTLS, "TLS 1.3 handshake done: TLS_AES_128_GCM_SHA256, X25519"),
			ev(4.7, result.FromTLS, "certificate CN=ftp.example.com, issued by CN=Example Issuing CA 2 (2 in chain)"),
			exchange(4.9, 5.4, "FEAT", vsftpdFeat...),
			exchange(5.5, 5.8, "USER anonymous", "331 Please specify the password."),
			exchange(5.9, 6.5, "PASS ****", "230 Login successful."),
			exchange(6.6, 6.9, "PBSZ 0", "200 PBSZ set to 0."),
			exchange(7.0, 7.3, "PROT P", "200 PROT now Private."),
			exchange(7.4, 7.7, "EPSV", "229 Entering Extended Passive Mode (|||50069|)"),
			dataEv(7.8, result.FromNet, "connect 127.0.0.1:50069"),
			dataEv(8.0, result.FromNet, "TCP connected"),
			exchange(8.1, 8.5, "LIST", "150 Here comes the directory listing."),
			dataEv(8.6, result.FromTLS, "ClientHello sent, offering the control session"),
			dataEv(9.9, result.FromTLS, "TLS handshake done: TLS 1.3, TLS_AES_128_GCM_SHA256, X25519, resumed"),
			dataEv(10.4, result.FromServer, "1234 bytes, 18 lines"),
			dataEv(10.5, result.FromNet, "connection closed by server (close_notify)"),
			reply(10.8, "226 Directory send OK."),
			exchange(10.9, 11.2, "QUIT", "221 Goodbye."),
			ev(11.3, result.FromNet, "connection closed"),
		),
		DataChannel: &result.DataChannel{
			Attempted: true, Prot: "P", PassiveCommand: "EPSV", EPSVSupported: ptr(true),
			UsedAddress: "127.0.0.1:50069", ListCommand: "LIST",
			TLS: &result.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Group: "X25519",
				SNISent: true, Resumed: true, HandshakeMS: 1.3},
			SameCertificate: ptr(true), ListingBytes: 1234, ListingLines: 18, CloseNotify: ptr(true),
			TransferReply: "226 Directory send OK.", OK: true,
			Transfers: []result.Transfer{
				{OK: true, Resumed: true, Reply: "226 Directory send OK."},
				{OK: true, Resumed: true, Reply: "226 Directory send OK."},
				{OK: true, Resumed: true, Reply: "226 Directory send OK."},
			},
		},
		Policy: &result.Policy{
			SessionReuseRequired: ptr(true), SessionReuseEvidence: "522 SSL connection failed: session reuse required",
			ClearDataAllowed: ptr(false), ClearDataEvidence: "522 Data connections must be encrypted.",
			CleartextLoginAllowed: ptr(false), CleartextLoginEvidence: "530 Non-anonymous sessions must use encryption.",
			PBSZRequired: ptr(false), PBSZEvidence: "200 PROT now Private.",
			DataTLSBeforeCommand: ptr(true), DataTLSBeforeEvidence: "a listing whose data handshake started before LIST worked: 226 Directory send OK.",
			DataTLSAfter150: ptr(true), DataTLSAfter150Evidence: "a listing whose data handshake started after 150 Here comes the directory listing. worked: 226 Directory send OK.",
			ExtendedMasterSecret: ptr(true), EMSEvidence: "an audit connection's TLS 1.2 handshake (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384): extended_master_secret negotiated",
		},
		Audits: []result.Audit{{
			Purpose: "session reuse and clear-data policy",
			Timeline: timeline(
				ev(0.1, result.FromNet, "connect 127.0.0.1:21"),
				ev(0.4, result.FromNet, "TCP connected"),
				reply(1.2, "220 (vsFTPd 3.0.3)"),
				exchange(1.3, 1.6, "AUTH TLS", "234 Proceed with negotiation."),
				ev(4.9, result.FromTLS, "TLS 1.3 handshake done: TLS_AES_128_GCM_SHA256, X25519"),
				exchange(5.0, 5.6, "USER anonymous", "331 Please specify the password."),
				exchange(5.7, 6.2, "PASS ****", "230 Login successful."),
				exchange(6.3, 6.6, "PROT P", "200 PROT now Private."),
				exchange(6.7, 7.0, "EPSV", "229 Entering Extended Passive Mode (|||50071|)"),
				dataEv(7.1, result.FromNet, "connect 127.0.0.1:50071"),
				exchange(7.3, 7.6, "LIST", "150 Here comes the directory listing."),
				dataEv(9.8, result.FromTLS, "TLS handshake done: TLS 1.3, TLS_AES_128_GCM_SHA256, X25519, new session"),
				dataEv(10.0, result.FromNet, "connection closed by server"),
				reply(10.1, "522 SSL connection failed: session reuse required"),
				exchange(10.2, 10.5, "PROT C", "200 PROT now Clear."),
				exchange(10.6, 10.9, "EPSV", "229 Entering Extended Passive Mode (|||50072|)"),
				dataEv(11.0, result.FromNet, "connect 127.0.0.1:50072"),
				exchange(11.2, 11.6, "LIST", "522 Data connections must be encrypted."),
				dataEv(11.7, result.FromNet, "connection closed by server"),
				exchange(11.8, 12.1, "QUIT", "221 Goodbye."),
				ev(12.2, result.FromNet, "connection closed"),
			),
		}},
	}}
	r.Findings = []result.Finding{{
		ID: "data-session-reuse-required", Severity: result.SeverityInfo, Stage: "policy", Mode: result.ModeExplicit, Port: 21,
		Title:    "the server refuses data connections that do not resume the control TLS session",
		Evidence: "522 SSL connection failed: session reuse required",
		Remedy:   "Governed by require_ssl_reuse (default YES); set require_ssl_reuse=NO only if non-resuming clients must work.",
	}}
	// The verdict table, from the rules themselves (golden for both).
	r.Clients = clients.Verdicts(r)
	r.NotTested = []result.NotTested{
		{ID: "uploads", Detail: "ftpsdiag never uploads: upload-only failures are not seen"},
		{ID: "active-mode", Detail: "PORT and EPRT are never sent"},
		{ID: "long-sessions", Detail: "one session of 3 transfers over seconds: expiry after minutes is not seen"},
		{ID: "own-network", Detail: "tested from this machine only"},
		{ID: "user-login", Detail: "logged in anonymously: policies for real users can differ; use --user"},
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// loginFailed: TLS works but the login is refused, so the data channel is
// not tested; an audit connection found clear logins refused.
func loginFailed() *result.Result {
	r := newResult("ftp.example.com", 14.9, result.StatusCritical, "Explicit FTPS works on port 21, but the login was refused: the data channel was not tested.")
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, Address: "127.0.0.1:21", OK: true,
		Server: "vsftpd", Banner: []string{"220 (vsFTPd 3.0.3)"}, AuthMechanism: "TLS",
		TLS: tls13(), Certificates: exampleChain(), Verification: trustedVerification(),
		Login:      &result.Login{User: "alice", OK: false, Reply: "530 Login incorrect."},
		RoundTrips: 6,
		Timeline: timeline(
			ev(0, result.FromNet, "connect 127.0.0.1:21"),
			ev(0.3, result.FromNet, "TCP connected"),
			reply(1.1, "220 (vsFTPd 3.0.3)"),
			exchange(1.2, 1.5, "AUTH TLS", "234 Proceed with negotiation."),
			ev(1.6, result.FromTLS, "ClientHello sent (SNI ftp.example.com, TLS 1.2-1.3)"),
			ev(4.3, result.FromTLS, "TLS 1.3 handshake done: TLS_AES_128_GCM_SHA256, X25519"),
			exchange(4.4, 4.7, "USER alice", "331 Please specify the password."),
			exchange(4.8, 13.9, "PASS ****", "530 Login incorrect."),
			exchange(14.0, 14.3, "QUIT", "221 Goodbye."),
			ev(14.4, result.FromNet, "connection closed"),
		),
		DataChannel: &result.DataChannel{NotAttempted: "login failed: 530 Login incorrect."},
		Policy: &result.Policy{
			CleartextLoginAllowed: ptr(false), CleartextLoginEvidence: "530 Non-anonymous sessions must use encryption.",
		},
		Audits: []result.Audit{{
			Purpose: "cleartext login: USER before AUTH TLS (no password is sent)",
			Timeline: timeline(
				ev(0.1, result.FromNet, "connect 127.0.0.1:21"),
				ev(0.4, result.FromNet, "TCP connected"),
				reply(1.2, "220 (vsFTPd 3.0.3)"),
				exchange(1.3, 1.7, "USER alice", "530 Non-anonymous sessions must use encryption."),
				exchange(1.8, 2.1, "QUIT", "221 Goodbye."),
				ev(2.2, result.FromNet, "connection closed"),
			),
		}},
	}}
	r.Findings = []result.Finding{{
		ID: "login-failed", Severity: result.SeverityCritical, Stage: "login", Mode: result.ModeExplicit, Port: 21,
		Title:    "the login inside TLS was refused, so the data channel could not be tested",
		Evidence: "530 Login incorrect.",
		Remedy:   "Check the account and /etc/ftpusers; for anonymous tests set anonymous_enable=YES (and allow_anon_ssl=YES so anonymous users may use TLS).",
	}}
	return r
}

// pasvMismatch: ProFTPD behind NAT refuses EPSV, advertises its private
// address in the 227 (the listing works on the control peer's address,
// the server's public 198.51.100.7),
// does not require session reuse and serves clear listings.
func pasvMismatch() *result.Result {
	r := newResult("ftp.example.net", 19.6, result.StatusWarning, "Explicit FTPS works on port 21, but the passive reply names a private address and clear data is allowed.")
	pasv := &result.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_256_GCM_SHA384", Group: "X25519", SNISent: true, HandshakeMS: 2.4}
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, Address: "198.51.100.7:21", OK: true,
		Server: "ProFTPD", Banner: []string{"220 ProFTPD Server (Example) [10.0.0.5]"}, AuthMechanism: "TLS",
		TLS: pasv, Certificates: exampleChain()[:1], Verification: trustedVerification(),
		Login:      &result.Login{User: "anonymous", Anonymous: true, OK: true, Reply: "230 Anonymous access granted, restrictions apply"},
		RoundTrips: 13,
		Timeline: timeline(
			ev(0, result.FromNet, "connect 198.51.100.7:21"),
			ev(0.4, result.FromNet, "TCP connected"),
			reply(1.3, "220 ProFTPD Server (Example) [10.0.0.5]"),
			exchange(1.4, 1.8, "AUTH TLS", "234 AUTH TLS successful"),
			ev(1.9, result.FromTLS, "ClientHello sent (SNI ftp.example.net, TLS 1.2-1.3)"),
			ev(4.3, result.FromTLS, "TLS 1.3 handshake done: TLS_AES_256_GCM_SHA384, X25519"),
			exchange(4.4, 4.8, "USER anonymous", "331 Anonymous login ok, send your complete email address as your password"),
			exchange(4.9, 5.6, "PASS ****", "230 Anonymous access granted, restrictions apply"),
			exchange(5.7, 6.0, "PBSZ 0", "200 PBSZ 0 successful"),
			exchange(6.1, 6.4, "PROT P", "200 Protection set to Private"),
			exchange(6.5, 6.8, "EPSV", "500 EPSV not understood"),
			exchange(6.9, 7.2, "PASV", "227 Entering Passive Mode (10,0,0,5,195,80)."),
			dataEv(7.3, result.FromNet, "connect 198.51.100.7:50000 (the control peer; the reply named 10.0.0.5:50000)"),
			dataEv(7.5, result.FromNet, "TCP connected"),
			exchange(7.6, 8.0, "LIST", "150 Opening ASCII mode data connection for file list"),
			dataEv(10.4, result.FromTLS, "handshake done: TLS 1.3, TLS_AES_256_GCM_SHA384, X25519"),
			dataEv(10.9, result.FromServer, "20480 bytes, 256 lines"),
			dataEv(11.0, result.FromNet, "closed without TLS close_notify"),
			reply(11.3, "226 Transfer complete"),
			exchange(11.4, 11.7, "QUIT", "221 Goodbye."),
			ev(11.8, result.FromNet, "connection closed"),
		),
		DataChannel: &result.DataChannel{
			Attempted: true, Prot: "P", PassiveCommand: "PASV", EPSVSupported: ptr(false),
			AdvertisedAddress: "10.0.0.5:50000", UsedAddress: "198.51.100.7:50000", ListCommand: "LIST",
			TLS: pasv, SameCertificate: ptr(true), ListingBytes: 20480, ListingLines: 256, ListingTruncated: true,
			CloseNotify: ptr(false), TransferReply: "226 Transfer complete", OK: true,
		},
		Policy: &result.Policy{
			SessionReuseRequired: ptr(false), SessionReuseEvidence: "226 Transfer complete",
			ClearDataAllowed: ptr(true), ClearDataEvidence: "226 Transfer complete",
			DataTLSBeforeCommand: ptr(true), DataTLSBeforeEvidence: "a listing whose data handshake started before LIST worked: 226 Transfer complete",
		},
	}}
	r.Findings = []result.Finding{{
		ID: "pasv-address-mismatch", Severity: result.SeverityWarning, Stage: "data", Mode: result.ModeExplicit, Port: 21,
		Title:    "the PASV reply advertises an address other than the server's",
		Evidence: "227 Entering Passive Mode (10,0,0,5,195,80). names 10.0.0.5:50000; the control peer is 198.51.100.7",
		Remedy:   "Set MasqueradeAddress (TLSMasqueradeAddress takes precedence for FTPS sessions).",
	}, {
		ID: "data-clear-allowed", Severity: result.SeverityWarning, Stage: "policy", Mode: result.ModeExplicit, Port: 21,
		Title:    "the server sends directory listings unencrypted when a client asks for PROT C",
		Evidence: "PROT C, LIST: 226 Transfer complete",
		Remedy:   "Set TLSRequired on (or TLSRequired ctrl+data).",
	}}
	// The verdict table, from the rules themselves (golden for both).
	r.Clients = clients.Verdicts(r)
	return r
}

// implicitOnExplicitPort: --mode auto tried implicit TLS on port 21 and got
// vsftpd's plaintext greeting, then explicit FTPS worked (with a listing).
func implicitOnExplicitPort() *result.Result {
	r := newResult("ftp.example.com", 21.4, result.StatusCritical, "Explicit FTPS works on port 21; implicit FTPS does not: port 21 greets in plaintext.")
	r.Target = "ftp.example.com:21"
	r.Attempts = []result.Attempt{{
		Mode: result.ModeImplicit, Port: 21, Address: "127.0.0.1:21",
		Server: "vsftpd", Banner: []string{"220 (vsFTPd 3.0.3)"}, RoundTrips: 2,
		Error: "TLS handshake: tls: first record does not look like a TLS handshake",
		Timeline: timeline(
			ev(0, result.FromNet, "connect 127.0.0.1:21"),
			ev(0.3, result.FromNet, "TCP connected"),
			ev(0.4, result.FromTLS, "ClientHello sent (SNI ftp.example.com, TLS 1.2-1.3)"),
			reply(1.2, "220 (vsFTPd 3.0.3)"),
			ev(1.2, result.FromTLS, "handshake failed: tls: first record does not look like a TLS handshake"),
			ev(1.3, result.FromNet, "connection closed by ftpsdiag"),
		),
	}, {
		Mode: result.ModeExplicit, Port: 21, Address: "127.0.0.1:21",
		DetectedBy: "plaintext 220 greeting on the implicit attempt", OK: true,
		Server: "vsftpd", Banner: []string{"220 (vsFTPd 3.0.3)"}, AuthMechanism: "TLS",
		TLS: tls13(), Certificates: exampleChain()[:1], Verification: trustedVerification(),
		RoundTrips: 10,
		Timeline: timeline(
			ev(2.0, result.FromNet, "connect 127.0.0.1:21"),
			ev(2.3, result.FromNet, "TCP connected"),
			reply(3.0, "220 (vsFTPd 3.0.3)"),
			exchange(3.1, 3.4, "AUTH TLS", "234 Proceed with negotiation."),
			ev(3.5, result.FromTLS, "ClientHello sent (SNI ftp.example.com, TLS 1.2-1.3)"),
			ev(6.1, result.FromTLS, "TLS 1.3 handshake done: TLS_AES_128_GCM_SHA256, X25519"),
			exchange(6.2, 6.6, "USER anonymous", "331 Please specify the password."),
			exchange(6.7, 7.4, "PASS ****", "230 Login successful."),
			exchange(7.5, 7.9, "PBSZ 0", "200 PBSZ set to 0."),
			exchange(8.0, 8.4, "PROT P", "200 PROT now Private."),
			exchange(8.5, 8.9, "PASV", "227 Entering Passive Mode (127,0,0,1,195,149)."),
			dataEv(9.0, result.FromNet, "connect 127.0.0.1:50069"),
			dataEv(9.3, result.FromNet, "TCP connected"),
			exchange(9.4, 9.8, "LIST", "150 Here comes the directory listing."),
			dataEv(9.9, result.FromTLS, "TLS 1.3 handshake done, control session resumed"),
			dataEv(12.0, result.FromServer, "-rw-r--r--    1 ftp      ftp          1024 Jan 01 12:00 readme.txt"),
			dataEv(12.1, result.FromNet, "connection closed by server"),
			reply(12.5, "226 Directory send OK."),
			exchange(12.6, 13.0, "QUIT", "221 Goodbye."),
			ev(13.1, result.FromNet, "connection closed"),
		),
	}}
	r.Findings = []result.Finding{{
		ID: "implicit-got-plaintext", Severity: result.SeverityCritical, Stage: "tls",
		Mode: result.ModeImplicit, Port: 21,
		Title:    "implicit TLS attempted, but the port answers with a plaintext FTP greeting: it is an explicit-FTPS (AUTH TLS) port",
		Evidence: "tls: first record does not look like a TLS handshake; the server sent \"220 (vsFTPd 3.0.3)\" in clear",
		Remedy:   "Clients must use explicit FTPS here; for implicit TLS run a vsftpd instance with implicit_ssl=YES on port 990.",
	}}
	return r
}

// expiredSelfSigned: ProFTPD with an expired leaf issued by a private,
// self-signed CA, TLS 1.1, a slow greeting (reverse DNS) and findings given
// out of severity order.
func expiredSelfSigned() *result.Result {
	r := newResult("ftp.internal.example", 5012.6, result.StatusCritical, "Clients will refuse this server: its certificate expired on 2025-12-01 and is issued by a private CA.")
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, Address: "10.0.0.7:21", OK: true,
		Server: "ProFTPD", Banner: []string{"220 ProFTPD Server (Internal FTP) [10.0.0.7]"}, AuthMechanism: "TLS",
		FeatBeforeTLS: &result.Features{Code: 211, Lines: []string{"AUTH TLS", "PBSZ", "PROT", "EPSV", "MDTM", "SIZE"}, AuthTLS: true, PBSZ: true, PROT: true},
		TLS: &result.TLSInfo{Version: "TLS 1.1", CipherSuite: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Group: "P-256",
			SNISent: true, SessionTicket: true, ClientCertRequest: true, HandshakeMS: 4.2},
		Certificates: []result.Certificate{{
			Subject: "CN=ftp.internal.example,OU=IT,O=Example Corp", Issuer: "CN=Example Corp Internal CA,O=Example Corp",
			SANs: []string{"ftp.internal.example"}, Serial: "1001",
			NotBefore: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC),
			DaysLeft: -32, KeyType: "RSA", KeyBits: 2048, SignatureAlgorithm: "SHA256-RSA",
			SHA256: "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
		}, {
			Subject: "CN=Example Corp Internal CA,O=Example Corp", Issuer: "CN=Example Corp Internal CA,O=Example Corp",
			Serial:    "01",
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
			DaysLeft: 1460, KeyType: "RSA", KeyBits: 4096, SignatureAlgorithm: "SHA256-RSA",
			IsCA: true, SelfSigned: true,
			SHA256: "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
		}},
		Verification: &result.Verification{NameMatches: true,
			Error: "x509: certificate has expired or is not yet valid: current time 2026-01-02T03:04:05Z is after 2025-12-01T00:00:00Z"},
		RoundTrips: 7,
		Timeline: timeline(
			ev(0, result.FromNet, "connect 10.0.0.7:21"),
			ev(0.5, result.FromNet, "TCP connected"),
			reply(5003.2, "220 ProFTPD Server (Internal FTP) [10.0.0.7]"),
			exchange(5003.3, 5003.9, "FEAT", "211-Features:", " AUTH TLS", " PBSZ", " PROT", " EPSV", " MDTM", " SIZE", "211 End"),
			exchange(5004.0, 5004.5, "AUTH TLS", "234 AUTH TLS successful"),
			ev(5004.6, result.FromTLS, "ClientHello sent (SNI ftp.internal.example, TLS 1.0-1.3)"),
			ev(5008.8, result.FromTLS, "CertificateRequest received"),
			ev(5008.8, result.FromTLS, "TLS 1.1 handshake done: TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, P-256"),
			ev(5008.9, result.FromTLS, "certificate CN=ftp.internal.example EXPIRED 2025-12-01, issued by self-signed CN=Example Corp Internal CA"),
			exchange(5009.0, 5009.6, "QUIT", "221 Goodbye."),
			ev(5009.7, result.FromNet, "connection closed"),
		),
	}}
	r.Findings = []result.Finding{{
		ID: "tls-client-cert-requested", Severity: result.SeverityInfo, Stage: "tls", Mode: result.ModeExplicit, Port: 21,
		Title:    "the server asks clients for a certificate",
		Evidence: "CertificateRequest in the handshake",
		Remedy:   "If client certificates are not used, stop requesting them: some clients (IBM z/OS) fail when asked.",
	}, {
		ID: "cert-expired", Severity: result.SeverityCritical, Stage: "certificate", Mode: result.ModeExplicit, Port: 21,
		Title:    "the server certificate has expired",
		Evidence: "x509: certificate has expired or is not yet valid: current time 2026-01-02T03:04:05Z is after 2025-12-01T00:00:00Z",
		Remedy:   "Renew the certificate named by TLSRSACertificateFile/TLSECCertificateFile and reload ProFTPD.",
	}, {
		ID: "tls-legacy-version", Severity: result.SeverityWarning, Stage: "tls", Mode: result.ModeExplicit, Port: 21,
		Title:    "the handshake negotiated TLS 1.0 or 1.1, which current clients refuse by default",
		Evidence: "negotiated TLS 1.1 (TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA) though TLS 1.3 was offered",
		Remedy:   "Set TLSProtocol TLSv1.2 TLSv1.3.",
	}, {
		ID: "cert-self-signed", Severity: result.SeverityCritical, Stage: "certificate", Mode: result.ModeExplicit, Port: 21,
		Title:    "the server certificate is self-signed: clients cannot verify it",
		Evidence: "x509: certificate signed by unknown authority; the chain ends at self-signed \"CN=Example Corp Internal CA,O=Example Corp\"",
		Remedy:   "Install a certificate from a public or company CA; until then clients must trust this certificate explicitly (pass it with --ca-file here).",
	}}
	return r
}

// Hostile server text: colour (CSI), a window-title change (OSC), carriage
// returns, NUL, invalid UTF-8 and a right-to-left override.
const (
	csi      = "\x1b[31m"
	osc      = "\x1b]0;pwned\x07"
	rlo      = "\u202e"
	badUTF8  = "\xff\xfe"
	hostile1 = "220-" + csi + "Welcome" + osc + "\rFAKE: all good" + "\x00"
	hostile2 = "220 " + rlo + "txt.exe " + badUTF8 + " and a banner far too long to fit between the two lifelines of the diagram"
)

// hostileServer sends terminal escapes everywhere it can.
func hostileServer() *result.Result {
	subject := "CN=" + rlo + "moc.elpmaxe" + csi + ",O=Evil\x00Corp" + osc
	r := newResult("evil.example", 8.1, result.StatusCritical, "The server sent control characters and a certificate for another name; see the findings.")
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 2121, Address: "192.0.2.66:2121",
		Banner: []string{hostile1, hostile2}, AuthMechanism: "TLS",
		TLS: &result.TLSInfo{Version: "TLS 1.2", CipherSuite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Group: "X25519",
			ALPN: "ftp" + csi, SNISent: true, HandshakeMS: 3.3},
		Certificates: []result.Certificate{{
			Subject: subject, Issuer: subject, SANs: []string{"evil" + rlo + ".example", "\x1b[2J"},
			Serial: "00", NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			DaysLeft: 363, KeyType: "RSA", KeyBits: 2048, SignatureAlgorithm: "SHA256-RSA", SelfSigned: true,
			SHA256: "0000000000000000000000000000000000000000000000000000000000000000",
		}},
		Verification: &result.Verification{TimeValid: true,
			Error: "x509: certificate is valid for evil" + rlo + ".example, " + "\x1b[2J" + ", not evil.example"},
		RoundTrips: 4,
		Error:      "reading reply to PBSZ: malformed reply \"" + csi + "500 OOPS" + badUTF8 + "\"",
		Timeline: timeline(
			ev(0, result.FromNet, "connect 192.0.2.66:2121"),
			ev(0.4, result.FromNet, "TCP connected"),
			reply(1.0, hostile1, hostile2),
			exchange(1.1, 1.5, "AUTH TLS", "234 "+osc+"ok\r\n"),
			ev(1.6, result.FromTLS, "ClientHello sent (SNI evil.example, TLS 1.2-1.3)"),
			ev(4.9, result.FromTLS, "TLS 1.2 handshake done: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, X25519"),
			ev(4.9, result.FromTLS, "certificate "+subject),
			exchange(5.0, 5.6, "PBSZ 0", csi+"500 OOPS"+badUTF8),
			ev(5.7, result.FromNet, "connection reset by peer"),
		),
	}}
	r.Findings = []result.Finding{{
		ID: "cert-name-mismatch", Severity: result.SeverityCritical, Stage: "certificate", Mode: result.ModeExplicit, Port: 2121,
		Title:    "the certificate is not valid for the name clients connect to",
		Evidence: "subject " + subject + "\nSANs evil" + rlo + ".example, \x1b[2J",
		Remedy:   "Issue the certificate with this name in its subjectAltName (an IP address needs an IP SAN), or have clients connect by a name the certificate covers (--servername here).",
	}, {
		ID: "server-error-plaintext-inside-tls", Severity: result.SeverityCritical, Stage: "session", Mode: result.ModeExplicit, Port: 2121,
		Title:    "the server wrote plaintext into the TLS session (its session process failed)",
		Evidence: csi + "500 OOPS" + badUTF8 + "\r\n" + osc,
		Remedy:   "The plaintext shows the server's own error: fix it on the server.",
	}}
	return r
}

// nothingLearnt is a result with no attempts and no findings.
func nothingLearnt() *result.Result {
	r := newResult("ftp.example.com", 0, result.StatusUnknown, "Nothing was probed.")
	return r
}

// legacyVsftpd: an old vsftpd (ssl_sslv3=YES, ssl_tlsv1=YES on OpenSSL
// 1.0) audited with --scan: only SSL 3.0 and TLS 1.0, static RSA key
// exchange, 3DES and RC4, and a 1024-bit DHE group.
func legacyVsftpd() *result.Result {
	r := newResult("ftp.example.com", 1874.6, result.StatusCritical, "Explicit FTPS works on port 21, but only with TLS 1.0 and SSL 3.0, and the server accepts RC4.")
	leaf := exampleChain()[0]
	leaf.KeyType, leaf.SignatureAlgorithm = "RSA", "SHA256-RSA"
	leaf.KeyBits = 2048
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, Address: "192.0.2.21:21", OK: true,
		Server: "vsftpd", Banner: []string{"220 (vsFTPd 2.2.2)"}, AuthMechanism: "TLS",
		TLS: &result.TLSInfo{Version: "TLS 1.0", CipherSuite: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Group: "P-256",
			SNISent: true, HandshakeMS: 9.6},
		Certificates: []result.Certificate{leaf}, Verification: trustedVerification(),
		RoundTrips: 4,
		Timeline: timeline(
			ev(0, result.FromNet, "connect 192.0.2.21:21"),
			ev(2.1, result.FromNet, "TCP connected"),
			reply(4.4, "220 (vsFTPd 2.2.2)"),
			exchange(4.5, 6.7, "AUTH TLS", "234 Proceed with negotiation."),
			ev(6.8, result.FromTLS, "ClientHello sent (SNI ftp.example.com, TLS 1.0-1.3)"),
			ev(16.4, result.FromTLS, "TLS 1.0 handshake done: TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, P-256"),
			exchange(16.5, 18.7, "QUIT", "221 Goodbye."),
			ev(18.8, result.FromNet, "connection closed"),
		),
		TLSScan: legacyScan(),
	}}
	r.Findings = []result.Finding{
		scanFinding("tls13-unsupported", result.SeverityInfo, "the server does not offer TLS 1.3", "TLS 1.3: no ServerHello",
			"Allow TLS 1.3: it is faster (one round trip less per connection, and FTPS opens one per transfer) and drops every legacy cipher."),
		scanFinding("tls-sslv3-enabled", result.SeverityCritical, "the server accepts SSL 3.0 (POODLE)", "SSL 3.0: ServerHello with TLS_RSA_WITH_AES_128_CBC_SHA",
			"Set ssl_sslv3=NO."),
		scanFinding("tls-weak-cipher", result.SeverityCritical, "the server accepts weak or broken cipher suites (critical for NULL, anonymous, EXPORT, RC4, DES)",
			"TLS 1.0: TLS_RSA_WITH_RC4_128_SHA (insecure), TLS_RSA_WITH_3DES_EDE_CBC_SHA (weak)",
			"Set ssl_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20 (OpenSSL cipher string)."),
		scanFinding("tls-weak-dh", result.SeverityWarning, "the server's DHE group is smaller than 2048 bits (Logjam; critical under 1024)",
			"TLS 1.0: 1024-bit DH group", "Set dh_param_file to 2048-bit parameters (patched builds), or remove DHE from ssl_ciphers."),
	}
	return r
}

// scanFinding is a finding of the TLS scan on explicit port 21.
func scanFinding(id string, sev result.Severity, title, evidence, remedy string) result.Finding {
	return result.Finding{ID: id, Severity: sev, Stage: "tls", Mode: result.ModeExplicit, Port: 21,
		Title: title, Evidence: evidence, Remedy: remedy}
}

// suite is an accepted cipher suite.
func suite(code, name, kx string, bits int, strength string) result.Suite {
	return result.Suite{Code: code, Name: name, KeyExchange: kx, Bits: bits, Strength: strength}
}

// legacyScan: SSL 3.0 and TLS 1.0 with the server's own order; the groups
// are probed from TLS 1.2 on only.
func legacyScan() *result.TLSScan {
	rc4 := suite("0x0005", "TLS_RSA_WITH_RC4_128_SHA", "RSA", 128, "insecure")
	des3 := suite("0x000A", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", 112, "weak")
	aes := suite("0x002F", "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", 128, "weak")
	dhe := suite("0x0033", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE", 128, "weak")
	return &result.TLSScan{
		Versions: []result.VersionScan{
			{Version: "SSL 2.0"},
			{Version: "SSL 3.0", Accepted: true, Suites: []result.Suite{dhe, aes, des3, rc4}, ServerPreference: ptr(true), DHBits: 1024},
			{Version: "TLS 1.0", Accepted: true, Suites: []result.Suite{
				suite("0xC014", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE", 256, "acceptable"), dhe, aes, des3, rc4,
			}, ServerPreference: ptr(true), DHBits: 1024},
			{Version: "TLS 1.1"},
			{Version: "TLS 1.2"},
			{Version: "TLS 1.3"},
		},
		Connections: 131, MaxConns: 8, DurationMS: 1802.4,
	}
}

// modernProFTPD is pasvMismatch audited with --scan: TLS 1.2 with ECDHE
// suites only (in the client's order) and TLS 1.3 with a post-quantum
// hybrid group; the server's connection limit made the scan slow down
// twice and two probes failed.
func modernProFTPD() *result.Result {
	r := pasvMismatch()
	r.Attempts[0].TLSScan = &result.TLSScan{
		Versions: []result.VersionScan{
			{Version: "SSL 2.0"}, {Version: "SSL 3.0"}, {Version: "TLS 1.0"}, {Version: "TLS 1.1"},
			{Version: "TLS 1.2", Accepted: true, Suites: []result.Suite{
				suite("0xC02C", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE", 256, "strong"),
				suite("0xCCA9", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", 256, "strong"),
				suite("0xC02B", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE", 128, "strong"),
				suite("0xC024", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE", 256, "acceptable"),
			}, ServerPreference: ptr(false), Groups: []string{"x25519", "secp256r1"}},
			{Version: "TLS 1.3", Accepted: true, Suites: []result.Suite{
				suite("0x1302", "TLS_AES_256_GCM_SHA384", "any", 256, "strong"),
				suite("0x1303", "TLS_CHACHA20_POLY1305_SHA256", "any", 256, "strong"),
				suite("0x1301", "TLS_AES_128_GCM_SHA256", "any", 128, "strong"),
			}, ServerPreference: ptr(true), Groups: []string{"x25519", "secp256r1", "X25519MLKEM768"}},
		},
		Connections: 50, MaxConns: 2, Backoffs: 2, DurationMS: 2417.9,
		Errors: []string{
			"TLS 1.2, group ffdhe2048: read tcp 127.0.0.1:50122->127.0.0.1:21: connection reset by peer",
			"TLS 1.3, suite TLS_AES_128_CCM_SHA256: AUTH TLS: 421 Too many connections (2) from this IP",
		},
	}
	r.Findings = append(r.Findings, scanFinding("tls-no-server-preference", result.SeverityInfo,
		"the server takes the client's favourite cipher suite instead of its own", "TLS 1.2: the server follows the client's order",
		"Set TLSServerCipherPreference on."))
	return r
}
