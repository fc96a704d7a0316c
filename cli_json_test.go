package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/report/schema"
)

// jsonOutput runs ftpsdiag --format json with args and returns stdout.
func jsonOutput(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"--format", "json", "--mode", "explicit"}, args...)
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitCritical {
		t.Fatalf("ftpsdiag %s: exit %d, want %d (a closed port); stderr: %s", strings.Join(args, " "), code, exitCritical, stderr.Bytes())
	}
	return stdout.Bytes()
}

// TestJSONShape: one target argument gives an object; a list of targets
// (a file, even of one line, or several arguments) gives an array; both
// follow output.schema.json.
func TestJSONShape(t *testing.T) {
	target := closedPort(t)
	file := filepath.Join(t.TempDir(), "one.txt")
	if err := os.WriteFile(file, []byte(target+"\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		first byte // '{' or '['
	}{
		{"one argument", []string{target}, '{'},
		{"a file of one", []string{"--targets", file}, '['},
		{"two arguments", []string{target, closedPort(t)}, '['},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := jsonOutput(t, tc.args...)
			if len(out) == 0 || out[0] != tc.first {
				t.Errorf("output starts %.20q, want %q", out, tc.first)
			}
			if err := schema.ValidateOutput(out); err != nil {
				t.Error(err)
			}
		})
	}
}

// readmeJQ finds the jq filters of the README's examples: `| jq [-r]
// 'FILTER'` on lines that run ftpsdiag --format json.
var readmeJQ = regexp.MustCompile(`(?m)^ftpsdiag [^|\n]*--format json[^|\n]*\| jq ((?:-\w+ )*)'([^'\n]+)'$`)

// TestREADMEJQExamples runs every jq example of the README on both shapes
// of output for the same closed port: each must succeed on both, print the
// same thing and mention the target.
func TestREADMEJQExamples(t *testing.T) {
	ftpdtest.RequireTool(t, "jq")
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := readmeJQ.FindAllSubmatch(readme, -1)
	if len(examples) < 2 {
		t.Fatalf("found %d jq examples in README.md, want at least 2", len(examples))
	}
	target := closedPort(t)
	file := filepath.Join(t.TempDir(), "fleet.txt")
	if err := os.WriteFile(file, []byte(target+"\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	object, array := jsonOutput(t, target), jsonOutput(t, "--targets", file)
	for _, ex := range examples {
		args := append(strings.Fields(string(ex[1])), string(ex[2]))
		fromObject, fromArray := jq(t, args, object), jq(t, args, array)
		if fromObject != fromArray {
			t.Errorf("jq %s: %q from an object, %q from an array of one", args, fromObject, fromArray)
		}
		if !strings.Contains(fromObject, target) {
			t.Errorf("jq %s printed %q: no target %s", args, fromObject, target)
		}
	}
}

// jq runs jq with args on input and returns its output.
func jq(t *testing.T, args []string, input []byte) string {
	t.Helper()
	cmd := exec.Command("jq", args...)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jq %s: %v: %s", args, err, stderr.Bytes())
	}
	return string(out)
}
