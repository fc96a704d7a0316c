package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// `ftpsdiag serve` end to end: a module file, a scrape of a real vsftpd
// through /probe, the exposition parsed with Prometheus' own text parser,
// and a clean stop when the context ends.
func TestServeScrapesRealServer(t *testing.T) {
	ftpdtest.Require(t, ftpdtest.Vsftpd)
	ca, err := testcert.NewRoot("serve test root")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := ftpdtest.Start(t, ftpdtest.Vsftpd, ftpdtest.Options{TLS: true, Cert: cert})
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caFile := write("ca.pem", string(ca.RootPEM()))
	pwFile := write("pw", srv.Password+"\n")
	config := write("modules.yml", "modules:\n  local:\n    mode: explicit\n    servername: localhost\n    ca_file: "+caFile+
		"\n    user: "+srv.User+"\n    password_file: "+pwFile+"\n    timeout: 5s\n")

	// Nothing the exporter starts may outlive it.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--config", config}, nil, io.Discard, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("no address in %q", lines.Text())
	}
	go io.Copy(io.Discard, pr)

	client := &http.Client{Timeout: 30 * time.Second}
	req, _ := http.NewRequest("GET", m[1]+"/probe?module=local&target="+url.QueryEscape("ftpes://"+srv.Addr), nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "20")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	if v := families["ftps_probe_success"].GetMetric()[0].GetGauge().GetValue(); v != 1 {
		t.Errorf("ftps_probe_success = %v, want 1", v)
	}
	info := families["ftps_tls_version_info"].GetMetric()
	if len(info) == 0 {
		t.Fatal("no ftps_tls_version_info")
	}
	labels := map[string]string{}
	for _, l := range info[0].GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["version"] != "TLS 1.3" || labels["mode"] != "explicit" {
		t.Errorf("ftps_tls_version_info labels %v", labels)
	}
	if families["ftps_data_channel_ok"].GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("ftps_data_channel_ok is not 1")
	}
	if families["ftps_session_reuse_required"].GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("vsftpd requires session reuse by default: ftps_session_reuse_required should be 1")
	}

	cancel()
	select {
	case c := <-code:
		if c != exitOK {
			t.Errorf("serve exited %d after the context ended", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
}
