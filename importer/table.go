package importer

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strconv"
	"sync"

	"github.com/xuri/excelize/v2"

	"owr-import/importer/row"
	"owr-import/importer/source"
	"owr-import/mapping"
)

// Table is one input's rows held in memory, for a caller that checks the
// same rows again and again under a changing mapping (the studio): the file
// is read once, every check after that costs only the mapping and the
// duplicate check.
type Table struct {
	Path      string
	Format    row.Format
	Sheet     string
	HeaderRow int
	Header    []string
	Rows      []row.Record
	Delimiter rune
	// Stats is what the source left out: totals lines under the last
	// customer, cells beyond the header.
	Stats source.SourceStats
	cell  func(rowNum, col int) string
}

// ErrTableTooLarge is returned by LoadTable when the input holds more data
// rows than the limit it was given.
var ErrTableTooLarge = errors.New("the file holds more rows than can be shown at once")

// LoadTable reads every data row of path into memory, at most limit rows
// (0 = no limit). The source is opened with opts as `validate` would open
// it, so the header row and the values are the ones a run sees.
func LoadTable(ctx context.Context, path string, opts source.SourceOptions, limit int) (*Table, error) {
	src, err := source.OpenSource(path, opts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	t := &Table{Path: path, Format: src.Format(), Sheet: src.Sheet(), HeaderRow: src.HeaderRow(),
		Header: src.Header(), Delimiter: src.Delimiter(), cell: src.Cell}
	if h, ok := src.(source.RowsHinter); ok {
		t.Rows = make([]row.Record, 0, min(h.RowsHint(), 1<<20))
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if limit > 0 && len(t.Rows) >= limit {
			return nil, ErrTableTooLarge
		}
		t.Rows = append(t.Rows, rec)
	}
	t.Stats = src.Stats()
	// The source is closed on return; the cell names it gives depend only
	// on the format, the header and the row number.
	t.cell = cellNames(t.Format)
	return t, nil
}

// cellNames names a cell as the source of that format does once the file
// is closed: "D7" for a workbook, nothing for a CSV (the row is on the same
// line of the results file, the column header says the rest).
func cellNames(f row.Format) func(rowNum, col int) string {
	if f != row.FormatXLSX {
		return nil
	}
	return func(rowNum, col int) string {
		name, err := excelize.CoordinatesToCellName(col+1, rowNum)
		if err != nil {
			return "row " + strconv.Itoa(rowNum) + ", column " + strconv.Itoa(col+1)
		}
		return name
	}
}

// CheckedRow is the verdict of one row of a Table under one mapping: what
// `validate` would write for it.
type CheckedRow struct {
	Row      int
	Status   row.Status // valid, invalid or duplicate
	Customer mapping.Customer
	Problems []mapping.Problem
	DupOf    int    // the earlier row holding the same key (duplicates)
	DupField string // extCustomerId or extCustomerNumber
	Message  string // the owr_error text validate writes
}

// Check maps every row with m and runs the checks of `validate` (the
// mapping's checks, over-long workbook cells, duplicates): mapping on every
// core, then the duplicate check in row order, as Validate does.
func (t *Table) Check(ctx context.Context, m *mapping.Mapping) ([]CheckedRow, error) {
	b, err := m.Bind(t.Header)
	if err != nil {
		return nil, err
	}
	out := make([]CheckedRow, len(t.Rows))
	if err := t.mapAll(ctx, b, out); err != nil {
		return nil, err
	}
	dups := newDuplicateIndex()
	dups.reserve(len(out))
	for i := range out {
		c := &out[i]
		v := verdict{Status: c.Status, Customer: c.Customer, Problems: c.Problems}
		k := dups.keysOf(&v.Customer)
		if earlier, field := dups.claimKeys(c.Row, k); earlier != 0 && v.Status != row.StatusInvalid {
			v.Status, v.DupOf, v.DupField = row.StatusDuplicate, earlier, field
		}
		c.Status, c.DupOf, c.DupField = v.Status, v.DupOf, v.DupField
		c.Message = v.message(t.cellOf(c.Row))
	}
	return out, nil
}

// mapAll maps the rows in chunks, one Mapper per goroutine (a Mapper keeps
// per-field memos and is not safe for concurrent use).
func (t *Table) mapAll(ctx context.Context, b *mapping.Binding, out []CheckedRow) error {
	const chunk = 4096
	workers := max(1, runtime.GOMAXPROCS(0))
	next := make(chan int)
	var wg sync.WaitGroup
	long := t.longCells()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mapper := b.NewMapper()
			for start := range next {
				for i := start; i < min(start+chunk, len(t.Rows)); i++ {
					rec := t.Rows[i]
					cust, list := mapper.Apply(rec.Values)
					list = long.check(rec, list)
					out[i] = CheckedRow{Row: rec.Row, Status: mappedStatus(list), Customer: cust, Problems: list}
				}
			}
		}()
	}
	var err error
	for start := 0; start < len(t.Rows); start += chunk {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- start
	}
	close(next)
	wg.Wait()
	return err
}

// longCells is the over-long cell check of workbook sources.
func (t *Table) longCells() *longCells {
	if t.Format != row.FormatXLSX {
		return nil
	}
	return &longCells{header: t.Header, cell: t.cell}
}

// cellOf is cellNamer for a row of the table.
func (t *Table) cellOf(rowNum int) func(col int) string {
	if t.cell == nil {
		return nil
	}
	return func(col int) string { return t.cell(rowNum, col) }
}

// Cell names the cell of rowNum and column index col for a consultant:
// "D7" in a workbook, the column's header otherwise.
func (t *Table) Cell(rowNum, col int) string {
	if t.cell == nil {
		if col >= 0 && col < len(t.Header) {
			return t.Header[col]
		}
		return ""
	}
	return t.cell(rowNum, col)
}
