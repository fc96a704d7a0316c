package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// The Prometheus examples in README.md live in testdata/prometheus, which
// the tests below load: the scrape job (to add to prometheus.yml's
// scrape_configs) and the alert rules.
const (
	exampleScrape = "testdata/prometheus/prometheus.yml"
	exampleRules  = "testdata/prometheus/ftps-rules.yml"
	// rulesTest is promtool's unit test of the rules: every alert's
	// condition, suppression and text, on series made up for it.
	rulesTest = "testdata/prometheus/ftps-rules.test.yml"
	// debianConfig is the prometheus.yml Debian's package installs.
	debianConfig = "/etc/prometheus/prometheus.yml"
)

// README.md shows the example files verbatim, each as a yaml block.
func TestPrometheusExamplesInREADME(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{exampleScrape, exampleRules} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), "```yaml\n"+string(b)+"```\n") {
			t.Errorf("README.md does not show %s verbatim in a yaml block", f)
		}
	}
}

// promtool accepts the example rules, and Debian's stock prometheus.yml
// (global scrape_interval 15s) with the example job and rules added; the
// rules pass their unit test.
func TestPromtoolChecksExamples(t *testing.T) {
	requireInstalled(t, "promtool (Debian's prometheus)", "promtool", "--version")
	rules, err := filepath.Abs(exampleRules)
	if err != nil {
		t.Fatal(err)
	}
	stock := readYAML(t, debianConfig)
	stock["scrape_configs"] = append(stock["scrape_configs"].([]any), exampleJob(t))
	stock["rule_files"] = []any{rules}
	config := writeYAML(t, filepath.Join(t.TempDir(), "prometheus.yml"), stock)
	for _, args := range [][]string{{"check", "config", config}, {"check", "rules", rules}, {"test", "rules", rulesTest}} {
		if out, err := exec.Command("promtool", args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Debian's real Prometheus scrapes `ftpsdiag serve` with the README's job
// and evaluates the README's rules (intervals shortened, "for" dropped):
// a vsftpd whose certificate expired 3 days ago, a closed port, and a
// vsftpd refusing the anonymous login of the default module. Through the
// HTTP API, the series arrive and exactly the expected alerts fire: the
// incomplete diagnosis pages for no broken data channel.
func TestPrometheusAlertsFire(t *testing.T) {
	requireInstalled(t, "prometheus (Debian's prometheus)", "prometheus", "--version")
	ftpdtest.Require(t, ftpdtest.Vsftpd)
	api, expired, anon, closed := startScene(t)

	// vsftpd will not resume a session whose certificate has expired,
	// so its data connections fail: the data channel is really broken.
	want := [][2]string{
		{"FTPSCertificateExpired", expired},
		{"FTPSDataChannelBroken", expired},
		{"FTPSProbeFailed", closed},
		{"FTPSProbeIncomplete", anon},
	}
	alerts := api.settledAlerts(t, want)
	var got [][2]string
	for _, a := range alerts {
		got = append(got, a.key())
		summary := a.Annotations["summary"]
		switch {
		case a.State != "firing":
			t.Errorf("%v is %s, want firing (the test drops every rule's for)", a.key(), a.State)
		case strings.Contains(summary, "{{") || strings.Contains(summary, "<no value>"):
			t.Errorf("%v: summary %q has an unexpanded template", a.key(), summary)
		case a.Labels["alertname"] == "FTPSCertificateExpired" && !regexp.MustCompile(`expired 3d \d+h \d+m \d+s ago$`).MatchString(summary):
			t.Errorf("FTPSCertificateExpired summary %q, want \"expired 3d ...h ...m ...s ago\"", summary)
		}
	}
	slices.SortFunc(got, func(x, y [2]string) int { return strings.Compare(x[0]+x[1], y[0]+y[1]) })
	if !slices.Equal(got, want) {
		t.Errorf("alerts firing:\n%v\nwant exactly\n%v", got, want)
	}

	// The series behind them, as Prometheus stored them.
	for query, want := range map[string][]string{
		`ftps_probe_success`:                          {expired + "=0", anon + "=1", closed + "=0"},
		`ftps_probe_status{status="incomplete"} == 1`: {anon + "=1"},
		`ftps_probe_status{status="critical"} == 1`:   {expired + "=1", closed + "=1"},
		`ftps_data_channel_ok`:                        {expired + "=0"},
		`ftps_cert_days_left < 0`:                     {expired + "=-4"},
	} {
		slices.Sort(want)
		if got := api.query(t, query); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", query, got, want)
		}
	}
}

// startScene starts the test's servers, the exporter and Prometheus, and
// returns the API and the three targets: the vsftpd with an expired
// certificate (module login), the vsftpd refusing anonymous logins
// (module default) and the closed port (module login).
func startScene(t *testing.T) (api *promAPI, expired, anon, closed string) {
	dir := t.TempDir()
	ca, err := testcert.NewRoot("prometheus test root")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old := startVsftpd(t, ca, now.Add(-90*24*time.Hour), now.Add(-3*24*time.Hour-time.Hour))
	anonRefused := startVsftpd(t, ca, time.Time{}, time.Time{}, "anonymous_enable=NO")
	expired, anon, closed = "ftpes://"+old.Addr, "ftpes://"+anonRefused.Addr, "ftpes://"+closedPort(t)
	caFile := writeFile(t, dir, "ca.pem", string(ca.RootPEM()))
	pwFile := writeFile(t, dir, "pw", old.Password+"\n")
	// vsftpd answers a clear USER anonymous with 331 even when anonymous
	// logins are off: with the anonymous login refused inside TLS, that
	// 331 is no finding, and the default module's target is incomplete.
	modules := writeFile(t, dir, "modules.yml", fmt.Sprintf(`modules:
  default: {mode: explicit, ca_file: %[1]s, timeout: 3s}
  login: {mode: explicit, ca_file: %[1]s, timeout: 3s, user: %[2]s, password_file: %[3]s}
`, caFile, old.User, pwFile))
	exporter := runExporter(t, modules)

	// The README's job as it is (module default) for the anonymous
	// target, and a copy with module login for the other two.
	job := exampleJob(t)
	rules := writeYAML(t, filepath.Join(dir, "rules.yml"), testRules(t))
	config := writeYAML(t, filepath.Join(dir, "prometheus.yml"), map[string]any{
		"global":     map[string]any{"evaluation_interval": "1s"},
		"rule_files": []any{rules},
		"scrape_configs": []any{
			testJob(job, "ftps", "default", exporter, anon),
			testJob(job, "ftps-login", "login", exporter, expired, closed),
		},
	})
	return startPrometheus(t, config, dir), expired, anon, closed
}

// settledAlerts waits until every alert in want (name, instance) is
// active, then for one more rule evaluation, and returns the alerts
// active then: as each evaluation runs every rule of the group on the same
// data, an alert that should not fire would show by then.
func (p *promAPI) settledAlerts(t *testing.T, want [][2]string) []promAlert {
	t.Helper()
	var alerts []promAlert
	if !p.await(t, func() bool {
		alerts = p.alerts(t)
		return !slices.ContainsFunc(want, func(k [2]string) bool {
			return !slices.ContainsFunc(alerts, func(a promAlert) bool { return a.key() == k })
		})
	}) {
		t.Fatalf("the expected alerts did not all fire: got %v, want %v", alerts, want)
	}
	last := p.lastEvaluation(t)
	if !p.await(t, func() bool { return p.lastEvaluation(t) != last }) {
		t.Fatal("the rules were not evaluated again")
	}
	return p.alerts(t)
}

// exampleJob is the README's scrape job.
func exampleJob(t *testing.T) map[string]any {
	t.Helper()
	jobs, _ := readYAML(t, exampleScrape)["scrape_configs"].([]any)
	if len(jobs) != 1 {
		t.Fatalf("%s: want one job in scrape_configs, got %d", exampleScrape, len(jobs))
	}
	return jobs[0].(map[string]any)
}

// testJob is a copy of job scraping targets with module through the
// exporter at addr, every 5 s with a 5 s timeout (the diagnosis gets
// 4.5 s: ample on a loaded machine).
func testJob(job map[string]any, name, module, addr string, targets ...string) map[string]any {
	out := map[string]any{}
	for k, v := range job {
		out[k] = v
	}
	out["job_name"] = name
	out["params"] = map[string]any{"module": []any{module}}
	out["scrape_interval"], out["scrape_timeout"] = "5s", "5s"
	out["static_configs"] = []any{map[string]any{"targets": targets}}
	var relabel []any
	for _, r := range job["relabel_configs"].([]any) {
		r := r.(map[string]any)
		if r["target_label"] == "__address__" {
			r = map[string]any{"target_label": "__address__", "replacement": addr}
		}
		relabel = append(relabel, r)
	}
	out["relabel_configs"] = relabel
	return out
}

// testRules are the README's rules without their "for": they fire at the
// first evaluation that finds their condition.
func testRules(t *testing.T) map[string]any {
	t.Helper()
	doc := readYAML(t, exampleRules)
	for _, g := range doc["groups"].([]any) {
		for _, r := range g.(map[string]any)["rules"].([]any) {
			delete(r.(map[string]any), "for")
		}
	}
	return doc
}

// startVsftpd starts a vsftpd with TLS and a certificate from ca for
// 127.0.0.1, valid from notBefore to notAfter (zero: testcert's default).
func startVsftpd(t *testing.T, ca *testcert.CA, notBefore, notAfter time.Time, extra ...string) *ftpdtest.Server {
	t.Helper()
	cert, err := ca.Issue(testcert.Options{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: notBefore, NotAfter: notAfter})
	if err != nil {
		t.Fatal(err)
	}
	return ftpdtest.Start(t, ftpdtest.Vsftpd, ftpdtest.Options{TLS: true, Cert: cert, Extra: extra})
}

// runExporter runs `ftpsdiag serve` in this process on a free loopback
// port with the modules file, until the test ends; it returns host:port.
func runExporter(t *testing.T, modules string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--config", modules}, nil, io.Discard, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exited %d", code)
		}
	})
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	m := regexp.MustCompile(`listening on http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("no address in %q", lines.Text())
	}
	go func() {
		for lines.Scan() {
			t.Log("serve: " + lines.Text())
		}
	}()
	return m[1]
}

// promAPI is a running Prometheus' HTTP API.
type promAPI struct {
	base   string
	client *http.Client
}

// startPrometheus runs Debian's prometheus with config on a free loopback
// port, its data in dir, until the test ends, and waits until it is ready.
func startPrometheus(t *testing.T, config, dir string) *promAPI {
	t.Helper()
	addr := closedPort(t) // free now; Prometheus takes it at once
	var logs strings.Builder
	var mu sync.Mutex
	cmd := exec.Command("prometheus", "--config.file="+config, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	w := lockedWriter{&mu, &logs}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			mu.Lock()
			t.Logf("prometheus logged:\n%s", logs.String())
			mu.Unlock()
		}
	})
	api := &promAPI{base: "http://" + addr, client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	ready := api.await(t, func() bool {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("prometheus exited: %v", err)
		default:
		}
		resp, err := api.client.Get(api.base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if !ready {
		t.Fatal("Prometheus did not get ready")
	}
	return api
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

// Write writes p under the lock.
func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// await polls cond until it holds, or reports false after a deadline far
// beyond a few scrapes and evaluations.
func (p *promAPI) await(t *testing.T, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

// get decodes the data of an API answer into v.
func (p *promAPI) get(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := p.client.Get(p.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.Status != "success" {
		t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, answer.Error)
	}
	if err := json.Unmarshal(answer.Data, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// promAlert is an alert as /api/v1/alerts lists it.
type promAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
}

// key is the alert's name and instance.
func (a promAlert) key() [2]string { return [2]string{a.Labels["alertname"], a.Labels["instance"]} }

// alerts lists the active alerts.
func (p *promAPI) alerts(t *testing.T) []promAlert {
	var data struct {
		Alerts []promAlert `json:"alerts"`
	}
	p.get(t, "/api/v1/alerts", &data)
	return data.Alerts
}

// lastEvaluation is when the rule groups were last evaluated.
func (p *promAPI) lastEvaluation(t *testing.T) string {
	var data struct {
		Groups []struct {
			LastEvaluation string `json:"lastEvaluation"`
		} `json:"groups"`
	}
	p.get(t, "/api/v1/rules", &data)
	var s []string
	for _, g := range data.Groups {
		s = append(s, g.LastEvaluation)
	}
	return strings.Join(s, " ")
}

// query runs an instant query and returns its series as "instance=value",
// sorted.
func (p *promAPI) query(t *testing.T, q string) []string {
	var data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	p.get(t, "/api/v1/query?query="+url.QueryEscape(q), &data)
	var out []string
	for _, r := range data.Result {
		out = append(out, fmt.Sprintf("%s=%v", r.Metric["instance"], r.Value[1]))
	}
	slices.Sort(out)
	return out
}

// readYAML decodes a YAML file into a map.
func readYAML(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return doc
}

// writeYAML encodes doc into file and returns file.
func writeYAML(t *testing.T, file string, doc any) string {
	t.Helper()
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
