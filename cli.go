package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes follow the monitoring-plugin convention.
const (
	exitOK       = 0
	exitWarning  = 1
	exitCritical = 2
	exitUnknown  = 3 // also usage errors
)

const usageText = `ftpsdiag - diagnose FTPS (FTP over TLS) servers

Usage:
  ftpsdiag [flags] TARGET
  ftpsdiag demo [flags]       diagnose a built-in faulty server on 127.0.0.1
  ftpsdiag explain "TEXT"|-   what a client's error message most likely means (-: read it from stdin)
  ftpsdiag findings           every finding id with its severity, stage and title
  ftpsdiag completion SHELL   shell completion script for bash, zsh or fish
  ftpsdiag man                the manual page (roff): ftpsdiag man | man -l -
  ftpsdiag serve [--listen ADDR] [--config FILE] [--max-probes N]
                [--allow-hosts LIST] [--allow-ports LIST] [--web]
                              Prometheus exporter: /probe?target=HOST&module=NAME

TARGET is HOST, HOST:PORT, [IPv6], [IPv6]:PORT, ftps://HOST[:PORT]
(implicit TLS, default port 990) or ftpes://HOST[:PORT] / ftp://HOST[:PORT]
(explicit TLS, default port 21). A bare HOST tries implicit TLS on 990
and explicit TLS on 21 at the same time; HOST:PORT finds out which kind of
port it is.

Examples:
  ftpsdiag ftp.example.com
  ftpsdiag ftpes://ftp.example.com:2121
  ftpsdiag --servername ftp.example.com --ca-file corp-root.pem 10.0.0.5:21
  ftpsdiag --format json ftps://ftp.example.com > report.json
  FTPSDIAG_PASSWORD=... ftpsdiag --user alice ftpes://ftp.example.com
  ftpsdiag --user alice --password-file ~/.ftpsdiag-pass --ccc ftp.example.com
  ftpsdiag --scan ftpes://ftp.example.com       full TLS audit: versions, suites, groups
  ftpsdiag explain "GnuTLS error -15: An unexpected TLS packet was received."

Flags:
`

// options are the parsed command line.
type options struct {
	mode         string
	implicitPort int
	explicitPort int
	serverName   string
	caFile       string
	timeout      time.Duration
	deadline     time.Duration
	format       string
	noColor      bool
	warnDays     int
	user         string
	passwordFile string
	ccc          bool
	transfers    int
	scan         bool
	maxConns     int
	targetsFile  string
	parallel     int
	critDays     int
	failOn       string
	ignore       []string
	listen       string
	modules      string
	maxProbes    int
	allowHosts   []string
	allowPorts   []string
	web          bool
	version      bool
}

// usageError is a mistake on the command line: exit 3 with a hint.
type usageError struct{ msg string }

// Error returns the message; usage adds the prefix and the hint.
func (e usageError) Error() string { return e.msg }

// run is the whole command, kept out of main so tests can call it with
// their own arguments and streams. It parses the flags, hands the
// subcommands to runSubcommand and the demo to runDemo, else diagnoses the
// targets and renders the results. It returns the exit code: 0 ok, 1
// warning, 2 critical, 3 unknown, incomplete or a usage error; 130 or 143
// when a signal (a signalCause of ctx) interrupted the run; 0 for the
// demo.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stderr = forNagios(args, stdout, stderr)
	fs, o := newFlagSet(stdout)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usage(stderr, err)
	}
	if o.version {
		fmt.Fprintln(stdout, "ftpsdiag", version)
		return exitOK
	}
	if !fs.Changed("crit-days") {
		o.critDays = min(o.critDays, o.warnDays) // --warn-days 5 alone lowers both
	}
	if err := o.check(); err != nil {
		return usage(stderr, err)
	}
	if code, ok := runSubcommand(ctx, fs, o, stdin, stdout, stderr); ok {
		return code
	}
	demo := fs.Arg(0) == "demo"
	if demo {
		if err := demoArgs(fs); err != nil {
			return usage(stderr, err)
		}
	}
	cfg, err := o.config()
	if err != nil {
		return usage(stderr, err)
	}
	var results []*result.Result
	list := false // JSON as an array: see renderAll
	if demo {
		ctx, cancel := withDeadline(ctx, o.deadline)
		defer cancel()
		res, err := runDemo(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "ftpsdiag: error: starting the demo server: %v\n", err)
			return exitUnknown
		}
		results = []*result.Result{res}
	} else {
		specs, err := collectTargets(fs.Args(), o.targetsFile, stdin)
		if err != nil {
			return usage(stderr, err)
		}
		if err := checkArguments(cfg, specs); err != nil {
			return usage(stderr, err)
		}
		if len(specs) == 0 {
			return usage(stderr, usageError{"no TARGET: give one or more, --targets FILE, or - to read them from standard input"})
		}
		if err := o.checkUsers(cfg, specs); err != nil {
			return usage(stderr, err)
		}
		list = len(specs) != 1 || !specs[0].argument
		results = diagnoseAll(ctx, cfg, specs, o, stdout, stderr)
	}
	code, status := exitFor(results, o.failOn)
	if err := renderAll(stdout, results, o, status, list); err != nil {
		fmt.Fprintf(stderr, "ftpsdiag: error: writing the report: %v\n", err)
		return exitUnknown
	}
	if sc, ok := errors.AsType[signalCause](context.Cause(ctx)); ok {
		return sc.exitCode() // what finished is reported; the run was not
	}
	if demo { // the demo worked; its findings are the show, not a failure
		fmt.Fprintf(stderr, "ftpsdiag: demo: a real run with these findings would exit %d (%s); the demo exits 0\n", code, status)
		return exitOK
	}
	return code
}

