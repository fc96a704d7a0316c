package ftpstest_test

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const serverName = "ftp.example.test"

// pki is a CA and a server certificate for serverName and 127.0.0.1.
type pki struct {
	ca   *testcert.CA
	cert tls.Certificate
}

func newPKI(t *testing.T) pki {
	t.Helper()
	ca, err := testcert.NewRoot("ftpstest root")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(testcert.Options{DNSNames: []string{serverName}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	return pki{ca, cert}
}

// clientConfig trusts the CA and caches sessions under serverName, for control and data alike.
func (p pki) clientConfig() *tls.Config {
	return &tls.Config{
		RootCAs:            p.ca.Pool(),
		ServerName:         serverName,
		ClientSessionCache: tls.NewLRUClientSessionCache(8),
	}
}

func start(t *testing.T, cfg ftpstest.Config) *ftpstest.Server {
	t.Helper()
	cfg.Logf = t.Logf
	srv, err := ftpstest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

// client is a minimal FTP client: a connection, a line reader and a test to fail.
type client struct {
	t    *testing.T
	conn net.Conn // current control connection: TCP, then TLS
	r    *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{t: t, conn: conn, r: bufio.NewReader(conn)}
}

// reply reads one reply, multi-line included, and returns its code and full text.
func (c *client) reply() (int, string) {
	c.t.Helper()
	var lines []string
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("reading reply after %q: %v", lines, err)
		}
		line = strings.TrimRight(line, "\r\n")
		lines = append(lines, line)
		if len(lines[0]) < 4 {
			c.t.Fatalf("malformed reply %q", lines[0])
		}
		if len(lines) == 1 && lines[0][3] != '-' || len(lines) > 1 && strings.HasPrefix(line, lines[0][:3]+" ") {
			break
		}
	}
	code, err := strconv.Atoi(lines[0][:3])
	if err != nil {
		c.t.Fatalf("malformed reply %q", lines[0])
	}
	return code, strings.Join(lines, "\n")
}

// expect reads a reply and fails the test unless its code is want.
func (c *client) expect(want int) string {
	c.t.Helper()
	code, text := c.reply()
	if code != want {
		c.t.Fatalf("got %q, want %d", text, want)
	}
	return text
}

func (c *client) send(cmd string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, cmd+"\r\n"); err != nil {
		c.t.Fatalf("sending %q: %v", cmd, err)
	}
}

// cmd sends cmd and expects a reply with code want.
func (c *client) cmd(cmd string, want int) string {
	c.t.Helper()
	c.send(cmd)
	return c.expect(want)
}

// bufConn reads through the reply reader, so that bytes it buffered after the 234 reach TLS.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *client) tlsClient(cfg *tls.Config) *tls.Conn {
	return tls.Client(bufConn{c.conn, c.r}, cfg)
}

func (c *client) startTLS(cfg *tls.Config) *tls.Conn {
	c.t.Helper()
	tc := c.tlsClient(cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("control handshake: %v", err)
	}
	c.conn, c.r = tc, bufio.NewReader(tc)
	return tc
}

var pasvRE = regexp.MustCompile(`\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)`)

// pasv sends PASV and returns the advertised address.
func (c *client) pasv() string {
	c.t.Helper()
	text := c.cmd("PASV", 227)
	m := pasvRE.FindStringSubmatch(text)
	if m == nil {
		c.t.Fatalf("no address in %q", text)
	}
	var n [6]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return fmt.Sprintf("%d.%d.%d.%d:%d", n[0], n[1], n[2], n[3], n[4]*256+n[5])
}

// epsv sends EPSV and returns the data address on the control peer.
func (c *client) epsv() string {
	c.t.Helper()
	text := c.cmd("EPSV", 229)
	m := regexp.MustCompile(`\(\|\|\|(\d+)\|\)`).FindStringSubmatch(text)
	if m == nil {
		c.t.Fatalf("no port in %q", text)
	}
	host, _, _ := net.SplitHostPort(c.conn.RemoteAddr().String())
	return net.JoinHostPort(host, m[1])
}

