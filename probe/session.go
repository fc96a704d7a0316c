package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// authMechanisms are tried in order: TLS is RFC 4217's name; SSL and
// TLS-C are older names some servers still want.
var authMechanisms = []string{"TLS", "SSL", "TLS-C"}

// explicit runs an explicit-TLS session: banner, FEAT, AUTH, handshake,
// then the secured session. banner is the greeting already read by
// auto-detection, or nil.
func (a *attempt) explicit(ctx context.Context, banner *rfc2228.Reply) {
	if banner != nil && !a.checkGreeting(*banner, nil) {
		return
	}
	// The server took our connection: the audits need not wait for its
	// greeting (theirs come in the same round trip as ours).
	early := a.openEarly(ctx)
	if banner == nil {
		r, ok := a.greeting(ctx)
		if !ok {
			return
		}
		banner = &r
	}
	a.res.Banner = banner.Lines
	// The cleartext-login audit sends the FEAT in clear, off this
	// session's path (a server that writes each FEAT line apart makes it
	// take two round trips); without the audits, this session sends it.
	if !early && a.featInClear(ctx) == nil {
		return
	}
	if !a.auth(ctx) {
		if a.res.FeatBeforeTLS == nil && a.tap != nil && !a.limited() {
			// What the server says it offers, beside the refusal; a
			// failure here changes nothing of the attempt's outcome.
			if r, err := a.cmd(ctx, "FEAT"); err == nil {
				a.res.FeatBeforeTLS = features(r)
			}
		}
		return
	}
	a.startScan(ctx) // its connections need only the mechanism
	if err := a.handshake(ctx); err != nil {
		a.abandonEarly() // before the retries' own connections
		a.retryWithoutSNI(ctx)
		a.retryAllSuites(ctx, err)
		a.checkMaskedSYST(ctx)
		return
	}
	a.secured(ctx, true)
}

// featInClear sends FEAT before AUTH and keeps its answer; nil when the
// exchange failed.
func (a *attempt) featInClear(ctx context.Context) *result.Features {
	a.res.FeatBeforeTLS = a.feat(ctx)
	return a.res.FeatBeforeTLS
}

// featMissingAuth notes a FEAT in clear that does not offer the AUTH the
// server then accepted.
func (a *attempt) featMissingAuth() {
	feat := a.res.FeatBeforeTLS
	if feat == nil || feat.AuthTLS || a.tlsConn == nil {
		return
	}
	a.find(cause.FeatMissingAuth, fmt.Sprintf("FEAT (%d) lists %s; AUTH %s got 234", feat.Code, featSummary(feat), a.res.AuthMechanism))
}

// implicit runs an implicit-TLS session on a connection whose handshake
// has just been made (hsErr is its outcome).
func (a *attempt) implicit(ctx context.Context, hsErr error) {
	if hsErr != nil && a.refusedBeforeTLS() {
		return
	}
	if hsErr != nil {
		a.retryWithoutSNI(ctx)
		a.retryAllSuites(ctx, hsErr)
		return
	}
	// The server speaks TLS: the audits need not wait for its greeting,
	// which comes in the same round trip as theirs.
	_ = a.openEarly(ctx)
	a.startScan(ctx)
	r, ok := a.greeting(ctx)
	if !ok {
		return
	}
	a.res.Banner = r.Lines
	a.secured(ctx, false)
}

// greeting reads and checks the 220.
func (a *attempt) greeting(ctx context.Context) (rfc2228.Reply, bool) {
	r, err := a.readGreeting(ctx)
	return r, a.checkGreeting(r, err)
}

// readGreeting reads the greeting, skipping a 120 "ready in nnn minutes".
func (a *attempt) readGreeting(ctx context.Context) (rfc2228.Reply, error) {
	ctx, cancel := a.step(ctx)
	defer cancel()
	// The server sends it once our last flight has reached it (the ACK
	// of the TCP handshake, or our TLS Finished on an implicit port).
	a.res.RoundTrips++
	r, err := a.reply(ctx, "reading the greeting")
	for err == nil && r.Code == rfc2228.CodeServiceReadySoon {
		r, err = a.reply(ctx, "reading the greeting after 120")
	}
	return r, err
}

