//go:build linux

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clipperhouse/displaywidth"
	"golang.org/x/sys/unix"
)

// widest is the display width of the widest line of out.
func widest(out []byte) int {
	n := 0
	for _, line := range strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n") {
		n = max(n, displaywidth.String(line))
	}
	return n
}

// TestWidthFromTerminal: the text report fills a terminal's width, and
// $COLUMNS wins over it; a pipe keeps the fixed 100 columns (its headings
// fill exactly that).
func TestWidthFromTerminal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		columns string
		want    int
	}{
		{"terminal of 80", "", 80},
		{"COLUMNS=72", "72", 72},
		{"COLUMNS not a number", "wide", 80},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COLUMNS", tc.columns)
			follower, captured := terminal(t)
			if err := unix.IoctlSetWinsize(int(follower.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
				t.Skipf("setting the terminal's size: %v", err)
			}
			var stderr bytes.Buffer
			run(context.Background(), []string{"demo", "--no-color"}, strings.NewReader(""), follower, &stderr)
			if got := widest(captured()); got != tc.want {
				t.Errorf("widest line %d columns, want %d", got, tc.want)
			}
		})
	}
	t.Setenv("COLUMNS", "")
	var piped, stderr bytes.Buffer
	run(context.Background(), []string{"demo"}, strings.NewReader(""), &piped, &stderr)
	if got := widest(piped.Bytes()); got != 100 {
		t.Errorf("piped: widest line %d columns, want 100", got)
	}
}

// TestLiveStatusOnTerminal: one target's diagnosis shows a status line on
// a terminal's stderr, erased before the report; a pipe gets nothing.
func TestLiveStatusOnTerminal(t *testing.T) {
	defer func(d time.Duration) { liveAfter = d }(liveAfter)
	liveAfter = 0
	target := closedPort(t)
	args := []string{"--mode", "explicit", "--format", "json", target}

	follower, captured := terminal(t)
	var stdout bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, follower); code != exitCritical {
		t.Errorf("exit %d, want %d", code, exitCritical)
	}
	status := string(captured())
	if !strings.Contains(status, "ftpsdiag: diagnosing "+target+": ") {
		t.Errorf("no status line on the terminal: %q", status)
	}
	if !strings.HasSuffix(status, "\r\x1b[K") {
		t.Errorf("status line not erased at the end: %q", status)
	}

	var piped bytes.Buffer
	run(context.Background(), args, strings.NewReader(""), &stdout, &piped)
	if piped.Len() != 0 {
		t.Errorf("status on a pipe: %q", piped.String())
	}
}
