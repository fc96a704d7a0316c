package clients_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/clients"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// TestRealClients checks the client verdicts against the clients
// themselves: for each real server (vsftpd, ProFTPD, pyftpdlib, started by
// ftpdtest), real curl, lftp, Python ftplib and Java (JSSE with Apache
// Commons Net) and a Go client written here log in and list the home directory over a protected data channel,
// and ftpsdiag's verdict for that family must agree: the client listed ⇔
// works or at-risk; it failed ⇔ fails; unknown where the client was
// measured is an error. Entries of knownMismatch skip a case, still
// running it and logging what both sides said. Where the client failed,
// `ftpsdiag explain` on its error must name one of the verdict's reasons.
//
//	FTPSDIAG_REAL_SERVERS=1 go test ./probe/clients/ -run RealClients -v
func TestRealClients(t *testing.T) {
	root, err := testcert.NewRoot("ftpsdiag clients root")
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, root.RootPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A CA that neither the clients nor ftpsdiag trust.
	stranger, err := testcert.NewRoot("ftpsdiag stranger root")
	if err != nil {
		t.Fatal(err)
	}
	// Every client connects to 127.0.0.1: the leaves name it and
	// localhost unless o names others.
	issue := func(ca *testcert.CA, o testcert.Options) tls.Certificate {
		t.Helper()
		if o.DNSNames == nil {
			o.DNSNames, o.IPs = []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}
		}
		c, err := ca.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good, rsa2048 := issue(root, testcert.Options{}), issue(root, testcert.Options{RSABits: 2048})
	rsa1024 := issue(root, testcert.Options{RSABits: 1024})
	// The root is ECDSA, so SHA-1 means ECDSA-SHA1; crypto/x509 still
	// creates such signatures (it only refuses to verify them).
	sha1 := issue(root, testcert.Options{SignatureAlgorithm: x509.ECDSAWithSHA1})
	untrusted := issue(stranger, testcert.Options{})
	// leaf, inter1, inter2 where inter2 issued inter1: the chain as sent is
	// out of order (FileZilla sorts it; do the others?).
	inter2, err := root.NewIntermediate("ftpsdiag clients intermediate 2")
	if err != nil {
		t.Fatal(err)
	}
	inter1, err := inter2.NewIntermediate("ftpsdiag clients intermediate 1")
	if err != nil {
		t.Fatal(err)
	}
	unsorted := issue(inter1, testcert.Options{})
	unsorted.Certificate[1], unsorted.Certificate[2] = unsorted.Certificate[2], unsorted.Certificate[1]
	// A loopback port nothing listens on, for an EPSV reply that leads nowhere.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	expired := issue(root, testcert.Options{NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	otherName := issue(root, testcert.Options{DNSNames: []string{"ftp.example.com"}})
	javaClasses, javaErr := compileJava(t.TempDir())

	vsftpdHard := []string{"force_local_logins_ssl=YES", "force_local_data_ssl=YES"}
	vsftpd := func(cert tls.Certificate, extra ...string) ftpdtest.Options {
		return ftpdtest.Options{TLS: true, Cert: cert, Extra: append(slices.Clone(vsftpdHard), extra...)}
	}
	// The TLS-version and certificate scenarios do not require session
	// reuse, so that nothing but the version or the certificate is tested.
	const noReuse = "require_ssl_reuse=NO"
	// Security level 0 lets OpenSSL load and offer a weak certificate or
	// TLS 1.0; vsftpd's own ssl_ciphers would otherwise set the level back.
	const seclevel0 = "ssl_ciphers=DEFAULT:@SECLEVEL=0"
	weak := func(o ftpdtest.Options, min, max string) ftpdtest.Options {
		o.OpenSSLConf = ftpdtest.ProtocolConf(min, max)
		o.Extra = append(o.Extra, seclevel0)
		return o
	}

	scenarios := []clientScenario{
		{name: "vsftpd-reuse-required", kind: ftpdtest.Vsftpd, opts: vsftpd(good), findings: []cause.ID{cause.DataSessionReuseRequired}},
		{name: "proftpd-default", kind: ftpdtest.ProFTPD,
			opts: ftpdtest.Options{TLS: true, Cert: good, Extra: []string{"TLSRequired on"}}},
		{name: "proftpd-no-tickets-tls12", kind: ftpdtest.ProFTPD,
			opts:     ftpdtest.Options{TLS: true, Cert: good, Extra: []string{"TLSRequired on", "TLSSessionTickets off", "TLSProtocol TLSv1.2"}},
			findings: []cause.ID{cause.ResumptionSessionIDOnly}},
		{name: "vsftpd-tls10-only", kind: ftpdtest.Vsftpd, opts: weak(vsftpd(rsa2048, noReuse), "TLSv1", "TLSv1"), findings: []cause.ID{cause.TLSLegacyVersion}},
		{name: "vsftpd-rsa1024", kind: ftpdtest.Vsftpd, opts: weak(vsftpd(rsa1024, noReuse), "TLSv1.2", "TLSv1.3"), findings: []cause.ID{cause.CertWeakKey}},
		{name: "vsftpd-sha1-signature", kind: ftpdtest.Vsftpd, opts: weak(vsftpd(sha1, noReuse), "TLSv1.2", "TLSv1.3"), findings: []cause.ID{cause.CertWeakSignature}},
		{name: "vsftpd-untrusted-ca", kind: ftpdtest.Vsftpd, opts: vsftpd(untrusted, noReuse), findings: []cause.ID{cause.CertUntrusted}}, // leaf only, no issuer URL: a private CA
		{name: "vsftpd-expired", kind: ftpdtest.Vsftpd, opts: vsftpd(expired, noReuse), findings: []cause.ID{cause.CertExpired}},
		{name: "vsftpd-name-mismatch", kind: ftpdtest.Vsftpd, opts: vsftpd(otherName, noReuse), findings: []cause.ID{cause.CertNameMismatch}},
		// The 227 names 127.0.0.2 (MasqueradeAddress) while the server is
		// 127.0.0.1: lftp replaces it (its loopback is 127.0.0.1 alone),
		// ftplib and Commons Net connect to the control address whatever
		// the 227 says, curl and the Go client use EPSV.
		// No real server here ends a protected listing without
		// close_notify; the fake one does, as old servers did.
		{name: "fake-no-close-notify", fake: &ftpstest.Config{SkipCloseNotify: true}, findings: []cause.ID{cause.NoCloseNotify}},
		{name: "fake-epsv-refused", fake: &ftpstest.Config{Replies: map[string]string{"EPSV": "500 EPSV not understood"}}, findings: []cause.ID{cause.EPSVUnsupported}},
		// Tickets on the control connection, none honoured on data ones:
		// no data handshake resumes, and none has to.
		{name: "fake-data-never-resumes", fake: &ftpstest.Config{DataTLS: &tls.Config{SessionTicketsDisabled: true}}, findings: []cause.ID{cause.DataResumptionUnsupported}},
		{name: "fake-unsorted-chain", fake: &ftpstest.Config{}, cert: &unsorted, findings: []cause.ID{cause.CertChainUnsorted}},
		// EPSV names a port nothing listens on; PASV works.
		{name: "fake-epsv-port-closed", fake: &ftpstest.Config{Replies: map[string]string{"EPSV": fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", closedPort)}},
			findings: []cause.ID{cause.EPSVPortBlocked}},
		// The third protected transfer of a session is refused (session
		// cache or single-use tickets running out): one listing works.
		{name: "fake-third-transfer-refused", fake: &ftpstest.Config{RefuseAfterTransfers: 2}, findings: []cause.ID{cause.TLS13TicketLifecycle}},
		// AUTH TLS answered 200 instead of 234 (some embedded servers).
		{name: "fake-auth-200", fake: &ftpstest.Config{Replies: map[string]string{"AUTH TLS": "200 AUTH command ok; starting SSL connection."}}, findings: []cause.ID{cause.AuthNonstandardSuccess}},
		// The 150 only once the data handshake is done, and 425 when no
		// ClientHello came within 5 s, as the Node.js server of issue 15:
		// clients that wait for the 150 wait until then.
		{name: "fake-150-after-data-tls", fake: &ftpstest.Config{Mark150AfterDataTLS: true, IdleTimeout: 5 * time.Second}, findings: []cause.ID{cause.Data150AfterTLS}},
		// PASV not implemented, EPSV answered (issue 15's Python asyncio server).
		{name: "fake-pasv-refused", fake: &ftpstest.Config{Replies: map[string]string{"PASV": "502 Command not implemented."}}, findings: []cause.ID{cause.PASVRefusedEPSVWorks}},
		// Replies with nothing after the code, as a real server answers PBSZ and PROT.
		{name: "fake-reply-text-missing", fake: &ftpstest.Config{Replies: map[string]string{"PBSZ 0": "200 ", "PROT P": "200 "}}, findings: []cause.ID{cause.ReplyTextMissing}},
		{name: "proftpd-pasv-other-loopback", kind: ftpdtest.ProFTPD,
			opts:     ftpdtest.Options{TLS: true, Cert: good, Extra: []string{"TLSRequired on", "TLSOptions NoSessionReuseRequired", "MasqueradeAddress 127.0.0.2"}},
			findings: []cause.ID{cause.PASVAddressMismatch}},
		{name: "vsftpd-implicit", kind: ftpdtest.Vsftpd, implicit: true,
			opts: ftpdtest.Options{TLS: true, Implicit: true, Cert: good, Extra: vsftpdHard}},
		{name: "pyftpdlib", kind: ftpdtest.Pyftpdlib,
			opts:     ftpdtest.Options{TLS: true, Cert: good, Extra: []string{"handler.tls_control_required = True", "handler.tls_data_required = True"}},
			findings: []cause.ID{cause.DataTLSEarlyRefused}},
		{name: "vsftpd-reuse-not-required", kind: ftpdtest.Vsftpd, opts: vsftpd(good, noReuse)},
		{name: "pureftpd-tls-required", kind: ftpdtest.PureFTPd,
			opts: ftpdtest.Options{TLS: true, Cert: good, Extra: []string{"-Y", "3"}}},
		// Debian's vsftpd default suite (RSA only) with an ECDSA certificate:
		// no TLS 1.2, yet every client measured here speaks TLS 1.3.
		{name: "vsftpd-tls13-only", kind: ftpdtest.Vsftpd, opts: vsftpd(good, "ssl_ciphers=ECDHE-RSA-AES256-GCM-SHA384"), findings: []cause.ID{cause.TLS12Refused}},
		// A TLS 1.2 server whose data connections must resume: EMS offered.
		{name: "proftpd-tls12", kind: ftpdtest.ProFTPD,
			opts:     ftpdtest.Options{TLS: true, Cert: good, Extra: []string{"TLSRequired on", "TLSProtocol TLSv1.2"}},
			findings: []cause.ID{cause.ResumptionSessionIDOnly}},
	}

	// The README's matrix must say what the clients did; checked once every
	// case has run.
	seen := &observed{classes: map[string]string{}}
	t.Cleanup(func() { checkReadmeMatrix(t, scenarios, seen) })
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			at := clientRun{implicit: sc.implicit, caFile: caFile, roots: root.Pool(), javaClasses: javaClasses, javaErr: javaErr}
			if sc.fake != nil {
				t.Parallel()
				at.addr, at.user, at.password = startFake(t, *sc.fake, cmp.Or(sc.cert, &good))
			} else {
				ftpdtest.Require(t, sc.kind)
				t.Parallel()
				srv := ftpdtest.Start(t, sc.kind, sc.opts)
				at.addr, at.user, at.password = srv.Addr, srv.User, srv.Password
			}
			target := "ftpes://" + at.addr
			if sc.implicit {
				target = "ftps://" + at.addr
			}
			res := diagnose(t, target, root.Pool(), at.user, at.password)
			for _, id := range sc.findings {
				if !slices.ContainsFunc(res.Findings, id.Is) {
					t.Errorf("the diagnosis lacks %s: %v", id, findingIDs(res))
				}
			}
			for _, c := range realClients {
				t.Run(c.name, func(t *testing.T) {
					checkClient(t, sc.name, c, at, res, seen)
				})
			}
		})
	}
}

