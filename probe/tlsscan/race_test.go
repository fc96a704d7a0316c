package tlsscan

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// racyServer answers like a server that switches its socket to TLS only
// once its 234 is written (ftp-srv), the connection standing for what
// follows the 234: it reads a ClientHello as an FTP command and answers
// "502 Command not allowed: " and its first bytes in clear when races
// says so, given how many connections came before and how long after the
// connection the ClientHello arrived; otherwise it hand-shakes.
func racyServer(t *testing.T, races func(n int32, after time.Duration) bool) string {
	conf := serverConfig(t)
	conf.MinVersion, conf.MaxVersion = tls.VersionTLS12, tls.VersionTLS13
	var conns atomic.Int32
	return listen(t, func(c net.Conn) {
		n := conns.Add(1)
		opened := time.Now()
		c.SetDeadline(opened.Add(10 * time.Second))
		br := &peekConn{Conn: c}
		if _, err := io.ReadFull(c, br.hdr[:]); err != nil {
			return
		}
		if !races(n, time.Since(opened)) {
			tls.Server(br, conf).Handshake()
			return
		}
		body := make([]byte, binary.BigEndian.Uint16(br.hdr[3:]))
		io.ReadFull(c, body)
		verb, _, _ := strings.Cut(string(append(br.hdr[:], body...)), " ")
		verb, _, _ = strings.Cut(verb, "\r")
		verb, _, _ = strings.Cut(verb, "\n")
		io.WriteString(c, "502 Command not allowed: "+verb+"\r\n")
	})
}

// peekConn hands the record header it was read into back to the TLS
// server, as if it had not been read.
type peekConn struct {
	net.Conn
	hdr  [5]byte
	read int // how much of hdr Read has handed out
}

// Read serves hdr first, then the connection.
func (p *peekConn) Read(b []byte) (int, error) {
	if p.read == len(p.hdr) {
		return p.Conn.Read(b)
	}
	n := copy(b, p.hdr[p.read:])
	p.read += n
	return n, nil
}

// A server that reads the first ClientHellos as commands, and every one
// sent at once after that: the scan retries those probes with the
// ClientHello after a pause, and finds every version as on a server
// without the race; no row says "server busy".
func TestScanAuthRace(t *testing.T) {
	addr := racyServer(t, func(n int32, after time.Duration) bool { return n <= 3 || after < 50*time.Millisecond })
	s := Scan(context.Background(), dialer(addr), Options{ServerName: "localhost", Timeout: 5 * time.Second})
	if s.Backoffs == 0 {
		t.Errorf("no retry: backoffs %d", s.Backoffs)
	}
	for _, v := range s.Versions {
		want := v.Version == "TLS 1.2" || v.Version == "TLS 1.3"
		if v.Accepted != want || v.Unfinished != "" {
			t.Errorf("%s: accepted %v (want %v), unfinished %q", v.Version, v.Accepted, want, v.Unfinished)
		}
	}
}

// A server that reads every ClientHello as a command, however late it
// comes: the scan gives up, and every version is unknown (server busy),
// never "not accepted".
func TestScanAuthRaceGivesUp(t *testing.T) {
	addr := racyServer(t, func(int32, time.Duration) bool { return true })
	s := Scan(context.Background(), dialer(addr), Options{ServerName: "localhost", Timeout: 5 * time.Second})
	for _, v := range s.Versions {
		if v.Accepted || v.Unfinished != "server busy" {
			t.Errorf("%s: accepted %v, unfinished %q; want unknown (server busy)", v.Version, v.Accepted, v.Unfinished)
		}
	}
	if len(s.Errors) == 0 || !strings.Contains(s.Errors[0], "read the ClientHello as an FTP command") {
		t.Errorf("errors = %q", s.Errors)
	}
}