// checkGreeting tells silence, garbage and refusals apart.
func (a *attempt) checkGreeting(r rfc2228.Reply, err error) bool {
	switch {
	case a.weakCipherRefused(r, err): // implicit: 534 instead of the greeting
		return false
	case err != nil && a.has(cause.TLSClientCertRequired): // the alert came instead of the greeting
	case err != nil && a.res.Mode == result.ModeExplicit && isTimeout(err) && a.tap.received() == 0:
		a.find(cause.ExplicitGotSilence, "TCP connected, then not one byte before the timeout")
	case err != nil && isTimeout(err):
		a.find(cause.NoGreeting, fmt.Sprintf("the greeting never ended: %q before the timeout", a.tap.seen(80)))
	case err != nil:
		a.find(cause.NoGreeting, greetingEvidence(err))
	case limitRefusal(r, true):
		a.limitRefused(r.String())
		err = fmt.Errorf("server refused the session: %s", firstLine(r))
	case r.Code != rfc2228.CodeServiceReady:
		a.find(cause.NoGreeting, "expected 220, got: "+r.String())
		err = fmt.Errorf("unexpected greeting: %s", firstLine(r))
	default:
		return true
	}
	a.fail(err)
	return false
}

// greetingEvidence says why no valid greeting arrived: bytes that are
// not FTP, or what the connection did.
func greetingEvidence(err error) string {
	if pe, ok := errors.AsType[*rfc2228.ProtocolError](err); ok {
		return fmt.Sprintf("not an FTP reply (%s): %q", pe.Reason, pe.Seen)
	}
	return shortErr(err) + " before any greeting"
}

// feat sends FEAT; a server that does not know it is not an error. It
// returns nil when the exchange itself failed.
func (a *attempt) feat(ctx context.Context) *result.Features {
	r, err := a.cmd(ctx, "FEAT")
	if a.weakCipherRefused(r, err) { // a 534 inside TLS answers no command
		return nil
	}
	if err != nil {
		a.fail(err)
		return nil
	}
	return features(r)
}

// features is what a reply to FEAT offers.
func features(r rfc2228.Reply) *result.Features {
	f := rfc2228.ParseFeat(r)
	return &result.Features{
		Code:    r.Code,
		Lines:   nonNil(f.Lines),
		AuthTLS: hasAuthTLS(f),
		PBSZ:    f.Has("PBSZ"),
		PROT:    f.Has("PROT"),
	}
}

// hasAuthTLS reports a FEAT that offers AUTH TLS (or TLS-C, its old name).
func hasAuthTLS(f rfc2228.Features) bool {
	for _, m := range f.AuthMechanisms() {
		if m == "TLS" || m == "TLS-C" {
			return true
		}
	}
	return false
}

// auth tries each AUTH mechanism until one is accepted.
func (a *attempt) auth(ctx context.Context) bool {
	var refusals []string
	for _, mech := range authMechanisms {
		r, err := a.cmd(ctx, rfc2228.Auth(mech))
		if err != nil {
			a.fail(err)
			return false
		}
		switch {
		case r.Code == rfc2228.CodeAuthOK:
			a.res.AuthMechanism = mech
			return true
		case r.Code/100 == 2:
			a.res.AuthMechanism = mech
			a.find(cause.AuthNonstandardSuccess, fmt.Sprintf("AUTH %s answered %s", mech, firstLine(r)))
			return true
		case r.Code == rfc2228.CodeSecurityResourceMissing:
			a.find(cause.AuthNoCertificate, fmt.Sprintf("AUTH %s answered %s", mech, firstLine(r)))
			a.fail(fmt.Errorf("AUTH %s refused: %s", mech, firstLine(r)))
			return false
		}
		refusals = append(refusals, fmt.Sprintf("AUTH %s: %s", mech, firstLine(r)))
		if r.Code == rfc2228.CodeServiceNotAvailable { // the server hung up
			break
		}
	}
	a.find(cause.AuthNotSupported, strings.Join(refusals, "; "))
	a.fail(errors.New("no AUTH mechanism accepted"))
	return false
}

