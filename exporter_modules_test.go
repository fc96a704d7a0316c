package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe"
)

// password is what the test password files hold; no error or log may show it.
const password = "s3cret-Pa55"

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadModules(t *testing.T) {
	dir := t.TempDir()
	ca := writeFile(t, dir, "ca.pem", string(rootCA(t).RootPEM()))
	pass := writeFile(t, dir, "alice.pass", password+"\nsecond line\n")
	writeFile(t, dir, "empty.pass", "\n")
	writeFile(t, dir, "not.pem", "not a certificate\n")

	good := fmt.Sprintf(`modules:
  default: {}
  alice:
    mode: explicit
    port: 2121
    timeout: 2.5s
    deadline: 20s
    servername: ftp.example.com
    ca_file: %s
    user: alice
    password_file: %s
    scan: true
    ccc: true
    max_conns: 4
    transfers: 1
    warn_days: 0
    ignore: [epsv-unsupported, tls-no-server-preference]
    allow:
      hosts: [ftp.example.com, 192.0.2.0/24]
      ports: [2121, 3000-3010]
  lowwarn:
    warn_days: 5
  crit:
    crit_days: 0
`, ca, pass)
	mods, err := loadModules(writeFile(t, dir, "good.yml", good))
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 4 {
		t.Fatalf("modules = %v, want default, alice, lowwarn and crit", mods)
	}
	if d := mods["default"]; d.Mode != probe.ModeDefault || d.Timeout != 10*time.Second || d.Deadline != time.Minute || d.allow.set() || d.MaxConns != 8 || d.WarnDays != 30 || d.CritDays != 7 || d.Ignore != nil || d.roots != nil {
		t.Errorf("default = %+v, want the command line's defaults", d)
	}
	a := mods["alice"]
	if a.Mode != probe.ModeExplicit || a.Port != 2121 || a.Timeout != 2500*time.Millisecond || a.Deadline != 20*time.Second || a.ServerName != "ftp.example.com" ||
		a.User != "alice" || !a.Scan || !a.CCC || a.MaxConns != 4 || a.Transfers != 1 || a.WarnDays != 0 || a.CritDays != 0 || a.roots == nil ||
		!slices.Equal(a.Ignore, []string{"epsv-unsupported", "tls-no-server-preference"}) {
		t.Errorf("alice = %+v", a)
	}
	if l := a.allow; !l.allowsName("ftp.example.com") || !l.allowsAddr(netip.MustParseAddr("192.0.2.200")) || l.allowsAddr(netip.MustParseAddr("192.0.3.1")) ||
		!l.allowsPort(3005) || l.allowsPort(21) {
		t.Errorf("alice's allow-list = %+v", l)
	}
	// As on the command line: warn_days alone lowers crit_days with it.
	if l, c := mods["lowwarn"], mods["crit"]; l.WarnDays != 5 || l.CritDays != 5 || c.WarnDays != 30 || c.CritDays != 0 {
		t.Errorf("lowwarn = %d/%d days, crit = %d/%d days; want 5/5 and 30/0", l.WarnDays, l.CritDays, c.WarnDays, c.CritDays)
	}
	if string(a.Password) != password {
		t.Errorf("password not read from the first line of the file")
	}
	if s := fmt.Sprintf("%v %+v %#v %s", mods, a, a, a.Password); strings.Contains(s, password) {
		t.Errorf("fmt shows the password: %s", s)
	}

	if mods, err := loadModules(""); err != nil || len(mods) != 1 || mods[defaultModule].Timeout != 10*time.Second {
		t.Errorf(`loadModules("") = %+v, %v; want the default module`, mods, err)
	}

	for _, tc := range []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"unknown field", "modules:\n  m:\n    passwort_file: x\n", []string{"bad.yml", "line 3", "passwort_file"}},
		{"unknown top-level field", "modul:\n  m: {}\n", []string{"modul"}},
		{"password in the file", "modules:\n  m:\n    password: x\n", []string{"password"}},
		{"bad duration", "modules:\n  m:\n    timeout: 10 sec\n", []string{`line 3: timeout: "10 sec" is not a duration such as 10s`}},
		{"misspelt key", "modules:\n  m:\n    timout: 5s\n", []string{`bad.yml: line 3: unknown field "timout" (did you mean "timeout"?)`}},
		{"misspelt allow key", "modules:\n  m:\n    allow:\n      host: [x]\n", []string{`line 4: unknown field "host" (did you mean "hosts"?)`}},
		{"bad number", "modules:\n  m:\n    warn_days: soon\n", []string{`line 3: warn_days: "soon" is not a whole number`}},
		{"bad switch", "modules:\n  m:\n    scan: maybe\n", []string{`line 3: scan: "maybe" is not true or false`}},
		{"list for a mode", "modules:\n  m:\n    mode: [explicit]\n", []string{`line 3: a list is not implicit, explicit, both or auto`}},
		{"a list for the file", "- modules\n", []string{`line 1: a list is not a mapping of settings`}},
		{"negative duration", "modules:\n  m:\n    timeout: -1s\n", []string{`module "m"`, "timeout -1s"}},
		{"negative deadline", "modules:\n  m:\n    deadline: -1s\n", []string{`module "m"`, "deadline -1s"}},
		{"wildcard host", "modules:\n  m:\n    allow: {hosts: ['*.example.com']}\n", []string{`module "m"`, `allow: hosts: "*.example.com": want a host name`}},
		{"bad port range", "modules:\n  m:\n    allow: {ports: [2130-2121]}\n", []string{`allow: ports: "2130-2121"`}},
		{"unknown allow key", "modules:\n  m:\n    allow: {networks: [10.0.0.0/8]}\n", []string{"line 3", "networks"}},
		{"bad mode", "modules:\n  m:\n    mode: starttls\n", []string{`module "m"`, `mode "starttls"`}},
		{"bad port", "modules:\n  m:\n    implicit_port: 99999\n", []string{"implicit_port 99999"}},
		{"port and explicit_port", "modules:\n  m:\n    port: 21\n    explicit_port: 2121\n", []string{"exclude each other"}},
		{"bad max_conns", "modules:\n  m:\n    max_conns: 100\n", []string{"max_conns 100"}},
		{"bad transfers", "modules:\n  m:\n    transfers: 21\n", []string{"transfers 21: want 1 to 20"}},
		{"negative warn_days", "modules:\n  m:\n    warn_days: -1\n", []string{"warn_days -1"}},
		{"crit_days over warn_days", "modules:\n  m:\n    warn_days: 10\n    crit_days: 11\n", []string{"crit_days 11: want 0 to warn_days (10)"}},
		{"negative crit_days", "modules:\n  m:\n    crit_days: -1\n", []string{"crit_days -1"}},
		{"unknown ignore id", "modules:\n  m:\n    ignore: [no-such-finding]\n", []string{`ignore "no-such-finding": no such finding id`}},
		{"ignore not a list", "modules:\n  m:\n    ignore: 7: x\n", []string{"bad.yml"}},
		{"missing password file", "modules:\n  m:\n    user: alice\n    password_file: " + filepath.Join(dir, "nope.pass") + "\n", []string{`module "m"`, "password_file", "nope.pass", "no such file"}},
		{"empty password file", "modules:\n  m:\n    user: alice\n    password_file: " + filepath.Join(dir, "empty.pass") + "\n", []string{"first line is empty"}},
		{"user without password_file", "modules:\n  m:\n    user: alice\n", []string{"user needs password_file"}},
		{"password_file without user", "modules:\n  m:\n    password_file: " + pass + "\n", []string{"password_file needs user"}},
		{"missing ca_file", "modules:\n  m:\n    ca_file: " + filepath.Join(dir, "nope.pem") + "\n", []string{"ca_file", "no such file"}},
		{"ca_file without certificates", "modules:\n  m:\n    ca_file: " + filepath.Join(dir, "not.pem") + "\n", []string{"no PEM certificates"}},
		{"no modules", "modules: {}\n", []string{"no modules"}},
		{"empty file", "", []string{"no modules"}},
		{"not YAML", "modules: [\n", []string{"bad.yml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadModules(writeFile(t, dir, "bad.yml", tc.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("error %q shows the password", err)
			}
			if goType.MatchString(err.Error()) {
				t.Errorf("error %q names a Go type: say it in the file's words", err)
			}
		})
	}

	if _, err := loadModules(filepath.Join(dir, "missing.yml")); err == nil || !strings.Contains(err.Error(), "missing.yml") {
		t.Errorf("missing file: error %v does not name it", err)
	}
}

// goType matches the Go type names the yaml package's own messages carry
// ("main.moduleFile", "time.Duration", "[]string").
var goType = regexp.MustCompile(`\b(main|probe|time)\.[A-Za-z]|\[\]string|!!`)

// nearest suggests a key only for a near miss.
func TestNearestKey(t *testing.T) {
	keys := []string{"mode", "port", "timeout", "password_file", "warn_days"}
	for word, want := range map[string]string{
		"timout":        "timeout",
		"passwort_file": "password_file",
		"warn-days":     "warn_days",
		"Mode":          "mode",
		"password":      "", // five edits from password_file: no guess
		"networks":      "",
	} {
		if got := nearest(word, keys); got != want {
			t.Errorf("nearest(%q) = %q, want %q", word, got, want)
		}
	}
}
