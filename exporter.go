package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/semaphore"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/report/metrics"
)

// defaultMaxConcurrent is exporterOptions.MaxConcurrent's default.
const defaultMaxConcurrent = 4

// Scrape deadlines: Prometheus says in a header how long it waits; the
// scrape takes that minus a margin for writing the metrics and the network
// (see scrapeBudget).
const (
	timeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"
	scrapeMargin  = 500 * time.Millisecond
	maxScrape     = 24 * time.Hour // larger header values are refused
)

// Bounds on what a refusal quotes back: a scrape's parameters are
// anyone's text, and a refusal goes to the log as well as to the client.
const (
	maxTargetLen = 300 // no HOST:PORT or URL of a server is longer (a DNS name is at most 253)
	maxEcho      = 100 // bytes of a parameter a message quotes
)

// exporterOptions tune an exporter.
type exporterOptions struct {
	Tool          string                                                     // "ftpsdiag <version>", recorded in each result and shown on /
	MaxConcurrent int                                                        // probes at once across all scrapes; 0 = defaultMaxConcurrent
	Allow         allowList                                                  // targets every module may probe (the serve flags); zero = any
	Logf          func(format string, args ...any)                           // one line per probe and per refused scrape; nil = silent
	Probe         func(ctx context.Context, cfg probe.Config) *result.Result // runs a diagnosis; nil = probe.Run (a seam for tests)
	Web           bool                                                       // also serve the web page (exporter_page.go): a form answered with the HTML report
	Reload        func() (modules, error)                                    // reads the modules file again (SIGHUP, POST /-/reload); nil = no reload
}

// exporter serves diagnoses as Prometheus metrics, in the style of
// blackbox_exporter: /probe?target=...&module=... runs one. Its handler is
// safe for concurrent use.
type exporter struct {
	mods *liveModules // replaced whole by a reload (exporter_reload.go)
	opts exporterOptions
	sem  *semaphore.Weighted // bounds probes across scrapes

	webLimit *webLimiter // the web page's per-client rate

	reg      *prometheus.Registry // the exporter's own metrics, on /metrics
	probes   *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	refused  *prometheus.CounterVec
}

