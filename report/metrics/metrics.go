// Package metrics exposes a diagnosis result as Prometheus metrics, for the exporter's /probe endpoint.
package metrics

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

var (
	successDesc = prometheus.NewDesc("ftps_probe_success",
		"1 if an FTPS session was established: an attempt reached a working TLS control channel (whatever its certificate) and, where it tried one, a working protected data channel; else 0. Whether the server is healthy is ftps_probe_status.",
		nil, nil)
	durationDesc = prometheus.NewDesc("ftps_probe_duration_seconds",
		"Duration of a stage of the diagnosis: total, connect (TCP connect of the control connection), tls (control TLS handshake), data (protected data connection, from its TCP connect to its close) or scan (TLS audit); the slowest attempt's, as attempts run concurrently. A stage no attempt reached is absent.",
		[]string{"stage"}, nil)
	statusDesc = prometheus.NewDesc("ftps_probe_status",
		"1 for the status of the diagnosis, 0 for the others: ok, warning or critical by the worst finding; incomplete when none is above info but the data channel was not tested (anonymous login refused: give the module a user); unknown when the target could not be diagnosed.",
		[]string{"status"}, nil)
	controlDesc = prometheus.NewDesc("ftps_control_channel_ok",
		"1 if the attempt's control channel reached TLS and the server answered inside it; else 0.",
		[]string{"mode", "port"}, nil)
	notAfterDesc = prometheus.NewDesc("ftps_cert_not_after_timestamp_seconds",
		"Expiry of the leaf certificate the server sent, in seconds since the Unix epoch.",
		[]string{"mode", "port"}, nil)
	daysLeftDesc = prometheus.NewDesc("ftps_cert_days_left",
		"Whole days until the leaf certificate the server sent expires; negative once expired.",
		[]string{"mode", "port"}, nil)
	tlsDesc = prometheus.NewDesc("ftps_tls_version_info",
		"TLS version and cipher suite negotiated on the control connection; always 1.",
		[]string{"mode", "port", "version", "cipher_suite"}, nil)
	dataDesc = prometheus.NewDesc("ftps_data_channel_ok",
		"1 if a protected (PROT P) directory listing completed, else 0; absent when it could not be tried (no TLS, failed login).",
		[]string{"mode", "port"}, nil)
	reuseDesc = prometheus.NewDesc("ftps_session_reuse_required",
		"1 if the server refused a data connection that did not resume the control TLS session, else 0; absent when not measured.",
		[]string{"mode", "port"}, nil)
	roundTripsDesc = prometheus.NewDesc("ftps_round_trips",
		"Round trips along the attempt's critical path, its audit connections included.",
		[]string{"mode", "port"}, nil)
	clientDesc = prometheus.NewDesc("ftps_client_verdict",
		"1 for the verdict on each client family (works, at-risk, fails, unknown), 0 for the others: whether that client at its default settings would log in and list over a protected data channel.",
		[]string{"client", "verdict"}, nil)
	findingDesc = prometheus.NewDesc("ftps_finding",
		"Findings of the diagnosis by catalog id and severity, ignored ones left out; the value is how many attempts reported it.",
		[]string{"id", "severity"}, nil)
)

// verdicts are the values of ftps_client_verdict's verdict label.
var verdicts = []string{"works", "at-risk", "fails", "unknown"}

// statuses are the values of ftps_probe_status's label.
var statuses = []result.Status{result.StatusOK, result.StatusWarning, result.StatusCritical, result.StatusUnknown, result.StatusIncomplete}

// Collector returns a collector of r's metrics, to register on a registry
// made for one scrape. The metrics, all gauges, are (mode is implicit or
// explicit, port the attempt's TCP port; probe.Run never makes two
// attempts with the same mode and port):
//
//	ftps_probe_success                                      1 if an attempt reached a working TLS control channel (whatever its certificate) and, where it tried one, a working protected data channel
//	ftps_probe_duration_seconds{stage}                      total; connect, tls, data, scan (see below)
//	ftps_probe_status{status}                               1 for the result's status (ok, warning, critical, unknown, incomplete), 0 for the others
//	ftps_control_channel_ok{mode,port}                      the attempt's control channel reached TLS and the server answered inside it
//	ftps_cert_not_after_timestamp_seconds{mode,port}        expiry of the leaf certificate, Unix seconds
//	ftps_cert_days_left{mode,port}                          whole days until that expiry, negative once expired
//	ftps_tls_version_info{mode,port,version,cipher_suite}   1 per attempt whose control connection completed a handshake
//	ftps_data_channel_ok{mode,port}                         the protected listing completed; absent when not tried
//	ftps_session_reuse_required{mode,port}                  an unresumed data TLS session was refused; absent when not measured
//	ftps_round_trips{mode,port}                             round trips along the attempt's critical path
//	ftps_finding{id,severity}                               number of attempts that reported the finding (ignored ones left out)
//	ftps_client_verdict{client,verdict}                     1 for each client family's verdict, 0 for the other verdicts
//
// Stage durations come from the result: total is the whole diagnosis;
// connect is the control connection's TCP connect (Attempt.ConnectMS); tls
// is the control handshake (TLSInfo.HandshakeMS); data runs from the first
// to the last event of the data connection (its TCP connect, handshake,
// listing and close); scan is the TLS audit. As attempts run
// concurrently, each stage is the slowest attempt's, and a stage that no
// attempt reached is left out.
func Collector(r *result.Result) prometheus.Collector {
	return collector{r}
}

