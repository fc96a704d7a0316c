package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

var testCA = sync.OnceValues(func() (*testcert.CA, error) { return testcert.NewRoot("ftpsdiag exporter test root") })

func rootCA(t *testing.T) *testcert.CA {
	t.Helper()
	ca, err := testCA()
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// ftpsServer starts a fake FTPS server on 127.0.0.1.
func ftpsServer(t *testing.T, cfg ftpstest.Config) *ftpstest.Server {
	t.Helper()
	s, err := ftpstest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// startExporter serves an exporter on 127.0.0.1.
func startExporter(t *testing.T, mods modules, opts exporterOptions) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(newExporter(mods, opts).Handler())
	t.Cleanup(srv.Close)
	return srv
}

// fetch GETs path, with the scrape timeout header unless it is "".
func fetch(srv *httptest.Server, path, scrapeTimeout string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if scrapeTimeout != "" {
		req.Header.Set(timeoutHeader, scrapeTimeout)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func get(t *testing.T, srv *httptest.Server, path, scrapeTimeout string) (int, []byte) {
	t.Helper()
	code, body, err := fetch(srv, path, scrapeTimeout)
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}

// scrape GETs path, wants a 200, and parses the exposition.
func scrape(t *testing.T, srv *httptest.Server, path, scrapeTimeout string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := get(t, srv, path, scrapeTimeout)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return parseExposition(t, body)
}

func parseExposition(t *testing.T, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, body)
	}
	return mfs
}

// gather collects the exporter's own metrics without HTTP.
func gather(t *testing.T, e *exporter) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	mfs := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		mfs[f.GetName()] = f
	}
	return mfs
}

// sample returns the value of name's sample whose labels include want,
// failing the test when there is none.
func sample(t *testing.T, mfs map[string]*dto.MetricFamily, name string, want ...string) float64 {
	t.Helper()
	for _, m := range mfs[name].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for i := 0; i < len(want); i += 2 {
			match = match && labels[want[i]] == want[i+1]
		}
		if !match {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Untyped != nil:
			return m.GetUntyped().GetValue()
		}
	}
	t.Fatalf("no sample %s%v in %v", name, want, mfs[name])
	return 0
}

// A real diagnosis of a healthy explicit server through /probe.
func TestProbeHealthyServer(t *testing.T) {
	cert, err := rootCA(t).Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	ftps := ftpsServer(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert)})
	dir := t.TempDir()
	ca := writeFile(t, dir, "ca.pem", string(rootCA(t).RootPEM()))
	mods, err := loadModules(writeFile(t, dir, "modules.yml", "modules:\n  ftpes:\n    mode: explicit\n    timeout: 5s\n    ca_file: "+ca+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startExporter(t, mods, exporterOptions{Tool: "ftpsdiag test", Logf: t.Logf})

	mfs := scrape(t, srv, "/probe?module=ftpes&target="+ftps.Addr, "20")
	port := strconv.Itoa(ftps.Port)
	if v := sample(t, mfs, "ftps_probe_success"); v != 1 {
		t.Errorf("ftps_probe_success = %v, want 1", v)
	}
	if v := sample(t, mfs, "ftps_tls_version_info", "mode", "explicit", "port", port, "version", "TLS 1.3"); v != 1 {
		t.Errorf("ftps_tls_version_info = %v, want 1", v)
	}
	if suite := mfs["ftps_tls_version_info"].GetMetric()[0].GetLabel()[0]; suite.GetName() != "cipher_suite" || !strings.HasPrefix(suite.GetValue(), "TLS_") {
		t.Errorf("cipher suite label = %v", suite)
	}
	if v := sample(t, mfs, "ftps_data_channel_ok", "mode", "explicit", "port", port); v != 1 {
		t.Errorf("ftps_data_channel_ok = %v, want 1", v)
	}
	if v := sample(t, mfs, "ftps_cert_days_left", "mode", "explicit", "port", port); v < 88 || v > 90 {
		t.Errorf("ftps_cert_days_left = %v, want about 90", v)
	}
}

// A server that never greets: the scrape ends within Prometheus's timeout,
// with the metrics of a failed diagnosis.
func TestProbeHonoursScrapeTimeout(t *testing.T) {
	ftps := ftpsServer(t, ftpstest.Config{OnConnect: ftpstest.Silent})
	srv := startExporter(t, defaultModules(), exporterOptions{Logf: t.Logf})

	start := time.Now()
	mfs := scrape(t, srv, "/probe?target="+ftps.Addr, "1.5")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the scrape took %s; Prometheus gives up after 1.5s", took)
	}
	if v := sample(t, mfs, "ftps_probe_success"); v != 0 {
		t.Errorf("ftps_probe_success = %v, want 0", v)
	}
	if v := sample(t, mfs, "ftps_probe_duration_seconds", "stage", "total"); v > 1.5 {
		t.Errorf("total duration %vs, over the scrape timeout", v)
	}
}

