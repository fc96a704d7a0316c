package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// Data-channel behaviour the real servers will not show on demand, on the
// fake server.

func TestDataChannelHealthy(t *testing.T) {
	srv := goodServer(t, false)
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, strictInfo...)
	dc := r.Attempts[0].DataChannel
	if !dc.OK || dc.PassiveCommand != "EPSV" || dc.ListCommand != "LIST" || dc.TLS == nil || !dc.TLS.Resumed ||
		dc.SameCertificate == nil || !*dc.SameCertificate || dc.ListingLines != 2 || dc.CloseNotify == nil || !*dc.CloseNotify {
		t.Errorf("data channel = %+v, tls %+v", dc, dc.TLS)
	}
	if !strings.HasPrefix(dc.UsedAddress, "127.0.0.1:") || dc.TransferReply != "226 Transfer complete." {
		t.Errorf("used %q, final %q", dc.UsedAddress, dc.TransferReply)
	}
	// EPSV names no address; the clear-data audit's PASV, which named the
	// server's own, must not be shown as this channel's (it would differ
	// in port from the address used).
	if dc.AdvertisedAddress != "" {
		t.Errorf("advertised %q for an EPSV channel whose PASV address is the server's", dc.AdvertisedAddress)
	}
	p := r.Attempts[0].Policy
	if *p.SessionReuseRequired || *p.ClearDataAllowed || *p.CleartextLoginAllowed || !*p.PBSZRequired {
		t.Errorf("policy = %+v", p)
	}
	if p.DataTLSBeforeCommand == nil || !*p.DataTLSBeforeCommand || !strings.Contains(p.DataTLSBeforeEvidence, "before LIST worked: 226") {
		t.Errorf("data TLS before LIST: %v, %q", p.DataTLSBeforeCommand, p.DataTLSBeforeEvidence)
	}
	// The control handshake is TLS 1.3: EMS is measured at TLS 1.2 on an
	// audit connection (crypto/tls servers negotiate it).
	if p.ExtendedMasterSecret == nil || !*p.ExtendedMasterSecret || !strings.Contains(p.EMSEvidence, "extended_master_secret negotiated") {
		t.Errorf("EMS: %v, %q", p.ExtendedMasterSecret, p.EMSEvidence)
	}
	// reuse, clear data, early data TLS, data TLS after 150, cleartext login, EMS
	if len(r.Attempts[0].Audits) != 6 {
		t.Errorf("audits = %d, want 6", len(r.Attempts[0].Audits))
	}
	var data int
	for _, e := range r.Attempts[0].Timeline {
		if e.Conn == "data" {
			data++
		}
		if strings.Contains(e.Text, "ftpsdiag@example.com") {
			t.Errorf("the anonymous password reached the timeline: %q", e.Text)
		}
	}
	if data < 5 {
		t.Errorf("only %d data-connection events on the timeline", data)
	}
}

// noTickets is a server config that neither issues nor accepts session
// tickets: served on data connections only, they never resume.
func noTickets(cert tls.Certificate) *tls.Config {
	c := ftpstest.NewTLSConfig(cert)
	c.SessionTicketsDisabled = true
	return c
}

