package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// webExporter is an exporter with the web page on whose diagnoses are
// stubbed: each returns an ok result and records its config.
func webExporter(t *testing.T, web bool) (*exporter, *[]probe.Config) {
	t.Helper()
	mods, err := loadModules("")
	if err != nil {
		t.Fatal(err)
	}
	var got []probe.Config
	e := newExporter(mods, exporterOptions{Tool: "ftpsdiag test", Web: web, Probe: func(_ context.Context, cfg probe.Config) *result.Result {
		got = append(got, cfg)
		return &result.Result{Target: cfg.Target.Raw, Status: result.StatusOK, Verdict: "fine"}
	}})
	return e, &got
}

// post submits the form from client addr; the body is the answer's.
func post(t *testing.T, h http.Handler, addr string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("POST", webPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

// The page is off unless asked for.
func TestWebPageOffByDefault(t *testing.T) {
	e, _ := webExporter(t, false)
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, httptest.NewRequest("GET", webPath, nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET %s without --web: %d, want 404", webPath, rec.Code)
	}
}

// The form has target, mode and module, no password field, posts, and
// forbids script.
func TestWebForm(t *testing.T) {
	e, _ := webExporter(t, true)
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, httptest.NewRequest("GET", webPath, nil))
	body := rec.Body.String()
	for _, want := range []string{`method="post"`, `name="target"`, `name="mode"`, `name="module"`, `<option>default</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	if strings.Contains(strings.ToLower(body), "password\"") || strings.Contains(body, `type="password"`) {
		t.Error("the form has a password field")
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

// A posted form runs one diagnosis with the chosen mode and answers with
// the HTML report; the target is read from the body only, never the URL.
func TestWebDiagnose(t *testing.T) {
	e, got := webExporter(t, true)
	h := e.Handler()
	resp, body := post(t, h, "192.0.2.1:1000", url.Values{"target": {"ftp.example.com:2121"}, "mode": {"explicit"}, "module": {"default"}}, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "FTPS diagnosis: ftp.example.com:2121") {
		t.Fatalf("status %d, body %.300s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("report's Content-Security-Policy %q", csp)
	}
	if len(*got) != 1 || (*got)[0].Mode != probe.ModeExplicit {
		t.Errorf("diagnoses %+v, want one in explicit mode", *got)
	}

	req := httptest.NewRequest("POST", webPath+"?target=ftp.example.com", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "192.0.2.2:1000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || len(*got) != 1 {
		t.Errorf("target in the URL: status %d after %d diagnoses, want 400 and none run", rec.Code, len(*got))
	}

	for _, bad := range []url.Values{
		{"target": {"ftp.example.com"}, "mode": {"sideways"}},
		{"target": {"user:secret@ftp.example.com"}},
		{"target": {"ftp.example.com"}, "module": {"nope"}},
	} {
		resp, body := post(t, h, "192.0.2.3:1000", bad, nil)
		if resp.StatusCode != http.StatusBadRequest || strings.Contains(body, "secret") {
			t.Errorf("%v: status %d, body %.200s", bad, resp.StatusCode, body)
		}
	}
}

// Another site cannot make a visitor's browser start a diagnosis.
func TestWebRefusesCrossOrigin(t *testing.T) {
	e, got := webExporter(t, true)
	resp, _ := post(t, e.Handler(), "192.0.2.1:1000", url.Values{"target": {"ftp.example.com"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}})
	if resp.StatusCode != http.StatusForbidden || len(*got) != 0 {
		t.Errorf("cross-site post: status %d, %d diagnoses; want 403 and none", resp.StatusCode, len(*got))
	}
}

// Each client gets webBurst diagnoses at once, then waits; another client
// is not held up.
func TestWebRateLimit(t *testing.T) {
	e, got := webExporter(t, true)
	h := e.Handler()
	form := url.Values{"target": {"ftp.example.com"}}
	for i := range webBurst {
		if resp, _ := post(t, h, "192.0.2.1:1000", form, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("diagnosis %d: status %d", i+1, resp.StatusCode)
		}
	}
	resp, _ := post(t, h, "192.0.2.1:2000", form, nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("diagnosis %d in a row: status %d, Retry-After %q; want 429 with one", webBurst+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, _ := post(t, h, "192.0.2.2:1000", form, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("another client: status %d", resp.StatusCode)
	}
	if len(*got) != webBurst+1 {
		t.Errorf("%d diagnoses run, want %d", len(*got), webBurst+1)
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1:80":           "192.0.2.1",
		"[2001:db8::1:2:3:4]:80": "2001:db8::",
		"[::ffff:192.0.2.9]:80":  "192.0.2.9",
		"not an address":         "::",
		"[2001:db8:0:1::9]:443":  "2001:db8:0:1::",
	} {
		if got := clientKey(in); got != netip.MustParseAddr(want) {
			t.Errorf("clientKey(%q) = %s, want %s", in, got, want)
		}
	}
}
