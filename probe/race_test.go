package probe

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// racyServer is a healthy explicit server whose accepted AUTH commands
// lose the race after 234 as race says (ftpstest.Config.AuthRace).
func racyServer(t *testing.T, race func(int) time.Duration) *ftpstest.Server {
	return serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{})), AuthRace: race})
}

// TestAuthRaceMain: the main connection's ClientHello is read as a
// command once; the retry on a new connection, its ClientHello after a
// pause, works: a warning, and the session is diagnosed as on a server
// without the race.
func TestAuthRaceMain(t *testing.T) {
	srv := racyServer(t, ftpstest.FirstSessions(1))
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, strict(warning(cause.AuthTLSRace))...)
	a := r.Attempts[0]
	if !a.OK || a.TLS == nil || a.DataChannel == nil || !a.DataChannel.OK {
		t.Errorf("attempt not diagnosed through: ok %v, error %q", a.OK, a.Error)
	}
	f := finding(t, r, cause.AuthTLSRace)
	for _, want := range []string{"502 Command not allowed: \x16\x03", "100ms after the 234, the handshake worked"} {
		if !strings.Contains(f.Evidence, want) {
			t.Errorf("evidence %q lacks %q", f.Evidence, want)
		}
	}
	lines := timelineTexts(a)
	if n := count(lines, "client: AUTH TLS"); n != 2 {
		t.Errorf("AUTH TLS sent %d times, want 2 (the retry on a new connection): %q", n, lines)
	}
	if n := count(lines, "net: TCP connect to "+srv.Addr); n != 2 {
		t.Errorf("%d control connections, want 2: %q", n, lines)
	}
}

// count is how many of lines equal line.
func count(lines []string, line string) int {
	n := 0
	for _, l := range lines {
		if l == line {
			n++
		}
	}
	return n
}

// TestAuthRaceEveryTime: a server that reads the ClientHello as a command
// even when it waits after the 234 never speaks TLS there: the critical
// handshake failure, after one retry, and no race warning.
func TestAuthRaceEveryTime(t *testing.T) {
	srv := racyServer(t, func(int) time.Duration { return time.Hour })
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, critical(cause.TLSHandshakeFailed))
	f := finding(t, r, cause.TLSHandshakeFailed)
	if !strings.Contains(f.Evidence, "in plaintext: 502 Command not allowed") || !strings.Contains(f.Evidence, "the first, sent at once, got: 502 Command not allowed") {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if n := count(timelineTexts(r.Attempts[0]), "client: AUTH TLS"); n != 2 {
		t.Errorf("AUTH TLS sent %d times, want 2: one retry", n)
	}
}

// TestAuthRaceAudits: every audit connection's first ClientHello is read
// as a command (connections 2 on: the main session's is the first, the
// audits' follow it; their retries come after). Each retries; the
// findings and the policy are those of the same server without the race,
// plus the warning: no false tls12-refused, no policy left "not tested".
func TestAuthRaceAudits(t *testing.T) {
	audits := len(explicitAudits())
	calm := diagnose(t, racyServer(t, nil).Addr, explicitOnly)
	racy := diagnose(t, racyServer(t, func(n int) time.Duration {
		if n >= 2 && n <= 1+audits {
			return time.Hour
		}
		return 0
	}).Addr, explicitOnly)
	want := append([]string{warning(cause.AuthTLSRace)}, findingIDs(calm)...)
	slices.Sort(want)
	got := findingIDs(racy)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings = %v, want %v", got, want)
	}
	if f := finding(t, racy, cause.AuthTLSRace); !strings.HasPrefix(f.Evidence, "an audit connection: ") {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if p, q := calm.Attempts[0].Policy, racy.Attempts[0].Policy; q == nil || !samePolicyValues(q, p) {
		t.Errorf("policy = %+v, want %+v", q, p)
	}
}

// explicitAudits are the checks of an explicit session that logged in
// with TLS 1.3: one audit connection each.
func explicitAudits() []policyCheck {
	a := attempt{res: result.Attempt{Mode: result.ModeExplicit}}
	return a.auditChecks(true, tls.VersionTLS13)
}

// TestAuthRaceScan: with --scan, on every connection but the main one the
// server reads a ClientHello that comes within 50 ms of the 234 as a
// command. The audits and the scan probes retry theirs after a pause, and
// the diagnosis is the same as without the race: no version unknown or
// refused for it.
func TestAuthRaceScan(t *testing.T) {
	srv := racyServer(t, func(n int) time.Duration {
		if n == 1 {
			return 0
		}
		return 50 * time.Millisecond
	})
	r := diagnose(t, srv.Addr, func(c *Config) { explicitOnly(c); c.Scan = true })
	for _, v := range scanWithoutFalseFindings(t, r).Versions {
		want := v.Version == "TLS 1.2" || v.Version == "TLS 1.3"
		if v.Accepted != want || v.Unfinished != "" {
			t.Errorf("%s: accepted %v (want %v), unfinished %q", v.Version, v.Accepted, want, v.Unfinished)
		}
	}
}

// scanWithoutFalseFindings returns the first attempt's TLS scan after
// checking that the run made no critical finding and no tls13-unsupported,
// which a scan that our limit or the server's race cut must not cause.
func scanWithoutFalseFindings(t *testing.T, r *result.Result) *result.TLSScan {
	t.Helper()
	for _, f := range r.Findings {
		if f.Severity == result.SeverityCritical || cause.TLS13Unsupported.Is(f) {
			t.Errorf("finding %s: %s", f.ID, f.Evidence)
		}
	}
	s := r.Attempts[0].TLSScan
	if s == nil {
		t.Fatal("no scan result")
	}
	return s
}
