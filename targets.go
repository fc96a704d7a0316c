package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// targetSpec is one target to diagnose, with the per-target settings a
// targets-file line may carry.
type targetSpec struct {
	target     string
	serverName string // "" = the --servername flag, or the host
	user       string // "" = the --user flag
	origin     string // where it came from, for messages: "argument 2", "hosts.txt:7"
	argument   bool   // typed on the command line
}

// maxTargetLine bounds one line of a targets file.
const maxTargetLine = 4096

// collectTargets gathers targets from the arguments, from --targets FILE
// and from standard input ("-" as an argument or as the file).
func collectTargets(args []string, file string, stdin io.Reader) ([]targetSpec, error) {
	var specs []targetSpec
	readStdin := false
	for i, a := range args {
		if a == "-" {
			readStdin = true
			continue
		}
		specs = append(specs, targetSpec{target: a, origin: fmt.Sprintf("argument %d", i+1), argument: true})
	}
	if file == "-" {
		readStdin, file = true, ""
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, usageError{fmt.Sprintf("--targets: %v", err)}
		}
		defer f.Close()
		more, err := parseTargets(f, file)
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			return nil, usageError{file + ": no targets in the file (one per line; blank lines and # comments are skipped)"}
		}
		specs = append(specs, more...)
	}
	if readStdin {
		more, err := parseTargets(stdin, "standard input")
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			return nil, usageError{"standard input: no targets (one per line; blank lines and # comments are skipped)"}
		}
		specs = append(specs, more...)
	}
	return specs, nil
}

// parseTargets reads one target per line: `TARGET [servername=NAME]
// [user=NAME]`. Blank lines and # comments are skipped. A line that is not
// of that form is an error naming the line; a target that does not parse
// is left to become that target's "unknown" result.
func parseTargets(r io.Reader, name string) ([]targetSpec, error) {
	var specs []targetSpec
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxTargetLine)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		spec := targetSpec{target: fields[0], origin: fmt.Sprintf("%s:%d", name, n)}
		for _, f := range fields[1:] {
			key, value, ok := strings.Cut(f, "=")
			switch {
			case ok && key == "servername" && value != "":
				spec.serverName = value
			case ok && key == "user" && value != "":
				spec.user = value
			default:
				return nil, usageError{fmt.Sprintf("%s: %q: want TARGET [servername=NAME] [user=NAME]", spec.origin, f)}
			}
		}
		specs = append(specs, spec)
	}
	if err := sc.Err(); err != nil {
		return nil, usageError{fmt.Sprintf("reading %s: %v", name, err)}
	}
	return specs, nil
}
