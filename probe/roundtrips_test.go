package probe

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// round_trips counts every round trip along the attempt's critical path,
// by README's rules ("Speed"). Derived by hand for a healthy fake server
// (TLS 1.3, resumed data handshakes):
//
// Explicit main session: TCP connect 1, greeting 1, AUTH TLS 1,
// handshake 1 (a P-256 key share first: no retry), USER 1, PASS 1: 6
// when the audits log in (the FEATs in clear and inside TLS go on audits'
// connections). Then PBSZ, PROT and the first listing's EPSV in one write
// 1, and per listing EPSV 1 (but the first), data connect 1, LIST 1 (its
// 150 comes back beside the data ClientHello's first flight), the listing
// after our Finished 1, the 226 once the data connection is closed 1:
// 6 + 5 per listing.
//
// The audit connections open once the main session's TCP connect
// succeeded (1), and run beside it until it logged in: connect 1,
// greeting 1, AUTH TLS 1, handshake 1 (a P-256 key share: no retry),
// USER 1, done at 6 with the main session. From there the longest
// audit, data TLS before the command: PASS with PBSZ, PROT and EPSV in
// one write 1, data connect 1, two NOOPs 2 (on loopback: one where a
// round trip takes serverTurn or more), LIST 1, listing 1, 226 1: 7, so
// 13.
// QUIT is sent without waiting for its 221: no round trip.
//
// Implicit: connect 1, handshake 1, greeting 1 (sent once our Finished
// arrived), USER 1, PASS 1: 5 when the main session logged in. The
// audits, opened after the main handshake (2), have their reply to USER
// at 6; then the longest takes the same 7: 13.
func TestRoundTrips(t *testing.T) {
	tests := []struct {
		name      string
		implicit  bool
		transfers int
		p256Only  bool // the server takes only P-256 key shares, as vsftpd 3.0.3 does
		want      int
	}{
		// 6 + 3×5 = 21 beats 6 + 7 = 13.
		{name: "explicit, 3 transfers", transfers: 3, want: 21},
		// 6 + 5 = 11 loses to 13: the audits are the critical path.
		{name: "explicit, 1 transfer", transfers: 1, want: 13},
		// The same: the control and audit handshakes offer P-256 first,
		// the data handshakes the group negotiated; only the
		// session-reuse audit's, offering Go's default shares to measure
		// hello_retry, pays the retry, off the critical path.
		{name: "explicit, 3 transfers, P-256 only", transfers: 3, p256Only: true, want: 21},
		{name: "explicit, 1 transfer, P-256 only", transfers: 1, p256Only: true, want: 13},
		// 5 + 3×5 = 20 beats 13.
		{name: "implicit, 3 transfers", implicit: true, transfers: 3, want: 20},
		// 5 + 5 = 10 loses to 13.
		{name: "implicit, 1 transfer", implicit: true, transfers: 1, want: 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
			if tt.p256Only {
				conf.CurvePreferences = []tls.CurveID{tls.CurveP256}
			}
			srv := serve(t, ftpstest.Config{Implicit: tt.implicit, TLS: conf})
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode, c.Transfers = ModeExplicit, tt.transfers
				if tt.implicit {
					c.Mode = ModeImplicit
				}
			})
			wantFindings(t, r, strict()...)
			a := r.Attempts[0]
			if a.RoundTrips != tt.want {
				t.Errorf("round trips = %d, want %d:\n%s", a.RoundTrips, tt.want, strings.Join(timelineTexts(a), "\n"))
			}
			if retry := a.TLS != nil && a.TLS.HelloRetry != nil && *a.TLS.HelloRetry; retry != tt.p256Only {
				t.Errorf("hello_retry = %v, want %v", retry, tt.p256Only)
			}
			// Each figure is rounded to 0.1 ms on its own: three roundings
			// may differ by up to 0.15 ms.
			const rounding = 0.15
			if last := a.Timeline[len(a.Timeline)-1].AtMS; a.CriticalPathMS+rounding < last-a.Timeline[0].AtMS {
				t.Errorf("critical_path_ms = %.1f, shorter than the timeline (%.1f to %.1f)", a.CriticalPathMS, a.Timeline[0].AtMS, last)
			}
		})
	}
}
