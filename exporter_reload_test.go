package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// reloadFixture is an exporter whose modules come from a file the test
// rewrites, with a fake probe and its log kept.
type reloadFixture struct {
	file   string
	e      *exporter
	mu     sync.Mutex
	log    []string
	reload chan string // each log line of a reload, as it is written
}

// newReloadFixture writes content as the modules file and starts an
// exporter on it.
func newReloadFixture(t *testing.T, content string) *reloadFixture {
	t.Helper()
	f := &reloadFixture{file: filepath.Join(t.TempDir(), "modules.yml"), reload: make(chan string, 16)}
	f.write(t, content)
	mods, err := loadModules(f.file)
	if err != nil {
		t.Fatal(err)
	}
	f.e = newExporter(mods, exporterOptions{
		Logf: func(format string, args ...any) {
			f.mu.Lock()
			defer f.mu.Unlock()
			line := fmt.Sprintf(format, args...)
			f.log = append(f.log, line)
			if strings.Contains(line, "reload") {
				f.reload <- line
			}
		},
		Probe:  func(_ context.Context, cfg probe.Config) *result.Result { return fakeResult(cfg) },
		Reload: func() (modules, error) { return loadModules(f.file) },
	})
	return f
}

// write replaces the modules file.
func (f *reloadFixture) write(t *testing.T, content string) {
	t.Helper()
	if err := os.WriteFile(f.file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// logged reports whether a log line contains s.
func (f *reloadFixture) logged(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.log {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

const (
	oneModule  = "modules:\n  first:\n    mode: explicit\n"
	twoModules = "modules:\n  first:\n    mode: explicit\n  second:\n    mode: implicit\n"
)

// TestReloadHTTP: POST /-/reload puts a changed file in force; a file
// that does not load is answered 500 with its error, logged, and the
// modules in force stay.
func TestReloadHTTP(t *testing.T) {
	f := newReloadFixture(t, oneModule)
	srv := httptest.NewServer(f.e.Handler())
	defer srv.Close()
	probeModule := func(name string) int {
		code, _ := get(t, srv, "/probe?target=ftp.example.com&module="+name, "")
		return code
	}
	post := func() (int, string) {
		resp, err := srv.Client().Post(srv.URL+"/-/reload", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	if code := probeModule("second"); code != http.StatusBadRequest {
		t.Fatalf("module second before the reload: %d, want 400", code)
	}
	f.write(t, twoModules)
	if code, body := post(); code != http.StatusOK {
		t.Fatalf("POST /-/reload: %d %s", code, body)
	}
	if code := probeModule("second"); code != http.StatusOK {
		t.Errorf("module second after the reload: %d, want 200", code)
	}

	f.write(t, "modules:\n  first:\n    timout: 5s\n")
	code, body := post()
	if code != http.StatusInternalServerError || !strings.Contains(body, `line 3: unknown field "timout"`) {
		t.Errorf("POST /-/reload of a bad file: %d %q, want 500 naming the mistake", code, body)
	}
	if !f.logged(`unknown field "timout"`) {
		t.Errorf("the failed reload was not logged: %q", f.log)
	}
	if probeModule("second") != http.StatusOK || probeModule("first") != http.StatusOK {
		t.Error("a failed reload changed the modules in force")
	}
	if code, _ := get(t, srv, "/-/reload", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/reload: %d, want 405 (a reload is a POST)", code)
	}
}

// TestReloadOnSIGHUP: SIGHUP reloads the modules file, without ending the
// process.
func TestReloadOnSIGHUP(t *testing.T) {
	f := newReloadFixture(t, oneModule)
	stop := f.e.reloadOnHUP(context.Background())
	defer stop()
	f.write(t, twoModules)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case line := <-f.reload:
		if line != "modules reloaded: 2 in force" {
			t.Errorf("after SIGHUP: %q", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reload 10 s after SIGHUP")
	}
	if _, ok := f.e.mods.get()["second"]; !ok {
		t.Error("module second not in force after SIGHUP")
	}
}

// TestServeReloads: `ftpsdiag serve --config FILE` reloads FILE on POST
// /-/reload and on SIGHUP, and says so on stderr.
func TestServeReloads(t *testing.T) {
	file := filepath.Join(t.TempDir(), "modules.yml")
	if err := os.WriteFile(file, []byte(oneModule), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--config", file}, nil, io.Discard, pw)
		pw.Close()
	}()
	lines := make(chan string, 16) // read at once: a handler's log line must not wait for the test
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func() string {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("serve's stderr ended")
			}
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("serve wrote nothing for 10 s")
		}
		return ""
	}
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(next())
	if m == nil {
		t.Fatal("no address in serve's first line")
	}
	if err := os.WriteFile(file, []byte(twoModules), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(m[1]+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l := next(); resp.StatusCode != http.StatusOK || l != "ftpsdiag: modules reloaded: 2 in force" {
		t.Errorf("POST /-/reload: %d, stderr %q", resp.StatusCode, l)
	}
	if err := os.WriteFile(file, []byte("modules: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if l := next(); !strings.Contains(l, "no modules") || !strings.Contains(l, "the modules in force stay") {
		t.Errorf("after SIGHUP with an empty file: stderr %q", l)
	}
	cancel()
	go func() {
		for range lines { // the shutdown's lines
		}
	}()
	if c := <-code; c != exitOK {
		t.Errorf("serve exited %d", c)
	}
}
