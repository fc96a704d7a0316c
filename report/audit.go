package report

import "github.com/ftpsdiag/ftpsdiag/probe/result"

// writeAudits draws the timeline of each extra control connection the
// policy checks opened, under a heading naming what it tested.
func (p *printer) writeAudits(audits []result.Audit) {
	for _, a := range audits {
		p.line("")
		p.ruleOf("─", "audit connection: "+Sanitize(a.Purpose))
		p.writeTimeline(a.Timeline)
	}
}