func TestDataChannelFindings(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	idOnly := ftpstest.NewTLSConfig(cert)
	idOnly.MaxVersion, idOnly.SessionTicketsDisabled = tls.VersionTLS12, true
	tests := []struct {
		name     string
		cfg      ftpstest.Config
		user     string
		want     []string
		evidence string // in the first finding
		check    func(t *testing.T, a result.Attempt)
	}{
		{name: "anonymous refused", cfg: ftpstest.Config{DenyAnonymous: true},
			want: []string{info(cause.LoginFailed)}, evidence: "USER anonymous: 530",
			check: func(t *testing.T, a result.Attempt) {
				if a.DataChannel.Attempted || !strings.HasPrefix(a.DataChannel.NotAttempted, "login failed: 530") || a.Policy != nil && a.Policy.SessionReuseRequired != nil {
					t.Errorf("data channel = %+v policy %+v", a.DataChannel, a.Policy)
				}
			}},
		{name: "named user refused", cfg: ftpstest.Config{Users: map[string]string{"alice": "right"}}, user: "alice",
			want: []string{critical(cause.LoginFailed)}, evidence: "USER alice: 530 Login incorrect."},
		{name: "named user", cfg: ftpstest.Config{Users: map[string]string{"alice": "s3cret"}, DenyAnonymous: true}, user: "alice",
			want: strictInfo},
		{name: "clear data and clear login allowed", cfg: ftpstest.Config{ClearDataRefusal: allow, ClearLoginRefusal: allow},
			// Anonymous in clear: no secret crosses the network, info.
			want: []string{warning(cause.DataClearAllowed), info(cause.ProtWithoutPBSZRefused), info(cause.CleartextLoginAllowed)}, evidence: "an unprotected LIST completed: 226"},
		{name: "PASV refused, EPSV works", cfg: ftpstest.Config{Replies: map[string]string{"PASV": "502 Command not implemented."}},
			want: strict(warning(cause.PASVRefusedEPSVWorks)), evidence: "an audit connection's PASV: 502 Command not implemented.; EPSV was answered"},
		{name: "PASV refused for a while is no refusal", cfg: ftpstest.Config{Replies: map[string]string{"PASV": "425 No free port."}},
			want: strictInfo},
		{name: "reply text missing", cfg: ftpstest.Config{Replies: map[string]string{"PBSZ 0": "200 ", "PROT P": "200"}},
			want: strict(warning(cause.ReplyTextMissing)), evidence: `PBSZ 0: "200 "`},
		{name: "session reuse required", cfg: ftpstest.Config{ReuseRefusal: ftpstest.VsftpdReuseRefusal},
			want: []string{info(cause.DataSessionReuseRequired), info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired)}, evidence: "session reuse required"},
		{name: "resumption by session ID only", cfg: ftpstest.Config{TLS: idOnly, ReuseRefusal: ftpstest.ProFTPDReuseRefusal},
			want: []string{warning(cause.ResumptionSessionIDOnly), info(cause.ProtWithoutPBSZRefused)}, evidence: "issued no session ticket",
			check: func(t *testing.T, a result.Attempt) {
				// TLS 1.2 on the control connection: EMS is read from it.
				if p := a.Policy; p == nil || p.ExtendedMasterSecret == nil || !*p.ExtendedMasterSecret || !strings.HasPrefix(p.EMSEvidence, "the control handshake") {
					t.Errorf("policy = %+v", p)
				}
			}},
		{name: "PASV behind NAT", cfg: ftpstest.Config{PassiveHost: "10.0.0.5", Replies: map[string]string{"EPSV": "502 EPSV not implemented."}},
			want: []string{warning(cause.PASVAddressMismatch), info(cause.EPSVUnsupported), info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired)}, evidence: "227 advertised 10.0.0.5:",
			check: func(t *testing.T, a result.Attempt) {
				dc := a.DataChannel
				if !dc.OK || dc.PassiveCommand != "PASV" || !strings.HasPrefix(dc.AdvertisedAddress, "10.0.0.5:") || !strings.HasPrefix(dc.UsedAddress, "127.0.0.1:") {
					t.Errorf("data channel = %+v", dc)
				}
			}},
		{name: "522 to EPSV is not a TLS failure", cfg: ftpstest.Config{Replies: map[string]string{"EPSV": "522 Network protocol not supported, use (1)"}},
			want: []string{info(cause.EPSVUnsupported), info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired)}, evidence: "RFC 2428"},
		{name: "227 garbage", cfg: ftpstest.Config{Replies: map[string]string{"EPSV": "500 no", "PASV": "227 Entering Passive Mode (nonsense)."}},
			want: []string{critical(cause.PassiveRefused), info(cause.EPSVUnsupported), info(cause.ProtWithoutPBSZRefused)}, evidence: "PASV: 227 Entering Passive Mode (nonsense)."},
		{name: "LIST refused", cfg: ftpstest.Config{Replies: map[string]string{"LIST": "550 Permission denied."}},
			want: []string{critical(cause.DataListRefused), info(cause.ProtWithoutPBSZRefused)}, evidence: "LIST: 550 Permission denied."},
		{name: "LIST unknown, MLSD works", cfg: ftpstest.Config{Replies: map[string]string{"LIST": "502 Command not implemented."}},
			want: strictInfo,
			check: func(t *testing.T, a result.Attempt) {
				if !a.DataChannel.OK || a.DataChannel.ListCommand != "MLSD" {
					t.Errorf("data channel = %+v", a.DataChannel)
				}
			}},
		{name: "PROT P refused", cfg: ftpstest.Config{Replies: map[string]string{"PROT P": "536 PROT P not supported."}},
			want: []string{critical(cause.ProtPRefused), info(cause.ProtWithoutPBSZRefused)}, evidence: "536 PROT P not supported."},
		{name: "third transfer refused", cfg: ftpstest.Config{RefuseAfterTransfers: 2}, want: strict(critical(cause.TLS13TicketLifecycle)),
			evidence: "transfer 3 of 3 failed after 2 good ones (resumed: true, true): LIST: 150 Opening data connection., then 425 Unable to build data connection",
			check: func(t *testing.T, a result.Attempt) {
				tr := a.DataChannel.Transfers
				if !a.DataChannel.OK || len(tr) != 3 || !tr[1].OK || tr[2].OK || !strings.HasPrefix(tr[2].Reply, "LIST: 150") {
					t.Errorf("transfers = %+v", tr)
				}
			}},
		{name: "data connections never resume", cfg: ftpstest.Config{DataTLS: noTickets(cert)}, want: strict(warning(cause.DataResumptionUnsupported)),
			evidence: "did not resume the control session although the server had issued a session ticket"},
		{name: "data TLS before LIST reset", cfg: ftpstest.Config{ResetEarlyData: true}, want: strict(warning(cause.DataTLSEarlyRefused)),
			evidence: "with the data handshake started before LIST: LIST: 425",
			check: func(t *testing.T, a result.Attempt) {
				if p := a.Policy; !a.DataChannel.OK || p.DataTLSBeforeCommand == nil || *p.DataTLSBeforeCommand {
					t.Errorf("data channel %+v, policy %+v", a.DataChannel, p)
				}
			}},
		{name: "no close_notify", cfg: ftpstest.Config{SkipCloseNotify: true}, want: strict(warning(cause.NoCloseNotify)),
			check: func(t *testing.T, a result.Attempt) {
				if dc := a.DataChannel; !dc.OK || dc.CloseNotify == nil || *dc.CloseNotify {
					t.Errorf("data channel = %+v", dc)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.TLS == nil {
				tt.cfg.TLS = ftpstest.NewTLSConfig(cert)
			}
			srv := serve(t, tt.cfg)
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode = ModeExplicit
				if tt.user != "" {
					c.User, c.Password = tt.user, "s3cret"
				}
			})
			wantFindings(t, r, tt.want...)
			if tt.evidence != "" && len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", r.Findings[0].Evidence, tt.evidence)
			}
			if tt.check != nil {
				tt.check(t, r.Attempts[0])
			}
			for _, c := range srv.Commands() {
				if strings.Contains(c, "s3cret") {
					t.Errorf("the server log shows the password: %q", c)
				}
			}
		})
	}
}

