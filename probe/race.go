package probe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// raceSettle is how long the retry's ClientHello waits after the 234.
const raceSettle = rfc2228.RaceSettle

// readAsCommand reports whether text, the plaintext reply the server sent
// instead of a ServerHello after 234, says that it read our ClientHello as
// an FTP command (rfc2228.ReadAsCommand), on a first try: that is worth
// the retry that tells the race from a server that never speaks TLS.
func (a *attempt) readAsCommand(text string) bool {
	return a.raced == "" && a.res.Mode == result.ModeExplicit && looksLikeReply(text) && rfc2228.ReadAsCommand(text)
}

// retryAfterRace makes the handshake again on a new connection, with the
// ClientHello sent raceSettle after the 234 (settle), once the server
// answered the first one with text as if it were a command. Success means
// the server lost a race that clients sending their ClientHello at once
// (Go, curl, Python, Java; not lftp) lose now and then: a warning, and the
// session goes on over the new connection. The same answer again is the
// server's own failure (notTLS). The raced connection is closed first, so that a
// server with a connection limit does not count it against the retry.
func (a *attempt) retryAfterRace(ctx context.Context, text string) error {
	a.raced = text
	a.event(result.FromNet, fmt.Sprintf("the server read the ClientHello as an FTP command: again on a new connection, with the ClientHello %s after the 234", raceSettle))
	a.close()
	if !pause(ctx, []time.Duration{raceSettle}, 0) {
		err := fmt.Errorf("pausing before the retry after 234: %w", context.Cause(ctx))
		a.fail(err)
		return err
	}
	if !a.dial(ctx) {
		return errors.New(a.res.Error)
	}
	if _, ok := a.greeting(ctx); !ok {
		return errors.New(a.res.Error)
	}
	mech := a.res.AuthMechanism
	r, err := a.cmd(ctx, rfc2228.Auth(mech))
	if err == nil && r.Code/100 != 2 {
		err = fmt.Errorf("AUTH %s on the new connection: %s", mech, firstLine(r))
	}
	if err != nil {
		a.fail(err)
		return err
	}
	return a.handshake(ctx)
}

// settle waits raceSettle before the ClientHello of a retry after the
// race, as a slower client would.
func (a *attempt) settle(ctx context.Context) error {
	if a.raced == "" {
		return nil
	}
	a.event(result.FromNet, fmt.Sprintf("waiting %s after the 234", raceSettle))
	if pause(ctx, []time.Duration{raceSettle}, 0) {
		return nil
	}
	err := fmt.Errorf("waiting after 234: %w", context.Cause(ctx))
	a.fail(err)
	return err
}

// raceWon reports the race once the retry's handshake has worked.
func (a *attempt) raceWon() {
	if a.raced != "" {
		a.find(cause.AuthTLSRace, a.raceEvidence())
	}
}

// raceEvidence says what the first ClientHello met and how the retry did.
func (a *attempt) raceEvidence() string {
	return fmt.Sprintf("the ClientHello sent at once after 234 was answered in plaintext: %s; on a new connection, with the ClientHello sent %s after the 234, the handshake worked", a.raced, raceSettle)
}

// raceRetried is what a retry that met the same answer adds to the
// evidence of the handshake's failure: the server never spoke TLS.
func (a *attempt) raceRetried() string {
	if a.raced == "" {
		return ""
	}
	return fmt.Sprintf(" (on a new connection, with the ClientHello sent %s after the 234; the first, sent at once, got: %s)", raceSettle, a.raced)
}

// raceVerdicts carry the race that an audit connection met and survived
// to the main attempt, which reports it once.
func (aux *attempt) raceVerdicts() []verdict {
	if aux.raced == "" || aux.tlsConn == nil {
		return nil
	}
	return []verdict{{finding: cause.AuthTLSRace, findingEvidence: "an audit connection: " + aux.raceEvidence()}}
}
