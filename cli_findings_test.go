package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// TestFindingsListsCatalog: ftpsdiag findings has one line per reported
// cause, in catalog order, each with its severity, stage and title.
func TestFindingsListsCatalog(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"findings"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.Bytes())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	ids := cause.Reported()
	if len(lines) != len(ids) {
		t.Fatalf("%d lines, want one for each of the %d reported causes", len(lines), len(ids))
	}
	for i, id := range ids {
		c := id.Cause()
		fields := strings.Fields(lines[i])
		if len(fields) < 4 || fields[0] != id.String() || fields[1] != string(c.Severity) || fields[2] != c.Stage || !strings.HasSuffix(lines[i], "  "+c.Title) {
			t.Errorf("line %d = %q, want %s, %s, %s and its title", i+1, lines[i], id, c.Severity, c.Stage)
		}
	}
}
