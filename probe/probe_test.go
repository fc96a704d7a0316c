//go:debug tlssha1=1
//go:debug x509negativeserial=1

package probe

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var testCA = sync.OnceValues(func() (*testcert.CA, error) { return testcert.NewRoot("ftpsdiag probe test root") })

func rootCA(t testing.TB) *testcert.CA {
	t.Helper()
	ca, err := testCA()
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// localCert is a certificate valid for localhost and 127.0.0.1, issued by
// the test root, adjusted by o.
func localCert(t testing.TB, o testcert.Options) tls.Certificate {
	t.Helper()
	if o.DNSNames == nil {
		o.DNSNames = []string{"localhost"}
	}
	if o.IPs == nil {
		o.IPs = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	c, err := rootCA(t).Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serve starts a fake server hardened the way a careful administrator
// would: no logins and no data in clear. Tests of those policies set their
// own refusals (or "-" to allow).
func serve(t testing.TB, cfg ftpstest.Config) *ftpstest.Server {
	t.Helper()
	cfg.ClearLoginRefusal = cmp.Or(cfg.ClearLoginRefusal, ftpstest.VsftpdClearLoginRefusal)
	cfg.ClearDataRefusal = cmp.Or(cfg.ClearDataRefusal, ftpstest.VsftpdClearDataRefusal)
	for _, f := range []*string{&cfg.ClearLoginRefusal, &cfg.ClearDataRefusal} {
		if *f == allow {
			*f = ""
		}
	}
	s, err := ftpstest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// allow, as a refusal in serve's config, lets the client do it.
const allow = "-"

// strictInfo are the findings every hardened server gives: it refuses PROT
// before PBSZ and refuses clear data, both as it should.
var strictInfo = []string{info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired)}

// strict adds strictInfo to the findings a test expects.
func strict(ids ...string) []string {
	return append(ids, strictInfo...)
}

// goodServer is a healthy explicit (or implicit) FTPS server.
func goodServer(t testing.TB, implicit bool) *ftpstest.Server {
	return serve(t, ftpstest.Config{Implicit: implicit, TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))})
}

// diagnose runs the probe against target with the test root trusted and a
// short step timeout; edit adjusts the config.
func diagnose(t *testing.T, target string, edit func(*Config)) *result.Result {
	t.Helper()
	tg, err := ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Target: tg, Roots: rootCA(t).Pool(), Timeout: 5 * time.Second, WarnDays: 30}
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Run(ctx, cfg)
}

func explicitOnly(c *Config) { c.Mode = ModeExplicit }
func implicitOnly(c *Config) { c.Mode = ModeImplicit }

// findingIDs lists the ids with severities, in report order.
// critical, warning and info name a finding a test expects, as findingIDs
// lists it: "severity:id" from a cause constant, so that a misspelt id
// does not compile.
func critical(id cause.ID) string { return expected(result.SeverityCritical, id) }
func warning(id cause.ID) string  { return expected(result.SeverityWarning, id) }
func info(id cause.ID) string     { return expected(result.SeverityInfo, id) }

// expected is a finding as findingIDs lists it.
func expected(s result.Severity, id cause.ID) string { return string(s) + ":" + id.String() }

// findingIDs lists a result's findings as "severity:id", in order.
func findingIDs(r *result.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, string(f.Severity)+":"+f.ID)
	}
	return out
}

// finding returns the result's finding of cause id, failing the test
// without one.
func finding(t *testing.T, r *result.Result, id cause.ID) result.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if id.Is(f) {
			return f
		}
	}
	t.Fatalf("no finding %s; got %v", id, findingIDs(r))
	return result.Finding{}
}

func wantFindings(t *testing.T, r *result.Result, want ...string) {
	t.Helper()
	got := findingIDs(r)
	if !slices.Equal(got, want) {
		t.Errorf("findings = %v, want %v", got, want)
		for _, a := range r.Attempts {
			for _, e := range a.Timeline {
				t.Logf("%s %7.1f %-6s %s", a.Mode, e.AtMS, e.From, e.Text)
			}
		}
	}
}

