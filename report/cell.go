package report

// tone is how a table cell is highlighted: a level word ("critical",
// "warning", "info", "ok", "unknown") that the text report turns into a
// colour and the HTML report into a class, and Markdown leaves out; plain
// is no highlight.
type tone string

const (
	plain        tone = ""
	toneOK       tone = "ok"
	toneWarning  tone = "warning"
	toneCritical tone = "critical"
)

// cell is one table cell: its text, already sanitized, and its tone.
type cell struct {
	text string
	tone tone
}

// markedLine is a head ending in a highlighted word ("login as ftp: ok")
// and the text that explains it.
type markedLine struct {
	head string
	mark cell
	text string
}

// plainCells makes cells without highlight.
func plainCells(texts ...string) []cell {
	row := make([]cell, len(texts))
	for i, t := range texts {
		row[i] = cell{text: t}
	}
	return row
}

// paint is c's text in its tone's colour.
func (p *printer) paint(c cell) string {
	if c.tone == plain {
		return c.text
	}
	return p.pal.level(string(c.tone)).Sprint(c.text)
}

// mapRows applies f to every cell of rows: paint for the text report, a
// class for HTML, the bare text for Markdown.
func mapRows[T any](rows [][]cell, f func(cell) T) [][]T {
	out := make([][]T, len(rows))
	for i, row := range rows {
		out[i] = make([]T, len(row))
		for j, c := range row {
			out[i][j] = f(c)
		}
	}
	return out
}

// plainText is c's text without its tone.
func plainText(c cell) string { return c.text }

// cellTexts are rows of cells without their tones.
func cellTexts(rows [][]cell) [][]string { return mapRows(rows, plainText) }

// okCell is "ok" or "FAILED".
func okCell(ok bool) cell { return judged(ok, "ok", "FAILED") }

// markCell is "yes" (good) or "no" (bad).
func markCell(b bool) cell { return judged(b, "yes", "no") }

// judged is good in the ok tone, or bad in the critical one.
func judged(ok bool, good, bad string) cell {
	if ok {
		return cell{good, toneOK}
	}
	return cell{bad, toneCritical}
}
