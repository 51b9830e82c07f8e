package source

import (
	"fmt"
	"owr-import/importer/row"
)

// maxCellBytes (limits.go) is the largest cell a customer export plausibly
// holds. A bigger one means a wrong or damaged file (a binary pasted into a
// cell, a quote that never closes), and carrying it through mapping and into
// result files helps nobody, so the whole file is refused with the cell
// named. Every row passes through scanRows or table.next, so both formats
// are checked the same way; the CSV reader (rowGuard) and the workbook check
// (xlsxzip.go) stop much larger rows and cells before they are held in
// memory.

// checkCellSizes refuses, as an *row.InputError naming the cell, a row with
// a cell larger than maxCellBytes.
func (t *table) checkCellSizes(num int, cells []string) error {
	return checkCellSizes(t.path, t.sheet, t.header, num, cells)
}

// checkCellSizes is the check of a row numbered num in the file at path
// (and sheet), its columns named by header where known.
func checkCellSizes(path, sheet string, header []string, num int, cells []string) error {
	for i, v := range cells {
		if len(v) <= maxCellBytes {
			continue
		}
		column, cell := "", fmt.Sprintf("the cell in column %d", i+1) // before the header is known
		if i < len(header) && header[i] != "" {
			column, cell = header[i], "this cell"
		}
		return &row.InputError{
			Path: path, Sheet: sheet, Row: num, Column: column,
			Message: fmt.Sprintf("%s holds %.1f MB of text; a customer export has no cell this large (at most 1 MB is read)", cell, float64(len(v))/(1<<20)),
			Hint:    "Check that this is the right file and that its quotes are closed, or empty that cell.",
		}
	}
	return nil
}