// timelineTexts returns the attempt's timeline as "from: text" lines.
func timelineTexts(a result.Attempt) []string {
	var out []string
	for _, e := range a.Timeline {
		out = append(out, string(e.From)+": "+e.Text)
	}
	return out
}

// scripted is a fake server driven line by line: for each command it gets
// (by verb, or "AUTH TLS" style), answer gives the reply; "" hangs up.
// After a 234 it hands the connection to afterAuth.
type script struct {
	greeting  string
	answer    map[string]string
	afterAuth func(c net.Conn)
}

func (s script) run(c net.Conn) {
	br := bufio.NewReader(c)
	if s.greeting != "" {
		c.Write([]byte(s.greeting + "\r\n"))
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		reply, ok := s.answer[strings.ToUpper(line)]
		if !ok {
			reply, ok = s.answer[strings.ToUpper(strings.Fields(line + " x")[0])]
		}
		if !ok || reply == "" {
			return
		}
		c.Write([]byte(reply + "\r\n"))
		if strings.HasPrefix(reply, "234") && s.afterAuth != nil {
			s.afterAuth(c)
			return
		}
	}
}

var plainFeat = "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End"

func TestExplicitHealthy(t *testing.T) {
	srv := goodServer(t, false)
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, strictInfo...)
	if r.Status != result.StatusOK {
		t.Errorf("status = %s, want ok; verdict %q", r.Status, r.Verdict)
	}
	a := r.Attempts[0]
	if !a.OK || a.AuthMechanism != "TLS" || a.TLS == nil || a.TLS.Version != "TLS 1.3" {
		t.Fatalf("attempt = %+v", a)
	}
	if !a.Verification.Trusted || !a.Verification.NameMatches || !a.Verification.TimeValid {
		t.Errorf("verification = %+v", a.Verification)
	}
	if !a.FeatBeforeTLS.AuthTLS || !a.FeatAfterTLS.PBSZ || !a.FeatAfterTLS.PROT {
		t.Errorf("feat = %+v / %+v", a.FeatBeforeTLS, a.FeatAfterTLS)
	}
	// The seed's explicit diagram: connect, 220, AUTH, 234, TLS, then the
	// protected session. The FEAT in clear went on the cleartext-login
	// audit's connection, the FEAT inside TLS on the EMS one's.
	var got []string
	for _, e := range a.Timeline {
		if e.From == result.FromClient {
			got = append(got, e.Text)
		}
	}
	if want := []string{"AUTH TLS", "USER anonymous", "PASS ****", "PBSZ 0", "PROT P", "EPSV", "LIST", "EPSV", "LIST", "EPSV", "LIST", "QUIT"}; !slices.Equal(got, want) {
		t.Errorf("commands = %v, want %v", got, want)
	}
	// connect, greeting, AUTH, TLS 1.3, USER, PASS, PBSZ+PROT+EPSV in
	// one write, then per transfer EPSV (the first's went with PROT),
	// data connect, LIST, data TLS, 226 after the close (three transfers
	// by default); QUIT awaits no reply, the audits end sooner
	// (TestRoundTrips)
	if a.RoundTrips != 21 {
		t.Errorf("round trips = %d, want 21", a.RoundTrips)
	}
	if tr := a.DataChannel.Transfers; len(tr) != 3 || slices.ContainsFunc(tr, func(t result.Transfer) bool { return !t.OK || !t.Resumed }) {
		t.Errorf("transfers = %+v, want 3 resumed", tr)
	}
	if !a.TLS.SessionTicket {
		t.Errorf("TLS 1.3 session ticket not seen")
	}
	if len(a.Certificates) != 1 || a.Certificates[0].Subject != "CN=localhost,O=ftpsdiag test" {
		t.Errorf("certificates = %+v", a.Certificates)
	}
}

