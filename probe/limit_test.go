package probe

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// How servers word a refusal for their connection limit, from their
// source and documentation, and replies that only look alike.
func TestLimitRefusal(t *testing.T) {
	cases := []struct {
		code     int
		text     string
		greeting bool // instead of the greeting; else answering USER or PASS
		want     bool
	}{
		// vsftpd (max_per_ip, max_clients), at the greeting.
		{421, "There are too many connections from your internet address.", true, true},
		{421, "There are too many connected users, please try later.", true, true},
		// ProFTPD counts logged-in clients at PASS; MaxConnectionsPerHost at connect.
		{530, "Sorry, the maximum number of clients (2) from your host are already connected.", false, true},
		{530, "Sorry, the maximum number of allowed clients (1) are already connected.", false, true},
		{530, "Sorry, the maximum number of clients (3) for this user are already connected.", false, true},
		{530, "Sorry, the maximum number of connections (2) for your host are already connected.", true, true},
		// Pure-FTPd (-C per IP, -c in all).
		{421, "Too many connections (2) from this IP", true, true},
		{421, "10 users (the maximum) are already logged in, sorry", true, true},
		// FileZilla Server.
		{421, "Too many users, closing control connection", true, true},
		{421, "Too many connections from your IP, closing control connection", true, true},
		// JP1/FTP, from its manual.
		{421, "Maximum clients reached service unavailable.", true, true},
		// Any 421 instead of the greeting may be the limit (IIS words it so).
		{421, "Service not available, closing control connection.", true, true},
		// Words a limit is said in, whatever the server.
		{530, "Not logged in, only 2 sessions from the same IP address are allowed.", false, true},
		{530, "Connection limit reached for this user.", false, true},
		// Refusals of the account, not of the number of sessions.
		{530, "Login incorrect.", false, false},
		{530, "Please login with USER and PASS.", false, false},
		{530, "Non-anonymous sessions must use encryption.", false, false},
		{421, "Login timeout (300 seconds): closing control connection", false, false},
		{530, "Too many login failures, closing.", false, false},
	}
	for _, tc := range cases {
		r := rfc2228.Reply{Code: tc.code, Lines: []string{fmt.Sprintf("%d %s", tc.code, tc.text)}}
		if got := limitRefusal(r, tc.greeting); got != tc.want {
			t.Errorf("limitRefusal(%q, greeting %v) = %v, want %v", r.Lines[0], tc.greeting, got, tc.want)
		}
	}
}

// limitRuns for the fake servers, which answer in microseconds.
const fakeLimitRuns = 5

// A server that holds one or two sessions at once, refusing one more at
// the greeting (vsftpd) or at login (ProFTPD), gets on every run the
// findings of the same server without a limit plus connection-limit-low,
// in auto-detection and in explicit mode: a refused detection connection,
// audit or session is made again once ours have ended.
func TestConnectionLimitRetries(t *testing.T) {
	cases := []struct {
		name  string
		max   int
		login bool
		mode  ModeChoice
	}{
		{"greeting 1 auto", 1, false, ModeAuto},
		{"greeting 2 auto", 2, false, ModeAuto},
		{"greeting 1 implicit", 1, false, ModeImplicit},
		{"login 1 explicit", 1, true, ModeExplicit},
		{"login 2 auto", 2, true, ModeAuto},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ftpstest.Config{Implicit: tc.mode == ModeImplicit, TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
				ClearLoginRefusal: allow, ClearDataRefusal: allow}
			free := serve(t, cfg)
			cfg.MaxSessions, cfg.LimitAtLogin = tc.max, tc.login
			limited := serve(t, cfg)
			run := func(s *ftpstest.Server) *result.Result {
				return diagnose(t, s.Addr, func(c *Config) { c.Mode = tc.mode })
			}
			want := withLimitFinding(findingIDs(run(free)))
			for i := range fakeLimitRuns {
				r := run(limited)
				if got := findingIDs(r); !slices.Equal(got, want) {
					t.Fatalf("run %d: findings %v, want %v", i+1, got, want)
				}
				if l := r.Attempts[0].ConnLimit; l == nil || l.MaxSessions != tc.max || l.AtLeast {
					t.Fatalf("run %d: connection_limit %+v, want max_sessions %d", i+1, l, tc.max)
				}
			}
		})
	}
}

// A server that another client fills: it refuses even once every
// connection of ours has ended, and that is the finding.
func TestServerFullOfOthers(t *testing.T) {
	s := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{})), MaxSessions: 1})
	other, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := bufio.NewReader(other).ReadString('\n'); err != nil { // its greeting: it holds the one session
		t.Fatal(err)
	}
	r := diagnose(t, s.Addr, explicitOnly)
	wantFindings(t, r, critical(cause.TooManyConnections))
	if f := finding(t, r, cause.TooManyConnections); f.Evidence != ftpstest.VsftpdPerIPRefusal {
		t.Errorf("evidence %q, want the refusal", f.Evidence)
	}
	if n := strings.Count(fmt.Sprint(r.Attempts[0].Timeline), "TCP connect to "); n != len(reapPauses)+1 {
		t.Errorf("%d connections, want the first and %d retries", n, len(reapPauses))
	}
}

// A server that accepts every session gets no connection_limit and no
// limit check: the check costs nothing where no limit was met.
func TestNoLimitNoCheck(t *testing.T) {
	s := goodServer(t, false)
	r := diagnose(t, s.Addr, explicitOnly)
	if a := r.Attempts[0]; a.ConnLimit != nil || len(a.Audits) != 6 {
		t.Errorf("connection_limit %+v with %d audits, want none and 6", a.ConnLimit, len(a.Audits))
	}
}

// withLimitFinding is the findings of a server without a limit, as
// findingIDs lists them, with connection-limit-low added where the report
// puts it: after the other warnings (it is found after the audits'), as
// findings of one severity keep the order they were found in.
func withLimitFinding(ids []string) []string {
	at := slices.IndexFunc(ids, func(id string) bool { return strings.HasPrefix(id, string(result.SeverityInfo)+":") })
	if at < 0 {
		at = len(ids)
	}
	return slices.Insert(slices.Clone(ids), at, warning(cause.ConnectionLimitLow))
}
