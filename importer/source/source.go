package source

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"strings"
)

// SourceOptions are the `source:` settings of the mapping file and the
// command-line flags that override them. The zero value detects everything.
type SourceOptions struct {
	// Sheet is the XLSX sheet to read, found without regard to case. ""
	// picks the sheet whose header the mapping recognises best
	// (HeaderScore), else the one with the widest header-looking row, so a
	// workbook that opens on an "Info" tab works.
	Sheet string
	// HeaderRow is the 1-based row of the header; 0 finds it below title
	// rows and blank rows.
	HeaderRow int
	// Delimiter is the CSV separator: 0 sniffs among , ; TAB and |. The
	// mapping file's names for it ("tab", "semicolon" ...) are read by the
	// mapping package, the one place that knows them.
	Delimiter rune
	// Encoding is the CSV text encoding: "" honours a byte order mark
	// (UTF-8, UTF-16LE/BE), else takes UTF-8 when the start of the file is
	// valid UTF-8, else Windows-1252. Otherwise it is a WHATWG encoding name
	// as the mapping package gives it ("utf-8", "windows-1252", "utf-16le").
	Encoding string
	// HeaderScore tells how many of the mapping's columns a candidate
	// header row holds. nil (for `mapping init`, which has no mapping yet)
	// leaves header detection to its heuristics.
	HeaderScore func(header []string) int
}

// Source streams the data rows of one CSV file or one XLSX sheet, so memory
// stays flat whatever the size of the file. One goroutine uses it.
type Source interface {
	// Format is the file's format, which the result files reuse.
	Format() row.Format
	// Path is the file as given to OpenSource.
	Path() string
	// Header returns a copy of the header cells: trimmed, byte order mark
	// removed, trailing empty cells dropped. Empty or repeated names in the
	// middle are kept: see EmptyHeaders.
	Header() []string
	// HeaderRow is the 1-based row number of the header in the file.
	HeaderRow() int
	// Sheet is the XLSX sheet being read; "" for CSV.
	Sheet() string
	// Delimiter is the CSV separator in use (',' for XLSX); the CSV result
	// files reuse it so they open like the input did.
	Delimiter() rune
	// Next returns the next non-blank data row, or io.EOF after the last.
	// Record.Values is a fresh slice owned by the caller, exactly as long as
	// Header(): short rows are padded with "", cells beyond the header are
	// left out (and counted in Stats). Record.Row is the row number a
	// spreadsheet shows. Any other error is an *row.InputError and is returned
	// again by every later call.
	Next() (row.Record, error)
	// Cell names a cell for a consultant: "C12" for XLSX, "row 12, column
	// 3" for CSV. row is 1-based, col is the 0-based index in Header().
	Cell(row, col int) string
	// Stats tells what reading has left out so far.
	Stats() SourceStats
	// Close releases the file.
	Close() error
}

// RowsHinter is a Source that can estimate how many rows it holds before
// reading them, so a caller can size its tables once. The estimate may be
// off either way; 0 means unknown.
type RowsHinter interface {
	RowsHint() int
}

// ValuesReuser is a Source that can take the memory for the Values of its
// next rows from its caller instead of allocating it: Validate hands back
// each batch's memory once the batch is written. buf must no longer be read
// by anyone; the next rows overwrite every value.
type ValuesReuser interface {
	ReuseValues(buf []string)
}

// SourceStats counts what a Source left out, so the summary can warn that
// a row held values no header names.
type SourceStats struct {
	// ExtraCellRows is the number of data rows with non-empty cells to the
	// right of the last header column; those cells are not read.
	ExtraCellRows int
	// ExtraCellFirst lists the first few of those rows.
	ExtraCellFirst []int
	// TotalsRows are the rows left out as the export's totals lines
	// ("Totaal: 42 relaties") after its last customer; see isTotalsRow.
	TotalsRows []int
	// TotalsFirst is the first filled cell of the first of them.
	TotalsFirst string
}

