package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// A policyCheck runs on its own audit connection, beside the main session,
// and returns what to record once the main session is done: some results
// only mean something next to the main data test's.
type policyCheck struct {
	purpose string
	run     func(a *attempt, ctx context.Context, aux *attempt) (apply func())
}

var (
	checkReuse = policyCheck{
		purpose: "session reuse: a protected listing that does not resume the control TLS session",
		run:     (*attempt).checkReuse,
	}
	checkClearData = policyCheck{
		purpose: "clear data: PROT before PBSZ, the PASV address, then a PROT C (unprotected) listing",
		run:     (*attempt).checkClearData,
	}
	checkEarlyDataTLS = policyCheck{
		purpose: "data TLS before the transfer command: a protected listing whose data handshake starts before LIST, as curl does",
		run:     (*attempt).checkEarlyDataTLS,
	}
	checkEMS = policyCheck{
		purpose: "Extended Master Secret: a TLS 1.2 handshake",
		run:     (*attempt).checkEMS,
	}
	checkCleartextLogin = policyCheck{
		purpose: "cleartext login: USER before AUTH TLS (no password is sent)",
		run:     (*attempt).checkCleartextLogin,
	}
)

// startAudits opens one extra connection per check, concurrently with the
// main session, and returns a function that waits for them and records
// their results.
func (a *attempt) startAudits(ctx context.Context, checks []policyCheck) (wait func()) {
	audits := make([]result.Audit, len(checks))
	applies := make([]func(), len(checks))
	leaves := make([]auditLeaf, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			aux := newAttempt(a.cfg, a.start, a.res.Mode, a.addr)
			aux.res.AuthMechanism = a.res.AuthMechanism
			applies[i] = c.run(a, ctx, aux)
			if aux.tlsConn != nil {
				cs := aux.tlsConn.ConnectionState()
				if len(cs.PeerCertificates) > 0 {
					leaves[i] = auditLeaf{version: cs.Version, der: cs.PeerCertificates[0].Raw}
				}
			}
			aux.quit(ctx)
			aux.close()
			audits[i] = result.Audit{Purpose: c.purpose, Timeline: aux.res.Timeline}
		})
	}
	return func() {
		wg.Wait()
		if len(audits) > 0 {
			a.res.Audits = audits
		}
		for _, apply := range applies {
			if apply != nil {
				apply()
			}
		}
		a.compareLeaves(leaves)
	}
}

