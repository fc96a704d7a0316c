package report

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// parsedDiagram is what Mermaid understood of one diagram
// (testdata/mermaid_parse.mjs).
type parsedDiagram struct {
	Error    string         `json:"error"`
	Type     string         `json:"type"`
	Config   map[string]any `json:"config"`
	Actors   []struct{ ID, Description string }
	Messages []struct {
		From, To, Text string
		Type           int
	}
}

// Mermaid's LINETYPE numbers for the statements we write.
var mermaidTypes = map[string]int{"->>": 0, "-->>": 1, "note": 2}

// TestMermaidParses parses every Mermaid block of every Markdown golden
// file with Mermaid's own parser (the npm mermaid package that
// testdata/servers/install.sh installs) and checks that Mermaid sees
// exactly our statements: no directive, the participants we declared, one
// message or note per step, each with its text intact, so that no server
// text ended a statement or started one.
func TestMermaidParses(t *testing.T) {
	modules := mermaidModules(t)
	var diagrams []string
	var want [][]mermaidStep
	for name, results := range markdownCases() {
		golden, err := os.ReadFile(filepath.Join("testdata", name+".md"))
		if err != nil {
			t.Fatal(err)
		}
		var blocks []string
		for _, b := range splitFenced(string(golden)) {
			if b.lang == "mermaid" {
				blocks = append(blocks, strings.Join(b.lines, "\n"))
			}
		}
		timelines := timelinesOf(results)
		if len(blocks) != len(timelines) {
			t.Fatalf("%s.md: %d Mermaid blocks for %d timelines", name, len(blocks), len(timelines))
		}
		diagrams = append(diagrams, blocks...)
		for _, tl := range timelines {
			want = append(want, mermaidSteps(tl))
		}
	}
	got := parseMermaid(t, modules, diagrams)
	for i, d := range got {
		checkDiagram(t, diagrams[i], d, want[i])
	}
}

// timelinesOf are the non-empty timelines the Markdown of results draws,
// in its order.
func timelinesOf(results []*result.Result) [][]result.Event {
	var out [][]result.Event
	for _, r := range results {
		for _, a := range r.Attempts {
			out = append(out, a.Timeline)
			for _, au := range a.Audits {
				out = append(out, au.Timeline)
			}
		}
	}
	return slices.DeleteFunc(out, func(tl []result.Event) bool { return len(tl) == 0 })
}

// checkDiagram compares what Mermaid parsed with the steps we drew.
func checkDiagram(t *testing.T, text string, d parsedDiagram, want []mermaidStep) {
	t.Helper()
	head, _, _ := strings.Cut(text, "\n    Note")
	switch {
	case d.Error != "":
		t.Errorf("Mermaid refused:\n%s\n%s", text, d.Error)
		return
	case d.Type != "sequence" || len(d.Config) > 0:
		t.Errorf("Mermaid saw type %q, config %v in:\n%s", d.Type, d.Config, head)
	case len(d.Messages) != len(want):
		t.Errorf("Mermaid saw %d statements, we drew %d:\n%s", len(d.Messages), len(want), text)
		return
	}
	for _, a := range d.Actors {
		if !slices.Contains([]string{mmClient, mmServer, mmData}, a.ID) {
			t.Errorf("Mermaid saw a participant %q (%q) of the server's", a.ID, a.Description)
		}
	}
	for i, m := range d.Messages {
		w := want[i]
		if m.From != w.from || m.To != w.to || m.Type != mermaidTypes[w.kind] || m.Text != strings.TrimSpace(w.text) {
			t.Errorf("statement %d: Mermaid saw %s→%s type %d %q, we drew %s→%s %s %q", i+1, m.From, m.To, m.Type, m.Text, w.from, w.to, w.kind, w.text)
		}
	}
}

// parseMermaid runs testdata/mermaid_parse.mjs on the diagrams.
func parseMermaid(t *testing.T, modules string, diagrams []string) []parsedDiagram {
	t.Helper()
	in, err := json.Marshal(diagrams)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("testdata", "mermaid_parse.mjs"), modules)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node mermaid_parse.mjs: %v\n%s", err, stderr.String())
	}
	var got []parsedDiagram
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node mermaid_parse.mjs: %v\n%s", err, out)
	}
	if len(got) != len(diagrams) {
		t.Fatalf("node mermaid_parse.mjs: %d results for %d diagrams", len(got), len(diagrams))
	}
	return got
}

// mermaidModules is the node_modules folder holding the npm mermaid
// package, where testdata/servers/install.sh puts it (under the servers'
// cache folder). Without Node.js or the package the test is skipped on a
// laptop and fails in CI or with FTPSDIAG_REAL_SERVERS=1.
func mermaidModules(t *testing.T) string {
	t.Helper()
	required := os.Getenv("CI") != "" || os.Getenv("FTPSDIAG_REAL_SERVERS") == "1"
	missing := t.Skipf
	if required {
		missing = t.Fatalf
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("%v (Node.js comes with the machine)", err)
	}
	dir := filepath.Join(cmp.Or(os.Getenv("FTPSDIAG_SERVER_CACHE"), "/var/cache/ftpsdiag-servers"), "node", "node_modules")
	if _, err := os.Stat(filepath.Join(dir, "mermaid", "package.json")); err != nil {
		missing("mermaid (npm): %v (run testdata/servers/install.sh)", err)
	}
	return dir
}
