package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
)

// browser runs Debian's chromium headless on files of a test's temporary
// directory.
type browser struct {
	t       *testing.T
	path    string
	profile string
}

// newBrowser finds chromium (installed by testdata/servers/install.sh;
// nothing downloads one), or skips the test on a machine without it.
func newBrowser(t *testing.T) *browser {
	return &browser{t: t, path: ftpdtest.RequireTool(t, "chromium"), profile: filepath.Join(t.TempDir(), "profile")}
}

// run starts chromium on file with extra flags and returns its stdout.
// --no-sandbox because tests run as root in CI, where chromium refuses to
// start sandboxed; no network is involved, the page is a local file.
func (b *browser) run(file string, flags ...string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-extensions", "--user-data-dir=" + b.profile}, flags...)
	cmd := exec.CommandContext(ctx, b.path, append(args, "file://"+file)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("chromium %s: %v\n%s", filepath.Base(file), err, stderr.String())
	}
	return string(out)
}

// dom is the page's DOM after it loaded (and after any script ran).
func (b *browser) dom(file string) string {
	b.t.Helper()
	return b.run(file, "--dump-dom")
}

// writePage writes page into the test's temporary directory.
func writePage(t *testing.T, name, page string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

var renderedEvent = regexp.MustCompile(`<g class="ev [a-z ]+" data-event="\d+">`)

// TestHTMLInBrowser loads the report of a server that tries to inject
// script everywhere into a real browser: the page's DOM has one drawn
// event per timeline event, none of the server's text became an element,
// and no element the injected script would have made. Two control pages show the check can fail: the same script runs
// in a page without our policy, and our policy blocks it even when put
// in the page raw.
func TestHTMLInBrowser(t *testing.T) {
	b := newBrowser(t)
	r := scriptInjection()
	page := renderHTML(t, HTMLOptions{}, r)
	file := writePage(t, "report.html", page)

	dom := b.dom(file)
	if strings.Contains(dom, pwnedMarker) {
		t.Error("a script from the server's text ran in the report")
	}
	// Escaped, the server's text stays text: the browser writes its "<" back
	// as "&lt;". Any element it made would come out as a tag.
	for _, element := range []string{"<script>" + injected[:20], "<svg onload"} {
		if strings.Contains(dom, element) {
			t.Errorf("the server's text became an element in the page: %s...", element)
		}
	}
	if got, want := len(renderedEvent.FindAllString(dom, -1)), eventCount(r); got != want {
		t.Errorf("the browser drew %d events, want %d (one per timeline event)", got, want)
	}
	if !strings.Contains(dom, "<svg") {
		t.Error("no SVG in the rendered page")
	}

	raw := "<script>" + injected + "</script></body>"
	withoutPolicy := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(page, "")
	if !strings.Contains(b.dom(writePage(t, "control.html", strings.Replace(withoutPolicy, "</body>", raw, 1))), pwnedMarker) {
		t.Fatal("control: the injected script did not run in a page without the policy, so the check above proves nothing")
	}
	if strings.Contains(b.dom(writePage(t, "blocked.html", strings.Replace(page, "</body>", raw, 1))), pwnedMarker) {
		t.Error("the Content-Security-Policy did not stop an inline script")
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	b.run(file, "--hide-scrollbars", "--window-size=1200,2400", "--screenshot="+shot)
	if info, err := os.Stat(shot); err != nil || info.Size() < 10_000 {
		t.Errorf("screenshot %s: %v, %d bytes", shot, err, sizeOf(info))
	}
	t.Logf("screenshot: %s", shot)
}

// sizeOf is a file's size, 0 without one.
func sizeOf(info os.FileInfo) int64 {
	if info == nil {
		return 0
	}
	return info.Size()
}
