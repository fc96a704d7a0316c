package probe

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// An audit's outcome is recorded only when its check measured; a verdict
// judged against the main listing only when that worked; a finding the
// main session made itself only once.
func TestRecordOutcome(t *testing.T) {
	reuse := verdict{policy: policySessionReuse, value: true, evidence: "LIST: 150, then 425", againstMainListing: true,
		finding: cause.DataSessionReuseRequired, findingEvidence: "an unresumed data connection was refused: LIST: 150, then 425"}
	pbsz := verdict{policy: policyPBSZ, value: true, evidence: "PROT P before PBSZ: 503",
		finding: cause.ProtWithoutPBSZRefused, findingEvidence: "PROT P before PBSZ: 503"}
	mismatch := verdict{finding: cause.PASVAddressMismatch, findingEvidence: "227 advertised 10.0.0.5:50000"}
	tests := []struct {
		name       string
		o          auditOutcome
		listed     bool     // the main protected listing worked
		mainHas    cause.ID // a finding the main session made
		want       []cause.ID
		wantPolicy bool
	}{
		{name: "measured", o: measured(reuse, pbsz), listed: true,
			want: []cause.ID{cause.DataSessionReuseRequired, cause.ProtWithoutPBSZRefused}, wantPolicy: true},
		{name: "main listing failed", o: measured(reuse, pbsz),
			want: []cause.ID{cause.ProtWithoutPBSZRefused}, wantPolicy: true},
		{name: "finding the main session made", o: measured(mismatch), listed: true, mainHas: cause.PASVAddressMismatch,
			want: []cause.ID{cause.PASVAddressMismatch}},
		{name: "refused for a connection limit", o: auditOutcome{state: auditLimited, why: "421 Too many connections", verdicts: []verdict{reuse, pbsz}}, listed: true},
		{name: "incomplete", o: auditOutcome{state: auditIncomplete, why: "timeout: no reply", verdicts: []verdict{pbsz}}, listed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAttempt(&Config{Clock: time.Now}, time.Now(), result.ModeExplicit, netip.MustParseAddrPort("127.0.0.1:21"))
			a.res.DataChannel = &result.DataChannel{OK: tt.listed}
			if tt.mainHas != cause.None {
				a.find(tt.mainHas, "seen by the main session")
			}
			a.record(tt.o)
			var got []cause.ID
			for _, f := range a.findings {
				id, _ := cause.Parse(f.ID)
				got = append(got, id)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %#v, want %#v", got, tt.want)
			}
			if (a.res.Policy != nil) != tt.wantPolicy {
				t.Errorf("policy = %+v, want one: %v", a.res.Policy, tt.wantPolicy)
			}
		})
	}
}

// The control connection's TCP connect time is the attempt's connect_ms,
// measured on the diagnosis clock around the dial alone.
func TestConnectMS(t *testing.T) {
	srv := goodServer(t, false)
	var mu sync.Mutex
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	r := diagnose(t, srv.Addr, func(c *Config) {
		c.Mode, c.Clock = ModeExplicit, clock
		d := &net.Dialer{}
		c.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			now = now.Add(12 * time.Millisecond) // every connection, control and data, takes 12 ms
			mu.Unlock()
			return d.DialContext(ctx, network, addr)
		}
	})
	if got := r.Attempts[0].ConnectMS; got != 12 {
		t.Errorf("connect_ms = %v, want 12", got)
	}
}
