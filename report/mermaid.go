package report

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Mermaid participants: the client, the server's control connection and
// the data connection.
const (
	mmClient = "C"
	mmServer = "S"
	mmData   = "D"
)

const maxMermaidText = 90 // columns of an event's text in the diagram; the text diagram has it all

// mermaidStep is one statement of a Mermaid sequence diagram: an arrow
// from one participant to another, or a note over them.
type mermaidStep struct {
	from, to string // participants; a note spans from..to
	kind     string // "->>" (command), "-->>" (reply) or "note"
	text     string // plain text, encoded when written
}

// mermaidSequence draws events as a Mermaid sequenceDiagram, event for
// event like the text diagram: commands and replies as arrows, TLS and
// network events as notes, each with its millisecond offset, and a note
// where a second or more passed.
func mermaidSequence(events []result.Event) []string {
	lines := []string{"sequenceDiagram",
		"    participant " + mmClient + " as client",
		"    participant " + mmServer + " as server"}
	if usesDataConn(events) {
		lines = append(lines, "    participant "+mmData+" as data connection")
	}
	for _, s := range mermaidSteps(events) {
		lines = append(lines, "    "+s.String())
	}
	return lines
}

// mermaidSteps are the diagram's statements for events, with the pauses
// of the text timeline.
func mermaidSteps(events []result.Event) []mermaidStep {
	var steps []mermaidStep
	for _, s := range timelineSteps(events) {
		if s.gap != "" {
			steps = append(steps, mermaidStep{mmClient, mmServer, "note", s.gap})
		}
		steps = append(steps, mermaidEvent(s.event))
	}
	return steps
}

// mermaidEvent is one event as a statement; its text is the sanitized
// event text after its offset, cut to maxMermaidText columns.
func mermaidEvent(e result.Event) mermaidStep {
	peer := mmServer
	if e.Conn == result.ConnData {
		peer = mmData
	}
	text := fmt.Sprintf("[%.1f ms] %s", e.AtMS, truncate(Sanitize(e.Text), maxMermaidText))
	switch e.From {
	case result.FromClient:
		return mermaidStep{mmClient, peer, "->>", text}
	case result.FromServer:
		return mermaidStep{peer, mmClient, "-->>", text}
	case result.FromTLS, result.FromNet:
		if peer == mmData {
			return mermaidStep{mmData, mmData, "note", text}
		}
	}
	return mermaidStep{mmClient, mmServer, "note", text}
}

// String is the statement as a line of Mermaid.
func (s mermaidStep) String() string {
	if s.kind != "note" {
		return s.from + s.kind + s.to + ": " + mermaidText(s.text)
	}
	over := s.from
	if s.to != s.from {
		over += "," + s.to
	}
	return "Note over " + over + ": " + mermaidText(s.text)
}

// mermaidSafe are the ASCII punctuation characters written as they are;
// they mean nothing in a sequence diagram's message text.
const mermaidSafe = " .,_/()[]'+=*?@-"

// mermaidText encodes text for a message or note: every other ASCII
// punctuation character becomes Mermaid's entity code (#59; for ;), so
// that no text ends the statement (;, newline), starts a comment or
// directive (%%), an entity (#), a line break or HTML (<br>, <, >), maths
// ($$) or a wrap: prefix (:). Letters, digits and other characters pass
// (Sanitize has escaped the invisible ones).
func mermaidText(text string) string {
	var b strings.Builder
	for _, r := range text {
		if r < 0x80 && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(mermaidSafe, r) {
			fmt.Fprintf(&b, "#%d;", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
