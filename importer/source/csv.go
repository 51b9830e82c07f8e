package source

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/formula"
	"owr-import/importer/row"
	"strconv"
	"strings"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvSampleSize is how much of a CSV file the encoding and delimiter
// detection look at: enough for a few hundred rows of a typical export.
const csvSampleSize = 64 << 10

// csvSource streams a CSV file through one encoding/csv reader.
type csvSource struct {
	*table
	path  string
	delim rune
	file  *os.File
	rows  *csvRows
	size  int64 // of the file, for RowsHint
}

// openCSV opens path as CSV: encoding and delimiter from opts or detected on
// the first 64 KiB, then the header search.
func openCSV(path string, opts SourceOptions) (Source, error) {
	delim := opts.Delimiter
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	src, err := newCSVSource(f, path, delim, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

// newCSVSource does the work of openCSV on an open file.
func newCSVSource(f *os.File, path string, delim rune, opts SourceOptions) (*csvSource, error) {
	watch := &utf8Watch{r: f}
	sample := make([]byte, csvSampleSize)
	n, err := io.ReadFull(watch, sample)
	sample = sample[:n]
	complete := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err != nil && !complete {
		return nil, openError(path, err)
	}
	enc, err := detectEncoding(sample, opts.Encoding)
	if err != nil {
		return nil, inputErr(path, err.Error(),
			`Use utf-8, windows-1252 or utf-16 for source.encoding in the mapping, or remove it to detect the encoding.`, err)
	}

	text, r := decodedText(watch, sample, enc)
	if delim == 0 {
		delim = sniffDelimiter(text, complete)
	}

	rr := &csvRows{path: path, enc: enc, watch: watch}
	guard := &rowGuard{r: r, rowStart: &rr.rowEnd, sep: []byte(string(delim))}
	cr := csv.NewReader(bufio.NewReaderSize(guard, csvSampleSize))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	rr.r = cr

	rows, last, err := scanRows(rr, opts.HeaderRow)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, inputErr(path, "the file holds no data", "Check that this is the right export; it has no rows with values.", nil)
	}
	idx := 0
	if opts.HeaderRow > 0 {
		if idx, err = findHeaderRow(path, rows, last, opts.HeaderRow); err != nil {
			return nil, err
		}
	} else {
		idx = chooseHeader(rows, opts.HeaderScore).idx
	}
	t := newTable(rr, rows, idx, path, "")
	rr.header = t.header
	src := &csvSource{table: t, path: path, delim: delim, file: f, rows: rr}
	if st, err := f.Stat(); err == nil {
		src.size = st.Size()
	}
	return src, nil
}

// decodedText returns the sample as UTF-8 text, for the sniffing, and the
// reader of the whole file as UTF-8 text with every line end an LF or CRLF
// (see lineEnds), given the sample already read from the start of the file
// and the rest of it.
func decodedText(rest io.Reader, sample []byte, enc textEncoding) ([]byte, io.Reader) {
	var (
		text []byte
		r    io.Reader
	)
	if enc.enc == nil {
		text = bytes.Clone(sample[enc.bomLen:])
		r = io.MultiReader(bytes.NewReader(sample[enc.bomLen:]), rest)
	} else {
		// BOMOverride: a byte order mark in the file beats the mapping.
		text, _, _ = transform.Bytes(xunicode.BOMOverride(enc.enc.NewDecoder()), sample)
		whole := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(sample), rest), csvSampleSize)
		r = transform.NewReader(whole, xunicode.BOMOverride(enc.enc.NewDecoder()))
	}
	fixLoneCRs(text)
	return text, &lineEnds{r: r}
}

// RowsHint estimates how many rows the file holds from its size and the
// length of the rows read so far, so that Validate can size its duplicate
// index once instead of growing it; 0 when there is nothing to go by.
func (s *csvSource) RowsHint() int {
	read, rows := s.rows.r.InputOffset(), int64(s.rows.row)
	if read <= 0 || rows <= 0 || s.size <= 0 {
		return 0
	}
	perRow := max(1, read/rows)
	return int(min(s.size/perRow, 1<<31-1))
}

