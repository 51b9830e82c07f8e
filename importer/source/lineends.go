package source

import (
	"bytes"
	"io"
)

// Line ends.
//
// Every line of a CSV file is one row, whatever ends it: LF (Unix, and most
// exports), CRLF (Windows) or a lone CR (old Mac exports, and the stray CR
// a hand-edited or concatenated file can hold in the middle of LF lines).
// encoding/csv only ends lines at LF; a lone CR is data to it, so two rows
// around a stray CR would silently become one, and one customer would be
// lost. Spreadsheet programs (Excel, LibreOffice) and Python's csv module
// all end a row at a lone CR, so the consultant who opens the file sees
// two rows there: so do we. lineEnds turns each lone CR into an LF on the
// way to encoding/csv; inside a quoted value it becomes a line break in
// the value, as a CRLF there already does.

// lineEnds turns every CR that does not start a CRLF into an LF. It works
// on decoded text (UTF-8), where a CR byte is always the character CR, so
// it sits after the decoder of a UTF-16 file, never before it.
type lineEnds struct {
	r io.Reader
	// skipLF: the previous read ended in a CR, which became an LF; an LF
	// at the start of this read is the rest of that CRLF and is dropped.
	skipLF bool
}

func (l *lineEnds) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		if n > 0 && l.skipLF {
			l.skipLF = false
			if p[0] == '\n' {
				n = copy(p, p[1:n]) // rare: a CRLF cut by the end of a read
			}
		}
		if n > 0 {
			l.skipLF = fixLoneCRs(p[:n])
			return n, err
		}
		if err != nil || len(p) == 0 {
			return 0, err
		}
	}
}

// fixLoneCRs turns each CR of b that is not followed by LF into LF, and
// reports whether b ended in a CR (now an LF) whose LF may start the next
// read. It jumps from CR to CR, so text without CRs costs one IndexByte,
// and a CRLF file one per line.
func fixLoneCRs(b []byte) (endsInCR bool) {
	for i := bytes.IndexByte(b, '\r'); i >= 0; {
		switch {
		case i+1 == len(b):
			b[i] = '\n'
			return true
		case b[i+1] != '\n':
			b[i] = '\n'
		}
		j := bytes.IndexByte(b[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}
