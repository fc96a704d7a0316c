package main

import (
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
)

// scriptStateKey finds a script's scriptState among its values.
type scriptStateKey struct{}

// scriptState is what the commands below share within one script.
type scriptState struct {
	accepted  chan struct{} // one token per connection the silent server accepted
	signalled []*exec.Cmd   // the background programs signal sent a signal to
}

// state is the script's scriptState.
func state(ts *testscript.TestScript) *scriptState {
	return ts.Value(scriptStateKey{}).(*scriptState)
}

// cmdServeSilent starts a server on 127.0.0.1 that accepts connections and
// never sends a byte, like a server stuck before its greeting; its port is
// $SILENT_PORT. Each connection it accepts is counted for wait-connections.
func cmdServeSilent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: serve-silent")
	}
	st := state(ts)
	srv, err := ftpstest.NewServer(ftpstest.Config{OnConnect: func(c net.Conn) {
		st.accepted <- struct{}{}
		ftpstest.Silent(c)
	}})
	ts.Check(err)
	ts.Defer(func() { srv.Close() })
	ts.Setenv("SILENT_PORT", strconv.Itoa(srv.Port))
}

// waitBound is how long wait-connections waits before it fails the script.
const waitBound = 30 * time.Second

// cmdWaitConnections waits until the silent server has accepted N
// connections: then the program under test is inside its diagnoses.
func cmdWaitConnections(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: wait-connections N")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	timeout := time.After(waitBound)
	for range n {
		select {
		case <-state(ts).accepted:
		case <-timeout:
			ts.Fatalf("the silent server did not get %d connections within %v", n, waitBound)
		}
	}
}

// cmdSignal sends SIGINT or SIGTERM to every program started in the
// background (the builtin kill knows only INT and KILL).
func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: signal INT|TERM")
	}
	sig, ok := map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM}[args[0]]
	if !ok {
		ts.Fatalf("signal: %q: want INT or TERM", args[0])
	}
	cmds := ts.BackgroundCmds()
	if len(cmds) == 0 {
		ts.Fatalf("signal: no program runs in the background")
	}
	for _, c := range cmds {
		ts.Check(c.Process.Signal(sig))
	}
	state(ts).signalled = cmds
}

// cmdExited checks, after wait, the exit status of the programs signal
// signalled: the builtin wait tells only zero from non-zero.
func cmdExited(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: exited N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	cmds := state(ts).signalled
	if len(cmds) == 0 {
		ts.Fatalf("exited: no program was signalled")
	}
	for _, c := range cmds {
		if c.ProcessState == nil {
			ts.Fatalf("exited: %s has not been waited for (use wait first)", c.Path)
		}
		if got := c.ProcessState.ExitCode(); got != want {
			ts.Fatalf("%s exited with status %d (%v), want %d", c.Path, got, c.ProcessState, want)
		}
	}
}
