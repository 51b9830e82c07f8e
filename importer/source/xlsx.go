package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/row"
	"strconv"
	"strings"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

// UnzipXMLSizeLimit is how large a sheet or the shared-strings table may
// be and still be held in memory; larger ones are unpacked to a temporary
// file and streamed from there. It is kept small because excelize's parsed
// shared-strings table takes about 20 times its XML size (a 10 MB table,
// typical of 100,000 rows saved by Excel, takes 180 MB): with 4 MiB a
// 100,000-row workbook reads in about 60 MB instead of 190-270 MB, for
// about a second more. The size of the whole workbook is checked before
// excelize sees it (xlsxzip.go); UnzipSizeLimit repeats that limit.
const xlsxUnzipXMLSizeLimit = 4 << 20

// xlsxSource streams one sheet of a workbook with excelize's row iterator.
type xlsxSource struct {
	*table
	path  string
	sheet string
	file  *excelize.File
	rows  *excelize.Rows
}

// openXLSX opens a workbook, picks the sheet and finds its header.
func openXLSX(path string, opts SourceOptions) (src Source, err error) {
	plan, err := inspectWorkbook(path)
	if err != nil {
		return nil, err
	}
	var f *excelize.File
	defer func() {
		// excelize is not hardened against every malformed workbook; a
		// panic in it, opening or reading, must become a message, not a
		// crash.
		if p := recover(); p != nil {
			if f != nil {
				f.Close()
			}
			src, err = nil, damagedWorkbook(path, "", 0, fmt.Errorf("%v", p))
		}
	}()
	f, err = openExcelize(plan)
	if err != nil {
		return nil, inputErr(path, "the workbook cannot be opened: it is damaged", hintSaveAs, err)
	}
	s, err := pickSheet(f, path, opts, markDateStyles(f))
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// openExcelize opens the checked copy of a workbook and removes it:
// excelize has unpacked what it reads by the time it returns.
func openExcelize(plan *workbookPlan) (*excelize.File, error) {
	defer plan.cleanup()
	f, err := excelize.OpenFile(plan.path, excelize.Options{
		UnzipSizeLimit:    maxWorkbookBytes,
		UnzipXMLSizeLimit: xlsxUnzipXMLSizeLimit,
	})
	if err != nil && f != nil {
		f.Close()
		f = nil
	}
	return f, err
}

// damagedWorkbook is the error for a workbook excelize fails to read.
func damagedWorkbook(path, sheet string, rowNum int, cause error) *row.InputError {
	return &row.InputError{Path: path, Sheet: sheet, Row: rowNum, Err: cause,
		Message: "the workbook could not be read (it may be damaged)", Hint: hintSaveAs}
}

// sheetCandidate is one sheet looked at by pickSheet.
type sheetCandidate struct {
	name  string
	rr    *xlsxRows
	rows  []scannedRow
	idx   int
	score int
	looks bool
	width int // non-empty cells of the header
}

// pickSheet chooses the sheet to read: the one named in opts, else the one
// whose header the mapping recognises best, else the one with the widest
// header-looking rowNum (a customer table is wider than the two columns of an
// "Info" tab), else the first with any data; the first wins ties, and
// visible sheets come before hidden ones. Only the first rows of each sheet
// are read, and the chosen sheet goes on from where its scan stopped.
func pickSheet(f *excelize.File, path string, opts SourceOptions, st serialStyles) (*xlsxSource, error) {
	names, err := sheetOrder(f, path, opts.Sheet)
	if err != nil {
		return nil, err
	}
	var (
		byScore, byLooks, firstAny *sheetCandidate
		firstErr                   error
	)
	for _, name := range names {
		c, err := scanSheet(f, path, name, opts, st)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if c.idx < 0 {
			c.rr.close()
			continue
		}
		previous := []*sheetCandidate{byScore, byLooks, firstAny, c}
		if c.score > 0 && (byScore == nil || c.score > byScore.score) {
			byScore = c
		}
		if c.looks && (byLooks == nil || c.width > byLooks.width) {
			byLooks = c
		}
		if firstAny == nil {
			firstAny = c
		}
		for _, p := range previous {
			if p != nil && p != byScore && p != byLooks && p != firstAny {
				p.rr.close()
			}
		}
	}
	chosen := firstAny
	if byScore != nil {
		chosen = byScore
	} else if byLooks != nil {
		chosen = byLooks
	}
	for _, c := range []*sheetCandidate{byScore, byLooks, firstAny} {
		if c != nil && c != chosen {
			c.rr.close()
		}
	}
	if chosen == nil {
		if firstErr != nil {
			return nil, firstErr
		}
		if opts.Sheet != "" {
			return nil, &row.InputError{Path: path, Sheet: names[0], Message: "the sheet holds no data", Hint: "Check the sheet name (source.sheet in the mapping or --sheet)."}
		}
		return nil, inputErr(path, "the workbook holds no data", "Check that this is the right export.", nil)
	}
	t := newTable(chosen.rr, chosen.rows, chosen.idx, path, chosen.name)
	return &xlsxSource{table: t, path: path, sheet: chosen.name, file: f, rows: chosen.rr.rows}, nil
}

// sheetOrder lists the sheets pickSheet looks at: the one asked for (found
// without regard to case, as Excel does), or all, visible ones first.
func sheetOrder(f *excelize.File, path, want string) ([]string, error) {
	all := f.GetSheetList()
	if want != "" {
		for _, n := range all {
			if strings.EqualFold(n, strings.TrimSpace(want)) {
				return []string{n}, nil
			}
		}
		quoted := make([]string, len(all))
		for i, n := range all {
			quoted[i] = strconv.Quote(n)
		}
		return nil, inputErr(path, fmt.Sprintf("there is no sheet %q; the workbook has %s", want, strings.Join(quoted, ", ")),
			"Set source.sheet in the mapping (or --sheet) to one of them.", nil)
	}
	var visible, hidden []string
	for _, n := range all {
		if v, err := f.GetSheetVisible(n); err == nil && !v {
			hidden = append(hidden, n)
		} else {
			visible = append(visible, n)
		}
	}
	if len(visible)+len(hidden) == 0 {
		return nil, inputErr(path, "the workbook has no sheets", hintSaveAs, nil)
	}
	return append(visible, hidden...), nil
}

// scanSheet reads the first rows of one sheet and finds its header.
func scanSheet(f *excelize.File, path, name string, opts SourceOptions, st serialStyles) (*sheetCandidate, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, damagedWorkbook(path, name, 0, err)
	}
	rr := &xlsxRows{rows: rows, path: path, sheet: name, st: st}
	scanned, last, err := scanRows(rr, opts.HeaderRow)
	if err != nil {
		rr.close()
		return nil, err
	}
	c := &sheetCandidate{name: name, rr: rr, rows: scanned, idx: -1}
	if opts.HeaderRow > 0 {
		idx, err := findHeaderRow(path, scanned, last, opts.HeaderRow)
		if err != nil {
			rr.close()
			var ie *row.InputError
			if errors.As(err, &ie) {
				ie.Sheet = name
			}
			return nil, err
		}
		c.idx, c.looks = idx, true
		if opts.HeaderScore != nil {
			c.score = opts.HeaderScore(headerCells(scanned[idx].cells))
		}
	} else {
		ch := chooseHeader(scanned, opts.HeaderScore)
		c.idx, c.score, c.looks = ch.idx, ch.score, ch.looks
	}
	if c.idx >= 0 {
		c.width = countFilled(scanned[c.idx].cells)
	}
	return c, nil
}