// clientScenario is one server configuration the clients meet: a real
// server of kind with opts, or the fake server with fake.
type clientScenario struct {
	name     string
	kind     ftpdtest.Kind
	opts     ftpdtest.Options
	fake     *ftpstest.Config
	cert     *tls.Certificate // the fake server's certificate; nil: good
	implicit bool
	findings []cause.ID // findings the diagnosis must report: the case tests what it says
}

// knownMismatch lists, by "scenario/client", the cases where ftpsdiag's
// verdict and the real client disagree today, each with why. They are
// skipped (after running); an entry whose case agrees again fails the
// test, so that it is removed.
var knownMismatch = map[string]string{}

// clientRun is what a client needs to reach one server.
type clientRun struct {
	addr           string // 127.0.0.1:PORT
	implicit       bool
	caFile         string // the test CA, PEM
	roots          *x509.CertPool
	user, password string
	javaClasses    string // the compiled Java client with Commons Net, as a classpath
	javaErr        error  // why javaClasses is empty
}

// outcome is what a client did: whether it listed the home directory,
// the line that says why not, and its sanitised transcript. quiet: the
// client printed no error of its own (PHP's ftp_login returns false
// without a warning when the server closes), so explain has nothing to read.
type outcome struct {
	ok         bool
	key        string
	transcript string
	quiet      bool
}