func (s *csvSource) Format() row.Format        { return row.FormatCSV }
func (s *csvSource) Path() string              { return s.path }
func (s *csvSource) Sheet() string             { return "" }
func (s *csvSource) Delimiter() rune           { return s.delim }
func (s *csvSource) Next() (row.Record, error) { return s.next() }
func (s *csvSource) Cell(row, col int) string {
	return "row " + strconv.Itoa(row) + ", column " + strconv.Itoa(col+1)
}

// Close closes the file; a second call does nothing.
func (s *csvSource) Close() error {
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file = nil
	return err
}

// csvRows reads records and numbers them the way a spreadsheet numbers the
// rows of the file: blank lines count (encoding/csv skips them), and a
// quoted value holding line breaks is one row, not several. So Row is not
// the line number: it is the previous row + 1 + the blank lines in between,
// computed from the start and end lines encoding/csv reports.
type csvRows struct {
	r       *csv.Reader
	path    string
	enc     textEncoding
	watch   *utf8Watch
	header  []string // set once known, to name columns in errors
	row     int      // row number of the last record
	endLine int      // line on which the last record ended
	rowEnd  int64    // input offset of the end of the last record, for rowGuard
}

func (c *csvRows) place() (path, sheet string) { return c.path, "" }

func (c *csvRows) next() (int, []string, error) {
	rec, err := c.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, c.readError(rec, err)
	}
	c.rowEnd = c.r.InputOffset()
	start, _ := c.r.FieldPos(0)
	c.row += 1 + max(0, start-c.endLine-1)
	if len(rec) > maxColumns {
		return 0, nil, &row.InputError{Path: c.path, Row: c.row,
			Message: fmt.Sprintf("this row has %s columns; at most %s columns are read, as many as a spreadsheet can hold", thousands(len(rec)), thousands(maxColumns)),
			Hint:    hintRowLimit}
	}
	lastStart, _ := c.r.FieldPos(len(rec) - 1)
	c.endLine = lastStart + strings.Count(rec[len(rec)-1], "\n")
	checkUTF8 := c.enc.enc == nil && c.watch.bad
	for i, v := range rec {
		if checkUTF8 && !utf8.ValidString(v) {
			return 0, nil, c.notUTF8(i)
		}
		if len(v) > 1 && v[0] == formula.Prefix {
			rec[i] = formula.Restore(v) // rare: spare the other cells a pointer write
		}
	}
	return c.row, rec, nil
}

// hintRowLimit is the advice for a row beyond maxRowBytes or maxColumns.
const hintRowLimit = "Check source.delimiter and source.encoding in the mapping, and that every value that starts with a double quote (\") ends with one; " +
	"or save the file again from your spreadsheet program."

// readError turns a failed Read, which returned rec so far, into an
// *row.InputError naming the row.
func (c *csvRows) readError(rec []string, err error) error {
	var le *rowLimitError
	if errors.As(err, &le) {
		return c.rowLimitError(rec, le)
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return inputErr(c.path, "the file could not be read to the end", "Check that the file is complete and not open in another program.", err)
	}
	at := c.row + 1 + max(0, pe.StartLine-c.endLine-1)
	msg, line := "a value holds a stray double quote (\")", pe.Line
	if errors.Is(pe.Err, csv.ErrQuote) {
		msg, line = "a value that starts with a double quote (\") is not closed properly", pe.StartLine
	}
	return &row.InputError{Path: c.path, Row: at, Err: err,
		Message: fmt.Sprintf("%s (line %d of the file)", msg, line),
		Hint: `Save the file again from your spreadsheet program, or put the value between double quotes and double the quotes inside it ("Cafe ""De Zon"""). ` +
			"A wrong delimiter or encoding can cause this too: check source.delimiter and source.encoding."}
}

