// Package row holds the domain types every stage of owr-import shares: one
// input row (Record), its final Status, what the API made of it (Outcome),
// and InputError, the one error a consultant gets about a file. It imports
// nothing of the project, so every other package may use it; it must not
// grow behaviour beyond these types and their wording.
package row

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Record is one data row of the input. Row is the 1-based row number a
// consultant sees in their spreadsheet (header and title rows count), so
// every message can point at it. Values are aligned with the header: padded
// with "" when the row is short.
type Record struct {
	Row    int
	Values []string
}

// Status is the single final state of one input row. Its spelling is part of
// the result files' contract (the owr_status column).
type Status string

// The statuses of `run` and `validate`. Their spelling is part of the result
// file contract.
const (
	StatusCreated      Status = "created"
	StatusSkipped      Status = "skipped"
	StatusInvalid      Status = "invalid"
	StatusDuplicate    Status = "duplicate"
	StatusRejected     Status = "rejected"
	StatusConflict     Status = "conflict"
	StatusInDoubt      Status = "in_doubt"
	StatusFailed       Status = "failed"
	StatusNotAttempted Status = "not_attempted"
	StatusValid        Status = "valid"
)

// Outcome is the end of one row's trip to the API: its final status, what the
// API said, and how many attempts it took. It is journaled the moment it is
// known and later rendered into the results file.
type Outcome struct {
	Row               int
	ExtCustomerID     int64
	ExtCustomerNumber string
	Status            Status
	CustomerID        int64
	CompanyID         int64
	HTTPStatus        int    // the last answer's status; 0 when there was none
	ErrorCode         string // the API's functional error code, e.g. on a 409
	Error             string // what went wrong and what to do, for the consultant
	Attempts          int
	// Unanswered: an attempt was sent and got no answer (timeout, dropped
	// connection, cancelled by Ctrl-C), so the customer may exist even
	// though the row did not end created. The next run then reads a 409 for
	// this row as in_doubt, not conflict.
	Unanswered bool
	// Origin says which file and row of the migration the outcome is
	// about; the ledger keeps it so every file fed back stays linked to
	// the client's original export.
	Origin Origin
}

// CleanText makes a server string safe for a results cell and a terminal:
// valid UTF-8, no control characters, whitespace runs folded to one space.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "?")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Format is the kind of file a run reads, and therefore writes: results go
// back in the format the client gave (CSV in, CSV out; XLSX in, XLSX out).
type Format string

// The two input and output formats.
const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// IsOwrColumn reports whether a header names a column that owr-import wrote
// itself (owr_status, owr_error, ...). The mapping ignores them and the
// result files replace them rather than adding a second copy, so a
// failed-rows file can be fed back as it is.
func IsOwrColumn(name string) bool {
	return len(name) >= 4 && strings.EqualFold(name[:4], "owr_")
}

// Origin places a row in the migration: the input file it was read from,
// its row there, the row of the migration's original export it stands for
// (0 for a row that only exists in a later file), and for rows of later
// files their cells by header, as JSON, so the result files can show the
// latest version of a row that is still open.
type Origin struct {
	File    string
	OrigRow int
	Cells   string
	// FirstSeen is "file:row" of a row without an extCustomerId that only
	// exists in later files, where it was first read; "" = this row.
	FirstSeen string
}
