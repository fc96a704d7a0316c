package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// A policyCheck runs on its own audit connection, beside the main session,
// and returns what it learnt as an auditOutcome, which the main attempt
// records once its own session is done: some verdicts only mean something
// next to the main data test's.
type policyCheck struct {
	purpose string
	clear   bool   // its connection stays in clear: no AUTH, no handshake
	login   bool   // it logs in, which it does only after the main session did
	version uint16 // the highest TLS version its handshake offers; 0 = TLS 1.3
	// featInTLS: opened early, it sends the FEAT inside TLS for the main
	// session once its handshake is done: a check that needs no login,
	// whose round trips are all to spare.
	featInTLS bool
	// goShares: opened early, its handshake offers Go's default key
	// shares, as Go clients do, while the main session's offers P-256
	// first (no HelloRetryRequest on the main path).
	goShares bool
	run      func(aux *attempt, ctx context.Context) auditOutcome
}

var (
	checkReuse = policyCheck{
		purpose:  "session reuse: a protected listing that does not resume the control TLS session",
		login:    true,
		goShares: true,
		run:      (*attempt).checkReuse,
	}
	checkClearData = policyCheck{
		purpose: "clear data: PROT before PBSZ, the PASV address, then a PROT C (unprotected) listing",
		login:   true,
		run:     (*attempt).checkClearData,
	}
	checkEarlyDataTLS = policyCheck{
		purpose: "data TLS before the transfer command: a protected listing whose data handshake starts before LIST, as curl does",
		login:   true,
		run:     (*attempt).checkEarlyDataTLS,
	}
	checkDataTLSAfter150 = policyCheck{
		purpose: "data TLS after 150: a protected listing whose data handshake waits for the 1xx, as lftp, Go, Commons Net, ftplib and PHP do",
		login:   true,
		run:     (*attempt).checkDataTLSAfter150,
	}
	checkEMS = policyCheck{
		purpose:   "Extended Master Secret: a TLS 1.2 handshake",
		version:   tls.VersionTLS12,
		featInTLS: true,
		run:       (*attempt).checkEMS,
	}
	checkCleartextLogin = policyCheck{
		purpose: "cleartext login: USER before AUTH TLS (no password is sent)",
		clear:   true,
		run:     (*attempt).checkCleartextLogin,
	}
)

// startAudits opens one extra connection per check, concurrently with the
// main session, and returns a function that waits for them, ends the main
// session and records their outcomes. Every session, the main one
// included, is held until every check has measured: the server then
// holds them all at once, so a server that limits sessions (at the
// greeting, or at login as ProFTPD does) refuses those beyond its limit
// on every run, not only when the timing happens to overlap them. The
// refused checks are made again, one at a time, once the others ended.
func (a *attempt) startAudits(ctx context.Context, checks []policyCheck) (wait func()) {
	a.early.keepOnly(checks)
	audits := make([]result.Audit, len(checks))
	outcomes := make([]auditOutcome, len(checks))
	leaves := make([]auditLeaf, len(checks))
	forked := a.res.RoundTrips // where the audits leave the critical path
	reached := make([]int, len(checks))
	var ran, wg sync.WaitGroup
	ran.Add(len(checks))
	for i, c := range checks {
		wg.Go(func() {
			audits[i] = result.Audit{Purpose: c.purpose}
			outcomes[i], leaves[i] = a.runAudit(ctx, c, forked, &audits[i], func(aux *attempt) {
				reached[i] = aux.res.RoundTrips
				ran.Done()
				ran.Wait()
			})
		})
	}
	return func() {
		ran.Wait()
		// QUIT waits for the longest branch; the audits' own QUITs go
		// beside it.
		for _, n := range reached {
			a.res.RoundTrips = max(a.res.RoundTrips, forked+n)
		}
		a.quit(ctx)
		wg.Wait()
		if slices.ContainsFunc(outcomes, func(o auditOutcome) bool { return o.state == auditLimited }) {
			for i, c := range checks {
				if outcomes[i].state == auditLimited {
					outcomes[i], leaves[i] = a.rerun(ctx, c, &audits[i])
				}
			}
		}
		if len(audits) > 0 {
			a.res.Audits = audits
		}
		for _, o := range outcomes {
			a.record(o)
		}
		a.featMissingAuth()
		a.compareLeaves(leaves)
		a.measureLimit(ctx)
	}
}

