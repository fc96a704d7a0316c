package report

import (
	"github.com/fatih/color"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// palette holds the colours of one rendering, all switched on or off
// together; the package-global color.NoColor is never consulted.
type palette struct {
	critical, warning, info, ok, unknown *color.Color
	tls, net, errReply, heading          *color.Color
}

// newPalette makes one rendering's colours, all on or all off.
func newPalette(on bool) palette {
	p := palette{
		critical: color.New(color.FgRed, color.Bold),
		warning:  color.New(color.FgYellow),
		info:     color.New(color.FgCyan),
		ok:       color.New(color.FgGreen),
		unknown:  color.New(color.FgMagenta),
		tls:      color.New(color.FgGreen),
		net:      color.New(color.Faint),
		errReply: color.New(color.FgRed),
		heading:  color.New(color.Bold),
	}
	for _, c := range []*color.Color{p.critical, p.warning, p.info, p.ok, p.unknown, p.tls, p.net, p.errReply, p.heading} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

// status is the colour of an overall verdict.
func (p palette) status(s result.Status) *color.Color { return p.level(string(s)) }

// level colours the words severities and statuses share.
func (p palette) level(name string) *color.Color {
	switch name {
	case string(result.StatusCritical):
		return p.critical
	case string(result.StatusWarning):
		return p.warning
	case string(result.SeverityInfo):
		return p.info
	case string(result.StatusOK):
		return p.ok
	}
	return p.unknown
}
