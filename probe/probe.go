// Package probe diagnoses an FTPS server: it dials the target, tries
// implicit TLS and explicit TLS (RFC 4217 AUTH TLS), records every step on a
// timeline and classifies what went wrong into catalogued causes.
package probe

import (
	"cmp"
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/clients"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// ModeChoice is what --mode asks for.
type ModeChoice string

const (
	ModeDefault  ModeChoice = ""         // from the target: URL scheme, auto for HOST:PORT, both for HOST
	ModeImplicit ModeChoice = "implicit" // implicit TLS only
	ModeExplicit ModeChoice = "explicit" // explicit TLS only
	ModeBoth     ModeChoice = "both"     // implicit and explicit, concurrently, each on its port
	ModeAuto     ModeChoice = "auto"     // find out which kind of port it is
)

// Config is one diagnosis request.
type Config struct {
	Target       Target
	Mode         ModeChoice
	ImplicitPort int            // port for implicit TLS when the target names none; 0 = 990
	ExplicitPort int            // port for explicit TLS when the target names none; 0 = 21
	ServerName   string         // SNI and certificate name; "" = the target host
	Roots        *x509.CertPool // trusted roots; nil = the system pool
	Timeout      time.Duration  // per step; 0 = 10 s
	WarnDays     int            // cert-expiring-soon threshold in days
	CritDays     int            // below this many days cert-expiring-soon is critical; 0 = never
	Ignore       []string       // finding ids accepted as known: reported as ignored, not counted
	User         string         // login name; "" = anonymous
	Password     string         // password for User; never recorded anywhere
	CCC          bool           // also test CCC (clear command channel)
	Transfers    int            // protected listings in the main session; 0 = DefaultTransfers
	Scan         bool           // enumerate every version, suite and group (--scan)
	MaxConns     int            // connections at once for the scan; 0 = tlsscan.DefaultMaxConns
	Tool         string         // "ftpsdiag <version>" for the result

	// Clock and Dial replace the real clock and dialler, nil meaning the
	// real ones: tests fake them, the exporter's allow-list guards Dial.
	Clock func() time.Time
	Dial  func(ctx context.Context, network, addr string) (net.Conn, error)

	stopped func() bool   // Run's own deadline or cancellation has fired (interrupt.go)
	conns   *budget       // this diagnosis's control connections (limit.go)
	wait150 time.Duration // how long the after-150 audit waits for a 1xx (data.go); 0 = min(Timeout, 3 s)
	// rtt is a connection's network round-trip time; nil = kernelRTT.
	rtt func(net.Conn) (time.Duration, bool)
}

// DefaultTransfers is how many protected listings a session makes: TLS
// 1.3 tickets are single-use, and some servers fail the third.
// MaxTransfers bounds it: each costs five round trips.
const (
	DefaultTransfers = 3
	MaxTransfers     = 20
)

// DefaultWarnDays and DefaultCritDays are the certificate-expiry
// thresholds of the command line and the exporter's modules.
const (
	DefaultWarnDays = 30
	DefaultCritDays = 7
)

// plan is one attempt to make: a mode on a port, or auto-detection.
type plan struct {
	mode result.Mode // empty for auto
	port int
}

// plans turns the target and flags into the attempts to make, or explains
// why the combination makes no sense.
func (c Config) plans() ([]plan, error) {
	t := c.Target
	implicitPort, explicitPort := orDefault(c.ImplicitPort, DefaultImplicitPort), orDefault(c.ExplicitPort, DefaultExplicitPort)
	mode := c.Mode
	if t.Mode != "" {
		if mode != ModeDefault && ModeChoice(t.Mode) != mode {
			return nil, fmt.Errorf("target %q is %s, but --mode asks for %s", t.Raw, t.Mode, mode)
		}
		mode = ModeChoice(t.Mode)
	}
	if t.Port != 0 {
		implicitPort, explicitPort = t.Port, t.Port
		if (c.ImplicitPort != 0 || c.ExplicitPort != 0) && t.Mode == "" {
			return nil, fmt.Errorf("target %q names a port; --implicit-port/--explicit-port apply only to a bare host", t.Raw)
		}
	}
	if mode == ModeDefault {
		mode = ModeBoth
		if t.Port != 0 {
			mode = ModeAuto
		}
	}
	switch mode {
	case ModeImplicit:
		return []plan{{result.ModeImplicit, implicitPort}}, nil
	case ModeExplicit:
		return []plan{{result.ModeExplicit, explicitPort}}, nil
	case ModeAuto:
		if t.Port == 0 {
			return nil, fmt.Errorf("--mode auto needs a port in the target (HOST:PORT)")
		}
		return []plan{{"", t.Port}}, nil
	case ModeBoth:
		return []plan{{result.ModeImplicit, implicitPort}, {result.ModeExplicit, explicitPort}}, nil
	}
	return nil, fmt.Errorf("unknown mode %q (want implicit, explicit, both or auto)", mode)
}

// ControlPorts lists the ports a diagnosis of c opens control connections
// to, in the order it tries them: what an allow-list must admit.
func (c Config) ControlPorts() ([]int, error) {
	plans, err := c.plans()
	ports := make([]int, len(plans))
	for i, p := range plans {
		ports[i] = p.port
	}
	return ports, err
}

// orDefault is v, or d when v is unset (0).
func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// Validate reports a configuration that cannot run, before any I/O.
func (c Config) Validate() error {
	_, err := c.plans()
	return err
}

// setDefaults fills in what the caller left zero: the real clock and
// dialler, the step timeout, the transfers, the server name.
func (c *Config) setDefaults() {
	if c.rtt == nil {
		c.rtt = kernelRTT
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Transfers <= 0 {
		c.Transfers = DefaultTransfers
	}
	if c.Dial == nil {
		d := &net.Dialer{}
		c.Dial = d.DialContext
	}
	if c.ServerName == "" {
		c.ServerName = c.Target.Host
	}
}

// Run diagnoses the target. It always returns a result: failures of the
// server are findings, and a failure to even resolve the host is an
// "unknown" result.
func Run(ctx context.Context, cfg Config) *result.Result {
	cfg.setDefaults()
	cfg.stopped = func() bool { return stopped(ctx) }
	warmRoots(&cfg)
	start := cfg.Clock()
	res := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Tool:          cfg.Tool,
		Target:        cfg.Target.Raw,
		Host:          cfg.Target.Host,
		ServerName:    cfg.ServerName,
		StartedAt:     start,
		Attempts:      []result.Attempt{},
		Findings:      []result.Finding{},
	}
	defer func() {
		res.DurationMS = ms(cfg.Clock().Sub(start))
	}()

	plans, err := cfg.plans()
	if err != nil {
		res.Status, res.Verdict = result.StatusUnknown, err.Error()
		return res
	}
	ip, err := resolve(ctx, cfg.Target.Host)
	switch {
	case err != nil && stopped(ctx):
		limit := limitName(ctx)
		res.Status, res.Verdict = result.StatusUnknown, interruptedEarly(limit)
		res.Findings = []result.Finding{interrupted(limit, []string{"resolving " + cfg.Target.Host})}
		return res
	case err != nil:
		res.Status, res.Verdict = result.StatusUnknown, fmt.Sprintf("cannot resolve %s: %v", cfg.Target.Host, err)
		return res
	}

	var control []string
	for _, p := range plans {
		control = append(control, netip.AddrPortFrom(ip, uint16(p.port)).String())
	}
	cfg.conns = newBudget(control)
	cfg.Dial = cfg.conns.counting(cfg.Dial)

	attempts := make([]*attempt, len(plans))
	ended := make([]bool, len(plans)) // cut short by our own limit
	var wg sync.WaitGroup
	for i, p := range plans {
		wg.Go(func() {
			a := runPlan(ctx, &cfg, start, p.mode, netip.AddrPortFrom(ip, uint16(p.port)))
			attempts[i], ended[i] = a, stopped(ctx) && a.wasCut()
		})
	}
	wg.Wait()
	for _, a := range attempts {
		res.Attempts = append(res.Attempts, a.res)
	}
	res.Findings, res.Ignored = partition(collectFindings(attempts), cfg.Ignore)
	res.Status, res.Verdict = summarise(res)
	if slices.Contains(ended, true) {
		cutShort(ctx, res, cfg, attempts, ended)
		return res
	}
	// Which client families would work, judged from the findings above.
	res.Clients = clients.Verdicts(res)
	res.NotTested = notTested(cfg, res)
	return res
}

// runPlan makes one attempt in mode, or auto-detects the mode when it is
// empty. An attempt the server refused for its connection limit is made
// again after a pause: our other connections (the other detection leg,
// those of a run just before) may still count on the server; one whose
// commands sent together went unanswered, at once and a command at a
// time. The earlier tries stay at the start of the timeline.
func runPlan(ctx context.Context, cfg *Config, start time.Time, mode result.Mode, addr netip.AddrPort) *attempt {
	var prior *attempt
	pipelined := true
	for try := 0; ; try++ {
		a := newAttempt(cfg, start, mode, addr)
		a.pipelined = pipelined
		if mode == "" {
			var decided bool
			if a, decided = detect(ctx, cfg, start, addr); decided {
				mode = a.res.Mode
			}
		} else {
			a.run(ctx)
		}
		if prior != nil {
			a.res.Timeline = append(prior.res.Timeline, a.res.Timeline...)
			a.res.DetectedBy = cmp.Or(a.res.DetectedBy, prior.res.DetectedBy)
			a.res.RoundTrips += prior.res.RoundTrips
			a.dialedAt = prior.dialedAt
		}
		if !a.dialedAt.IsZero() {
			a.res.CriticalPathMS = ms(cfg.Clock().Sub(a.dialedAt))
		}
		if a.batchLost && a.pipelined && !cfg.cut() {
			// Commands sent together went unanswered: ours to blame, not
			// the server's. The session is made again, as clients make it.
			a.event(result.FromNet, "the commands sent together were not all answered: the session is made again, a command at a time")
			prior, pipelined = a, false
			continue
		}
		if !a.limited() || !pause(ctx, reapPauses, try) {
			return a
		}
		prior = a
	}
}

// resolve picks the address every attempt of this diagnosis connects to,
// so that implicit and explicit results speak of the same machine.
func resolve(ctx context.Context, host string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, ip := range ips { // prefer IPv4, as most FTP clients still do
		if ip.Unmap().Is4() {
			return ip.Unmap(), nil
		}
	}
	return ips[0], nil
}

// collectFindings gathers every attempt's findings, lowering to info the
// connection-level failures of an attempt when another attempt worked: a
// closed port 990 is not a fault on a server that speaks explicit FTPS.
func collectFindings(attempts []*attempt) []result.Finding {
	anyOK := slices.ContainsFunc(attempts, func(a *attempt) bool { return a.res.OK })
	var out []result.Finding
	for _, a := range attempts {
		for _, f := range a.findings {
			if anyOK && !a.res.OK && modeLevel(f) {
				f.Severity = result.SeverityInfo
			}
			out = append(out, f)
		}
	}
	return sortFindings(out)
}

// sortFindings orders findings worst first, keeping the order of equals;
// none is an empty list, so that JSON shows [].
func sortFindings(out []result.Finding) []result.Finding {
	slices.SortStableFunc(out, func(x, y result.Finding) int { return y.Severity.Rank() - x.Severity.Rank() })
	if out == nil {
		out = []result.Finding{}
	}
	return out
}

// partition separates the findings the user accepted with --ignore.
func partition(all []result.Finding, ignore []string) (kept, ignored []result.Finding) {
	kept = []result.Finding{}
	for _, f := range all {
		if slices.Contains(ignore, f.ID) {
			ignored = append(ignored, f)
		} else {
			kept = append(kept, f)
		}
	}
	return kept, ignored
}

// modeLevel reports whether a finding only says "this mode is not offered
// on this port".
func modeLevel(f result.Finding) bool {
	switch id, _ := cause.Parse(f.ID); id {
	case cause.PortClosed, cause.PortTimeout, cause.ImplicitGotPlaintext, cause.ExplicitGotSilence, cause.AuthNotSupported, cause.NoGreeting:
		return true
	}
	return false
}

// summarise gives the overall status (the worst finding's severity) and
// the one-line verdict: which attempts work and the worst problem, with
// info findings not counted as problems. A working control channel is not
// "FTPS works" unless a protected listing worked too: the verdict says
// what was not shown, and when nothing showed a problem the status is
// incomplete.
func summarise(res *result.Result) (result.Status, string) {
	status := result.StatusOK
	switch {
	case len(res.Findings) == 0:
	case res.Findings[0].Severity == result.SeverityCritical:
		status = result.StatusCritical
	case res.Findings[0].Severity == result.SeverityWarning:
		status = result.StatusWarning
	}
	var working []string
	for _, a := range res.Attempts {
		if a.OK {
			working = append(working, fmt.Sprintf("%s %s on port %d", a.Mode, a.TLS.Version, a.Port))
		}
	}
	problems := 0
	for _, f := range res.Findings {
		if f.Severity != result.SeverityInfo {
			problems++
		}
	}
	gap, untested := dataGap(res)
	switch {
	case len(working) > 0 && gap != "" && problems == 0:
		if untested {
			status = result.StatusIncomplete
		}
		return status, fmt.Sprintf("The control channel works (%s); %s.", joinAnd(working), gap)
	case len(working) > 0 && gap != "":
		return status, fmt.Sprintf("The control channel works (%s), with %s; worst: %s; %s.", joinAnd(working), plural(problems, "problem"), res.Findings[0].Title, gap)
	case len(working) > 0 && problems == 0:
		return status, "FTPS works: " + joinAnd(working) + "."
	case len(working) > 0:
		return status, fmt.Sprintf("FTPS works (%s), with %s; worst: %s.", joinAnd(working), plural(problems, "problem"), res.Findings[0].Title)
	case len(res.Findings) > 0:
		return status, "FTPS fails: " + res.Findings[0].Title + "."
	}
	return result.StatusUnknown, "no attempt could be made"
}

// joinAnd joins one or two phrases with "and".
func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return fmt.Sprintf("%s and %s", s[0], s[1])
}

// plural is "1 problem", "2 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ms converts a duration to milliseconds rounded to 0.1 ms.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}

// Unknown is the result for a target that could not be diagnosed at all:
// it does not parse, or contradicts the flags. A run over many targets
// reports it and goes on.
func Unknown(tool, target string, err error) *result.Result {
	return &result.Result{
		SchemaVersion: result.SchemaVersion,
		Tool:          tool,
		Target:        target,
		Status:        result.StatusUnknown,
		Verdict:       err.Error(),
		Attempts:      []result.Attempt{},
		Findings:      []result.Finding{},
	}
}