func (s *xlsxSource) Format() row.Format { return row.FormatXLSX }
func (s *xlsxSource) Path() string       { return s.path }
func (s *xlsxSource) Sheet() string      { return s.sheet }
func (s *xlsxSource) Delimiter() rune    { return ',' }

// Cell returns the spreadsheet reference of a cell, such as "C12".
func (s *xlsxSource) Cell(row, col int) string {
	name, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return "row " + strconv.Itoa(row) + ", column " + strconv.Itoa(col+1)
	}
	return name
}

// Next returns the next data row; a panic inside excelize on a damaged
// sheet becomes an *row.InputError.
func (s *xlsxSource) Next() (rec row.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			row := 0
			if xr, ok := s.rr.(*xlsxRows); ok {
				row = xr.row
			}
			err = damagedWorkbook(s.path, s.sheet, row, fmt.Errorf("%v", p))
			s.table.err = err
		}
	}()
	return s.next()
}

// Close closes the row iterator (and its temporary file) and the workbook;
// a second call does nothing.
func (s *xlsxSource) Close() error {
	if s.file == nil {
		return nil
	}
	err := errors.Join(s.rows.Close(), s.file.Close())
	s.file = nil
	return err
}

// xlsxRows reads the rows of a sheet. excelize's Next visits every row
// number, including the ones missing from the file, so counting calls
// gives the row number.
type xlsxRows struct {
	rows   *excelize.Rows
	path   string
	sheet  string
	st     serialStyles
	row    int
	closed bool
}

