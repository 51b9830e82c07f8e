package report

import (
	"fmt"
	"io"
	"owr-import/importer/row"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Colours of the XLSX result files: Excel's own "light red fill with dark
// red text" for rows that need attention, and a light blue for the columns
// owr-import added, so the client's columns and ours are told apart at a
// glance.
const (
	xlsxOwrFill      = "DDEBF7"
	xlsxBadFill      = "FFC7CE"
	xlsxBadFont      = "9C0006"
	xlsxDefaultSheet = "Results"
	xlsxCountsSheet  = "Counts"
	xlsxCountsAlt    = "Row counts" // when the rows' sheet is called Counts
	xlsxMaxSheetName = 31           // Excel's limit
)

// Column widths, in characters. A column is sized before its first row is
// streamed (the stream writer writes the widths ahead of the rows), from
// its header and the first xlsxSampleRows rows, which are held until then.
const (
	xlsxSampleRows   = 200
	xlsxMinWidth     = 8
	xlsxMaxWidth     = 60
	xlsxWrapMinWidth = 40 // a wrapped column: narrower makes long messages tall rows
)

// xlsxDefaultOK are the statuses that need no attention.
var xlsxDefaultOK = []string{string(row.StatusCreated), string(row.StatusSkipped), string(row.StatusValid)}

// xlsxResultWriter streams rows into one sheet with excelize's
// StreamWriter. Every value is written as an inline string, which excelize
// never turns into a number: a postcode "0612" or a VAT number stays text.
// The header row is bold and frozen, with an autofilter; owr_* headers are
// light blue; status cells of rows that need attention are light red;
// owr_error cells, and cells holding a line break, wrap. Columns are sized
// from the header and the first xlsxSampleRows rows, held until then.
type xlsxResultWriter struct {
	af        *atomicFile
	f         *excelize.File
	sw        *excelize.StreamWriter
	sheet     string
	row       int // the last row written or held; the header is row 1
	width     int
	statusCol int
	errorCol  int // owr_error's index, or -1
	ok        map[string]bool
	badStyle  int
	wrapStyle int
	boldStyle int
	header    []any      // the header row's cells, written with the sample
	sample    [][]string // the first rows, held until the columns are sized
	sampling  bool       // rows are still being held
	cells     []any      // reused between rows: SetRow does not keep it
	summary   []SummaryRow
	counts    string // the name of the counts sheet
	err       error
}

func newXLSXResultWriter(af *atomicFile, opts WriterOptions) (*xlsxResultWriter, error) {
	f := excelize.NewFile()
	x := &xlsxResultWriter{af: af, f: f, sheet: xlsxSheetName(opts.SheetName), width: len(opts.Header),
		statusCol: -1, errorCol: -1, sampling: true}
	x.counts = xlsxCountsSheetName(opts.SummarySheet, x.sheet)
	if err := x.start(opts); err != nil {
		f.Close()
		return nil, writeError(af.path, err)
	}
	return x, nil
}

// start sets up the sheet, the styles and the frozen pane. The header row
// is written with the first rows, once the column widths are known.
func (x *xlsxResultWriter) start(opts WriterOptions) error {
	if err := x.f.SetSheetName(x.f.GetSheetName(0), x.sheet); err != nil {
		return err
	}
	header, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	x.boldStyle = header
	owrHeader, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxOwrFill}}})
	if err != nil {
		return err
	}
	if x.badStyle, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: xlsxBadFont},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxBadFill}}}); err != nil {
		return err
	}
	if x.wrapStyle, err = x.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true}}); err != nil {
		return err
	}
	if opts.StatusCol >= 0 && opts.StatusCol < len(opts.Header) {
		x.statusCol = opts.StatusCol
	}
	okList := opts.OKStatuses
	if len(okList) == 0 {
		okList = xlsxDefaultOK
	}
	x.ok = make(map[string]bool, len(okList))
	for _, s := range okList {
		x.ok[s] = true
	}

	if x.sw, err = x.f.NewStreamWriter(x.sheet); err != nil {
		return err
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	x.header = make([]any, len(opts.Header))
	for i, h := range opts.Header {
		style := header
		if (opts.OwrFrom > 0 && i >= opts.OwrFrom) || row.IsOwrColumn(h) {
			style = owrHeader
		}
		if x.errorCol < 0 && strings.EqualFold(h, xlsxErrorColumn) {
			x.errorCol = i
		}
		x.header[i] = excelize.Cell{StyleID: style, Value: h}
	}
	x.row = 1
	return nil
}

