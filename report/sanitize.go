package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sanitize makes untrusted server text safe to print on a terminal while
// keeping it faithful as evidence: control characters (C0, DEL, C1), the
// escape byte that starts ANSI CSI and OSC sequences, invalid UTF-8 and the
// bidirectional-text controls are shown escaped (`\x1b`, `\r`, `\xff`,
// `\u202e`) instead of being interpreted; a tab becomes a space. Backslashes
// are left alone so that RFC 2253 names such as `CN=a\, b` read as usual.
func Sanitize(s string) string {
	if isSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			writeRune(&b, r)
		}
		i += size
	}
	return b.String()
}

// isSafe reports whether s can be printed as it is.
func isSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if needsEscape(r) {
			return false
		}
	}
	return true
}

// writeRune writes r, escaped when a terminal would act on it.
func writeRune(b *strings.Builder, r rune) {
	switch {
	case r == '\t':
		b.WriteByte(' ')
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\n':
		b.WriteString(`\n`)
	case r < 0x20 || r == 0x7f:
		fmt.Fprintf(b, `\x%02x`, r)
	case needsEscape(r):
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		b.WriteRune(r)
	}
}

// needsEscape reports control characters and the invisible characters that
// reorder or break displayed text.
func needsEscape(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// sanitizeLines sanitizes each line of s but keeps the line breaks, for
// multi-line table cells.
func sanitizeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Sanitize(l)
	}
	return strings.Join(lines, "\n")
}