// fakeResult is what the fake probes return.
func fakeResult(cfg probe.Config) *result.Result {
	return &result.Result{Target: cfg.Target.Raw, Status: result.StatusOK, Verdict: "FTPS works."}
}

// blockingProbe is a fake probe that signals on started and returns when
// release is closed or its context ends, recording how long it had left.
type blockingProbe struct {
	started chan struct{}
	release chan struct{}
	left    chan time.Duration // the budget the probe saw when it started
}

func newBlockingProbe() *blockingProbe {
	return &blockingProbe{started: make(chan struct{}), release: make(chan struct{}), left: make(chan time.Duration, 16)}
}

// run is the probe.
func (b *blockingProbe) run(ctx context.Context, cfg probe.Config) *result.Result {
	dl, _ := ctx.Deadline()
	b.left <- time.Until(dl)
	select {
	case b.started <- struct{}{}:
	case <-ctx.Done():
	}
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return fakeResult(cfg)
}

// A load test: with every slot taken, a burst of scrapes whose probe
// would get less than its budget is refused at once with 503, each one
// counted as busy; the running probes are not disturbed.
func TestProbeSlotsFull(t *testing.T) {
	const bound, burst = 2, 40
	b := newBlockingProbe()
	srv := startExporter(t, defaultModules(), exporterOptions{MaxConcurrent: bound, Logf: t.Logf, Probe: b.run})

	codes := make(chan int, bound)
	for range bound {
		go func() {
			code, _, err := fetch(srv, "/probe?target=ftp.example.com", "")
			if err != nil {
				t.Error(err)
			}
			codes <- code
		}()
	}
	for range bound {
		<-b.started
	}

	// The default module's deadline (60 s) takes the whole 9.5 s of a
	// 10 s scrape: there is no time to wait for a slot.
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			code, body, err := fetch(srv, "/probe?target=ftp.example.com", "10")
			if err != nil {
				t.Error(err)
				return
			}
			if code != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("all 2 probe slots busy")) {
				t.Errorf("scrape beyond the bound: %d %q, want 503", code, body)
			}
			if lines := strings.Count(strings.TrimSpace(string(body)), "\n"); lines != 0 {
				t.Errorf("error body is %d lines: %q", lines+1, body)
			}
		})
	}
	wg.Wait()

	close(b.release)
	for range bound {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("blocked scrape ended with %d, want 200", code)
		}
	}
	mfs := scrape(t, srv, "/metrics", "")
	if v := sample(t, mfs, "ftpsdiag_exporter_scrapes_refused_total", "reason", "busy"); v != burst {
		t.Errorf("refused busy = %v, want %d", v, burst)
	}
	if v := sample(t, mfs, "ftpsdiag_exporter_probes_total", "module", "default", "status", "ok"); v != bound {
		t.Errorf("probes = %v, want %d", v, bound)
	}
}