// xlsxErrorColumn is the column whose cells wrap: the problems of a row.
const xlsxErrorColumn = "owr_error"

// endSample sizes the columns from the header and the held rows, then
// writes the header and those rows: the stream writer takes no column
// width once a row is written.
func (x *xlsxResultWriter) endSample() error {
	x.sampling = false
	for i, c := range x.header {
		if err := x.sw.SetColWidth(i+1, i+1, x.columnWidth(i, c.(excelize.Cell).Value.(string))); err != nil {
			return err
		}
	}
	if err := x.sw.SetRow("A1", x.header); err != nil {
		return err
	}
	for i, values := range x.sample {
		if err := x.writeRow(i+2, values); err != nil {
			return err
		}
	}
	x.sample = nil
	return nil
}

// columnWidth is the width of column i: its header's (bold, with the
// filter button) or its widest held value's, whichever is wider, within
// xlsxMinWidth and xlsxMaxWidth; the wrapped error column is at least
// xlsxWrapMinWidth.
func (x *xlsxResultWriter) columnWidth(i int, header string) float64 {
	w := textWidth(header) + 4
	for _, values := range x.sample {
		if i < len(values) && values[i] != "" {
			w = max(w, textWidth(values[i])+2)
		}
	}
	lo := xlsxMinWidth
	if i == x.errorCol {
		lo = xlsxWrapMinWidth
	}
	return float64(min(max(w, lo), xlsxMaxWidth))
}

// textWidth is how many characters wide v shows: its longest line, a
// wide (East Asian) character counting as two.
func textWidth(v string) int {
	widest := 0
	for line := range strings.Lines(v) {
		n := 0
		for _, r := range strings.TrimRight(line, "\r\n") {
			n++
			if r >= 0x1100 {
				switch width.LookupRune(r).Kind() {
				case width.EastAsianWide, width.EastAsianFullwidth:
					n++
				}
			}
		}
		widest = max(widest, n)
	}
	return widest
}

// xlsxCountsSheetName is the name of the counts sheet: name made valid,
// "Counts" if empty, and never the name of the rows' sheet (sheet names
// differ without regard to case).
func xlsxCountsSheetName(name, rows string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = xlsxCountsSheet
	}
	name = xlsxSheetName(name)
	for _, alt := range []string{xlsxCountsAlt, xlsxCountsSheet} {
		if !strings.EqualFold(name, rows) {
			break
		}
		name = alt
	}
	return name
}

// xlsxSheetName makes name a valid sheet name: no []:*?/\ characters, at
// most 31 characters, not empty.
func xlsxSheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if utf8.RuneCountInString(name) > xlsxMaxSheetName {
		name = string([]rune(name)[:xlsxMaxSheetName])
	}
	if name == "" {
		return xlsxDefaultSheet
	}
	return name
}

// Write adds one row. Empty values are left out (an empty cell). The
// first rows are held (copied: values is the caller's to reuse) until the
// columns are sized.
func (x *xlsxResultWriter) Write(values []string) error {
	if x.err != nil {
		return x.err
	}
	if x.row >= excelize.TotalRows {
		x.err = fmt.Errorf("cannot write %s: a sheet holds at most %d rows; use a CSV input to get CSV results", x.af.path, excelize.TotalRows)
		return x.err
	}
	x.row++
	if x.sampling {
		held := make([]string, len(values))
		for i, v := range values {
			held[i] = strings.Clone(v) // not pinning a reader's larger buffer
		}
		x.sample = append(x.sample, held)
		if len(x.sample) < xlsxSampleRows {
			return nil
		}
		if err := x.endSample(); err != nil {
			x.err = writeError(x.af.path, err)
		}
		return x.err
	}
	if err := x.writeRow(x.row, values); err != nil {
		x.err = writeError(x.af.path, err)
	}
	return x.err
}

// writeRow streams one data row as row number n.
func (x *xlsxResultWriter) writeRow(n int, values []string) error {
	x.cells = x.cells[:0]
	for i, v := range values {
		switch {
		case v == "":
			x.cells = append(x.cells, nil)
		case i == x.statusCol && !x.ok[v]:
			x.cells = append(x.cells, excelize.Cell{StyleID: x.badStyle, Value: v})
		case i == x.errorCol || strings.IndexByte(v, '\n') >= 0:
			x.cells = append(x.cells, excelize.Cell{StyleID: x.wrapStyle, Value: v})
		default:
			x.cells = append(x.cells, v)
		}
	}
	return x.sw.SetRow("A"+strconv.Itoa(n), x.cells)
}