// list runs cmd over a data connection to addr, under TLS when cfg is not nil, and returns
// the data lines and the data TLS state.
func (c *client) list(addr, cmd string, cfg *tls.Config) ([]string, *tls.ConnectionState) {
	c.t.Helper()
	dc, err := net.Dial("tcp", addr)
	if err != nil {
		c.t.Fatal(err)
	}
	defer dc.Close()
	dc.SetDeadline(time.Now().Add(10 * time.Second))
	c.cmd(cmd, 150)
	var r io.Reader = dc
	var state *tls.ConnectionState
	if cfg != nil {
		tc := tls.Client(dc, cfg)
		if err := tc.Handshake(); err != nil {
			c.t.Fatalf("data handshake: %v", err)
		}
		st := tc.ConnectionState()
		state, r = &st, tc
	}
	data, err := io.ReadAll(r)
	if err != nil {
		c.t.Fatalf("reading data: %v", err)
	}
	c.expect(226)
	return strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n"), state
}

func TestExplicitListResumesSession(t *testing.T) {
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			p := newPKI(t)
			scfg := ftpstest.NewTLSConfig(p.cert)
			scfg.MaxVersion = v
			srv := start(t, ftpstest.Config{TLS: scfg, Users: map[string]string{"alice": "s3cret"}})

			c := dial(t, srv.Addr)
			c.expect(220)
			if feat := c.cmd("FEAT", 211); !strings.Contains(feat, "\n AUTH TLS\n") || !strings.HasSuffix(feat, "\n211 End") {
				t.Errorf("FEAT = %q", feat)
			}
			c.cmd("AUTH TLS", 234)
			ccfg := p.clientConfig()
			if got := c.startTLS(ccfg).ConnectionState().Version; got != v {
				t.Errorf("control TLS version %x, want %x", got, v)
			}
			c.cmd("USER alice", 331)
			c.cmd("PASS s3cret", 230)
			c.cmd("PBSZ 0", 200) // reading this reply also reads a TLS 1.3 ticket
			c.cmd("PROT P", 200)
			c.cmd("TYPE I", 200)
			lines, state := c.list(c.pasv(), "LIST", ccfg)
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "drwxr-xr-x") {
				t.Errorf("LIST data = %q", lines)
			}
			if !state.DidResume {
				t.Error("data TLS did not resume the control session")
			}
			c.cmd("QUIT", 221)

			want := []string{"FEAT", "AUTH TLS", "USER alice", "PASS ****", "PBSZ 0", "PROT P", "TYPE I", "PASV", "LIST", "QUIT"}
			if got := srv.Commands(); !slices.Equal(got, want) {
				t.Errorf("Commands() = %q, want %q", got, want)
			}
		})
	}
}

func TestImplicit(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{Implicit: true, TLS: ftpstest.NewTLSConfig(p.cert)})

	ccfg := p.clientConfig()
	conn, err := tls.Dial("tcp", srv.Addr, ccfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	c := &client{t: t, conn: conn, r: bufio.NewReader(conn)}
	c.expect(220)
	c.cmd("AUTH TLS", 503)
	c.cmd("USER anonymous", 331)
	c.cmd("PASS guest@", 230)
	c.cmd("PBSZ 0", 200)
	c.cmd("PROT P", 200)
	names, state := c.list(c.epsv(), "NLST", ccfg)
	if want := []string{"pub", "readme.txt"}; !slices.Equal(names, want) {
		t.Errorf("NLST = %q, want %q", names, want)
	}
	if !state.DidResume {
		t.Error("data TLS did not resume the control session")
	}
	c.cmd("QUIT", 221)
}

func TestSequenceErrors(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(p.cert), DenyAnonymous: true, Users: map[string]string{"bob": "pw"}})
	c := dial(t, srv.Addr)
	c.expect(220)
	for _, step := range []struct {
		cmd  string
		want int
	}{
		{"PBSZ 0", 503},
		{"PROT P", 503},
		{"AUTH KERBEROS_V4", 504},
		{"PASV", 530},
		{"USER anonymous", 331},
		{"PASS x", 530},
		{"USER bob", 331},
		{"PASS wrong", 530},
		{"PASS pw", 503},
		{"USER bob", 331},
		{"PASS pw", 230},
		{"LIST", 425},
		{"EPSV 2", 522},
		{"SITE CHMOD 644 x", 502},
		{"syst", 215},
		{"CCC", 533},
	} {
		c.cmd(step.cmd, step.want)
	}
	// Clear data works when no refusal is scripted.
	lines, _ := c.list(c.pasv(), "MLSD", nil)
	if want := []string{"type=dir;size=4096; pub", "type=file;size=1048; readme.txt"}; !slices.Equal(lines, want) {
		t.Errorf("MLSD = %q, want %q", lines, want)
	}
	c.cmd("AUTH TLS", 234)
	c.startTLS(p.clientConfig())
	c.cmd("PROT P", 503)
	c.cmd("PROT S", 503)
	c.cmd("PBSZ 0", 200)
	c.cmd("PROT S", 536)
	c.cmd("PROT X", 504)
}