// realClient runs one client of a family against a server.
type realClient struct {
	name   string // the subtest and the README matrix column
	family string // the family id in result.ClientVerdict.Client
	tool   string // the program it needs; "" for the Go client
	run    func(ctx context.Context, t *testing.T, at clientRun) outcome
	// failsFor are the reasons of an at-risk verdict that name this
	// client's build among those that fail: it is held to fails there.
	failsFor []string
}

var realClients = []realClient{
	{name: "curl", family: "curl", tool: "curl", run: runCurl},
	{name: "lftp", family: "lftp", tool: "lftp", run: runLftp},
	{name: "python-ftplib", family: "python-ftplib", tool: python3(), run: runFtplib},
	{name: "java", family: "java", tool: "javac", run: runJava},
	{name: "go", family: "go", run: runGo},
	// Debian 12's rclone 1.60, built with Go 1.19.8: the Go program most
	// users mean, and an older crypto/tls than the Go client's.
	// The go verdict is at-risk with hello-retry-request where Go 1.19.6
	// to 1.20.3 fail (golang/go#59424).
	{name: "rclone", family: "go", tool: "rclone", run: runRclone, failsFor: []string{"hello-retry-request"}},
	// Node.js is not a Debian package here: runNode looks for it.
	{name: "node", family: "node", run: runNode},
	{name: "php", family: "php", tool: "php", run: runPHP},
}

