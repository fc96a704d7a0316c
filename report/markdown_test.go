package report

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// markdownCases are the text report's fixtures, a server whose text
// attacks Markdown and Mermaid, and a fleet of three.
func markdownCases() map[string][]*result.Result {
	m := map[string][]*result.Result{}
	for _, tc := range cases {
		m[tc.name] = []*result.Result{tc.result()}
	}
	m["hostile_markdown"] = []*result.Result{markupServer()}
	m["fleet"] = []*result.Result{healthyVsftpd(), expiredSelfSigned(), markupServer()}
	return m
}

// renderMarkdown is the Markdown report of results.
func renderMarkdown(t *testing.T, results ...*result.Result) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Markdown(&buf, results); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMarkdownGolden(t *testing.T) {
	for name, results := range markdownCases() {
		t.Run(name, func(t *testing.T) {
			golden(t, name+".md", []byte(renderMarkdown(t, results...)))
		})
	}
}

// Markup a server can send: HTML, a link, an image, a table pipe,
// backticks, emphasis, maths, a mention, an issue reference, a bare URL,
// an entity, and for Mermaid a statement separator, a comment and an init
// directive, an entity code, a line break tag and an arrow.
const (
	markupBanner = "220-<script>alert(1)</script> \"><svg onload=alert(2)> [click](https://evil.example/) ![x](https://evil.example/x.png)"
	markupLine2  = "220 | a | b | `code` **bold** $$x$$ @admin #1 www.evil.example http://evil.example &amp; &#60;"
	mermaidBreak = "234 ok; S-->>C: forged\n%%{init: {\"theme\": \"dark\"}}%%\nNote over C,S: #9829; <br> wrap: x -->> y"
)

// markupServer is a server whose banner, replies and certificate carry
// Markdown and Mermaid syntax.
func markupServer() *result.Result {
	r := newResult("markup.example", 6.2, result.StatusCritical, "The server's text is "+markupBanner)
	cert := exampleChain()[0]
	cert.Subject = "CN=[x](javascript:alert(1)) | <b>bold</b>,O=`Corp`"
	cert.SANs = []string{"markup.example", "<img src=x onerror=alert(3)>"}
	r.Attempts = []result.Attempt{{
		Mode: result.ModeExplicit, Port: 21, Address: "127.0.0.1:21", OK: true, Server: "vsftpd <i>",
		Banner: []string{markupBanner, markupLine2}, AuthMechanism: "TLS",
		TLS: tls13(), Certificates: []result.Certificate{cert}, Verification: trustedVerification(),
		Login:      &result.Login{User: "anonymous", Anonymous: true, OK: true, Reply: "230 " + markupLine2},
		RoundTrips: 3,
		Timeline: timeline(
			ev(0, result.FromNet, "connect 127.0.0.1:21"),
			reply(0.8, markupBanner, markupLine2),
			exchange(1.0, 1.3, "AUTH TLS", mermaidBreak),
			ev(3.1, result.FromTLS, "certificate "+cert.Subject),
			exchange(3.2, 3.5, "USER anonymous", "331 "+mermaidBreak),
			dataEv(3.6, result.FromServer, mermaidBreak),
			dataEv(3.7, result.FromNet, "closed; Note over D: %% forged"),
		),
		Audits: []result.Audit{{Purpose: "policy </summary><script>alert(4)</script>", Timeline: timeline(
			reply(0.5, markupBanner),
			exchange(0.6, 0.9, "QUIT", "221 "+mermaidBreak),
		)}},
	}}
	r.Findings = []result.Finding{{
		ID: "server-error-plaintext-inside-tls", Severity: result.SeverityCritical, Stage: "session", Mode: result.ModeExplicit, Port: 21,
		Title: "the server wrote plaintext into the TLS session", Evidence: markupBanner + "\n" + markupLine2,
		Remedy: "Fix the server.",
	}}
	return r
}

// TestMarkdownHostileIsInert: nothing a server sent reaches the Markdown
// as markup: no HTML tag, link, image, table pipe, code span, emphasis,
// maths, mention, reference or bare URL of its own. The diagrams are left
// out: a fenced code block shows its lines literally
// (TestMarkdownFenceHolds), and the Mermaid ones have their own tests.
func TestMarkdownHostileIsInert(t *testing.T) {
	out := withoutFenced(renderMarkdown(t, markupServer(), hostileServer()))
	for _, bad := range []string{
		"<script", "<svg", "<img", "<b>", "<i>", "![", "**bold**", "$$x", " @admin", " #1 ",
		"www.evil", "http://", "https://", "&#60;", "| a | b |", "\x1b", "\u202e", "</summary><script",
	} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown contains %q", bad)
		}
	}
	if strings.Contains(strings.ReplaceAll(out, `\]`, ""), "](") {
		t.Error("Markdown contains a link: ](")
	}
	for _, want := range []string{"&lt;script&gt;", `\[click\]`, "`@`admin", "`#`1", `www\.evil`, `http:\/\/evil`, `\|`, "\\`code\\`", `\x1b`, "&amp;amp;"} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "|") && !strings.HasSuffix(line, "|") {
			t.Errorf("table row cut: %q", line)
		}
	}
}