// newExporter returns an exporter that probes with mods.
func newExporter(mods modules, opts exporterOptions) *exporter {
	opts.MaxConcurrent = cmp.Or(opts.MaxConcurrent, defaultMaxConcurrent)
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.Probe == nil {
		opts.Probe = probe.Run
	}
	s := &exporter{
		mods:     newLiveModules(mods),
		opts:     opts,
		sem:      semaphore.NewWeighted(int64(opts.MaxConcurrent)),
		webLimit: newWebLimiter(webEvery, webBurst),
		reg:      prometheus.NewRegistry(),
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ftpsdiag_exporter_probes_total",
			Help: "Diagnoses run, by module and result status.",
		}, []string{"module", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ftpsdiag_exporter_probe_duration_seconds",
			Help:    "Time a diagnosis took, by module.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 10), // 0.1 s to 51.2 s
		}, []string{"module"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ftpsdiag_exporter_probes_in_flight",
			Help: "Diagnoses running now.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ftpsdiag_exporter_scrapes_refused_total",
			Help: "Scrapes of /probe answered with an error: bad_request (400: target, module or timeout header), not_allowed (403: target outside the allow-list), busy (503: no probe slot freed in time to give the probe its budget) or cancelled (503: the probe was cut by shutdown or the client left).",
		}, []string{"reason"}),
	}
	for _, reason := range []string{reasonBadRequest, reasonNotAllowed, reasonBusy, reasonCancelled} {
		s.refused.WithLabelValues(reason)
	}
	s.reg.MustRegister(s.probes, s.duration, s.inFlight, s.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Reasons a scrape is refused, as ftpsdiag_exporter_scrapes_refused_total labels them.
const (
	reasonBadRequest = "bad_request"
	reasonNotAllowed = "not_allowed"
	reasonBusy       = "busy"
	reasonCancelled  = "cancelled"
)

// refusal is a scrape answered with an error instead of metrics.
type refusal struct {
	reason string // the scrapes_refused_total label
	code   int    // the HTTP status
	msg    string // one line, parameters quoted with clip
}

// Handler serves /probe (one diagnosis as metrics), /metrics (the
// exporter's own), / (a page listing the modules) and POST /-/reload
// (reads the modules file again).
func (s *exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /probe", s.probe)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("POST /-/reload", s.reload)
	if s.opts.Web {
		s.webRoutes(mux)
	}
	return mux
}

// probe runs one diagnosis within the scrape's deadline and answers with
// its metrics. A diagnosis cut short by the deadline still answers, with
// what it learnt.
func (s *exporter) probe(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sr, err := s.parse(r)
	if err != nil {
		s.refuse(w, err)
		return
	}
	res, err := s.diagnose(r.Context(), sr, start)
	if err != nil {
		s.refuse(w, err)
		return
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.Collector(res))
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// scrapeRequest is a checked /probe request.
type scrapeRequest struct {
	module string       // the module's name
	mod    module       // its settings
	cfg    probe.Config // the diagnosis to run
	total  time.Duration
	budget time.Duration // of total, what the diagnosis gets once it has a slot
}

// parse checks a /probe request's module, target and timeout header.
func (s *exporter) parse(r *http.Request) (scrapeRequest, *refusal) {
	q := r.URL.Query()
	return s.request(q.Get("module"), q.Get("target"), probe.ModeDefault, r.Header)
}

// request checks a diagnosis request: the module (default when empty),
// the target, a mode that overrides the module's (ModeDefault: the
// module's), and the scrape timeout header (none for the web page).
func (s *exporter) request(module, raw string, mode probe.ModeChoice, h http.Header) (scrapeRequest, *refusal) {
	bad := func(format string, args ...any) (scrapeRequest, *refusal) {
		return scrapeRequest{}, &refusal{reasonBadRequest, http.StatusBadRequest, fmt.Sprintf(format, args...)}
	}
	sr := scrapeRequest{module: cmp.Or(module, defaultModule)}
	var ok bool
	if sr.mod, ok = s.mods.get()[sr.module]; !ok {
		return bad("unknown module %s", clip(sr.module))
	}
	switch {
	case raw == "":
		return bad("missing target parameter: want ?target=HOST[:PORT], ftps://HOST[:PORT] or ftpes://HOST[:PORT]")
	case len(raw) > maxTargetLen:
		return bad("target %s: longer than any server's name and port (%d bytes)", clip(raw), maxTargetLen)
	}
	target, err := probe.ParseTarget(raw)
	if err != nil {
		return bad("%v", err)
	}
	sr.cfg = sr.mod.config(target, s.opts.Tool)
	sr.cfg.Mode = cmp.Or(mode, sr.cfg.Mode)
	if err := sr.cfg.Validate(); err != nil {
		return bad("module %q: %v", sr.module, err)
	}
	if sr.total, sr.budget, err = scrapeBudget(h, sr.mod); err != nil {
		return bad("%v", err)
	}
	return sr, nil
}

// diagnose runs the diagnosis sr asks for, if the allow-lists let it,
// once a probe slot is free, within sr.total from start. Waiting for the
// slot never eats into the diagnosis' budget: the scrape waits only as
// long as its deadline still leaves the whole budget after, and is refused
// as busy past that.
func (s *exporter) diagnose(ctx context.Context, sr scrapeRequest, start time.Time) (*result.Result, *refusal) {
	ctx, cancel := context.WithDeadline(ctx, start.Add(sr.total))
	defer cancel()
	notAllowed := func(err error) *refusal {
		return &refusal{reasonNotAllowed, http.StatusForbidden, fmt.Sprintf("target %q: %v", sr.cfg.Target.Raw, err)}
	}
	var guard *dialGuard
	if lists := s.allowLists(sr.mod); len(lists) > 0 {
		ports, err := sr.cfg.ControlPorts()
		if err != nil {
			return nil, &refusal{reasonBadRequest, http.StatusBadRequest, fmt.Sprintf("target %q: %v", sr.cfg.Target.Raw, err)}
		}
		if err := lists.checkTarget(ctx, sr.cfg.Target.Host, ports); err != nil {
			return nil, notAllowed(err)
		}
		guard = &dialGuard{lists: lists, host: sr.cfg.Target.Host, dial: (&net.Dialer{}).DialContext}
		sr.cfg.Dial = guard.Dial
	}
	if !s.acquire(ctx, start.Add(sr.total-sr.budget)) {
		return nil, &refusal{reasonBusy, http.StatusServiceUnavailable,
			fmt.Sprintf("all %d probe slots busy; none freed in time to leave this scrape's probe its %s", s.opts.MaxConcurrent, sr.budget)}
	}
	res, took := s.run(ctx, sr)
	switch {
	case guard != nil && guard.Refused() != nil: // DNS changed its answer since checkTarget
		return nil, notAllowed(guard.Refused())
	case errors.Is(ctx.Err(), context.Canceled): // not the deadline: a result cut by us is not the server's
		return nil, &refusal{reasonCancelled, http.StatusServiceUnavailable,
			fmt.Sprintf("probe of %q cancelled after %s: %v", sr.cfg.Target.Raw, took.Round(time.Millisecond), context.Cause(ctx))}
	}
	s.probes.WithLabelValues(sr.module, string(res.Status)).Inc()
	s.duration.WithLabelValues(sr.module).Observe(took.Seconds())
	s.opts.Logf("probe module=%s target=%q status=%s took=%s: %s", sr.module, sr.cfg.Target.Raw, res.Status, took.Round(time.Millisecond), res.Verdict)
	return res, nil
}

// allowLists are the allow-lists a scrape of module m must pass.
func (s *exporter) allowLists(m module) allowLists {
	var ls allowLists
	for _, l := range []allowList{s.opts.Allow, m.allow} {
		if l.set() {
			ls = append(ls, l)
		}
	}
	return ls
}

// acquire takes a probe slot, waiting for one until latest at most.
func (s *exporter) acquire(ctx context.Context, latest time.Time) bool {
	if s.sem.TryAcquire(1) {
		return true
	}
	ctx, cancel := context.WithDeadline(ctx, latest)
	defer cancel()
	return s.sem.Acquire(ctx, 1) == nil
}

// run runs one diagnosis in a slot acquire took, with its whole budget,
// and frees the slot.
func (s *exporter) run(ctx context.Context, sr scrapeRequest) (*result.Result, time.Duration) {
	defer s.sem.Release(1)
	s.inFlight.Inc()
	defer s.inFlight.Dec()
	// The cause names the budget in a cut run's run-interrupted evidence.
	ctx, cancel := context.WithTimeoutCause(ctx, sr.budget, fmt.Errorf("the scrape's probe budget (%s)", sr.budget))
	defer cancel()
	start := time.Now()
	res := s.opts.Probe(ctx, sr.cfg)
	return res, time.Since(start)
}

// refuse answers a scrape with a one-line error.
func (s *exporter) refuse(w http.ResponseWriter, r *refusal) {
	s.refused.WithLabelValues(r.reason).Inc()
	s.opts.Logf("probe refused (%d): %s", r.code, r.msg)
	http.Error(w, r.msg, r.code)
}

// scrapeBudget is how long a scrape may take in all, and how much of it
// its diagnosis gets: the scrape takes what Prometheus allows it minus
// scrapeMargin (but at least half of it), or without the header the
// module's deadline; the diagnosis gets the module's deadline at most.
// The rest, total − budget, is how long the scrape may wait for a slot: a
// diagnosis either gets its whole budget or does not start.
func scrapeBudget(h http.Header, m module) (total, budget time.Duration, err error) {
	v := h.Get(timeoutHeader)
	if v == "" {
		return m.Deadline, m.Deadline, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || !(secs > 0) || secs > maxScrape.Seconds() {
		return 0, 0, fmt.Errorf("%s %s: want a positive number of seconds up to %.0f", timeoutHeader, clip(v), maxScrape.Seconds())
	}
	t := time.Duration(math.Round(secs * float64(time.Second)))
	total = max(t-scrapeMargin, t/2)
	return total, min(total, m.Deadline), nil
}

// clip quotes s for a message, escaping control characters, invalid UTF-8
// and bidi overrides, and cuts it after maxEcho bytes.
func clip(s string) string {
	if len(s) <= maxEcho {
		return strconv.Quote(s)
	}
	n := maxEcho
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:n]), len(s))
}