// clientTimeout bounds each client run.
const clientTimeout = 20 * time.Second

func diagnose(t *testing.T, target string, roots *x509.CertPool, user, password string) *result.Result {
	t.Helper()
	tg, err := probe.ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return probe.Run(ctx, probe.Config{Target: tg, Roots: roots, User: user, Password: password, Timeout: 5 * time.Second, WarnDays: 30})
}

// startFake starts a scripted server (ftpstest) for what the real ones do
// not do: TLS with cert, one account, and the home directory's names in
// its listing. It returns the address, the user and the password.
func startFake(t *testing.T, cfg ftpstest.Config, cert *tls.Certificate) (addr, user, password string) {
	t.Helper()
	const fakeUser, fakePassword = "ftpsdiag", "fake-Pa55"
	cfg.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	if cfg.DataTLS != nil {
		cfg.DataTLS = cfg.DataTLS.Clone()
		cfg.DataTLS.Certificates = cfg.TLS.Certificates
	}
	cfg.Users = map[string]string{fakeUser: fakePassword}
	for _, name := range slices.Sorted(maps.Keys(ftpdtest.HomeFiles)) {
		cfg.Listing = append(cfg.Listing, fmt.Sprintf("-rw-r--r--    1 ftp      ftp      %8d Jan 01 12:00 %s", len(ftpdtest.HomeFiles[name]), name))
	}
	srv, err := ftpstest.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr, fakeUser, fakePassword
}

// checkClient runs one client and compares what it did with the verdict.
func checkClient(t *testing.T, scenario string, c realClient, at clientRun, res *result.Result, seen *observed) {
	if c.tool != "" {
		ftpdtest.RequireTool(t, c.tool)
	}
	var v *result.ClientVerdict
	for i := range res.Clients {
		if res.Clients[i].Client == c.family {
			v = &res.Clients[i]
		}
	}
	if v == nil {
		t.Fatalf("ftpsdiag judged no %s client (status %s: %s)", c.family, res.Status, res.Verdict)
	}
	if v.Verdict == clients.AtRisk && slices.ContainsFunc(v.Reasons, func(r string) bool { return slices.Contains(c.failsFor, r) }) {
		held := *v
		held.Verdict = clients.Fails
		v = &held
	}
	out := runClient(t, c, at)
	// Some failures are races the client loses most of the time, not
	// always (node's data ClientHello against pyftpdlib: 15 of 18 runs in
	// the issue): a "fails" verdict stands when any of three runs fails.
	for try := 1; out.ok && v.Verdict == clients.Fails && try < 3; try++ {
		t.Logf("%s/%s listed where ftpsdiag says it fails: run %d of 3", scenario, c.name, try+1)
		out = runClient(t, c, at)
	}
	did := "listed"
	if !out.ok {
		did = "failed: " + out.key
	}
	t.Logf("matrix %s/%s: client %s | ftpsdiag %s %v: %s", scenario, c.name, did, v.Verdict, v.Reasons, v.Detail)
	seen.record(scenario, c.name, out.ok, v.Verdict)

	var mismatch string
	switch {
	case v.Verdict == clients.Unknown:
		mismatch = "verdict unknown where the client was measured"
	case out.ok && v.Verdict == clients.Fails:
		mismatch = "the client listed, ftpsdiag says it fails"
	case !out.ok && v.Verdict != clients.Fails:
		mismatch = "the client failed, ftpsdiag says " + v.Verdict
	}
	key := scenario + "/" + c.name
	known, isKnown := knownMismatch[key]
	switch {
	case mismatch == "" && isKnown:
		t.Errorf("%s agrees now (client ok=%v, verdict %s): remove its knownMismatch entry (%s)", key, out.ok, v.Verdict, known)
	case mismatch == "":
	case isKnown:
		t.Logf("client transcript:\n%s", out.transcript)
		t.Skipf("mismatch under investigation: %s: %s (client ok=%v, verdict %s %v, findings %v)", key, known, out.ok, v.Verdict, v.Reasons, findingIDs(res))
	default:
		t.Errorf("%s: %s\nverdict: %s %v: %s\nfindings: %v\nclient transcript:\n%s",
			key, mismatch, v.Verdict, v.Reasons, v.Detail, findingIDs(res), out.transcript)
	}
	if !out.ok && v.Verdict == clients.Fails && !out.quiet {
		checkExplain(t, key, out.key, v.Reasons)
	}
}

