package main

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"math"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/report"
)

// The web page's limits (serve --web): each client may start webBurst
// diagnoses at once, then one every webEvery.
const (
	webEvery      = 10 * time.Second
	webBurst      = 3
	maxWebClients = 4096    // rate limiters kept; past this the idle ones are dropped
	maxFormBytes  = 4 << 10 // a form is a target, a mode and a module name
	webPath       = "/diagnose"
)

// pageCSP is the policy of every answer of the web page: no script at
// all, and forms may post only back here. (The report also carries its own
// in a meta tag, for when it is saved and opened as a file.)
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// webLimiter is the per-client rate limit of the web page, by address
// (an IPv6 client by its /64, which one host usually owns whole).
type webLimiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	clients map[netip.Addr]*rate.Limiter
}

// newWebLimiter lets each client start burst diagnoses, then one every
// every.
func newWebLimiter(every time.Duration, burst int) *webLimiter {
	return &webLimiter{every: every, burst: burst, clients: map[netip.Addr]*rate.Limiter{}}
}

// allow reports whether the client at remoteAddr may start a diagnosis
// now, and if not how long until it may.
func (l *webLimiter) allow(remoteAddr string) (bool, time.Duration) {
	key := clientKey(remoteAddr)
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= maxWebClients {
			l.forgetIdle()
		}
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.clients[key] = lim
	}
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// forgetIdle drops the limiters that have filled up again: their clients
// were idle long enough to start afresh anyway.
func (l *webLimiter) forgetIdle() {
	for key, lim := range l.clients {
		if lim.Tokens() >= float64(l.burst) {
			delete(l.clients, key)
		}
	}
}

// clientKey is the address a request came from, an IPv6 one cut to its
// /64; the unspecified address when it cannot be parsed.
func clientKey(remoteAddr string) netip.Addr {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv6Unspecified()
	}
	addr = addr.Unmap()
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().Addr()
	}
	return addr
}

// webRoutes adds the web page: GET shows the form, POST runs the
// diagnosis and answers with the HTML report. Cross-origin posts are
// refused, so another site cannot make a visitor's browser start probes.
func (s *exporter) webRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+webPath, s.webForm)
	mux.Handle("POST "+webPath, http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.webDiagnose)))
}

// webModes are the form's mode choices, the module's own first.
var webModes = []probe.ModeChoice{probe.ModeDefault, probe.ModeAuto, probe.ModeExplicit, probe.ModeImplicit, probe.ModeBoth}

// webForm shows the form: target, mode and module; no password field,
// since credentials come only from a module's password_file.
func (s *exporter) webForm(w http.ResponseWriter, _ *http.Request) {
	s.webPage(w, http.StatusOK, "")
}

// webDiagnose runs the diagnosis the form asks for, within the client's
// rate, the allow-lists and the probe slots /probe uses, and answers with
// the HTML report. The form is read from the body only: a target or module
// in the URL is ignored.
func (s *exporter) webDiagnose(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if ok, wait := s.webLimit.allow(r.RemoteAddr); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		s.opts.Logf("web diagnosis refused (429): rate limit for %s", clientKey(r.RemoteAddr))
		s.webPage(w, http.StatusTooManyRequests, fmt.Sprintf("Too many diagnoses from your address: try again in %d s.", secs))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.webRefuse(w, &refusal{reasonBadRequest, http.StatusBadRequest, "reading the form: " + err.Error()})
		return
	}
	form := r.PostForm
	mode := probe.ModeChoice(form.Get("mode"))
	if !slices.Contains(webModes, mode) {
		s.webRefuse(w, &refusal{reasonBadRequest, http.StatusBadRequest, "mode " + clip(string(mode)) + ": want auto, explicit, implicit or both"})
		return
	}
	sr, ref := s.request(form.Get("module"), form.Get("target"), mode, nil)
	if ref != nil {
		s.webRefuse(w, ref)
		return
	}
	res, ref := s.diagnose(r.Context(), sr, start)
	if ref != nil {
		s.webRefuse(w, ref)
		return
	}
	secureHeaders(w)
	if err := report.HTML(w, []*result.Result{res}, report.HTMLOptions{FormURL: webPath}); err != nil {
		s.opts.Logf("writing the web report: %v", err)
	}
}

// webRefuse answers the form with the error on the page, counted and
// logged as /probe's refusals are.
func (s *exporter) webRefuse(w http.ResponseWriter, r *refusal) {
	s.refused.WithLabelValues(r.reason).Inc()
	s.opts.Logf("web diagnosis refused (%d): %s", r.code, r.msg)
	s.webPage(w, r.code, r.msg)
}

// secureHeaders sets what every answer of the web page carries: HTML, no
// sniffing, no referrer, and pageCSP.
func secureHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", pageCSP)
}

// webPage writes the form, with an error above it when msg is set.
func (s *exporter) webPage(w http.ResponseWriter, code int, msg string) {
	type choice struct{ Value, Label string }
	modes := make([]choice, len(webModes))
	for i, m := range webModes {
		modes[i] = choice{string(m), cmp.Or(string(m), "the module's (from the target)")}
	}
	secureHeaders(w)
	w.WriteHeader(code)
	err := formPage.Execute(w, struct {
		Tool, Error, Action string
		Modes               []choice
		Modules             []string
	}{cmp.Or(s.opts.Tool, "ftpsdiag"), msg, webPath, modes, slices.Sorted(maps.Keys(s.mods.get()))})
	if err != nil {
		s.opts.Logf("writing the web form: %v", err)
	}
}

var formPage = template.Must(template.New("form").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FTPS diagnosis</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 44em; margin: 2em auto; padding: 0 1em; }
label { display: block; margin: .8em 0 .2em; font-weight: 600; } input, select { font: inherit; padding: .3em; width: 100%; box-sizing: border-box; }
button { font: inherit; margin-top: 1.2em; padding: .4em 1.4em; } .error { border-left: 6px solid #c62828; background: #fdecea; padding: .5em 1em; white-space: pre-wrap; }
.hint { color: #555; font-size: .9em; }
</style></head>
<body>
<h1>FTPS diagnosis</h1>
<p>Connects to an FTPS server from this machine, logs in and lists a directory over TLS, and explains what is wrong in a report you can attach to a ticket. It only reads: nothing is uploaded or changed.</p>
{{with .Error}}<p class="error">{{.}}</p>{{end}}
<form method="post" action="{{.Action}}">
<label for="target">Server</label>
<input id="target" name="target" required maxlength="300" placeholder="ftp.example.com, ftp.example.com:2121, ftps://ftp.example.com" autofocus>
<p class="hint">HOST tries implicit TLS (port 990) and explicit TLS (port 21); HOST:PORT finds out which kind of port it is; ftps:// is implicit, ftpes:// explicit. No user name or password here: a module supplies them.</p>
<label for="mode">Mode</label>
<select id="mode" name="mode">{{range .Modes}}<option value="{{.Value}}">{{.Label}}</option>{{end}}</select>
<label for="module">Module</label>
<select id="module" name="module">{{range .Modules}}<option>{{.}}</option>{{end}}</select>
<button type="submit">Diagnose</button>
</form>
<p class="hint">{{.Tool}}. A diagnosis takes up to a minute.</p>
</body></html>
`))