// runAudit runs one check on its own connection, adding its steps to the
// audit's timeline; forked is the main session's round trips when the
// check began. hold, given that connection once it has measured, returns
// when the session may end.
func (a *attempt) runAudit(ctx context.Context, c policyCheck, forked int, audit *result.Audit, hold func(aux *attempt)) (auditOutcome, auditLeaf) {
	aux, done := a.early.take(c, forked)
	goShares := false // made afresh in the place of the scout, whose connect failed
	if aux == nil {
		aux = a.sibling()
		aux.maxVersion = c.version
		if goShares = c.goShares && a.early.hasScout(); goShares {
			aux.group = 0
		}
	}
	var o auditOutcome
	if done != nil {
		o = *done
	} else {
		o = c.run(aux, ctx)
	}
	if aux.batchLost && !a.cfg.cut() {
		// Not the server's failure but ours, for sending commands
		// together: the check is made again, one command at a time.
		aux.event(result.FromNet, "the commands sent together were not all answered: the check is made again, a command at a time")
		aux.quit(ctx)
		audit.Timeline = append(audit.Timeline, aux.res.Timeline...)
		retry := a.sibling()
		retry.maxVersion, retry.group, retry.pipelined = c.version, aux.group, false
		retry.res.RoundTrips = aux.res.RoundTrips // it runs after the first
		aux, o = retry, c.run(retry, ctx)
	}
	o.verdicts = append(o.verdicts, aux.raceVerdicts()...)
	if goShares && aux.res.TLS != nil {
		o.helloRetry = aux.res.TLS.HelloRetry
	}
	if a.cfg.cut() { // what it measured may be our own limit's doing
		o = auditOutcome{state: auditIncomplete, why: "cut short by our own deadline or cancellation"}
	}
	leaf := aux.leaf()
	hold(aux)
	aux.quit(ctx)
	audit.Timeline = append(audit.Timeline, aux.res.Timeline...)
	return o, leaf
}

// sibling prepares another session to the same server, which logs in as
// the main one did, offers the key share its handshake settled on and
// sends commands together where the main one does.
func (a *attempt) sibling() *attempt {
	s := newAttempt(a.cfg, a.start, a.res.Mode, a.addr)
	s.res.AuthMechanism = a.res.AuthMechanism
	s.group, s.pipelined = a.group, a.pipelined
	return s
}

// waitedFor adds the round trips of a session made while this one waited
// for it, after its own last step: the critical path runs through it.
func (a *attempt) waitedFor(s *attempt) {
	a.res.RoundTrips += s.res.RoundTrips
}

// rerun makes again, one at a time and after the main session ended, a
// check the server refused for its connection limit, so that it measures
// what it would on a server without one. The server may still count a
// session that just ended: a refusal is tried again after a pause.
func (a *attempt) rerun(ctx context.Context, c policyCheck, audit *result.Audit) (auditOutcome, auditLeaf) {
	for try := 0; ; try++ {
		release, err := a.cfg.conns.acquire(ctx)
		if err != nil {
			return auditOutcome{state: auditIncomplete, why: shortErr(err)}, auditLeaf{}
		}
		var aux *attempt
		o, leaf := a.runAudit(ctx, c, a.res.RoundTrips, audit, func(s *attempt) { aux = s })
		a.waitedFor(aux)
		release()
		if o.state != auditLimited || !pause(ctx, reapPauses, try) {
			return o, leaf
		}
	}
}

// auditLeaf is the certificate an audit connection's handshake presented.
type auditLeaf struct {
	version uint16
	der     []byte
}

