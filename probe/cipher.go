package probe

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/tlswire"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// everySuite is every cipher suite in the IANA registry, TLS 1.3 suites
// first, then the others from strong to insecure: a server that follows
// the client's order names the best suite it accepts.
var everySuite = func() []uint16 {
	rank := map[tlswire.Strength]int{tlswire.StrengthStrong: 0, tlswire.StrengthAcceptable: 1, tlswire.StrengthWeak: 2, tlswire.StrengthInsecure: 3}
	all := tlswire.Suites()
	slices.SortStableFunc(all, func(x, y tlswire.Suite) int {
		if x.TLS13() != y.TLS13() {
			if x.TLS13() {
				return -1
			}
			return 1
		}
		return cmp.Compare(rank[x.Strength], rank[y.Strength])
	})
	ids := make([]uint16, len(all))
	for i, s := range all {
		ids[i] = s.Code
	}
	return ids
}()

// retryAllSuites follows a handshake_failure alert to the control
// handshake (hsErr) with one ClientHello offering every suite in the IANA
// registry, on its own connection: crypto/tls offers only the suites Go
// implements, so a server whose cipher list holds only DHE, CCM, CAMELLIA
// or ARIA suites refuses it, yet picks one here. The retry is drawn as an
// audit connection; its handshake is never completed.
func (a *attempt) retryAllSuites(ctx context.Context, hsErr error) {
	if code, ok := receivedAlert(hsErr); !ok || code != alertHandshakeFailure || !a.has(cause.TLSHandshakeFailed) {
		return
	}
	aux := newAttempt(a.cfg, a.start, a.res.Mode, a.addr)
	aux.res.AuthMechanism = a.res.AuthMechanism
	r, got := aux.helloAllSuites(ctx)
	aux.close()
	a.waitedFor(aux)
	a.res.Audits = append(a.res.Audits, result.Audit{Purpose: "cipher suites: a ClientHello offering every suite in the IANA registry", Timeline: aux.res.Timeline})
	offer := fmt.Sprintf("offered all %d suites of the IANA registry (DHE, CCM, CAMELLIA, ARIA included) on its own connection, got ", len(everySuite))
	switch {
	case got == "":
		a.annotate(cause.TLSHandshakeFailed, fmt.Sprintf("; a ClientHello offering all %d suites of the IANA registry could not be sent: %s", len(everySuite), aux.res.Error))
	case r.Kind == tlswire.KindServerHello || r.Kind == tlswire.KindHelloRetry:
		if slices.Contains(offeredSuites, r.Suite) {
			a.annotate(cause.TLSHandshakeFailed, "; "+offer+got+", a suite Go offers too: the refusal was not about cipher suites (a group, a signature algorithm or an extension)")
			return
		}
		evidence := fmt.Sprintf("offered the %d suites Go implements: %s. Then, %s, which Go does not implement", len(offeredSuites), a.evidence(cause.TLSHandshakeFailed), offer+got)
		a.drop(cause.TLSHandshakeFailed) // the cause is known
		a.find(cause.TLSNoSharedCipher, evidence)
	case r.Kind == tlswire.KindAlert && r.AlertDescription == alertHandshakeFailure:
		a.annotate(cause.TLSHandshakeFailed, "; "+offer+"alert 40 too: it accepted no suite at all (its cipher list matches none it can use with its certificate)")
	default:
		a.annotate(cause.TLSHandshakeFailed, "; "+offer+got)
	}
}

// helloAllSuites brings an audit connection to the point where a
// ClientHello goes (after 220 and AUTH on an explicit port), sends one
// offering every suite and every version from TLS 1.0 to 1.3, and reads
// the server's first answer. got describes it, or is "" when no hello
// could be sent (aux.res.Error says why).
func (aux *attempt) helloAllSuites(ctx context.Context) (r tlswire.Response, got string) {
	if !aux.dial(ctx) {
		return r, ""
	}
	if aux.res.Mode == result.ModeExplicit {
		if g, err := aux.readGreeting(ctx); err != nil || g.Code != rfc2228.CodeServiceReady {
			aux.fail(fmt.Errorf("greeting: %s", cmp.Or(shortErr(err), firstLine(g))))
			return r, ""
		}
		auth, err := aux.cmd(ctx, rfc2228.Auth(aux.res.AuthMechanism))
		if err != nil || auth.Code/100 != 2 || aux.ctrl.Buffered() > 0 {
			aux.fail(fmt.Errorf("AUTH %s: %s", aux.res.AuthMechanism, cmp.Or(shortErr(err), firstLine(auth))))
			return r, ""
		}
	}
	msg, err := tlswire.ClientHello{
		Version:    tlswire.VersionTLS13,
		MinVersion: tlswire.VersionTLS10,
		Suites:     everySuite,
		ServerName: aux.cfg.ServerName,
		KeyShares:  []uint16{tlswire.GroupX25519, tlswire.GroupSecp256r1},
	}.Marshal()
	if err != nil {
		aux.fail(err)
		return r, ""
	}
	ctx, cancel := aux.step(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { aux.tap.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		aux.tap.SetDeadline(d)
	}
	aux.event(result.FromTLS, fmt.Sprintf("ClientHello: TLS 1.0-1.3, all %d cipher suites of the IANA registry", len(everySuite)))
	aux.res.RoundTrips++
	if _, err := aux.tap.Write(msg); err != nil {
		aux.fail(fmt.Errorf("sending the ClientHello: %w", err))
		return r, ""
	}
	r, err = tlswire.ReadResponse(aux.tap, false)
	switch r.Kind {
	case tlswire.KindServerHello, tlswire.KindHelloRetry:
		got = fmt.Sprintf("a ServerHello choosing %s (%s)", tlswire.SuiteName(r.Suite), tlswire.VersionName(r.Version))
		if r.Kind == tlswire.KindHelloRetry {
			got = fmt.Sprintf("a HelloRetryRequest choosing %s (%s, group %s)", tlswire.SuiteName(r.Suite), tlswire.VersionName(r.Version), tlswire.GroupName(r.Group))
		}
		aux.event(result.FromTLS, got+"; not completed: only the choice matters")
	case tlswire.KindAlert:
		got = fmt.Sprintf("alert %d (%s)", r.AlertDescription, tlswire.AlertName(r.AlertDescription))
		aux.event(result.FromTLS, "alert from server: "+got[len("alert "):])
	case tlswire.KindPlaintext:
		got = "plaintext: " + r.Text
		aux.event(result.FromServer, r.Text)
	case tlswire.KindNone:
		got = shortErr(err)
		aux.event(result.FromNet, got)
	default:
		got = fmt.Sprintf("%v %s", r.Kind, r.Text)
		aux.event(result.FromNet, got)
	}
	return r, got
}

// evidence is the evidence of an earlier finding, or "".
func (a *attempt) evidence(id cause.ID) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, f := range a.findings {
		if id.Is(f) {
			return f.Evidence
		}
	}
	return ""
}
