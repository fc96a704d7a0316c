package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// scanVersions are the versions the TLS scan table always lists, oldest
// first, whether or not the scan probed them.
var scanVersions = []string{"SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"}

const maxScanErrors = 10 // scan errors listed; the rest are counted

// scannedVersion is one row of the version table: what the scan found, or
// a version it did not probe.
type scannedVersion struct {
	result.VersionScan
	probed bool
}

// writeTLSScan writes the --scan audit: the versions the server accepts,
// the cipher suites of each accepted version, and what the scan cost.
func (p *printer) writeTLSScan(s *result.TLSScan) {
	if s == nil {
		return
	}
	p.line("")
	p.subhead("TLS scan")
	versions := scannedVersions(s.Versions)
	p.writeTable(versionHeader, mapRows(versionRows(versions), p.paint), tw.Off)
	if lacksTLS13(versions) {
		p.line("note: the server does not accept TLS 1.3")
	}
	for _, v := range versions {
		if v.Accepted {
			p.writeSuites(v.VersionScan)
		}
	}
	p.line("")
	p.writeScanCost(s)
}

// scannedVersions puts the scan's versions in the order of scanVersions,
// marking those it did not probe, then any other version it reports.
func scannedVersions(got []result.VersionScan) []scannedVersion {
	var out []scannedVersion
	for _, name := range scanVersions {
		i := slices.IndexFunc(got, func(v result.VersionScan) bool { return v.Version == name })
		if i < 0 {
			out = append(out, scannedVersion{VersionScan: result.VersionScan{Version: name}})
			continue
		}
		out = append(out, scannedVersion{got[i], true})
	}
	for _, v := range got {
		if !slices.Contains(scanVersions, v.Version) {
			out = append(out, scannedVersion{v, true})
		}
	}
	return out
}

// versionHeader heads the TLS scan's version table.
var versionHeader = []string{"version", "accepted", "server preference", "groups", "DHE bits"}

// versionRows are the versions as table rows.
func versionRows(versions []scannedVersion) [][]cell {
	rows := make([][]cell, len(versions))
	for i, v := range versions {
		rows[i] = versionRow(v)
	}
	return rows
}

// versionRow is one version as table cells.
func versionRow(v scannedVersion) []cell {
	if !v.probed {
		return plainCells(v.Version, "not probed", none, none, none)
	}
	return []cell{
		{text: Sanitize(v.Version)},
		acceptedVersion(v.VersionScan),
		{text: preference(v.ServerPreference)},
		{text: orNone(strings.Join(v.Groups, ", "))},
		{text: cmp.Or(bits(v.DHBits), none)},
	}
}

// acceptedVersion is yes or no; an accepted SSL version is red, an
// accepted TLS 1.0 or 1.1 yellow. A version whose probes did not finish is
// unknown unless one was accepted, never "no".
func acceptedVersion(v result.VersionScan) cell {
	switch {
	case !v.Accepted && v.Unfinished != "":
		return cell{"unknown (" + Sanitize(v.Unfinished) + ")", toneWarning}
	case !v.Accepted:
		return cell{text: "no"}
	}
	switch v.Version {
	case "SSL 2.0", "SSL 3.0":
		return cell{"yes", toneCritical}
	case "TLS 1.0", "TLS 1.1":
		return cell{"yes", toneWarning}
	}
	return cell{text: "yes"}
}

// lacksTLS13 reports that the scan probed TLS 1.3 to the end and the
// server refused it.
func lacksTLS13(versions []scannedVersion) bool {
	return slices.ContainsFunc(versions, func(v scannedVersion) bool {
		return v.Version == "TLS 1.3" && v.probed && !v.Accepted && v.Unfinished == ""
	})
}

// preference is whether the server picks by its own order, or none when
// the scan could not tell.
func preference(b *bool) string {
	if b == nil {
		return none
	}
	return yesNo(*b)
}

// writeSuites writes the cipher suites of one accepted version in the
// order the scan gives them.
func (p *printer) writeSuites(v result.VersionScan) {
	p.line("")
	p.wrapped("", suitesCaption(v))
	if len(v.Suites) == 0 {
		return
	}
	p.writeTable(suiteHeader, mapRows(suiteRows(v.Suites), p.paint), tw.Off)
}

// suiteHeader heads a table of cipher suites.
var suiteHeader = []string{"code", "IANA name", "key exchange", "bits", "strength"}

// suiteRows are the cipher suites as table cells.
func suiteRows(suites []result.Suite) [][]cell {
	rows := make([][]cell, len(suites))
	for i, s := range suites {
		rows[i] = append(plainCells(Sanitize(s.Code), Sanitize(s.Name), orNone(s.KeyExchange), cmp.Or(bits(s.Bits), none)), strength(s.Strength))
	}
	return rows
}

// suitesCaption is e.g. "TLS 1.2: 4 cipher suites, in server preference
// order".
func suitesCaption(v result.VersionScan) string {
	caption := Sanitize(v.Version) + ": " + plural(len(v.Suites), "cipher suite")
	if v.Unfinished != "" {
		return caption + " found before the scan stopped (" + Sanitize(v.Unfinished) + "): there may be more"
	}
	switch {
	case len(v.Suites) == 0:
		return caption + " identified"
	case v.ServerPreference == nil:
		return caption
	case *v.ServerPreference:
		return caption + ", in server preference order"
	}
	return caption + ", server follows the client's order"
}

// strength is a suite's rating: insecure red, weak yellow, strong green,
// anything else plain.
func strength(s string) cell {
	switch s {
	case "insecure":
		return cell{s, toneCritical}
	case "weak":
		return cell{s, toneWarning}
	case "strong":
		return cell{s, toneOK}
	}
	return cell{text: orNone(s)}
}

// writeScanCost writes what the scan cost and the probes that failed.
func (p *printer) writeScanCost(s *result.TLSScan) {
	for _, l := range scanCostLines(s) {
		p.wrapped(l[0], l[1])
	}
}

// scanCostLines are what the scan cost and the probes that failed,
// sanitized, at most maxScanErrors of them, as (label, text) pairs.
func scanCostLines(s *result.TLSScan) [][2]string {
	cost := fmt.Sprintf("scan: %s (at most %d at once), %.1f ms", plural(s.Connections, "connection"), s.MaxConns, s.DurationMS)
	if s.Backoffs > 0 {
		cost += ", " + plural(s.Backoffs, "backoff") + " after 421"
	}
	lines := [][2]string{{"", cost}}
	for _, e := range s.Errors[:min(len(s.Errors), maxScanErrors)] {
		lines = append(lines, [2]string{"scan error: ", Sanitize(e)})
	}
	if n := len(s.Errors) - maxScanErrors; n > 0 {
		lines = append(lines, [2]string{"", "… and " + plural(n, "more scan error")})
	}
	return lines
}