func (x *xlsxRows) next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, &row.InputError{Path: x.path, Sheet: x.sheet, Row: x.row + 1, Err: err,
				Message: "the sheet has more rows than a workbook can hold", Hint: hintSaveAs}
		}
		return 0, nil, io.EOF
	}
	x.row++
	cells, err := x.rows.Columns()
	if err != nil {
		return 0, nil, damagedWorkbook(x.path, x.sheet, x.row, err)
	}
	for i, v := range cells {
		if len(v) > 1 && (v[0] == dateMarker || v[0] == timeMarker || v[0] == patternMarker || v[0] == '-') {
			cells[i] = x.st.serialCell(v)
		}
	}
	return x.row, cells, nil
}

// countFilled counts the non-empty cells of a row.
func countFilled(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// close releases a sheet pickSheet looked at but did not choose.
func (x *xlsxRows) close() {
	if !x.closed {
		x.closed = true
		x.rows.Close()
	}
}

// checkWorkbookKind explains, before excelize sees it, a file named .xlsx
// that is no such workbook.
func checkWorkbookKind(path string, kind fileKind) error {
	switch kind {
	case kindEmpty:
		return inputErr(path, "the file is empty", "Export the data again.", nil)
	case kindOLE:
		if isEncryptedOLE(path) {
			return inputErr(path, "the workbook is protected with a password",
				"Open it in Excel, remove the password (File > Info > Protect Workbook) and save it, or save a copy as .xlsx or .csv without a password.", nil)
		}
		return inputErr(path, "the file is named .xlsx but is an old Excel 97-2003 workbook (.xls)", hintSaveAs, nil)
	case kindOther:
		if looksLikeText(path) {
			return inputErr(path, "the file is named .xlsx but holds text, probably a CSV export", "Rename it to .csv.", nil)
		}
		return inputErr(path, "the file is not an Excel workbook, or it is damaged", hintSaveAs, nil)
	}
	zr, err := openZip(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	var workbook, binary, openDocument bool
	for _, zf := range zr.File {
		switch {
		case strings.EqualFold(zf.Name, "xl/workbook.xml"):
			workbook = true
		case strings.EqualFold(zf.Name, "xl/workbook.bin"):
			binary = true
		case zf.Name == "mimetype", zf.Name == "content.xml":
			openDocument = true
		}
	}
	switch {
	case workbook:
		return nil
	case binary:
		return inputErr(path, "the file is a binary Excel workbook (.xlsb)", hintSaveAs, nil)
	case openDocument:
		return inputErr(path, "the file is an OpenDocument spreadsheet (.ods) named .xlsx", hintSaveAs, nil)
	}
	return inputErr(path, "the file is a zip archive, not an Excel workbook", hintSaveAs, nil)
}

// isEncryptedOLE reports whether an OLE2 file is a password-protected
// workbook (which Excel stores as an encrypted package inside OLE2) rather
// than an old .xls.
func isEncryptedOLE(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		return false
	}
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		if entry.Name == "EncryptedPackage" || entry.Name == "EncryptionInfo" {
			return true
		}
	}
	return false
}

// looksLikeText reports whether the start of a file is text: no control
// characters other than tab and line ends (UTF-8 and Windows-1252 alike).
func looksLikeText(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	for _, b := range buf {
		if b < 0x20 && b != '\t' && b != '\r' && b != '\n' {
			return false
		}
	}
	return n > 0
}

func (x *xlsxRows) place() (path, sheet string) { return x.path, x.sheet }
