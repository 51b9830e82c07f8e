package mapping

import (
	"fmt"
	"strings"
)

// Error is a problem with the mapping file itself, or with the mapping
// against the export's header row. It always names the mapping file and,
// when the problem sits on a line of it, the line and column, because a
// consultant fixes it by opening that file at that place.
type Error struct {
	File    string // the mapping file as the user named it
	Line    int    // 1-based; 0 when the problem is not on one line (e.g. the file is too large)
	Column  int    // 1-based; 0 when unknown
	Message string // what is wrong
	Hint    string // what to do about it; may be empty
}

// Error renders the problem the way a consultant reads it:
// `mapping.yaml line 7, column 3: unknown transform "uper". Did you mean "upper"?`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Hint != "" {
		if !strings.HasSuffix(e.Message, ".") && !strings.HasSuffix(e.Message, "?") {
			b.WriteByte('.')
		}
		b.WriteByte(' ')
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Errors is what Parse and Bind return when they found more than one
// problem: a consultant fixes the whole mapping in one go instead of one
// error per attempt. errors.As(err, &target) with a *Error finds the first.
type Errors []*Error

// Error lists every problem, one per line, in file order.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes every problem to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// maxReported bounds how many problems one Parse or Bind lists: past a
// handful the file is probably not a mapping at all and more lines only hide
// the first, most useful ones. The rest are counted in one last line.
const maxReported = 20

// errorList collects problems in the order found and turns them into the
// error value the API promises: nil, one *Error, or Errors.
type errorList struct {
	file    string
	errs    []*Error
	dropped int // problems past maxReported
}

// add records a problem at a position, up to maxReported; past that it
// only counts it.
func (l *errorList) add(p pos, message, hint string) {
	if len(l.errs) >= maxReported {
		l.dropped++
		return
	}
	l.errs = append(l.errs, &Error{File: l.file, Line: p.line, Column: p.col, Message: message, Hint: hint})
}

// full counts one more problem and reports true when the list is already
// full, so that a caller on a path a hostile file repeats a hundred
// thousand times (an unknown key) need not build a message and its
// "did you mean" that would not be shown.
func (l *errorList) full() bool {
	if len(l.errs) < maxReported {
		return false
	}
	l.dropped++
	return true
}

func (l *errorList) err() error {
	switch {
	case len(l.errs) == 0:
		return nil
	case len(l.errs) == 1:
		return l.errs[0]
	case l.dropped > 0:
		more := &Error{File: l.file, Message: fmt.Sprintf("and %d more problems, not listed", l.dropped),
			Hint: "Fix the ones above first; this many usually means the file is not a mapping, or its indentation is off."}
		return Errors(append(l.errs[:len(l.errs):len(l.errs)], more))
	}
	return Errors(l.errs)
}

// pos is a 1-based place in the mapping file; the zero value means "no
// particular line".
type pos struct{ line, col int }