// runSubcommand runs the subcommand the first argument names, other than
// demo (which run renders as a diagnosis); ok is false for a target.
func runSubcommand(ctx context.Context, fs *pflag.FlagSet, o *options, stdin io.Reader, stdout, stderr io.Writer) (code int, ok bool) {
	switch fs.Arg(0) {
	case "serve":
		return runServe(ctx, fs, o, stderr), true
	case "explain":
		return runExplain(fs, stdin, stdout, stderr), true
	case "findings":
		return runFindings(fs, o, stdout, stderr), true
	case "completion":
		return runCompletion(fs, stdout, stderr), true
	case "man":
		return runMan(fs, stdout, stderr), true
	}
	return 0, false
}

// config builds the probe configuration every target starts from.
func (o *options) config() (probe.Config, error) {
	cfg := probe.Config{
		Mode:         probe.ModeChoice(o.mode),
		ImplicitPort: o.implicitPort,
		ExplicitPort: o.explicitPort,
		ServerName:   o.serverName,
		Timeout:      o.timeout,
		WarnDays:     o.warnDays,
		CritDays:     o.critDays,
		Ignore:       o.ignore,
		User:         o.user,
		CCC:          o.ccc,
		Transfers:    o.transfers,
		Scan:         o.scan,
		MaxConns:     o.maxConns,
		Tool:         "ftpsdiag " + version,
	}
	var err error
	if cfg.Roots, err = loadRoots("--ca-file", o.caFile); err != nil {
		return cfg, err
	}
	cfg.Password, err = o.password()
	return cfg, err
}