// maxExtraRowsListed bounds SourceStats.ExtraCellFirst.
const maxExtraRowsListed = 10

// OpenSource opens a CSV (.csv, .txt, .tsv) or XLSX (.xlsx, .xlsm) file for
// streaming, finds its header and checks that the file is what its name
// says. Files it cannot read (.xls, .ods, password-protected or damaged
// workbooks, a text file named .xlsx) give an *row.InputError that says to save
// the file as .xlsx or .csv.
func OpenSource(path string, opts SourceOptions) (Source, error) {
	kind, err := sniffKind(path)
	if err != nil {
		return nil, err
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".txt", ".tsv":
		if err := checkTextKind(path, kind); err != nil {
			return nil, err
		}
		return openCSV(path, opts)
	case ".xlsx", ".xlsm":
		if err := checkWorkbookKind(path, kind); err != nil {
			return nil, err
		}
		return openXLSX(path, opts)
	case ".xls":
		if kind == kindZip {
			return nil, inputErr(path, "the file is named .xls but is an .xlsx workbook", "Rename it to .xlsx.", nil)
		}
		return nil, inputErr(path, "old Excel 97-2003 workbooks (.xls) cannot be read", hintSaveAs, nil)
	case ".ods", ".xlsb", ".numbers":
		return nil, inputErr(path, "this kind of workbook ("+ext+") cannot be read", hintSaveAs, nil)
	default:
		return nil, inputErr(path, "owr-import reads .csv, .txt, .tsv, .xlsx and .xlsm files",
			"Save it as .xlsx or .csv; if it already is a CSV export, rename it to .csv.", nil)
	}
}

// fileKind is what the first bytes of a file say it is.
type fileKind int

const (
	kindOther fileKind = iota // text, or unknown bytes
	kindZip                   // a zip archive: xlsx, ods, ...
	kindOLE                   // an OLE2 compound file: xls, or an encrypted xlsx
	kindEmpty                 // no bytes at all
)

// sniffKind reads the magic bytes of path.
func sniffKind(path string) (fileKind, error) {
	f, err := os.Open(path)
	if err != nil {
		return kindOther, openError(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return kindOther, inputErr(path, "this is a folder, not a file", "Give the path of the export file.", nil)
	}
	head := make([]byte, 8)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return kindOther, openError(path, err)
	}
	head = head[:n]
	switch {
	case n == 0:
		return kindEmpty, nil
	case strings.HasPrefix(string(head), "PK\x03\x04"), strings.HasPrefix(string(head), "PK\x05\x06"):
		return kindZip, nil
	case string(head) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1":
		return kindOLE, nil
	}
	return kindOther, nil
}

// openError explains why a file could not be opened.
func openError(path string, err error) *row.InputError {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return inputErr(path, "file not found", "Check the path and the file name.", err)
	case errors.Is(err, fs.ErrPermission):
		return inputErr(path, "no permission to read the file", "Close it in other programs or copy it to a folder of yours.", err)
	}
	return inputErr(path, "the file cannot be read", "Check that it is a local file and not open in another program.", err)
}

// checkTextKind refuses a workbook that was given a text file's name.
func checkTextKind(path string, kind fileKind) error {
	switch kind {
	case kindZip:
		return inputErr(path, "the file is named like a CSV but is a workbook", "Rename it to .xlsx, or save it as .csv.", nil)
	case kindOLE:
		return inputErr(path, "the file is named like a CSV but is an Excel 97-2003 or password-protected workbook", hintSaveAs, nil)
	case kindEmpty:
		return inputErr(path, "the file is empty", "Export the data again.", nil)
	}
	return nil
}

// EmptyHeaders returns the 0-based indexes of header cells that are empty
// although a named column follows: their values cannot be mapped.
func EmptyHeaders(header []string) []int {
	var empty []int
	for i, h := range header {
		if h == "" {
			empty = append(empty, i)
		}
	}
	return empty
}
