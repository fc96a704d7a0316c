package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Summary writes the table that ends a run over several targets: one row
// per target with its status, worst finding, certificate days left and TLS
// versions.
func Summary(w io.Writer, results []*result.Result, o Options) error {
	p := newPrinter(w, o)
	p.line("")
	p.rule(fmt.Sprintf("summary: %d targets", len(results)))
	p.writeTable(summaryHeader, mapRows(summaryRows(results), p.paint), tw.Off)
	return p.err
}

// summaryHeader heads the summary table of a run over several targets.
var summaryHeader = []string{"target", "status", "worst finding", "cert days left", "TLS versions"}

// summaryRows are one row per target for the summary table, the status in
// its tone.
func summaryRows(results []*result.Result) [][]cell {
	rows := make([][]cell, len(results))
	for i, r := range results {
		rows[i] = []cell{
			{text: Sanitize(r.Target)},
			{string(r.Status), tone(statusOf(r))},
			{text: worstFinding(r)},
			{text: certDays(r)},
			{text: strings.Join(tlsVersions(r), ", ")},
		}
	}
	return rows
}

// worstFinding is a summary row's worst finding (findings come sorted
// worst first); an unknown result without findings shows its verdict.
func worstFinding(r *result.Result) string {
	if len(r.Findings) == 0 {
		if r.Status == result.StatusUnknown {
			return Sanitize(r.Verdict)
		}
		return "-"
	}
	return Sanitize(r.Findings[0].ID)
}

// certDays is the fewest days left of any leaf the target showed.
func certDays(r *result.Result) string {
	days, ok := LeafDaysLeft(r)
	if !ok {
		return "-"
	}
	return fmt.Sprint(days)
}

// LeafDaysLeft is the fewest days left of any attempt's leaf certificate.
func LeafDaysLeft(r *result.Result) (int, bool) {
	var days []int
	for _, a := range r.Attempts {
		if len(a.Certificates) > 0 {
			days = append(days, a.Certificates[0].DaysLeft)
		}
	}
	if len(days) == 0 {
		return 0, false
	}
	return slices.Min(days), true
}

// tlsVersions are the versions the scan found accepted, or else those
// negotiated.
func tlsVersions(r *result.Result) []string {
	var out []string
	add := func(v string) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, a := range r.Attempts {
		switch {
		case a.TLSScan != nil:
			for _, v := range a.TLSScan.Versions {
				if v.Accepted {
					add(v.Version)
				}
			}
		case a.TLS != nil:
			add(a.TLS.Version)
		}
	}
	return out
}

// Nagios writes the monitoring-plugin form: one status line with
// performance data, then (for several targets) one line per target.
// The exit code is the caller's: the same as the status.
//
// Performance data follows the plugin guidelines' range syntax: days_left
// alerts below its thresholds ("30:" is "alert when under 30", as the
// probe's cert-expiring-soon warns), has no unit (days are none of the
// guidelines' units) and no minimum (it is negative once expired); the
// durations are in ms with a minimum of 0.
func Nagios(w io.Writer, results []*result.Result, status result.Status, warnDays, critDays int) error {
	summary := nagiosSummary(results)
	var perf []string
	for _, r := range results {
		prefix := ""
		if len(results) > 1 {
			prefix = perfLabel(r.Target) + "_"
		}
		if d, ok := LeafDaysLeft(r); ok {
			perf = append(perf, fmt.Sprintf("%sdays_left=%d;%d:;%d:", prefix, d, warnDays, critDays))
		}
		if ms, ok := handshakeMS(r); ok {
			perf = append(perf, fmt.Sprintf("%shandshake_ms=%.1fms;;;0", prefix, ms))
		}
		perf = append(perf, fmt.Sprintf("%stotal_ms=%.1fms;;;0", prefix, r.DurationMS))
	}
	if _, err := fmt.Fprintf(w, "FTPS %s - %s | %s\n", nagiosState(status), summary, strings.Join(perf, " ")); err != nil {
		return err
	}
	if len(results) > 1 {
		for _, r := range results {
			if _, err := fmt.Fprintf(w, "%s: %s - %s\n", Sanitize(r.Target), strings.ToUpper(string(r.Status)), Sanitize(r.Verdict)); err != nil {
				return err
			}
		}
	}
	return nil
}

// nagiosState is the plugin's state word for s; no status is UNKNOWN.
func nagiosState(s result.Status) string {
	if s == "" {
		return "UNKNOWN"
	}
	return strings.ToUpper(string(s))
}

// NagiosUnknown writes the plugin line for a run that could not start (a
// usage error): UNKNOWN and the reason, without performance data.
func NagiosUnknown(w io.Writer, reason string) error {
	_, err := fmt.Fprintf(w, "FTPS UNKNOWN - %s\n", nagiosText(reason))
	return err
}

// nagiosText is s made safe for the plugin line: sanitised, and without
// the "|" that starts performance data.
func nagiosText(s string) string {
	return strings.ReplaceAll(Sanitize(s), "|", "/")
}

// nagiosSummary is the verdict of one target, or counts for several.
func nagiosSummary(results []*result.Result) string {
	if len(results) == 1 {
		return nagiosText(results[0].Verdict)
	}
	counts := map[result.Status]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	var parts []string
	for _, s := range []result.Status{result.StatusCritical, result.StatusWarning, result.StatusUnknown, result.StatusIncomplete, result.StatusOK} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	return fmt.Sprintf("%d targets: %s", len(results), strings.Join(parts, ", "))
}

// handshakeMS is the first completed control handshake's duration.
func handshakeMS(r *result.Result) (float64, bool) {
	for _, a := range r.Attempts {
		if a.TLS != nil {
			return a.TLS.HandshakeMS, true
		}
	}
	return 0, false
}

// perfLabel makes a target usable in a performance-data label.
func perfLabel(target string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, target)
}