// secured runs the protected session: FEAT again (explicit only; with
// early audits one of them sends it, off this session's path), the
// login, PBSZ 0 and PROT P, the protected listing and, beside them, the
// policy checks on their own connections; then CCC if asked, and QUIT
// when the audits are done.
func (a *attempt) secured(ctx context.Context, featAgain bool) {
	if featAgain && a.early == nil {
		f := a.feat(ctx)
		if f == nil {
			return
		}
		a.res.FeatAfterTLS = f
	}
	if !featAgain || a.res.FeatAfterTLS != nil {
		// The server answered inside TLS (the greeting, or FEAT): the
		// control channel works. Else the reply to USER shows it.
		a.res.OK = true
	}
	dc := &result.DataChannel{}
	a.res.DataChannel = dc
	loggedIn := a.login(ctx)
	a.finishTLS() // TLS 1.3 tickets came with the replies read so far
	if a.res.Error != "" {
		dc.NotAttempted = "the control connection failed: " + a.res.Error
		return
	}
	defer a.emsMismatch() // after the audits: it needs their reuse verdict
	if v, ok := emsMeasured(a.tlsConn.ConnectionState(), "the control handshake"); ok {
		a.apply(v)
	}
	defer a.startAudits(ctx, a.auditChecks(loggedIn, a.tlsConn.ConnectionState().Version))()
	if featAgain {
		defer a.featAfterTLS(ctx) // before the QUIT
	}

	r, ok, err := a.protect(ctx, rfc2228.ProtPrivate)
	switch {
	case err != nil:
		a.fail(err)
		return
	case !ok:
		a.find(cause.ProtPRefused, r.String())
		dc.NotAttempted = "PROT P refused: " + firstLine(r)
		return
	}
	switch {
	case !loggedIn:
		dc.NotAttempted = "login failed: " + a.res.Login.Reply
	default:
		a.dataChannel(ctx)
	}
	if a.cfg.CCC {
		a.ccc(ctx)
	}
	// The session ends (QUIT) once every audit has measured: see startAudits.
}

// featAfterTLS records the FEAT inside TLS an early audit sent for this
// session. When it failed, or none was sent, this session sends it, last,
// and a NOOP after it: what it does to a session (a reset, two replies)
// then shows here.
func (a *attempt) featAfterTLS(ctx context.Context) {
	if a.res.FeatAfterTLS != nil { // sent at the start, without early audits
		return
	}
	if a.res.FeatAfterTLS = a.early.featAfterTLS(); a.res.FeatAfterTLS != nil || a.failed != nil || a.tap == nil {
		return
	}
	if a.res.FeatAfterTLS = a.feat(ctx); a.res.FeatAfterTLS == nil {
		return
	}
	// The audit's session ended after its FEAT: does this one live on?
	if _, err := a.cmd(ctx, "NOOP"); err != nil {
		a.fail(err)
	}
}

// auditChecks are the policy checks for a session in this mode: those
// that list only after a login worked, EMS only where the control
// handshake was TLS 1.3 (a TLS 1.2 one shows it itself).
func (a *attempt) auditChecks(loggedIn bool, version uint16) []policyCheck {
	var checks []policyCheck
	for _, c := range []policyCheck{checkReuse, checkClearData, checkEarlyDataTLS, checkDataTLSAfter150, checkCleartextLogin, checkEMS} {
		switch {
		case c.login && !loggedIn:
		case c.clear && a.res.Mode != result.ModeExplicit: // an implicit port has no clear
		case c.version == tls.VersionTLS12 && version != tls.VersionTLS13:
		default:
			checks = append(checks, c)
		}
	}
	return checks
}

// firstLine is a reply's first line, or its code when it has none.
func firstLine(r rfc2228.Reply) string {
	if len(r.Lines) == 0 {
		return fmt.Sprint(r.Code)
	}
	return r.Lines[0]
}

// featSummary lists the features FEAT named, for evidence.
func featSummary(f *result.Features) string {
	if len(f.Lines) == 0 {
		return "no features"
	}
	return strings.Join(f.Lines, ", ")
}

// nonNil makes a nil slice empty, so that JSON shows [] and not null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
