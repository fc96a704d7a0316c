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

// madeAgain is the event of an audit whose commands sent together were
// not all answered.
const madeAgain = "the commands sent together were not all answered"

// The audits that list send PBSZ, PROT and EPSV in one write, which every
// real server here answers in turn; a server that reads one command and
// drops the rest of what it read costs a step timeout, then the check is
// made again a command at a time and measures what it would have: no
// finding comes from our pipelining.
func TestPipelinedAudits(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	t.Run("fake", func(t *testing.T) {
		srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert)})
		r := diagnose(t, srv.Addr, explicitOnly)
		wantFindings(t, r, strict()...)
		checkPipelined(t, r.Attempts[0], false)
	})
	t.Run("one command per read", func(t *testing.T) {
		srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), OneCommandPerRead: true})
		r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.Timeout = ModeExplicit, time.Second })
		wantFindings(t, r, strict()...)
		a := r.Attempts[0]
		checkPipelined(t, a, true)
		p := a.Policy
		if p == nil || p.SessionReuseRequired == nil || p.DataTLSBeforeCommand == nil || p.DataTLSAfter150 == nil || p.ClearDataAllowed == nil {
			t.Errorf("policy = %+v: every listing audit should have measured, one command at a time", p)
		}
	})
	for _, kind := range append(slices.Clone(ftpdtest.Kinds), ftpdtest.Pyftpdlib) {
		t.Run(string(kind), func(t *testing.T) {
			ftpdtest.Require(t, kind)
			srv := ftpdtest.Start(t, kind, ftpdtest.Options{TLS: true, Cert: cert})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.User, c.Password = ModeExplicit, srv.User, srv.Password })
			a := r.Attempts[0]
			if a.DataChannel == nil || !a.DataChannel.OK {
				t.Fatalf("data channel = %+v", a.DataChannel)
			}
			checkPipelined(t, a, false)
		})
	}
}

// checkPipelined checks that every audit that lists sent PBSZ, PROT and
// EPSV before the first of their replies, and whether it then had to make
// the check again.
func checkPipelined(t *testing.T, a result.Attempt, again bool) {
	t.Helper()
	listing := 0
	for _, au := range a.Audits {
		var texts []string
		for _, e := range au.Timeline {
			texts = append(texts, string(e.From)+": "+e.Text)
		}
		i := slices.Index(texts, "client: PBSZ 0")
		if i < 0 {
			continue
		}
		listing++
		if i+2 >= len(texts) || !strings.HasPrefix(texts[i+1], "client: PROT ") || texts[i+2] != "client: EPSV" {
			t.Errorf("%s: PBSZ, PROT and EPSV not sent together:\n%s", au.Purpose, strings.Join(texts, "\n"))
		}
		if got := slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, madeAgain) }); got != again {
			t.Errorf("%s: made again = %v, want %v:\n%s", au.Purpose, got, again, strings.Join(texts, "\n"))
		}
	}
	if listing != 4 { // session reuse, clear data, data TLS before the command, after the 150
		t.Errorf("%d audits sent PBSZ, want 4", listing)
	}
}
