package tlsscan

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// tlsServer is a Go TLS server on 127.0.0.1:0 that answers every
// connection with a handshake under conf.
func tlsServer(t *testing.T, conf *tls.Config) string {
	return listen(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		tls.Server(c, conf).Handshake()
	})
}

// listen serves every connection on 127.0.0.1:0 with handle, which the
// connection is closed after; everything stops with the test.
func listen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	return ln.Addr().String()
}

func dialer(addr string) Opener {
	return func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
}

func serverConfig(t *testing.T) *tls.Config {
	ca, err := testcert.NewRoot("tlsscan test root")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(testcert.Options{DNSNames: []string{"localhost"}, RSABits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

func version(t *testing.T, s *result.TLSScan, name string) result.VersionScan {
	t.Helper()
	for _, v := range s.Versions {
		if v.Version == name {
			return v
		}
	}
	t.Fatalf("no %s in %+v", name, s.Versions)
	return result.VersionScan{}
}

func names(suites []result.Suite) []string {
	var out []string
	for _, s := range suites {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func suiteNamesOf(ids []uint16) []string {
	var out []string
	for _, id := range ids {
		out = append(out, tls.CipherSuiteName(id))
	}
	slices.Sort(out)
	return out
}

// A Go server's accepted set is known exactly: the scan must find it all
// and nothing else.
func TestScanGoServer(t *testing.T) {
	conf := serverConfig(t)
	conf.MinVersion, conf.MaxVersion = tls.VersionTLS10, tls.VersionTLS13
	// No ChaCha20 at TLS 1.2: a Go server follows a client that puts
	// ChaCha20 first, which would hide its own preference order.
	conf.CipherSuites = []uint16{
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	}
	conf.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}
	addr := tlsServer(t, conf)
	s := Scan(context.Background(), dialer(addr), Options{ServerName: "localhost", Timeout: 5 * time.Second})

	for _, v := range []string{"SSL 2.0", "SSL 3.0"} {
		if version(t, s, v).Accepted {
			t.Errorf("%s accepted by a Go server", v)
		}
	}
	tls10 := []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}
	for _, v := range []string{"TLS 1.0", "TLS 1.1"} {
		vs := version(t, s, v)
		if got, want := names(vs.Suites), suiteNamesOf(tls10); !vs.Accepted || !slices.Equal(got, want) {
			t.Errorf("%s: accepted %v suites %v, want %v", v, vs.Accepted, got, want)
		}
	}
	vs := version(t, s, "TLS 1.2")
	if got, want := names(vs.Suites), suiteNamesOf(conf.CipherSuites); !slices.Equal(got, want) {
		t.Errorf("TLS 1.2 suites %v, want %v", got, want)
	}
	if vs.ServerPreference == nil || !*vs.ServerPreference {
		t.Errorf("a Go server chooses by its own order: preference %v", vs.ServerPreference)
	}
	if !slices.Equal(sorted(vs.Groups), []string{"secp256r1", "x25519"}) {
		t.Errorf("TLS 1.2 groups %v", vs.Groups)
	}
	vs = version(t, s, "TLS 1.3")
	if got := names(vs.Suites); !slices.Equal(got, []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
		t.Errorf("TLS 1.3 suites %v", got)
	}
	if !slices.Equal(vs.Groups, []string{"x25519", "secp256r1"}) { // a Go server's own order
		t.Errorf("TLS 1.3 groups %v", vs.Groups)
	}
	if s.Connections == 0 || s.DurationMS <= 0 || len(s.Errors) != 0 {
		t.Errorf("connections %d, duration %v, errors %v", s.Connections, s.DurationMS, s.Errors)
	}
}

func TestScanTLS12Only(t *testing.T) {
	conf := serverConfig(t)
	conf.MinVersion, conf.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	s := Scan(context.Background(), dialer(tlsServer(t, conf)), Options{ServerName: "localhost"})
	for _, v := range s.Versions {
		if v.Accepted != (v.Version == "TLS 1.2") {
			t.Errorf("%s accepted = %v", v.Version, v.Accepted)
		}
	}
}

// A server that answers 421 beyond two connections at once: the scan
// slows down, retries, and still finds everything.
func TestScanBacksOffOn421(t *testing.T) {
	conf := serverConfig(t)
	conf.MinVersion, conf.MaxVersion = tls.VersionTLS12, tls.VersionTLS13
	addr := tlsServer(t, conf)
	var open atomic.Int32
	busy := func(ctx context.Context) (net.Conn, error) {
		if open.Add(1) > 2 {
			open.Add(-1)
			return nil, fmt.Errorf("greeting: %w: 421 Too many connections", ErrBusy)
		}
		c, err := dialer(addr)(ctx)
		if err != nil {
			open.Add(-1)
			return nil, err
		}
		return &countedConn{Conn: c, open: &open}, nil
	}
	s := Scan(context.Background(), busy, Options{ServerName: "localhost", MaxConns: 16})
	if s.Backoffs == 0 || s.MaxConns >= 16 {
		t.Errorf("backoffs %d, max conns %d: want the scan to slow down", s.Backoffs, s.MaxConns)
	}
	if !version(t, s, "TLS 1.2").Accepted || !version(t, s, "TLS 1.3").Accepted {
		t.Errorf("versions lost to 421: %+v", s.Versions)
	}
}

type countedConn struct {
	net.Conn
	open *atomic.Int32
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.open.Add(-1) })
	return c.Conn.Close()
}

// A server that never answers: the scan ends within its timeouts and says
// why.
func TestScanSilentServer(t *testing.T) {
	addr := listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := Scan(ctx, dialer(addr), Options{Timeout: 300 * time.Millisecond})
	for _, v := range s.Versions {
		if v.Accepted {
			t.Errorf("%s accepted by a silent server", v.Version)
		}
	}
	if len(s.Errors) == 0 || ctx.Err() != nil {
		t.Errorf("errors %v, ctx %v", s.Errors, ctx.Err())
	}
}

// A scan cut by its ctx: the versions whose probes the cancellation
// stopped are unfinished, not refused, and our own cancellation is no
// probe error. A server that refuses every probe leaves nothing unfinished.
func TestScanCut(t *testing.T) {
	addr := listen(t, func(c net.Conn) { c.Read(make([]byte, 1)) }) // reads the ClientHello, then closes: refused
	d := &net.Dialer{}
	refusing := func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	for _, tc := range []struct {
		name       string
		cancelled  bool
		unfinished string
	}{
		{"refused to the end", false, ""},
		{"cancelled at the first connection", true, "interrupted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			open := refusing
			if tc.cancelled {
				open = func(ctx context.Context) (net.Conn, error) {
					cancel()
					<-ctx.Done()
					return nil, ctx.Err()
				}
			}
			s := Scan(ctx, open, Options{Timeout: 5 * time.Second})
			for _, v := range s.Versions {
				if v.Accepted || v.Unfinished != tc.unfinished {
					t.Errorf("%s: accepted %t, unfinished %q; want false, %q", v.Version, v.Accepted, v.Unfinished, tc.unfinished)
				}
			}
			if tc.cancelled && len(s.Errors) > 0 {
				t.Errorf("errors from our own cancellation: %q", s.Errors)
			}
		})
	}
}

// The caller's connection budget (Options.Slot) is waited for outside a
// probe's Timeout: the first probe of every version waits longer than the
// Timeout for its slot, and nothing is lost.
func TestScanWaitsForSlots(t *testing.T) {
	conf := serverConfig(t)
	conf.MinVersion, conf.MaxVersion = tls.VersionTLS12, tls.VersionTLS13
	addr := tlsServer(t, conf)
	var calls atomic.Int32
	acquire := func(ctx context.Context) (func(), error) {
		if calls.Add(1) <= 6 { // one per version, all at the start
			select {
			case <-time.After(150 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return func() {}, nil
	}
	s := Scan(context.Background(), dialer(addr), Options{ServerName: "localhost", Timeout: 100 * time.Millisecond, Slot: acquire})
	if !version(t, s, "TLS 1.2").Accepted || !version(t, s, "TLS 1.3").Accepted || len(s.Errors) > 0 {
		t.Errorf("versions %+v, errors %q: want TLS 1.2 and 1.3 found", s.Versions, s.Errors)
	}
}