func TestNoTLS(t *testing.T) {
	srv := start(t, ftpstest.Config{})
	c := dial(t, srv.Addr)
	c.expect(220)
	if feat := c.cmd("FEAT", 211); strings.Contains(feat, "AUTH") {
		t.Errorf("FEAT without TLS lists AUTH: %q", feat)
	}
	if got := c.cmd("AUTH TLS", 504); got != "504 Unknown AUTH type." {
		t.Errorf("AUTH TLS = %q", got)
	}
	c.cmd("NOOP", 200)

	if _, err := ftpstest.NewServer(ftpstest.Config{Implicit: true}); err == nil {
		t.Error("NewServer accepted implicit mode without TLS")
	}
}

func TestRepliesOverride(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{
		TLS: ftpstest.NewTLSConfig(p.cert),
		Replies: map[string]string{
			"auth tls": "431 Unable to accept security mechanism.",
			"AUTH SSL": "234-Proceed\r\n234 with negotiation.",
			"FEAT":     "500 FEAT not understood",
			"HOST":     "220 Host accepted.",
			"PROT P":   "534 Request denied for policy reasons.",
		},
	})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("FEAT", 500)
	c.cmd("HOST ftp.example.test", 220)
	c.cmd("AUTH TLS", 431)
	c.cmd("NOOP", 200) // still in clear: the 431 did not upgrade
	if got := c.cmd("AUTH SSL", 234); got != "234-Proceed\n234 with negotiation." {
		t.Errorf("multi-line override = %q", got)
	}
	c.startTLS(p.clientConfig())
	c.cmd("USER anonymous", 331)
	c.cmd("PASS x", 230)
	c.cmd("PROT P", 534)
	c.cmd("PROT C", 200)
	c.cmd("QUIT", 221)
}

func TestVsftpdTranscript(t *testing.T) {
	p := newPKI(t)
	cfg := ftpstest.Vsftpd(ftpstest.NewTLSConfig(p.cert))
	cfg.ReuseRefusal = ftpstest.VsftpdReuseRefusal
	srv := start(t, cfg)
	c := dial(t, srv.Addr)
	ccfg := p.clientConfig()
	var dc net.Conn
	var err error
	for _, step := range []struct{ cmd, want string }{
		{"", "220 (vsFTPd 3.0.3)"},
		{"AUTH TLS", "234 Proceed with negotiation."},
		{"USER anonymous", "331 Please specify the password."},
		{"PASS x", "230 Login successful."},
		{"PBSZ 0", "200 PBSZ set to 0."},
		{"PROT P", "200 PROT now Private."},
		{"PASV", "227 Entering Passive Mode (127,0,0,1,"},
		{"LIST", "150 Here comes the directory listing."},
		{"", "226 Directory send OK."},
		{"BOGUS", "500 Unknown command."},
		{"QUIT", "221 Goodbye."},
	} {
		if step.cmd != "" {
			c.send(step.cmd)
		}
		_, got := c.reply()
		if !strings.HasPrefix(got, step.want) {
			t.Fatalf("%s: got %q, want %q", step.cmd, got, step.want)
		}
		switch step.cmd {
		case "AUTH TLS":
			c.startTLS(ccfg)
		case "PASV":
			m := pasvRE.FindStringSubmatch(got)
			p1, _ := strconv.Atoi(m[5])
			p2, _ := strconv.Atoi(m[6])
			dc, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p1*256+p2))
			if err != nil {
				t.Fatal(err)
			}
			defer dc.Close()
		case "LIST":
			tc := tls.Client(dc, ccfg)
			if _, err := io.ReadAll(tc); err != nil {
				t.Fatalf("reading data: %v", err)
			}
			if !tc.ConnectionState().DidResume {
				t.Error("data TLS did not resume the control session")
			}
		}
	}
}

// protectedSession logs in anonymously to a server started with cfg
// (its TLS set from p) and asks for PROT P.
func protectedSession(t *testing.T, p pki, cfg ftpstest.Config) *client {
	cfg.TLS = ftpstest.NewTLSConfig(p.cert)
	srv := start(t, cfg)
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	c.startTLS(p.clientConfig())
	c.cmd("USER anonymous", 331)
	c.cmd("PASS x", 230)
	c.cmd("PBSZ 0", 200)
	c.cmd("PROT P", 200)
	return c
}