// Waiting for a slot does not eat the probe's budget: a scrape waits only
// while the rest of its deadline still holds the module's whole deadline,
// and its probe then gets all of it; past that it is refused. Run in a
// synctest bubble, so the times are exact.
func TestProbeWaitKeepsBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mods := modules{defaultModule: {Timeout: time.Second, Deadline: 2 * time.Second}}
		b := newBlockingProbe()
		e := newExporter(mods, exporterOptions{MaxConcurrent: 1, Logf: t.Logf, Probe: b.run})
		h := e.Handler()
		scrape := func(timeout string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, "/probe?target=ftp.example.com", nil)
			req.Header.Set(timeoutHeader, timeout)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		codes := make(chan int, 3)
		go func() { codes <- scrape("5").Code }()
		<-b.started // the slot is taken
		<-b.left

		go func() { codes <- scrape("5").Code }() // 4.5 s for the scrape: it may wait 2.5 s
		synctest.Wait()                           // the second scrape waits for the slot
		time.Sleep(time.Second)
		b.release <- struct{}{} // the first probe ends after 1 s
		if left := <-b.left; left != 2*time.Second {
			t.Errorf("after waiting 1 s for a slot, the probe had %s; want its whole deadline, 2s", left)
		}
		if code := <-codes; code != http.StatusOK {
			t.Errorf("first scrape: %d", code)
		}

		<-b.started // the second probe holds the slot
		start := time.Now()
		go func() { codes <- scrape("3").Code }() // 2.5 s for the scrape: it may wait 0.5 s
		if code := <-codes; code != http.StatusServiceUnavailable {
			t.Errorf("third scrape: %d, want 503", code)
		}
		if waited := time.Since(start); waited != 500*time.Millisecond {
			t.Errorf("third scrape refused after %s, want 0.5s: 2.5 s less the probe's 2 s", waited)
		}
		close(b.release)
		if code := <-codes; code != http.StatusOK {
			t.Errorf("second scrape: %d", code)
		}
		if v := sample(t, gather(t, e), "ftpsdiag_exporter_scrapes_refused_total", "reason", "busy"); v != 1 {
			t.Errorf("refused busy = %v, want 1", v)
		}
	})
}

func TestProbeBadRequests(t *testing.T) {
	mods := modules{
		defaultModule: {Timeout: time.Second},
		"ftpes":       {Mode: probe.ModeExplicit, Timeout: time.Second},
		"auto":        {Mode: probe.ModeAuto, Timeout: time.Second},
	}
	probed := func(ctx context.Context, cfg probe.Config) *result.Result {
		t.Errorf("probed %q", cfg.Target.Raw)
		return fakeResult(cfg)
	}
	srv := startExporter(t, mods, exporterOptions{Logf: t.Logf, Probe: probed})
	cases := []struct {
		name, query, header, want string
	}{
		{"no target", "", "", "missing target"},
		{"empty target", "target=", "", "missing target"},
		{"unknown module", "target=ftp.example.com&module=nope", "", `unknown module "nope"`},
		{"bad port", "target=ftp.example.com:99999", "", "port"},
		{"unknown scheme", "target=sftp://ftp.example.com", "", "unknown scheme"},
		{"credentials", "target=ftps://alice:hunter2@ftp.example.com", "", "credentials"},
		{"mode contradicts the scheme", "target=ftps://ftp.example.com&module=ftpes", "", `module "ftpes"`},
		{"auto without a port", "target=ftp.example.com&module=auto", "", "needs a port"},
		{"bad timeout header", "target=ftp.example.com", "soon", timeoutHeader},
		{"negative timeout header", "target=ftp.example.com", "-1", timeoutHeader},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, srv, "/probe?"+tc.query, tc.header)
			msg := strings.TrimSuffix(string(body), "\n")
			if code != http.StatusBadRequest || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("got %d %q, want 400 and one line saying %q", code, body, tc.want)
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("the message quotes the password: %q", msg)
			}
		})
	}
	mfs := scrape(t, srv, "/metrics", "")
	if v := sample(t, mfs, "ftpsdiag_exporter_scrapes_refused_total", "reason", "bad_request"); v != float64(len(cases)) {
		t.Errorf("refused bad_request = %v, want %d", v, len(cases))
	}
}