// runClient runs one real client against the server, within clientTimeout.
func runClient(t *testing.T, c realClient, at clientRun) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	return c.run(ctx, t, at)
}

// checkExplain runs `ftpsdiag explain` on the error a real client printed:
// one of the causes it names must be a finding the verdict gave as its
// reason, so that a user pasting that error is sent where ftpsdiag
// itself points. Verdicts whose reasons are no findings
// (only-implicit-works) have nothing to compare.
func checkExplain(t *testing.T, key, text string, reasons []string) {
	t.Helper()
	var named []string
	for _, m := range clients.Explain(text) {
		for _, c := range m.Causes {
			named = append(named, c.ID)
		}
	}
	findings := slices.DeleteFunc(slices.Clone(reasons), func(r string) bool { return !cause.Known(r) })
	if len(findings) == 0 || slices.ContainsFunc(findings, func(r string) bool { return slices.Contains(named, r) }) {
		return
	}
	t.Errorf("%s: explain on the client's error names %v, none of the verdict's reasons %v\nerror: %s", key, named, findings, text)
}

func findingIDs(r *result.Result) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, string(f.Severity)+":"+f.ID)
	}
	return ids
}

// listed reports whether out holds every name of the home directory.
func listed(out string) bool {
	for name := range ftpdtest.HomeFiles {
		if !strings.Contains(out, name) {
			return false
		}
	}
	return true
}