func TestReuseRefusal(t *testing.T) {
	p := newPKI(t)
	c := protectedSession(t, p, ftpstest.Config{ReuseRefusal: ftpstest.VsftpdReuseRefusal})

	dc, err := net.Dial("tcp", c.pasv())
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	c.cmd("LIST", 150)
	noCache := p.clientConfig()
	noCache.ClientSessionCache = nil
	tc := tls.Client(dc, noCache)
	if err := tc.Handshake(); err != nil {
		t.Fatalf("data handshake: %v", err)
	}
	if got := c.expect(522); got != ftpstest.VsftpdReuseRefusal {
		t.Errorf("got %q", got)
	}
}

func TestClearRefusals(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{
		TLS:               ftpstest.NewTLSConfig(p.cert),
		ClearLoginRefusal: ftpstest.VsftpdClearLoginRefusal,
		ClearDataRefusal:  ftpstest.VsftpdClearDataRefusal,
	})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("USER alice", 530)
	c.cmd("AUTH TLS", 234)
	c.startTLS(p.clientConfig())
	c.cmd("USER anonymous", 331)
	c.cmd("PASS x", 230)
	c.pasv()
	c.cmd("LIST", 522)
}

func TestPassiveHost(t *testing.T) {
	srv := start(t, ftpstest.Config{PassiveHost: "10.0.0.5"})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("USER ftp", 331)
	c.cmd("PASS x", 230)
	if addr := c.pasv(); !strings.HasPrefix(addr, "10.0.0.5:") {
		t.Errorf("PASV advertised %s", addr)
	}
}

func TestHost(t *testing.T) {
	if _, err := ftpstest.NewServer(ftpstest.Config{Host: "10.0.0.5"}); err == nil {
		t.Error("a Host that is not loopback was accepted")
	}
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	ln.Close()
	srv := start(t, ftpstest.Config{Host: "::1"})
	if !strings.HasPrefix(srv.Addr, "[::1]:") {
		t.Fatalf("Addr = %s", srv.Addr)
	}
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("USER ftp", 331)
	c.cmd("PASS x", 230)
	r := c.cmd("EPSV", 229)
	port := r[strings.Index(r, "|||")+3 : strings.LastIndex(r, "|")]
	dc, err := net.Dial("tcp", "[::1]:"+port)
	if err != nil {
		t.Fatalf("EPSV port not on ::1: %v", err)
	}
	dc.Close()
}

func TestCCC(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(p.cert), AllowCCC: true})
	c := dial(t, srv.Addr)
	raw := c.conn
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	tc := c.startTLS(p.clientConfig())
	c.cmd("CCC", 200)
	if _, err := c.r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after CCC: got %v, want the server's close_notify", err)
	}
	if err := tc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	raw.SetDeadline(time.Now().Add(10 * time.Second)) // CloseWrite expired it
	c.conn, c.r = raw, bufio.NewReader(raw)
	c.cmd("NOOP", 200)
	c.cmd("PBSZ 0", 200) // the session stays secured for RFC 2228 purposes
}

func TestOnConnectSilent(t *testing.T) {
	srv := start(t, ftpstest.Config{OnConnect: ftpstest.Silent})
	c := dial(t, srv.Addr)
	c.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err := c.r.ReadByte()
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("got %v, want a timeout", err)
	}
}

func TestOnConnectReset(t *testing.T) {
	srv := start(t, ftpstest.Config{OnConnect: ftpstest.Reset})
	conn, err := net.Dial("tcp", srv.Addr) // the reset may even beat the dial
	if err == nil {
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = conn.Read(make([]byte, 1))
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("got %v, want a reset", err)
	}
}

func TestDrip(t *testing.T) {
	srv := start(t, ftpstest.Config{OnConnect: ftpstest.Drip("220 slow\r\n", time.Millisecond)})
	c := dial(t, srv.Addr)
	if got := c.expect(220); got != "220 slow" {
		t.Errorf("got %q", got)
	}
}

func TestAfterAuthPlaintext(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{
		TLS:       ftpstest.NewTLSConfig(p.cert),
		AfterAuth: ftpstest.Say("421 Service not available, closing control connection."),
	})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	err := c.tlsClient(p.clientConfig()).Handshake()
	var rh tls.RecordHeaderError
	if !errors.As(err, &rh) {
		t.Fatalf("handshake error %v, want a RecordHeaderError", err)
	}
	if got := string(rh.RecordHeader[:]); got != "421 S" {
		t.Errorf("record header %q", got)
	}
}

