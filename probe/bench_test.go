package probe

import (
	"context"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// BenchmarkDiagnosis measures a whole healthy diagnosis against the fake
// server on loopback: both modes, concurrently, as `ftpsdiag HOST` does.
// It also reports the round trips of the explicit attempt, the figure that
// dominates on a real network (each costs one RTT).
func BenchmarkDiagnosis(b *testing.B) {
	implicitSrv := goodServer(b, true)
	explicitSrv := goodServer(b, false)
	tg, err := ParseTarget("127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{
		Target: tg, ServerName: "localhost", Roots: rootCA(b).Pool(), Timeout: 5 * time.Second, WarnDays: 30,
		ImplicitPort: implicitSrv.Port, ExplicitPort: explicitSrv.Port,
	}
	var rt int
	for b.Loop() {
		r := Run(context.Background(), cfg)
		if r.Status != result.StatusOK {
			b.Fatalf("status %s: %v", r.Status, findingIDs(r))
		}
		rt = r.Attempts[1].RoundTrips
	}
	b.ReportMetric(float64(rt), "explicit-round-trips")
}