// runTool runs a client program with no stdin, a private HOME and only
// the environment given, bounded by ctx. It returns stdout, stdout and
// stderr together (sanitised), and the exit error.
func runTool(ctx context.Context, t *testing.T, at clientRun, env []string, name string, args ...string) (stdout, all string, err error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LC_ALL=C"}, env...)
	cmd.WaitDelay = time.Second
	// exec copies stdout and stderr in goroutines of their own.
	var out, both lockedBuffer
	cmd.Stdout = io.MultiWriter(&out, &both)
	cmd.Stderr = &both
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("killed after %v: %w", clientTimeout, err)
	}
	return out.String(), sanitize(both.String(), at.password), err
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sanitize hides the password and keeps the last lines of a transcript.
func sanitize(s, password string) string {
	if password != "" {
		s = strings.ReplaceAll(s, password, "********")
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	const keep = 60
	if len(lines) > keep {
		lines = append([]string{fmt.Sprintf("[%d lines cut]", len(lines)-keep)}, lines[len(lines)-keep:]...)
	}
	return strings.Join(lines, "\n")
}

// keyLine is the last line of s for which match holds, else the last line.
func keyLine(s string, match func(string) bool) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if match(lines[i]) {
			return strings.TrimSpace(lines[i])
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// runCurl lists the directory with curl: explicit (AUTH TLS) for ftp://
// with --ssl-reqd, implicit for ftps://. The login comes from a netrc file.
func runCurl(ctx context.Context, t *testing.T, at clientRun) outcome {
	netrc := writeFile(t, "netrc", fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", at.user, at.password))
	url := "ftp://" + at.addr + "/"
	if at.implicit {
		url = "ftps://" + at.addr + "/"
	}
	// -q first: no ~/.curlrc.
	stdout, all, err := runTool(ctx, t, at, nil, "curl", "-q", "--verbose", "--silent", "--show-error",
		"--ssl-reqd", "--cacert", at.caFile, "--netrc-file", netrc, url)
	if err == nil && listed(stdout) {
		return outcome{ok: true, transcript: all}
	}
	key := keyLine(all, func(l string) bool { return strings.HasPrefix(l, "curl: (") })
	return outcome{key: fmt.Sprintf("%v: %s", err, key), transcript: all}
}

// runLftp lists the directory with lftp, from a script file that holds
// the login, forcing TLS on control and data.
func runLftp(ctx context.Context, t *testing.T, at clientRun) outcome {
	url := "ftp://" + at.addr
	if at.implicit {
		url = "ftps://" + at.addr
	}
	script := writeFile(t, "script.lftp", strings.Join([]string{
		"set cmd:fail-exit yes",
		"set ssl:ca-file " + at.caFile,
		"set ftp:ssl-force true",
		"set ftp:ssl-protect-data true",
		"set net:max-retries 1",
		"set net:timeout 10",
		"set net:reconnect-interval-base 1",
		"debug 9",
		fmt.Sprintf("open -u %s,%s %s", at.user, at.password, url),
		"ls",
		"",
	}, "\n"))
	stdout, all, err := runTool(ctx, t, at, nil, "lftp", "-f", script)
	if err == nil && listed(stdout) {
		return outcome{ok: true, transcript: all}
	}
	// Debug lines start with ----, --->, <--- or ****; the error does not.
	key := keyLine(all, func(l string) bool {
		return l != "" && !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "<---") && !strings.HasPrefix(l, "****")
	})
	return outcome{key: fmt.Sprintf("%v: %s", err, key), transcript: all}
}

// ftplibScript logs in with ftplib.FTP_TLS at its defaults (the password
// from FTP_PASSWORD), protects the data channel and lists the names.
// ftplib has no implicit TLS: against an implicit port it connects in
// clear, as a script would, and waits for a greeting that never comes.
const ftplibScript = `import ftplib, os, ssl, sys
sys.stderr = sys.stdout  # one stream: ftplib's debug lines and the error in order
host, port, cafile, user = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    ftp = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=cafile), timeout=10)
    ftp.set_debuglevel(1)
    ftp.connect(host, port)
    ftp.login(user, os.environ["FTP_PASSWORD"])
    ftp.prot_p()
    print("\n".join(ftp.nlst()))
    ftp.quit()
except Exception as e:
    print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
    sys.exit(1)
`

// python3 is Debian's Python, whose ssl module uses the system OpenSSL,
// before whichever python3 PATH names.
func python3() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}

func runFtplib(ctx context.Context, t *testing.T, at clientRun) outcome {
	script := writeFile(t, "list.py", ftplibScript)
	host, port, _ := net.SplitHostPort(at.addr)
	stdout, all, err := runTool(ctx, t, at, []string{"FTP_PASSWORD=" + at.password},
		python3(), "-u", script, host, port, at.caFile, at.user)
	if err == nil && listed(stdout) {
		return outcome{ok: true, transcript: all}
	}
	key := keyLine(all, func(l string) bool { return strings.Contains(l, ": ") && !strings.HasPrefix(l, "*") })
	return outcome{key: fmt.Sprintf("%v: %s", err, key), transcript: all}
}

// runGo lists the directory the way a Go program at crypto/tls defaults
// does: one session cache per control connection, shared by its data
// connections, ServerName 127.0.0.1 on both.
func runGo(ctx context.Context, t *testing.T, at clientRun) outcome {
	var tr bytes.Buffer
	err := goList(ctx, at, &tr)
	all := sanitize(tr.String(), at.password)
	if err == nil && listed(all) {
		return outcome{ok: true, transcript: all}
	}
	if err == nil {
		err = errors.New("listing lacks the home files")
	}
	return outcome{key: err.Error(), transcript: all}
}

// goClient is a minimal FTPS client on net/textproto, logging to tr.
type goClient struct {
	conn net.Conn
	tp   *textproto.Conn
	tr   io.Writer
}

func (c *goClient) use(conn net.Conn) {
	c.conn, c.tp = conn, textproto.NewConn(conn)
}

// cmd sends a command and reads one reply, which must have code expect
// (a prefix, as textproto.Reader.ReadResponse takes it).
func (c *goClient) cmd(expect int, format string, args ...any) (int, string, error) {
	line := fmt.Sprintf(format, args...)
	shown := line
	if strings.HasPrefix(line, "PASS ") {
		shown = "PASS ****"
	}
	fmt.Fprintf(c.tr, "> %s\n", shown)
	if _, err := c.tp.Cmd("%s", line); err != nil {
		return 0, "", fmt.Errorf("sending %s: %w", strings.Fields(shown)[0], err)
	}
	return c.reply(expect, strings.Fields(shown)[0])
}

func (c *goClient) reply(expect int, after string) (int, string, error) {
	code, msg, err := c.tp.ReadResponse(expect)
	fmt.Fprintf(c.tr, "< %d %s\n", code, msg)
	if err != nil {
		return code, msg, fmt.Errorf("reply to %s: %w", after, err)
	}
	return code, msg, nil
}

func goList(ctx context.Context, at clientRun, tr io.Writer) error {
	deadline, _ := ctx.Deadline()
	cfg := &tls.Config{RootCAs: at.roots, ServerName: "127.0.0.1", ClientSessionCache: tls.NewLRUClientSessionCache(0)}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", at.addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(deadline)
	c := &goClient{tr: tr}
	if at.implicit {
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("implicit TLS handshake: %w", err)
		}
		fmt.Fprintf(tr, "* implicit TLS: %s\n", tls.VersionName(tc.ConnectionState().Version))
		conn = tc
	}
	c.use(conn)
	if _, _, err := c.reply(220, "connect"); err != nil {
		return err
	}
	if !at.implicit {
		if _, _, err := c.cmd(234, "AUTH TLS"); err != nil {
			return err
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake after AUTH TLS: %w", err)
		}
		fmt.Fprintf(tr, "* TLS: %s\n", tls.VersionName(tc.ConnectionState().Version))
		c.use(tc)
	}
	if _, _, err := c.cmd(331, "USER %s", at.user); err != nil {
		return err
	}
	if _, _, err := c.cmd(230, "PASS %s", at.password); err != nil {
		return err
	}
	if _, _, err := c.cmd(200, "PBSZ 0"); err != nil {
		return err
	}
	if _, _, err := c.cmd(200, "PROT P"); err != nil {
		return err
	}
	dataAddr, err := c.passive()
	if err != nil {
		return err
	}
	dc, err := d.DialContext(ctx, "tcp", dataAddr)
	if err != nil {
		return fmt.Errorf("data connection: %w", err)
	}
	defer dc.Close()
	dc.SetDeadline(deadline)
	fmt.Fprintf(tr, "> LIST\n")
	if _, err := c.tp.Cmd("LIST"); err != nil {
		return fmt.Errorf("sending LIST: %w", err)
	}
	// The 1xx first, then the data handshake, as jlaffaye/ftp (rclone)
	// does: its tls.Client hand-shakes at the first read of the listing.
	if _, _, err := c.reply(1, "LIST"); err != nil {
		return err
	}
	data := tls.Client(dc, cfg)
	if err := data.HandshakeContext(ctx); err != nil {
		// The reply says why, when the server sends one.
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		_, _, rerr := c.reply(2, "LIST")
		return fmt.Errorf("data TLS handshake: %w (control: %v)", err, rerr)
	}
	fmt.Fprintf(tr, "* data TLS: %s, resumed %v\n", tls.VersionName(data.ConnectionState().Version), data.ConnectionState().DidResume)
	listing, rerr := io.ReadAll(io.LimitReader(data, 1<<20))
	data.Close()
	fmt.Fprintf(tr, "%s", listing)
	if _, _, err := c.reply(226, "LIST"); err != nil {
		return err
	}
	if rerr != nil {
		return fmt.Errorf("reading the listing: %w", rerr)
	}
	c.cmd(221, "QUIT")
	return nil
}

