// Package ftpdtest runs real FTPS servers (vsftpd, ProFTPD, Pure-FTPd, pyftpdlib) on free loopback ports for tests.
package ftpdtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Kind names a server implementation.
type Kind string

// The servers the harness can run.
const (
	Vsftpd   Kind = "vsftpd"
	ProFTPD  Kind = "proftpd"
	PureFTPd Kind = "pure-ftpd"
	// Pyftpdlib is Python's pyftpdlib (TLS_FTPHandler, pyOpenSSL) run by a
	// script of ours. It is not in Kinds: it is started by name only.
	Pyftpdlib Kind = "pyftpdlib"
)

// Kinds lists the C servers every table test runs against.
var Kinds = []Kind{Vsftpd, ProFTPD, PureFTPd}

// Options configure one server instance.
type Options struct {
	// Implicit makes the control listener implicit TLS (vsftpd
	// implicit_ssl=YES, ProFTPD TLSOptions UseImplicitSSL). Debian's
	// Pure-FTPd and pyftpdlib have no implicit mode: Start fails for them.
	Implicit bool
	// TLS enables TLS at all; when set, TLS is allowed but not required.
	TLS bool
	// Cert is the served chain, leaf first. Empty means a self-signed
	// certificate for localhost and 127.0.0.1.
	Cert tls.Certificate
	// OpenSSLConf is the content of an OPENSSL_CONF file for this instance
	// only (see ProtocolConf). vsftpd has no protocol-version options of
	// its own, so this is how to make it TLS-1.0-only.
	OpenSSLConf string
	// Extra holds raw configuration that overrides the defaults: vsftpd
	// key=value lines (appended; the last wins), ProFTPD directives
	// (inserted before the defaults, as ProFTPD takes the first occurrence;
	// TLSOptions lines add up), Pure-FTPd arguments (appended), or Python
	// statements for pyftpdlib, run after the defaults are set on the
	// handler class `handler` (e.g. "handler.tls_data_required = True").
	Extra []string
}

// Server is a running server.
type Server struct {
	Kind Kind
	// Addr is the control listener, 127.0.0.1:Port.
	Addr string
	Port int
	// User and Password log in. As root the harness creates a local user
	// whose home holds HomeFiles; otherwise they are anonymous
	// credentials for a read-only root holding the same files.
	User, Password string

	dir string // the instance's temporary directory
	log string // the file receiving the server's stdout, stderr and fd 0
}

// HomeFiles are the files (name and content) in the login's directory.
var HomeFiles = map[string]string{
	"readme.txt": "ftpsdiag test file\n",
	"hello.txt":  "hello, world\n",
}

// ProtocolConf returns an OPENSSL_CONF that limits OpenSSL to the protocol
// versions min..max (OpenSSL names such as "TLSv1", "TLSv1.2") and lowers
// the security level to 0, so that TLS 1.0, SHA-1 and small keys work.
func ProtocolConf(min, max string) string {
	return `openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = ` + min + `
MaxProtocol = ` + max + `
CipherString = DEFAULT:@SECLEVEL=0
`
}

// readyTimeout bounds how long Start waits for the first 220.
const readyTimeout = 10 * time.Second

// startTries is how many times Start runs a server that exits before it
// greets: its ports were free a moment before, and another test binary
// may have taken one since.
const startTries = 3

// Start runs a server of the given kind in the foreground as a child
// process and returns once it greets with 220. The server is killed, with
// every process it forked, when the test ends. Start calls t.Fatal if the
// server cannot run or does not come up.
func Start(t testing.TB, kind Kind, o Options) *Server {
	t.Helper()
	for try := 1; ; try++ {
		s, exitedEarly := start(t, kind, o, try == startTries)
		if !exitedEarly {
			return s
		}
		t.Logf("ftpdtest: %s on %s exited before greeting (try %d of %d), starting it again on other ports:\n%s", kind, s.Addr, try, startTries, s.Logs())
	}
}

// start runs a server once, as Start says; exitedEarly reports one that
// exited before it greeted, when this is not the last try.
func start(t testing.TB, kind Kind, o Options, last bool) (s *Server, exitedEarly bool) {
	t.Helper()
	s, cmd, err := prepare(kind, o, t.TempDir())
	if err != nil {
		t.Fatalf("ftpdtest: %s: %v", kind, err)
	}
	out, err := os.OpenFile(s.log, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatalf("ftpdtest: %s: %v", kind, err)
	}
	defer out.Close()
	// vsftpd reports start-up errors on fd 0, so it gets the log too.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = out, out, out
	// A process group of its own lets Cleanup kill the forked sessions too;
	// Pdeathsig stops the server if the test binary dies without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("ftpdtest: %s: %v", kind, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("ftpdtest: %s on %s logged:\n%s", kind, s.Addr, s.Logs())
		}
	})

	if err := waitReady(s.Addr, o.Implicit, exited); err != nil {
		select {
		case <-exited:
			if !last {
				return s, true
			}
			err = fmt.Errorf("%w (exited: %v)", err, waitErr)
		default:
		}
		t.Fatalf("ftpdtest: %s %q did not come up: %v\n%s", kind, cmd.Args, err, s.Logs())
	}
	t.Logf("ftpdtest: %s listening on %s, ready after %v",
		kind, s.Addr, time.Since(began).Round(time.Millisecond))
	return s, false
}

