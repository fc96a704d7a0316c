package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/ftpsdiag/ftpsdiag/probe/tlswire"
)

// A handshake after one that negotiated a group offers that group's key
// share: against a Go server that takes only that group, a first
// handshake (Go's default shares) needs a HelloRetryRequest unless the
// group is x25519 or X25519MLKEM768, a later one never does. This holds
// goGroups and hybridECDH to what crypto/tls really sends.
func TestKeyShareOfferedAfterFirstHandshake(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	for _, group := range goGroups {
		t.Run(tlswire.GroupName(uint16(group)), func(t *testing.T) {
			a := &attempt{cfg: &Config{ServerName: "localhost"}}
			retry, got := handshakeWith(t, a.tlsConfig(), cert, group)
			defaultShares := group == tls.X25519MLKEM768 || group == tls.X25519
			if retry == defaultShares || got != group {
				t.Errorf("first handshake: hello retry %v, group %s; want %v, %s", retry, got, !defaultShares, group)
			}
			a.group = got
			if retry, got := handshakeWith(t, a.tlsConfig(), cert, group); retry || got != group {
				t.Errorf("after one that negotiated %s: hello retry %v, group %s; want none, %[1]s", group, retry, got)
			}
		})
	}
}

// A server that changed its mind still negotiates: after P-256, a server
// that now takes only x25519 gets it, after a HelloRetryRequest.
func TestKeyShareServerChangedGroup(t *testing.T) {
	a := &attempt{cfg: &Config{ServerName: "localhost"}, group: tls.CurveP256}
	if retry, got := handshakeWith(t, a.tlsConfig(), localCert(t, testcert.Options{}), tls.X25519); !retry || got != tls.X25519 {
		t.Errorf("hello retry %v, group %s; want a retry to x25519", retry, got)
	}
}

// handshakeWith runs a handshake from conf to a Go server that takes only
// group, and reports whether the server sent a HelloRetryRequest and the
// group negotiated.
func handshakeWith(t *testing.T, conf *tls.Config, cert tls.Certificate, group tls.CurveID) (retry bool, got tls.CurveID) {
	t.Helper()
	conf.ClientSessionCache = nil // a full handshake each time
	// TCP, buffered unlike net.Pipe: the server writes tickets nobody reads.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A failed handshake must fail the test, not hang it.
	deadline := time.Now().Add(10 * time.Second)
	_ = c.SetDeadline(deadline)
	_ = s.SetDeadline(deadline)
	srv := tls.Server(s, &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: []tls.CurveID{group}})
	done := make(chan error, 1)
	go func() { done <- srv.HandshakeContext(t.Context()) }()
	tap := newTapConn(c)
	tap.watchHello()
	tc := tls.Client(tap, conf)
	cerr := tc.HandshakeContext(t.Context())
	if err := <-done; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
	if cerr != nil {
		t.Fatalf("client handshake: %v", cerr)
	}
	retry, _, ok := parseServerHello(tap.serverHello())
	if !ok {
		t.Fatalf("no ServerHello seen: % x", tap.serverHello())
	}
	return retry, tc.ConnectionState().CurveID
}