// passive asks for EPSV, then PASV, and returns the data address on the
// control connection's peer.
func (c *goClient) passive() (string, error) {
	host, _, _ := net.SplitHostPort(c.conn.RemoteAddr().String())
	code, msg, err := c.cmd(229, "EPSV")
	if err == nil {
		// 229 Entering Extended Passive Mode (|||port|)
		i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
		if i < 0 || j < i+4 {
			return "", fmt.Errorf("cannot parse EPSV reply %d %s", code, msg)
		}
		return net.JoinHostPort(host, msg[i+4:j]), nil
	}
	if _, msg, err = c.cmd(227, "PASV"); err != nil {
		return "", err
	}
	var h [4]int
	var p1, p2 int
	i := strings.Index(msg, "(")
	if i < 0 {
		return "", fmt.Errorf("cannot parse PASV reply %s", msg)
	}
	if _, err := fmt.Sscanf(msg[i+1:], "%d,%d,%d,%d,%d,%d", &h[0], &h[1], &h[2], &h[3], &p1, &p2); err != nil {
		return "", fmt.Errorf("cannot parse PASV reply %s: %w", msg, err)
	}
	return net.JoinHostPort(host, strconv.Itoa(p1*256+p2)), nil
}

// commonsNetJar is Debian's Apache Commons Net (libcommons-net-java).
const commonsNetJar = "/usr/share/java/commons-net.jar"

// compileJava compiles testdata/FtpsList.java into dir once, so that each
// case only starts a JVM, and returns the classpath to run it with.
func compileJava(dir string) (string, error) {
	if _, err := exec.LookPath("javac"); err != nil {
		return "", err
	}
	if _, err := os.Stat(commonsNetJar); err != nil {
		return "", fmt.Errorf("Apache Commons Net: %w", err)
	}
	cp := dir + string(os.PathListSeparator) + commonsNetJar
	out, err := exec.Command("javac", "-nowarn", "-d", dir, "-cp", cp, filepath.Join("testdata", "FtpsList.java")).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("javac FtpsList.java: %w\n%s", err, out)
	}
	return cp, nil
}

// runJava lists the directory with the Commons Net client (FtpsList.java).
func runJava(ctx context.Context, t *testing.T, at clientRun) outcome {
	ftpdtest.RequireInstalled(t, at.javaErr)
	host, port, _ := net.SplitHostPort(at.addr)
	mode := "explicit"
	if at.implicit {
		mode = "implicit"
	}
	stdout, all, err := runTool(ctx, t, at, []string{"FTP_PASSWORD=" + at.password},
		"java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", at.javaClasses, "FtpsList", host, port, mode, at.user)
	if err == nil && listed(stdout) {
		return outcome{ok: true, transcript: all}
	}
	key := keyLine(all, func(l string) bool { return strings.HasPrefix(l, "FAIL ") })
	return outcome{key: fmt.Sprintf("%v: %s", err, key), transcript: all}
}

