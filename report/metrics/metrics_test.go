package metrics

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var notAfter = time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)

// healthy is a diagnosis of a server whose port 990 is closed and whose
// explicit port works, requires session reuse, and was scanned.
func healthy() *result.Result {
	yes := true
	return &result.Result{
		SchemaVersion: result.SchemaVersion,
		Target:        "ftp.example.com",
		DurationMS:    812.4,
		Status:        result.StatusWarning,
		Attempts: []result.Attempt{
			{
				Mode: result.ModeImplicit, Port: 990, RoundTrips: 1,
				Timeline: []result.Event{
					{AtMS: 0.1, From: result.FromNet, Text: "TCP connect to 192.0.2.7:990"},
					{AtMS: 3.2, From: result.FromNet, Text: "connection failed: connection refused"},
				},
			},
			{
				Mode: result.ModeExplicit, Port: 21, Address: "192.0.2.7:21", ConnectMS: 10.5, OK: true, RoundTrips: 15,
				TLS:          &result.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", HandshakeMS: 21.5},
				Certificates: []result.Certificate{{Subject: "CN=ftp.example.com", NotAfter: notAfter, DaysLeft: 12}, {Subject: "CN=CA", DaysLeft: 900}},
				DataChannel:  &result.DataChannel{Attempted: true, OK: true},
				Policy:       &result.Policy{SessionReuseRequired: &yes},
				TLSScan:      &result.TLSScan{DurationMS: 640},
				Timeline: []result.Event{
					{AtMS: 0.2, From: result.FromNet, Text: "TCP connect to 192.0.2.7:21"},
					{AtMS: 30, From: result.FromClient, Text: "EPSV"},
					{AtMS: 40, From: result.FromNet, Conn: result.ConnData, Text: "TCP connect to 192.0.2.7:40001"},
					{AtMS: 45, From: result.FromNet, Conn: result.ConnData, Text: "TCP connected"},
					{AtMS: 46, From: result.FromClient, Text: "LIST"},
					{AtMS: 70.5, From: result.FromNet, Conn: result.ConnData, Text: "closed by server"},
					{AtMS: 71, From: result.FromServer, Text: "226 Transfer complete."},
				},
			},
		},
		Findings: []result.Finding{
			{ID: "cert-expiring-soon", Severity: result.SeverityWarning, Mode: result.ModeExplicit, Port: 21},
			{ID: "port-closed", Severity: result.SeverityInfo, Mode: result.ModeImplicit, Port: 990},
			{ID: "data-prot-required", Severity: result.SeverityInfo, Mode: result.ModeExplicit, Port: 21},
			{ID: "data-prot-required", Severity: result.SeverityInfo, Mode: result.ModeImplicit, Port: 990},
		},
		Ignored: []result.Finding{{ID: "tls-no-server-preference", Severity: result.SeverityWarning}},
		Clients: []result.ClientVerdict{
			{Client: "curl", Verdict: "works", Reasons: []string{}},
			{Client: "python-ftplib", Verdict: "fails", Reasons: []string{"data-session-reuse-required"}},
		},
	}
}

// expose renders r's metrics in the text exposition format.
func expose(t *testing.T, r *result.Result) []byte {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(Collector(r)); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// parse reads an exposition back with Prometheus's own text parser.
func parse(t *testing.T, text []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, text)
	}
	return mfs
}

// series lists a family's samples as `{label="value",...} value` lines,
// in exposition order.
func series(mfs map[string]*dto.MetricFamily, name string) []string {
	var out []string
	for _, m := range mfs[name].GetMetric() {
		var labels []string
		for _, l := range m.GetLabel() {
			labels = append(labels, l.GetName()+"="+l.GetValue())
		}
		out = append(out, "{"+strings.Join(labels, ",")+"} "+model.SampleValue(m.GetGauge().GetValue()).String())
	}
	return out
}

