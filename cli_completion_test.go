package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
)

// output runs ftpsdiag with args, wants exit 0, and returns stdout.
func output(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("ftpsdiag %s: exit %d: %s", strings.Join(args, " "), code, stderr.Bytes())
	}
	return stdout.String()
}

// script writes ftpsdiag completion SHELL to a file and returns its path.
func script(t *testing.T, shell string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "ftpsdiag."+shell)
	if err := os.WriteFile(file, []byte(output(t, "completion", shell)), 0o666); err != nil {
		t.Fatal(err)
	}
	return file
}

// shellOutput runs a shell with args and returns what it printed.
func shellOutput(t *testing.T, shell string, args ...string) string {
	t.Helper()
	ftpdtest.RequireTool(t, shell)
	out, err := exec.Command(shell, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", shell, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// allFlags lists every flag of the command line.
func allFlags() []string {
	fs, _ := newFlagSet(io.Discard)
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}

// TestCompletionBash sources the bash script in bash: the completion is
// registered, and it completes flags, their values (the ids after a comma
// in --ignore), subcommands and the shells of completion.
func TestCompletionBash(t *testing.T) {
	file := script(t, "bash")
	// complete WORDS... prints what completing the last word offers.
	const complete = `complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ftpsdiag; echo "${COMPREPLY[*]}"; }; `
	out := shellOutput(t, "bash", "-c", "source "+file+" && complete -p ftpsdiag && "+complete+
		`complete_words ftpsdiag --mo && complete_words ftpsdiag --fail-on c && complete_words ftpsdiag --ignore cert-expired,port-c && `+
		`complete_words ftpsdiag fin && complete_words ftpsdiag completion f && complete_words ftpsdiag --timeout "" && `+
		`complete_words ftpsdiag --mode = && complete_words ftpsdiag --format = js`)
	want := "complete -F _ftpsdiag ftpsdiag\n--mode\ncritical\ncert-expired,port-closed\nfindings\nfish\n\nimplicit explicit both auto\njson jsonl\n"
	if out != want {
		t.Errorf("bash completion:\n%q\nwant\n%q", out, want)
	}
}

// TestCompletionZshFish: both scripts parse in their shell, name every
// flag, and fish completes --mode's values.
func TestCompletionZshFish(t *testing.T) {
	zsh, fish := script(t, "zsh"), script(t, "fish")
	shellOutput(t, "zsh", "-n", zsh)
	shellOutput(t, "fish", "-n", fish)
	for _, shell := range []string{"zsh", "fish"} {
		text := output(t, "completion", shell)
		for _, name := range allFlags() {
			if !strings.Contains(text, "--"+name+"[") && !strings.Contains(text, "-l "+name+" ") {
				t.Errorf("%s completion does not offer --%s", shell, name)
			}
		}
	}
	out := shellOutput(t, "fish", "-c", "source "+fish+"; complete -C'ftpsdiag --mode '")
	for _, mode := range []string{"implicit", "explicit", "both", "auto"} {
		if !strings.Contains(out, mode+"\t") {
			t.Errorf("fish does not complete --mode %s: %q", mode, out)
		}
	}
}

// TestCompletionChoices: every value a completion offers for a flag is one
// the command line accepts.
func TestCompletionChoices(t *testing.T) {
	for name, values := range flagChoices() {
		for _, v := range values {
			fs, o := newFlagSet(io.Discard)
			if err := fs.Parse([]string{"--" + name, v}); err != nil {
				t.Fatal(err)
			}
			if err := o.check(); err != nil {
				t.Errorf("--%s %s is offered but refused: %v", name, v, err)
			}
		}
	}
}

// TestManPage: the page names every flag and subcommand, and man renders
// it without a warning, every flag written as typed (--name, ASCII).
func TestManPage(t *testing.T) {
	page := output(t, "man")
	for _, name := range allFlags() {
		if !strings.Contains(page, `\-\-`+strings.ReplaceAll(name, "-", `\-`)) {
			t.Errorf("the man page does not describe --%s", name)
		}
	}
	ftpdtest.RequireTool(t, "man")
	cmd := exec.Command("man", "--warnings", "-P", "cat", "-l", "-")
	cmd.Stdin = strings.NewReader(page)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "LC_ALL=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	rendered, err := cmd.Output()
	if err != nil || stderr.Len() != 0 {
		t.Fatalf("man -l: %v\n%s", err, stderr.Bytes())
	}
	for _, name := range allFlags() {
		if !bytes.Contains(rendered, []byte("--"+name)) {
			t.Errorf("rendered page lacks --%s", name)
		}
	}
	for _, c := range subcommands {
		if !bytes.Contains(rendered, []byte("ftpsdiag "+c.name)) {
			t.Errorf("rendered page lacks ftpsdiag %s", c.name)
		}
	}
}