type collector struct{ r *result.Result }

// Describe sends the descriptor of every metric Collect may send.
func (collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{successDesc, durationDesc, statusDesc, controlDesc, notAfterDesc, daysLeftDesc, tlsDesc, dataDesc, reuseDesc, roundTripsDesc, findingDesc, clientDesc} {
		ch <- d
	}
}

// Collect sends r's metrics, all constant gauges.
func (c collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	r := c.r
	gauge(successDesc, one(success(r)))
	for _, s := range stages(r) {
		gauge(durationDesc, s.ms/1000, s.name)
	}
	for _, s := range statuses {
		gauge(statusDesc, one(r.Status == s), string(s))
	}
	for _, a := range r.Attempts {
		mode, port := string(a.Mode), strconv.Itoa(a.Port)
		gauge(controlDesc, one(a.OK), mode, port)
		gauge(roundTripsDesc, float64(a.RoundTrips), mode, port)
		if a.TLS != nil {
			gauge(tlsDesc, 1, mode, port, a.TLS.Version, a.TLS.CipherSuite)
		}
		if len(a.Certificates) > 0 {
			leaf := a.Certificates[0]
			gauge(notAfterDesc, float64(leaf.NotAfter.Unix()), mode, port)
			gauge(daysLeftDesc, float64(leaf.DaysLeft), mode, port)
		}
		if dc := a.DataChannel; dc != nil && dc.Attempted {
			gauge(dataDesc, one(dc.OK), mode, port)
		}
		if p := a.Policy; p != nil && p.SessionReuseRequired != nil {
			gauge(reuseDesc, one(*p.SessionReuseRequired), mode, port)
		}
	}
	for _, f := range countFindings(r.Findings) {
		gauge(findingDesc, float64(f.n), f.id, string(f.severity))
	}
	for _, cv := range r.Clients {
		for _, v := range verdicts {
			gauge(clientDesc, one(cv.Verdict == v), cv.Client, v)
		}
	}
}

// success reports whether some attempt reached a working TLS control
// channel and, if it tried the data channel, got a working one.
func success(r *result.Result) bool {
	return slices.ContainsFunc(r.Attempts, func(a result.Attempt) bool {
		dc := a.DataChannel
		return a.OK && (dc == nil || !dc.Attempted || dc.OK)
	})
}

// stage is one measured stage of a diagnosis.
type stage struct {
	name string
	ms   float64
}

// stageMeasures measure each stage of one attempt, in exposition order;
// ok is false when the attempt did not reach the stage.
var stageMeasures = []struct {
	name    string
	measure func(a *result.Attempt) (ms float64, ok bool)
}{
	{"connect", connectMS},
	{"tls", tlsMS},
	{"data", dataMS},
	{"scan", scanMS},
}

// stages returns the total and, for each other stage, the slowest
// attempt's duration, leaving out stages that no attempt reached.
func stages(r *result.Result) []stage {
	out := []stage{{"total", r.DurationMS}}
	for _, sm := range stageMeasures {
		longest, reached := 0.0, false
		for i := range r.Attempts {
			if ms, ok := sm.measure(&r.Attempts[i]); ok {
				longest, reached = max(longest, ms), true
			}
		}
		if reached {
			out = append(out, stage{sm.name, longest})
		}
	}
	return out
}

// connectMS is the control connection's TCP connect; an attempt that
// never connected has no Address.
func connectMS(a *result.Attempt) (float64, bool) {
	return a.ConnectMS, a.Address != ""
}

// tlsMS is the control connection's TLS handshake.
func tlsMS(a *result.Attempt) (float64, bool) {
	if a.TLS == nil {
		return 0, false
	}
	return a.TLS.HandshakeMS, true
}

// dataMS runs from the first to the last event of the data connection.
func dataMS(a *result.Attempt) (float64, bool) {
	if a.DataChannel == nil || !a.DataChannel.Attempted {
		return 0, false
	}
	first, last := -1.0, -1.0
	for _, e := range a.Timeline {
		if e.Conn != result.ConnData {
			continue
		}
		if first < 0 {
			first = e.AtMS
		}
		last = e.AtMS
	}
	return last - first, first >= 0
}

// scanMS is the TLS audit.
func scanMS(a *result.Attempt) (float64, bool) {
	if a.TLSScan == nil {
		return 0, false
	}
	return a.TLSScan.DurationMS, true
}

// findingCount is how many findings share an id and a severity.
type findingCount struct {
	id       string
	severity result.Severity
	n        int
}

// countFindings counts findings by id and severity, sorted by id, then
// from the worst severity down.
func countFindings(fs []result.Finding) []findingCount {
	var out []findingCount
	for _, f := range fs {
		i := slices.IndexFunc(out, func(c findingCount) bool { return c.id == f.ID && c.severity == f.Severity })
		if i < 0 {
			out = append(out, findingCount{f.ID, f.Severity, 0})
			i = len(out) - 1
		}
		out[i].n++
	}
	slices.SortFunc(out, func(x, y findingCount) int {
		return cmp.Or(cmp.Compare(x.id, y.id), y.severity.Rank()-x.severity.Rank())
	})
	return out
}

// one is 1 for true, 0 for false.
func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
