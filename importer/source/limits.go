package source

import "strconv"

// Limits on what a file may hold. Each one is far above any customer export
// (a few dozen columns, cells of a few hundred characters, a few hundred
// thousand rows) and low enough that a damaged or hostile file (an unclosed
// quote in a 300 MB CSV, a workbook of a few hundred KB that unpacks to
// gigabytes) is refused within seconds and in a bounded amount of memory,
// with an *row.InputError that names the limit and the place. They are
// checked while reading, before the data is held in memory.
const (
	// maxCellBytes is the largest cell, in both formats (see cellcap.go).
	maxCellBytes = 1 << 20
	// maxColumns is the most columns a row may have: Excel's own limit
	// (column XFD). A CSV saved by Excel from a sheet formatted to its
	// last column has exactly this many.
	maxColumns = 16_384
	// maxRowBytes is the longest CSV row, quoted line breaks included: a
	// row holds a few cells of at most maxCellBytes. encoding/csv holds a
	// whole row in memory, so without it a quote that never closes would
	// read the rest of the file into one value.
	maxRowBytes = 4 << 20
)

// thousands writes n with commas between groups of three digits, as the
// messages quote the limits: 16,384.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
