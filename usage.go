package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// flagHelp is one flag as --help, the man page and the completions show
// it.
type flagHelp struct {
	Name  string // without the dashes
	Arg   string // the value's name ("string", "int", "duration", ...); "" for a boolean switch
	Usage string // what it does, with its default when that is not the zero value
}

// flagHelps lists the flags of fs in declaration order. A boolean is a
// switch: --no-color, not pflag's --no-color[=true|false].
func flagHelps(fs *pflag.FlagSet) []flagHelp {
	var out []flagHelp
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		arg, usage := pflag.UnquoteUsage(f)
		if f.Value.Type() == "bool" {
			arg = ""
		}
		if !zeroDefault(f) {
			def := f.DefValue
			if f.Value.Type() == "string" {
				def = fmt.Sprintf("%q", def)
			}
			usage += " (default " + def + ")"
		}
		out = append(out, flagHelp{Name: f.Name, Arg: arg, Usage: usage})
	})
	return out
}

// zeroDefault reports whether f's default is its type's zero value, which
// the help does not spell out.
func zeroDefault(f *pflag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
		return true
	}
	return false
}

// flagUsages is the Flags: section of --help, one flag a line, the
// descriptions aligned.
func flagUsages(fs *pflag.FlagSet) string {
	helps := flagHelps(fs)
	width := 0
	for _, h := range helps {
		width = max(width, len(h.spelled()))
	}
	var b strings.Builder
	for _, h := range helps {
		fmt.Fprintf(&b, "      %-*s   %s\n", width, h.spelled(), h.Usage)
	}
	return b.String()
}

// spelled is the flag as typed: "--mode string", "--no-color".
func (h flagHelp) spelled() string {
	if h.Arg == "" {
		return "--" + h.Name
	}
	return "--" + h.Name + " " + h.Arg
}