// leaf is the certificate this audit connection was presented, if any.
func (aux *attempt) leaf() auditLeaf {
	if aux.tlsConn == nil {
		return auditLeaf{}
	}
	cs := aux.tlsConn.ConnectionState()
	if len(cs.PeerCertificates) == 0 {
		return auditLeaf{}
	}
	return auditLeaf{version: cs.Version, der: cs.PeerCertificates[0].Raw}
}

// compareLeaves notes audit connections that were presented another
// certificate than the main one at the same TLS version (a server may
// choose another certificate for another version): another node behind
// a load balancer.
func (a *attempt) compareLeaves(leaves []auditLeaf) {
	if a.tlsConn == nil {
		return
	}
	cs := a.tlsConn.ConnectionState()
	if len(cs.PeerCertificates) == 0 {
		return
	}
	main := cs.PeerCertificates[0].Raw
	var same, other int
	var others []string
	for _, l := range leaves {
		switch {
		case l.der == nil || l.version != cs.Version:
		case bytes.Equal(l.der, main):
			same++
		default:
			other++
			if f := fingerprint(l.der); !slices.Contains(others, f) {
				others = append(others, f)
			}
		}
	}
	if other > 0 {
		a.splitHint(fmt.Sprintf("%d of %d audit connections were presented another certificate (SHA-256 %s) than the main connection (%s)",
			other, same+other, strings.Join(others, ", "), fingerprint(main)))
	}
}

// retryWithoutSNI follows an unrecognized_name alert with the same
// handshake without a server name, on its own connection: success means
// the name matches no virtual host (a vhost mismatch, not a certificate
// problem). The retry is drawn as an audit connection.
func (a *attempt) retryWithoutSNI(ctx context.Context) {
	if !a.has(cause.TLSSNIUnrecognized) || !sniSent(a.cfg.ServerName) {
		return
	}
	noSNI := *a.cfg
	noSNI.ServerName = a.addr.Addr().String() // Go sends no SNI for an address
	aux := newAttempt(&noSNI, a.start, a.res.Mode, a.addr)
	aux.res.AuthMechanism = a.res.AuthMechanism
	ok := aux.connect(ctx, true)
	aux.quit(ctx)
	a.waitedFor(aux)
	a.res.Audits = append(a.res.Audits, result.Audit{Purpose: "SNI: the same handshake without a server name", Timeline: aux.res.Timeline})
	if ok {
		a.annotate(cause.TLSSNIUnrecognized, "; without SNI the handshake succeeds: "+a.cfg.ServerName+" matches no virtual host on this server")
	} else {
		a.annotate(cause.TLSSNIUnrecognized, "; without SNI the handshake fails too: "+aux.res.Error)
	}
}

// policy returns the attempt's policy record, creating it.
func (a *attempt) policy() *result.Policy {
	if a.res.Policy == nil {
		a.res.Policy = &result.Policy{}
	}
	return a.res.Policy
}

// connect brings an audit connection to the greeting, inside TLS when
// secure (implicit connections always are).
func (aux *attempt) connect(ctx context.Context, secure bool) bool {
	if ok := aux.connected; ok != nil { // opened early (overlap.go)
		aux.connected = nil
		return *ok
	}
	if !aux.dial(ctx) {
		return false
	}
	implicit := aux.res.Mode == result.ModeImplicit
	if implicit && aux.handshake(ctx) != nil {
		aux.refusedBeforeTLS()
		return false
	}
	if _, ok := aux.greeting(ctx); !ok { // a refusal for the connection limit is noted
		return false
	}
	if !secure || implicit {
		return true
	}
	r, err := aux.cmd(ctx, rfc2228.Auth(aux.res.AuthMechanism))
	return err == nil && r.Code/100 == 2 && aux.handshake(ctx) == nil
}