func TestPasswordNeverInResult(t *testing.T) {
	srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{})), Users: map[string]string{"alice": "hunter2-secret"}})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.User, c.Password = "alice", "hunter2-secret" })
	if !r.Attempts[0].DataChannel.OK {
		t.Fatalf("login and listing should work: %v", findingIDs(r))
	}
	var all []result.Event
	all = append(all, r.Attempts[0].Timeline...)
	for _, au := range r.Attempts[0].Audits {
		all = append(all, au.Timeline...)
	}
	for _, e := range all {
		if strings.Contains(e.Text, "hunter2") {
			t.Errorf("password on the timeline: %q", e.Text)
		}
	}
	// Before TLS, only USER may be sent: never PASS.
	for _, au := range r.Attempts[0].Audits {
		tlsUp := false
		for _, e := range au.Timeline {
			if e.From == result.FromTLS && strings.HasPrefix(e.Text, "handshake done") {
				tlsUp = true
			}
			if e.From == result.FromClient && strings.HasPrefix(e.Text, "PASS") && !tlsUp {
				t.Errorf("audit %q sent PASS before TLS", au.Purpose)
			}
		}
	}
}

func TestDataConnectFailures(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	// A data port that never accepts: the fake server advertises a port
	// whose listener is closed (refused), to EPSV and to the PASV it is
	// retried with, and a dialer that never answers stands in for a
	// filtered range.
	port := closedPort(t)
	epsv := "229 Entering Extended Passive Mode (|||" + itoa(port) + "|)"
	pasv := fmt.Sprintf("227 Entering Passive Mode (127,0,0,1,%d,%d).", port>>8, port&0xff)
	srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), Replies: map[string]string{"EPSV": epsv, "PASV": pasv}})
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, critical(cause.DataConnectRefused), info(cause.ProtWithoutPBSZRefused))
	if f := r.Findings[0]; !strings.Contains(f.Evidence, itoa(port)) || !strings.Contains(f.Evidence, "a retry over PASV failed too") {
		t.Errorf("evidence %q does not name port %d and the PASV retry", f.Evidence, port)
	}
	if dc := r.Attempts[0].DataChannel; dc.PassiveCommand != "EPSV" {
		t.Errorf("data channel = %+v, want the EPSV listing's", dc)
	}

	r = diagnose(t, srv.Addr, func(c *Config) {
		c.Mode = ModeExplicit
		c.Timeout = time.Second
		dial := c.Dial
		if dial == nil {
			dial = (&net.Dialer{}).DialContext
		}
		c.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if strings.HasSuffix(addr, ":"+itoa(port)) {
				<-ctx.Done() // filtered: no answer at all
				return nil, ctx.Err()
			}
			return dial(ctx, network, addr)
		}
	})
	wantFindings(t, r, critical(cause.DataConnectTimeout), info(cause.ProtWithoutPBSZRefused))
}

