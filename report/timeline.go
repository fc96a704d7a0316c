package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fatih/color"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

const (
	msWidth      = 8    // the "ms" column
	defaultWidth = 100  // Options.Width when unset
	minWidth     = 60   // narrower requests are drawn at this width
	gapMS        = 1000 // a pause this long is drawn as a break in the lifelines
	boxWidth     = 10   // an actor box, "┌────────┐"
	boxStem      = 4    // offset of the lifeline inside its box

	maxEventLines = 4 // an event's text wraps onto at most this many lines
)

// lanes places the two lifelines: the client's at column left, the server's
// at column right; the actor boxes hang around them.
type lanes struct{ left, right int }

// newLanes places the lifelines in a diagram total columns wide: the
// client's box starts right after the ms column, the server's ends at the
// last column.
func newLanes(total int) lanes {
	return lanes{left: msWidth + 1 + boxStem, right: total - (boxWidth - boxStem)}
}

// inner is the room between the lifelines.
func (l lanes) inner() int { return l.right - l.left - 1 }

// stroke is how one kind of event is drawn between the lifelines:
// caps on the lifelines, a lead before the text, a fill after it, a head.
type stroke struct {
	capL, capR, lead, fill, head string
}

var (
	toServer = stroke{"│", "│", "───", "─", "▶"}
	toClient = stroke{"│", "│", "◀──", "─", ""}
	tlsBand  = stroke{"╞", "╡", "═══", "═", ""}
	netBand  = stroke{"├", "┤", "┄┄┄", "┄", ""}
	note     = stroke{"│", "│", "   ", " ", ""}
	pause    = stroke{"┆", "┆", "   ", " ", ""}
)

// writeTimeline draws the events as a sequence diagram, client left,
// server right, time running down.
func (p *printer) writeTimeline(events []result.Event) {
	if len(events) == 0 {
		p.line("  (no timeline recorded)")
		return
	}
	l := newLanes(p.width)
	for _, s := range l.actors() {
		p.line(s)
	}
	for _, s := range timelineSteps(events) {
		if s.gap != "" {
			p.line(l.row("", pause, s.gap, nil))
		}
		p.writeEvent(l, s.ms, s.event)
	}
}

// step is one event as a diagram draws it: its time in milliseconds (empty
// when the row above has the same), and the pause before it ("⋯ 2.5 s
// later"), empty when it follows within gapMS.
type step struct {
	ms, gap string
	event   result.Event
}

// timelineSteps are the events as the text and the HTML diagrams both
// draw them, so the two match event for event.
func timelineSteps(events []result.Event) []step {
	steps := make([]step, len(events))
	prev, prevMS := 0.0, ""
	for i, e := range events {
		if i > 0 && e.AtMS-prev >= gapMS {
			steps[i].gap = fmt.Sprintf("⋯ %.1f s later", (e.AtMS-prev)/1000)
		}
		ms := fmt.Sprintf("%.1f", e.AtMS)
		steps[i].ms = ms
		if ms == prevMS {
			steps[i].ms = "" // same instant as the row above: a multi-line reply
		}
		prev, prevMS = e.AtMS, ms
		steps[i].event = e
	}
	return steps
}

// writeEvent draws one event: its stroke carrying the first line of its
// text, then up to maxEventLines-1 continuation lines between plain
// lifelines, aligned under the text (and under the connection tag's end).
func (p *printer) writeEvent(l lanes, ms string, e result.Event) {
	s, c := p.strokeFor(e)
	tag, text := eventText(e)
	for i, t := range wrapEvent(text, l.textRoom(s)-width(tag)) {
		if i == 0 {
			p.line(l.row(ms, s, tag+t, c))
		} else {
			p.line(l.row("", note, pad("", width(tag))+t, c))
		}
	}
}

// wrapEvent wraps an event's text to n columns in at most maxEventLines
// lines, the last one cut with … if the text is longer still.
func wrapEvent(text string, n int) []string {
	lines := wrapText(text, n)
	if len(lines) <= maxEventLines {
		return lines
	}
	last := strings.Join(lines[maxEventLines-1:], " ")
	return append(lines[:maxEventLines-1], truncate(last, n))
}

// actors draws the two actor boxes the lifelines hang from.
func (l lanes) actors() []string {
	gap := strings.Repeat(" ", l.right-l.left-boxWidth)
	stem := strings.Repeat("─", boxStem-1)
	tail := strings.Repeat("─", boxWidth-boxStem-2)
	top := "┌" + strings.Repeat("─", boxWidth-2) + "┐"
	bottom := "└" + stem + "┬" + tail + "┘"
	margin := strings.Repeat(" ", l.left-boxStem)
	return []string{
		margin + top + gap + top,
		pad(fmt.Sprintf("%*s", msWidth, "ms"), l.left-boxStem) + "│ client │" + gap + "│ server │",
		margin + bottom + gap + bottom,
	}
}

// textRoom is the widest text a stroke carries between the lifelines: the
// room left by its lead and head, a space either side of the text and a
// fill of at least two.
func (l lanes) textRoom(s stroke) int {
	return l.inner() - width(s.lead) - width(s.head) - 4
}

// row draws one line of the diagram: the time, then the stroke carrying
// text between the lifelines, truncated so it never crosses them.
func (l lanes) row(ms string, s stroke, text string, c *color.Color) string {
	text = truncate(text, l.textRoom(s))
	body := s.lead + " " + text + " "
	if text == "" {
		body = s.lead
	}
	body += strings.Repeat(s.fill, max(l.inner()-width(body)-width(s.head), 0)) + s.head
	drawn := s.capL + body + s.capR
	if c != nil {
		drawn = c.Sprint(drawn)
	}
	return fmt.Sprintf("%*s", msWidth, ms) + strings.Repeat(" ", l.left-msWidth) + drawn
}

// strokeFor chooses how an event is drawn, and its colour.
func (p *printer) strokeFor(e result.Event) (stroke, *color.Color) {
	switch e.From {
	case result.FromClient:
		return toServer, nil
	case result.FromServer:
		if isErrorReply(e) {
			return toClient, p.pal.errReply
		}
		return toClient, nil
	case result.FromTLS:
		return tlsBand, p.pal.tls
	case result.FromNet:
		return netBand, p.pal.net
	}
	return note, nil
}

// isErrorReply reports a server reply line with a 4xx or 5xx code.
func isErrorReply(e result.Event) bool {
	return e.From == result.FromServer && (strings.HasPrefix(e.Text, "4") || strings.HasPrefix(e.Text, "5"))
}

// usesDataConn reports whether any event happened on the data
// connection, which the diagrams then draw as a lane of its own.
func usesDataConn(events []result.Event) bool {
	return slices.ContainsFunc(events, func(e result.Event) bool { return e.Conn == result.ConnData })
}

// dataTag marks the rows of the data connection; it starts where every
// stroke's text starts, so the tags line up in a column.
const dataTag = "[data] "

// eventText is what an event's row says: a tag naming its connection
// (empty for the control connection) and its text, sanitized.
func eventText(e result.Event) (tag, text string) {
	if e.Conn == result.ConnData {
		tag = dataTag
	}
	return tag, Sanitize(e.Text)
}