// auditLeaf is the certificate an audit connection's handshake presented.
type auditLeaf struct {
	version uint16
	der     []byte
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
	if !a.has("tls-sni-unrecognized") || !sniSent(a.cfg.ServerName) {
		return
	}
	noSNI := *a.cfg
	noSNI.ServerName = a.addr.Addr().String() // Go sends no SNI for an address
	aux := newAttempt(&noSNI, a.start, a.res.Mode, a.addr)
	aux.res.AuthMechanism = a.res.AuthMechanism
	ok := aux.connect(ctx, true)
	aux.quit(ctx)
	aux.close()
	a.res.Audits = append(a.res.Audits, result.Audit{Purpose: "SNI: the same handshake without a server name", Timeline: aux.res.Timeline})
	if ok {
		a.annotate("tls-sni-unrecognized", "; without SNI the handshake succeeds: "+a.cfg.ServerName+" matches no virtual host on this server")
	} else {
		a.annotate("tls-sni-unrecognized", "; without SNI the handshake fails too: "+aux.res.Error)
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
	if !aux.dial(ctx) {
		return false
	}
	implicit := aux.res.Mode == result.ModeImplicit
	if implicit && aux.handshake(ctx) != nil {
		return false
	}
	if r, err := aux.readGreeting(ctx); err != nil || r.Code != rfc2228.CodeServiceReady {
		return false
	}
	if !secure || implicit {
		return true
	}
	r, err := aux.cmd(ctx, "AUTH %s", aux.res.AuthMechanism)
	return err == nil && r.Code/100 == 2 && aux.handshake(ctx) == nil
}

// protect sends PBSZ 0 and PROT level. It reports whether the server
// accepted both; err is a broken connection, not a refusal.
func (a *attempt) protect(ctx context.Context, level string) (rfc2228.Reply, bool, error) {
	r, err := a.cmd(ctx, "PBSZ 0")
	if err != nil || r.Code/100 != 2 {
		return r, false, err
	}
	r, err = a.cmd(ctx, "PROT %s", level)
	return r, err == nil && r.Code/100 == 2, err
}

// quit ends a session politely if it is still up.
func (a *attempt) quit(ctx context.Context) {
	if a.tap != nil {
		a.cmd(ctx, "QUIT")
	}
}

// checkReuse lists over TLS without the control session's cache, so the
// data handshake cannot resume.
func (a *attempt) checkReuse(ctx context.Context, aux *attempt) func() {
	t, ok := aux.protectedListing(ctx, false, false)
	if !ok {
		return nil
	}
	dropped := ""
	if !t.ok() && t.replyErr == nil {
		if _, err := aux.cmd(ctx, "NOOP"); err != nil && lost(err) && !isTimeout(err) {
			dropped = "; the server then ended the session (vsftpd 3.0.3 and later do): clients must reconnect"
		}
	}
	return func() {
		if !a.comparable(t) {
			return
		}
		p := a.policy()
		if t.ok() {
			p.SessionReuseRequired = ptr(false)
			p.SessionReuseEvidence = "an unresumed protected listing worked: " + t.final.String()
			return
		}
		p.SessionReuseRequired = ptr(true)
		p.SessionReuseEvidence = t.evidence() + dropped
		a.find("data-session-reuse-required", "an unresumed data connection was refused: "+t.evidence())
	}
}

// protectedListing logs an audit connection in and makes one protected
// listing, resuming the control session or not, with the data handshake
// started before the command (early) or after it. ok is false when the
// audit could not get that far.
func (aux *attempt) protectedListing(ctx context.Context, resume, early bool) (t transfer, ok bool) {
	if !aux.connect(ctx, true) || !aux.login(ctx) {
		return t, false
	}
	if _, ok, _ := aux.protect(ctx, "P"); !ok {
		return t, false
	}
	t, _ = aux.listFallback(ctx, &result.DataChannel{}, aux.dataTLSConfig(resume), early)
	return t, true
}

// comparable reports whether an audit listing can be judged against the
// main one: the main listing worked and the audit's failure, if any, was
// not the network's.
func (a *attempt) comparable(t transfer) bool {
	main := a.res.DataChannel
	return main != nil && main.OK && t.passiveErr == nil && t.dialErr == nil
}

// checkEarlyDataTLS lists with the data handshake started before the
// transfer command, as curl does; the main listing starts it after.
func (a *attempt) checkEarlyDataTLS(ctx context.Context, aux *attempt) func() {
	t, ok := aux.protectedListing(ctx, true, true)
	if !ok {
		return nil
	}
	return func() {
		if !a.comparable(t) {
			return
		}
		p := a.policy()
		p.DataTLSBeforeCommand = ptr(t.ok())
		if t.ok() {
			p.DataTLSBeforeEvidence = fmt.Sprintf("a listing whose data handshake started before %s worked: %s", t.command, t.final.String())
			return
		}
		p.DataTLSBeforeEvidence = t.failure()
		a.find("data-tls-early-refused", fmt.Sprintf("with the data handshake started before %s: %s; started after it, the main listing worked", t.command, p.DataTLSBeforeEvidence))
	}
}

// checkEMS makes a TLS 1.2 handshake, for when the control connection
// negotiated TLS 1.3: Windows and Java clients that stop at TLS 1.2
// resume only with Extended Master Secret.
func (a *attempt) checkEMS(ctx context.Context, aux *attempt) func() {
	aux.maxVersion = tls.VersionTLS12
	if !aux.connect(ctx, true) {
		// No TLS 1.2 here: nothing to resume at TLS 1.2, and clients
		// without TLS 1.3 cannot connect at all.
		for _, f := range aux.findings {
			if f.ID == "tls-no-common-version" || f.ID == "tls-handshake-failed" {
				evidence := "a TLS 1.2 handshake on an audit connection: " + f.Evidence
				return func() { a.find("tls12-refused", evidence) }
			}
		}
		return nil
	}
	cs := aux.tlsConn.ConnectionState()
	return func() { a.recordEMS(cs, "an audit connection's TLS 1.2 handshake") }
}

// recordEMS notes whether a TLS 1.2 handshake negotiated Extended Master
// Secret. crypto/tls does not expose it, but refuses keying material
// export at TLS 1.2 without it (unless GODEBUG=tlsunsafeekm=1, which
// ftpsdiag never sets).
func (a *attempt) recordEMS(cs tls.ConnectionState, where string) {
	if cs.Version != tls.VersionTLS12 {
		return
	}
	_, err := cs.ExportKeyingMaterial("EXPORTER-ftpsdiag-ems-check", nil, 1)
	p := a.policy()
	p.ExtendedMasterSecret = ptr(err == nil)
	p.EMSEvidence = fmt.Sprintf("%s (%s): extended_master_secret %s", where, tls.CipherSuiteName(cs.CipherSuite), map[bool]string{true: "negotiated", false: "not offered by the server"}[err == nil])
}

// emsVerdict runs after the audits: missing EMS matters only where data
// connections must resume.
func (a *attempt) emsVerdict() {
	p := a.res.Policy
	if p == nil || p.ExtendedMasterSecret == nil || *p.ExtendedMasterSecret || p.SessionReuseRequired == nil || !*p.SessionReuseRequired {
		return
	}
	a.find("resumption-ems-mismatch", p.EMSEvidence+"; and data connections must resume the control session")
}

// checkClearData asks for PROT before PBSZ, checks the address PASV
// advertises (the main session prefers EPSV, which names none), then asks
// for an unprotected listing.
func (a *attempt) checkClearData(ctx context.Context, aux *attempt) func() {
	if !aux.connect(ctx, true) || !aux.login(ctx) {
		return nil
	}
	early, err := aux.cmd(ctx, "PROT P")
	if err != nil {
		return nil
	}
	pasv := &result.DataChannel{EPSVSupported: ptr(false)} // straight to PASV
	if _, err := aux.passive(ctx, pasv); err != nil && aux.tap == nil {
		return nil
	}
	prot, ok, err := aux.protect(ctx, "C")
	if err != nil {
		return nil
	}
	var t transfer
	if ok {
		t, _ = aux.listFallback(ctx, &result.DataChannel{}, nil, false)
	}
	return func() {
		a.adopt(aux, "pasv-address-mismatch")
		a.adopt(aux, "pasv-zero-address")
		a.ipv6PASV(aux)
		if main := a.res.DataChannel; main != nil && main.AdvertisedAddress == "" {
			main.AdvertisedAddress = pasv.AdvertisedAddress
		}
		p := a.policy()
		p.PBSZRequired = ptr(early.Code == rfc2228.CodeBadSequence)
		p.PBSZEvidence = "PROT P before PBSZ: " + early.String()
		if *p.PBSZRequired {
			a.find("prot-without-pbsz-refused", p.PBSZEvidence)
		}
		a.clearDataVerdict(p, prot, ok, t)
	}
}

// ipv6PASV reports the clear-data audit's PASV refused over IPv6, where a
// 227 cannot carry the address (Pure-FTPd: "425 You cannot use PASV on
// IPv6 connections. Use EPSV instead."). The main session uses EPSV; when
// it had to use PASV, passive-refused already says so.
func (a *attempt) ipv6PASV(aux *attempt) {
	peer := a.addr.Addr().Unmap()
	if !peer.Is6() || a.has("passive-refused") {
		return
	}
	for _, f := range aux.findings {
		if f.ID != "passive-refused" || strings.HasPrefix(f.Evidence, "PASV: 227") {
			continue // a malformed 227 is no refusal
		}
		evidence := fmt.Sprintf("over IPv6 (the control connection's peer is %s), an audit connection's %s", peer, strings.TrimSuffix(f.Evidence, ipv6Note(peer)))
		if main := a.res.DataChannel; main != nil && main.EPSVSupported != nil && *main.EPSVSupported {
			evidence += "; EPSV was answered in the main session"
		}
		a.find("ipv6-pasv-refused", evidence)
		return
	}
}

// clearDataVerdict records whether an unprotected listing was possible.
func (a *attempt) clearDataVerdict(p *result.Policy, prot rfc2228.Reply, protOK bool, t transfer) {
	main := a.res.DataChannel
	switch {
	case !protOK:
		p.ClearDataAllowed, p.ClearDataEvidence = ptr(false), "PROT C: "+prot.String()
	case t.ok():
		p.ClearDataAllowed, p.ClearDataEvidence = ptr(true), fmt.Sprintf("an unprotected %s completed: %s", t.command, t.final.String())
		a.find("data-clear-allowed", p.ClearDataEvidence)
		return
	case t.dialErr != nil || main == nil || !main.OK:
		return // no conclusion
	default: // refused at the transfer, or at PASV (pyftpdlib)
		p.ClearDataAllowed, p.ClearDataEvidence = ptr(false), "PROT C: "+t.failure()
	}
	a.find("data-prot-required", p.ClearDataEvidence)
}

// adopt takes over an audit connection's finding: it concerns the server,
// whichever connection saw it.
func (a *attempt) adopt(aux *attempt, id string) {
	for _, f := range aux.findings {
		if f.ID == id && !a.has(id) {
			a.find(id, f.Evidence)
		}
	}
}

// checkCleartextLogin sends USER (never PASS) before AUTH on an explicit
// connection.
func (a *attempt) checkCleartextLogin(ctx context.Context, aux *attempt) func() {
	if !aux.connect(ctx, false) {
		return nil
	}
	user, _, _ := aux.credentials()
	r, err := aux.cmd(ctx, "USER %s", user)
	if err != nil && len(r.Lines) == 0 {
		return nil
	}
	return func() {
		p := a.policy()
		allowed := r.Code == rfc2228.CodeNeedPassword || r.Code == rfc2228.CodeLoggedIn
		p.CleartextLoginAllowed, p.CleartextLoginEvidence = &allowed, fmt.Sprintf("USER %s before AUTH: %s", user, r.String())
		if allowed {
			a.find("cleartext-login-allowed", p.CleartextLoginEvidence)
		}
	}
}
