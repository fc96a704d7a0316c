package report

import (
	"fmt"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// The sequence diagram's geometry, in SVG user units (pixels at 100%).
const (
	svgCharWidth = 7.3 // advance of one character of the 12px monospace font
	svgMSRight   = 56  // the millisecond column ends here
	svgClient    = 126 // the client's lifeline
	svgServer    = 630 // the server's lifeline (control connection)
	svgData      = 810 // the server's data connection lifeline, when there is one
	svgMargin    = 70  // room right of the last lifeline
	svgBoxWidth  = 124 // an actor box
	svgTop       = 52  // the first event row starts here, under the actor boxes
	svgLineStep  = 16  // one line of an event's text (html.tmpl's tspan dy)
	svgRowPad    = 10  // room between rows
	svgBreakH    = 30  // height of a break in the lifelines
	svgHead      = 8   // length of an arrowhead
	svgTextInset = 12  // text starts this far right of the left lifeline
)

// diagram is one timeline laid out as an SVG sequence diagram: lifelines,
// one drawn element per event, breaks where time passed.
type diagram struct {
	Width, Height int
	LifeTop       int
	Lanes         []svgLane
	Events        []svgEvent
	Breaks        []svgBreak
}

// svgLane is one actor: its box and lifeline at X.
type svgLane struct {
	X, BoxX, BoxW int
	Name          string
}

// svgEvent is one event: an arrow (command, reply), a band (TLS) or a
// dashed line (TCP), with its text above or inside it.
type svgEvent struct {
	N            int    // position in the timeline, from 0
	Class        string // how it is drawn: cmd, reply, err, tls, alert, cert, net, note; "data" added on the data connection
	MS           string // milliseconds since the start, empty when the row above has the same
	Top, Y       int    // top of the row; the arrow's line, or the band's bottom
	H            int    // height of the row, Y - Top
	X1, X2, W    int    // the lifelines it spans, and the distance between them
	TextX, TextY int    // the first line of text
	Lines        []string
	Head         string // an arrowhead's polygon points; empty for none
	Band         bool   // drawn as a band (TLS), not a line
}

// svgBreak is a gap in the lifelines where time passed, with its length.
type svgBreak struct {
	Y, H, Width, TextX, TextY int
	Text                      string
	Marks                     string // path of the slashes across each lifeline
}

// newDiagram lays out the events: one row per event in timeline order (the
// order and the pauses of the text timeline), a data lane only when the
// data connection appears.
func newDiagram(events []result.Event) *diagram {
	d := &diagram{LifeTop: 40}
	right := svgServer
	d.Lanes = []svgLane{{X: svgClient, Name: "client"}, {X: svgServer, Name: "server"}}
	if usesDataConn(events) {
		right = svgData
		d.Lanes = append(d.Lanes, svgLane{X: svgData, Name: "data connection"})
	}
	for i := range d.Lanes {
		d.Lanes[i].BoxX, d.Lanes[i].BoxW = d.Lanes[i].X-svgBoxWidth/2, svgBoxWidth
	}
	d.Width = right + svgMargin
	y := svgTop
	for i, s := range timelineSteps(events) {
		if s.gap != "" {
			d.Breaks = append(d.Breaks, d.newBreak(y, s.gap))
			y += svgBreakH
		}
		ev := layoutEvent(i, s, y)
		d.Events = append(d.Events, ev)
		y = ev.Y + svgRowPad
	}
	d.Height = y + svgRowPad
	return d
}

// newBreak is a break at y: a blank across the lifelines with slashes on
// each, and the pause written in it.
func (d *diagram) newBreak(y int, text string) svgBreak {
	var marks strings.Builder
	for _, l := range d.Lanes {
		for _, dy := range []int{8, 14} {
			fmt.Fprintf(&marks, "M%d %d l12 -6 ", l.X-6, y+dy+3)
		}
	}
	return svgBreak{Y: y, H: svgBreakH, Width: d.Width, TextX: svgClient + svgTextInset, TextY: y + svgBreakH/2 + 4, Text: text, Marks: strings.TrimSpace(marks.String())}
}

// layoutEvent places one event in a row starting at top: its text wrapped
// to the room between the lifelines it spans, then its arrow or band.
func layoutEvent(n int, s step, top int) svgEvent {
	e := s.event
	x2 := svgServer
	if e.Conn == result.ConnData {
		x2 = svgData
	}
	ev := svgEvent{N: n, Class: eventClass(e), MS: s.ms, Top: top, X1: svgClient, X2: x2,
		W: x2 - svgClient, TextX: svgClient + svgTextInset, TextY: top + svgLineStep - 3}
	room := int(float64(x2-svgClient-2*svgTextInset) / svgCharWidth)
	ev.Lines = wrapEvent(Sanitize(e.Text), room)
	ev.Y = top + len(ev.Lines)*svgLineStep + 4
	ev.H = ev.Y - top
	switch e.From {
	case result.FromClient:
		ev.Head = arrowHead(x2, ev.Y, -svgHead)
	case result.FromServer:
		ev.Head = arrowHead(svgClient, ev.Y, svgHead)
	case result.FromTLS:
		ev.Band = true
	}
	if e.Conn == result.ConnData {
		ev.Class += " data"
	}
	return ev
}

// arrowHead is the polygon of an arrowhead whose tip is at (x, y), its
// base length units along the line (negative: the arrow points right).
func arrowHead(x, y, length int) string {
	return fmt.Sprintf("%d,%d %d,%d %d,%d", x, y, x+length, y-4, x+length, y+4)
}

// eventClass is how an event is drawn: a command, a reply (an error reply
// apart), a TLS band (an alert or a failed handshake, and the certificate,
// apart), a TCP event or a note.
func eventClass(e result.Event) string {
	switch e.From {
	case result.FromClient:
		return "cmd"
	case result.FromServer:
		if isErrorReply(e) {
			return "err"
		}
		return "reply"
	case result.FromTLS:
		switch {
		case strings.HasPrefix(e.Text, "alert"), strings.HasPrefix(e.Text, "handshake failed"):
			return "alert"
		case strings.HasPrefix(e.Text, "certificate"):
			return "cert"
		}
		return "tls"
	case result.FromNet:
		return "net"
	}
	return "note"
}