func TestDataSilenceAfter150(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	// 150, then the server never starts the data TLS session.
	srv := serve(t, ftpstest.Config{OnConnect: script{
		greeting: "220 ready",
		answer: map[string]string{
			"FEAT": plainFeat, "AUTH TLS": "234 ok",
		},
		afterAuth: func(c net.Conn) {
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
			if tc.Handshake() != nil {
				return
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return
			}
			defer ln.Close()
			script{answer: map[string]string{
				"FEAT": plainFeat, "USER": "331 ok", "PASS": "230 ok", "PBSZ": "200 ok", "PROT": "200 ok",
				"EPSV": "229 Entering Extended Passive Mode (|||" + itoa(ln.Addr().(*net.TCPAddr).Port) + "|)",
				"LIST": "150 Here it comes.", "QUIT": "221 bye",
			}}.run(tc)
		},
	}.run})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.Timeout = time.Second })
	f := finding(t, r, cause.DataTLSFailed)
	if f.Severity != result.SeverityCritical || !strings.Contains(f.Evidence, "150 Here it comes.") {
		t.Errorf("finding = %+v", f)
	}
}

func TestCCC(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), AllowCCC: true})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.CCC = true })
	wantFindings(t, r, info(cause.CCCAccepted), info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired))
	p := r.Attempts[0].Policy
	if !*p.CCCAccepted || !*p.CCCControlUsable {
		t.Errorf("policy = %+v", p)
	}

	refusing := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert)})
	r = diagnose(t, refusing.Addr, func(c *Config) { c.Mode = ModeExplicit; c.CCC = true })
	wantFindings(t, r, info(cause.CCCRefused), info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired))
	if p := r.Attempts[0].Policy; *p.CCCAccepted || p.CCCControlUsable != nil {
		t.Errorf("policy = %+v", p)
	}
}