func TestImplicitHealthy(t *testing.T) {
	srv := goodServer(t, true)
	r := diagnose(t, srv.Addr, implicitOnly)
	wantFindings(t, r, strictInfo...)
	a := r.Attempts[0]
	if !a.OK || a.Mode != result.ModeImplicit || len(a.Banner) == 0 {
		t.Fatalf("attempt = %+v", a)
	}
	texts := timelineTexts(a)
	hello := slices.IndexFunc(texts, func(s string) bool { return strings.HasPrefix(s, "tls: ClientHello") })
	greet := slices.IndexFunc(texts, func(s string) bool { return strings.HasPrefix(s, "server: 220") })
	if hello < 0 || greet < hello {
		t.Errorf("want the ClientHello before the 220, got %v", texts)
	}
}

func TestAutoDetect(t *testing.T) {
	cert := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
	tests := []struct {
		name string
		cfg  ftpstest.Config
		want result.Mode
	}{
		{"explicit port", ftpstest.Config{TLS: cert}, result.ModeExplicit},
		{"implicit port", ftpstest.Config{TLS: cert, Implicit: true}, result.ModeImplicit},
		// A banner delayed by reverse DNS must not pass for an implicit port.
		{"slow banner", ftpstest.Config{TLS: cert, GreetingDelay: 300 * time.Millisecond}, result.ModeExplicit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.cfg)
			r := diagnose(t, srv.Addr, nil)
			if len(r.Attempts) != 1 {
				t.Fatalf("attempts = %d", len(r.Attempts))
			}
			a := r.Attempts[0]
			if a.Mode != tt.want || !a.OK || !strings.HasPrefix(a.DetectedBy, "auto: ") {
				t.Errorf("mode %s ok %v detected_by %q, want %s", a.Mode, a.OK, a.DetectedBy, tt.want)
			}
			wantFindings(t, r, strictInfo...)
		})
	}
}

func TestBothModesConcurrently(t *testing.T) {
	explicit := goodServer(t, false)
	notImplicit := goodServer(t, false) // an explicit server where implicit is expected
	r := diagnose(t, "127.0.0.1", func(c *Config) {
		c.ImplicitPort, c.ExplicitPort = notImplicit.Port, explicit.Port
		c.ServerName = "localhost"
	})
	if len(r.Attempts) != 2 || r.Attempts[0].Mode != result.ModeImplicit || r.Attempts[1].Mode != result.ModeExplicit {
		t.Fatalf("attempts = %+v", r.Attempts)
	}
	// The explicit server works, so the implicit port's plaintext is info.
	wantFindings(t, r, strict(info(cause.ImplicitGotPlaintext))...)
	f := finding(t, r, cause.ImplicitGotPlaintext)
	if f.Evidence != "expected a TLS ServerHello, got plaintext: 220 ftpstest ready" {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if r.Status != result.StatusOK {
		t.Errorf("status = %s", r.Status)
	}
}

func TestConnectFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	r := diagnose(t, closedAddr, explicitOnly)
	wantFindings(t, r, critical(cause.PortClosed))
	if r.Status != result.StatusCritical {
		t.Errorf("status = %s", r.Status)
	}

	// A filtered port: the dial never completes.
	r = diagnose(t, "127.0.0.1:21", func(c *Config) {
		c.Mode = ModeExplicit
		c.Timeout = 50 * time.Millisecond
		c.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}
	})
	wantFindings(t, r, critical(cause.PortTimeout))
}

