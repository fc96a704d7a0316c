package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"go.uber.org/goleak"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// TestMain lets the test binary act as the ftpsdiag command inside the
// scripts of testdata/script, as age's cmd tests do, and fails a passing
// run that leaves goroutines behind (an exporter's probes, say).
func TestMain(m *testing.M) {
	testscript.Main(leakChecked{m}, map[string]func(){
		"ftpsdiag": func() { os.Exit(command(os.Args[1:])) },
	})
}

// leakChecked runs the tests under goleak.VerifyTestMain, handing its exit
// code back to testscript.Main instead of exiting.
type leakChecked struct{ m *testing.M }

func (l leakChecked) Run() (code int) {
	goleak.VerifyTestMain(l.m, goleak.Cleanup(func(c int) { code = c }))
	return code
}

// TestScript runs the CLI scripts in testdata/script. Besides the standard
// testscript commands they may use:
//
//	exitcode N PROG [ARGS...]  run PROG like exec and require exit status N
//	jsonfield PATH VALUE       the last stdout is one JSON document whose
//	                           value at PATH (keys and array indexes joined
//	                           by dots) equals the JSON literal VALUE
//	serve-ftps                 start a healthy explicit FTPS server on
//	                           127.0.0.1 for this script: its port is
//	                           $FTPS_PORT, its root CA is in $WORK/ca.pem
//	serve-silent               start a server that accepts and never
//	                           speaks, on $SILENT_PORT
//	wait-connections N         wait until it has accepted N connections
//	signal INT|TERM            signal the programs started with exec ... &
//	exited N                   after wait, the signalled program exited N
//
// and every script has $CLOSED_PORT, a loopback port nothing listens on.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup:               setupScript,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":   cmdExitcode,
			"jsonfield":  cmdJSONField,
			"serve-ftps": cmdServeFTPS,
			// cli_signal_test.go
			"serve-silent":     cmdServeSilent,
			"wait-connections": cmdWaitConnections,
			"signal":           cmdSignal,
			"exited":           cmdExited,
		},
	})
}

// setupScript exports CLOSED_PORT: a port the kernel just handed out on
// 127.0.0.1 and that was closed again, so a connection to it is refused.
func setupScript(env *testscript.Env) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return err
	}
	env.Setenv("CLOSED_PORT", strconv.Itoa(port))
	env.Values[scriptStateKey{}] = &scriptState{accepted: make(chan struct{}, 1024)}
	return nil
}

// cmdExitcode runs a program like exec, keeping its stdout and stderr for
// the following stdout/stderr commands, and checks its exit status: the
// builtin "! exec" only tells zero from non-zero, and ftpsdiag's codes
// 1, 2 and 3 mean different things.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode (name the expected code instead)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() < 0 {
			ts.Fatalf("exitcode: running %s: %v", args[1], err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdJSONField checks one value in the JSON document on the last stdout.
// The document must be exactly one JSON value; VALUE is compared as JSON, so
// 1 and "1" differ. With !, the path must be absent or hold another value.
func cmdJSONField(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: jsonfield PATH VALUE")
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	var doc any
	if err := dec.Decode(&doc); err != nil {
		ts.Fatalf("stdout is not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		ts.Fatalf("stdout holds more than one JSON value")
	}
	var want any
	if err := json.Unmarshal([]byte(args[1]), &want); err != nil {
		ts.Fatalf("jsonfield: VALUE %s is not a JSON literal: %v", args[1], err)
	}
	got, err := jsonPath(doc, args[0])
	switch {
	case neg && (err != nil || !reflect.DeepEqual(got, want)):
	case neg:
		ts.Fatalf("%s = %s, want anything else", args[0], args[1])
	case err != nil:
		ts.Fatalf("%s: %v", args[0], err)
	case !reflect.DeepEqual(got, want):
		b, _ := json.Marshal(got)
		ts.Fatalf("%s = %s, want %s", args[0], b, args[1])
	}
}

// jsonPath walks a decoded JSON value along a dotted path such as
// "findings.0.id".
func jsonPath(v any, path string) (any, error) {
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[key]
			if !ok {
				return nil, errors.New("no key " + strconv.Quote(key))
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				return nil, errors.New("no index " + strconv.Quote(key) + " in an array of " + strconv.Itoa(len(x)))
			}
			v = x[i]
		default:
			return nil, errors.New("cannot index a scalar with " + strconv.Quote(key))
		}
	}
	return v, nil
}

// cmdServeFTPS starts a correct explicit FTPS server (healthyFTPS) whose
// certificate is valid for 90 days, with its root in $WORK/ca.pem. The
// server lives in the test process until the script ends.
func cmdServeFTPS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: serve-ftps")
	}
	srv, err := healthyFTPS(ts.MkAbs("ca.pem"), time.Time{})
	ts.Check(err)
	ts.Defer(func() { srv.Close() })
	ts.Setenv("FTPS_PORT", strconv.Itoa(srv.Port))
}

// healthyFTPS starts a correct explicit FTPS server (TLS 1.2+, AUTH TLS,
// PBSZ, PROT in FEAT, no clear logins or data) with a certificate for
// 127.0.0.1 and localhost expiring at notAfter (zero: in 90 days), from a
// fresh root written to caFile; edits change its configuration.
func healthyFTPS(caFile string, notAfter time.Time, edits ...func(*ftpstest.Config)) (*ftpstest.Server, error) {
	ca, err := testcert.NewRoot("ftpsdiag cli test root")
	if err != nil {
		return nil, err
	}
	cert, err := ca.Issue(testcert.Options{
		DNSNames: []string{"localhost"},
		IPs:      []net.IP{net.IPv4(127, 0, 0, 1)},
		NotAfter: notAfter,
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(caFile, ca.RootPEM(), 0o666); err != nil {
		return nil, err
	}
	cfg := ftpstest.Config{
		TLS:               ftpstest.NewTLSConfig(cert),
		ClearLoginRefusal: ftpstest.VsftpdClearLoginRefusal,
		ClearDataRefusal:  ftpstest.VsftpdClearDataRefusal,
	}
	for _, e := range edits {
		e(&cfg)
	}
	return ftpstest.NewServer(cfg)
}

// explain matches at most maxExplainInput bytes, from standard input or
// the arguments: more is a usage error, not a match over part of it.
func TestExplainInputLimit(t *testing.T) {
	const errText = "curl: (35) wrong version number "
	for _, tc := range []struct {
		size int
		code int
	}{
		{maxExplainInput, exitOK},
		{maxExplainInput + 1, exitUnknown},
	} {
		text := errText + strings.Repeat("x", tc.size-len(errText))
		for _, args := range [][]string{{"explain", "-"}, {"explain", text}} {
			var stdout, stderr strings.Builder
			if code := run(context.Background(), args, strings.NewReader(text), &stdout, &stderr); code != tc.code {
				t.Errorf("%d bytes, explain %.20s: exit %d, want %d (stderr %q)", tc.size, args[1], code, tc.code, stderr.String())
			}
		}
	}
}
