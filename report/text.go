package report

import (
	"strings"

	"github.com/clipperhouse/displaywidth"
)

// cells measures display width: ANSI colour sequences count as nothing and
// East Asian ambiguous characters as one column whatever the locale, so the
// output does not depend on the environment.
func cells() displaywidth.Options {
	return displaywidth.Options{ControlSequences: true}
}

// width is the number of terminal columns s takes.
func width(s string) int { return cells().String(s) }

// truncate shortens s to at most n columns, ending it with … when cut.
func truncate(s string, n int) string {
	if width(s) <= n {
		return s
	}
	return cells().TruncateString(s, n, "…")
}

// pad right-pads s with spaces to n columns.
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(n-width(s), 0))
}

// wrapText breaks s into lines of at most n columns (at least one): at its
// line breaks, at spaces, and inside a word too long for a line after
// punctuation where possible, else anywhere.
func wrapText(s string, n int) []string {
	n = max(n, 1)
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, wrapLine(para, n)...)
	}
	return lines
}

// wrapLine wraps one line of text (no line breaks) to n columns.
func wrapLine(s string, n int) []string {
	if width(s) <= n {
		return []string{s}
	}
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		switch {
		case cur != "" && width(cur)+1+width(word) <= n:
			cur += " " + word
		case width(word) <= n:
			lines = appendNonEmpty(lines, cur)
			cur = word
		default:
			lines = appendNonEmpty(lines, cur)
			pieces := breakWord(word, n)
			lines = append(lines, pieces[:len(pieces)-1]...)
			cur = pieces[len(pieces)-1]
		}
	}
	return appendNonEmpty(lines, cur)
}

// appendNonEmpty appends s to lines unless s is empty.
func appendNonEmpty(lines []string, s string) []string {
	if s == "" {
		return lines
	}
	return append(lines, s)
}

// breakAfter are the characters a word is preferably broken after.
const breakAfter = ",-/._"

// breakWord cuts a word wider than n columns into pieces of at most n,
// preferring to cut just after punctuation (breakAfter).
func breakWord(word string, n int) []string {
	var pieces []string
	for width(word) > n {
		head := cells().TruncateString(word, n, "")
		if i := strings.LastIndexAny(head, breakAfter); i > 0 {
			head = head[:i+1]
		}
		if head == "" { // a single character wider than n
			head = string([]rune(word)[:1])
		}
		pieces = append(pieces, head)
		word = word[len(head):]
	}
	return append(pieces, word)
}

// longestSegment is the width of the widest part of s a table column
// should keep whole: a word, or the part of a word up to a comma (an RDN, a
// list item).
func longestSegment(s string) int {
	longest := 0
	for _, word := range strings.Fields(s) {
		for _, seg := range strings.SplitAfter(word, ",") {
			longest = max(longest, width(seg))
		}
	}
	return longest
}
