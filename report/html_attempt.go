package report

import (
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// htmlAttempt is one attempt as the page shows it, in the text report's
// order: outcome, login, timeline, audits, certificates, protocol, TLS
// scan, data channel and policy.
type htmlAttempt struct {
	Title, DetectedBy string
	Outcome           *htmlMarked
	Login             *htmlMarked // nil when no login was tried
	Diagram           *diagram    // nil when no timeline was recorded
	Audits            []htmlAudit
	Certificates      [][]string
	Verification      [][]htmlCell
	Protocol          [][2]string
	Scan              *htmlScan
	Data              [][]htmlCell
	DataNote          string // why the data channel was not tested; empty when it was
	Policy            [][]htmlCell
	ShowData          bool // the data channel or the policy was recorded
}

// htmlAudit is one audit connection's diagram, under what it tested.
type htmlAudit struct {
	Purpose string
	Diagram *diagram
}

// htmlScan is the --scan audit: versions, each accepted version's suites,
// its cost and errors.
type htmlScan struct {
	Versions [][]htmlCell
	NoTLS13  bool
	Suites   []htmlSuites
	Cost     [][2]string // (label, text) lines: the cost, then the errors
}

// htmlSuites is one accepted version's cipher suites.
type htmlSuites struct {
	Caption string
	Rows    [][]htmlCell
}

// newHTMLAttempt gathers what the page shows of one attempt, with the
// text report's row builders.
func newHTMLAttempt(r *result.Result, a *result.Attempt) htmlAttempt {
	h := htmlAttempt{
		Title:        attemptTitle(r, a),
		DetectedBy:   Sanitize(a.DetectedBy),
		Outcome:      htmlMarkedOf(outcomeLine(a)),
		Protocol:     append(ftpFields(a), tlsFields(a.TLS)...),
		Scan:         newHTMLScan(a.TLSScan),
		Certificates: certRows(a.Certificates),
		Verification: mapRows(verificationRows(a.Verification), htmlCellOf),
	}
	if a.Login != nil {
		h.Login = htmlMarkedOf(loginLine(a.Login))
	}
	if len(a.Timeline) > 0 {
		h.Diagram = newDiagram(a.Timeline)
	}
	for _, au := range a.Audits {
		h.Audits = append(h.Audits, htmlAudit{Purpose: Sanitize(au.Purpose), Diagram: newDiagram(au.Timeline)})
	}
	h.addDataChannel(a.DataChannel, a.Policy)
	return h
}

// addDataChannel adds the data connection test, or why it did not run,
// and the server policies.
func (h *htmlAttempt) addDataChannel(d *result.DataChannel, pol *result.Policy) {
	h.ShowData = d != nil || pol != nil
	switch {
	case d == nil:
		h.DataNote = "not attempted"
	case !d.Attempted:
		h.DataNote = "not attempted: " + orNone(d.NotAttempted)
	default:
		h.Data = mapRows(dataRows(d), htmlCellOf)
	}
	if pol != nil {
		h.Policy = mapRows(policyRows(pol), htmlCellOf)
	}
}

// newHTMLScan gathers the TLS scan's tables; nil when no scan ran.
func newHTMLScan(s *result.TLSScan) *htmlScan {
	if s == nil {
		return nil
	}
	versions := scannedVersions(s.Versions)
	h := &htmlScan{
		Versions: mapRows(versionRows(versions), htmlCellOf),
		NoTLS13:  lacksTLS13(versions),
		Cost:     scanCostLines(s),
	}
	for _, v := range versions {
		if v.Accepted {
			h.Suites = append(h.Suites, htmlSuites{Caption: suitesCaption(v.VersionScan), Rows: mapRows(suiteRows(v.Suites), htmlCellOf)})
		}
	}
	return h
}
