package probe

import (
	"cmp"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// These tests run the probe against servers we did not write: vsftpd,
// ProFTPD (mod_tls) and Pure-FTPd from Debian, started by ftpdtest on free
// loopback ports. They skip when a server is missing, unless CI or
// FTPSDIAG_REAL_SERVERS=1 says it must be there.

// realCase is one server configuration and the diagnosis it must produce.
type realCase struct {
	name     string
	kind     ftpdtest.Kind
	opts     ftpdtest.Options
	mode     ModeChoice // "" means explicit
	want     []string   // severity:id, in report order
	evidence string     // a substring of the first finding's evidence
	remedy   string     // a substring of the first finding's remedy
	ccc      bool       // also test CCC
	check    func(t *testing.T, a result.Attempt)
}

func TestRealServers(t *testing.T) {
	now := time.Now()
	good := localCert(t, testcert.Options{})
	rsa := localCert(t, testcert.Options{RSABits: 2048})
	expired := localCert(t, testcert.Options{NotBefore: now.Add(-400 * 24 * time.Hour), NotAfter: now.Add(-2 * 24 * time.Hour)})
	wrongName := localCert(t, testcert.Options{DNSNames: []string{"ftp.example.com"}, IPs: []net.IP{}})
	selfSigned, err := testcert.SelfSigned(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	tls13 := func(t *testing.T, a result.Attempt) {
		if !a.OK || a.TLS == nil || a.TLS.Version != "TLS 1.3" || !a.Verification.Trusted {
			t.Errorf("want a trusted TLS 1.3 session, got ok=%v tls=%+v verification=%+v", a.OK, a.TLS, a.Verification)
		}
	}

	var cases []realCase
	for _, kind := range ftpdtest.Kinds {
		server, infos := hardenedServer(kind)
		identified := func(t *testing.T, a result.Attempt) {
			tls13(t, a)
			if a.Server != server {
				t.Errorf("server identified as %q, want %q", a.Server, server)
			}
			if a.DataChannel == nil || !a.DataChannel.OK || a.DataChannel.ListingLines == 0 {
				t.Errorf("want a protected listing, got %+v", a.DataChannel)
			}
		}
		hard := func(o ftpdtest.Options) ftpdtest.Options {
			o.Extra = append(hardening(kind), o.Extra...)
			return o
		}
		cases = append(cases,
			realCase{name: "explicit good", kind: kind, opts: hard(ftpdtest.Options{TLS: true, Cert: good}), want: infos, check: identified},
			realCase{name: "expired", kind: kind, opts: hard(ftpdtest.Options{TLS: true, Cert: expired}),
				want: expiredFindings(kind), evidence: "leaf CN=localhost,O=ftpsdiag test expired on"},
			realCase{name: "self-signed", kind: kind, opts: hard(ftpdtest.Options{TLS: true, Cert: selfSigned}),
				want: append([]string{critical(cause.CertSelfSigned)}, infos...), evidence: "signed by itself"},
			realCase{name: "wrong name", kind: kind, opts: hard(ftpdtest.Options{TLS: true, Cert: wrongName}),
				want: append([]string{critical(cause.CertNameMismatch)}, infos...), evidence: `connected as "localhost"; the certificate is valid for ftp.example.com`},
			realCase{name: "TLS disabled", kind: kind, opts: ftpdtest.Options{TLS: false},
				want: []string{critical(cause.AuthNotSupported)}},
		)
		if kind != ftpdtest.PureFTPd { // Debian's Pure-FTPd has no implicit TLS
			cases = append(cases, realCase{name: "implicit good", kind: kind, mode: ModeImplicit,
				opts: hard(ftpdtest.Options{TLS: true, Implicit: true, Cert: good}), want: infos, check: identified})
		}
	}
	cases = append(cases,
		realCase{name: "TLS disabled evidence", kind: ftpdtest.Vsftpd, opts: ftpdtest.Options{TLS: false},
			want: []string{critical(cause.AuthNotSupported)}, evidence: "AUTH TLS: 530 Please login with USER and PASS.", remedy: "ssl_enable=YES"},
		realCase{name: "TLS disabled evidence", kind: ftpdtest.ProFTPD, opts: ftpdtest.Options{TLS: false},
			want: []string{critical(cause.AuthNotSupported)}, evidence: "AUTH TLS: 500 AUTH not understood", remedy: "TLSEngine on"},
		realCase{name: "TLS disabled evidence", kind: ftpdtest.PureFTPd, opts: ftpdtest.Options{TLS: false},
			want: []string{critical(cause.AuthNotSupported)}, evidence: "AUTH TLS: 500 This security scheme is not implemented", remedy: "--tls"},
		realCase{name: "TLS 1.0 only", kind: ftpdtest.Vsftpd, opts: ftpdtest.Options{
			TLS: true, Cert: rsa, OpenSSLConf: ftpdtest.ProtocolConf("TLSv1", "TLSv1"),
			Extra: append(hardening(ftpdtest.Vsftpd), "ssl_ciphers=DEFAULT:@SECLEVEL=0")},
			want:     []string{warning(cause.TLSLegacyVersion), info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			evidence: "negotiated TLS 1.0",
			check: func(t *testing.T, a result.Attempt) {
				if !a.OK || a.TLS.Version != "TLS 1.0" || !a.DataChannel.OK || !a.DataChannel.TLS.Resumed {
					t.Errorf("want a working TLS 1.0 session with a resumed data connection, got ok=%v tls=%+v data=%+v", a.OK, a.TLS, a.DataChannel)
				}
			}},
		realCase{name: "auto detects implicit", kind: ftpdtest.ProFTPD, mode: ModeAuto,
			opts: ftpdtest.Options{TLS: true, Implicit: true, Cert: good, Extra: hardening(ftpdtest.ProFTPD)},
			want: []string{info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			check: func(t *testing.T, a result.Attempt) {
				if a.Mode != result.ModeImplicit || !a.OK || a.DetectedBy == "" {
					t.Errorf("auto: mode %s ok %v detected_by %q", a.Mode, a.OK, a.DetectedBy)
				}
			}},
		realCase{name: "auto detects explicit", kind: ftpdtest.PureFTPd, mode: ModeAuto,
			opts: ftpdtest.Options{TLS: true, Cert: good, Extra: hardening(ftpdtest.PureFTPd)},
			want: []string{info(cause.DataProtRequired)},
			check: func(t *testing.T, a result.Attempt) {
				if a.Mode != result.ModeExplicit || !a.OK || len(a.Banner) != 6 {
					t.Errorf("auto: mode %s ok %v banner %q", a.Mode, a.OK, a.Banner)
				}
			}},
		realCase{name: "require_cert=YES", kind: ftpdtest.Vsftpd,
			opts:     ftpdtest.Options{TLS: true, Cert: good, Extra: append(hardening(ftpdtest.Vsftpd), "require_cert=YES")},
			want:     []string{critical(cause.TLSClientCertRequired)},
			evidence: "CertificateRequest, then alert 116 (tls: certificate required)", remedy: "require_cert=NO"},
		realCase{name: "require_cert=YES at TLS 1.2", kind: ftpdtest.Vsftpd,
			opts: ftpdtest.Options{TLS: true, Cert: good, OpenSSLConf: ftpdtest.ProtocolConf("TLSv1.2", "TLSv1.2"),
				Extra: append(hardening(ftpdtest.Vsftpd), "require_cert=YES", "ssl_ciphers=ECDHE+AESGCM")},
			want:     []string{critical(cause.TLSClientCertRequired)},
			evidence: "CertificateRequest, then alert 40 (tls: handshake failure)", remedy: "require_cert=NO"},
		realCase{name: "DHE only: alert, then plaintext 421", kind: ftpdtest.ProFTPD,
			opts: ftpdtest.Options{TLS: true, Cert: rsa,
				Extra: append(hardening(ftpdtest.ProFTPD), "TLSProtocol TLSv1.2", "TLSCipherSuite DHE-RSA-AES128-GCM-SHA256")},
			want:     []string{critical(cause.TLSNoSharedCipher)},
			evidence: "server sent TLS alert 40 (tls: handshake failure); then in plaintext: 421 TLS handshake failed. Then, offered all",
			remedy:   "TLSCipherSuite",
			check: func(t *testing.T, a result.Attempt) {
				for _, audit := range a.Audits {
					for _, e := range audit.Timeline {
						if strings.HasPrefix(e.Text, "a ServerHello choosing TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2)") {
							return
						}
					}
				}
				t.Errorf("no audit connection shows the server choosing DHE: %+v", a.Audits)
			}},
		realCase{name: "negative serial", kind: ftpdtest.Vsftpd,
			opts: ftpdtest.Options{TLS: true, Cert: localCert(t, testcert.Options{Serial: big.NewInt(-0x1234567)}), Extra: hardening(ftpdtest.Vsftpd)},
			want: func() []string {
				_, infos := hardenedServer(ftpdtest.Vsftpd)
				return append([]string{warning(cause.CertNegativeSerial)}, infos...)
			}(),
			evidence: "leaf CN=localhost,O=ftpsdiag test has serial number -19088743: Go refuses to parse it",
			check: func(t *testing.T, a result.Attempt) {
				if !a.OK || !a.Verification.Trusted || a.DataChannel == nil || !a.DataChannel.OK {
					t.Errorf("OpenSSL serves it and the probe (x509negativeserial=1) accepts it: ok=%v verification=%+v data=%+v", a.OK, a.Verification, a.DataChannel)
				}
			}},
		realCase{name: "implicit probe on explicit port", kind: ftpdtest.Vsftpd, mode: ModeImplicit,
			opts: ftpdtest.Options{TLS: true, Cert: good},
			want: []string{critical(cause.ImplicitGotPlaintext)}, evidence: "got plaintext: 220 (vsFTPd 3.0.3)"},
		realCase{name: "explicit probe on implicit port", kind: ftpdtest.Vsftpd, mode: ModeExplicit,
			opts: ftpdtest.Options{TLS: true, Implicit: true, Cert: good},
			want: []string{critical(cause.ExplicitGotSilence)}},
	)
	cases = append(cases, dataChannelCases(good)...)

	for _, tc := range cases {
		t.Run(string(tc.kind)+"/"+tc.name, func(t *testing.T) {
			ftpdtest.Require(t, tc.kind)
			t.Parallel()
			srv := ftpdtest.Start(t, tc.kind, tc.opts)
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode = cmp.Or(tc.mode, ModeExplicit)
				c.User, c.Password = srv.User, srv.Password
				c.CCC = tc.ccc
				c.ServerName = "localhost"
				if tc.mode == ModeExplicit && tc.opts.Implicit {
					c.Timeout = time.Second // the silence is the finding
				}
			})
			wantFindings(t, r, tc.want...)
			if tc.evidence != "" && len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Evidence, tc.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", r.Findings[0].Evidence, tc.evidence)
			}
			if tc.remedy != "" && len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Remedy, tc.remedy) {
				t.Errorf("remedy = %q, want it to contain %q", r.Findings[0].Remedy, tc.remedy)
			}
			if tc.check != nil {
				tc.check(t, r.Attempts[0])
			}
		})
	}
}

