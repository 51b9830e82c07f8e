package importer

import (
	"fmt"
	"unicode/utf8"

	"owr-import/importer/row"
	"owr-import/importer/source"
	"owr-import/mapping"
)

// maxWorkbookCell is the most characters a spreadsheet cell holds (Excel's
// limit, which excelize enforces by cutting).
const maxWorkbookCell = 32767

// longCells is what a workbook export cannot carry whole: a cell longer
// than a spreadsheet cell holds would be cut in the result workbook without
// a word, so its row is invalid instead, naming the cell.
type longCells struct {
	header []string
	cell   func(row, col int) string
}

// newLongCells checks the cells of workbook sources; nil for CSV, whose
// result files hold any length.
func newLongCells(src source.Source) *longCells {
	if src.Format() != row.FormatXLSX {
		return nil
	}
	return &longCells{header: src.Header(), cell: src.Cell}
}

// check appends a problem for every cell of rec that is too long.
func (l *longCells) check(rec row.Record, list []mapping.Problem) []mapping.Problem {
	if l == nil {
		return list
	}
	for i, v := range rec.Values {
		if len(v) <= maxWorkbookCell {
			continue // a cell of at most that many bytes has at most that many characters
		}
		if n := utf8.RuneCountInString(v); n > maxWorkbookCell {
			list = append(list, mapping.Problem{Column: l.header[i], ColumnIndex: i, Kind: "cell_too_long",
				Message: fmt.Sprintf("cell %s holds %d characters, more than the %d a spreadsheet cell holds: the results could not show it whole. Shorten it in the export",
					l.cell(rec.Row, i), n, maxWorkbookCell)})
		}
	}
	return list
}