// rowLimitError explains a row that rowGuard stopped, from the part of it
// encoding/csv had read: too many columns, a quoted value that never ends,
// or a line longer than maxRowBytes.
func (c *csvRows) rowLimitError(rec []string, le *rowLimitError) error {
	line, lastLine := c.endLine+1, c.endLine+1
	if len(rec) > 0 {
		line, _ = c.r.FieldPos(0)
		lastLine, _ = c.r.FieldPos(len(rec) - 1)
	}
	var msg string
	switch {
	case le.columns:
		msg = fmt.Sprintf("this row (line %d of the file) has more than %s columns, more than a spreadsheet can hold", line, thousands(maxColumns))
	case le.quoted || (len(rec) > 0 && strings.Contains(rec[len(rec)-1], "\n")):
		msg = fmt.Sprintf("a value that starts with a double quote (\") on line %d of the file is not closed, so the rest of the file reads as one value "+
			"(a row may hold at most %d MB)", lastLine, maxRowBytes>>20)
	default:
		msg = fmt.Sprintf("this row, from line %d of the file on, is longer than %d MB; a customer export has no row this long", line, maxRowBytes>>20)
	}
	return &row.InputError{Path: c.path, Row: c.row + 1 + max(0, line-c.endLine-1), Err: le, Message: msg, Hint: hintRowLimit}
}

// notUTF8 reports text that is not UTF-8 in a file read as UTF-8.
func (c *csvRows) notUTF8(col int) error {
	hint := `The start of the file looked like UTF-8: add "encoding: windows-1252" under "source:" in the mapping, or save the file again as "CSV UTF-8".`
	if c.enc.explicit {
		hint = `The mapping says the file is UTF-8: set source.encoding to windows-1252, or save the file again as "CSV UTF-8".`
	}
	msg := "this text is not valid UTF-8 (accents or symbols were saved in another encoding)"
	column := ""
	if col < len(c.header) && c.header[col] != "" {
		column = c.header[col]
	} else {
		msg = "the text in column " + strconv.Itoa(col+1) + " is not valid UTF-8 (accents or symbols were saved in another encoding)"
	}
	return &row.InputError{Path: c.path, Row: c.row, Column: column, Message: msg, Hint: hint}
}

// utf8Watch checks the bytes on their way to the CSV reader for invalid
// UTF-8, a whole read at a time, which costs next to nothing. Checking every
// value instead would cost a call per value. Until it finds a bad byte the
// rows need no check of their own; from then on (the bytes are read ahead of
// the rows) csvRows checks each value, so the error names the right row.
type utf8Watch struct {
	r    io.Reader
	tail []byte // the start of a character cut by the end of the last read
	bad  bool
}

func (u *utf8Watch) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if !u.bad {
		u.check(p[:n])
		if err != nil && len(u.tail) > 0 {
			u.bad = true // the file ends inside a character
		}
	}
	return n, err
}

// check validates b, carrying a character cut at its end to the next call.
func (u *utf8Watch) check(b []byte) {
	if len(b) == 0 {
		return
	}
	if len(u.tail) > 0 {
		var buf [2 * utf8.UTFMax]byte
		j := copy(buf[:], u.tail)
		j += copy(buf[j:], b[:min(len(b), utf8.UTFMax-len(u.tail))])
		joined := buf[:j]
		if !utf8.FullRune(joined) {
			u.tail = append(u.tail, b...) // b is a byte or two; still cut
			return
		}
		r, size := utf8.DecodeRune(joined)
		if (r == utf8.RuneError && size == 1) || size <= len(u.tail) {
			u.bad = true
			return
		}
		b = b[size-len(u.tail):]
		u.tail = u.tail[:0]
	}
	cut := 0
	for i := len(b) - 1; i >= 0 && i >= len(b)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = len(b) - i
			}
			break
		}
	}
	if !validUTF8(b[:len(b)-cut]) {
		u.bad = true
		return
	}
	u.tail = append(u.tail[:0], b[len(b)-cut:]...)
}

// validUTF8 is utf8.Valid for text that is mostly ASCII with an accent
// here and there ("België" on every row). utf8.Valid skips ASCII eight
// bytes at a time only until the first byte above 127, then goes byte by
// byte to the end of the buffer; this goes back to skipping after each
// accented character, which makes the check of a Dutch or French export
// several times cheaper. It is on the reader's path, the one stage of
// `validate` that cannot be shared between cores.
func validUTF8(b []byte) bool {
	const high = 0x8080808080808080
	for {
		i := 0
		for i+16 <= len(b) && (binary.LittleEndian.Uint64(b[i:])|binary.LittleEndian.Uint64(b[i+8:]))&high == 0 {
			i += 16
		}
		for i < len(b) && b[i] < utf8.RuneSelf {
			i++
		}
		if i == len(b) {
			return true
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		b = b[i+size:]
	}
}
