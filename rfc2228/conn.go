package rfc2228

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"strings"
	"time"
)

// Default limits of a new Conn.
const (
	DefaultMaxLineLength = 8 << 10
	DefaultMaxReplySize  = 64 << 10
)

// ErrInvalidCommand reports a command containing CR, LF or NUL, which would
// smuggle a second command onto the wire.
var ErrInvalidCommand = errors.New("command contains CR, LF or NUL")

// Conn is the client side of an FTP control connection. It is not safe for
// concurrent use.
//
// Every method that does I/O sets the connection's deadline from ctx (none if
// ctx has none) and interrupts pending I/O when ctx is done. The error then
// wraps both ctx.Err() (context.Canceled or context.DeadlineExceeded) and the
// net error (os.ErrDeadlineExceeded, a net.Error with Timeout() true). With
// ctx already done it does no I/O and returns ctx.Err(), wrapped. A reply cut
// off this way leaves the Conn out of step with the server.
type Conn struct {
	// MaxLineLength and MaxReplySize bound one reply line and one whole
	// reply, CRLFs included, and so also what ReadReply reads from the
	// network. A reply beyond them fails with a *ProtocolError wrapping
	// ErrReplyTooLarge, after which the Conn is out of step with the server.
	MaxLineLength int
	MaxReplySize  int

	nc net.Conn
	lr *limitReader
	tp *textproto.Reader
}

// NewConn returns a Conn on nc with the default limits.
func NewConn(nc net.Conn) *Conn {
	lr := &limitReader{r: nc}
	return &Conn{
		MaxLineLength: DefaultMaxLineLength,
		MaxReplySize:  DefaultMaxReplySize,
		nc:            nc,
		lr:            lr,
		tp:            textproto.NewReader(bufio.NewReader(lr)),
	}
}

// NetConn returns the connection replies are read from.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Buffered returns the number of bytes read from the network but not yet
// consumed.
func (c *Conn) Buffered() int { return c.tp.R.Buffered() }

// Upgrade makes c read and write through nc, typically the *tls.Conn wrapping
// the old connection after a 234 reply. Bytes the server sent after that reply
// would be lost, so Upgrade refuses with a *ProtocolError holding them and
// leaves c unchanged.
func (c *Conn) Upgrade(nc net.Conn) error {
	if n := c.tp.R.Buffered(); n > 0 {
		b, _ := c.tp.R.Peek(n)
		return &ProtocolError{
			Reason: fmt.Sprintf("server sent %d bytes after the reply, before the TLS handshake", n),
			Seen:   bytes.Clone(b[:min(n, maxSeen)]),
		}
	}
	c.nc = nc
	c.lr = &limitReader{r: nc}
	c.tp.R.Reset(c.lr)
	return nil
}

// ReadReply reads one reply. EOF before its first byte returns an error
// wrapping io.EOF; EOF inside it, io.ErrUnexpectedEOF. Bytes that are not an
// RFC 959 reply, such as a TLS record or an SSH banner, return a
// *ProtocolError. On error the Reply holds the lines read so far.
func (c *Conn) ReadReply(ctx context.Context) (Reply, error) {
	var r Reply
	err := c.exchange(ctx, func() (err error) {
		r, err = c.readReply()
		return err
	})
	if err != nil {
		return r, fmt.Errorf("reading reply: %w", err)
	}
	return r, nil
}

// Send writes one command followed by CRLF. It refuses, with
// ErrInvalidCommand, a command containing CR, LF or NUL.
func (c *Conn) Send(ctx context.Context, format string, args ...any) error {
	line := fmt.Sprintf(format, args...)
	if err := c.exchange(ctx, func() error { return c.send(line) }); err != nil {
		return fmt.Errorf("sending %s: %w", verb(line), err)
	}
	return nil
}

// Cmd sends one command and reads its reply. Errors name the command's verb
// only, never its arguments, which may be a password.
func (c *Conn) Cmd(ctx context.Context, format string, args ...any) (Reply, error) {
	line := fmt.Sprintf(format, args...)
	var r Reply
	sent := false
	err := c.exchange(ctx, func() error {
		if err := c.send(line); err != nil {
			return err
		}
		sent = true
		var err error
		r, err = c.readReply()
		return err
	})
	switch {
	case err == nil:
		return r, nil
	case !sent:
		return r, fmt.Errorf("sending %s: %w", verb(line), err)
	}
	return r, fmt.Errorf("reading reply to %s: %w", verb(line), err)
}