var indexPage = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html><head><title>ftpsdiag exporter</title></head>
<body>
<h1>ftpsdiag exporter</h1>
<p>{{.Tool}}. Diagnose an FTPS server: <code>probe?target=HOST[:PORT]&amp;module=NAME</code>, where the target may also be <code>ftps://HOST[:PORT]</code> (implicit TLS) or <code>ftpes://HOST[:PORT]</code> (explicit TLS). The exporter's own metrics: <a href="metrics">metrics</a>.</p>
{{if .Web}}<p>Diagnose a server in your browser: <a href="diagnose">diagnose</a>.</p>{{end}}
<h2>Modules</h2>
<ul>
{{- range .Modules}}
<li><b>{{.Name}}</b>: mode {{or .Mode "from the target"}}, timeout {{.Timeout}}{{if .Scan}}, TLS audit{{end}} &mdash; <a href="probe?target=ftp.example.com&amp;module={{.Name}}">probe?target=ftp.example.com&amp;module={{.Name}}</a></li>
{{- end}}
</ul>
</body></html>
`))

// index lists the modules with an example link for each.
func (s *exporter) index(w http.ResponseWriter, _ *http.Request) {
	type entry struct {
		Name    string
		Mode    probe.ModeChoice
		Timeout time.Duration
		Scan    bool
	}
	var mods []entry
	live := s.mods.get()
	for _, name := range slices.Sorted(maps.Keys(live)) {
		m := live[name]
		mods = append(mods, entry{name, m.Mode, m.Timeout, m.Scan})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := indexPage.Execute(w, struct {
		Tool    string
		Modules []entry
		Web     bool
	}{cmp.Or(s.opts.Tool, "ftpsdiag"), mods, s.opts.Web}); err != nil {
		s.opts.Logf("writing the index page: %v", err)
	}
}
