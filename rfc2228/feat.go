package rfc2228

import (
	"slices"
	"strings"
)

// Features are the feature lines of a FEAT reply (RFC 2389).
type Features struct {
	Lines []string // feature lines, trimmed, without the opening and closing lines
}

// ParseFeat returns the features of a multi-line 211 reply; any other reply
// lists none.
func ParseFeat(r Reply) Features {
	var f Features
	if r.Code != CodeSystemStatus || len(r.Lines) < 3 {
		return f
	}
	for _, line := range r.Lines[1 : len(r.Lines)-1] {
		// RFC 2389 starts feature lines with a space; some servers
		// repeat "211-" instead.
		line = strings.TrimSpace(strings.TrimPrefix(line, "211-"))
		if line != "" {
			f.Lines = append(f.Lines, line)
		}
	}
	return f
}

// Has reports whether a feature line starts with the word name, ignoring case.
func (f Features) Has(name string) bool {
	for _, line := range f.Lines {
		word, _, _ := strings.Cut(line, " ")
		if strings.EqualFold(word, name) {
			return true
		}
	}
	return false
}

// AuthMechanisms returns the AUTH mechanisms listed, upper-cased, in order and
// without repeats, from one line "AUTH TLS;TLS-C;SSL" or from several lines.
func (f Features) AuthMechanisms() []string {
	var mechs []string
	for _, line := range f.Lines {
		word, rest, _ := strings.Cut(line, " ")
		if !strings.EqualFold(word, "AUTH") {
			continue
		}
		for _, m := range strings.FieldsFunc(rest, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
			if m = strings.ToUpper(m); !slices.Contains(mechs, m) {
				mechs = append(mechs, m)
			}
		}
	}
	return mechs
}
