package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// detect finds out whether a port speaks implicit or explicit FTPS without
// waiting on a timer: it races a connection that waits for a plaintext
// greeting against one that sends a ClientHello at once. Whichever learns
// the truth first decides, the other is closed, and the winner carries on
// as the attempt. A server that delays its banner answers the ClientHello
// with that banner in plaintext, so it is never taken for an implicit port.
// A refusal for the connection limit on one connection decides nothing:
// decided is false when the port's kind is still unknown.
func detect(ctx context.Context, cfg *Config, start time.Time, addr netip.AddrPort) (a *attempt, decided bool) {
	raceCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	explicit := newAttempt(cfg, start, result.ModeExplicit, addr)
	implicit := newAttempt(cfg, start, result.ModeImplicit, addr)

	done := make(chan detectLeg, 2)
	go func() {
		o := detectLeg{a: explicit, err: errNotConnected}
		if explicit.dial(raceCtx) {
			o.banner, o.err = explicit.readGreeting(raceCtx)
			// An FTP reply in clear; a refusal for the connection limit
			// may come from any port before its TLS.
			o.decided = o.err == nil && !limitRefusal(o.banner, true)
		}
		done <- o
	}()
	go func() {
		o := detectLeg{a: implicit, err: errNotConnected}
		if implicit.dial(raceCtx) {
			o.err = implicit.handshake(raceCtx)
			_, alerted := receivedAlert(o.err)
			o.decided = o.err == nil || alerted // the server speaks TLS
			if !o.decided {
				o.plain = plainReply(implicit.tap)
			}
		}
		done <- o
	}()

	outcomes := map[*attempt]detectLeg{}
	for range 2 {
		o := <-done
		outcomes[o.a] = o
		if !o.decided {
			continue
		}
		cancel()
		if len(outcomes) == 1 {
			<-done // wait for the loser to notice
		}
		if o.a == explicit {
			implicit.discard()
			explicit.res.DetectedBy = "auto: a plaintext FTP greeting arrived; the TLS probe connection was closed"
			defer explicit.close()
			defer explicit.endBeside()
			explicit.explicit(ctx, &o.banner)
			return explicit, true
		}
		explicit.discard()
		implicit.res.DetectedBy = "auto: the ClientHello was answered by a TLS server; the plaintext connection was closed"
		defer implicit.close()
		defer implicit.endBeside()
		implicit.implicit(ctx, o.err)
		return implicit, true
	}

	return undecided(ctx, cfg, outcomes[explicit], outcomes[implicit])
}

// detectLeg is what one detection connection learnt.
type detectLeg struct {
	a       *attempt
	banner  rfc2228.Reply // the explicit leg's greeting
	err     error
	decided bool          // this leg tells the port's kind
	plain   rfc2228.Reply // the plaintext reply that answered the implicit leg's ClientHello
}

// undecided settles a detection in which neither connection learnt the
// port's kind: a refusal for the connection limit (decided false: the race
// must run again), or the explicit leg's silence or garbage, reported as
// the explicit attempt's.
func undecided(ctx context.Context, cfg *Config, e, i detectLeg) (a *attempt, decided bool) {
	explicit, implicit := e.a, i.a
	defer implicit.discard()
	defer explicit.close()
	explicit.res.DetectedBy = "auto: neither a plaintext greeting nor a TLS ServerHello arrived"
	refused := e.err == nil && limitRefusal(e.banner, true)
	switch {
	case refused && i.plain.Code == rfc2228.CodeServiceReady:
		// Our two connections met the limit, and the plaintext greeting
		// the ClientHello got tells an explicit port. That session, which
		// read the ClientHello as commands, is ended, or the server would
		// count it until it gives up on them.
		explicit.res.DetectedBy = "auto: a plaintext FTP greeting answered the TLS probe connection; the other connection was refused for the connection limit"
		explicit.checkGreeting(e.banner, nil)
		implicit.quitPlaintext(ctx)
		return explicit, true
	case refused:
		explicit.res.DetectedBy = "auto: undecided: a connection was refused for the connection limit"
		explicit.checkGreeting(e.banner, nil)
		return explicit, false
	case limitRefusal(i.plain, true):
		explicit.res.DetectedBy = "auto: undecided: a connection was refused for the connection limit"
		explicit.limitRefused(i.plain.String())
		explicit.fail(fmt.Errorf("server refused the session: %s", firstLine(i.plain)))
		return explicit, false
	case errors.Is(e.err, errNotConnected): // dial already reported it
	case isTimeout(e.err) && isTimeout(i.err):
		explicit.find(cause.NoGreeting, fmt.Sprintf("no greeting within %s, and no answer to a TLS ClientHello either", cfg.Timeout))
		explicit.fail(e.err)
	default:
		explicit.checkGreeting(e.banner, e.err)
	}
	return explicit, true
}

// quitPlaintext ends, with QUIT, a session whose TLS probe the server
// answered in plaintext FTP, and waits for the server to close it.
func (a *attempt) quitPlaintext(ctx context.Context) {
	if a.tap == nil {
		return
	}
	a.tap.SetWriteDeadline(time.Now().Add(a.cfg.Timeout))
	// The line break ends the ClientHello's last partial "command".
	if _, err := io.WriteString(a.tap, "\r\nQUIT\r\n"); err == nil {
		a.awaitClose(ctx)
	}
}

// plainReply is the FTP reply a connection got in clear where it expected
// TLS, if what it received starts with one.
func plainReply(t *tapConn) rfc2228.Reply {
	if t == nil {
		return rfc2228.Reply{}
	}
	line, _, _ := bytes.Cut(t.seen(tapSize), []byte("\r\n"))
	if len(line) < 4 || (line[3] != ' ' && line[3] != '-') {
		return rfc2228.Reply{}
	}
	code, err := strconv.Atoi(string(line[:3]))
	if err != nil || code < 100 || code > 599 {
		return rfc2228.Reply{}
	}
	return rfc2228.Reply{Code: code, Lines: []string{string(line)}}
}

// errNotConnected marks a detection connection whose dial failed.
var errNotConnected = errors.New("not connected")

// discard closes a losing detection connection; its timeline and findings
// are dropped with it.
func (a *attempt) discard() {
	if a.tap != nil {
		_ = a.tap.Close()
		a.tap = nil
	}
}
