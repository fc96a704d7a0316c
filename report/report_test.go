package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var cases = []struct {
	name   string
	result func() *result.Result
}{
	{"healthy_vsftpd", healthyVsftpd},
	{"login_failed", loginFailed},
	{"anonymous_refused", anonymousRefused},
	{"pasv_mismatch", pasvMismatch},
	{"implicit_plaintext", implicitOnExplicitPort},
	{"cert_expired_self_signed", expiredSelfSigned},
	{"hostile", hostileServer},
	{"empty", nothingLearnt},
	{"scan_legacy", legacyVsftpd},
	{"scan_modern", modernProFTPD},
}

func TestTextGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			textGolden(t, tc.name+".txt", tc.result(), Options{})
		})
	}
	t.Run("narrow", func(t *testing.T) {
		textGolden(t, "hostile_width72.txt", hostileServer(), Options{Width: 72})
		textGolden(t, "scan_legacy_width60.txt", legacyVsftpd(), Options{Width: 60})
	})
}

func textGolden(t *testing.T, name string, r *result.Result, o Options) {
	t.Helper()
	golden(t, name, []byte(render(t, r, o)))
}

// render is the text report of r.
func render(t *testing.T, r *result.Result, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Text(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJSONGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, tc.result()); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".json", buf.Bytes())
		})
	}
}

// TestJSONRoundTrip: the JSON is the result struct itself, so it decodes
// back to an equal value. In the hostile case encoding/json replaces invalid
// UTF-8 with U+FFFD, as JSON requires, so that case is compared with its
// marshalled-and-decoded self.
func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range cases {
		want := tc.result()
		if tc.name == "hostile" {
			b, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			want = new(result.Result)
			if err := json.Unmarshal(b, want); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := JSON(&buf, tc.result()); err != nil {
			t.Fatal(err)
		}
		got := new(result.Result)
		if err := json.Unmarshal(buf.Bytes(), got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: round trip changed the result (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestJSONHostileEncoded(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, hostileServer()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x00\x07\r") {
		t.Error("raw control characters in JSON output")
	}
	if strings.Contains(out, "\u202e") {
		t.Error("raw U+202E in JSON output")
	}
	for _, want := range []string{`\u001b[31m`, `\u001b]0;pwned\u0007`, `\r`, `\u0000`, `\ufffd`, `\u202e`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON output lacks %s", want)
		}
	}
	if !strings.HasSuffix(out, "}\n") {
		t.Error("JSON output does not end in a newline")
	}
}

// TestTextFitsWidth: no line of any report is wider than asked, so nothing
// wraps into the lifelines.
func TestTextFitsWidth(t *testing.T) {
	for _, w := range []int{0, 40, 72, 100, 140} {
		for _, tc := range cases {
			var buf bytes.Buffer
			if err := Text(&buf, tc.result(), Options{Width: w}); err != nil {
				t.Fatal(err)
			}
			limit := max(w, minWidth)
			if w == 0 {
				limit = defaultWidth
			}
			for i, line := range strings.Split(buf.String(), "\n") {
				if n := width(line); n > limit {
					t.Errorf("%s at width %d: line %d is %d columns: %q", tc.name, w, i+1, n, line)
				}
			}
		}
	}
}

func TestTextColor(t *testing.T) {
	// go test's stdout is no terminal, so fatih/color's global NoColor is
	// true here: colour must come from Options alone.
	var on, off bytes.Buffer
	if err := Text(&on, expiredSelfSigned(), Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if err := Text(&off, expiredSelfSigned(), Options{Color: false}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(on.String(), "\x1b[31;1mcritical\x1b[") {
		t.Error("colour on: no red bold \"critical\" in the findings")
	}
	if !strings.Contains(on.String(), "\x1b[31;1mVERDICT: CRITICAL") {
		t.Error("colour on: verdict not red bold")
	}
	if strings.Contains(off.String(), "\x1b") {
		t.Error("colour off: output has escape sequences")
	}
}

func TestTextHostileIsInert(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, hostileServer(), Options{Color: false}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"\x1b", "\x07", "\x00", "\r", "\u202e", "\xff"} {
		if strings.Contains(out, bad) {
			t.Errorf("text report contains raw %q", bad)
		}
	}
	for _, want := range []string{`\x1b[31m`, `\x1b]0;pwned\x07`, `\r`, `\x00`, `\xff\xfe`, `\u202e`} {
		if !strings.Contains(out, want) {
			t.Errorf("text report does not show %s", want)
		}
	}
}

func TestTextNilResult(t *testing.T) {
	if err := Text(&bytes.Buffer{}, nil, Options{}); err == nil {
		t.Error("Text(nil) returned no error")
	}
}

func TestTextWriteError(t *testing.T) {
	want := os.ErrClosed
	if err := Text(failingWriter{want}, healthyVsftpd(), Options{}); err != want {
		t.Errorf("Text returned %v, want %v", err, want)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
