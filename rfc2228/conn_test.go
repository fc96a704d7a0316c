package rfc2228

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/google/go-cmp/cmp"
)

// serve returns a Conn reading in from a server that writes it in chunks of
// chunk bytes (all at once if 0) and then hangs up.
func serve(t *testing.T, in string, chunk int) *Conn {
	return serveConn(t, in, chunk, false)
}

func serveConn(t *testing.T, in string, chunk int, stayOpen bool) *Conn {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	go func() {
		for data := in; data != ""; {
			n := len(data)
			if chunk > 0 {
				n = min(n, chunk)
			}
			if _, err := io.WriteString(server, data[:n]); err != nil {
				return
			}
			data = data[n:]
		}
		if !stayOpen {
			server.Close()
		}
	}()
	return NewConn(client)
}

// written counts what a server managed to hand over before the client hung up.
func floodServer(t *testing.T, write func(w io.Writer) error) (*Conn, func() int64) {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	cw := &countingWriter{w: server}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = write(cw)
	}()
	return NewConn(client), func() int64 {
		client.Close()
		<-done
		return cw.n
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func TestReadReplyEndlessReply(t *testing.T) {
	c, stop := floodServer(t, func(w io.Writer) error {
		if _, err := io.WriteString(w, "220-Welcome\r\n"); err != nil {
			return err
		}
		for {
			if _, err := io.WriteString(w, "220-the server keeps talking and never ends this reply\r\n"); err != nil {
				return err
			}
		}
	})
	_, err := c.ReadReply(context.Background())
	written := stop()
	assertTooLarge(t, err)
	if written > 2*DefaultMaxReplySize {
		t.Errorf("read %d bytes from the server, want at most %d", written, 2*DefaultMaxReplySize)
	}
}

func TestReadReplyHugeLine(t *testing.T) {
	c, stop := floodServer(t, func(w io.Writer) error {
		_, err := io.WriteString(w, "220 "+strings.Repeat("a", 10<<20)+"\r\n")
		return err
	})
	_, err := c.ReadReply(context.Background())
	written := stop()
	assertTooLarge(t, err)
	if written > 2*DefaultMaxLineLength {
		t.Errorf("read %d bytes from the server, want at most %d", written, 2*DefaultMaxLineLength)
	}
}

func assertTooLarge(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrReplyTooLarge) {
		t.Fatalf("err = %v, want ErrReplyTooLarge", err)
	}
	pe, ok := errors.AsType[*ProtocolError](err)
	if !ok {
		t.Fatalf("err = %v, want a *ProtocolError", err)
	}
	if len(pe.Seen) == 0 || len(pe.Seen) > 4096 {
		t.Errorf("len(Seen) = %d, want 1..4096", len(pe.Seen))
	}
}

// The caps are exact whatever the fragmentation: a reply at the limit is
// read, one byte more is refused.
func TestReadReplyLimitsExact(t *testing.T) {
	const maxLine, maxReply = 16, 42
	line16 := "220-" + strings.Repeat("x", 12) // 18 bytes with CRLF
	tests := []struct {
		name    string
		in      string
		replies int // before the error
		tooBig  bool
	}{
		{"line at limit", crlf("220 "+strings.Repeat("x", 12), "221 bye"), 2, false},
		{"line over limit", crlf("220 "+strings.Repeat("x", 13), "221 bye"), 0, true},
		{"second line over limit", crlf("220-", "220 "+strings.Repeat("x", 13)), 0, true},
		{"reply at limit", crlf(line16, line16, "220 ", "221 bye"), 2, false},
		{"reply over limit", crlf(line16, line16, "220 z", "221 bye"), 0, true},
		{"limits apply per reply", crlf(line16, line16, "220 ", line16, line16, "220 "), 2, false},
		// Bytes read ahead with the first reply count towards neither cap.
		{"cap at EOF after a read-ahead", crlf("220 a", line16, line16) + "220 zz", 1, true},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 1, 5} {
			c := serve(t, tt.in, chunk)
			c.MaxLineLength, c.MaxReplySize = maxLine, maxReply
			got, err := readAll(c)
			if len(got) != tt.replies || errors.Is(err, ErrReplyTooLarge) != tt.tooBig {
				t.Errorf("%s, chunk %d: got %d replies and %v", tt.name, chunk, len(got), err)
			}
		}
	}
}

