package ftpdtest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// ftpConn is just enough of an FTP client to prove the harness.
type ftpConn struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
}

func dial(t testing.TB, addr string) *ftpConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return newConn(t, c)
}

func newConn(t testing.TB, c net.Conn) *ftpConn {
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &ftpConn{t: t, c: c, r: bufio.NewReader(c)}
}

// reply reads one reply, multi-line ones whole (lines joined by "\n").
func (f *ftpConn) reply() string {
	f.t.Helper()
	var lines []string
	for {
		line, err := f.r.ReadString('\n')
		if err != nil {
			f.t.Fatalf("reading reply after %q: %v", lines, err)
		}
		line = strings.TrimRight(line, "\r\n")
		lines = append(lines, line)
		first := lines[0]
		if len(first) < 4 || first[3] != '-' || (len(lines) > 1 && strings.HasPrefix(line, first[:3]+" ")) {
			return strings.Join(lines, "\n")
		}
	}
}

// cmd sends line and returns the reply, failing unless it has code.
func (f *ftpConn) cmd(code, line string) string {
	f.t.Helper()
	if _, err := fmt.Fprintf(f.c, "%s\r\n", line); err != nil {
		f.t.Fatalf("sending %q: %v", line, err)
	}
	reply := f.reply()
	if code != "" && !strings.HasPrefix(reply, code) {
		f.t.Fatalf("%q: got %q, want %s", line, reply, code)
	}
	return reply
}

// startTLS runs the client handshake on the control connection.
func (f *ftpConn) startTLS(cfg *tls.Config) tls.ConnectionState {
	f.t.Helper()
	tc := tls.Client(f.c, cfg)
	if err := tc.Handshake(); err != nil {
		f.t.Fatalf("TLS handshake: %v", err)
	}
	f.c, f.r = tc, bufio.NewReader(tc)
	return tc.ConnectionState()
}

func (f *ftpConn) login(s *Server) {
	f.t.Helper()
	f.cmd("331", "USER "+s.User)
	f.cmd("230", "PASS "+s.Password)
}

// list runs PBSZ, PROT P, PASV and a protected LIST. With cfg's session
// cache and ServerName the data connection resumes the control session,
// which vsftpd and ProFTPD require; Pure-FTPd never resumes.
func (f *ftpConn) list(cfg *tls.Config, wantResume bool) string {
	f.t.Helper()
	f.cmd("200", "PBSZ 0")
	f.cmd("200", "PROT P")
	pasv := f.cmd("227", "PASV")
	var h1, h2, h3, h4, p1, p2 int
	if _, err := fmt.Sscanf(pasv[strings.Index(pasv, "(")+1:], "%d,%d,%d,%d,%d,%d", &h1, &h2, &h3, &h4, &p1, &p2); err != nil {
		f.t.Fatalf("parsing %q: %v", pasv, err)
	}
	dc, err := net.DialTimeout("tcp", fmt.Sprintf("%d.%d.%d.%d:%d", h1, h2, h3, h4, p1*256+p2), 5*time.Second)
	if err != nil {
		f.t.Fatal(err)
	}
	defer dc.Close()
	dc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(f.c, "LIST\r\n"); err != nil {
		f.t.Fatal(err)
	}
	tc := tls.Client(dc, cfg)
	if err := tc.Handshake(); err != nil {
		f.t.Fatalf("data TLS handshake: %v", err)
	}
	if got := tc.ConnectionState().DidResume; got != wantResume {
		f.t.Errorf("data TLS session resumed: %v, want %v", got, wantResume)
	}
	listing, err := io.ReadAll(tc)
	if err != nil {
		f.t.Errorf("reading listing: %v", err)
	}
	// All three servers wait for the client to close the data connection
	// before they send 226.
	if err := tc.Close(); err != nil {
		f.t.Errorf("closing data connection: %v", err)
	}
	if r := f.reply(); !strings.HasPrefix(r, "150") && !strings.HasPrefix(r, "125") {
		f.t.Fatalf("LIST: got %q, want 150", r)
	}
	if r := f.reply(); !strings.HasPrefix(r, "226") {
		f.t.Fatalf("LIST: got %q, want 226", r)
	}
	return string(listing)
}