func TestHealthy(t *testing.T) {
	text := expose(t, healthy())
	golden(t, "healthy.prom", text)
	mfs := parse(t, text)
	for name, want := range map[string][]string{
		"ftps_probe_success": {"{} 1"},
		"ftps_client_verdict": {"{client=curl,verdict=at-risk} 0", "{client=curl,verdict=fails} 0", "{client=curl,verdict=unknown} 0", "{client=curl,verdict=works} 1",
			"{client=python-ftplib,verdict=at-risk} 0", "{client=python-ftplib,verdict=fails} 1", "{client=python-ftplib,verdict=unknown} 0", "{client=python-ftplib,verdict=works} 0"},
		"ftps_probe_duration_seconds":           {"{stage=connect} 0.0105", "{stage=data} 0.0305", "{stage=scan} 0.64", "{stage=tls} 0.0215", "{stage=total} 0.8124"},
		"ftps_probe_status":                     {"{status=critical} 0", "{status=incomplete} 0", "{status=ok} 0", "{status=unknown} 0", "{status=warning} 1"},
		"ftps_control_channel_ok":               {"{mode=explicit,port=21} 1", "{mode=implicit,port=990} 0"},
		"ftps_cert_not_after_timestamp_seconds": {"{mode=explicit,port=21} 1803902400"},
		"ftps_cert_days_left":                   {"{mode=explicit,port=21} 12"},
		"ftps_tls_version_info":                 {"{cipher_suite=TLS_AES_128_GCM_SHA256,mode=explicit,port=21,version=TLS 1.3} 1"},
		"ftps_data_channel_ok":                  {"{mode=explicit,port=21} 1"},
		"ftps_session_reuse_required":           {"{mode=explicit,port=21} 1"},
		"ftps_round_trips":                      {"{mode=explicit,port=21} 15", "{mode=implicit,port=990} 1"},
		"ftps_finding":                          {"{id=cert-expiring-soon,severity=warning} 1", "{id=data-prot-required,severity=info} 2", "{id=port-closed,severity=info} 1"},
	} {
		if got := series(mfs, name); !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if len(mfs) != 12 {
		t.Errorf("got %d metric families, want 12", len(mfs))
	}
	if !bytes.Equal(expose(t, healthy()), text) {
		t.Error("a second exposition of the same result differs")
	}
}

// An unresolvable host: no attempts, only a total and an unknown status.
func TestNoAttempts(t *testing.T) {
	mfs := parse(t, expose(t, &result.Result{Status: result.StatusUnknown, DurationMS: 2}))
	if got := series(mfs, "ftps_probe_success"); !slices.Equal(got, []string{"{} 0"}) {
		t.Errorf("success = %q", got)
	}
	if got := series(mfs, "ftps_probe_duration_seconds"); !slices.Equal(got, []string{"{stage=total} 0.002"}) {
		t.Errorf("durations = %q", got)
	}
	if got := series(mfs, "ftps_probe_status"); !slices.Equal(got, []string{"{status=critical} 0", "{status=incomplete} 0", "{status=ok} 0", "{status=unknown} 1", "{status=warning} 0"}) {
		t.Errorf("status = %q", got)
	}
	if len(mfs) != 3 {
		t.Errorf("got families %v, want only success, duration and status", mfs)
	}
}

func TestSuccess(t *testing.T) {
	dc := func(attempted, ok bool) *result.DataChannel { return &result.DataChannel{Attempted: attempted, OK: ok} }
	for _, tc := range []struct {
		name     string
		attempts []result.Attempt
		want     bool
	}{
		{"control and data work", []result.Attempt{{OK: true, DataChannel: dc(true, true)}}, true},
		{"data channel broken", []result.Attempt{{OK: true, DataChannel: dc(true, false)}}, false},
		{"data channel not tried (login refused)", []result.Attempt{{OK: true, DataChannel: dc(false, false)}}, true},
		{"control channel without a data test", []result.Attempt{{OK: true}}, true},
		{"no TLS control channel", []result.Attempt{{OK: false}}, false},
		{"one mode fully works", []result.Attempt{
			{Mode: result.ModeImplicit, Port: 990, OK: true, DataChannel: dc(true, false)},
			{Mode: result.ModeExplicit, Port: 21, OK: true, DataChannel: dc(true, true)},
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mfs := parse(t, expose(t, &result.Result{Status: result.StatusOK, Attempts: tc.attempts}))
			want := "{} 0"
			if tc.want {
				want = "{} 1"
			}
			if got := series(mfs, "ftps_probe_success"); !slices.Equal(got, []string{want}) {
				t.Errorf("success = %q, want %s", got, want)
			}
		})
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report/metrics -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
