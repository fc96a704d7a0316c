package probe

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// The events of a session whose commands sent together were not all
// answered, made again a command at a time.
const (
	sessionMadeAgain = "the session is made again, a command at a time"
	checkMadeAgain   = "the check is made again, a command at a time"
)

// After the login, the main session and the audits that list send PBSZ,
// PROT and EPSV in one write, which every real server here answers in
// turn. A server that reads one command and drops the rest of what it
// read costs restOfBatch, then the session (or the audit check) is made
// again a command at a time and measures what it would have: no finding
// comes from our pipelining.
func TestPipelined(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	every := func(int) bool { return true }
	auditsOnly := func(n int) bool { return n > 1 } // the main connection is accepted first
	for _, tt := range []struct {
		name       string
		dropping   func(n int) bool
		mainAgain  bool // the main session was made again
		auditAgain bool // the listing audits were
	}{
		{name: "in turn"},
		{name: "one command per read", dropping: every, mainAgain: true},
		{name: "one command per read on the audits' node", dropping: auditsOnly, auditAgain: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), OneCommandPerRead: tt.dropping})
			const step = 5 * time.Second
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.Timeout = ModeExplicit, step })
			wantFindings(t, r, strict()...)
			// The dropped replies cost restOfBatch (2 s on loopback), once
			// on the main session and the audits beside it, not a step.
			if took := time.Duration(r.DurationMS * float64(time.Millisecond)); took >= step {
				t.Errorf("took %s, a whole step (%s) or more", took, step)
			}
			a := r.Attempts[0]
			if got := slices.ContainsFunc(timelineTexts(a), func(s string) bool { return strings.Contains(s, sessionMadeAgain) }); got != tt.mainAgain {
				t.Errorf("main session made again = %v, want %v:\n%s", got, tt.mainAgain, strings.Join(timelineTexts(a), "\n"))
			}
			if !tt.mainAgain {
				checkTogether(t, "main session", a.Timeline)
			}
			checkAudits(t, a, !tt.mainAgain, tt.auditAgain)
			p := a.Policy
			if !a.DataChannel.OK || p == nil || p.SessionReuseRequired == nil || p.DataTLSBeforeCommand == nil || p.DataTLSAfter150 == nil || p.ClearDataAllowed == nil {
				t.Errorf("data channel %+v, policy %+v: every listing audit should have measured", a.DataChannel, p)
			}
		})
	}
	for _, kind := range append(slices.Clone(ftpdtest.Kinds), ftpdtest.Pyftpdlib) {
		t.Run(string(kind), func(t *testing.T) {
			ftpdtest.Require(t, kind)
			srv := ftpdtest.Start(t, kind, ftpdtest.Options{TLS: true, Cert: cert})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.User, c.Password = ModeExplicit, srv.User, srv.Password })
			a := r.Attempts[0]
			if a.DataChannel == nil || !a.DataChannel.OK {
				t.Fatalf("data channel = %+v", a.DataChannel)
			}
			if slices.ContainsFunc(timelineTexts(a), func(s string) bool { return strings.Contains(s, sessionMadeAgain) }) {
				t.Errorf("main session made again:\n%s", strings.Join(timelineTexts(a), "\n"))
			}
			checkTogether(t, "main session", a.Timeline)
			checkAudits(t, a, true, false)
		})
	}
}

// pyftpdlib delays its reply to a refused password and meanwhile answers
// the commands sent after it: here it refuses every login after the main
// session's, so the audits' PASS, sent with PBSZ, PROT and EPSV, meets
// replies out of order. Their login fails on that evidence, no audit
// claims what it did not measure, and none tries the refused password a
// second time.
func TestPipelinedPassOutOfOrder(t *testing.T) {
	ftpdtest.Require(t, ftpdtest.Pyftpdlib)
	srv := ftpdtest.Start(t, ftpdtest.Pyftpdlib, ftpdtest.Options{TLS: true, Cert: localCert(t, testcert.Options{}), Extra: []string{
		"from pyftpdlib.authorizers import AuthenticationFailed",
		"_logins = [0]",
		"_validate = authorizer.validate_authentication",
		"def _first_only(user, password, h):",
		"    _logins[0] += 1",
		"    if _logins[0] > 1:",
		"        raise AuthenticationFailed('only the first login')",
		"    return _validate(user, password, h)",
		"authorizer.validate_authentication = _first_only",
		"handler.auth_failed_timeout = 0.3",
	}})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.User, c.Password = ModeExplicit, srv.User, srv.Password })
	a := r.Attempts[0]
	if a.DataChannel == nil || !a.DataChannel.OK {
		t.Fatalf("data channel = %+v", a.DataChannel)
	}
	if p := a.Policy; p != nil && (p.SessionReuseRequired != nil || p.DataTLSBeforeCommand != nil || p.DataTLSAfter150 != nil || p.ClearDataAllowed != nil) {
		t.Errorf("policy = %+v: no listing audit could log in", p)
	}
	outOfOrder := 0
	for _, au := range a.Audits {
		passes := 0
		for _, e := range au.Timeline {
			switch {
			case e.Text == "PASS ****":
				passes++
			case strings.Contains(e.Text, checkMadeAgain):
				t.Errorf("%s: made again, trying the refused password again", au.Purpose)
			case strings.HasPrefix(e.Text, "replies out of order: 200"):
				outOfOrder++
			}
		}
		if passes > 1 {
			t.Errorf("%s: %d PASS", au.Purpose, passes)
		}
	}
	if outOfOrder != 3 { // session reuse, data TLS before the command, after the 150
		t.Errorf("%d audits saw replies out of order, want 3", outOfOrder)
	}
}

// checkAudits checks the four audits that list: whether they sent PBSZ,
// PROT and EPSV together, and whether their check was made again.
func checkAudits(t *testing.T, a result.Attempt, together, again bool) {
	t.Helper()
	listing := 0
	for _, au := range a.Audits {
		i := slices.IndexFunc(au.Timeline, func(e result.Event) bool { return e.Text == "PBSZ 0" })
		if i < 0 {
			continue
		}
		listing++
		if together {
			checkTogether(t, au.Purpose, au.Timeline)
		}
		got := slices.ContainsFunc(au.Timeline, func(e result.Event) bool { return strings.Contains(e.Text, checkMadeAgain) })
		if got != again {
			t.Errorf("%s: made again = %v, want %v", au.Purpose, got, again)
		}
	}
	if listing != 4 { // session reuse, clear data, data TLS before the command, after the 150
		t.Errorf("%d audits sent PBSZ, want 4", listing)
	}
}

// checkTogether checks that PBSZ, PROT and EPSV went out before the first
// of their replies.
func checkTogether(t *testing.T, who string, tl []result.Event) {
	t.Helper()
	var texts []string
	for _, e := range tl {
		texts = append(texts, string(e.From)+": "+e.Text)
	}
	i := slices.Index(texts, "client: PBSZ 0")
	if i < 0 || i+2 >= len(texts) || !strings.HasPrefix(texts[i+1], "client: PROT ") || texts[i+2] != "client: EPSV" {
		t.Errorf("%s: PBSZ, PROT and EPSV not sent together:\n%s", who, strings.Join(texts, "\n"))
	}
}
