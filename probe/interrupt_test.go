package probe

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// A run cut by our own deadline or cancellation says so: status unknown,
// run-interrupted naming the limit and the step it cut, and no finding
// blaming the server for the step. A server slower than the per-step
// timeout is still the server's fault.
func TestInterruptedRuns(t *testing.T) {
	conf := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
	slowBanner := ftpstest.Config{TLS: conf, GreetingDelay: time.Minute}
	for _, tc := range []struct {
		name     string
		server   ftpstest.Config
		mode     ModeChoice
		step     time.Duration
		deadline time.Duration
		want     []string
		evidence []string // in the first finding's evidence
		status   result.Status
	}{
		{
			name:   "slow banner, --deadline shorter than --timeout",
			server: slowBanner, mode: ModeExplicit, step: 10 * time.Second, deadline: 300 * time.Millisecond,
			want:     []string{warning(cause.RunInterrupted)},
			evidence: []string{"--deadline 300ms fired", "explicit on port", "reading the greeting"},
			status:   result.StatusUnknown,
		},
		{
			name:   "slow banner, auto-detection",
			server: slowBanner, mode: ModeAuto, step: 10 * time.Second, deadline: 300 * time.Millisecond,
			want:     []string{warning(cause.RunInterrupted)},
			evidence: []string{"--deadline 300ms fired"},
			status:   result.StatusUnknown,
		},
		{
			name:   "silence after 234, cut mid-handshake",
			server: ftpstest.Config{TLS: conf, AfterAuth: ftpstest.Silent}, mode: ModeExplicit, step: 10 * time.Second, deadline: 300 * time.Millisecond,
			want:     []string{warning(cause.RunInterrupted)},
			evidence: []string{"--deadline 300ms fired", "TLS handshake"},
			status:   result.StatusUnknown,
		},
		{
			name:   "silence on an implicit port",
			server: ftpstest.Config{TLS: conf, OnConnect: ftpstest.Silent}, mode: ModeImplicit, step: 10 * time.Second, deadline: 300 * time.Millisecond,
			want:     []string{warning(cause.RunInterrupted)},
			evidence: []string{"--deadline 300ms fired", "implicit on port"},
			status:   result.StatusUnknown,
		},
		{
			// The per-step timeout fires first: the server is slow, not us.
			name:   "slow banner past --timeout, within --deadline",
			server: slowBanner, mode: ModeExplicit, step: 200 * time.Millisecond, deadline: 30 * time.Second,
			want:     []string{critical(cause.ExplicitGotSilence)},
			evidence: []string{"not one byte before the timeout"},
			status:   result.StatusCritical,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tc.server)
			r := diagnoseWithin(t, srv.Addr, tc.deadline, func(c *Config) { c.Mode, c.Timeout = tc.mode, tc.step })
			wantFindings(t, r, tc.want...)
			if r.Status != tc.status {
				t.Errorf("status = %s, want %s; verdict %q", r.Status, tc.status, r.Verdict)
			}
			for _, e := range tc.evidence {
				if len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Evidence, e) {
					t.Errorf("evidence %q does not contain %q", r.Findings[0].Evidence, e)
				}
			}
			if tc.status == result.StatusUnknown {
				if strings.Contains(r.Findings[0].Evidence, "10s") || !strings.HasPrefix(r.Verdict, "Interrupted by --deadline 300ms") {
					t.Errorf("the limit that fired is --deadline 300ms: evidence %q, verdict %q", r.Findings[0].Evidence, r.Verdict)
				}
				if r.Clients != nil {
					t.Errorf("client verdicts judged on an interrupted run: %v", r.Clients)
				}
			}
		})
	}
}

// diagnoseWithin runs the probe against addr with the test root trusted,
// within a deadline named as the command line names it.
func diagnoseWithin(t *testing.T, addr string, deadline time.Duration, edit func(*Config)) *result.Result {
	t.Helper()
	tg, err := ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Target: tg, Roots: rootCA(t).Pool(), WarnDays: 30}
	edit(&cfg)
	ctx, cancel := context.WithTimeoutCause(context.Background(), deadline, errors.New("--deadline "+deadline.String()))
	defer cancel()
	return Run(ctx, cfg)
}