// protect sends PBSZ 0 and PROT level. It reports whether the server
// accepted both; err is a broken connection, not a refusal.
func (a *attempt) protect(ctx context.Context, level rfc2228.ProtLevel) (rfc2228.Reply, bool, error) {
	if a.pipelined {
		r, ok, err := a.protectWithEPSV(ctx, level)
		if ok || err != nil {
			return r, ok, err
		}
		// A refusal is shown by a command sent alone, as clients send it.
		a.event(result.FromNet, "PBSZ or PROT refused while sent together: asked again, a command at a time")
	}
	r, err := a.cmd(ctx, rfc2228.PBSZ0)
	if err != nil || r.Code/100 != 2 {
		return r, false, err
	}
	r, err = a.cmd(ctx, rfc2228.Prot(level))
	return r, err == nil && r.Code/100 == 2, err
}

// protectWithEPSV sends PBSZ 0, PROT and the EPSV of the listing that
// follows in one write, saving two round trips, and reports whether PBSZ
// and PROT were accepted; the EPSV's reply then waits for that listing
// (passive). vsftpd, ProFTPD, Pure-FTPd and pyftpdlib answer each in
// turn (TestPipelined). A server that leaves one unanswered, or whose 229
// comes in the place of PBSZ's or PROT's reply (out of order), has the
// session made again, a command at a time (runAudit, runPlan).
func (a *attempt) protectWithEPSV(ctx context.Context, level rfc2228.ProtLevel) (rfc2228.Reply, bool, error) {
	rs := a.protectReplies // sent with PASS (loginWith)
	a.protectReplies = nil
	if rs == nil {
		var err error
		if rs, err = a.cmds(ctx, rfc2228.PBSZ0, rfc2228.Prot(level), "EPSV"); err != nil {
			return rfc2228.Reply{}, false, a.lostBatch(err)
		}
	}
	switch {
	case rs[0].Code == rfc2228.CodeExtendedPassive || rs[1].Code == rfc2228.CodeExtendedPassive:
		return rfc2228.Reply{}, false, a.lostBatch(a.outOfOrder(fmt.Sprintf("%s to %s, %s to %s", firstLine(rs[0]), rfc2228.PBSZ0, firstLine(rs[1]), rfc2228.Prot(level))))
	case rs[0].Code/100 != 2 || rs[1].Code/100 != 2:
		return rs[1], false, nil
	}
	a.epsvReply = &rs[2]
	return rs[1], true, nil
}

// quit ends a session politely if it is still up (a session refused for
// the connection limit is already ended), and closes it; once the server
// has a limit, after it closed its side (awaitClose). The 221 is not
// awaited: it tells nothing, and at a distance it would be the run's
// last round trip.
func (a *attempt) quit(ctx context.Context) {
	if a.tap == nil {
		return
	}
	if !a.limited() {
		ctx, cancel := a.step(ctx)
		a.event(result.FromClient, "QUIT")
		_ = a.ctrl.Send(ctx, "%s", "QUIT") // a session already lost ends here all the same
		cancel()
	}
	a.awaitClose(ctx)
	a.close()
}

// checkReuse lists over TLS without the control session's cache, so the
// data handshake cannot resume.
func (aux *attempt) checkReuse(ctx context.Context) auditOutcome {
	t, ok := aux.protectedListing(ctx, false, withCommand)
	if !ok {
		return aux.unmeasured("no protected listing")
	}
	dropped := ""
	if !t.ok() && t.replyErr == nil {
		if _, err := aux.cmd(ctx, "NOOP"); err != nil && lost(err) && !isTimeout(err) {
			dropped = "; the server then ended the session (vsftpd 3.0.3 and later do): clients must reconnect"
		}
	}
	if t.noDataConnection() {
		return aux.unmeasured(t.failure())
	}
	v := verdict{policy: policySessionReuse, againstMainListing: true}
	if t.ok() {
		v.evidence = "an unresumed protected listing worked: " + t.final.String()
	} else {
		v.value, v.evidence = true, t.evidence()+dropped
		v.finding, v.findingEvidence = cause.DataSessionReuseRequired, "an unresumed data connection was refused: "+t.evidence()
	}
	return measured(v)
}