func TestExplicit(t *testing.T) {
	root, err := testcert.NewRoot("ftpdtest root")
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.NewIntermediate("ftpdtest intermediate")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := inter.Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			Require(t, kind)
			s := Start(t, kind, Options{TLS: true, Cert: cert})
			f := dial(t, s.Addr)
			greeting := f.reply()
			if !strings.HasPrefix(greeting, "220") {
				t.Fatalf("greeting %q", greeting)
			}
			auth := f.cmd("234", "AUTH TLS")
			// Verifying against the root alone proves the intermediate is served.
			cfg := &tls.Config{RootCAs: root.Pool(), ServerName: "127.0.0.1", ClientSessionCache: tls.NewLRUClientSessionCache(4)}
			st := f.startTLS(cfg)
			f.login(s)
			listing := f.list(cfg, kind != PureFTPd)
			for name := range HomeFiles {
				if !strings.Contains(listing, name) {
					t.Errorf("listing lacks %s:\n%s", name, listing)
				}
			}
			f.cmd("221", "QUIT")
			t.Logf("greeting %q, AUTH TLS %q, %s %s", greeting, auth, tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
		})
	}
}

func TestImplicit(t *testing.T) {
	for _, kind := range []Kind{Vsftpd, ProFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			Require(t, kind)
			s := Start(t, kind, Options{TLS: true, Implicit: true})
			tc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", s.Addr, &tls.Config{InsecureSkipVerify: true})
			if err != nil {
				t.Fatalf("implicit handshake: %v", err)
			}
			f := newConn(t, tc)
			greeting := f.reply()
			if !strings.HasPrefix(greeting, "220") {
				t.Fatalf("greeting inside TLS %q", greeting)
			}
			f.login(s)
			f.cmd("221", "QUIT")
			t.Logf("greeting inside TLS %q", greeting)
		})
	}
}

func TestImplicitUnsupported(t *testing.T) {
	if err := check(PureFTPd, Options{TLS: true, Implicit: true}); err == nil {
		t.Error("implicit Pure-FTPd accepted")
	}
	if err := check(Vsftpd, Options{Implicit: true}); err == nil {
		t.Error("implicit without TLS accepted")
	}
}

func TestTLSDisabled(t *testing.T) {
	want := map[Kind]string{
		Vsftpd:   "530 Please login with USER and PASS.",
		ProFTPD:  "500 AUTH not understood",
		PureFTPd: "500 This security scheme is not implemented",
	}
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			Require(t, kind)
			s := Start(t, kind, Options{})
			f := dial(t, s.Addr)
			f.reply()
			if got := f.cmd("", "AUTH TLS"); got != want[kind] {
				t.Errorf("AUTH TLS: got %q, want %q", got, want[kind])
			}
			f.login(s)
			f.cmd("221", "QUIT")
		})
	}
}