// hardenedServer names the server software and the info findings a
// hardened instance of it gives, in report order.
func hardenedServer(kind ftpdtest.Kind) (string, []string) {
	switch kind {
	case ftpdtest.Vsftpd:
		// vsftpd asks for a client certificate (ssl_request_cert=YES) and
		// requires session reuse (require_ssl_reuse=YES) by default.
		return cause.ServerVsftpd, []string{info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)}
	case ftpdtest.ProFTPD:
		return cause.ServerProFTPD, []string{info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)}
	}
	return cause.ServerPureFTPd, []string{info(cause.DataProtRequired)}
}

// hardening is each server's configuration for TLS required on logins and
// data, as a careful administrator sets it.
func hardening(kind ftpdtest.Kind) []string {
	switch kind {
	case ftpdtest.Vsftpd:
		return []string{"force_local_logins_ssl=YES", "force_local_data_ssl=YES"}
	case ftpdtest.ProFTPD:
		return []string{"TLSRequired on"}
	}
	return []string{"-Y", "3"}
}

// expiredFindings: an expired certificate is reported at its root. Go
// cannot resume its session, so where reuse is required the protected
// listing fails and the reuse and clear-data checks have nothing to
// compare with; the cert-expired evidence says so. ProFTPD and Pure-FTPd
// refuse PROT C itself, which needs no comparison.
func expiredFindings(kind ftpdtest.Kind) []string {
	if kind == ftpdtest.Vsftpd {
		return []string{critical(cause.CertExpired), info(cause.TLSClientCertRequested)}
	}
	return []string{critical(cause.CertExpired), info(cause.DataProtRequired)}
}