// Against the real servers no handshake on the main path pays the
// HelloRetryRequest that vsftpd and Pure-FTPd (P-256 only) send Go's
// default key shares: the main control handshake offers P-256 first, every
// data and audit handshake the group negotiated, and the data handshakes
// still resume (vsftpd's require_ssl_reuse=YES refuses the listing
// otherwise). Only the session-reuse audit's offers Go's default shares:
// tls.hello_retry is what it met. The server's bytes on every connection
// are searched for a HelloRetryRequest.
func TestRealKeyShare(t *testing.T) {
	want := map[ftpdtest.Kind]struct{ retry, resumed bool }{ // Pure-FTPd leaves nothing to resume at TLS 1.3
		ftpdtest.Vsftpd:   {retry: true, resumed: true},
		ftpdtest.ProFTPD:  {retry: false, resumed: true},
		ftpdtest.PureFTPd: {retry: true, resumed: false},
	}
	for _, kind := range ftpdtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			w := want[kind]
			ftpdtest.Require(t, kind)
			srv := ftpdtest.Start(t, kind, ftpdtest.Options{TLS: true, Cert: localCert(t, testcert.Options{})})
			rec := &connRecorder{}
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode, c.ServerName, c.User, c.Password = ModeExplicit, "localhost", srv.User, srv.Password
				c.Dial = rec.dial
			})
			a := r.Attempts[0]
			if a.TLS == nil || a.TLS.Version != "TLS 1.3" || a.TLS.HelloRetry == nil || *a.TLS.HelloRetry != w.retry {
				t.Fatalf("control TLS = %+v; want TLS 1.3, hello_retry %v", a.TLS, w.retry)
			}
			dc := a.DataChannel
			if dc == nil || !dc.OK || len(dc.Transfers) < 2 {
				t.Fatalf("data channel = %+v, want listings", dc)
			}
			for i, tr := range dc.Transfers {
				if !tr.OK || tr.Resumed != w.resumed {
					t.Errorf("transfer %d = %+v, want ok, resumed %v", i, tr, w.resumed)
				}
			}
			conns := rec.all()
			if len(conns) == 0 || conns[0].retried() {
				t.Fatalf("the main control connection got a HelloRetryRequest")
			}
			data, retried := 0, 0
			for i, c := range conns[1:] {
				if c.dataTLS() {
					data++
				}
				if c.retried() {
					retried++
					if c.dataTLS() {
						t.Errorf("data connection %d got a HelloRetryRequest", i+1)
					}
				}
			}
			if want := map[bool]int{true: 1}[w.retry]; retried != want {
				t.Errorf("%d connections got a HelloRetryRequest, want %d (the audit offering Go's default shares)", retried, want)
			}
			if data < 2 || len(r.Attempts[0].Audits) == 0 {
				t.Errorf("%d data handshakes, %d audits; want the main listings' and the audits'", data, len(a.Audits))
			}
			for _, au := range a.Audits {
				for _, e := range au.Timeline {
					if strings.HasPrefix(e.Text, "HelloRetryRequest") && au.Purpose != checkReuse.purpose {
						t.Errorf("audit %q: %s", au.Purpose, e.Text)
					}
				}
			}
			t.Logf("%s: group %s, %d connections, %d data handshakes", kind, a.TLS.Group, len(conns), data)
		})
	}
}

// connRecorder keeps, for every connection the probe dials, the first
// bytes each side sent.
type connRecorder struct {
	mu    sync.Mutex
	conns []*recordedConn
}

// dial dials as the probe does and records the connection.
func (r *connRecorder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	rc := &recordedConn{Conn: c}
	r.mu.Lock()
	r.conns = append(r.conns, rc)
	r.mu.Unlock()
	return rc, nil
}

// all is every connection dialled so far, in order.
func (r *connRecorder) all() []*recordedConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*recordedConn(nil), r.conns...)
}

// recordedSize bounds what a recordedConn keeps of each side: enough for
// a greeting, a FEAT reply, the 234 and the server's first flight.
const recordedSize = 16 << 10

// recordedConn remembers the start of what each side sent.
type recordedConn struct {
	net.Conn
	mu             sync.Mutex
	sent, received []byte
}

// Read reads and remembers.
func (c *recordedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.received = append(c.received, p[:min(n, recordedSize-len(c.received))]...)
	c.mu.Unlock()
	return n, err
}

// Write writes and remembers.
func (c *recordedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.sent = append(c.sent, p[:min(len(p), recordedSize-len(c.sent))]...)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// retried reports a HelloRetryRequest among the server's bytes: its fixed
// random cannot occur by chance.
func (c *recordedConn) retried() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Contains(c.received, helloRetryRandom[:])
}

// dataTLS reports a connection that began with a ClientHello: a
// protected data connection (explicit control connections begin in
// plaintext).
func (c *recordedConn) dataTLS() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent) > 0 && c.sent[0] == 22
}

// A server that fails a handshake offering Go's default key shares, and
// takes one offering P-256 first, works for this diagnosis's main session
// but not for Go clients: the scout's failure is the finding.
func TestGoDefaultSharesRefused(t *testing.T) {
	conf := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
	conf.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		if len(hello.SupportedCurves) > 0 && hello.SupportedCurves[0] == tls.X25519MLKEM768 {
			return nil, errors.New("no X25519MLKEM768 here")
		}
		return nil, nil
	}
	srv := serve(t, ftpstest.Config{TLS: conf})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit })
	a := r.Attempts[0]
	if !a.OK || a.DataChannel == nil || !a.DataChannel.OK {
		t.Fatalf("ok %v, data channel %+v: the main session should work", a.OK, a.DataChannel)
	}
	var evidence string
	for _, f := range r.Findings {
		if cause.TLSHandshakeFailed.Is(f) {
			evidence = f.Evidence
		}
	}
	if !strings.Contains(evidence, "Go's default key shares (X25519MLKEM768, x25519)") || !strings.Contains(evidence, "one offering P-256 first worked") {
		t.Errorf("tls-handshake-failed evidence = %q", evidence)
	}
	if a.TLS.HelloRetry != nil {
		t.Errorf("hello_retry = %v, want unmeasured", *a.TLS.HelloRetry)
	}
}