func TestGreetingFailures(t *testing.T) {
	tests := []struct {
		name      string
		onConnect func(net.Conn)
		want      string
		evidence  string
	}{
		{"silence", func(c net.Conn) { c.Read(make([]byte, 1)) }, critical(cause.ExplicitGotSilence), "TCP connected, then not one byte"},
		{"hang up", func(c net.Conn) {}, critical(cause.NoGreeting), "closed by peer"},
		{"garbage", func(c net.Conn) { c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n")) }, critical(cause.NoGreeting), "SSH-2.0"},
		{"busy", func(c net.Conn) { c.Write([]byte("421 Too many users, sorry.\r\n")) }, critical(cause.TooManyConnections), "421 Too many users"},
		{"refused", func(c net.Conn) { c.Write([]byte("530 Access denied.\r\n")) }, critical(cause.NoGreeting), "expected 220, got: 530"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, ftpstest.Config{OnConnect: tt.onConnect})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.Timeout = time.Second })
			wantFindings(t, r, tt.want)
			if f := r.Findings[0]; !strings.Contains(f.Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", f.Evidence, tt.evidence)
			}
		})
	}
}

func TestAutoDetectNeither(t *testing.T) {
	srv := serve(t, ftpstest.Config{OnConnect: func(c net.Conn) { io.Copy(io.Discard, c) }})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Timeout = time.Second })
	wantFindings(t, r, critical(cause.NoGreeting))
	if !strings.Contains(r.Findings[0].Evidence, "no answer to a TLS ClientHello either") {
		t.Errorf("evidence = %q", r.Findings[0].Evidence)
	}
}

func TestAuthFailures(t *testing.T) {
	noTLS := serve(t, ftpstest.Config{})
	r := diagnose(t, noTLS.Addr, explicitOnly)
	wantFindings(t, r, critical(cause.AuthNotSupported))
	if want := "AUTH TLS: 504 Unknown AUTH type.; AUTH SSL: 504 Unknown AUTH type.; AUTH TLS-C: 504 Unknown AUTH type."; r.Findings[0].Evidence != want {
		t.Errorf("evidence = %q, want %q", r.Findings[0].Evidence, want)
	}

	noCert := serve(t, ftpstest.Config{OnConnect: script{
		greeting: "220 ProFTPD Server (Debian) [127.0.0.1]",
		answer:   map[string]string{"FEAT": plainFeat, "AUTH": "431 Necessary security resource unavailable"},
	}.run})
	r = diagnose(t, noCert.Addr, explicitOnly)
	wantFindings(t, r, critical(cause.AuthNoCertificate))
	if f := r.Findings[0]; !strings.Contains(f.Remedy, "TLSRSACertificateFile") {
		t.Errorf("remedy for ProFTPD = %q", f.Remedy)
	}

	// AUTH SSL accepted after AUTH TLS refused: a working fallback.
	sslOnly := serve(t, ftpstest.Config{
		TLS:     ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
		Replies: map[string]string{"AUTH TLS": "504 Unknown AUTH type."},
	})
	r = diagnose(t, sslOnly.Addr, explicitOnly)
	if a := r.Attempts[0]; !a.OK || a.AuthMechanism != "SSL" {
		t.Errorf("AUTH SSL fallback: ok %v mechanism %q (%v)", a.OK, a.AuthMechanism, findingIDs(r))
	}
	// The audit connections, opened before the main session learnt the
	// mechanism, met the same 504: they connect again with AUTH SSL and
	// measure what they measure on a server that takes AUTH TLS, but for
	// PBSZ: the pre-RFC AUTH SSL means protected data, as vsftpd and
	// ProFTPD read it (and ftpstest), so PROT before PBSZ is no refusal.
	wantFindings(t, r, info(cause.DataProtRequired))
	if p := r.Attempts[0].Policy; p == nil || p.SessionReuseRequired == nil || p.ClearDataAllowed == nil || p.DataTLSAfter150 == nil || p.ExtendedMasterSecret == nil || p.CleartextLoginAllowed == nil {
		t.Errorf("AUTH SSL fallback: policy not measured: %+v", p)
	}
	// The session-reuse audit, made afresh, still offers Go's default
	// key shares and measures hello_retry (none: a Go server takes them).
	if tls := r.Attempts[0].TLS; tls == nil || tls.HelloRetry == nil || *tls.HelloRetry {
		t.Errorf("AUTH SSL fallback: tls = %+v, want hello_retry false", tls)
	}

	nonstandard := serve(t, ftpstest.Config{
		TLS:     ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
		Replies: map[string]string{"AUTH TLS": "200 AUTH command ok; starting SSL connection..."},
	})
	r = diagnose(t, nonstandard.Addr, explicitOnly)
	wantFindings(t, r, strict(warning(cause.AuthNonstandardSuccess))...)
	if !r.Attempts[0].OK {
		t.Errorf("a 200 to AUTH followed by a good handshake should still work")
	}

	noFeat := serve(t, ftpstest.Config{
		TLS:      ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
		Features: []string{"UTF8", "EPSV"},
	})
	r = diagnose(t, noFeat.Addr, explicitOnly)
	wantFindings(t, r, strict(warning(cause.FeatMissingAuth))...)
}