// Pipeline sends commands in one write and reads a reply to each, in
// order: at a distance, one round trip for them all. Only commands whose
// replies the caller does not need before the next is sent belong in one
// pipeline, and only on servers known to read a command at a time (RFC
// 959 does not require them to). The first reply is awaited within ctx;
// the others, which a server that answers in turn sends right after it,
// within patience(how long the first took) as well, if patience is set,
// so that a server that dropped them is not waited for until ctx ends.
// On error the replies read so far are returned, and the error names the
// command whose reply failed.
func (c *Conn) Pipeline(ctx context.Context, patience func(first time.Duration) time.Duration, commands ...string) ([]Reply, error) {
	replies := make([]Reply, 0, len(commands))
	var b strings.Builder
	for _, line := range commands {
		if strings.ContainsAny(line, "\r\n\x00") {
			return nil, fmt.Errorf("sending %s: %w", verb(line), ErrInvalidCommand)
		}
		b.WriteString(line + "\r\n")
	}
	sent := false
	err := c.exchange(ctx, func() error {
		start := time.Now()
		if _, err := io.WriteString(c.nc, b.String()); err != nil {
			return err
		}
		sent = true
		for i := range commands {
			r, err := c.readReply()
			if err != nil {
				return err
			}
			replies = append(replies, r)
			if i == 0 && patience != nil {
				rest := time.Now().Add(patience(time.Since(start)))
				if d, ok := ctx.Deadline(); !ok || rest.Before(d) {
					_ = c.nc.SetReadDeadline(rest)
				}
			}
		}
		return nil
	})
	switch {
	case err == nil:
		return replies, nil
	case !sent:
		return nil, fmt.Errorf("sending %s: %w", verb(commands[0]), err)
	}
	return replies, fmt.Errorf("reading reply to %s: %w", verb(commands[len(replies)]), err)
}

// verb returns the command name, to label errors without the arguments.
func verb(line string) string {
	if i := strings.IndexAny(line, " \r\n\x00"); i >= 0 {
		line = line[:i]
	}
	return strings.ToUpper(line)
}

// longAgo is a deadline in the past, to interrupt blocked I/O.
var longAgo = time.Unix(1, 0)