func TestBufferedBetweenReplies(t *testing.T) {
	c := serveConn(t, crlf("220 hello", "221 bye"), 0, true)
	if _, err := c.ReadReply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Buffered(), len("221 bye\r\n"); got != want {
		t.Errorf("Buffered() = %d, want %d", got, want)
	}
	r, err := c.ReadReply(context.Background())
	if err != nil || r.Code != CodeServiceClosing {
		t.Errorf("second reply = %v, %v", r, err)
	}
}

// readBlocker is a net.Conn that reports when a Read or Write starts, so
// that a test can cancel while it is blocked.
type readBlocker struct {
	net.Conn
	blocked chan struct{}
}

func (b *readBlocker) Read(p []byte) (int, error) {
	close(b.blocked)
	return b.Conn.Read(p)
}

func (b *readBlocker) Write(p []byte) (int, error) {
	close(b.blocked)
	return b.Conn.Write(p)
}

func silentPeer(t *testing.T) *readBlocker {
	client, server := net.Pipe()
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	return &readBlocker{Conn: client, blocked: make(chan struct{})}
}

func TestContextCancelUnblocks(t *testing.T) {
	tests := []struct {
		name string
		op   func(ctx context.Context, c *Conn) error
	}{
		{"read", func(ctx context.Context, c *Conn) error {
			_, err := c.ReadReply(ctx)
			return err
		}},
		// net.Pipe has no buffer: a write blocks until the peer reads.
		{"write", func(ctx context.Context, c *Conn) error {
			return c.Send(ctx, "NOOP")
		}},
		{"command", func(ctx context.Context, c *Conn) error {
			_, err := c.Cmd(ctx, "%s", Auth("TLS"))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc := silentPeer(t)
			c := NewConn(nc)
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() { errc <- tt.op(ctx, c) }()
			<-nc.blocked
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) || !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Errorf("err = %v, want context.Canceled wrapping os.ErrDeadlineExceeded", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("cancelling the context did not unblock the operation")
			}
		})
	}
}

func TestContextDeadline(t *testing.T) {
	c := NewConn(silentPeer(t))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.ReadReply(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
		t.Errorf("err = %v, want a net.Error with Timeout()", err)
	}
}