// tlsAlert is a plaintext TLS alert record (fatal, the given code).
func tlsAlert(code byte) []byte { return []byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, code} }

func TestHandshakeFailures(t *testing.T) {
	readHello := func(c net.Conn) { c.Read(make([]byte, 4096)) }
	tests := []struct {
		name      string
		afterAuth func(net.Conn)
		want      string
		evidence  string
	}{
		{"protocol version alert", func(c net.Conn) { readHello(c); c.Write(tlsAlert(70)) }, critical(cause.TLSNoCommonVersion), "alert 70"},
		{"unrecognized name", func(c net.Conn) { readHello(c); c.Write(tlsAlert(112)) }, critical(cause.TLSSNIUnrecognized), "alert 112"},
		{"handshake failure alert then plaintext 421", func(c net.Conn) {
			readHello(c)
			c.Write(append(tlsAlert(40), "421 TLS handshake failed\r\n"...))
		}, critical(cause.TLSHandshakeFailed), "server sent TLS alert 40 (tls: handshake failure); then in plaintext: 421 TLS handshake failed"},
		{"plaintext instead of ServerHello", func(c net.Conn) { readHello(c); c.Write([]byte("421 Service not available\r\n")) }, critical(cause.TLSHandshakeFailed), "in plaintext: 421 Service not available"},
		{"garbage", func(c net.Conn) { readHello(c); c.Write([]byte("HTTP/1.1 400 Bad Request\r\n")) }, critical(cause.TLSHandshakeFailed), "not TLS"},
		// The 421 is a write of its own after the 234: whether it is read
		// before our ClientHello leaves ("before any ClientHello") or
		// after ("answered the ClientHello in plaintext") is timing; the
		// finding is the same.
		{"plaintext right after 234", func(c net.Conn) { c.Write([]byte("421 TLS not available\r\n")); readHello(c) }, critical(cause.TLSHandshakeFailed), "the server sent: 421 TLS not available|in plaintext: 421 TLS not available"},
		{"reset after 234", func(c net.Conn) { c.(*net.TCPConn).SetLinger(0) }, critical(cause.ALGBreaksTLSAfter234), "after 234"},
		{"stall after 234", func(c net.Conn) { readHello(c); readHello(c) }, critical(cause.ALGBreaksTLSAfter234), "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnoseAfterAuth(t, "220 ready", tt.afterAuth)
			wantFindings(t, r, tt.want)
			if f := r.Findings[0]; !slices.ContainsFunc(strings.Split(tt.evidence, "|"), func(e string) bool { return strings.Contains(f.Evidence, e) }) {
				t.Errorf("evidence = %q, want it to contain %q", f.Evidence, tt.evidence)
			}
		})
	}
}

