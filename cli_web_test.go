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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// `ftpsdiag serve --web` end to end against a real vsftpd: the form, a
// diagnosis posted through it answered with the HTML report (credentials
// from the module only, the password nowhere in the answer), a target
// outside the allow-list refused on the page.
func TestServeWebPageRealServer(t *testing.T) {
	srv, config := vsftpdModule(t, "")
	base := startWebServe(t, "--config", config, "--allow-hosts", "127.0.0.1", "--allow-ports", strconv.Itoa(srv.Port))
	client := &http.Client{Timeout: 60 * time.Second}

	form := getBody(t, client, base+webPath)
	if !strings.Contains(form, `name="target"`) || strings.Contains(form, `type="password"`) {
		t.Fatalf("form: %.500s", form)
	}

	code, page := postForm(t, client, base+webPath, url.Values{"target": {"ftpes://" + srv.Addr}, "mode": {"explicit"}, "module": {"local"}})
	if code != http.StatusOK {
		t.Fatalf("status %d: %.500s", code, page)
	}
	for _, want := range []string{`<svg class="seq"`, "230 ", "PASS ****", `data-event="0"`, `href="` + webPath + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, srv.Password) {
		t.Error("the report shows the module's password")
	}

	code, page = postForm(t, client, base+webPath, url.Values{"target": {"127.0.0.2:" + strconv.Itoa(srv.Port)}, "module": {"local"}})
	if code != http.StatusForbidden || !strings.Contains(page, "127.0.0.2") || !strings.Contains(page, `name="target"`) {
		t.Errorf("target outside the allow-list: status %d, %.300s", code, page)
	}
}

// vsftpdModule starts a real vsftpd with TLS (a certificate for localhost
// and 127.0.0.1 from a new CA) and writes a module file with one module,
// "local", that logs in as its user, trusts that CA, and has the line
// extra if not empty. It skips without vsftpd, as ftpdtest.Require says.
func vsftpdModule(t *testing.T, extra string) (*ftpdtest.Server, string) {
	t.Helper()
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
	caFile, pwFile, config := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "pw"), filepath.Join(dir, "modules.yml")
	if extra != "" {
		extra = "\n    " + extra
	}
	for name, content := range map[string]string{
		caFile: string(ca.RootPEM()),
		pwFile: srv.Password + "\n",
		config: "modules:\n  local:\n    servername: localhost\n    ca_file: " + caFile + "\n    user: " + srv.User +
			"\n    password_file: " + pwFile + "\n    timeout: 5s" + extra + "\n",
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return srv, config
}

// startWebServe runs `ftpsdiag serve --web` with args on a free loopback
// port until the test ends, and returns its base URL.
func startWebServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--web", "--listen", "127.0.0.1:0"}, args...), nil, io.Discard, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if c := <-done; c != exitOK {
			t.Errorf("serve exited %d", c)
		}
	})
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("no address in %q", lines.Text())
	}
	go io.Copy(io.Discard, pr)
	return m[1]
}

// getBody fetches u and returns its body, failing on anything but 200.
func getBody(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, %v", u, resp.StatusCode, err)
	}
	return string(b)
}

// postForm posts form to u as a browser would, from the same origin.
func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
