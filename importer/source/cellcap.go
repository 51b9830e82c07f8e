package source

import (
	"fmt"
	"owr-import/importer/row"
)

// maxCellBytes is the largest cell a customer export plausibly holds. A
// bigger one means a wrong or damaged file (a binary pasted into a cell, a
// quote that never closes), and carrying it through mapping and into result
// files helps nobody, so the whole file is refused with the cell named. Every row passes
// through table.next, so both formats are checked the same way.
const maxCellBytes = 1 << 20

// checkCellSizes refuses, as an *row.InputError naming the cell, a row with
// a cell larger than maxCellBytes.
func (t *table) checkCellSizes(num int, cells []string) error {
	for i, v := range cells {
		if len(v) <= maxCellBytes {
			continue
		}
		column := fmt.Sprintf("column %d", i+1)
		if i < len(t.header) {
			column = t.header[i]
		}
		return &row.InputError{
			Path: t.path, Sheet: t.sheet, Row: num, Column: column,
			Message: fmt.Sprintf("this cell holds %.1f MB of text; a customer export has no cell this large", float64(len(v))/(1<<20)),
			Hint:    "Check that this is the right file and that its quotes are closed, or empty that cell.",
		}
	}
	return nil
}
