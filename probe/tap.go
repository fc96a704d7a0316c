package probe

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// tapSize bounds what a tapConn remembers.
const tapSize = 4096

// helloSize is how much of the server's answer to a ClientHello a tapConn
// keeps: a record header, a handshake header, the version, the random and
// a session ID (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3).
const helloSize = 5 + 4 + 2 + 32 + 1 + 32

// tapConn is the TCP connection under TLS. It remembers the last bytes the
// server sent, so that when crypto/tls rejects a record that is not TLS
// (RecordHeaderError keeps only 5 bytes) we can show the whole plaintext
// line: "220 (vsFTPd 3.0.3)", "500 OOPS: ...", "421 TLS handshake failed".
type tapConn struct {
	net.Conn
	mu     sync.Mutex
	recent []byte
	total  int64  // bytes received in all
	hello  []byte // the start of what came after watchHello, helloSize bytes at most; nil before
}

// newTapConn starts remembering what the server sends on c.
func newTapConn(c net.Conn) *tapConn {
	return &tapConn{Conn: c, recent: make([]byte, 0, tapSize)}
}

// Read reads from the connection, remembering the last tapSize bytes.
func (t *tapConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.mu.Lock()
	t.total += int64(n)
	t.recent = append(t.recent, p[:n]...)
	if t.hello != nil {
		t.hello = append(t.hello, p[:min(n, helloSize-len(t.hello))]...)
	}
	if over := len(t.recent) - tapSize; over > 0 {
		t.recent = append(t.recent[:0], t.recent[over:]...)
	}
	t.mu.Unlock()
	return n, err
}

// watchHello starts keeping the next helloSize bytes the server sends: the
// start of its answer to the ClientHello about to go, which crypto/tls
// does not expose (a HelloRetryRequest, a TLS 1.2 session ID).
func (t *tapConn) watchHello() {
	t.mu.Lock()
	t.hello = make([]byte, 0, helloSize)
	t.mu.Unlock()
}

// serverHello is what watchHello kept.
func (t *tapConn) serverHello() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.hello)
}

// received is how many bytes the server has sent.
func (t *tapConn) received() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

// seen is the first n of the last bytes received, for evidence.
func (t *tapConn) seen(n int) []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.recent[:min(n, len(t.recent))])
}

// plaintext returns the line that starts with header (the bytes crypto/tls
// complained about), reading a little more, until ctx's deadline or half a
// second at most, when the line is unfinished.
func (t *tapConn) plaintext(ctx context.Context, header []byte) string {
	t.mu.Lock()
	seen := bytes.Clone(t.recent)
	t.mu.Unlock()
	i := bytes.LastIndex(seen, header)
	if i < 0 {
		return string(header)
	}
	line := seen[i:]
	if !bytes.ContainsRune(line, '\n') {
		line = append(line, t.readMore(ctx)...)
	}
	line, _, _ = bytes.Cut(line, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if len(line) > 200 {
		line = line[:200]
	}
	return string(line)
}

// trailer returns the plaintext line the server sent after the TLS
// records that began at position from (a count of bytes received): after a
// failed handshake ProFTPD follows its alert with "421 TLS handshake
// failed", Pure-FTPd with its "Sorry, cleartext sessions..." reply. It
// reads a little more, until ctx's deadline or half a second at most, when
// nothing or only part of a line follows yet, and returns "" when no FTP
// reply follows or the records no longer fit in what the tap remembers.
func (t *tapConn) trailer(ctx context.Context, from int64) string {
	t.mu.Lock()
	i := len(t.recent) - int(t.total-from)
	var seen []byte
	if i >= 0 {
		seen = bytes.Clone(t.recent[i:])
	}
	t.mu.Unlock()
	if i < 0 {
		return ""
	}
	rest, partial := afterRecords(seen)
	if partial || !bytes.ContainsRune(rest, '\n') {
		rest, partial = afterRecords(append(seen, t.readMore(ctx)...))
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if partial || !looksLikeReply(string(line)) {
		return ""
	}
	return string(line[:min(len(line), 200)])
}

// afterRecords skips the whole TLS records at the start of b and returns
// what follows them; partial reports a record cut short.
func afterRecords(b []byte) (rest []byte, partial bool) {
	for len(b) >= 5 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 {
		n := 5 + (int(b[3])<<8 | int(b[4]))
		if n > len(b) {
			return nil, true
		}
		b = b[n:]
	}
	return b, false
}

// readMore waits briefly for the rest of an unfinished plaintext line.
func (t *tapConn) readMore(ctx context.Context) []byte {
	buf := make([]byte, 512)
	deadline := time.Now().Add(500 * time.Millisecond)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = t.Conn.SetReadDeadline(deadline)
	n, _ := io.ReadAtLeast(t.Conn, buf, 1)
	return buf[:n]
}

// isEOF reports a peer that closed the connection, cleanly or mid-message.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
