package report

import (
	"github.com/olekukonko/tablewriter/tw"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// policyCheck is one server policy: its answer (nil when not tested), the
// reply that showed it, and whether "yes" weakens security.
type policyCheck struct {
	name        string
	answer      *bool
	evidence    string
	riskyWhenOn bool
}

// writePolicy writes the server policies the audit connections measured.
func (p *printer) writePolicy(pol *result.Policy) {
	if pol == nil {
		p.line("server policy: not tested")
		return
	}
	p.writeTable(policyHeader, mapRows(policyRows(pol), p.paint), tw.Off)
}

// policyHeader heads the server policy table.
var policyHeader = []string{"server policy", "answer", "evidence"}

// policyRows are pol's checks as table rows, evidence sanitized.
func policyRows(pol *result.Policy) [][]cell {
	checks := policyChecks(pol)
	rows := make([][]cell, len(checks))
	for i, c := range checks {
		rows[i] = []cell{{text: c.name}, answer(c), {text: sanitizeLines(c.evidence)}}
	}
	return rows
}

// policyChecks lists pol's checks in table order.
func policyChecks(pol *result.Policy) []policyCheck {
	return []policyCheck{
		{"session reuse required", pol.SessionReuseRequired, pol.SessionReuseEvidence, false},
		{"clear data (PROT C) allowed", pol.ClearDataAllowed, pol.ClearDataEvidence, true},
		{"cleartext login allowed", pol.CleartextLoginAllowed, pol.CleartextLoginEvidence, true},
		{"PBSZ required before PROT", pol.PBSZRequired, pol.PBSZEvidence, false},
		{"data TLS before LIST (curl)", pol.DataTLSBeforeCommand, pol.DataTLSBeforeEvidence, false},
		{"data TLS after 150 (lftp, Go, Java)", pol.DataTLSAfter150, pol.DataTLSAfter150Evidence, false},
		{"EMS at TLS 1.2 (Windows, Java)", pol.ExtendedMasterSecret, pol.EMSEvidence, false},
		{"CCC accepted", pol.CCCAccepted, pol.CCCEvidence, true},
		{"control usable after CCC", pol.CCCControlUsable, "", false},
	}
}

// answer is the check's yes, no or "not tested", in the warning tone when
// the answer weakens security.
func answer(c policyCheck) cell {
	s := tested(c.answer)
	if c.riskyWhenOn && c.answer != nil && *c.answer {
		return cell{s, toneWarning}
	}
	return cell{text: s}
}