// The real servers must keep the session the probe opened: a TLS 1.3
// ticket read from the control connection means a later data connection
// can resume it.
func TestRealServerTickets(t *testing.T) {
	for _, kind := range []ftpdtest.Kind{ftpdtest.Vsftpd, ftpdtest.ProFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			ftpdtest.Require(t, kind)
			srv := ftpdtest.Start(t, kind, ftpdtest.Options{TLS: true, Cert: localCert(t, testcert.Options{})})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.ServerName = "localhost" })
			if a := r.Attempts[0]; a.TLS == nil || !a.TLS.SessionTicket {
				t.Errorf("%s: no session ticket seen: %+v", kind, a.TLS)
			}
		})
	}
}

// What the control handshake leaves, and when the 150 comes, measured on
// the real servers: vsftpd and Pure-FTPd take only P-256 key shares (a
// HelloRetryRequest for our x25519 ones), Pure-FTPd leaves nothing to
// resume at TLS 1.3 (PHP then refuses to open data connections), and
// none waits for the data handshake before its 150; the round trips
// follow from the HelloRetryRequest.
func TestRealServerHello(t *testing.T) {
	want := map[ftpdtest.Kind]struct{ retry, resumable bool }{
		ftpdtest.Vsftpd:   {retry: true, resumable: true},
		ftpdtest.ProFTPD:  {retry: false, resumable: true},
		ftpdtest.PureFTPd: {retry: true, resumable: false},
	}
	for _, kind := range ftpdtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ftpdtest.Require(t, kind)
			srv := ftpdtest.Start(t, kind, ftpdtest.Options{TLS: true, Cert: localCert(t, testcert.Options{})})
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode, c.ServerName, c.User, c.Password = ModeExplicit, "localhost", srv.User, srv.Password
			})
			a := r.Attempts[0]
			if a.TLS == nil || a.TLS.HelloRetry == nil || a.TLS.Resumable == nil {
				t.Fatalf("control TLS = %+v", a.TLS)
			}
			t.Logf("%s: %s, group %s, hello_retry %v, resumable %v", kind, a.TLS.Version, a.TLS.Group, *a.TLS.HelloRetry, *a.TLS.Resumable)
			if w := want[kind]; *a.TLS.HelloRetry != w.retry || *a.TLS.Resumable != w.resumable {
				t.Errorf("hello_retry %v, resumable %v; want %v, %v", *a.TLS.HelloRetry, *a.TLS.Resumable, w.retry, w.resumable)
			}
			if p := a.Policy; p == nil || p.DataTLSAfter150 == nil || !*p.DataTLSAfter150 {
				t.Errorf("policy = %+v, want data_tls_after_150 true", p)
			}
			// TestRoundTrips's 21: the control handshake offers P-256
			// first, so no server here sends it a HelloRetryRequest.
			if want := 21; a.RoundTrips != want {
				t.Errorf("round trips = %d, want %d", a.RoundTrips, want)
			}
		})
	}
}
