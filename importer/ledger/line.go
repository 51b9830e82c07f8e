package ledger

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"owr-import/importer/formula"
	"owr-import/importer/row"
)

// Ledger events, the first column of every line.
//   - started: a row is about to be sent for the first time. It reaches the
//     OS before the request leaves, so a crash leaves a started row without
//     a finished line: the customer may exist.
//   - finished: a row's outcome in one run, sent or decided without sending
//     (skipped, invalid, duplicate, not_attempted).
//   - input: a file fed into the migration (the first one is the original
//     export), with how it was read and its SHA-256.
//   - output: a result file owr-import wrote, with its SHA-256, so a file a
//     person changed afterwards is recognised and never replaced.
//   - mapping: the mapping file a run read its input with, and its SHA-256,
//     written when it differs from the last one, so `status` can show the
//     values as sent without being given the mapping again.
const (
	eventStarted  = "started"
	eventFinished = "finished"
	eventInput    = "input"
	eventOutput   = "output"
	eventMapping  = "mapping"
)

// syncEvery is how often written lines are fsynced. Every line reaches the
// OS at once (so a killed process loses nothing); fsync only protects
// against a power cut, and once a second keeps it cheap.
const syncEvery = time.Second

// batchLines caps how many waiting lines one write carries.
const batchLines = 256

// line is one line of the ledger. The column names are the file's contract;
// gocsv maps them through the tags. Text cells are cleaned (one line, no
// control characters) and guarded against spreadsheets that would run them
// as formulas; Read undoes the guard.
type line struct {
	Event             string     `csv:"event"`
	File              string     `csv:"file"`
	Row               int        `csv:"row"`
	OrigRow           csvInt     `csv:"orig_row"`
	ExtCustomerID     int64      `csv:"ext_customer_id"`
	ExtCustomerNumber string     `csv:"ext_customer_number"`
	Status            row.Status `csv:"status"`
	CustomerID        csvInt     `csv:"customer_id"`
	CompanyID         csvInt     `csv:"company_id"`
	HTTPStatus        csvInt     `csv:"http_status"`
	ErrorCode         string     `csv:"error_code"`
	Error             string     `csv:"error"`
	Attempts          csvInt     `csv:"attempts"`
	Unanswered        csvFlag    `csv:"unanswered"`
	At                string     `csv:"at"`
	FirstSeen         string     `csv:"first_seen"`
	Detail            string     `csv:"detail"`
}

// csvInt is an integer cell left empty when zero, so a ledger opened in a
// spreadsheet shows blanks instead of columns of zeros.
type csvInt int64

// MarshalCSV implements gocsv.TypeMarshaller.
func (v csvInt) MarshalCSV() (string, error) {
	if v == 0 {
		return "", nil
	}
	return strconv.FormatInt(int64(v), 10), nil
}

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (v *csvInt) UnmarshalCSV(s string) error {
	if s == "" {
		*v = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*v = csvInt(n)
	return nil
}

// csvFlag is a yes/no cell: "yes" or empty.
type csvFlag bool

// MarshalCSV implements gocsv.TypeMarshaller.
func (f csvFlag) MarshalCSV() (string, error) {
	if f {
		return "yes", nil
	}
	return "", nil
}

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (f *csvFlag) UnmarshalCSV(s string) error {
	switch strings.ToLower(s) {
	case "", "no", "false":
		*f = false
	case "yes", "true":
		*f = true
	default:
		return fmt.Errorf("%q is not yes or empty", s)
	}
	return nil
}

// text is a value as the ledger stores it: one clean line, guarded.
func text(s string) string { return formula.Guard(row.CleanText(s)) }

// stamp is a time as the ledger stores it.
func stamp(at time.Time) string { return at.UTC().Format(time.RFC3339Nano) }

func startedLine(rowNum int, ext int64, number string, at time.Time) line {
	return line{Event: eventStarted, Row: rowNum, ExtCustomerID: ext, ExtCustomerNumber: text(number), At: stamp(at)}
}

func finishedLine(o row.Outcome, at time.Time) line {
	return line{Event: eventFinished, File: text(o.Origin.File), Row: o.Row, OrigRow: csvInt(o.Origin.OrigRow),
		ExtCustomerID: o.ExtCustomerID, ExtCustomerNumber: text(o.ExtCustomerNumber), Status: o.Status,
		CustomerID: csvInt(o.CustomerID), CompanyID: csvInt(o.CompanyID), HTTPStatus: csvInt(o.HTTPStatus),
		ErrorCode: text(o.ErrorCode), Error: text(o.Error), Attempts: csvInt(o.Attempts),
		Unanswered: csvFlag(o.Unanswered), At: stamp(at), FirstSeen: text(o.Origin.FirstSeen), Detail: formula.Guard(o.Origin.Cells)}
}

// restore undoes text's guard on the cells a reader compares or shows.
func (l *line) restore() {
	l.File = formula.Restore(l.File)
	l.ExtCustomerNumber = formula.Restore(l.ExtCustomerNumber)
	l.ErrorCode = formula.Restore(l.ErrorCode)
	l.Error = formula.Restore(l.Error)
	l.Detail = formula.Restore(l.Detail)
	l.FirstSeen = formula.Restore(l.FirstSeen)
}
