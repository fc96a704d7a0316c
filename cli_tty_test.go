//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestColorOnlyOnTerminal runs the demo with stdout on a pseudo-terminal,
// which the scripts cannot do: colour is on by default there, and off with
// NO_COLOR or --no-color. (The scripts prove that a pipe gets no colour.)
func TestColorOnlyOnTerminal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		noColor string
		term    string
		args    []string
		color   bool
	}{
		{"terminal", "", "xterm", []string{"demo"}, true},
		{"NO_COLOR", "1", "xterm", []string{"demo"}, false},
		{"--no-color", "", "xterm", []string{"demo", "--no-color"}, false},
		{"TERM=dumb", "", "dumb", []string{"demo"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tc.noColor)
			t.Setenv("TERM", tc.term)
			out, code := runOnTerminal(t, tc.args)
			if code != exitOK {
				t.Errorf("exit code %d, want %d (the demo)", code, exitOK)
			}
			if !bytes.Contains(out, []byte("VERDICT: ")) {
				t.Fatalf("no verdict in the report:\n%s", out)
			}
			if got := bytes.Contains(out, []byte("\x1b[")); got != tc.color {
				t.Errorf("ANSI escapes in the report: %v, want %v", got, tc.color)
			}
		})
	}
}

// closedPort is a loopback address the kernel just handed out and that
// was closed again: a connection to it is refused.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// demoNote is what the demo says on stderr: the exit code a real run
// with its findings would have.
const demoNote = "ftpsdiag: demo: a real run with these findings would exit 1 (warning); the demo exits 0\n"

// runOnTerminal calls run with stdout on the follower side of a new
// pseudo-terminal and returns what reached the terminal and the exit code.
// Stderr must hold nothing but the demo's note.
func runOnTerminal(t *testing.T, args []string) ([]byte, int) {
	t.Helper()
	follower, captured := terminal(t)
	var stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), follower, &stderr)
	out := captured()
	if extra := strings.TrimPrefix(stderr.String(), demoNote); extra != "" {
		t.Errorf("stderr: %s", extra)
	}
	return out, code
}

// terminal opens a pseudo-terminal and returns its follower side, and a
// function that closes it and returns all that was written to it.
func terminal(t *testing.T) (*os.File, func() []byte) {
	t.Helper()
	leader, follower, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { leader.Close() })
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(leader) // ends with EIO once the follower is closed
		got <- b
	}()
	return follower, func() []byte {
		follower.Close()
		return <-got
	}
}

// openPTY opens /dev/ptmx and its follower /dev/pts/N.
func openPTY() (leader, follower *os.File, err error) {
	leader, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(leader.Fd())
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0)
	}
	if err == nil {
		follower, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		leader.Close()
		return nil, nil, errors.Join(errors.New("opening a pseudo-terminal"), err)
	}
	return leader, follower, nil
}

// TestProgressOnlyOnTerminal: a run over several targets counts them on a
// terminal's stderr, and says nothing on a pipe.
func TestProgressOnlyOnTerminal(t *testing.T) {
	follower, captured := terminal(t)
	// Two ports nothing listens on: quick, and no network beyond loopback.
	args := []string{"--mode", "explicit", "--format", "jsonl", closedPort(t), closedPort(t)}
	var stdout bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, follower)
	progress := captured()
	if code != exitCritical {
		t.Errorf("exit %d, want %d", code, exitCritical)
	}
	if !bytes.Contains(progress, []byte("2/2 targets diagnosed")) {
		t.Errorf("no progress on the terminal: %q", progress)
	}

	var piped bytes.Buffer
	run(context.Background(), args, strings.NewReader(""), &stdout, &piped)
	if piped.Len() != 0 {
		t.Errorf("progress on a pipe: %q", piped.String())
	}
}