// exchange runs f with the connection's deadline taken from ctx and with
// pending I/O interrupted when ctx is done.
func (c *Conn) exchange(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// SetDeadline fails only on a closed connection (net.Pipe: also when the
	// peer closed), which the I/O then reports better, after any buffered
	// reply has been read.
	deadline, _ := ctx.Deadline()
	_ = c.nc.SetDeadline(deadline)
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = c.nc.SetDeadline(longAgo)
		close(interrupted)
	})
	err := f()
	if !stop() {
		// Wait, so that a late SetDeadline(longAgo) cannot hit the next exchange.
		<-interrupted
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	// The deadline can fire a moment before ctx notices it has expired.
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	if _, ok := ctx.Deadline(); ok {
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return err
}

// send writes one command line, refusing one that would smuggle a second
// command onto the wire.
func (c *Conn) send(line string) error {
	if strings.ContainsAny(line, "\r\n\x00") {
		return ErrInvalidCommand
	}
	_, err := io.WriteString(c.nc, line+"\r\n")
	return err
}

// readReply reads one RFC 959 reply, single- or multi-line, within the
// MaxLineLength and MaxReplySize caps: it fails at the first byte that
// cannot start a reply (a TLS record, an SSH banner) instead of waiting for
// a line end that may never come. ReadReply and Cmd wrap it in the
// deadline and error handling of an exchange.
func (c *Conn) readReply() (Reply, error) {
	var r Reply
	c.lr.startReply(c.tp.R)
	// Caps count from where the reply and each line start, not from what
	// bufio has already read ahead: otherwise they would depend on how the
	// server's bytes were split into reads.
	replyLimit := c.offset() + int64(c.MaxReplySize)
	size := 0
	for {
		c.lr.limit = min(replyLimit, c.offset()+int64(c.MaxLineLength)+2)
		if len(r.Lines) == 0 {
			// Fail at the first byte that cannot start a reply: a TLS
			// record or binary junk may never contain a line feed.
			b, err := c.tp.R.Peek(1)
			if err != nil {
				return r, c.readError(err, replyLimit)
			}
			if !isDigit(b[0]) {
				_, _ = c.tp.R.Discard(c.tp.R.Buffered())
				return r, c.protocolError("not an FTP reply: "+foreignProtocol(c.lr.seen), nil)
			}
		}
		line, err := c.tp.ReadLine()
		if err != nil {
			if len(r.Lines) > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return r, c.readError(err, replyLimit)
		}
		// bufio hands back a line cut short by a read error as if it were
		// complete; the error is then the latest one from lr.
		cut := c.tp.R.Buffered() == 0 && c.lr.last != '\n'
		if len(line) > c.MaxLineLength {
			return r, c.lineTooLarge()
		}
		if size += len(line); !cut {
			size += len("\r\n")
		}
		if size > c.MaxReplySize {
			return r, c.replyTooLarge()
		}
		if cut {
			if errors.Is(c.lr.err, io.EOF) {
				return r, io.ErrUnexpectedEOF
			}
			return r, c.readError(c.lr.err, replyLimit)
		}
		if len(r.Lines) == 0 {
			code, multi, reason := parseCodeLine(line)
			if reason != "" {
				return r, c.protocolError(reason, nil)
			}
			r.Code = code
			r.Lines = append(r.Lines, line)
			if !multi {
				return r, nil
			}
			continue
		}
		// RFC 959 §4.2: the reply ends at the first line starting with
		// its code and a space; any other line is text.
		r.Lines = append(r.Lines, line)
		if len(line) >= 4 && line[3] == ' ' && line[:3] == r.Lines[0][:3] {
			return r, nil
		}
	}
}

// offset is the number of bytes ReadReply has consumed from the connection.
func (c *Conn) offset() int64 {
	return c.lr.n - int64(c.tp.R.Buffered())
}

// readError turns the limit reader's refusal into ErrReplyTooLarge.
func (c *Conn) readError(err error, replyLimit int64) error {
	switch {
	case !errors.Is(err, errLimit):
		return err
	case c.lr.n >= replyLimit:
		return c.replyTooLarge()
	}
	return c.lineTooLarge()
}

// lineTooLarge reports a reply line beyond MaxLineLength.
func (c *Conn) lineTooLarge() error {
	return c.protocolError(fmt.Sprintf("reply line longer than %d bytes", c.MaxLineLength), ErrReplyTooLarge)
}

// replyTooLarge reports a reply beyond MaxReplySize.
func (c *Conn) replyTooLarge() error {
	return c.protocolError(fmt.Sprintf("reply longer than %d bytes", c.MaxReplySize), ErrReplyTooLarge)
}

// protocolError reports what the server sent that is not a valid reply,
// with the bytes of the reply read so far.
func (c *Conn) protocolError(reason string, err error) error {
	return &ProtocolError{Reason: reason, Seen: bytes.Clone(c.lr.seen), Err: err}
}

// errLimit is the limit reader's refusal to read past the current cap.
var errLimit = errors.New("read limit reached")

// limitReader sits between the connection and the textproto reader so that
// no line or reply makes ReadReply read more than its caps from the network:
// textproto.Reader.ReadLine alone would buffer a line of any length.
type limitReader struct {
	r     io.Reader
	n     int64  // bytes delivered so far
	limit int64  // bytes that may be delivered in all
	err   error  // error of the latest Read
	last  byte   // latest byte delivered
	seen  []byte // bytes of the current reply, at most maxSeen
}

// startReply begins recording a reply, whose first bytes may already sit in
// br's buffer.
func (l *limitReader) startReply(br *bufio.Reader) {
	b, _ := br.Peek(br.Buffered())
	l.seen = append(l.seen[:0], b[:min(len(b), maxSeen)]...)
}

// Read reads no further than the current limit, recording what it
// delivers for ProtocolError.Seen.
func (l *limitReader) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		l.err = errLimit
		return 0, errLimit
	}
	if int64(len(p)) > l.limit-l.n {
		p = p[:l.limit-l.n]
	}
	n, err := l.r.Read(p)
	if n > 0 {
		l.n += int64(n)
		l.last = p[n-1]
		l.seen = append(l.seen, p[:min(n, maxSeen-len(l.seen))]...)
	}
	l.err = err
	return n, err
}