// A cancellation (Ctrl-C) in the middle of a scan: the versions the scan
// had not finished are unknown, never "not accepted", and nothing is
// concluded from them. The main session connects; its audit connections
// and the scan's wait until the cancellation, which comes as soon as the
// scan dials its first (the dial after the audits' six: each audit dials
// once).
func TestCancelledScan(t *testing.T) {
	srv := goodServer(t, false)
	tg, err := ParseTarget(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var dials atomic.Int32
	d := &net.Dialer{}
	cfg := Config{Target: tg, Mode: ModeExplicit, Roots: rootCA(t).Pool(), WarnDays: 30, Scan: true, Timeout: 10 * time.Second,
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			switch n := dials.Add(1); {
			case n == 1:
				return d.DialContext(ctx, network, addr) // the main session
			case n > int32(1+len(explicitAudits())):
				cancel(errors.New("SIGINT"))
			}
			<-ctx.Done()
			return nil, ctx.Err()
		}}
	r := Run(ctx, cfg)
	if r.Status != result.StatusUnknown {
		t.Errorf("status %s, want unknown; verdict %q", r.Status, r.Verdict)
	}
	f := finding(t, r, cause.RunInterrupted)
	if !strings.HasPrefix(f.Evidence, "SIGINT fired") || !strings.Contains(f.Evidence, "the TLS scan of SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2, TLS 1.3") {
		t.Errorf("evidence %q: want the signal and the scan's unfinished versions", f.Evidence)
	}
	s := scanWithoutFalseFindings(t, r)
	for _, v := range s.Versions {
		if v.Accepted || v.Unfinished != "interrupted" {
			t.Errorf("%s: accepted %t, unfinished %q; want unknown (interrupted)", v.Version, v.Accepted, v.Unfinished)
		}
	}
	if len(s.Errors) > 0 {
		t.Errorf("scan errors from our own cancellation: %q", s.Errors)
	}
}

// A run cancelled before it dials reports no closed port.
func TestCancelledBeforeDial(t *testing.T) {
	srv := goodServer(t, false)
	tg, err := ParseTarget("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := Run(ctx, Config{Target: tg, Mode: ModeBoth, ImplicitPort: srv.Port, ExplicitPort: srv.Port})
	wantFindings(t, r, warning(cause.RunInterrupted))
	if want := "Interrupted by a cancellation before the diagnosis could tell anything."; r.Verdict != want || r.Status != result.StatusUnknown {
		t.Errorf("status %s, verdict %q; want unknown, %q", r.Status, r.Verdict, want)
	}
}

// Both modes, the explicit attempt cut while the implicit port answered in
// plaintext: "not offered on this port" is a fault only when no other mode
// works, which the cut attempt did not get to show.
func TestInterruptedModeLevel(t *testing.T) {
	plaintext := serve(t, ftpstest.Config{}) // its 220 in clear answers the ClientHello
	silent := serve(t, ftpstest.Config{OnConnect: ftpstest.Silent})
	r := diagnoseWithin(t, "127.0.0.1", 300*time.Millisecond, func(c *Config) {
		c.Mode, c.Timeout = ModeBoth, 10*time.Second
		c.ImplicitPort, c.ExplicitPort = plaintext.Port, silent.Port
	})
	wantFindings(t, r, warning(cause.RunInterrupted), info(cause.ImplicitGotPlaintext))
	if r.Status != result.StatusUnknown || !strings.Contains(r.Findings[0].Evidence, "explicit on port") {
		t.Errorf("status %s, evidence %q: want unknown, naming the explicit attempt", r.Status, r.Findings[0].Evidence)
	}
}

// A cancellation while the name resolves is ours, not "cannot resolve".
func TestCancelledWhileResolving(t *testing.T) {
	tg, err := ParseTarget("ftpes://localhost")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("SIGTERM")) // the resolver then asks no server
	r := Run(ctx, Config{Target: tg})
	wantFindings(t, r, warning(cause.RunInterrupted))
	if want := "SIGTERM fired before the diagnosis finished; not finished: resolving localhost"; !strings.HasPrefix(r.Findings[0].Evidence, want) || r.Status != result.StatusUnknown {
		t.Errorf("status %s, evidence %q; want unknown, %q", r.Status, r.Findings[0].Evidence, want)
	}
}
