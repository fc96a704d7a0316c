package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
)

// perfItem is one performance-data item as Monitoring::Plugin read it.
type perfItem struct {
	label, value, uom, warn, crit, min string
	state                              int // what its own thresholds make of its value
}

// guidelineItem is one item in the plugin guidelines' form
// label=value[UOM];[warn];[crit];[min], with one of their units: label,
// value, unit, warn, crit, min.
var guidelineItem = regexp.MustCompile(`^([A-Za-z0-9_.-]+)=(-?[0-9]+(?:\.[0-9]+)?)(us|ms|s|%|B|KB|MB|TB|c)?(?:;([0-9~:.@-]*))?(?:;([0-9~:.@-]*))?(?:;(-?[0-9.]*))?$`)

// The plugin line as the Nagios plugin library reads it: for certificates
// with 817, 9 and 3 days left, the thresholds in our performance data mean
// OK, WARNING and CRITICAL, the state our status word and exit code give;
// the durations carry their unit and minimum; and the library reads every
// item as we meant it, so none was half understood.
func TestNagiosPerfdataMeaning(t *testing.T) {
	requireInstalled(t, "Monitoring::Plugin (libmonitoring-plugin-perl)", "perl", "-MMonitoring::Plugin::Performance", "-e", "1")
	states := []string{"OK", "WARNING", "CRITICAL"}
	for _, tc := range []struct{ days, want int }{{817, exitOK}, {9, exitWarning}, {3, exitCritical}} {
		t.Run(strconv.Itoa(tc.days)+" days", func(t *testing.T) {
			caFile := filepath.Join(t.TempDir(), "ca.pem")
			srv, err := healthyFTPS(caFile, time.Now().Add(time.Duration(tc.days)*24*time.Hour+12*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			var stdout, stderr strings.Builder
			code := run(context.Background(), []string{"--format", "nagios", "--ca-file", caFile, "ftpes://" + srv.Addr}, nil, &stdout, &stderr)
			out := stdout.String()
			if code != tc.want || !strings.HasPrefix(out, "FTPS "+states[tc.want]+" - ") {
				t.Fatalf("exit %d, output %q (stderr %q); want %d and FTPS %s", code, out, stderr.String(), tc.want, states[tc.want])
			}
			_, perf, _ := strings.Cut(strings.SplitN(out, "\n", 2)[0], " | ")
			sent := strings.Fields(perf)
			items := parsePerfdata(t, out)
			if len(items) != len(sent) {
				t.Fatalf("Monitoring::Plugin read %d items of %q", len(items), perf)
			}
			for i, it := range items {
				m := guidelineItem.FindStringSubmatch(sent[i])
				if m == nil {
					t.Fatalf("%q is not in the guidelines' form", sent[i])
				}
				want, _ := strconv.ParseFloat(m[2], 64)
				if got, err := strconv.ParseFloat(it.value, 64); err != nil || got != want ||
					[5]string{it.label, it.uom, it.warn, it.crit, it.min} != [5]string{m[1], m[3], m[4], m[5], m[6]} {
					t.Errorf("Monitoring::Plugin read %q as %+v", sent[i], it)
				}
				switch it.label {
				case "days_left":
					if it.value != strconv.Itoa(tc.days) || it.state != tc.want || it.uom != "" || it.min != "" {
						t.Errorf("days_left: %+v; want value %d, state %d, no unit, no minimum (negative once expired)", it, tc.days, tc.want)
					}
				case "handshake_ms", "total_ms":
					if it.uom != "ms" || it.min != "0" || it.state != exitOK {
						t.Errorf("%s: %+v; want unit ms, minimum 0, no thresholds", it.label, it)
					}
				default:
					t.Errorf("unexpected item %+v", it)
				}
			}
		})
	}
}

// A server that refuses the anonymous login, and shows nothing else wrong,
// is not "FTPS works" with exit 0: the run is incomplete, exit 3, Nagios'
// UNKNOWN, and its verdict says what was not tested.
func TestIncompleteExitCode(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	srv, err := healthyFTPS(caFile, time.Time{}, func(c *ftpstest.Config) { c.DenyAnonymous = true })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	verdict := "The control channel works (explicit TLS 1.3 on port " + strconv.Itoa(srv.Port) +
		"); the data channel was not tested: anonymous login refused (530 Login incorrect.), use --user."
	for format, want := range map[string]string{
		"json":   `"status": "incomplete",`,
		"nagios": "FTPS UNKNOWN - " + verdict + " | ",
		"text":   "VERDICT: INCOMPLETE — The control channel works",
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), []string{"--format", format, "--ca-file", caFile, "ftpes://" + srv.Addr}, nil, &stdout, &stderr)
		if code != exitUnknown || !strings.Contains(stdout.String(), want) {
			t.Errorf("--format %s: exit %d, output %q; want 3 and %q", format, code, stdout.String(), want)
		}
		if format == "json" && !strings.Contains(stdout.String(), `"verdict": "`+verdict+`"`) {
			t.Errorf("--format json: verdict is not %q in %s", verdict, stdout.String())
		}
	}
}

// parsePerfdata runs testdata/nagios/perfdata.pl on a plugin's output.
func parsePerfdata(t *testing.T, output string) []perfItem {
	t.Helper()
	cmd := exec.Command("perl", filepath.Join("testdata", "nagios", "perfdata.pl"))
	cmd.Stdin = strings.NewReader(output)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("perfdata.pl on %q: %v", output, err)
	}
	var items []perfItem
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			t.Fatalf("perfdata.pl printed %q", line)
		}
		state, err := strconv.Atoi(f[6])
		if err != nil {
			t.Fatalf("perfdata.pl printed %q", line)
		}
		items = append(items, perfItem{label: f[0], value: f[1], uom: f[2], warn: f[3], crit: f[4], min: f[5], state: state})
	}
	return items
}

// A usage error under --format nagios is the plugin's UNKNOWN line on
// stdout (Nagios reads nothing else), exit 3, whether the mistake comes
// before or after --format.
func TestNagiosUsageError(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "nagios", "--ca-file", filepath.Join(t.TempDir(), "missing.pem"), "ftpes://127.0.0.1:21"}, "FTPS UNKNOWN - --ca-file: open "},
		{[]string{"--bogus", "--format=nagios", "ftpes://127.0.0.1:21"}, "FTPS UNKNOWN - unknown flag: --bogus"},
		{[]string{"--format", "nagios"}, "FTPS UNKNOWN - no TARGET"},
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
		lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if code != exitUnknown || len(lines) != 1 || !strings.HasPrefix(lines[0], tc.want) || strings.Contains(lines[0], "|") {
			t.Errorf("%q: exit %d, stdout %q; want 3 and one line %q...", tc.args, code, stdout.String(), tc.want)
		}
		if !strings.HasPrefix(stderr.String(), "ftpsdiag: error: ") {
			t.Errorf("%q: stderr %q", tc.args, stderr.String())
		}
	}
}

// requireInstalled skips the test when cmd fails to run here, or fails it
// when CI or FTPSDIAG_REAL_SERVERS=1 says testdata/servers/install.sh has
// installed what, the thing cmd checks for.
func requireInstalled(t *testing.T, what string, cmd ...string) {
	t.Helper()
	if err := exec.Command(cmd[0], cmd[1:]...).Run(); err == nil {
		return
	} else if os.Getenv("CI") != "" || os.Getenv("FTPSDIAG_REAL_SERVERS") == "1" {
		t.Fatalf("%s: %v (run testdata/servers/install.sh as root)", what, err)
	}
	t.Skipf("%s is not installed (run testdata/servers/install.sh as root to enable)", what)
}
