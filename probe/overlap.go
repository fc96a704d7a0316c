package probe

import (
	"context"
	"crypto/tls"
	"sync"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// earlyAudits are the audit connections opened as soon as the main
// session's own TCP connect succeeded: at a distance their greeting, AUTH
// and handshake then run beside the main session's instead of after its
// login. A check still logs in only once the main login worked
// (startAudits hands each its connection after it), so a wrong password
// is tried once. An early connection that failed for a reason other than
// the server's connection limit (a guess that did not hold: the AUTH
// mechanism, the key share) is dropped, and its check connects afresh, as
// it would have without the overlap.
type earlyAudits struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	open   map[string]*earlyAudit // by check purpose, until taken or closed
	feat   *earlyAudit            // the one that sends FEAT inside TLS for the main session
	scout  *earlyAudit            // the one offering Go's default key shares
}

// earlyAudit is one early connection and its connect's outcome.
type earlyAudit struct {
	aux    *attempt
	opened int // the main session's round trips when it was opened
	ok     bool
	ready  chan struct{} // closed once connect (and a check that needs no login) returned
	done   *auditOutcome // what a check that needs no login measured at once
	// featAfterTLS is its FEAT inside TLS, sent for the main session.
	featAfterTLS *result.Features
	// The scout's handshake, with Go's default key shares: whether the
	// server asked for another share, or what failed it.
	helloRetry  *bool
	helloFailed string
}

// openEarly opens a connection for every check the session may run, the
// ones that need a login included, and reports whether it did; the checks
// that need none (cleartext USER, EMS) measure at once. Not once
// the server has refused one of our connections for its limit: the main
// session then goes first, and the refused audits one at a time
// (startAudits).
func (a *attempt) openEarly(ctx context.Context) bool {
	if a.cfg.conns.limited() {
		return false
	}
	ctx, cancel := context.WithCancel(ctx)
	e := &earlyAudits{cancel: cancel, open: map[string]*earlyAudit{}}
	for _, c := range a.auditChecks(true, tls.VersionTLS13) {
		aux := a.sibling()
		aux.res.AuthMechanism = authMechanisms[0] // the main session has not tried one yet
		// Every TLS 1.3 server takes a P-256 key share (RFC 8446, 9.1):
		// no HelloRetryRequest before the main handshake shows the group.
		aux.group = tls.CurveP256
		aux.maxVersion = c.version
		ea := &earlyAudit{aux: aux, opened: a.res.RoundTrips, ready: make(chan struct{})}
		e.open[c.purpose] = ea
		explicit := a.res.Mode == result.ModeExplicit // before the main handshake
		feat, scout := c.featInTLS && explicit, c.goShares && explicit
		if feat {
			e.feat = ea
		}
		if scout {
			aux.group, e.scout = 0, ea
			a.group = tls.CurveP256 // the scout measures what Go's shares meet
		}
		e.wg.Go(func() {
			defer close(ea.ready)
			ea.ok = aux.connect(ctx, !c.clear) && (!feat || aux.featInTLS(ctx, ea)) && (!c.login || aux.earlyUser(ctx))
			if scout {
				ea.helloRetry, ea.helloFailed = aux.helloShown(ctx)
			}
			if ea.ok && !c.login {
				aux.connected = &ea.ok
				o := c.run(aux, ctx)
				ea.done = &o
			}
		})
	}
	a.early = e
	return true
}

// featInTLS sends FEAT inside TLS for the main session, which then needs
// not: at a distance its round trips are off the main path. A NOOP
// follows, so that a session the FEAT broke (a reset, two replies) shows
// here; the main session then sends FEAT itself, and meets it.
func (aux *attempt) featInTLS(ctx context.Context, ea *earlyAudit) bool {
	feat := aux.feat(ctx)
	if feat == nil {
		return false
	}
	if _, err := aux.cmd(ctx, "NOOP"); err != nil {
		aux.fail(err)
		return false
	}
	ea.featAfterTLS = feat
	return true
}

