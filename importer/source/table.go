package source

import (
	"errors"
	"fmt"
	"io"
	"owr-import/importer/row"
	"slices"
	"strings"
)

// rowReader yields the physical rows of one CSV file or one sheet.
type rowReader interface {
	// next returns the 1-based row number and cells of the next row. The
	// slice is only valid until the next call. It returns io.EOF at the
	// end; any other error is an *row.InputError.
	next() (row int, cells []string, err error)
	// place is the file and (XLSX) the sheet, for messages.
	place() (path, sheet string)
}

// scannedRow is a non-blank row read while looking for the header, kept so
// the data rows after the header are not read twice.
type scannedRow struct {
	row   int
	cells []string
}

// Limits of the header search: the header must be within the first
// headerScanRows non-blank rows, themselves within the first
// headerScanPhysical rows (a sheet formatted down to row 1,048,576 must not
// be read to the end just to find out it is empty).
const (
	headerScanRows     = 30
	headerScanPhysical = 1000
)

// scanRows reads the rows a header may be among: the first headerScanRows
// non-blank rows, or, with headerRow > 0, every row up to that one. last
// is the number of the last row read, blank or not.
func scanRows(rr rowReader, headerRow int) (rows []scannedRow, last int, err error) {
	for {
		row, cells, err := rr.next()
		if errors.Is(err, io.EOF) {
			return rows, last, nil
		}
		if err != nil {
			return rows, last, err
		}
		last = row
		path, sheet := rr.place()
		if err := checkCellSizes(path, sheet, nil, row, cells); err != nil {
			return rows, last, err // the header's cells too
		}
		if !isBlankRow(cells) {
			rows = append(rows, scannedRow{row: row, cells: slices.Clone(cells)})
		}
		if headerRow > 0 {
			if row >= headerRow {
				return rows, last, nil
			}
			continue
		}
		if len(rows) >= headerScanRows || row >= headerScanPhysical {
			return rows, last, nil
		}
	}
}

// table turns the rows of a rowReader into records aligned with a header.
type table struct {
	rr        rowReader
	path      string // for messages
	sheet     string // XLSX: the sheet read; "" for CSV
	header    []string
	headerRow int
	pending   []scannedRow // rows read during the header search, after the header
	backing   []string     // unused part of the current Values allocation
	stats     SourceStats
	err       error // sticky: once a read failed, it keeps failing
	totals    totalsLookahead
}

// newTable picks the header among rows (see chooseHeader, or the row
// numbered headerRow) and keeps the rows after it for next.
func newTable(rr rowReader, rows []scannedRow, idx int, path, sheet string) *table {
	return &table{
		rr:        rr,
		path:      path,
		sheet:     sheet,
		header:    headerCells(rows[idx].cells),
		headerRow: rows[idx].row,
		pending:   rows[idx+1:],
	}
}

// next returns the next non-blank data row. A row that looks like a totals
// line is held back until the rows after it show whether the export ends
// there (see totalsLookahead).
func (t *table) next() (row.Record, error) {
	if t.err != nil {
		return row.Record{}, t.err
	}
	for {
		num, cells, err := t.nextRow()
		if errors.Is(err, io.EOF) {
			t.dropTotals()
		}
		if err != nil {
			t.err = err
			return row.Record{}, err
		}
		if isBlankRow(cells) {
			continue
		}
		if err := t.checkCellSizes(num, cells); err != nil {
			t.err = err
			return row.Record{}, err
		}
		if t.totals.hold(num, cells, len(t.header)) {
			continue
		}
		if held := t.totals.release(num, cells); held != nil {
			t.pending = append(held, t.pending...)
			continue
		}
		return t.record(num, cells), nil
	}
}

// dropTotals ends the file: the rows still held back were its totals
// lines, counted in Stats.
func (t *table) dropTotals() {
	held := t.totals.dropHeld()
	if len(held) == 0 {
		return
	}
	if len(t.stats.TotalsRows) == 0 {
		t.stats.TotalsFirst = firstFilled(held[0].cells)
	}
	for _, r := range held {
		t.stats.TotalsRows = append(t.stats.TotalsRows, r.row)
	}
}

// nextRow is the next physical row: those read during the header search
// (or given back by the totals look-ahead) first, then the file's.
func (t *table) nextRow() (int, []string, error) {
	if len(t.pending) > 0 {
		r := t.pending[0]
		t.pending = t.pending[1:]
		t.totals.pass()
		return r.row, r.cells, nil
	}
	return t.rr.next()
}

// record aligns a row's cells with the header, noting cells beyond it.
func (t *table) record(num int, cells []string) row.Record {
	values := t.newValues()
	n := copy(values, cells)
	clear(values[n:]) // a short row reads as empty cells; the memory may be reused
	if n < len(cells) && !isBlankRow(cells[n:]) {
		t.stats.ExtraCellRows++
		if len(t.stats.ExtraCellFirst) < maxExtraRowsListed {
			t.stats.ExtraCellFirst = append(t.stats.ExtraCellFirst, num)
		}
	}
	return row.Record{Row: num, Values: values}
}

// valuesBatch is how many rows' Values share one allocation.
const valuesBatch = 128

// newValues returns a slice of len(header) strings for the next row. Rows take
// consecutive pieces of one larger array, with their capacity capped so an
// append by the caller cannot reach the next row: one allocation per 128
// rows instead of one per row, which matters at a million rows.
func (t *table) newValues() []string {
	w := len(t.header)
	if len(t.backing) < w {
		t.backing = make([]string, w*valuesBatch)
	}
	v := t.backing[:w:w]
	t.backing = t.backing[w:]
	return v
}

// ReuseValues gives the table the memory for the Values of the next rows,
// len(buf)/len(header) of them, instead of a fresh allocation. Validate
// hands back each batch's memory once the batch is written, so a million
// rows cost no more memory than the batches in flight and give the garbage
// collector less to do. buf must no longer be read by anyone; next
// overwrites every value.
func (t *table) ReuseValues(buf []string) { t.backing = buf }

// Stats returns a copy of what was left out so far.
func (t *table) Stats() SourceStats {
	s := t.stats
	s.ExtraCellFirst = slices.Clone(s.ExtraCellFirst)
	s.TotalsRows = slices.Clone(s.TotalsRows)
	return s
}

// Header, HeaderRow are shared by both sources.
func (t *table) Header() []string { return slices.Clone(t.header) }
func (t *table) HeaderRow() int   { return t.headerRow }

// findHeaderRow returns the index in rows of the row numbered headerRow;
// last is the last row scanRows read.
func findHeaderRow(path string, rows []scannedRow, last, headerRow int) (int, error) {
	for i, r := range rows {
		if r.row == headerRow {
			return i, nil
		}
	}
	if last < headerRow {
		return -1, &row.InputError{Path: path, Row: headerRow,
			Message: fmt.Sprintf("the header row is set to %d but the data ends before it", headerRow),
			Hint:    "Correct source.header_row in the mapping, or remove it to find the header automatically."}
	}
	return -1, &row.InputError{Path: path, Row: headerRow,
		Message: "the header row is empty",
		Hint:    "Correct source.header_row in the mapping, or remove it to find the header automatically."}
}

// isBlankRow reports whether every cell is empty or white space.
func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if c != "" && strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