// prepare writes the configuration of a server into dir and returns the
// command that runs it.
func prepare(kind Kind, o Options, dir string) (*Server, *exec.Cmd, error) {
	inst, err := lookup(kind)
	if err != nil {
		return nil, nil, err
	}
	if err := check(kind, o); err != nil {
		return nil, nil, err
	}
	acct, err := account()
	if err != nil {
		return nil, nil, err
	}
	in := instance{Options: o, install: inst, dir: dir, acct: acct, root: acct.home}
	if in.root == "" {
		// Anonymous: a root of the instance's own, which the server
		// configurations make read-only.
		in.root = filepath.Join(dir, "root")
		if err := fillHome(in.root, acct.uid, acct.gid); err != nil {
			return nil, nil, err
		}
	}
	if in.port, err = freeRange(1); err != nil {
		return nil, nil, err
	}
	if in.pasvLo, err = freeRange(passivePorts); err != nil {
		return nil, nil, err
	}
	in.pasvHi = in.pasvLo + passivePorts - 1
	if o.TLS {
		if in.cert, err = writeCert(dir, o.Cert); err != nil {
			return nil, nil, err
		}
	}
	var cmd *exec.Cmd
	switch kind {
	case Vsftpd:
		cmd, err = in.vsftpd()
	case ProFTPD:
		cmd, err = in.proftpd()
	case PureFTPd:
		cmd, err = in.pureftpd()
	case Pyftpdlib:
		cmd, err = in.pyftpdlib()
	}
	if err != nil {
		return nil, nil, err
	}
	if o.OpenSSLConf != "" {
		conf := filepath.Join(dir, "openssl.cnf")
		if err := os.WriteFile(conf, []byte(o.OpenSSLConf), 0o644); err != nil {
			return nil, nil, err
		}
		cmd.Env = append(os.Environ(), "OPENSSL_CONF="+conf)
	}
	s := &Server{
		Kind:     kind,
		Addr:     net.JoinHostPort("127.0.0.1", strconv.Itoa(in.port)),
		Port:     in.port,
		User:     acct.user,
		Password: acct.password,
		dir:      dir,
		log:      filepath.Join(dir, "output.log"),
	}
	return s, cmd, nil
}

// Logs returns the tail of what the server wrote: its output and, where
// the server has them, its own log files.
func (s *Server) Logs() string {
	var b bytes.Buffer
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.log"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil || len(data) == 0 {
			continue
		}
		const tail = 4 << 10
		if len(data) > tail {
			data = data[len(data)-tail:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(f), bytes.TrimRight(data, "\n"))
	}
	return b.String()
}

// waitReady connects to addr until the server sends a 220 (inside TLS when
// implicit), the server exits, or readyTimeout passes.
func waitReady(addr string, implicit bool, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	backoff := 5 * time.Millisecond
	for {
		err := greet(ctx, addr, implicit)
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return err
		case <-ctx.Done():
			return err
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 200*time.Millisecond)
	}
}

// greet reads the greeting once and says QUIT.
func greet(ctx context.Context, addr string, implicit bool) error {
	// A short dial timeout retries at once if a SYN is lost to a listener
	// that is not yet listening, instead of waiting out TCP's 1 s retransmit.
	d := net.Dialer{Timeout: 200 * time.Millisecond}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if implicit {
		tc := tls.Client(conn, readinessTLS())
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("implicit TLS handshake: %w", err)
		}
		conn = tc
	}
	if _, _, err := textproto.NewReader(bufio.NewReader(conn)).ReadResponse(220); err != nil {
		return fmt.Errorf("reading greeting: %w", err)
	}
	_, err = conn.Write([]byte("QUIT\r\n"))
	return err
}

// readinessTLS accepts any certificate and any version or suite Go knows,
// since the readiness check must not fail on what a test configured.
func readinessTLS() *tls.Config {
	var suites []uint16
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		suites = append(suites, s.ID)
	}
	return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, CipherSuites: suites}
}

// Require skips the test if kind cannot run here, or fails it when the
// environment says real servers must be present (CI set, or
// FTPSDIAG_REAL_SERVERS=1).
func Require(t testing.TB, kind Kind) {
	t.Helper()
	RequireInstalled(t, Available(kind))
}

// RequireTool is Require for a program the tests run (chromium, openssl):
// its path, or the test skips or fails as Require says.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	RequireInstalled(t, err)
	return path
}

// RequireInstalled skips the test when err says something it needs is
// missing, or fails it when the environment says everything must be
// present (CI set, or FTPSDIAG_REAL_SERVERS=1); nil passes.
func RequireInstalled(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" || os.Getenv("FTPSDIAG_REAL_SERVERS") == "1" {
		t.Fatalf("ftpdtest: %v (run testdata/servers/install.sh as root)", err)
	}
	t.Skipf("ftpdtest: %v (run testdata/servers/install.sh as root to enable)", err)
}

var errUnknownKind = errors.New("unknown server kind")

// check rejects options a server cannot honour.
func check(kind Kind, o Options) error {
	switch {
	case o.Implicit && !o.TLS:
		return errors.New("implicit TLS needs TLS enabled")
	case o.Implicit && kind == PureFTPd:
		return errors.New("pure-ftpd: Debian's build has no implicit TLS mode")
	case o.Implicit && kind == Pyftpdlib:
		return errors.New("pyftpdlib has no implicit TLS mode")
	}
	return nil
}
