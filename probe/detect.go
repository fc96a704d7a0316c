package probe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
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
func detect(ctx context.Context, cfg *Config, start time.Time, addr netip.AddrPort) *attempt {
	raceCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	explicit := newAttempt(cfg, start, result.ModeExplicit, addr)
	implicit := newAttempt(cfg, start, result.ModeImplicit, addr)

	type outcome struct {
		a       *attempt
		banner  rfc2228.Reply
		err     error
		decided bool // this outcome tells the port's kind
	}
	done := make(chan outcome, 2)
	go func() {
		o := outcome{a: explicit, err: errNotConnected}
		if explicit.dial(raceCtx) {
			o.banner, o.err = explicit.readGreeting(raceCtx)
			o.decided = o.err == nil // an FTP reply in clear
		}
		done <- o
	}()
	go func() {
		o := outcome{a: implicit, err: errNotConnected}
		if implicit.dial(raceCtx) {
			o.err = implicit.handshake(raceCtx)
			_, alerted := receivedAlert(o.err)
			o.decided = o.err == nil || alerted // the server speaks TLS
		}
		done <- o
	}()

	outcomes := map[*attempt]outcome{}
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
			explicit.explicit(ctx, &o.banner)
			return explicit
		}
		explicit.discard()
		implicit.res.DetectedBy = "auto: the ClientHello was answered by a TLS server; the plaintext connection was closed"
		defer implicit.close()
		implicit.implicit(ctx, o.err)
		return implicit
	}

	// Neither connection learnt the port's kind.
	implicit.discard()
	defer explicit.close()
	explicit.res.DetectedBy = "auto: neither a plaintext greeting nor a TLS ServerHello arrived"
	e, i := outcomes[explicit], outcomes[implicit]
	switch {
	case errors.Is(e.err, errNotConnected): // dial already reported it
	case isTimeout(e.err) && isTimeout(i.err):
		explicit.find(cause.NoGreeting, fmt.Sprintf("no greeting within %s, and no answer to a TLS ClientHello either", cfg.Timeout))
		explicit.fail(e.err)
	default:
		explicit.checkGreeting(e.banner, e.err)
	}
	return explicit
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