func TestContextDoneBeforeStart(t *testing.T) {
	c := NewConn(silentPeer(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ReadReply(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadReply: err = %v, want context.Canceled", err)
	}
	if err := c.Send(ctx, "NOOP"); !errors.Is(err, context.Canceled) {
		t.Errorf("Send: err = %v, want context.Canceled", err)
	}
}

// A deadline from an expired context must not leak into the next exchange.
func TestContextDeadlineClearedForNextExchange(t *testing.T) {
	client, server := net.Pipe()
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	c := NewConn(client)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = c.ReadReply(ctx)
	go io.WriteString(server, "220 ready\r\n")
	if _, err := c.ReadReply(context.Background()); err != nil {
		t.Errorf("next ReadReply: %v", err)
	}
}

// ftpServer is a loopback server that answers each command from replies
// and records the commands it got.
func ftpServer(t *testing.T, banner string, replies map[string]string) (addr string, commands func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		io.WriteString(nc, banner)
		tp := textproto.NewReader(bufio.NewReader(nc))
		for {
			line, err := tp.ReadLine()
			if err != nil {
				return
			}
			got = append(got, line)
			io.WriteString(nc, replies[line])
		}
	}()
	return ln.Addr().String(), func() []string {
		<-done
		return got
	}
}

func TestCmdAndInjection(t *testing.T) {
	addr, commands := ftpServer(t, "220 ready\r\n", map[string]string{
		"USER bob":  "331 Please specify the password.\r\n",
		"PBSZ 0":    "200 PBSZ=0\r\n",
		"PROT P":    "200 Protection set to Private\r\n",
		"CCC":       "534 CCC not allowed\r\n",
		"AUTH SSL":  "504 Unknown AUTH type.\r\n",
		"SITE x%dy": "200 literal percent\r\n",
	})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := NewConn(nc)
	ctx := context.Background()
	var got []Reply
	step := func(r Reply, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	step(c.ReadReply(ctx))
	for _, bad := range []string{"bob\r\nDELE secret", "bob\nDELE x", "bob\rx", "bob\x00"} {
		err := c.Send(ctx, "USER %s", bad)
		if !errors.Is(err, ErrInvalidCommand) {
			t.Errorf("Send(USER %q) = %v, want ErrInvalidCommand", bad, err)
		}
		if _, err := c.Cmd(ctx, "PASS %s", bad); !errors.Is(err, ErrInvalidCommand) || strings.Contains(err.Error(), "bob") {
			t.Errorf("Cmd(PASS %q) = %v, want ErrInvalidCommand without the argument", bad, err)
		}
	}
	if _, err := c.Cmd(ctx, "%s", Auth("TLS\r\nUSER x")); !errors.Is(err, ErrInvalidCommand) {
		t.Errorf("Auth with CRLF = %v, want ErrInvalidCommand", err)
	}
	step(c.Cmd(ctx, "USER %s", "bob"))
	step(c.Cmd(ctx, "%s", PBSZ0))
	step(c.Cmd(ctx, "%s", Prot(ProtPrivate)))
	step(c.Cmd(ctx, "%s", CCC))
	step(c.Cmd(ctx, "%s", Auth("SSL")))
	step(c.Cmd(ctx, "SITE x%%dy"))
	nc.Close()

	want := []Reply{
		reply(220, "220 ready"),
		reply(331, "331 Please specify the password."),
		reply(200, "200 PBSZ=0"),
		reply(200, "200 Protection set to Private"),
		reply(534, "534 CCC not allowed"),
		reply(504, "504 Unknown AUTH type."),
		reply(200, "200 literal percent"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	wantCommands := []string{"USER bob", "PBSZ 0", "PROT P", "CCC", "AUTH SSL", "SITE x%dy"}
	if diff := cmp.Diff(wantCommands, commands()); diff != "" {
		t.Errorf("commands the server got (-want +got):\n%s", diff)
	}
}

func TestCmdErrorNamesStep(t *testing.T) {
	c := serve(t, "", 0)
	// The server hangs up without reading: the write may fail or the
	// read sees EOF, and either way the error says which.
	_, err := c.Cmd(context.Background(), "%s", Auth("TLS"))
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Errorf("err = %v, want it to name AUTH", err)
	}
}

func TestUpgradeRefusesBufferedBytes(t *testing.T) {
	c := serveConn(t, "234 AUTH TLS OK.\r\n\x16\x03\x01junk", 0, true)
	if _, err := c.ReadReply(context.Background()); err != nil {
		t.Fatal(err)
	}
	old := c.NetConn()
	other, _ := net.Pipe()
	defer other.Close()
	err := c.Upgrade(other)
	pe, ok := errors.AsType[*ProtocolError](err)
	if !ok {
		t.Fatalf("Upgrade = %v, want a *ProtocolError", err)
	}
	if string(pe.Seen) != "\x16\x03\x01junk" {
		t.Errorf("Seen = %q", pe.Seen)
	}
	if c.NetConn() != old {
		t.Error("Upgrade switched connections despite the error")
	}
}

// The RFC 4217 exchange on a loopback listener with a real TLS handshake:
// after Upgrade, commands and replies go through TLS.
func TestUpgradeTLS(t *testing.T) {
	cert, err := testcert.SelfSigned(testcert.Options{CommonName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srvErr := make(chan error, 1)
	go func() {
		srvErr <- func() error {
			nc, err := ln.Accept()
			if err != nil {
				return err
			}
			defer nc.Close()
			s := NewConn(nc) // a Conn works as the server's line writer too
			ctx := context.Background()
			if err := s.Send(ctx, "220 (vsFTPd 3.0.3)"); err != nil {
				return err
			}
			line, err := textproto.NewReader(bufio.NewReader(nc)).ReadLine()
			if err != nil || line != "AUTH TLS" {
				return errors.Join(err, errors.New("want AUTH TLS, got "+line))
			}
			if err := s.Send(ctx, "234 Proceed with negotiation."); err != nil {
				return err
			}
			tc := tls.Server(nc, &tls.Config{Certificates: []tls.Certificate{cert}})
			tp := textproto.NewReader(bufio.NewReader(tc))
			for _, answer := range []string{"200 PBSZ set to 0.", "200 PROT now Private."} {
				if _, err := tp.ReadLine(); err != nil {
					return err
				}
				if _, err := io.WriteString(tc, answer+"\r\n"); err != nil {
					return err
				}
			}
			return tc.Close()
		}()
	}()

	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx := context.Background()
	c := NewConn(nc)
	if _, err := c.ReadReply(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := c.Cmd(ctx, "%s", Auth("TLS"))
	if err != nil || r.Code != CodeAuthOK {
		t.Fatalf("AUTH TLS = %v, %v", r, err)
	}
	tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true}) // the policy is not under test here
	if err := tc.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Upgrade(tc); err != nil {
		t.Fatal(err)
	}
	if c.NetConn() != tc {
		t.Error("NetConn() is not the TLS connection")
	}
	var got []Reply
	for _, f := range []func() (Reply, error){
		func() (Reply, error) { return c.Cmd(ctx, "%s", PBSZ0) },
		func() (Reply, error) { return c.Cmd(ctx, "%s", Prot(ProtPrivate)) },
	} {
		r, err := f()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []Reply{reply(200, "200 PBSZ set to 0."), reply(200, "200 PROT now Private.")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replies over TLS (-want +got):\n%s", diff)
	}
	if err := <-srvErr; err != nil {
		t.Errorf("server: %v", err)
	}
}

func TestPipeline(t *testing.T) {
	tests := []struct {
		name    string
		answer  string // what the server writes once it has read the commands
		replies int
		err     string // in the error; "" for none
	}{
		{name: "every reply", answer: "200 PBSZ=0\r\n200 Protection set to Private\r\n229 Entering Extended Passive Mode (|||4242|)\r\n", replies: 3},
		// A server that read the first command and dropped the others.
		{name: "only the first reply", answer: "200 PBSZ=0\r\n", replies: 1, err: "reading reply to PROT"},
		{name: "none", replies: 0, err: "reading reply to PBSZ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, server := net.Pipe()
			t.Cleanup(func() { client.Close(); server.Close() })
			writes := make(chan string, 1)
			go func() {
				buf := make([]byte, 512)
				n, _ := server.Read(buf) // net.Pipe: one Read per Write
				writes <- string(buf[:n])
				io.WriteString(server, tt.answer)
			}()
			// The replies after the first are awaited 50 ms, not until
			// ctx ends.
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if tt.replies > 0 {
				ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
			}
			begin := time.Now()
			replies, err := NewConn(client).Pipeline(ctx, func(time.Duration) time.Duration { return 50 * time.Millisecond }, PBSZ0, Prot(ProtPrivate), "EPSV")
			if took := time.Since(begin); tt.replies > 0 && took > 10*time.Second {
				t.Errorf("took %s: the replies after the first were awaited past their patience", took)
			}
			if got, want := <-writes, "PBSZ 0\r\nPROT P\r\nEPSV\r\n"; got != want {
				t.Errorf("one write of %q, want %q", got, want)
			}
			if len(replies) != tt.replies {
				t.Errorf("%d replies, want %d: %v", len(replies), tt.replies, replies)
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
	t.Run("injection", func(t *testing.T) {
		c := serve(t, "", 0)
		if _, err := c.Pipeline(context.Background(), nil, PBSZ0, "PROT P\r\nDELE x"); !errors.Is(err, ErrInvalidCommand) {
			t.Errorf("err = %v, want ErrInvalidCommand", err)
		}
	})
}