// protectedListing logs an audit connection in and makes one protected
// listing, resuming the control session or not, with the data handshake
// started at moment. ok is false when the audit could not get that far.
func (aux *attempt) protectedListing(ctx context.Context, resume bool, moment dataMoment) (t transfer, ok bool) {
	if !aux.connect(ctx, true) || !aux.loginWith(ctx, true) {
		return t, false
	}
	if _, ok, _ := aux.protect(ctx, rfc2228.ProtPrivate); !ok {
		return t, false
	}
	t, _ = aux.listFallback(ctx, &result.DataChannel{}, aux.dataTLSConfig(resume), moment)
	return t, true
}

// resumedListingAt makes a protected listing that resumes the control
// session, its data handshake started at moment; stop is the outcome
// when the listing says nothing of the moment (no listing, or no data
// connection).
func (aux *attempt) resumedListingAt(ctx context.Context, moment dataMoment) (t transfer, stop *auditOutcome) {
	t, ok := aux.protectedListing(ctx, true, moment)
	switch {
	case !ok:
		o := aux.unmeasured("no protected listing")
		return t, &o
	case t.noDataConnection():
		o := aux.unmeasured(t.failure())
		return t, &o
	}
	return t, nil
}

// checkEarlyDataTLS lists with the data handshake started before the
// transfer command, as curl does; the main listing starts it after.
func (aux *attempt) checkEarlyDataTLS(ctx context.Context) auditOutcome {
	t, stop := aux.resumedListingAt(ctx, beforeCommand)
	if stop != nil {
		return *stop
	}
	v := verdict{policy: policyDataTLSBefore, value: t.ok(), againstMainListing: true}
	if t.ok() {
		v.evidence = fmt.Sprintf("a listing whose data handshake started before %s worked: %s", t.command, t.final.String())
	} else {
		v.evidence = t.failure()
		v.finding, v.findingEvidence = cause.DataTLSEarlyRefused, fmt.Sprintf("with the data handshake started before %s: %s; started after it, the main listing worked", t.command, v.evidence)
	}
	return measured(v)
}

// checkDataTLSAfter150 lists with the data handshake held back until the
// 1xx, as most FTP libraries do; the main listing starts it beside the
// reply, so a server that sends 150 only after the handshake serves it.
func (aux *attempt) checkDataTLSAfter150(ctx context.Context) auditOutcome {
	t, stop := aux.resumedListingAt(ctx, after1xx)
	if stop != nil {
		return *stop
	}
	v := verdict{policy: policyDataTLSAfter150, againstMainListing: true}
	// A server that gives up on the missing ClientHello within the wait
	// answers 425 (or another 4xx) without any 1xx.
	gaveUp := t.prelim == nil && t.replyErr == nil && t.final.Code/100 == 4
	switch {
	case !t.heldBack && gaveUp:
		v.evidence = fmt.Sprintf("%s: %s, without a 1xx, while the data connection was open and the ClientHello held back", t.command, firstLine(t.final))
	case !t.heldBack:
		// The 1xx came in time: whatever followed is the listing's.
		v.value, v.evidence = t.ok(), fmt.Sprintf("a listing whose data handshake started after the 1xx: %s", t.failure())
		if t.ok() {
			v.evidence = fmt.Sprintf("a listing whose data handshake started after %s worked: %s", firstLine(*t.prelim), t.final.String())
		}
		return measured(v)
	case t.prelim == nil && !gaveUp:
		// Neither a 1xx nor a 4xx, even after the ClientHello: no
		// conclusion.
		return aux.unmeasured(t.failure())
	default:
		then := "sent then, it was answered: " + t.failure()
		if t.prelim != nil {
			then = "sent then, it was followed by " + firstLine(*t.prelim)
		}
		v.evidence = fmt.Sprintf("%s: no 1xx within %s while the data connection was open and the ClientHello held back; %s", t.command, aux.wait150(), then)
	}
	v.finding, v.findingEvidence = cause.Data150AfterTLS, v.evidence+"; the main listing, whose data handshake starts right after the command, worked"
	return measured(v)
}