// diagnoseAfterAuth diagnoses, in explicit mode with one-second steps, a
// scripted server that greets with greeting, answers FEAT and AUTH TLS
// (234), then hands the connection to afterAuth for the handshake.
func diagnoseAfterAuth(t *testing.T, greeting string, afterAuth func(net.Conn)) *result.Result {
	t.Helper()
	srv := serve(t, ftpstest.Config{OnConnect: script{
		greeting:  greeting,
		answer:    map[string]string{"FEAT": plainFeat, "AUTH TLS": "234 AUTH TLS successful"},
		afterAuth: afterAuth,
	}.run})
	return diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.Timeout = time.Second })
}

func TestPlaintextInsideTLS(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	srv := serve(t, ftpstest.Config{OnConnect: script{
		greeting: "220 (vsFTPd 3.0.3)",
		answer:   map[string]string{"FEAT": plainFeat, "AUTH TLS": "234 Proceed with negotiation."},
		afterAuth: func(c net.Conn) {
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
			if tc.Handshake() != nil {
				return
			}
			bufio.NewReader(tc).ReadString('\n') // FEAT
			c.Write([]byte("500 OOPS: vsftpd: refusing to run with writable root inside chroot()\r\n"))
		},
	}.run})
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, critical(cause.ServerErrorPlaintextInsideTLS))
	f := r.Findings[0]
	if !strings.Contains(f.Evidence, "500 OOPS: vsftpd: refusing to run with writable root inside chroot()") {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if !strings.Contains(f.Remedy, "allow_writeable_chroot") {
		t.Errorf("remedy = %q", f.Remedy)
	}
}

