package probe

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
	}{
		{"ftp.example.com", Target{Host: "ftp.example.com"}},
		{"ftp.example.com:2121", Target{Host: "ftp.example.com", Port: 2121}},
		{"  ftp.example.com  ", Target{Host: "ftp.example.com"}},
		{"192.0.2.7", Target{Host: "192.0.2.7"}},
		{"192.0.2.7:990", Target{Host: "192.0.2.7", Port: 990}},
		{"[2001:db8::1]:21", Target{Host: "2001:db8::1", Port: 21}},
		{"2001:db8::1", Target{Host: "2001:db8::1"}},
		{"::1", Target{Host: "::1"}},
		{"[::1]", Target{Host: "::1"}},
		{"[2001:db8::1]", Target{Host: "2001:db8::1"}},
		{"ftps://ftp.example.com", Target{Host: "ftp.example.com", Mode: result.ModeImplicit}},
		{"FTPS://ftp.example.com:8990/", Target{Host: "ftp.example.com", Port: 8990, Mode: result.ModeImplicit}},
		{"ftpes://ftp.example.com", Target{Host: "ftp.example.com", Mode: result.ModeExplicit}},
		{"ftp://[2001:db8::1]:2121", Target{Host: "2001:db8::1", Port: 2121, Mode: result.ModeExplicit}},
		{"ftp_host.internal", Target{Host: "ftp_host.internal"}},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.in)
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Target{}, "Raw")); diff != "" {
			t.Errorf("ParseTarget(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.Raw != tt.in {
			t.Errorf("ParseTarget(%q).Raw = %q", tt.in, got.Raw)
		}
	}
}

func TestParseTargetErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"host:0",
		"host:65536",
		"host:http",
		"host:",
		":21",
		"[::1",
		"[192.0.2.7]",
		"[ftp.example.com]",
		"a:b:c:d",
		"sftp://host",
		"https://host",
		"ftps://user:secret@host",
		"ftps://user@host",
		"ftps://host/pub/file.txt",
		"ftps://host?x=1",
		"ftps://",
		"ftps://host:99999",
		"host name",
		"host\x1b[31m",
		"host/path",
	} {
		_, err := ParseTarget(in)
		if !errors.Is(err, ErrBadTarget) {
			t.Errorf("ParseTarget(%q) = %v, want an ErrBadTarget", in, err)
		}
	}
}

func TestRedactTarget(t *testing.T) {
	for in, want := range map[string]string{
		"ftps://user:pw@host:990": "ftps://****@host:990",
		"user:pw@host":            "****@host",
		"host:21":                 "host:21",
		"ftp://a@b@host":          "ftp://****@host",
	} {
		if got := RedactTarget(in); got != want {
			t.Errorf("RedactTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"ftp.example.com", "host:21", "[::1]:990", "[::1]", "ftps://h:1/", "ftpes://h", "ftp://[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTarget(s)
		if err != nil {
			return
		}
		if got.Host == "" || got.Port < 0 || got.Port > 65535 {
			t.Fatalf("ParseTarget(%q) = %+v: accepted an impossible target", s, got)
		}
	})
}

func TestPlans(t *testing.T) {
	mustTarget := func(s string) Target {
		tg, err := ParseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	tests := []struct {
		target string
		cfg    Config
		want   []plan
	}{
		{"h", Config{}, []plan{{result.ModeImplicit, 990}, {result.ModeExplicit, 21}}},
		{"h", Config{ImplicitPort: 8990, ExplicitPort: 2121}, []plan{{result.ModeImplicit, 8990}, {result.ModeExplicit, 2121}}},
		{"h", Config{Mode: ModeExplicit}, []plan{{result.ModeExplicit, 21}}},
		{"h", Config{Mode: ModeImplicit}, []plan{{result.ModeImplicit, 990}}},
		{"h:2121", Config{}, []plan{{"", 2121}}},
		{"h:2121", Config{Mode: ModeExplicit}, []plan{{result.ModeExplicit, 2121}}},
		{"h:2121", Config{Mode: ModeBoth}, []plan{{result.ModeImplicit, 2121}, {result.ModeExplicit, 2121}}},
		{"ftps://h", Config{}, []plan{{result.ModeImplicit, 990}}},
		{"ftps://h:2990", Config{}, []plan{{result.ModeImplicit, 2990}}},
		{"ftpes://h", Config{}, []plan{{result.ModeExplicit, 21}}},
		{"ftpes://h", Config{ExplicitPort: 2121}, []plan{{result.ModeExplicit, 2121}}},
		{"ftpes://h", Config{Mode: ModeExplicit}, []plan{{result.ModeExplicit, 21}}},
	}
	for _, tt := range tests {
		tt.cfg.Target = mustTarget(tt.target)
		got, err := tt.cfg.plans()
		if err != nil {
			t.Errorf("%s %+v: %v", tt.target, tt.cfg, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(plan{})); diff != "" {
			t.Errorf("%s mode %q (-want +got):\n%s", tt.target, tt.cfg.Mode, diff)
		}
	}

	for _, bad := range []struct {
		target string
		cfg    Config
	}{
		{"ftps://h", Config{Mode: ModeExplicit}},
		{"ftpes://h", Config{Mode: ModeImplicit}},
		{"h", Config{Mode: ModeAuto}},
		{"h:21", Config{ExplicitPort: 2121}},
		{"h", Config{Mode: "sideways"}},
	} {
		bad.cfg.Target = mustTarget(bad.target)
		if _, err := bad.cfg.plans(); err == nil {
			t.Errorf("%s %+v: want an error", bad.target, bad.cfg)
		}
	}
}

// TestControlPorts: the ports an allow-list must admit are the ones plans
// dials.
func TestControlPorts(t *testing.T) {
	for _, tc := range []struct {
		target string
		mode   ModeChoice
		cfg    Config
		want   []int
	}{
		{"ftp.example.com", "", Config{}, []int{990, 21}},
		{"ftp.example.com", ModeExplicit, Config{ExplicitPort: 2121}, []int{2121}},
		{"ftp.example.com", ModeImplicit, Config{}, []int{990}},
		{"ftps://ftp.example.com", "", Config{}, []int{990}},
		{"ftpes://ftp.example.com", "", Config{}, []int{21}},
		{"ftp.example.com:2121", ModeAuto, Config{}, []int{2121}},
		{"ftps://ftp.example.com:2990", "", Config{}, []int{2990}},
	} {
		target, err := ParseTarget(tc.target)
		if err != nil {
			t.Fatal(err)
		}
		tc.cfg.Target, tc.cfg.Mode = target, tc.mode
		if got, err := tc.cfg.ControlPorts(); err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("%s, mode %q: %v, %v; want %v", tc.target, tc.mode, got, err, tc.want)
		}
	}
}
