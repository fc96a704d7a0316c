package report

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

func TestHTMLGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name+".html", []byte(renderHTML(t, HTMLOptions{}, tc.result())))
		})
	}
	t.Run("fleet", func(t *testing.T) {
		golden(t, "fleet.html", []byte(renderHTML(t, HTMLOptions{FormURL: "/"}, healthyVsftpd(), hostileServer(), nothingLearnt())))
	})
	t.Run("script_injection", func(t *testing.T) {
		golden(t, "script_injection.html", []byte(renderHTML(t, HTMLOptions{}, scriptInjection())))
	})
}

// renderHTML is the HTML report of rs.
func renderHTML(t *testing.T, o HTMLOptions, rs ...*result.Result) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, rs, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// pwnedMarker is what the injected scripts of scriptInjection would add to
// the page: an element with this id.
const pwnedMarker = `id="pwned"`

// injected is script that would leave pwnedMarker in the page.
const injected = `document.body.appendChild(Object.assign(document.createElement('div'),{id:'pwned'}))`

// scriptInjection is a server whose every field tries to run script in the
// reader's browser: a <script> element and an attribute break-out
// ("><svg onload=...>) in its banner, replies, certificate, findings,
// client verdicts and audit purposes.
func scriptInjection() *result.Result {
	script := "<script>" + injected + "</script>"
	svg := `"><svg onload="` + injected + `">`
	r := hostileServer()
	r.Target = "evil.example" + svg
	r.Verdict = "critical " + script
	a := &r.Attempts[0]
	a.Server = svg
	a.Banner = []string{"220-" + script, "220 " + svg}
	a.Timeline = append(reply(0.2, a.Banner...), a.Timeline...)
	a.Timeline = append(a.Timeline, ev(5.8, result.FromTLS, "alert from server: "+svg))
	a.Audits = []result.Audit{{Purpose: "purpose " + script, Timeline: exchange(6.0, 6.1, "NOOP", "200 "+svg)}}
	a.Certificates[0].Subject = "CN=" + script + ",O=" + svg
	a.Login = &result.Login{User: svg, Reply: "530 " + script}
	r.Findings[0].Evidence = script
	r.Findings[1].Remedy = svg
	r.Clients = []result.ClientVerdict{{Client: "curl" + svg, Verdict: "fails", Reasons: []string{script}, Detail: svg}}
	r.NotTested = []result.NotTested{{ID: script, Detail: svg}}
	return r
}

// eventCount is the number of events on r's timelines, audits included:
// the number of drawn events the diagrams must have.
func eventCount(r *result.Result) int {
	n := 0
	for _, a := range r.Attempts {
		n += len(a.Timeline)
		for _, au := range a.Audits {
			n += len(au.Timeline)
		}
	}
	return n
}

var drawnEvent = regexp.MustCompile(`<g class="ev [a-z ]+" data-event="\d+">`)

var pauseNote = regexp.MustCompile(`⋯ [0-9.]+ s later`)

// TestHTMLOneShapePerEvent: every event of every timeline is drawn once,
// and the breaks where time passed are those of the text timeline, so the
// picture matches the text event for event.
func TestHTMLOneShapePerEvent(t *testing.T) {
	for _, tc := range append(cases, struct {
		name   string
		result func() *result.Result
	}{"script_injection", scriptInjection}) {
		r := tc.result()
		page := renderHTML(t, HTMLOptions{}, r)
		if got, want := len(drawnEvent.FindAllString(page, -1)), eventCount(r); got != want {
			t.Errorf("%s: %d events drawn, want %d", tc.name, got, want)
		}
		got, want := pauseNote.FindAllString(page, -1), pauseNote.FindAllString(render(t, r, Options{}), -1)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: breaks %q, the text timeline has %q", tc.name, got, want)
		}
	}
}

// ourTag is any tag in the output; all of them come from the template,
// since every "<" the server sent is escaped.
var ourTag = regexp.MustCompile(`<[a-zA-Z][^>]*>`)

// TestHTMLEscapesServerText: what the server sent never becomes markup:
// no script element, no event-handler attribute, no raw control
// characters; and the policy forbids script whatever slips through.
func TestHTMLEscapesServerText(t *testing.T) {
	out := renderHTML(t, HTMLOptions{}, scriptInjection())
	for _, tag := range ourTag.FindAllString(out, -1) {
		low := strings.ToLower(tag)
		if strings.HasPrefix(low, "<script") || regexp.MustCompile(`\son[a-z]+\s*=`).MatchString(low) {
			t.Errorf("server text became markup: %s", tag)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&#34;&gt;&lt;svg onload=", `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.ContainsAny(out, "\x1b\x00\x07\r\u202e") {
		t.Error("raw control or bidi characters in the HTML")
	}
	for _, external := range []string{"http://", "https://", "src="} {
		if strings.Contains(strings.ReplaceAll(out, `xmlns="http://www.w3.org/2000/svg"`, ""), external) {
			t.Errorf("the page refers to something outside itself (%s)", external)
		}
	}
}

// TestHTMLVerdictFirst: the page opens with the verdict, what to change
// (every warning and critical finding's remedy) and the client verdicts,
// before any timeline.
func TestHTMLVerdictFirst(t *testing.T) {
	r := pasvMismatch()
	out := renderHTML(t, HTMLOptions{}, r)
	diagram := strings.Index(out, `<svg class="seq"`)
	if diagram < 0 {
		t.Fatal("no diagram")
	}
	top := html.UnescapeString(out[:diagram])
	for _, f := range r.Findings {
		if f.Severity != result.SeverityInfo && !strings.Contains(top, Sanitize(f.Remedy)) {
			t.Errorf("the remedy of %s is not above the timeline", f.ID)
		}
	}
	for _, c := range r.Clients {
		if !strings.Contains(top, "<td class=\"\">"+c.Client+"</td>") {
			t.Errorf("client %s is not above the timeline", c.Client)
		}
	}
}

// TestHTMLFleetLinks: a fleet's summary links to each target's section.
func TestHTMLFleetLinks(t *testing.T) {
	out := renderHTML(t, HTMLOptions{}, healthyVsftpd(), loginFailed())
	for _, id := range []string{"target-1", "target-2"} {
		if !strings.Contains(out, `href="#`+id+`"`) || !strings.Contains(out, `id="`+id+`"`) {
			t.Errorf("no link to section %s", id)
		}
	}
}

func TestHTMLRejectsNothing(t *testing.T) {
	if err := HTML(&bytes.Buffer{}, nil, HTMLOptions{}); err == nil {
		t.Error("no results: want an error")
	}
	if err := HTML(&bytes.Buffer{}, []*result.Result{nil}, HTMLOptions{}); err == nil {
		t.Error("nil result: want an error")
	}
}