func TestCertificateFindings(t *testing.T) {
	now := time.Now()
	ca := rootCA(t)
	inter, err := ca.NewIntermediate("ftpsdiag probe test intermediate")
	if err != nil {
		t.Fatal(err)
	}
	interLeaf, err := inter.Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	leafOnly := interLeaf
	leafOnly.Certificate = leafOnly.Certificate[:1]
	leafOnlyAIA, err := inter.Issue(testcert.Options{DNSNames: []string{"localhost"}, IssuingCertificateURL: "http://127.0.0.1:9/inter.crt"})
	if err != nil {
		t.Fatal(err)
	}
	leafOnlyAIA.Certificate = leafOnlyAIA.Certificate[:1]
	selfSigned, err := testcert.SelfSigned(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	expiredSelfSigned, err := testcert.SelfSigned(testcert.Options{DNSNames: []string{"localhost"}, NotBefore: now.Add(-400 * 24 * time.Hour), NotAfter: now.Add(-3 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	withRoot := localCert(t, testcert.Options{})
	withRoot.Certificate = append(withRoot.Certificate, ca.Cert.Raw)
	unsorted := interLeaf
	unsorted.Certificate = [][]byte{interLeaf.Certificate[0], ca.Cert.Raw, interLeaf.Certificate[1]}
	caAsLeaf := tls.Certificate{Certificate: [][]byte{inter.Cert.Raw}, PrivateKey: inter.Key}
	mustStapleExt := pkix.Extension{Id: oidTLSFeature, Value: []byte{0x30, 0x03, 0x02, 0x01, 0x05}} // SEQUENCE { INTEGER 5 }

	tests := []struct {
		name   string
		cert   tls.Certificate
		server string // server name to check against
		roots  *x509.CertPool
		want   []string
	}{
		{"good", localCert(t, testcert.Options{}), "localhost", nil, nil},
		{"intermediate sent", interLeaf, "localhost", nil, nil},
		{"expired", localCert(t, testcert.Options{NotBefore: now.Add(-90 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}), "localhost", nil, []string{critical(cause.CertExpired)}},
		{"not yet valid", localCert(t, testcert.Options{NotBefore: now.Add(48 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}), "localhost", nil, []string{critical(cause.CertNotYetValid)}},
		{"expiring soon", localCert(t, testcert.Options{NotAfter: now.Add(10 * 24 * time.Hour)}), "localhost", nil, []string{warning(cause.CertExpiringSoon)}},
		{"wrong name", localCert(t, testcert.Options{DNSNames: []string{"ftp.example.com"}}), "localhost", nil, []string{critical(cause.CertNameMismatch)}},
		{"IP without IP SAN", localCert(t, testcert.Options{IPs: []net.IP{net.IPv4(127, 0, 0, 2)}}), "127.0.0.1", nil, []string{critical(cause.CertNameMismatch)}},
		{"self-signed", selfSigned, "localhost", nil, []string{critical(cause.CertSelfSigned)}},
		{"expired and self-signed", expiredSelfSigned, "localhost", nil, []string{critical(cause.CertExpired), critical(cause.CertSelfSigned)}},
		// No issuer URL (AIA) in the leaf: read as a private CA (TestUnsentIssuer).
		{"intermediate missing, no AIA", leafOnly, "localhost", nil, []string{critical(cause.CertUntrusted)}},
		{"intermediate missing", leafOnlyAIA, "localhost", nil, []string{critical(cause.CertChainIncomplete)}},
		{"private root not trusted", withRoot, "localhost", x509.NewCertPool(), []string{critical(cause.CertUntrusted)}},
		{"weak key", localCert(t, testcert.Options{RSABits: 1024}), "localhost", nil, []string{critical(cause.CertWeakKey)}},
		{"SHA-1 signature", localCert(t, testcert.Options{SignatureAlgorithm: x509.ECDSAWithSHA1}), "localhost", nil, []string{critical(cause.CertWeakSignature)}},
		{"unsorted chain", unsorted, "localhost", nil, []string{warning(cause.CertChainUnsorted)}},
		{"CA certificate as leaf", caAsLeaf, "ftpsdiag probe test intermediate", nil, []string{warning(cause.CertLeafIsCA), warning(cause.CertNoSAN), info(cause.CertValidityTooLong)}},
		{"CN only", localCert(t, testcert.Options{CommonName: "localhost", DNSNames: []string{}, IPs: []net.IP{}}), "localhost", nil, []string{warning(cause.CertNoSAN)}},
		{"CN only, other name", localCert(t, testcert.Options{CommonName: "ftp.example.com", DNSNames: []string{}, IPs: []net.IP{}}), "localhost", nil, []string{critical(cause.CertNameMismatch), warning(cause.CertNoSAN)}},
		{"lifetime over the browser limit", localCert(t, testcert.Options{NotAfter: now.Add(400 * 24 * time.Hour)}), "localhost", nil, []string{info(cause.CertValidityTooLong)}},
		{"negative serial", localCert(t, testcert.Options{Serial: big.NewInt(-0x1234567)}), "localhost", nil, []string{warning(cause.CertNegativeSerial)}},
		{"must-staple without staple", localCert(t, testcert.Options{ExtraExtensions: []pkix.Extension{mustStapleExt}}), "localhost", nil, []string{critical(cause.CertMustStapleMissing)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(tt.cert)})
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode = ModeExplicit
				c.ServerName = tt.server
				if tt.roots != nil {
					c.Roots = tt.roots
				}
			})
			wantFindings(t, r, strict(tt.want...)...)
			a := r.Attempts[0]
			if !a.OK {
				t.Errorf("a bad certificate must not stop the diagnosis: %s", a.Error)
			}
			if len(a.Certificates) != len(tt.cert.Certificate) {
				t.Errorf("recorded %d certificates, server sent %d", len(a.Certificates), len(tt.cert.Certificate))
			}
		})
	}
}

func TestLegacyTLSAndClientCert(t *testing.T) {
	conf := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
	conf.MinVersion, conf.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
	conf.ClientAuth = tls.RequestClientCert
	srv := serve(t, ftpstest.Config{TLS: conf})
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, strict(warning(cause.TLSLegacyVersion), info(cause.TLSClientCertRequested))...)
	a := r.Attempts[0]
	if a.TLS.Version != "TLS 1.0" || !a.TLS.ClientCertRequest {
		t.Errorf("tls = %+v", a.TLS)
	}
	// TLS 1.0: a full handshake costs two round trips, one more than
	// TestExplicitHealthy's.
	if a.RoundTrips != 22 {
		t.Errorf("round trips = %d, want 22", a.RoundTrips)
	}
}

func TestPasswordNeverOnTimeline(t *testing.T) {
	if got := maskPassword("PASS hunter2"); got != "PASS ****" {
		t.Errorf("maskPassword = %q", got)
	}
	if got := maskPassword("pass hunter2"); got != "PASS ****" {
		t.Errorf("maskPassword(lower case) = %q", got)
	}
}

func TestOverallDeadlineMidHandshake(t *testing.T) {
	srv := serve(t, ftpstest.Config{OnConnect: script{
		greeting:  "220 ready",
		answer:    map[string]string{"FEAT": plainFeat, "AUTH TLS": "234 ok"},
		afterAuth: func(c net.Conn) { c.Read(make([]byte, 4096)); c.Read(make([]byte, 1)) },
	}.run})
	tg, _ := ParseTarget(srv.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan *result.Result)
	go func() { done <- Run(ctx, Config{Target: tg, Mode: ModeExplicit, Timeout: time.Hour}) }()
	select {
	case r := <-done:
		// Our deadline stalled nothing on the server's side: the handshake
		// was cut, which says nothing about a middlebox.
		wantFindings(t, r, warning(cause.RunInterrupted))
		if f := finding(t, r, cause.RunInterrupted); !strings.Contains(f.Evidence, "TLS handshake") {
			t.Errorf("evidence %q does not name the step that was cut", f.Evidence)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the overall deadline did not stop a stalled handshake")
	}
}

// The README is the user's list of finding ids: it must name every one.
func TestREADMEListsEveryFinding(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range cause.Reported() {
		c := id.Cause()
		if !strings.Contains(string(readme), "| `"+id.String()+"` | "+string(c.Severity)+" | "+c.Stage+" |") {
			t.Errorf("README.md has no findings-table row for %s (%s, %s)", id, c.Severity, c.Stage)
		}
	}
}

// replayConn serves bytes already read from a connection before the rest.
type replayConn struct {
	net.Conn
	r io.Reader
}

func (c replayConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// A server whose virtual hosts do not know the name: alert 112 with SNI,
// a good handshake without. The retry tells a vhost mismatch from a
// certificate problem.
func TestSNIRetry(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	srv := serve(t, ftpstest.Config{OnConnect: script{
		greeting: "220 ProFTPD Server (vhosts) [127.0.0.1]",
		answer:   map[string]string{"FEAT": plainFeat, "AUTH TLS": "234 AUTH TLS successful"},
		afterAuth: func(c net.Conn) {
			hello := make([]byte, 4096)
			n, err := c.Read(hello)
			if err != nil {
				return
			}
			if bytes.Contains(hello[:n], []byte("ftp.example.com")) {
				c.Write(tlsAlert(112))
				return
			}
			tc := tls.Server(replayConn{c, io.MultiReader(bytes.NewReader(hello[:n]), c)}, &tls.Config{Certificates: []tls.Certificate{cert}})
			if tc.Handshake() == nil {
				bufio.NewReader(tc).ReadString('\n') // QUIT
			}
		},
	}.run})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.ServerName = "ftp.example.com" })
	wantFindings(t, r, critical(cause.TLSSNIUnrecognized))
	f := r.Findings[0]
	if !strings.Contains(f.Evidence, "without SNI the handshake succeeds: ftp.example.com matches no virtual host") {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if !strings.Contains(f.Remedy, "ServerAlias") {
		t.Errorf("remedy for ProFTPD = %q", f.Remedy)
	}
	if a := r.Attempts[0]; len(a.Audits) != 1 || !strings.HasPrefix(a.Audits[0].Purpose, "SNI:") {
		t.Errorf("audits = %+v", a.Audits)
	}
}
