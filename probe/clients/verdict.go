package clients

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Verdicts, from best to worst; the worst rule that applies wins.
const (
	Works   = "works"
	Unknown = "unknown"
	AtRisk  = "at-risk"
	Fails   = "fails"
)

// rank orders verdicts: fails > at-risk > unknown > works.
func rank(v string) int {
	switch v {
	case Fails:
		return 3
	case AtRisk:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

// Reasons that are measured facts rather than finding ids.
const (
	reasonOnlyImplicit = "only-implicit-works"
	reasonDataUntested = "data-not-tested"
	reasonDataFailed   = "data-listing-failed"
	reasonReuseUnknown = "session-reuse-not-measured"
	reasonEarlyUnknown = "data-tls-before-command-not-measured"
	reasonEMSUnknown   = "extended-master-secret-not-measured"
	reasonHelloRetry   = "hello-retry-request"
)

// facts is what the rules read: one usable attempt of the diagnosis.
type facts struct {
	ids          map[cause.ID]bool // findings of this attempt and of the whole target, ignored ones included
	controlOK    bool              // the control channel reached TLS and answered
	loginFailed  bool              // a login was tried and refused
	dataTested   bool              // the protected listing was attempted
	dataOK       bool              // and completed
	notTested    string            // why the listing was not attempted
	dataFailures []string          // data-stage finding ids when the listing failed
	legacyOnly   bool              // the server offers only TLS 1.0/1.1 (scan, or the negotiated version)
	reuse        *bool             // data connections must resume the control session; nil when not measured
	earlyData    *bool             // a data handshake started before the transfer command worked; nil when not measured
	ems          *bool             // Extended Master Secret at TLS 1.2; nil when not measured or no TLS 1.2
	version      string            // TLS version of the data handshake, else of the control one
	ticket       bool              // the control handshake issued a session ticket
	resumable    *bool             // the control handshake left a session to resume (ticket, or session ID below TLS 1.3); nil when not recorded
	helloRetry   bool              // the server answered our x25519 key shares with a HelloRetryRequest, as it does clients offering only x25519
	pasv         netip.Addr        // the address a 227 named where it is not the server's (pasv-address-mismatch); else invalid
	peer         netip.Addr        // the server's address: the control connection's peer
	epsv         bool              // the protected listing used EPSV, so a client trying EPSV first never reads a 227
	byName       bool              // the target is a host name, not an address (clients that compare a 227 with the dialled address then cannot)
	maxSessions  int               // sessions at once the server accepts from one address, as the limit check measured it; 0 when it did not find the limit
}

// rule is one behaviour of a client family. basis says why we believe it:
// M measured in our own tests, S source read, D documented, R reported,
// with the source named.
type rule struct {
	when    func(f *facts) bool
	verdict string
	reasons []string // finding ids (see ids) or measured facts
	detail  string
	basis   string
	// reasonsOf and detailOf, when set, replace reasons and detail with
	// values computed from the facts.
	reasonsOf func(f *facts) []string
	detailOf  func(f *facts) string
}

// family is one client family: its id, the modes it can use at its
// default settings, its rules, and what it does when no rule applies.
type family struct {
	id       string
	implicit bool // can use implicit TLS
	rules    []rule
	works    string // detail when no rule applies
}

// has is a rule condition: any of the causes was found.
func has(causes ...cause.ID) func(f *facts) bool {
	return func(f *facts) bool {
		return slices.ContainsFunc(causes, func(c cause.ID) bool { return f.ids[c] })
	}
}

// present lists, as reasons, those of causes that were found.
func present(f *facts, causes ...cause.ID) []string {
	var out []string
	for _, c := range causes {
		if f.ids[c] {
			out = append(out, c.String())
		}
	}
	return out
}

// ids are causes as verdict reasons.
func ids(causes ...cause.ID) []string {
	out := make([]string, len(causes))
	for i, c := range causes {
		out[i] = c.String()
	}
	return out
}

// Rules every family starts with.
var (
	// The listing was not attempted: whatever depends on it is unknown.
	// Control-level rules that fail the client still win (fails > unknown).
	dataNotTested = rule{
		when:    func(f *facts) bool { return !f.dataTested },
		verdict: Unknown,
		reasonsOf: func(f *facts) []string {
			if f.loginFailed {
				return ids(cause.LoginFailed)
			}
			return []string{reasonDataUntested}
		},
		detailOf: func(f *facts) string {
			return "the protected listing was not tested (" + cmp.Or(f.notTested, "not attempted") + ")"
		},
		basis: "M: a verdict covers login and listing; without the listing there is nothing to judge it by",
	}
	// The listing failed for a reason that is not ours alone: every client
	// meets the same refusal or filtered port. A failure that
	// resumption-session-id-only explains is Go's alone (its rules say so).
	dataFailed = rule{
		when: func(f *facts) bool {
			return f.dataTested && !f.dataOK && !f.ids[cause.ResumptionSessionIDOnly]
		},
		verdict:   Fails,
		reasonsOf: func(f *facts) []string { return f.dataFailures },
		detail:    "the protected listing failed for ftpsdiag too, at a step every client takes",
		basis:     "M: the probe lists the way clients do (PBSZ, PROT P, EPSV/PASV, LIST); a refused or filtered data connection is refused to all",
	}
)

// Families is the ids of the client families, in report order.
func Families() []string {
	ids := make([]string, len(families))
	for i, f := range families {
		ids[i] = f.id
	}
	return ids
}

// Verdicts judges each client family against a finished result, in the
// fixed family order.
func Verdicts(r *result.Result) []result.ClientVerdict {
	out := make([]result.ClientVerdict, 0, len(families))
	for _, fam := range families {
		out = append(out, judge(fam, r))
	}
	return out
}

// judge is one family's verdict: the best over the attempts it can use,
// each judged by its worst rule.
func judge(fam family, r *result.Result) result.ClientVerdict {
	var best *result.ClientVerdict
	usable, otherOK := false, false
	var failed []string
	for i := range r.Attempts {
		a := &r.Attempts[i]
		if a.Mode == result.ModeImplicit && !fam.implicit {
			otherOK = otherOK || a.OK
			continue
		}
		usable = true
		f := derive(r, a)
		if !f.controlOK {
			failed = append(failed, criticalIDs(r, a)...)
			continue
		}
		v := evaluate(fam, f)
		if best == nil || rank(v.Verdict) < rank(best.Verdict) {
			best = &v
		}
	}
	switch {
	case best != nil:
		return *best
	case otherOK:
		return verdict(fam.id, Fails, []string{reasonOnlyImplicit}, "cannot use implicit TLS, the only mode that works here")
	case usable && slices.Contains(failed, cause.TLSNoSharedCipher.String()) && fam.id != golang.id:
		// The server accepts only suites crypto/tls lacks: the probe, a Go
		// client, could go no further, but this family may offer them.
		return verdict(fam.id, Unknown, ids(cause.TLSNoSharedCipher),
			"the server accepts only cipher suites Go lacks (the finding names the one it chose); whether this client offers it, and how the session goes after the handshake, was not tested")
	case usable:
		return verdict(fam.id, Fails, dedupe(failed), "no connection reached TLS in a mode it uses")
	}
	return verdict(fam.id, Unknown, []string{}, "no attempt was made in a mode it uses")
}

// evaluate applies a family's rules to one attempt.
func evaluate(fam family, f *facts) result.ClientVerdict {
	rules := append([]rule{dataNotTested, dataFailed}, fam.rules...)
	level := Works
	var reasons, details []string
	for _, ru := range rules {
		if !ru.when(f) {
			continue
		}
		switch {
		case rank(ru.verdict) > rank(level):
			level, reasons, details = ru.verdict, nil, nil
		case rank(ru.verdict) < rank(level):
			continue
		}
		rs, d := ru.reasons, ru.detail
		if ru.reasonsOf != nil {
			rs = ru.reasonsOf(f)
		}
		if ru.detailOf != nil {
			d = ru.detailOf(f)
		}
		reasons = append(reasons, rs...)
		details = append(details, d)
	}
	if level == Works {
		return verdict(fam.id, Works, []string{}, fam.works)
	}
	return verdict(fam.id, level, dedupe(reasons), strings.Join(details, "; "))
}

// verdict builds a ClientVerdict; nil reasons become an empty list, so the
// JSON says [] and never null.
func verdict(id, v string, reasons []string, detail string) result.ClientVerdict {
	if reasons == nil {
		reasons = []string{}
	}
	return result.ClientVerdict{Client: id, Verdict: v, Reasons: reasons, Detail: detail}
}

// dedupe returns xs without repeats, in the order they first appear.
func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// belongs reports whether a finding concerns attempt a (or the whole target).
func belongs(f result.Finding, a *result.Attempt) bool {
	return f.Mode == "" || (f.Mode == a.Mode && f.Port == a.Port)
}

// criticalIDs lists the critical findings of a failed attempt.
func criticalIDs(r *result.Result, a *result.Attempt) []string {
	var out []string
	for _, f := range slices.Concat(r.Findings, r.Ignored) {
		if belongs(f, a) && f.Severity == result.SeverityCritical {
			out = append(out, f.ID)
		}
	}
	return out
}

// dataStageIDs are the findings that say the protected listing failed.
var dataStageIDs = []cause.ID{cause.ProtPRefused, cause.PassiveRefused, cause.DataConnectTimeout, cause.DataConnectRefused, cause.DataListRefused, cause.DataTLSFailed, cause.ConnectionLost}

// derive reads the facts of one attempt. Findings accepted with --ignore
// count: the user accepted them, the clients did not.
func derive(r *result.Result, a *result.Attempt) *facts {
	_, err := netip.ParseAddr(strings.Trim(r.Host, "[]"))
	f := &facts{ids: map[cause.ID]bool{}, controlOK: a.OK, byName: err != nil}
	for _, fd := range slices.Concat(r.Findings, r.Ignored) {
		if id, ok := cause.Parse(fd.ID); ok && belongs(fd, a) {
			f.ids[id] = true
		}
	}
	f.loginFailed = a.Login != nil && !a.Login.OK
	if dc := a.DataChannel; dc != nil {
		f.dataTested, f.dataOK, f.notTested = dc.Attempted, dc.OK, dc.NotAttempted
		if dc.TLS != nil {
			f.version = dc.TLS.Version
		}
		f.epsv = dc.PassiveCommand == "EPSV"
		if f.ids[cause.PASVAddressMismatch] {
			pasv, perr := netip.ParseAddrPort(dc.AdvertisedAddress)
			peer, cerr := netip.ParseAddrPort(a.Address)
			if perr == nil && cerr == nil {
				f.pasv, f.peer = pasv.Addr().Unmap(), peer.Addr().Unmap()
			}
		}
		if f.dataTested && !f.dataOK {
			f.dataFailures = present(f, dataStageIDs...)
			if len(f.dataFailures) == 0 {
				f.dataFailures = []string{reasonDataFailed}
			}
		}
	} else if f.loginFailed {
		f.notTested = "login failed"
	}
	if a.TLS != nil {
		f.ticket, f.resumable = a.TLS.SessionTicket, a.TLS.Resumable
		f.helloRetry = a.TLS.HelloRetry != nil && *a.TLS.HelloRetry
		if f.version == "" {
			f.version = a.TLS.Version
		}
	}
	if p := a.Policy; p != nil {
		f.earlyData, f.ems = p.DataTLSBeforeCommand, p.ExtendedMasterSecret
	}
	switch {
	case a.Policy != nil && a.Policy.SessionReuseRequired != nil:
		f.reuse = a.Policy.SessionReuseRequired
	case f.ids[cause.DataSessionReuseRequired] || f.ids[cause.ResumptionSessionIDOnly]:
		t := true
		f.reuse = &t
	case f.dataOK && a.DataChannel.TLS != nil && !a.DataChannel.TLS.Resumed:
		// The probe's own listing worked without resuming: reuse is not required.
		no := false
		f.reuse = &no
	}
	if l := a.ConnLimit; l != nil && !l.AtLeast {
		f.maxSessions = l.MaxSessions
	}
	f.legacyOnly = f.ids[cause.TLSLegacyVersion]
	if a.TLS != nil && (a.TLS.Version == "TLS 1.0" || a.TLS.Version == "TLS 1.1") {
		f.legacyOnly = true
	}
	if s := a.TLSScan; s != nil {
		modern := slices.ContainsFunc(s.Versions, func(v result.VersionScan) bool {
			return v.Accepted && (v.Version == "TLS 1.2" || v.Version == "TLS 1.3")
		})
		f.legacyOnly = !modern && slices.ContainsFunc(s.Versions, func(v result.VersionScan) bool { return v.Accepted })
	}
	return f
}
