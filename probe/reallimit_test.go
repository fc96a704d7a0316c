package probe

import (
	"reflect"
	"slices"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// limitRuns is how many times each limited server is diagnosed: the
// answer must be the same every time.
const limitRuns = 10

// A server that limits sessions from one address gets, on every run, the
// findings the same server without the limit gets, plus
// connection-limit-low with the measured limit: auto-detection, the
// audits and the limit check stay within the limit or retry. The servers
// are left with TLS optional, so that the cleartext-login and clear-data
// audits have warnings to lose.
func TestRealServerConnectionLimits(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	cases := []struct {
		kind  ftpdtest.Kind
		limit string // the setting, in the server's configuration syntax
		max   int    // the limit the check must measure
		scan  bool   // with --scan, whose connections share the budget
	}{
		{ftpdtest.Vsftpd, "max_per_ip=1", 1, false},
		{ftpdtest.Vsftpd, "max_per_ip=2", 2, false},
		{ftpdtest.Vsftpd, "max_per_ip=2", 2, true},
		{ftpdtest.ProFTPD, "MaxClientsPerHost 2", 2, false},
		{ftpdtest.ProFTPD, "MaxClients 1", 1, false},
	}
	for _, tc := range cases {
		name := string(tc.kind) + "/" + tc.limit
		if tc.scan {
			name += "/scan"
		}
		t.Run(name, func(t *testing.T) {
			ftpdtest.Require(t, tc.kind)
			t.Parallel()
			free := ftpdtest.Start(t, tc.kind, ftpdtest.Options{TLS: true, Cert: cert})
			limited := ftpdtest.Start(t, tc.kind, ftpdtest.Options{TLS: true, Cert: cert, Extra: []string{tc.limit}})
			run := func(srv *ftpdtest.Server) *result.Result {
				return diagnose(t, srv.Addr, func(c *Config) {
					c.User, c.Password = srv.User, srv.Password
					c.ServerName = "localhost"
					c.Scan = tc.scan
				})
			}
			base := run(free)
			want := withLimitFinding(findingIDs(base))
			wantStatus := result.StatusWarning
			for i := range limitRuns {
				r := run(limited)
				got := findingIDs(r)
				if r.Status != wantStatus || !slices.Equal(got, want) {
					t.Errorf("run %d: %s %v, want %s %v", i+1, r.Status, got, wantStatus, want)
					for _, f := range r.Findings {
						t.Logf("  %s: %s", f.ID, f.Evidence)
					}
					continue
				}
				a := r.Attempts[0]
				if a.ConnLimit == nil || a.ConnLimit.MaxSessions != tc.max || a.ConnLimit.AtLeast {
					t.Errorf("run %d: connection_limit %+v, want max_sessions %d", i+1, a.ConnLimit, tc.max)
					continue
				}
				t.Logf("run %d: %s %v, max_sessions %d, %.0f ms", i+1, r.Status, got, a.ConnLimit.MaxSessions, r.DurationMS)
				if a.Policy == nil || !samePolicyValues(a.Policy, base.Attempts[0].Policy) {
					t.Errorf("run %d: policy %+v, want %+v", i+1, a.Policy, base.Attempts[0].Policy)
				}
				if tc.scan && !reflect.DeepEqual(a.TLSScan.Versions, base.Attempts[0].TLSScan.Versions) {
					t.Errorf("run %d: scan %+v, want %+v (errors %q)", i+1, a.TLSScan.Versions, base.Attempts[0].TLSScan.Versions, a.TLSScan.Errors)
				}
			}
		})
	}
}

// samePolicyValues compares what two policy records measured, not their
// evidence (replies name ports and times).
func samePolicyValues(a, b *result.Policy) bool {
	if b == nil {
		return false
	}
	eq := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.SessionReuseRequired, b.SessionReuseRequired) && eq(a.ClearDataAllowed, b.ClearDataAllowed) &&
		eq(a.CleartextLoginAllowed, b.CleartextLoginAllowed) && eq(a.PBSZRequired, b.PBSZRequired) &&
		eq(a.DataTLSBeforeCommand, b.DataTLSBeforeCommand) && eq(a.ExtendedMasterSecret, b.ExtendedMasterSecret)
}
