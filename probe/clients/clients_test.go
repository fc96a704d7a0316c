package clients

import (
	"slices"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

func ptr[T any](v T) *T { return &v }

// healthy is explicit FTPS on port 21 with a TLS 1.3 listing that resumed,
// a server that does not require reuse and accepts a data handshake
// started before LIST.
func healthy() *result.Result {
	return &result.Result{Attempts: []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, OK: true,
		TLS:   &result.TLSInfo{Version: "TLS 1.3", SessionTicket: true, Resumable: ptr(true)},
		Login: &result.Login{OK: true},
		DataChannel: &result.DataChannel{Attempted: true, OK: true, PassiveCommand: "EPSV",
			TLS: &result.TLSInfo{Version: "TLS 1.3", Resumed: true}},
		Policy: &result.Policy{SessionReuseRequired: ptr(false), DataTLSBeforeCommand: ptr(true)},
	}}, Findings: []result.Finding{}}
}

// with adds findings of the explicit attempt.
func with(r *result.Result, causes ...cause.ID) *result.Result {
	for _, c := range causes {
		r.Findings = append(r.Findings, result.Finding{ID: c.String(), Severity: result.SeverityWarning, Mode: result.ModeExplicit, Port: 21})
	}
	return r
}

func tls12(r *result.Result) *result.Result {
	a := &r.Attempts[0]
	a.TLS = &result.TLSInfo{Version: "TLS 1.2", Resumable: ptr(true)} // by session ID
	a.DataChannel.TLS = &result.TLSInfo{Version: "TLS 1.2", Resumed: true}
	return r
}

func ems(r *result.Result, v bool) *result.Result {
	r.Attempts[0].Policy.ExtendedMasterSecret = &v
	return r
}

func reuse(r *result.Result, v *bool) *result.Result {
	r.Attempts[0].Policy.SessionReuseRequired = v
	return r
}

func legacy(r *result.Result) *result.Result {
	r.Attempts[0].TLS = &result.TLSInfo{Version: "TLS 1.0", Resumable: ptr(true)}
	r.Attempts[0].DataChannel.TLS = &result.TLSInfo{Version: "TLS 1.0", Resumed: true}
	return with(r, cause.TLSLegacyVersion)
}

// pasv makes the listing use PASV, whose 227 named addr while the control
// connection went to peer.
func pasv(r *result.Result, addr, peer string) *result.Result {
	r.Attempts[0].Address = peer
	dc := r.Attempts[0].DataChannel
	dc.PassiveCommand, dc.AdvertisedAddress = "PASV", addr
	return with(r, cause.PASVAddressMismatch)
}

// limited records the limit check's measure: n sessions at once.
func limited(r *result.Result, n int) *result.Result {
	r.Attempts[0].ConnLimit = &result.ConnLimit{MaxSessions: n, Evidence: "421 There are too many connections from your internet address."}
	return with(r, cause.ConnectionLimitLow)
}

func loginFailed() *result.Result {
	r := healthy()
	a := &r.Attempts[0]
	a.Login = &result.Login{OK: false, Reply: "530 Login incorrect."}
	a.DataChannel = &result.DataChannel{Attempted: false, NotAttempted: "login failed"}
	a.Policy = nil
	r.Findings = append(r.Findings, result.Finding{ID: cause.LoginFailed.String(), Severity: result.SeverityCritical, Mode: result.ModeExplicit, Port: 21})
	return r
}

func onlyImplicit() *result.Result {
	r := healthy()
	r.Attempts[0].Mode, r.Attempts[0].Port = result.ModeImplicit, 990
	r.Attempts = append(r.Attempts, result.Attempt{Mode: result.ModeExplicit, Port: 21, OK: false})
	r.Findings = append(r.Findings, result.Finding{ID: cause.PortClosed.String(), Severity: result.SeverityInfo, Mode: result.ModeExplicit, Port: 21})
	return r
}

func dataFailure(id cause.ID) *result.Result {
	r := healthy()
	dc := r.Attempts[0].DataChannel
	dc.OK, dc.TLS = false, nil
	return with(r, id)
}