// helloShown is what a handshake showed: whether the server asked for
// another key share, or the evidence of what failed it; nothing when we
// cut it short (the main session had ended, or a timeout of ours).
func (aux *attempt) helloShown(ctx context.Context) (retry *bool, failed string) {
	if aux.res.TLS != nil {
		return aux.res.TLS.HelloRetry, ""
	}
	if ctx.Err() != nil || aux.cfg.cut() || aux.failed == nil || isTimeout(aux.failed) {
		return nil, ""
	}
	aux.mu.Lock()
	defer aux.mu.Unlock()
	for _, f := range aux.findings {
		if f.Stage == cause.StageTLS && f.Severity == result.SeverityCritical {
			return nil, f.Evidence
		}
	}
	return nil, ""
}

// hasScout reports an early connection offering Go's default key shares,
// in whose place the main handshake offered P-256 first.
func (e *earlyAudits) hasScout() bool {
	return e != nil && e.scout != nil
}

// recordGoHello takes, once the early connections are done, what the
// scout's handshake with Go's default key shares showed, where this
// session offered P-256 first: tls.hello_retry says what Go clients
// meet, and a handshake only the scout's failed is a finding.
func (a *attempt) recordGoHello() {
	e := a.early
	if !e.hasScout() || a.res.TLS == nil {
		return
	}
	if e.scout.helloRetry != nil { // else a check made afresh may have measured it
		a.res.TLS.HelloRetry = e.scout.helloRetry
	}
	if e.scout.helloFailed != "" {
		a.find(cause.TLSHandshakeFailed, "a ClientHello with Go's default key shares ("+keyShares(nil)+"), as Go clients send it, failed: "+e.scout.helloFailed+"; one offering P-256 first worked")
	}
}

// earlyUser sends USER, which shows no secret, while the main session
// logs in; PASS waits for its login to work. A server that answers the
// first command after a TLS 1.3 handshake late (its tickets, then the
// reply, each held for the other's acknowledgement) costs nothing here.
func (aux *attempt) earlyUser(ctx context.Context) bool {
	user, _, _ := aux.credentials()
	r, err := aux.cmd(ctx, "USER "+user)
	if err != nil {
		return false
	}
	aux.userReply = &r
	return true
}

// take hands check c its early connection once its connect returned, and
// the outcome when the check has measured already; no connection when
// there is none, or when it failed for a guess. forked is the main
// session's round trips now: the check's next step waits for both it and
// the connection's own steps, which ran beside the main session's.
func (e *earlyAudits) take(c policyCheck, forked int) (*attempt, *auditOutcome) {
	if e == nil {
		return nil, nil
	}
	e.mu.Lock()
	ea := e.open[c.purpose]
	delete(e.open, c.purpose)
	e.mu.Unlock()
	if ea == nil {
		return nil, nil
	}
	<-ea.ready
	aux := ea.aux
	if !ea.ok && !aux.limited() {
		aux.discard()
		return nil, nil
	}
	if ea.done == nil {
		aux.connected = &ea.ok
	}
	aux.res.RoundTrips = max(ea.opened+aux.res.RoundTrips, forked) - forked
	return aux, ea.done
}

// keepOnly closes, once connected, the early connections of checks the
// session will not run: those that need the login it did not get, EMS
// where the control handshake showed it.
func (e *earlyAudits) keepOnly(checks []policyCheck) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for purpose, ea := range e.open {
		planned := false
		for _, c := range checks {
			planned = planned || c.purpose == purpose
		}
		if !planned {
			delete(e.open, purpose)
			e.wg.Go(func() {
				<-ea.ready
				ea.aux.close()
			})
		}
	}
}

// abandonEarly stops and closes the early connections no check took: the
// main session ended before its audits, or failed in a way its retries
// (on connections of their own) explain. It may be called again.
func (a *attempt) abandonEarly() {
	e := a.early
	if e == nil {
		return
	}
	e.cancel()
	e.keepOnly(nil)
	e.wg.Wait()
}

// featAfterTLS is the FEAT inside TLS an early connection sent for the
// main session, once its connect returned; nil when none was sent, or it
// failed.
func (e *earlyAudits) featAfterTLS() *result.Features {
	if e == nil || e.feat == nil {
		return nil
	}
	<-e.feat.ready
	if !e.feat.ok { // the session did not survive it: let the main one see
		return nil
	}
	return e.feat.featAfterTLS
}

// endBeside ends what ran beside the session on connections of its own:
// the early audit connections no check took, and the scan.
func (a *attempt) endBeside() {
	a.abandonEarly()
	a.recordGoHello()
	a.finishScan()
}