// runRclone lists the directory with Debian's rclone through an
// on-the-fly FTP remote (:ftp:) configured by environment variables,
// trusting the test CA through SSL_CERT_FILE as any Go program on Linux
// does. One try, no retries, so that a failure is the first one.
func runRclone(ctx context.Context, t *testing.T, at clientRun) outcome {
	host, port, _ := net.SplitHostPort(at.addr)
	// rclone takes the password obscured; obscure reads it from stdin so
	// that it never appears in a command line.
	cmd := exec.CommandContext(ctx, "rclone", "obscure", "-")
	cmd.Stdin = strings.NewReader(at.password + "\n")
	obscured, err := cmd.Output()
	if err != nil {
		t.Fatalf("rclone obscure: %v", err)
	}
	mode := "RCLONE_FTP_EXPLICIT_TLS=true"
	if at.implicit {
		mode = "RCLONE_FTP_TLS=true"
	}
	env := []string{"SSL_CERT_FILE=" + at.caFile, mode, "RCLONE_CONFIG=/dev/null",
		"RCLONE_FTP_HOST=" + host, "RCLONE_FTP_PORT=" + port, "RCLONE_FTP_USER=" + at.user,
		"RCLONE_FTP_PASS=" + strings.TrimSpace(string(obscured))}
	stdout, all, err := runTool(ctx, t, at, env, "rclone", "lsf", ":ftp:",
		"-vv", "--retries", "1", "--low-level-retries", "1", "--contimeout", "10s", "--timeout", "10s")
	// -vv echoes the obscured password, from which the password is revealed.
	all = strings.ReplaceAll(all, strings.TrimSpace(string(obscured)), "********")
	if err == nil && listed(stdout) {
		return outcome{ok: true, transcript: all}
	}
	// The last "Failed to ..." sums up, with the errors themselves on
	// the "\t* ..." lines after it.
	summary := all[max(strings.LastIndex(all, "Failed to "), 0):]
	return outcome{key: fmt.Sprintf("%v: %s", err, strings.Join(strings.Fields(summary), " ")), transcript: all}
}

// basicFTP is where testdata/servers/install.sh installs basic-ftp from
// npm: node_modules under the servers' cache folder.
func basicFTP() (string, error) {
	dir := filepath.Join(cmp.Or(os.Getenv("FTPSDIAG_SERVER_CACHE"), "/var/cache/ftpsdiag-servers"), "node", "node_modules")
	if _, err := os.Stat(filepath.Join(dir, "basic-ftp")); err != nil {
		return "", fmt.Errorf("basic-ftp (npm): %w", err)
	}
	return dir, nil
}

// runNode lists the directory with Node's basic-ftp (ftpslist.js),
// trusting the test CA through NODE_EXTRA_CA_CERTS. Node.js comes with
// the machine, not from install.sh: without it the case is skipped,
// except in CI, which has it.
func runNode(ctx context.Context, t *testing.T, at clientRun) outcome {
	if _, err := exec.LookPath("node"); err != nil && os.Getenv("CI") == "" {
		t.Skipf("%v (Node.js is not installed by testdata/servers/install.sh)", err)
	}
	ftpdtest.RequireTool(t, "node")
	modules, err := basicFTP()
	ftpdtest.RequireInstalled(t, err)
	script, err := filepath.Abs(filepath.Join("testdata", "ftpslist.js"))
	if err != nil {
		t.Fatal(err)
	}
	return runScript(ctx, t, at, []string{"NODE_PATH=" + modules, "NODE_EXTRA_CA_CERTS=" + at.caFile}, "node", script, "implicit")
}

// runPHP lists the directory with PHP's ftp extension (ftpslist.php).
// PHP has no implicit TLS: against an implicit port it sends AUTH TLS
// in clear and waits for a greeting that never comes, as a PHP
// application would.
func runPHP(ctx context.Context, t *testing.T, at clientRun) outcome {
	return runScript(ctx, t, at, nil, "php", filepath.Join("testdata", "ftpslist.php"), "")
}

// runScript runs a client script as `interpreter script HOST PORT [MODE]
// USER` with the password in FTP_PASSWORD; the script prints the names,
// or a line starting "FAIL " with the client's error, or "QUIET " where
// the client printed none. implicit is the MODE argument for an implicit
// port ("" where the script takes none).
func runScript(ctx context.Context, t *testing.T, at clientRun, env []string, interpreter, script, implicit string) outcome {
	host, port, _ := net.SplitHostPort(at.addr)
	args := []string{script, host, port}
	if implicit != "" {
		mode := "explicit"
		if at.implicit {
			mode = implicit
		}
		args = append(args, mode)
	}
	args = append(args, at.user)
	stdout, all, err := runTool(ctx, t, at, append(env, "FTP_PASSWORD="+at.password), interpreter, args...)
	if err == nil && listed(stdout) {
		return outcome{ok: true, transcript: all}
	}
	key := keyLine(all, func(l string) bool { return strings.HasPrefix(l, "FAIL ") || strings.HasPrefix(l, "QUIET ") })
	return outcome{key: fmt.Sprintf("%v: %s", err, key), transcript: all, quiet: strings.HasPrefix(key, "QUIET ")}
}
