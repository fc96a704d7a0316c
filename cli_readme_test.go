package main

import (
	"io"
	"os"
	"regexp"
	"testing"

	"github.com/spf13/pflag"
)

// TestREADMEMentionsEveryFlag keeps README.md in step with newFlagSet: every
// flag must appear there as --name. A missing README.md is a failure too,
// not a skip (the README is being written; the lead makes this pass).
func TestREADMEMentionsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatalf("README.md must document every flag: %v", err)
	}
	fs, _ := newFlagSet(io.Discard)
	n := 0
	fs.VisitAll(func(f *pflag.Flag) {
		n++
		// --name not followed by more of a flag name: --mode does not count
		// as a mention of --mode-x, nor the reverse.
		re := regexp.MustCompile(`--` + regexp.QuoteMeta(f.Name) + `(?:[^\w-]|$)`)
		if !re.Match(readme) {
			t.Errorf("README.md does not mention --%s (%s)", f.Name, f.Usage)
		}
	})
	if n == 0 {
		t.Fatal("newFlagSet defines no flags")
	}
}
