package probe

import (
	"encoding/json"
	"net"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/ftpsdiag/ftpsdiag/report/schema"
)

// The JSON of real diagnoses follows report/schema's JSON Schema: the
// golden files show what the report renders, these what the probe fills.

func TestSchemaFakeServer(t *testing.T) {
	tests := []struct {
		name  string
		run   func(t *testing.T) *result.Result
		check func(t *testing.T, r *result.Result) // that the case covers what it claims
	}{
		{"healthy", func(t *testing.T) *result.Result {
			return diagnose(t, goodServer(t, false).Addr, explicitOnly)
		}, func(t *testing.T, r *result.Result) {
			if a := r.Attempts[0]; r.Status != result.StatusOK || a.DataChannel == nil || a.Policy == nil || len(a.Audits) == 0 {
				t.Errorf("want a healthy diagnosis with a data channel and audits, got %s: %v", r.Status, findingIDs(r))
			}
		}},
		{"healthy implicit", func(t *testing.T) *result.Result {
			return diagnose(t, goodServer(t, true).Addr, implicitOnly)
		}, func(t *testing.T, r *result.Result) {
			if r.Status != result.StatusOK || r.Attempts[0].Mode != result.ModeImplicit {
				t.Errorf("want a healthy implicit diagnosis, got %s: %v", r.Status, findingIDs(r))
			}
		}},
		{"findings", func(t *testing.T) *result.Result {
			srv := serve(t, ftpstest.Config{
				TLS:               ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
				ClearDataRefusal:  allow,
				ClearLoginRefusal: allow,
				PassiveHost:       "10.0.0.5",
				Replies:           map[string]string{"EPSV": "502 EPSV not implemented."},
			})
			return diagnose(t, srv.Addr, func(c *Config) {
				c.Mode, c.CCC, c.Ignore = ModeExplicit, true, []string{cause.EPSVUnsupported.String()}
			})
		}, func(t *testing.T, r *result.Result) {
			if r.Status != result.StatusWarning || len(r.Ignored) == 0 {
				t.Errorf("want warnings and an ignored finding, got %s: %v, ignored %v", r.Status, findingIDs(r), r.Ignored)
			}
		}},
		{"both modes, implicit port is explicit", func(t *testing.T) *result.Result {
			explicit, notImplicit := goodServer(t, false), goodServer(t, false)
			return diagnose(t, "127.0.0.1", func(c *Config) {
				c.ImplicitPort, c.ExplicitPort, c.ServerName = notImplicit.Port, explicit.Port, "localhost"
			})
		}, func(t *testing.T, r *result.Result) {
			if len(r.Attempts) != 2 || r.Attempts[0].OK || r.Attempts[0].Error == "" || !r.Attempts[1].OK {
				t.Errorf("want a failed implicit attempt and a working explicit one, got %+v", r.Attempts)
			}
		}},
		{"scan", func(t *testing.T) *result.Result {
			return diagnose(t, goodServer(t, false).Addr, func(c *Config) { c.Mode, c.Scan = ModeExplicit, true })
		}, func(t *testing.T, r *result.Result) {
			if s := r.Attempts[0].TLSScan; s == nil || len(s.Versions) == 0 {
				t.Errorf("no scan: %+v", s)
			}
		}},
		{"connect refused", func(t *testing.T) *result.Result {
			return diagnose(t, refusingAddr(t), explicitOnly)
		}, func(t *testing.T, r *result.Result) {
			if r.Status != result.StatusCritical || r.Attempts[0].Address != "" {
				t.Errorf("want a critical diagnosis that never connected, got %s: %+v", r.Status, r.Attempts)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run(t)
			tt.check(t, r)
			wantValidJSON(t, r)
		})
	}
}

// A real vsftpd, hardened, logged into and scanned: everything the probe
// can fill from software we did not write.
func TestSchemaRealServer(t *testing.T) {
	ftpdtest.Require(t, ftpdtest.Vsftpd)
	srv := ftpdtest.Start(t, ftpdtest.Vsftpd, ftpdtest.Options{TLS: true, Cert: localCert(t, testcert.Options{}), Extra: hardening(ftpdtest.Vsftpd)})
	r := diagnose(t, srv.Addr, func(c *Config) {
		c.Mode, c.Scan, c.ServerName = ModeExplicit, true, "localhost"
		c.User, c.Password = srv.User, srv.Password
	})
	if a := r.Attempts[0]; !a.OK || a.DataChannel == nil || !a.DataChannel.OK || a.TLSScan == nil {
		t.Errorf("want a working session, a protected listing and a scan, got ok=%v data=%+v scan=%v: %v", a.OK, a.DataChannel, a.TLSScan != nil, findingIDs(r))
	}
	wantValidJSON(t, r)
}

// wantValidJSON marshals r as the JSON output does and checks it against the
// schema.
func wantValidJSON(t *testing.T, r *result.Result) {
	t.Helper()
	doc, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("%v\nchange report/schema/result.schema.json with result.Result, or fix what the probe wrote", err)
	}
}

// refusingAddr is a loopback address nothing listens on.
func refusingAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