// withoutFenced is md without its fenced code blocks.
func withoutFenced(md string) string {
	var kept []string
	for _, b := range splitFenced(md) {
		if b.lang == "" {
			kept = append(kept, b.lines...)
		}
	}
	return strings.Join(kept, "\n")
}

// block is a run of Markdown lines: a fenced code block's body and its
// language, or lines outside any (lang "").
type block struct {
	lang  string
	lines []string
}

// splitFenced cuts md into fenced code blocks and the lines between them.
func splitFenced(md string) []block {
	var blocks []block
	cur, fence := block{}, ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case fence == "" && strings.HasPrefix(line, "```"):
			blocks = append(blocks, cur)
			lang := strings.TrimLeft(line, "`")
			fence = line[:len(line)-len(lang)]
			cur = block{lang: lang}
		case fence != "" && line == fence:
			blocks = append(blocks, cur)
			cur, fence = block{}, ""
		default:
			cur.lines = append(cur.lines, line)
		}
	}
	return append(blocks, cur)
}

// mermaidLine is every line a Mermaid block of ours may hold: a
// participant, an arrow or a note, whose text has no ; # % < > : " or
// newline but in entity codes.
var mermaidLine = regexp.MustCompile(`^(sequenceDiagram|    participant [CSD] as [a-z ]+|    ([CSD]-?->>[CSD]|Note over [CSD](,[CSD])?): \[\d+\.\d ms\]([^;#%<>:"\\]|#\d+;)*)$`)

// TestMermaidHostileIsInert: every line of every Mermaid block is one of
// ours, one per event, whatever the server sent.
func TestMermaidHostileIsInert(t *testing.T) {
	for _, r := range []*result.Result{markupServer(), hostileServer()} {
		n := 0
		for _, b := range splitFenced(renderMarkdown(t, r)) {
			if b.lang != "mermaid" {
				continue
			}
			for _, l := range b.lines {
				if !mermaidLine.MatchString(l) {
					t.Errorf("%s: not a line of ours: %q", r.Target, l)
				}
				if strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "    participant") {
					n++
				}
			}
		}
		if want := eventCount(r); n != want {
			t.Errorf("%s: %d Mermaid statements for %d events", r.Target, n, want)
		}
	}
}

// TestMarkdownFenceHolds: a text diagram whose server text has a run of
// backticks gets a longer fence, so the text cannot close the block.
func TestMarkdownFenceHolds(t *testing.T) {
	r := markupServer()
	r.Attempts[0].Timeline = append(r.Attempts[0].Timeline, reply(4, "```` ``````")...)
	out := renderMarkdown(t, r)
	if !strings.Contains(out, "```````text\n") {
		t.Error("no seven-backtick fence around a text diagram holding six")
	}
}

func TestMdEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain text 1.2":        "plain text 1.2",
		"a|b":                   `a\|b`,
		"`x`":                   "\\`x\\`",
		"<b>&amp;":              "&lt;b&gt;&amp;amp;",
		"[a](b)":                `\[a\](b)`,
		"see https://x.y/z":     `see https:\/\/x.y/z`,
		"WWW.x.y and awww.x.y":  `WWW\.x.y and awww.x.y`,
		"@bob a@b #12 a#1 # x":  "`@`bob a@b `#`12 a#1 # x",
		"*_~$!\\":               `\*\_\~\$\!\\`,
		"require_ssl_reuse _x_": `require_ssl_reuse \_x\_`,
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMermaidText(t *testing.T) {
	for in, want := range map[string]string{
		"[1.2 ms] PASS ****":  "[1.2 ms] PASS ****",
		"a;b":                 "a#59;b",
		"#9829; %%{x}%%":      "#35;9829#59; #37;#37;#123;x#125;#37;#37;",
		"x: y -->> <br>":      "x#58; y --#62;#62; #60;br#62;",
		"$$1$$ \"q\" \\n ⋯ é": "#36;#36;1#36;#36; #34;q#34; #92;n ⋯ é",
	} {
		if got := mermaidText(in); got != want {
			t.Errorf("mermaidText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownEmpty(t *testing.T) {
	if err := Markdown(&bytes.Buffer{}, nil); err == nil {
		t.Error("Markdown(nil) returned no error")
	}
	if err := Markdown(&bytes.Buffer{}, []*result.Result{healthyVsftpd(), nil}); err == nil {
		t.Error("Markdown with a nil result returned no error")
	}
	if err := Markdown(failingWriter{os.ErrClosed}, []*result.Result{healthyVsftpd()}); err != os.ErrClosed {
		t.Errorf("Markdown returned %v, want %v", err, os.ErrClosed)
	}
}
