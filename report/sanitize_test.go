package report

import "testing"

func TestSanitize(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "220 (vsFTPd 3.0.3)", "220 (vsFTPd 3.0.3)"},
		{"empty", "", ""},
		{"non-ASCII letters", "220 Grüße, 日本", "220 Grüße, 日本"},
		{"backslash kept", `CN=a\, b`, `CN=a\, b`},
		{"replacement character kept", "a\ufffdb", "a\ufffdb"},
		{"CSI colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"CSI clear screen", "\x1b[2J", `\x1b[2J`},
		{"OSC title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"OSC with ST", "\x1b]8;;http://x\x1b\\link", `\x1b]8;;http://x\x1b\link`},
		{"CRLF", "221 Goodbye.\r\n", `221 Goodbye.\r\n`},
		{"bare CR", "ok\rFAKE", `ok\rFAKE`},
		{"NUL", "a\x00b", `a\x00b`},
		{"bell", "\a", `\x07`},
		{"backspace", "abc\b\b", `abc\x08\x08`},
		{"DEL", "a\x7f", `a\x7f`},
		{"tab", "a\tb", "a b"},
		{"C1 CSI rune", "\u009b31m", `\u009b31m`},
		{"C1 NEL rune", "a\u0085b", `a\u0085b`},
		{"invalid UTF-8", "\xff\xfe", `\xff\xfe`},
		{"lone C1 byte", "a\x9bb", `a\x9bb`},
		{"truncated sequence", "a\xe2\x80", `a\xe2\x80`},
		{"RLO", "abc\u202edef", `abc\u202edef`},
		{"LRE PDF", "\u202ax\u202c", `\u202ax\u202c`},
		{"isolates", "\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		{"RLM", "a\u200fb", `a\u200fb`},
		{"line separator", "a\u2028b", `a\u2028b`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestWrapText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want []string
	}{
		{"short", 10, []string{"short"}},
		{"one two three four", 9, []string{"one two", "three", "four"}},
		{"CN=ftp.example.com,O=Example Trust Services,C=US", 20, []string{"CN=ftp.example.com,", "O=Example Trust", "Services,C=US"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"a\nb c", 10, []string{"a", "b c"}},
	} {
		got := wrapText(tc.in, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("wrapText(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
				break
			}
		}
	}
}
