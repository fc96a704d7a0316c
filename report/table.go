package report

import (
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

const (
	cellPadding = 2                // one space each side of a cell
	minColumn   = 8 + cellPadding  // columns are never squeezed below this
	maxFloor    = 24 + cellPadding // a long word does not hold its column wider than this
)

// writeTable renders rows under header (nil for none) as a table no wider
// than the printer's width, with lines between rows or not. Cells are
// wrapped here, not by tablewriter, so that words longer than a column
// (names, escaped bytes) are broken too.
func (p *printer) writeTable(header []string, rows [][]string, betweenRows tw.State) {
	all := slices.Concat([][]string{header}, rows)
	natural := measure(all, width)
	widths := fitWidths(natural, measure(all, longestSegment), p.width-len(natural)-1) // a border per column, one more
	tb := tablewriter.NewTable(p,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Settings: tw.Settings{Separators: tw.Separators{BetweenRows: betweenRows}},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithColumnWidths(columnMapper(widths)),
	)
	if header != nil {
		tb.Header(wrapRow(header, widths))
	}
	for _, row := range rows {
		if err := tb.Append(wrapRow(row, widths)); err != nil {
			p.fail(err)
			return
		}
	}
	if err := tb.Render(); err != nil {
		p.fail(err)
	}
}

// measure is, per column, the largest size of any line of any cell, plus
// padding.
func measure(rows [][]string, size func(string) int) []int {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, cellPadding)
			}
			for _, line := range strings.Split(cell, "\n") {
				widths[i] = max(widths[i], size(line)+cellPadding)
			}
		}
	}
	return widths
}

// fitWidths narrows the widest columns, one column at a time, until the
// table fits in room: first not below the longest unbreakable segment of a
// column (up to maxFloor, so words stay whole), then, if it still does not
// fit, down to minColumn.
func fitWidths(natural, segments []int, room int) []int {
	widths := slices.Clone(natural)
	floor := make([]int, len(natural))
	for i := range floor {
		floor[i] = min(natural[i], max(min(segments[i], maxFloor), minColumn))
	}
	narrow(widths, floor, room)
	for i := range floor {
		floor[i] = min(natural[i], minColumn)
	}
	narrow(widths, floor, room)
	return widths
}

// narrow takes one column at a time off the widest column above its floor
// until the widths fit in room or every column is at its floor.
func narrow(widths, floor []int, room int) {
	for sum(widths) > room {
		i := -1
		for j, w := range widths {
			if w > floor[j] && (i < 0 || w > widths[i]) {
				i = j
			}
		}
		if i < 0 {
			return
		}
		widths[i]--
	}
}

// sum adds up xs.
func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// wrapRow wraps every cell of row to its column's width.
func wrapRow(row []string, widths []int) []string {
	out := make([]string, len(row))
	for i, cell := range row {
		out[i] = strings.Join(wrapText(cell, widths[i]-cellPadding), "\n")
	}
	return out
}

// columnMapper gives tablewriter each column's width by column index.
func columnMapper(widths []int) tw.Mapper[int, int] {
	m := tw.NewMapper[int, int]()
	for i, w := range widths {
		m.Set(i, w)
	}
	return m
}
