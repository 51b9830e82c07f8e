package row

import (
	"strconv"
	"strings"
)

// InputError says what is wrong with the input file itself (its format, its
// encoding, a broken quote, a missing sheet) in words a consultant can act
// on: which file, which row and column, what is wrong and what to do about
// it. main maps it to exit code 2, because nothing can be sent from a file
// that cannot be read.
type InputError struct {
	Path    string // the file as the consultant named it
	Sheet   string // XLSX: the sheet, when the problem is inside one
	Row     int    // 1-based row as a spreadsheet shows it; 0 = the whole file
	Column  string // header name, or a cell reference; "" = the whole row
	Message string // what is wrong, without a final full stop
	Hint    string // what to do next; may be ""
	Err     error  // the underlying cause, for errors.Is/As only; never shown
}

// Error renders the problem as one line, for instance
// `customers.csv row 12, column "Postcode": <message>. <hint>`.
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Sheet != "" {
		b.WriteString(", sheet ")
		b.WriteString(strconv.Quote(e.Sheet))
	}
	if e.Row > 0 {
		b.WriteString(" row ")
		b.WriteString(strconv.Itoa(e.Row))
	}
	if e.Column != "" {
		b.WriteString(", column ")
		b.WriteString(strconv.Quote(e.Column))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(strings.TrimRight(e.Message, ". "))
	b.WriteString(".")
	if e.Hint != "" {
		b.WriteString(" ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *InputError) Unwrap() error { return e.Err }
