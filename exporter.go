package main

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

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
// probe gets that minus a margin for writing the metrics and the network.
// Without the header, a probe may take fallbackSteps step timeouts, as
// the command line's default --deadline is 6 × --timeout.
const (
	timeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"
	scrapeMargin  = 500 * time.Millisecond
	fallbackSteps = 6
	maxScrape     = 24 * time.Hour // larger header values are refused
)

// exporterOptions tune an exporter.
type exporterOptions struct {
	Tool          string                                                     // "ftpsdiag <version>", recorded in each result and shown on /
	MaxConcurrent int                                                        // probes at once across all scrapes; 0 = defaultMaxConcurrent
	Logf          func(format string, args ...any)                           // one line per probe and per refused scrape; nil = silent
	Probe         func(ctx context.Context, cfg probe.Config) *result.Result // runs a diagnosis; nil = probe.Run (a seam for tests)
}

// exporter serves diagnoses as Prometheus metrics, in the style of
// blackbox_exporter: /probe?target=...&module=... runs one. Its handler is
// safe for concurrent use.
type exporter struct {
	mods modules
	opts exporterOptions
	sem  *semaphore.Weighted // bounds probes across scrapes

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
		mods: mods,
		opts: opts,
		sem:  semaphore.NewWeighted(int64(opts.MaxConcurrent)),
		reg:  prometheus.NewRegistry(),
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
			Help: "Scrapes of /probe answered with an error: bad_request (400: target, module or timeout header) or busy (503: no probe slot freed before the deadline).",
		}, []string{"reason"}),
	}
	s.refused.WithLabelValues(reasonBadRequest)
	s.refused.WithLabelValues(reasonBusy)
	s.reg.MustRegister(s.probes, s.duration, s.inFlight, s.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Reasons a scrape is refused, as ftpsdiag_exporter_scrapes_refused_total labels them.
const (
	reasonBadRequest = "bad_request"
	reasonBusy       = "busy"
)

// Handler serves /probe (one diagnosis as metrics), /metrics (the
// exporter's own) and / (a page listing the modules).
func (s *exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /probe", s.probe)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	return mux
}

// probe runs one diagnosis within the scrape's deadline and answers with
// its metrics. A diagnosis cut short by the deadline still answers, with
// what it learnt.
func (s *exporter) probe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := cmp.Or(q.Get("module"), defaultModule)
	mod, ok := s.mods[name]
	if !ok {
		s.refuse(w, reasonBadRequest, http.StatusBadRequest, fmt.Sprintf("unknown module %q", name))
		return
	}
	raw := q.Get("target")
	if raw == "" {
		s.refuse(w, reasonBadRequest, http.StatusBadRequest, "missing target parameter: want ?target=HOST[:PORT], ftps://HOST[:PORT] or ftpes://HOST[:PORT]")
		return
	}
	target, err := probe.ParseTarget(raw)
	if err != nil {
		s.refuse(w, reasonBadRequest, http.StatusBadRequest, err.Error())
		return
	}
	cfg := mod.config(target, s.opts.Tool)
	if err := cfg.Validate(); err != nil {
		s.refuse(w, reasonBadRequest, http.StatusBadRequest, fmt.Sprintf("module %q: %v", name, err))
		return
	}
	timeout, err := scrapeTimeout(r.Header, mod)
	if err != nil {
		s.refuse(w, reasonBadRequest, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	if err := s.sem.Acquire(ctx, 1); err != nil {
		s.refuse(w, reasonBusy, http.StatusServiceUnavailable,
			fmt.Sprintf("%d probes already running; none finished within the scrape's %s", s.opts.MaxConcurrent, timeout))
		return
	}
	res := s.run(ctx, name, cfg)
	s.sem.Release(1)

	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.Collector(res))
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// run runs one diagnosis and accounts for it.
func (s *exporter) run(ctx context.Context, module string, cfg probe.Config) *result.Result {
	s.inFlight.Inc()
	defer s.inFlight.Dec()
	start := time.Now()
	res := s.opts.Probe(ctx, cfg)
	took := time.Since(start)
	s.probes.WithLabelValues(module, string(res.Status)).Inc()
	s.duration.WithLabelValues(module).Observe(took.Seconds())
	s.opts.Logf("probe module=%s target=%q status=%s took=%s: %s", module, cfg.Target.Raw, res.Status, took.Round(time.Millisecond), res.Verdict)
	return res
}

// refuse answers a scrape with a one-line error.
func (s *exporter) refuse(w http.ResponseWriter, reason string, code int, msg string) {
	s.refused.WithLabelValues(reason).Inc()
	s.opts.Logf("probe refused (%d): %s", code, msg)
	http.Error(w, msg, code)
}

// scrapeTimeout is how long a probe may take: what Prometheus allows the
// scrape minus scrapeMargin (but at least half of it), or, without the
// header, fallbackSteps step timeouts of the module.
func scrapeTimeout(h http.Header, m module) (time.Duration, error) {
	v := h.Get(timeoutHeader)
	if v == "" {
		return fallbackSteps * m.Timeout, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || !(secs > 0) || secs > maxScrape.Seconds() {
		return 0, fmt.Errorf("%s %q: want a positive number of seconds up to %.0f", timeoutHeader, v, maxScrape.Seconds())
	}
	t := time.Duration(math.Round(secs * float64(time.Second)))
	return max(t-scrapeMargin, t/2), nil
}

var indexPage = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html><head><title>ftpsdiag exporter</title></head>
<body>
<h1>ftpsdiag exporter</h1>
<p>{{.Tool}}. Diagnose an FTPS server: <code>probe?target=HOST[:PORT]&amp;module=NAME</code>, where the target may also be <code>ftps://HOST[:PORT]</code> (implicit TLS) or <code>ftpes://HOST[:PORT]</code> (explicit TLS). The exporter's own metrics: <a href="metrics">metrics</a>.</p>
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
	for _, name := range slices.Sorted(maps.Keys(s.mods)) {
		m := s.mods[name]
		mods = append(mods, entry{name, m.Mode, m.Timeout, m.Scan})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := indexPage.Execute(w, struct {
		Tool    string
		Modules []entry
	}{cmp.Or(s.opts.Tool, "ftpsdiag"), mods}); err != nil {
		s.opts.Logf("writing the index page: %v", err)
	}
}