// checkEMS makes a TLS 1.2 handshake, for when the control connection
// negotiated TLS 1.3: Windows and Java clients that stop at TLS 1.2
// resume only with Extended Master Secret.
func (aux *attempt) checkEMS(ctx context.Context) auditOutcome {
	if !aux.connect(ctx, true) {
		// No TLS 1.2 here: nothing to resume at TLS 1.2, and clients
		// without TLS 1.3 cannot connect at all.
		for _, f := range aux.findings {
			// A ClientHello read as a command even after the pause
			// (race.go) says nothing about TLS 1.2.
			if cause.TLSNoCommonVersion.Is(f) || cause.TLSHandshakeFailed.Is(f) && aux.raced == "" {
				return measured(verdict{finding: cause.TLS12Refused, findingEvidence: "a TLS 1.2 handshake on an audit connection: " + f.Evidence})
			}
		}
		return aux.unmeasured("no TLS 1.2 handshake")
	}
	v, ok := emsMeasured(aux.tlsConn.ConnectionState(), "an audit connection's TLS 1.2 handshake")
	if !ok {
		return measured()
	}
	return measured(v)
}

// emsMeasured says whether a TLS 1.2 handshake negotiated Extended Master
// Secret; ok is false for another version. crypto/tls does not expose it,
// but refuses keying material export at TLS 1.2 without it (unless
// GODEBUG=tlsunsafeekm=1, which ftpsdiag never sets).
func emsMeasured(cs tls.ConnectionState, where string) (v verdict, ok bool) {
	if cs.Version != tls.VersionTLS12 {
		return v, false
	}
	_, err := cs.ExportKeyingMaterial("EXPORTER-ftpsdiag-ems-check", nil, 1)
	return verdict{
		policy:   policyEMS,
		value:    err == nil,
		evidence: fmt.Sprintf("%s (%s): extended_master_secret %s", where, tls.CipherSuiteName(cs.CipherSuite), map[bool]string{true: "negotiated", false: "not offered by the server"}[err == nil]),
	}, true
}

// emsMismatch runs after the audits: missing EMS matters only where data
// connections must resume.
func (a *attempt) emsMismatch() {
	p := a.res.Policy
	if p == nil || p.ExtendedMasterSecret == nil || *p.ExtendedMasterSecret || p.SessionReuseRequired == nil || !*p.SessionReuseRequired {
		return
	}
	a.find(cause.ResumptionEMSMismatch, p.EMSEvidence+"; and data connections must resume the control session")
}

// checkClearData asks for PROT before PBSZ, checks the address PASV
// advertises (the main session prefers EPSV, which names none), then asks
// for an unprotected listing.
func (aux *attempt) checkClearData(ctx context.Context) auditOutcome {
	if !aux.connect(ctx, true) || !aux.login(ctx) {
		return aux.unmeasured("not logged in")
	}
	early, err := aux.cmd(ctx, rfc2228.Prot(rfc2228.ProtPrivate))
	if err != nil {
		return aux.unmeasured(shortErr(err))
	}
	// A refused PASV is an answer too; a broken connection shows at PBSZ.
	pasv, pasvErr := aux.pasv(ctx)
	prot, ok, err := aux.protect(ctx, rfc2228.ProtClear)
	if err != nil {
		return aux.unmeasured(shortErr(err))
	}
	var t transfer
	if ok {
		t, _ = aux.listFallback(ctx, &result.DataChannel{}, nil, withCommand)
	}
	var o auditOutcome
	if pasvErr == nil {
		o = pasvFindings(pasv)
	}
	pbsz := verdict{policy: policyPBSZ, value: early.Code == rfc2228.CodeBadSequence, evidence: "PROT P before PBSZ: " + early.String()}
	if pbsz.value {
		pbsz.finding, pbsz.findingEvidence = cause.ProtWithoutPBSZRefused, pbsz.evidence
	}
	o.verdicts = append(o.verdicts, pbsz)
	if v, ok := clearDataVerdict(prot, ok, t); ok {
		o.verdicts = append(o.verdicts, v)
	}
	return o
}

