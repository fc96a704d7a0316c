package ftpstest_test

import (
	"io"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
)

// AuthRace: the first connection's ClientHello is read as a command and answered
// 502 in clear, quoting its first bytes, as ftp-srv does; a new ClientHello
// on the same connection then gets the handshake, as on ftp-srv; the
// second connection is not raced.
func TestAuthRace(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(p.cert), AuthRace: ftpstest.FirstSessions(1)})

	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	// A handshake record, as a ClientHello starts, with a space in it.
	if _, err := io.WriteString(c.conn, "\x16\x03\x01\x00\x05he lo"); err != nil {
		t.Fatal(err)
	}
	if reply := c.expect(502); reply != "502 Command not allowed: \x16\x03\x01\x00\x05he" {
		t.Errorf("reply = %q, want 502 Command not allowed: quoting the record up to its first space", reply)
	}
	c.startTLS(p.clientConfig())
	c.cmd("NOOP", 200)

	c = dial(t, srv.Addr)
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	c.startTLS(p.clientConfig())
	c.cmd("NOOP", 200)
}

// A window in which the server still reads commands after its 234: a
// ClientHello sent after it ends gets the handshake.
func TestAuthRaceWindowPassed(t *testing.T) {
	p := newPKI(t)
	srv := start(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(p.cert), AuthRace: func(int) time.Duration { return time.Millisecond }})
	c := dial(t, srv.Addr)
	c.expect(220)
	c.cmd("AUTH TLS", 234)
	time.Sleep(20 * time.Millisecond) // the client's pause after the 234 is what is tested
	c.startTLS(p.clientConfig())
	c.cmd("NOOP", 200)
}
