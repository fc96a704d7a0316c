package ftpstest

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"time"
)

// Ready-made hooks for Config.OnConnect and Config.AfterAuth. Each ends when its behaviour
// is done, when the client closes, at the connection's deadline (IdleTimeout) or at Close.

// Silent sends nothing and discards what the client sends: what an explicit client sees on
// an implicit port, or behind a firewall that stalls after 234.
func Silent(c net.Conn) {
	io.Copy(io.Discard, c)
}

// Reset closes the connection with a TCP reset (SO_LINGER 0) instead of a FIN.
func Reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// Say returns a hook that writes each line followed by CRLF, one Write per line, and then
// lets the server close: e.g. Say("421 Too many users.") on connect, or a cleartext reply
// after 234.
func Say(lines ...string) func(net.Conn) {
	return func(c net.Conn) {
		for _, l := range lines {
			if _, err := io.WriteString(c, l+"\r\n"); err != nil {
				return
			}
		}
	}
}

// Drip returns a hook that writes text one byte every interval (a very slow or stalled
// server), bounded by the connection's deadline.
func Drip(text string, every time.Duration) func(net.Conn) {
	return func(c net.Conn) {
		for i := range len(text) {
			if _, err := c.Write([]byte{text[i]}); err != nil {
				return
			}
			if i < len(text)-1 && !wait(c, every) {
				return
			}
		}
	}
}

// wait waits for d, discarding what the peer sends, and reports false if the connection
// ended meanwhile (peer close, Server.Close). Blocking in Read rather than on a timer lets
// Close interrupt it.
func wait(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			return errors.Is(err, os.ErrDeadlineExceeded)
		}
	}
}

// Alert returns a hook that reads the client's first TLS record (the ClientHello) and
// answers with a fatal TLS alert of the given description, e.g. 40 handshake_failure,
// 70 protocol_version, 112 unrecognized_name, as a server with no acceptable parameters does.
func Alert(desc uint8) func(net.Conn) {
	return func(c net.Conn) {
		var hdr [5]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		n := int64(binary.BigEndian.Uint16(hdr[3:]))
		if _, err := io.CopyN(io.Discard, c, n); err != nil {
			return
		}
		c.Write([]byte{21, 3, 3, 0, 2, 2, desc}) // alert record, TLS 1.2 version, fatal
	}
}