// TestRules exercises each rule of the table: the result that triggers it
// and the verdict it gives the families it belongs to.
func TestRules(t *testing.T) {
	type want struct {
		verdict string
		reason  string // must be among the reasons ("" for none): a finding id or a measured fact
	}
	tests := []struct {
		name string
		r    *result.Result
		want map[string]want // families not named must work
	}{
		{"healthy server: everyone works", healthy(), nil},
		{"meetsAuthRace: a ClientHello at once after 234 was read as a command", with(healthy(), cause.AuthTLSRace), map[string]want{
			"filezilla": {Unknown, "auth-tls-race"}, "winscp": {Unknown, "auth-tls-race"}, "curl": {AtRisk, "auth-tls-race"},
			"python-ftplib": {AtRisk, "auth-tls-race"}, "go": {AtRisk, "auth-tls-race"},
			"java": {AtRisk, "auth-tls-race"}, "dotnet": {Unknown, "auth-tls-race"},
			"node": {Unknown, "auth-tls-race"}, "php": {Unknown, "auth-tls-race"}}},
		{"dataNotTested: login failed makes everything unknown", loginFailed(), map[string]want{
			"filezilla": {Unknown, "login-failed"}, "winscp": {Unknown, "login-failed"}, "curl": {Unknown, "login-failed"},
			"lftp": {Unknown, "login-failed"}, "python-ftplib": {Unknown, "login-failed"}, "go": {Unknown, "login-failed"},
			"java": {Unknown, "login-failed"}, "dotnet": {Unknown, "login-failed"},
			"node": {Unknown, "login-failed"}, "php": {Unknown, "login-failed"}}},
		{"dataNotTested loses to a control-level failure", with(loginFailed(), cause.CertWeakKey), map[string]want{
			"filezilla": {Unknown, "cert-weak-key"}, "winscp": {Unknown, "cert-weak-key"}, "curl": {Fails, "cert-weak-key"},
			"lftp": {Unknown, "login-failed"}, "python-ftplib": {Fails, "cert-weak-key"}, "go": {Unknown, "login-failed"},
			"java": {Unknown, "login-failed"}, "dotnet": {Unknown, "cert-weak-key"},
			"node": {Unknown, "login-failed"}, "php": {AtRisk, "cert-weak-key"}}},
		{"opensAtOnce: 2 sessions at once are too few for parallel transfers", limited(healthy(), 2), map[string]want{
			"filezilla": {AtRisk, "connection-limit-low"}, "winscp": {AtRisk, "connection-limit-low"},
			"lftp": {AtRisk, "connection-limit-low"}, "go": {AtRisk, "connection-limit-low"}}},
		{"opensAtOnce: 3 sessions are enough for FileZilla and WinSCP", limited(healthy(), 3), map[string]want{
			"lftp": {AtRisk, "connection-limit-low"}, "go": {AtRisk, "connection-limit-low"}}},
		{"dataFailed: a filtered data port fails everyone", dataFailure(cause.DataConnectTimeout), map[string]want{
			"filezilla": {Fails, "data-connect-timeout"}, "winscp": {Fails, "data-connect-timeout"}, "curl": {Fails, "data-connect-timeout"},
			"lftp": {Fails, "data-connect-timeout"}, "python-ftplib": {Fails, "data-connect-timeout"}, "go": {Fails, "data-connect-timeout"},
			"java": {Fails, "data-connect-timeout"}, "dotnet": {Fails, "data-connect-timeout"},
			"node": {Fails, "data-connect-timeout"}, "php": {Fails, "data-connect-timeout"}}},
		{"verifies / asksUser / java dates-only trust: self-signed", with(healthy(), cause.CertSelfSigned), map[string]want{
			"filezilla": {AtRisk, "cert-self-signed"}, "winscp": {AtRisk, "cert-self-signed"}, "curl": {Fails, "cert-self-signed"},
			"lftp": {Fails, "cert-self-signed"}, "python-ftplib": {Fails, "cert-self-signed"}, "go": {Fails, "cert-self-signed"},
			"java": {AtRisk, "cert-self-signed"}, "dotnet": {Fails, "cert-self-signed"},
			"node": {Fails, "cert-self-signed"}, "php": {AtRisk, reasonNoVerification}}},
		{"java checks dates: expired", with(healthy(), cause.CertExpired), map[string]want{
			"filezilla": {AtRisk, "cert-expired"}, "winscp": {AtRisk, "cert-expired"}, "curl": {Fails, "cert-expired"},
			"lftp": {Fails, "cert-expired"}, "python-ftplib": {Fails, "cert-expired"}, "go": {Fails, "cert-expired"},
			"java": {Fails, "cert-expired"}, "dotnet": {Fails, "cert-expired"},
			"node": {Fails, "cert-expired"}, "php": {AtRisk, "cert-expired"}}},
		{"refusesSHA1 / sha1Unknown: Java accepts SHA-1 from a private CA", with(healthy(), cause.CertWeakSignature), map[string]want{
			"filezilla": {Unknown, "cert-weak-signature"}, "winscp": {Unknown, "cert-weak-signature"}, "curl": {Fails, "cert-weak-signature"},
			"lftp": {Fails, "cert-weak-signature"}, "python-ftplib": {Fails, "cert-weak-signature"}, "go": {Fails, "cert-weak-signature"},
			"dotnet": {Unknown, "cert-weak-signature"}, "node": {Fails, "cert-weak-signature"}, "php": {AtRisk, "cert-weak-signature"}}},
		{"refusesWeakKey: Go, lftp, Java and Node accept RSA-1024", with(healthy(), cause.CertWeakKey), map[string]want{
			"filezilla": {Unknown, "cert-weak-key"}, "winscp": {Unknown, "cert-weak-key"}, "curl": {Fails, "cert-weak-key"},
			"python-ftplib": {Fails, "cert-weak-key"}, "dotnet": {Unknown, "cert-weak-key"}, "php": {AtRisk, "cert-weak-key"}}},
		{"Go: no SAN", with(healthy(), cause.CertNoSAN), map[string]want{"go": {Fails, "cert-no-san"}, "php": {AtRisk, "cert-no-san"}}},
		{"AUTH answered 200: Commons Net and Go require 234, curl, lftp and ftplib go on", with(healthy(), cause.AuthNonstandardSuccess), map[string]want{
			"filezilla": {Unknown, "auth-nonstandard-success"}, "winscp": {Unknown, "auth-nonstandard-success"},
			"go": {Fails, "auth-nonstandard-success"}, "java": {Fails, "auth-nonstandard-success"}, "dotnet": {Unknown, "auth-nonstandard-success"},
			"php": {Fails, "auth-nonstandard-success"}}},
		{"dotnet: TLS 1.3 only", with(healthy(), cause.TLS12Refused), map[string]want{"dotnet": {AtRisk, "tls12-refused"}}},
		{"Go: negative serial", with(healthy(), cause.CertNegativeSerial), map[string]want{"go": {Fails, "cert-negative-serial"}}},
		{"waitsFor150 / momentUnknown: 150 only after the data handshake", with(healthy(), cause.Data150AfterTLS), map[string]want{
			"lftp": {Fails, "data-150-after-tls"}, "python-ftplib": {Fails, "data-150-after-tls"}, "go": {Fails, "data-150-after-tls"},
			"java": {Fails, "data-150-after-tls"}, "php": {Fails, "data-150-after-tls"},
			"filezilla": {Unknown, "data-150-after-tls"}, "winscp": {Unknown, "data-150-after-tls"}, "dotnet": {Unknown, "data-150-after-tls"}}},
		{"sendsPASV: PASV refused, EPSV works", with(healthy(), cause.PASVRefusedEPSVWorks), map[string]want{
			"lftp": {Fails, "pasv-refused-epsv-works"}, "python-ftplib": {Fails, "pasv-refused-epsv-works"},
			"java": {Fails, "pasv-refused-epsv-works"}, "dotnet": {Fails, "pasv-refused-epsv-works"}, "php": {Fails, "pasv-refused-epsv-works"}}},
		{"java: a reply without text", with(healthy(), cause.ReplyTextMissing), map[string]want{"java": {Fails, "reply-text-missing"}}},
		{"Go: a HelloRetryRequest before a resumable TLS 1.3 session", func() *result.Result {
			r := healthy()
			r.Attempts[0].TLS.HelloRetry = ptr(true)
			return r
		}(), map[string]want{"go": {AtRisk, reasonHelloRetry}}},
		{"Go: a HelloRetryRequest and no ticket to resume (Pure-FTPd)", func() *result.Result {
			r := healthy()
			r.Attempts[0].TLS = &result.TLSInfo{Version: "TLS 1.3", HelloRetry: ptr(true), Resumable: ptr(false)}
			r.Attempts[0].DataChannel.TLS.Resumed = false
			return r
		}(), map[string]want{"php": {Fails, reasonNoSession}}},
		{"refusesLegacy and its relatives: TLS 1.0 only", legacy(healthy()), map[string]want{
			"filezilla": {Unknown, "tls-legacy-version"}, "winscp": {Unknown, "tls-legacy-version"}, "curl": {Fails, "tls-legacy-version"},
			"lftp": {AtRisk, "tls-legacy-version"}, "python-ftplib": {Fails, "tls-legacy-version"}, "go": {Fails, "tls-legacy-version"},
			"java": {Fails, "tls-legacy-version"}, "dotnet": {AtRisk, "tls-legacy-version"},
			"node": {Fails, "tls-legacy-version"}, "php": {Fails, "tls-legacy-version"}}},
		{"a scan that saw TLS 1.2 overrides a legacy handshake", func() *result.Result {
			r := healthy()
			r.Attempts[0].TLSScan = &result.TLSScan{Versions: []result.VersionScan{{Version: "TLS 1.0", Accepted: true}, {Version: "TLS 1.2", Accepted: true}}}
			return r
		}(), nil},
		{"a scan with only TLS 1.1 is legacy", func() *result.Result {
			r := healthy()
			r.Attempts[0].TLSScan = &result.TLSScan{Versions: []result.VersionScan{{Version: "TLS 1.1", Accepted: true}, {Version: "TLS 1.2"}}}
			return r
		}(), map[string]want{
			"filezilla": {Unknown, "tls-legacy-version"}, "winscp": {Unknown, "tls-legacy-version"}, "curl": {Fails, "tls-legacy-version"},
			"lftp": {AtRisk, "tls-legacy-version"}, "python-ftplib": {Fails, "tls-legacy-version"}, "go": {Fails, "tls-legacy-version"},
			"java": {Fails, "tls-legacy-version"}, "dotnet": {AtRisk, "tls-legacy-version"},
			"node": {Fails, "tls-legacy-version"}, "php": {Fails, "tls-legacy-version"}}},
		{"neverResumes / java host:port cache: reuse required at TLS 1.3", with(reuse(healthy(), ptr(true)), cause.DataSessionReuseRequired), map[string]want{
			"python-ftplib": {Fails, "data-session-reuse-required"}, "java": {Fails, "data-session-reuse-required"}}},
		{"dotnet EMS unmeasured: reuse required at TLS 1.2", with(reuse(tls12(healthy()), ptr(true)), cause.DataSessionReuseRequired), map[string]want{
			"python-ftplib": {Fails, "data-session-reuse-required"}, "java": {Fails, "data-session-reuse-required"},
			"dotnet": {Unknown, "extended-master-secret-not-measured"}}},
		{"dotnet: EMS missing, reuse required, TLS 1.2 only", with(ems(reuse(tls12(healthy()), ptr(true)), false), cause.DataSessionReuseRequired, cause.ResumptionEMSMismatch), map[string]want{
			"python-ftplib": {Fails, "data-session-reuse-required"}, "java": {Fails, "data-session-reuse-required"},
			"dotnet": {Fails, "resumption-ems-mismatch"}}},
		{"dotnet: EMS missing at TLS 1.2, but TLS 1.3 works", with(ems(reuse(healthy(), ptr(true)), false), cause.DataSessionReuseRequired, cause.ResumptionEMSMismatch), map[string]want{
			"python-ftplib": {Fails, "data-session-reuse-required"}, "java": {Fails, "data-session-reuse-required"},
			"dotnet": {AtRisk, "resumption-ems-mismatch"}}},
		{"dotnet: EMS present, reuse required at TLS 1.2", with(ems(reuse(tls12(healthy()), ptr(true)), true), cause.DataSessionReuseRequired), map[string]want{
			"python-ftplib": {Fails, "data-session-reuse-required"}, "java": {Fails, "data-session-reuse-required"}}},
		{"curl: data TLS before LIST reset", func() *result.Result {
			r := healthy()
			r.Attempts[0].Policy.DataTLSBeforeCommand = ptr(false)
			return with(r, cause.DataTLSEarlyRefused)
		}(), map[string]want{"curl": {Fails, "data-tls-early-refused"}, "node": {Fails, "data-tls-early-refused"}}},
		{"curl: data TLS before LIST not measured", func() *result.Result {
			r := healthy()
			r.Attempts[0].Policy.DataTLSBeforeCommand = nil
			return r
		}(), map[string]want{"curl": {Unknown, reasonEarlyUnknown}, "node": {Unknown, reasonEarlyUnknown}}},
		{"laterTransferFailed: the third listing failed (one listing works for all)", with(healthy(), cause.TLS13TicketLifecycle), map[string]want{
			"filezilla": {AtRisk, "tls13-ticket-lifecycle"}, "winscp": {AtRisk, "tls13-ticket-lifecycle"}, "curl": {AtRisk, "tls13-ticket-lifecycle"},
			"lftp": {AtRisk, "tls13-ticket-lifecycle"}, "python-ftplib": {AtRisk, "tls13-ticket-lifecycle"}, "go": {AtRisk, "tls13-ticket-lifecycle"},
			"java": {AtRisk, "tls13-ticket-lifecycle"}, "dotnet": {AtRisk, "tls13-ticket-lifecycle"},
			"node": {AtRisk, "tls13-ticket-lifecycle"}, "php": {AtRisk, "tls13-ticket-lifecycle"}}},
		{"FileZilla: data connections never resume", with(healthy(), cause.DataResumptionUnsupported), map[string]want{
			"filezilla": {AtRisk, "data-resumption-unsupported"}}},
		{"reuseUnmeasured: no policy, listing resumed", reuse(healthy(), nil), map[string]want{
			"python-ftplib": {Unknown, reasonReuseUnknown}, "java": {Unknown, reasonReuseUnknown}}},
		{"a listing that worked without resuming shows reuse is not required", func() *result.Result {
			r := tls12(reuse(healthy(), nil))
			r.Attempts[0].DataChannel.TLS.Resumed = false
			return r
		}(), nil},
		{"Go: TLS 1.2 without tickets, reuse unmeasured", reuse(tls12(healthy()), nil), map[string]want{
			"python-ftplib": {Unknown, reasonReuseUnknown}, "java": {Unknown, reasonReuseUnknown},
			"go": {Unknown, reasonReuseUnknown}, "dotnet": {Unknown, "extended-master-secret-not-measured"}}},
		{"Go: session-id-only resumption (its data failure is Go's alone)", func() *result.Result {
			r := tls12(reuse(healthy(), ptr(true)))
			dc := r.Attempts[0].DataChannel
			dc.OK, dc.TLS.Resumed = false, false
			return with(r, cause.ResumptionSessionIDOnly, cause.DataTLSFailed, cause.DataSessionReuseRequired)
		}(), map[string]want{
			"go": {Fails, "resumption-session-id-only"}, "python-ftplib": {Fails, "data-session-reuse-required"},
			"java": {Fails, "data-session-reuse-required"}, "dotnet": {Unknown, "extended-master-secret-not-measured"}}},
		// pasvRules: who replaces the 227's address depends on it and on
		// the server's own address. curl, ftplib, Commons Net and .NET ignore it.
		{"pasvRules: a private PASV address behind NAT (public server)", pasv(healthy(), "10.0.0.5:50000", "203.0.113.1:21"), map[string]want{
			"filezilla": {AtRisk, "pasv-address-mismatch"}, "winscp": {AtRisk, "pasv-address-mismatch"},
			"lftp": {AtRisk, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {Fails, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"pasvRules: another routable PASV address", pasv(healthy(), "203.0.113.9:50000", "203.0.113.1:21"), map[string]want{
			"filezilla": {Fails, "pasv-address-mismatch"}, "winscp": {Unknown, "pasv-address-mismatch"},
			"lftp": {Fails, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {Fails, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"pasvRules: a private PASV address seen from the server itself (loopback)", pasv(healthy(), "192.168.1.20:50000", "127.0.0.1:21"), map[string]want{
			"filezilla": {Fails, "pasv-address-mismatch"}, "winscp": {Unknown, "pasv-address-mismatch"},
			"lftp": {AtRisk, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {Fails, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"pasvRules: another private address on the same LAN", pasv(healthy(), "10.0.0.5:50000", "192.168.1.5:21"), map[string]want{
			"filezilla": {Fails, "pasv-address-mismatch"}, "winscp": {Unknown, "pasv-address-mismatch"},
			"lftp": {Fails, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {Fails, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		// lftp's loopback is 127.0.0.1 alone.
		{"pasvRules: loopback server, another loopback address", pasv(healthy(), "127.0.0.2:50000", "127.0.0.1:21"), map[string]want{
			"filezilla": {Fails, "pasv-address-mismatch"}, "winscp": {Unknown, "pasv-address-mismatch"},
			"lftp": {AtRisk, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {AtRisk, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"pasvRules: server on 127.0.0.2, the 227 names 127.0.0.3", pasv(healthy(), "127.0.0.3:50000", "127.0.0.2:21"), map[string]want{
			"filezilla": {Fails, "pasv-address-mismatch"}, "winscp": {Unknown, "pasv-address-mismatch"},
			"lftp": {Fails, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {AtRisk, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		// jlaffaye/ftp compares the 227 with the host it dialled only when
		// that is an address (the fixtures above have a name).
		{"pasvRules: Go dialled by address, a private PASV address behind NAT", func() *result.Result {
			r := pasv(healthy(), "10.0.0.5:50000", "203.0.113.1:21")
			r.Host = "203.0.113.1"
			return r
		}(), map[string]want{
			"filezilla": {AtRisk, "pasv-address-mismatch"}, "winscp": {AtRisk, "pasv-address-mismatch"},
			"lftp": {AtRisk, "pasv-address-mismatch"}, "go": {AtRisk, "pasv-address-mismatch"},
			"node": {Fails, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"pasvRules: Go dialled 127.0.0.1, the 227 names 127.0.0.2 (both loopback for Go)", func() *result.Result {
			r := pasv(healthy(), "127.0.0.2:50000", "127.0.0.1:21")
			r.Host = "127.0.0.1"
			return r
		}(), map[string]want{
			"filezilla": {Fails, "pasv-address-mismatch"}, "winscp": {Unknown, "pasv-address-mismatch"},
			"lftp": {AtRisk, "pasv-address-mismatch"}, "go": {Fails, "pasv-address-mismatch"},
			"node": {AtRisk, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"pasvRules: Go clients try EPSV first, and EPSV worked", func() *result.Result {
			r := pasv(healthy(), "10.0.0.5:50000", "203.0.113.1:21")
			r.Attempts[0].DataChannel.PassiveCommand = "EPSV"
			return r
		}(), map[string]want{
			"filezilla": {AtRisk, "pasv-address-mismatch"}, "winscp": {AtRisk, "pasv-address-mismatch"},
			"lftp": {AtRisk, "pasv-address-mismatch"}, "php": {Fails, "pasv-address-mismatch"}}},
		{"FileZilla and PHP: no close_notify (the others measured: they list)", with(healthy(), cause.NoCloseNotify), map[string]want{
			"filezilla": {Fails, "no-close-notify"}, "php": {Fails, "no-close-notify"}}},
		{"only implicit works: ftplib and .NET cannot use it", onlyImplicit(), map[string]want{
			"python-ftplib": {Fails, reasonOnlyImplicit}, "dotnet": {Fails, reasonOnlyImplicit}, "php": {Fails, reasonOnlyImplicit}}},
		{"no attempt reached TLS: everyone fails with the critical findings", &result.Result{
			Attempts: []result.Attempt{{Mode: result.ModeExplicit, Port: 21}},
			Findings: []result.Finding{{ID: cause.PortClosed.String(), Severity: result.SeverityCritical, Mode: result.ModeExplicit, Port: 21}},
		}, map[string]want{
			"filezilla": {Fails, "port-closed"}, "winscp": {Fails, "port-closed"}, "curl": {Fails, "port-closed"},
			"lftp": {Fails, "port-closed"}, "python-ftplib": {Fails, "port-closed"}, "go": {Fails, "port-closed"},
			"java": {Fails, "port-closed"}, "dotnet": {Fails, "port-closed"}, "node": {Fails, "port-closed"}, "php": {Fails, "port-closed"}}},
		{"no shared cipher: Go fails, the others may offer the suite", &result.Result{
			Attempts: []result.Attempt{{Mode: result.ModeExplicit, Port: 21}},
			Findings: []result.Finding{{ID: cause.TLSNoSharedCipher.String(), Severity: result.SeverityCritical, Mode: result.ModeExplicit, Port: 21}},
		}, map[string]want{
			"filezilla": {Unknown, "tls-no-shared-cipher"}, "winscp": {Unknown, "tls-no-shared-cipher"}, "curl": {Unknown, "tls-no-shared-cipher"},
			"lftp": {Unknown, "tls-no-shared-cipher"}, "python-ftplib": {Unknown, "tls-no-shared-cipher"}, "go": {Fails, "tls-no-shared-cipher"},
			"java": {Unknown, "tls-no-shared-cipher"}, "dotnet": {Unknown, "tls-no-shared-cipher"},
			"node": {Unknown, "tls-no-shared-cipher"}, "php": {Unknown, "tls-no-shared-cipher"}}},
		{"EPSV's port blocked, PASV's works", with(healthy(), cause.EPSVPortBlocked), map[string]want{
			"filezilla": {Unknown, "epsv-port-blocked"}, "winscp": {Unknown, "epsv-port-blocked"}, "curl": {AtRisk, "epsv-port-blocked"},
			"go": {Fails, "epsv-port-blocked"}, "dotnet": {Unknown, "epsv-port-blocked"}, "node": {AtRisk, "epsv-port-blocked"}}},
		{"ignored findings still count", func() *result.Result {
			r := healthy()
			r.Ignored = []result.Finding{{ID: cause.CertWeakKey.String(), Mode: result.ModeExplicit, Port: 21}}
			return r
		}(), map[string]want{
			"filezilla": {Unknown, "cert-weak-key"}, "winscp": {Unknown, "cert-weak-key"}, "curl": {Fails, "cert-weak-key"},
			"python-ftplib": {Fails, "cert-weak-key"}, "dotnet": {Unknown, "cert-weak-key"}, "php": {AtRisk, "cert-weak-key"}}},
		{"PHP: no session to resume (no ticket, no session ID)", func() *result.Result {
			r := healthy()
			r.Attempts[0].TLS.SessionTicket, r.Attempts[0].TLS.Resumable = false, ptr(false)
			r.Attempts[0].DataChannel.TLS.Resumed = false
			return r
		}(), map[string]want{"php": {Fails, reasonNoSession}}},
		{"PHP: whether a session was left is not recorded", func() *result.Result {
			r := healthy()
			r.Attempts[0].TLS.Resumable = nil
			return r
		}(), map[string]want{"php": {Unknown, reasonResumableUnknown}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Verdicts(tc.r)
			if fams := clientIDs(got); !slices.Equal(fams, Families()) {
				t.Fatalf("families = %q, want %q", fams, Families())
			}
			for _, v := range got {
				w, ok := tc.want[v.Client]
				if !ok {
					w = want{verdict: Works}
				}
				if w.reason != "" && !isReason(w.reason) {
					t.Fatalf("%s: the test wants %q, neither a finding id nor a measured fact", v.Client, w.reason)
				}
				for _, r := range v.Reasons {
					if !isReason(r) {
						t.Errorf("%s: reason %q is neither a finding id nor a measured fact", v.Client, r)
					}
				}
				if v.Verdict != w.verdict || (w.reason != "" && !slices.Contains(v.Reasons, w.reason)) {
					t.Errorf("%s = %s %q (%s), want %s with %q", v.Client, v.Verdict, v.Reasons, v.Detail, w.verdict, w.reason)
				}
				if v.Detail == "" || v.Reasons == nil {
					t.Errorf("%s: empty detail or nil reasons: %+v", v.Client, v)
				}
			}
		})
	}
}

// measuredFacts are the reasons that are no finding ids.
var measuredFacts = []string{reasonOnlyImplicit, reasonDataUntested, reasonDataFailed, reasonReuseUnknown, reasonEarlyUnknown, reasonEMSUnknown, reasonHelloRetry, reasonNoVerification, reasonNoSession, reasonResumableUnknown}

// isReason reports whether r may be a verdict's reason: a cause ftpsdiag
// reports, or a measured fact.
func isReason(r string) bool {
	return cause.Known(r) || slices.Contains(measuredFacts, r)
}

func clientIDs(vs []result.ClientVerdict) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Client)
	}
	return out
}

// TestFamilyOrder pins the ids and order the issue names.
func TestFamilyOrder(t *testing.T) {
	want := []string{"filezilla", "winscp", "curl", "lftp", "python-ftplib", "go", "java", "dotnet", "node", "php"}
	if got := Families(); !slices.Equal(got, want) {
		t.Errorf("Families() = %q, want %q", got, want)
	}
}

// TestRulesHaveBasis: every rule states its basis, verdict and detail.
func TestRulesHaveBasis(t *testing.T) {
	for _, fam := range families {
		for i, ru := range append([]rule{dataNotTested, dataFailed}, fam.rules...) {
			if ru.basis == "" || ru.when == nil || rank(ru.verdict) == 0 || (ru.detail == "" && ru.detailOf == nil) {
				t.Errorf("%s rule %d: missing basis, condition, verdict or detail", fam.id, i)
			}
		}
	}
}
