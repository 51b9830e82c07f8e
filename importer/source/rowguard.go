package source

import (
	"bytes"
	"fmt"
	"io"
)

// rowGuard keeps encoding/csv from holding more than one row's worth of a
// hostile file in memory. encoding/csv reads a whole row before it returns
// it: a quote that never closes makes it read the rest of the file into
// one value, and a line of millions of separators becomes millions of
// fields. rowGuard sits between the text and encoding/csv's buffer and
// fails a read once the row being read is past maxRowBytes, or holds more
// than maxColumns separators, so the error comes after a few megabytes
// whatever the size of the file.
//
// It knows where the row began from csvRows, which notes the input offset
// after each row it returns; every byte delivered since then belongs to
// the row being read or to blank lines before it (encoding/csv asks for
// more only when it has used up what it has). Separators are counted only
// once a row is past sepCountFrom, which no ordinary row reaches, and only
// outside quotes: a long quoted note full of semicolons is one value. To
// know what is quoted it counts the double quotes of every read (one SIMD
// count per 64 KiB): in a file encoding/csv accepts, every row holds an
// even number of them, so an odd count so far means inside quotes.
type rowGuard struct {
	r         io.Reader
	rowStart  *int64 // offset of the end of the last row returned, kept by csvRows
	sep       []byte // the delimiter, UTF-8
	delivered int64  // bytes delivered so far
	lastStart int64  // *rowStart when seps was last reset
	seps      int    // unquoted separators in earlier reads of this row
	lastSeps  int    // unquoted separators in the last read, not yet known to be of this row
	quotes    int    // double quotes delivered so far; odd: inside quotes
	blanks    blankRuns
	err       error
}

// sepCountFrom is how long a row must be before its separators are
// counted: a shorter one cannot hold maxColumns of them that matter
// (csvRows checks the number of fields of every row it returns).
const sepCountFrom = 64 << 10

// rowLimitError is what rowGuard returns from Read; csvRows turns it into
// an *row.InputError naming the row.
type rowLimitError struct {
	columns bool // too many separators; otherwise too many bytes
	quoted  bool // the limit was passed inside quotes
}

func (e *rowLimitError) Error() string {
	if e.columns {
		return fmt.Sprintf("more than %d columns in one row", maxColumns)
	}
	return fmt.Sprintf("a row longer than %d bytes", maxRowBytes)
}

func (g *rowGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	start := *g.rowStart
	if start != g.lastStart {
		g.lastStart, g.seps, g.lastSeps = start, 0, 0
	}
	// What was delivered before this read, after the row began, is all in
	// the row (this read may reach into the next rows).
	before := g.blanks.rowBytes(start, g.delivered)
	g.blanks.add(p[:n], g.delivered)
	g.delivered += int64(n)
	g.seps += g.lastSeps
	g.lastSeps = 0
	quoted := g.quotes%2 == 1 // at the start of this read
	quotes := bytes.Count(p[:n], quoteChar)
	switch {
	case before > maxRowBytes:
		g.err = &rowLimitError{quoted: quoted}
	case g.seps >= maxColumns:
		g.err = &rowLimitError{columns: true}
	case before+int64(n) > sepCountFrom:
		g.lastSeps = unquotedCount(p[:n], g.sep, quoted, quotes)
	}
	g.quotes += quotes
	if g.err != nil {
		return 0, g.err
	}
	return n, err
}

var quoteChar = []byte{'"'}

// unquotedCount counts sep in b outside double quotes, given whether b
// starts inside quotes and how many quotes it holds.
func unquotedCount(b, sep []byte, quoted bool, quotes int) int {
	if quotes == 0 {
		if quoted {
			return 0
		}
		return bytes.Count(b, sep)
	}
	n := 0
	for len(b) > 0 {
		i := bytes.IndexByte(b, '"')
		if i < 0 {
			i = len(b)
		}
		if !quoted {
			n += bytes.Count(b[:i], sep)
		}
		quoted = !quoted
		b = b[min(i+1, len(b)):]
	}
	return n
}

// longBlankRun is the shortest run of line ends blankRuns remembers.
const longBlankRun = 64 << 10

// blankRuns remembers the last long run of blank lines, so that a row is
// measured from its first character rather than from the end of the row
// before it: a file may hold megabytes of empty lines between two rows,
// which encoding/csv skips without holding them. Shorter runs only make a
// row look a little longer than it is.
type blankRuns struct {
	open               bool  // the data so far ends in line ends
	runStart           int64 // where they began, when open
	longStart, longEnd int64 // the last finished run of at least longBlankRun bytes
}

// add takes the next read, which starts at offset at.
func (b *blankRuns) add(p []byte, at int64) {
	first := 0
	for first < len(p) && (p[first] == '\n' || p[first] == '\r') {
		first++
	}
	if first == len(p) {
		if !b.open && len(p) > 0 {
			b.open, b.runStart = true, at
		}
		return
	}
	runStart := at
	if b.open {
		runStart = b.runStart
	}
	if end := at + int64(first); end-runStart >= longBlankRun {
		b.longStart, b.longEnd = runStart, end
	}
	last := len(p) - 1
	for p[last] == '\n' || p[last] == '\r' {
		last--
	}
	b.open, b.runStart = last+1 < len(p), at+int64(last)+1
}

// rowBytes returns how many of the bytes delivered up to offset end belong
// to the row that follows offset start (the end of the row before it).
func (b *blankRuns) rowBytes(start, end int64) int64 {
	from := start
	if b.longStart <= start && start < b.longEnd {
		from = b.longEnd // the row begins after the long run start lies in
	}
	if b.open && from >= b.runStart {
		return 0 // nothing but line ends since
	}
	return max(0, end-from)
}