// A server identified by its replies alone gets its own remedies.
func TestFakeProFTPDRemedies(t *testing.T) {
	cfg := ftpstest.ProFTPD(ftpstest.NewTLSConfig(localCert(t, testcert.Options{})))
	cfg.ReuseRefusal = ftpstest.ProFTPDReuseRefusal
	srv := serve(t, cfg)
	r := diagnose(t, srv.Addr, explicitOnly)
	if got := r.Attempts[0].Server; got != cause.ServerProFTPD {
		t.Fatalf("server identified as %q, want ProFTPD", got)
	}
	f := finding(t, r, cause.DataSessionReuseRequired)
	if !strings.Contains(f.Evidence, "425 Unable to build data connection: Operation not permitted") || !strings.Contains(f.Remedy, "NoSessionReuseRequired") {
		t.Errorf("finding = %+v", f)
	}
}

// The remedy names the identified server's own setting.
func TestServerRemedies(t *testing.T) {
	for _, tt := range []struct {
		id              cause.ID
		server, setting string
	}{
		{cause.DataSessionReuseRequired, cause.ServerVsftpd, "require_ssl_reuse"},
		{cause.DataSessionReuseRequired, cause.ServerProFTPD, "TLSOptions NoSessionReuseRequired"},
		{cause.PASVAddressMismatch, cause.ServerVsftpd, "pasv_address"},
		{cause.PASVAddressMismatch, cause.ServerProFTPD, "MasqueradeAddress"},
		{cause.PASVAddressMismatch, cause.ServerPureFTPd, "-P"},
		{cause.DataClearAllowed, cause.ServerVsftpd, "force_local_data_ssl"},
		{cause.DataClearAllowed, cause.ServerProFTPD, "TLSRequired"},
		{cause.DataClearAllowed, cause.ServerPureFTPd, "--tls=3"},
		{cause.CleartextLoginAllowed, cause.ServerVsftpd, "force_local_logins_ssl"},
		{cause.CleartextLoginAllowed, cause.ServerPureFTPd, "-Y 2"},
		{cause.CleartextLoginAllowed, cause.ServerIIS, "controlChannelPolicy"},
		{cause.ResumptionSessionIDOnly, cause.ServerProFTPD, "TLSSessionTickets on"},
		{cause.DataConnectTimeout, cause.ServerVsftpd, "pasv_min_port"},
		{cause.PASVAddressMismatch, cause.ServerFileZilla, "Use the following host"},
	} {
		if f := tt.id.Finding(tt.server, ""); !strings.Contains(f.Remedy, tt.setting) {
			t.Errorf("%s on %s: remedy %q does not name %q", tt.id, tt.server, f.Remedy, tt.setting)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A 331 to USER in clear shows only that USER was accepted: ftpsdiag never
// sends PASS in clear, and the evidence says so.
func TestCleartextLoginEvidence(t *testing.T) {
	srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{})), ClearLoginRefusal: allow})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit })
	for _, f := range r.Findings {
		if f.ID == cause.CleartextLoginAllowed.String() {
			if want := "USER accepted before TLS; PASS not tried: USER anonymous before AUTH: 331"; !strings.HasPrefix(f.Evidence, want) {
				t.Errorf("evidence = %q, want it to start with %q", f.Evidence, want)
			}
			return
		}
	}
	t.Errorf("no %s finding: %v", cause.CleartextLoginAllowed, findingIDs(r))
}