// pasvFindings is what the clear-data audit's PASV says about the server:
// an advertised address that is not the peer's, or, over IPv6, a refusal
// (Pure-FTPd: "425 You cannot use PASV on IPv6 connections. Use EPSV
// instead."), where a 227 cannot carry the address, or over IPv4 a
// refusal as not implemented (502), which clients sending PASV meet. A
// 227 that cannot be parsed is no refusal.
func pasvFindings(p pasvReply) auditOutcome {
	var o auditOutcome
	switch id, evidence := p.addressFinding(); {
	case id != cause.None:
		o.pasvAddress = p.advertised
		o.verdicts = append(o.verdicts, verdict{finding: id, findingEvidence: evidence})
	case p.refused() && p.peer.Is6():
		o.ipv6PASVRefusal = fmt.Sprintf("over IPv6 (the control connection's peer is %s), an audit connection's PASV: %s", p.peer, p.reply.String())
	case unknownCommand(p.reply.Code):
		// Only "not implemented" or "unrecognized" say PASV is off for
		// good: the audit sends PASV before PROT, which pyftpdlib refuses
		// (522) for that order, and a 4xx may be a passing shortage.
		o.pasvRefusal = "an audit connection's PASV: " + p.reply.String()
	}
	return o
}

// clearDataVerdict says whether an unprotected listing was possible; ok is
// false when the audit allows no conclusion.
func clearDataVerdict(prot rfc2228.Reply, protOK bool, t transfer) (v verdict, ok bool) {
	v = verdict{policy: policyClearData, finding: cause.DataProtRequired}
	switch {
	case !protOK:
		v.evidence = "PROT C: " + prot.String()
	case t.ok():
		v.value, v.evidence, v.finding = true, fmt.Sprintf("an unprotected %s completed: %s", t.command, t.final.String()), cause.DataClearAllowed
	case t.dialErr != nil:
		return v, false
	default: // refused at the transfer, or at PASV (pyftpdlib): a refusal only if the main listing worked
		v.evidence, v.againstMainListing = "PROT C: "+t.failure(), true
	}
	v.findingEvidence = v.evidence
	return v, true
}

// checkCleartextLogin sends FEAT (for the main session, which leaves it
// to this connection), then USER (never PASS) before AUTH on an explicit
// connection.
func (aux *attempt) checkCleartextLogin(ctx context.Context) auditOutcome {
	if !aux.connect(ctx, false) {
		return aux.unmeasured("no greeting")
	}
	feat := aux.feat(ctx)
	if feat == nil {
		return aux.unmeasured("no reply to FEAT")
	}
	o := aux.cleartextUser(ctx)
	o.featBeforeTLS = feat
	return o
}

// cleartextUser sends USER in clear and says whether the server accepted it.
func (aux *attempt) cleartextUser(ctx context.Context) auditOutcome {
	user, _, anonymous := aux.credentials()
	r, err := aux.cmd(ctx, "USER "+user)
	if err != nil && len(r.Lines) == 0 {
		return aux.unmeasured(shortErr(err))
	}
	if limitRefusal(r, false) { // ProFTPD counts sessions at USER
		aux.limitRefused(fmt.Sprintf("USER %s before AUTH: %s", user, r.String()))
		return aux.unmeasured("refused for the connection limit")
	}
	v := verdict{policy: policyCleartextLogin, value: r.Code == rfc2228.CodeNeedPassword || r.Code == rfc2228.CodeLoggedIn,
		evidence: fmt.Sprintf("USER %s before AUTH: %s", user, r.String()), anonymousLogin: anonymous}
	if v.value {
		// Only USER was shown: a password is never sent in clear.
		v.finding, v.findingEvidence = cause.CleartextLoginAllowed, "USER accepted before TLS; PASS not tried: "+v.evidence
	}
	return measured(v)
}