// Close adds the autofilter over the written range, writes the workbook
// into the temporary file and gives it its final name.
func (x *xlsxResultWriter) Close() error {
	if x.err != nil {
		x.Abort()
		return x.err
	}
	if x.af.done {
		return nil
	}
	err := x.finish()
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		x.af.abort()
		x.err = writeError(x.af.path, err)
		return x.err
	}
	if err := x.af.commit(); err != nil {
		x.err = err
		return err
	}
	return nil
}

// finish ends the stream and writes the workbook. The autofilter and the
// ignored errors must be set before Flush: the stream writer writes the
// sheet's trailing parts, those among them, when it is flushed. The
// sheet's used range is put right as the workbook is written (see
// patchZip).
//
// Every cell is text (a postcode 0612 keeps its zero), so Excel would mark
// each one that looks like a number with a green triangle, "number stored
// as text"; the sheet tells it not to, over the used range.
func (x *xlsxResultWriter) finish() error {
	if x.sampling {
		if err := x.endSample(); err != nil {
			return err
		}
	}
	used := "A1"
	if x.width > 0 {
		last, err := excelize.CoordinatesToCellName(x.width, x.row)
		if err != nil {
			return err
		}
		used = "A1:" + last
		if err := x.f.AutoFilter(x.sheet, used, nil); err != nil {
			return err
		}
	}
	if err := x.f.AddIgnoredErrors(x.sheet, used, excelize.IgnoredErrorsNumberStoredAsText); err != nil {
		return err
	}
	if err := x.sw.Flush(); err != nil {
		return err
	}
	dims := map[string]string{sheetPart(x.sw.SheetID): used}
	if len(x.summary) > 0 {
		part, countsUsed, err := x.writeCounts()
		if err != nil {
			return err
		}
		dims[part] = countsUsed
	}
	x.f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newPatchZip(w, dims) })
	return x.f.Write(x.af.f)
}

// SetSummary keeps the counts for the second sheet, written at Close.
func (x *xlsxResultWriter) SetSummary(rows []SummaryRow) {
	x.summary = append(x.summary[:0:0], rows...)
}

// writeCounts adds the counts sheet after the rows' sheet: a bold header,
// a line per SummaryRow with its count as a number, and a bold total. It
// is streamed like the rows' sheet, so its cells are written the same way
// and its used range is put right the same way; it returns the sheet's
// zip part and used range. The rows' sheet stays the one that opens.
func (x *xlsxResultWriter) writeCounts() (part, used string, err error) {
	if _, err := x.f.NewSheet(x.counts); err != nil {
		return "", "", err
	}
	sw, err := x.f.NewStreamWriter(x.counts)
	if err != nil {
		return "", "", err
	}
	labels := []string{"status", "total"}
	total := 0
	for _, r := range x.summary {
		labels = append(labels, r.Label)
		total += r.Count
	}
	widest := 0
	for _, l := range labels {
		widest = max(widest, textWidth(l))
	}
	if err := sw.SetColWidth(1, 1, float64(min(max(widest+4, xlsxMinWidth+4), xlsxMaxWidth))); err != nil {
		return "", "", err
	}
	if err := sw.SetColWidth(2, 2, float64(xlsxMinWidth+4)); err != nil {
		return "", "", err
	}
	bold := func(v any) excelize.Cell { return excelize.Cell{StyleID: x.boldStyle, Value: v} }
	lines := [][]any{{bold("status"), bold("rows")}}
	for _, r := range x.summary {
		lines = append(lines, []any{r.Label, r.Count})
	}
	lines = append(lines, []any{bold("total"), bold(total)})
	for i, cells := range lines {
		if err := sw.SetRow("A"+strconv.Itoa(i+1), cells); err != nil {
			return "", "", err
		}
	}
	if err := sw.Flush(); err != nil {
		return "", "", err
	}
	return sheetPart(sw.SheetID), "A1:B" + strconv.Itoa(len(lines)), nil
}

// Abort drops the temporary file.
func (x *xlsxResultWriter) Abort() {
	if !x.af.done {
		x.f.Close()
	}
	x.af.abort()
}