// A server that sends 150 only after the data handshake serves the main
// listing (its handshake starts right after LIST) and leaves clients that
// wait for the 150 waiting; a healthy one sends the 150 at once.
func TestDataTLSAfter150(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	for _, tt := range []struct {
		name     string
		late     bool
		gaveUp   time.Duration // the server's own wait for the ClientHello (IdleTimeout); 0: 30 s
		wait     time.Duration // ours for the 1xx
		want     []string
		value    bool
		evidence string
	}{
		{name: "150 at once", wait: 200 * time.Millisecond, want: strictInfo, value: true, evidence: "a listing whose data handshake started after 150 Opening data connection. worked: 226"},
		{name: "150 after the data handshake", late: true, wait: 200 * time.Millisecond, want: strict(warning(cause.Data150AfterTLS)),
			evidence: "LIST: no 1xx within 200ms while the data connection was open and the ClientHello held back; sent then, it was followed by 150"},
		// The server's wait bounds every wait of its sessions: 2 s leaves
		// the others room, ours (5 s) lets it give up first.
		{name: "the server gives up before the wait ends", late: true, gaveUp: 2 * time.Second, wait: 5 * time.Second, want: strict(warning(cause.Data150AfterTLS)),
			evidence: "LIST: 425 No connection established, without a 1xx, while the data connection was open and the ClientHello held back"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), Mark150AfterDataTLS: tt.late, IdleTimeout: tt.gaveUp})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.wait150 = tt.wait })
			wantFindings(t, r, tt.want...)
			a := r.Attempts[0]
			if !a.DataChannel.OK {
				t.Errorf("the main listing failed: %+v", a.DataChannel)
			}
			if p := a.Policy; p == nil || p.DataTLSAfter150 == nil || *p.DataTLSAfter150 != tt.value || !strings.HasPrefix(p.DataTLSAfter150Evidence, tt.evidence) {
				t.Errorf("policy = %+v, want data_tls_after_150 %v with evidence %q", p, tt.value, tt.evidence)
			}
		})
	}
}

// The data-TLS-before-the-command audit spends one NOOP between its
// ClientHello and LIST, as curl spends TYPE A, where the network's round
// trip (the kernel's, TCP_INFO) gives the server time to turn
// (serverTurn); on a faster link, two, so that a server resetting the
// early data connection (pyftpdlib) does it on every run. A server slow
// to reply on a fast link still gets two: it is slow to answer, not to
// turn. Either way the reset is found, and a server without it is clean.
func TestEarlyDataTLSNOOPs(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	slowLink := func(net.Conn) (time.Duration, bool) { return serverTurn + 5*time.Millisecond, true }
	for _, tt := range []struct {
		name  string
		link  func(net.Conn) (time.Duration, bool) // nil: the kernel's (loopback)
		delay time.Duration                        // before every reply
		reset bool
		noops int
	}{
		{name: "fast link", noops: 2},
		{name: "fast link, reset", reset: true, noops: 2},
		{name: "fast link, slow replies", delay: serverTurn + 5*time.Millisecond, noops: 2},
		{name: "slow link", link: slowLink, noops: 1},
		{name: "slow link, reset", link: slowLink, reset: true, noops: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), ReplyDelay: tt.delay, ResetEarlyData: tt.reset})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.Transfers, c.rtt = ModeExplicit, 1, tt.link })
			want := strict()
			if tt.reset {
				want = strict(warning(cause.DataTLSEarlyRefused))
			}
			wantFindings(t, r, want...)
			noops := 0
			for _, au := range r.Attempts[0].Audits {
				for _, e := range au.Timeline {
					if au.Purpose == checkEarlyDataTLS.purpose && e.From == result.FromClient && e.Text == "NOOP" {
						noops++
					}
				}
			}
			if noops != tt.noops {
				t.Errorf("%d NOOPs, want %d", noops, tt.noops)
			}
		})
	}
}
