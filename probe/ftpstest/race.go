package ftpstest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// FirstSessions is an AuthRace under which the AUTH of the first n connections loses the
// race, however late their ClientHello comes.
func FirstSessions(n int) func(int) time.Duration {
	return func(i int) time.Duration {
		if i <= n {
			return time.Hour
		}
		return 0
	}
}

// race plays the window after the 234, sent at the latest at sent, in which the server
// still reads commands: a ClientHello that arrives within it is read as one
// (helloAsCommand). Nothing arriving within it leaves the connection to the TLS handshake.
// Counting from sent, not from now, keeps a client that waits longer than the window out
// of it however late this goroutine runs.
func (ss *session) race(sent time.Time) error {
	if ss.cfg.AuthRace == nil {
		return nil
	}
	window := min(ss.cfg.AuthRace(ss.num), ss.cfg.IdleTimeout)
	if window <= 0 {
		return nil
	}
	ss.c.SetReadDeadline(sent.Add(window))
	_, err := ss.r.Peek(1)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil
	case err != nil:
		return fmt.Errorf("waiting for the ClientHello: %w", err)
	}
	return ss.helloAsCommand()
}

// helloAsCommand reads the client's first TLS record as ftp-srv reads a command line whose
// verb it does not know, and answers it the same way, in clear: the verb is what comes
// before the first space (here also before a CR or LF, which would end ftp-srv's line).
func (ss *session) helloAsCommand() error {
	var hdr [5]byte
	if _, err := io.ReadFull(ss.r, hdr[:]); err != nil {
		return fmt.Errorf("reading the ClientHello as a command: %w", err)
	}
	body := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
	if _, err := io.ReadFull(ss.r, body); err != nil {
		return fmt.Errorf("reading the ClientHello as a command: %w", err)
	}
	verb, _, _ := strings.Cut(string(append(hdr[:], body...)), " ")
	if i := strings.IndexAny(verb, "\r\n"); i >= 0 {
		verb = verb[:i]
	}
	ss.s.record(verb)
	return ss.reply("502 Command not allowed: " + verb)
}