// A refusal quotes a parameter at most maxEcho bytes long, escaped, in its
// body and in the log: a 900 KB target with terminal escapes is not echoed.
func TestRefusalsQuoteBounded(t *testing.T) {
	var (
		mu   sync.Mutex
		logs []string
	)
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, fmt.Sprintf(format, args...))
	}
	srv := startExporter(t, defaultModules(), exporterOptions{Logf: logf, Probe: func(ctx context.Context, cfg probe.Config) *result.Result {
		t.Errorf("probed %.20q", cfg.Target.Raw)
		return fakeResult(cfg)
	}})
	junk := "\x1b[2J\u202e" + strings.Repeat("a", 900_000) + "\r\n"
	for _, query := range []string{
		"target=" + url.QueryEscape(junk),
		"target=" + url.QueryEscape("ftps://"+strings.Repeat("\x1b", 280)), // short enough to parse, all escapes
		"module=" + url.QueryEscape(junk[:20_000]) + "&target=ftp.example.com",
	} {
		code, body := get(t, srv, "/probe?"+query, "")
		msg := strings.TrimSuffix(string(body), "\n")
		if code != http.StatusBadRequest || len(msg) > 4*maxTargetLen+200 || strings.ContainsAny(msg, "\x1b\u202e\r\n") {
			t.Errorf("%d, %d bytes: %.300q; want a 400 of one bounded, escaped line", code, len(body), body)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, line := range logs {
		if len(line) > 4*maxTargetLen+200 || strings.ContainsAny(line, "\x1b\u202e\r\n") {
			t.Errorf("log line of %d bytes: %.300q", len(line), line)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ftp.example.com", `"ftp.example.com"`},
		{"a\x1bb\u202e", `"a\x1bb\u202e"`},
		{strings.Repeat("a", maxEcho), `"` + strings.Repeat("a", maxEcho) + `"`},
		{strings.Repeat("a", maxEcho+1), `"` + strings.Repeat("a", maxEcho) + `"… (101 bytes)`},
		{strings.Repeat("a", maxEcho-1) + "é", `"` + strings.Repeat("a", maxEcho-1) + `"… (101 bytes)`}, // not inside a rune
	} {
		if got := clip(tc.in); got != tc.want {
			t.Errorf("clip(%.30q…) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// A module's settings reach the probe, its password is never logged, and
// /metrics counts the probe.
func TestModuleConfigAndOwnMetrics(t *testing.T) {
	dir := t.TempDir()
	pass := writeFile(t, dir, "alice.pass", password+"\n")
	mods, err := loadModules(writeFile(t, dir, "modules.yml", "modules:\n  alice:\n    port: 2121\n    timeout: 3s\n    user: alice\n    password_file: "+pass+"\n    warn_days: 14\n    crit_days: 3\n    ignore: [epsv-unsupported]\n    scan: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	configs := make(chan probe.Config, 1)
	capture := func(ctx context.Context, cfg probe.Config) *result.Result {
		configs <- cfg
		return fakeResult(cfg)
	}
	var (
		mu   sync.Mutex
		logs strings.Builder
	)
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&logs, format+"\n", args...)
	}
	srv := startExporter(t, mods, exporterOptions{Tool: "ftpsdiag 1.2.3", Logf: logf, Probe: capture})

	mfs := scrape(t, srv, "/probe?module=alice&target=ftp.example.com", "")
	if v := sample(t, mfs, "ftps_probe_status", "status", "ok"); v != 1 {
		t.Errorf("ftps_probe_status{status=ok} = %v", v)
	}
	got := <-configs
	if got.Target.Host != "ftp.example.com" || got.Target.Port != 2121 || got.Timeout != 3*time.Second || got.User != "alice" ||
		got.Password != password || got.WarnDays != 14 || got.CritDays != 3 || !slices.Equal(got.Ignore, []string{"epsv-unsupported"}) || !got.Scan || got.MaxConns != 8 || got.Tool != "ftpsdiag 1.2.3" {
		t.Errorf("probe config = %+v", got)
	}
	mu.Lock()
	log := logs.String()
	mu.Unlock()
	if !strings.Contains(log, "module=alice") || strings.Contains(log, password) {
		t.Errorf("log = %q; want the probe logged, without the password", log)
	}

	mfs = scrape(t, srv, "/metrics", "")
	if v := sample(t, mfs, "ftpsdiag_exporter_probes_total", "module", "alice", "status", "ok"); v != 1 {
		t.Errorf("probes_total = %v, want 1", v)
	}
	if v := sample(t, mfs, "ftpsdiag_exporter_probes_in_flight"); v != 0 {
		t.Errorf("in flight = %v, want 0", v)
	}
	if n := mfs["ftpsdiag_exporter_probe_duration_seconds"].GetMetric()[0].GetHistogram().GetSampleCount(); n != 1 {
		t.Errorf("duration histogram holds %d probes, want 1", n)
	}
	for _, name := range []string{"ftpsdiag_exporter_scrapes_refused_total", "go_goroutines"} {
		if mfs[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func TestIndexPage(t *testing.T) {
	srv := startExporter(t, modules{defaultModule: {Timeout: time.Second}, "ftpes": {Mode: probe.ModeExplicit, Timeout: 5 * time.Second}}, exporterOptions{Tool: "ftpsdiag 1.2.3"})
	code, body := get(t, srv, "/", "")
	if code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
	for _, want := range []string{"ftpsdiag 1.2.3", `href="metrics"`, "<b>default</b>: mode from the target", "<b>ftpes</b>: mode explicit, timeout 5s", `href="probe?target=ftp.example.com&amp;module=ftpes"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("index page lacks %q:\n%s", want, body)
		}
	}
	if code, _ := get(t, srv, "/nope", ""); code != http.StatusNotFound {
		t.Errorf("GET /nope: %d, want 404", code)
	}
}

func TestScrapeBudget(t *testing.T) {
	m := module{Timeout: 10 * time.Second, Deadline: 60 * time.Second}
	short := module{Timeout: time.Second, Deadline: 5 * time.Second}
	for _, tc := range []struct {
		header        string
		m             module
		total, budget time.Duration
	}{
		{"", m, time.Minute, time.Minute},
		{"10", m, 9500 * time.Millisecond, 9500 * time.Millisecond},
		{"1.5", m, time.Second, time.Second},
		{"0.6", m, 300 * time.Millisecond, 300 * time.Millisecond},
		{"", short, 5 * time.Second, 5 * time.Second},
		{"10", short, 9500 * time.Millisecond, 5 * time.Second},
		{"3", short, 2500 * time.Millisecond, 2500 * time.Millisecond},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set(timeoutHeader, tc.header)
		}
		if total, budget, err := scrapeBudget(h, tc.m); total != tc.total || budget != tc.budget || err != nil {
			t.Errorf("header %q, deadline %s: %s, %s, %v; want %s, %s", tc.header, tc.m.Deadline, total, budget, err, tc.total, tc.budget)
		}
	}
	for _, bad := range []string{"soon", "0", "-1", "NaN", "+Inf", "1e300"} {
		h := http.Header{timeoutHeader: {bad}}
		if _, _, err := scrapeBudget(h, m); err == nil {
			t.Errorf("header %q accepted", bad)
		}
	}
}