// checkArguments: a target typed on the command line that cannot be
// diagnosed is a usage error; one read from a file or standard input
// becomes that target's "unknown" result and the rest go on.
func checkArguments(cfg probe.Config, specs []targetSpec) error {
	for _, s := range specs {
		if !s.argument {
			continue
		}
		t, err := probe.ParseTarget(s.target)
		if err == nil {
			cfg.Target = t
			err = cfg.Validate()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkUsers: a user, from --user or a targets-file line, needs a
// password.
func (o *options) checkUsers(cfg probe.Config, specs []targetSpec) error {
	if cfg.User != "" && cfg.Password == "" {
		return usageError{"--user needs a password: --password-file FILE or the FTPSDIAG_PASSWORD environment variable"}
	}
	for _, s := range specs {
		if s.user != "" && cfg.Password == "" {
			return usageError{fmt.Sprintf("%s: user=%s needs a password: --password-file FILE or the FTPSDIAG_PASSWORD environment variable", s.origin, s.user)}
		}
	}
	return nil
}

// Defaults shared by the flags and the exporter's modules.
const (
	defaultTimeout  = 10 * time.Second
	defaultMaxConns = 8
)

// newFlagSet declares every flag, for all subcommands, and the options
// they fill. Help goes to stdout: it was asked for, not an error.
func newFlagSet(stdout io.Writer) (*pflag.FlagSet, *options) {
	o := &options{}
	fs := pflag.NewFlagSet("ftpsdiag", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.SortFlags = false
	fs.StringVar(&o.mode, "mode", "", "implicit, explicit, both or auto (default: from the target)")
	fs.IntVar(&o.implicitPort, "implicit-port", 0, "port for implicit TLS with a bare HOST (default 990)")
	fs.IntVar(&o.explicitPort, "explicit-port", 0, "port for explicit TLS with a bare HOST (default 21)")
	fs.StringVar(&o.serverName, "servername", "", "name for SNI and certificate checks (default: the target host)")
	fs.StringVar(&o.caFile, "ca-file", "", "PEM file of extra trusted root certificates")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "limit for each step (connect, each reply, handshake)")
	fs.DurationVar(&o.deadline, "deadline", 60*time.Second, "limit for each target's whole diagnosis")
	fs.StringVar(&o.format, "format", "text", "output format: text, json, jsonl (one JSON document per line), nagios, html (one self-contained page) or markdown (for an issue or ticket)")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour (also off when NO_COLOR is set, TERM=dumb, or output is not a terminal)")
	fs.IntVar(&o.warnDays, "warn-days", probe.DefaultWarnDays, "warn when the certificate expires within this many days")
	fs.IntVar(&o.critDays, "crit-days", probe.DefaultCritDays, "critical when the certificate expires within this many days")
	fs.StringVar(&o.failOn, "fail-on", "warning", "lowest severity that makes the exit code non-zero: info, warning or critical")
	fs.StringSliceVar(&o.ignore, "ignore", nil, "finding ids to accept as known (comma-separated): listed as ignored, not counted")
	fs.StringVar(&o.targetsFile, "targets", "", "file with one target per line (- for standard input)")
	fs.IntVar(&o.parallel, "parallel", 4, "targets diagnosed at once")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:9399", "serve: address for the Prometheus exporter")
	fs.StringVar(&o.modules, "config", "", "serve: YAML file of probe modules (default: one module \"default\")")
	fs.IntVar(&o.maxProbes, "max-probes", defaultMaxConcurrent, "serve: diagnoses at once; a scrape that finds none free in time gets 503")
	fs.StringSliceVar(&o.allowHosts, "allow-hosts", nil, "serve: probe only these hosts: names, addresses, CIDR networks (comma-separated; default: any)")
	fs.StringSliceVar(&o.allowPorts, "allow-ports", nil, "serve: probe only these control ports: numbers or LOW-HIGH ranges (comma-separated; default: any)")
	fs.BoolVar(&o.web, "web", false, "serve: also a web page at /diagnose: a form (server, mode, module) answered with the HTML report")
	fs.StringVar(&o.user, "user", "", "log in as this user (default: anonymous); the password comes from --password-file or $FTPSDIAG_PASSWORD")
	fs.StringVar(&o.passwordFile, "password-file", "", "file whose first line is the password for --user")
	fs.BoolVar(&o.ccc, "ccc", false, "also test CCC (clearing the control channel after login)")
	fs.IntVar(&o.transfers, "transfers", probe.DefaultTransfers, "protected listings in one session: each data connection must resume the control TLS session")
	fs.BoolVar(&o.scan, "scan", false, "also enumerate every TLS version, cipher suite and group the server accepts")
	fs.IntVar(&o.maxConns, "max-conns", defaultMaxConns, "connections at once for --scan (fewer are used when the server answers 421)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(stdout, usageText+flagUsages(fs))
	}
	return fs, o
}

// demoArgs rejects what the demo cannot honour: it makes its own server,
// ports, names and CA.
func demoArgs(fs *pflag.FlagSet) error {
	if fs.NArg() != 1 {
		return usageError{"demo takes no target: it starts its own server"}
	}
	for _, name := range []string{"mode", "implicit-port", "explicit-port", "servername", "ca-file", "user", "password-file", "targets"} {
		if fs.Changed(name) {
			return usageError{fmt.Sprintf("demo sets --%s itself; drop it", name)}
		}
	}
	return nil
}

// check rejects flag values out of range, each with a usageError naming
// the flag. What depends on the targets is checked later (checkArguments,
// checkUsers).
func (o *options) check() error {
	switch o.mode {
	case "", "implicit", "explicit", "both", "auto":
	default:
		return usageError{fmt.Sprintf("--mode %q: want implicit, explicit, both or auto", o.mode)}
	}
	switch o.format {
	case "text", "json", "jsonl", "nagios", "html", "markdown":
	default:
		return usageError{fmt.Sprintf("--format %q: want text, json, jsonl, nagios, html or markdown", o.format)}
	}
	switch o.failOn {
	case "info", "warning", "critical":
	default:
		return usageError{fmt.Sprintf("--fail-on %q: want info, warning or critical", o.failOn)}
	}
	if o.transfers < 1 || o.transfers > probe.MaxTransfers {
		return usageError{fmt.Sprintf("--transfers %d: want 1 to %d", o.transfers, probe.MaxTransfers)}
	}
	if o.parallel < 1 || o.parallel > 256 {
		return usageError{fmt.Sprintf("--parallel %d: want 1 to 256", o.parallel)}
	}
	for _, id := range o.ignore {
		if !cause.Known(id) {
			return usageError{fmt.Sprintf("--ignore %q: no such finding id (ftpsdiag findings lists them)", id)}
		}
	}
	for _, p := range []struct {
		flag string
		port int
	}{{"--implicit-port", o.implicitPort}, {"--explicit-port", o.explicitPort}} {
		if p.port < 0 || p.port > 65535 {
			return usageError{fmt.Sprintf("%s %d: want a port from 1 to 65535", p.flag, p.port)}
		}
	}
	if o.timeout <= 0 || o.deadline <= 0 {
		return usageError{"--timeout and --deadline must be positive durations such as 10s"}
	}
	if o.warnDays < 0 {
		return usageError{"--warn-days must not be negative"}
	}
	if o.critDays < 0 || o.critDays > o.warnDays {
		return usageError{fmt.Sprintf("--crit-days %d: want 0 to --warn-days (%d)", o.critDays, o.warnDays)}
	}
	if o.maxConns < 1 || o.maxConns > 64 {
		return usageError{fmt.Sprintf("--max-conns %d: want 1 to 64", o.maxConns)}
	}
	return nil
}

// password finds the password for --user and for targets-file lines
// with user=: from --password-file, else from $FTPSDIAG_PASSWORD. There is
// deliberately no password flag: argv is visible to every user of the
// machine (ps) and lands in shell history.
func (o *options) password() (string, error) {
	if o.passwordFile == "" {
		return os.Getenv("FTPSDIAG_PASSWORD"), nil
	}
	return readPassword("--password-file", o.passwordFile)
}

// maxPasswordFile bounds what is read from a password file.
const maxPasswordFile = 4096

// readPassword returns the first line of file. Its errors start with
// setting, the flag or module key that named file, and never quote the
// file's content.
func readPassword(setting, file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", setting, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile))
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", setting, file, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("%s %s: the first line is empty", setting, file)
	}
	return line, nil
}

// loadRoots returns the system roots plus the PEM certificates in file,
// or nil (the system's) without a file. Its errors start with setting, the
// flag or module key that named file.
func loadRoots(setting, file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s %s: no PEM certificates found", setting, file)
	}
	return pool, nil
}

// useColor: only on a terminal, and never when NO_COLOR is set (no-color.org)
// or TERM=dumb says the terminal has no escapes.
func useColor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// exitFor is the worst exit code over all results, counting only findings
// at or above failOn, and the status that code stands for.
func exitFor(results []*result.Result, failOn string) (int, result.Status) {
	code := exitOK
	for _, r := range results {
		code = max(code, exitOf(r, result.Severity(failOn)))
	}
	return code, []result.Status{result.StatusOK, result.StatusWarning, result.StatusCritical, result.StatusUnknown}[code]
}

// exitOf is one result's exit code: unknown without a status or when the
// status is incomplete (the check could not show what it is for; the
// server is not at fault, so no warning), else set by the worst finding
// (findings come sorted worst first), ok when it is below failOn.
func exitOf(r *result.Result, failOn result.Severity) int {
	switch {
	case r.Status == result.StatusUnknown || r.Status == result.StatusIncomplete || r.Status == "":
		return exitUnknown
	case len(r.Findings) == 0 || r.Findings[0].Severity.Rank() < failOn.Rank():
		return exitOK
	case r.Findings[0].Severity == result.SeverityCritical:
		return exitCritical
	}
	return exitWarning // a warning, or an info finding with --fail-on info
}