func TestTLS10Only(t *testing.T) {
	Require(t, Vsftpd)
	cert, err := testcert.SelfSigned(testcert.Options{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, RSABits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	s := Start(t, Vsftpd, Options{
		TLS:         true,
		Cert:        cert,
		OpenSSLConf: ProtocolConf("TLSv1", "TLSv1"),
		// Debian's default ssl_ciphers is one TLS 1.2 suite.
		Extra: []string{"ssl_ciphers=DEFAULT:@SECLEVEL=0"},
	})

	f := dial(t, s.Addr)
	f.reply()
	f.cmd("234", "AUTH TLS")
	st := f.startTLS(&tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12})
	if st.Version != tls.VersionTLS10 {
		t.Errorf("negotiated %s, want TLS 1.0", tls.VersionName(st.Version))
	}
	f.login(s)
	f.cmd("221", "QUIT")
	t.Logf("negotiated %s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))

	// A client that insists on TLS 1.2 is refused.
	f = dial(t, s.Addr)
	f.reply()
	f.cmd("234", "AUTH TLS")
	if err := tls.Client(f.c, &tls.Config{InsecureSkipVerify: true}).Handshake(); err == nil {
		t.Error("TLS 1.2 handshake succeeded against a TLS-1.0-only server")
	} else {
		t.Logf("TLS 1.2 client: %v", err)
	}
}

func TestCertificatesServed(t *testing.T) {
	now := time.Now()
	expired, err := testcert.SelfSigned(testcert.Options{
		IPs:       []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: now.Add(-2 * 365 * 24 * time.Hour),
		NotAfter:  now.Add(-365 * 24 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	selfSigned, err := testcert.SelfSigned(testcert.Options{DNSNames: []string{"ftp.example.test"}, RSABits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	certs := map[string]tls.Certificate{"expired": expired, "self-signed": selfSigned}
	for _, kind := range Kinds {
		for name, cert := range certs {
			t.Run(string(kind)+"/"+name, func(t *testing.T) {
				t.Parallel()
				Require(t, kind)
				s := Start(t, kind, Options{TLS: true, Cert: cert})
				f := dial(t, s.Addr)
				f.reply()
				f.cmd("234", "AUTH TLS")
				st := f.startTLS(&tls.Config{InsecureSkipVerify: true})
				if got := st.PeerCertificates[0].Raw; string(got) != string(cert.Certificate[0]) {
					t.Errorf("server sent another certificate: %s", st.PeerCertificates[0].Subject)
				}
				_, err := st.PeerCertificates[0].Verify(x509.VerifyOptions{})
				t.Logf("verification: %v", err)
				f.login(s)
				f.cmd("221", "QUIT")
			})
		}
	}
}

func TestPyftpdlib(t *testing.T) {
	Require(t, Pyftpdlib)
	root, err := testcert.NewRoot("ftpdtest root")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := root.Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	s := Start(t, Pyftpdlib, Options{TLS: true, Cert: cert,
		Extra: []string{"handler.tls_control_required = True", "handler.tls_data_required = True"}})
	f := dial(t, s.Addr)
	if g := f.reply(); g != "220 ftpdtest pyftpdlib ready." {
		t.Fatalf("greeting %q", g)
	}
	// tls_control_required refuses a login in clear.
	if r := f.cmd("", "USER "+s.User); !strings.HasPrefix(r, "550") {
		t.Errorf("USER in clear: got %q, want 550", r)
	}
	f.cmd("234", "AUTH TLS")
	cfg := &tls.Config{RootCAs: root.Pool(), ServerName: "127.0.0.1", ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	st := f.startTLS(cfg)
	f.login(s)
	listing := f.list(cfg, true)
	for name := range HomeFiles {
		if !strings.Contains(listing, name) {
			t.Errorf("listing lacks %s:\n%s", name, listing)
		}
	}
	f.cmd("221", "QUIT")
	t.Logf("%s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
}

func TestPyftpdlibImplicitUnsupported(t *testing.T) {
	if err := check(Pyftpdlib, Options{TLS: true, Implicit: true}); err == nil {
		t.Error("implicit pyftpdlib accepted")
	}
}

// fatalRecorder records what Start logs and the Fatalf that ends it,
// leaving the real test running.
type fatalRecorder struct {
	testing.TB
	logs  []string
	fatal string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A server that exits before it greets (its port taken since it was
// found free, or here a configuration it refuses) is started again on
// other ports, startTries times in all, before the test fails.
func TestStartRetriesAServerThatExits(t *testing.T) {
	Require(t, Vsftpd)
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(r, Vsftpd, Options{Extra: []string{"no_such_vsftpd_option=YES"}})
	}()
	<-done
	retried := 0
	for _, l := range r.logs {
		if strings.Contains(l, "exited before greeting") {
			retried++
		}
	}
	if retried != startTries-1 || !strings.Contains(r.fatal, "did not come up") {
		t.Errorf("%d retries (want %d), then %q", retried, startTries-1, r.fatal)
	}
}