func TestAfterAuthAlert(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(p.cert), AfterAuth: ftpstest.Alert(70)})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	err := c.tlsClient(p.clientConfig()).Handshake()
	if err == nil || !strings.Contains(err.Error(), "remote error: tls: protocol version not supported") {
		t.Fatalf("handshake error %v, want alert 70", err)
	}
}

func TestGreetingAndDelays(t *testing.T) {
	const delay = 50 * time.Millisecond
	cfg := ftpstest.PureFTPd(nil)
	cfg.GreetingDelay = delay
	cfg.ReplyDelay = delay
	srv := start(t, cfg)
	begin := time.Now()
	c := dial(t, srv.Addr)
	greeting := c.expect(220)
	if n := strings.Count(greeting, "\n") + 1; n != 4 {
		t.Errorf("greeting has %d lines: %q", n, greeting)
	}
	c.cmd("NOOP", 200)
	if elapsed := time.Since(begin); elapsed < 2*delay {
		t.Errorf("greeting and reply took %v, want at least %v", elapsed, 2*delay)
	}
	c.cmd("AUTH TLS", 500)
}

func TestLineTooLong(t *testing.T) {
	srv := start(t, ftpstest.Config{})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.send(strings.Repeat("A", 5000))
	c.expect(500)
	if _, err := c.r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("after an oversized line: %v, want EOF", err)
	}
}

func TestCloseWithLiveSessions(t *testing.T) {
	p := newPKI(t)
	var servers []*ftpstest.Server
	for _, cfg := range []ftpstest.Config{
		{TLS: ftpstest.NewTLSConfig(p.cert)},
		{OnConnect: ftpstest.Silent},
		{GreetingDelay: time.Hour},
		{OnConnect: ftpstest.Drip("220 ready\r\n", time.Hour)},
	} {
		srv, err := ftpstest.NewServer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		servers = append(servers, srv)
	}
	srv := servers[0]

	idle := dial(t, srv.Addr) // under TLS, waiting for a command
	idle.expect(220)
	idle.cmd("AUTH TLS", 234)
	idle.startTLS(p.clientConfig())

	waiting := dial(t, srv.Addr) // the server waits for the data connection
	waiting.expect(220)
	waiting.cmd("USER ftp", 331)
	waiting.cmd("PASS x", 230)
	waiting.pasv()
	waiting.send("LIST")

	hs := dial(t, srv.Addr) // the server waits for a ClientHello
	hs.expect(220)
	hs.cmd("AUTH TLS", 234)

	mute := dial(t, servers[1].Addr) // OnConnect hook running
	mute.send("USER x")

	slow := dial(t, servers[2].Addr) // the server waits to greet

	drip := dial(t, servers[3].Addr) // the hook waits to send the next byte
	if b, err := drip.r.ReadByte(); err != nil || b != '2' {
		t.Fatalf("first dripped byte: %q, %v", b, err)
	}

	closed := make(chan error, len(servers))
	for _, srv := range servers {
		go func() { closed <- srv.Close() }()
	}
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	for range servers {
		select {
		case err := <-closed:
			if err != nil {
				t.Errorf("Close: %v", err)
			}
		case <-timeout.C:
			t.Fatal("Close did not return with live sessions")
		}
	}
	for _, c := range []*client{idle, waiting, hs, mute, slow, drip} {
		if _, err := c.r.ReadByte(); err == nil {
			t.Errorf("%v: connection still open after Close", c.conn.LocalAddr())
		}
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := net.Dial("tcp", srv.Addr); err == nil {
		t.Error("server still accepts after Close")
	}
}

// With Mark150AfterDataTLS the 150 follows the data handshake; a client
// that waits for it instead gets 425 once IdleTimeout has passed.
func TestMark150AfterDataTLS(t *testing.T) {
	p := newPKI(t)
	c := protectedSession(t, p, ftpstest.Config{Mark150AfterDataTLS: true, IdleTimeout: 300 * time.Millisecond})

	// Waiting for the 150 first: the server gives up.
	dc, err := net.Dial("tcp", c.pasv())
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if got := c.cmd("LIST", 425); got != "425 No connection established" {
		t.Errorf("got %q", got)
	}

	// The handshake first: the 150 comes once it is done.
	dc2, err := net.Dial("tcp", c.pasv())
	if err != nil {
		t.Fatal(err)
	}
	defer dc2.Close()
	c.send("LIST")
	if err := tls.Client(dc2, p.clientConfig()).Handshake(); err != nil {
		t.Fatalf("data handshake: %v", err)
	}
	c.expect(150)
}
