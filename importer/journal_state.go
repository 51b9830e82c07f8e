package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gocarina/gocsv"
)

// JournalState is what earlier runs left in the journal, read once before a
// run: which customers exist (never to be sent again), which rows were sent
// without an answer (a 409 for them means in_doubt), and each row's newest
// outcome for the results file. It is kept compact — small fixed-size
// records in maps, error texts only for rows that were not created — so a
// 500,000-row journal stays in a few tens of megabytes.
type JournalState struct {
	rows map[int]rowRec
	errs map[int]rowErr
	exts map[int64]extRec
	// Notes are remarks for the consultant about the file, such as a last
	// line cut off by a crash (and ignored).
	Notes []string
}

// JournalEntry is one row's newest finished line.
type JournalEntry struct {
	Row           int
	ExtCustomerID int64
	Status        Status
	CustomerID    int64
	CompanyID     int64
	HTTPStatus    int
	ErrorCode     string
	Error         string
	Attempts      int
	Unanswered    bool
	At            time.Time
}

// Outcome turns the entry back into an Outcome for rendering. The journal
// does not keep extCustomerNumber in memory, so it is empty.
func (e JournalEntry) Outcome() Outcome {
	return Outcome{Row: e.Row, ExtCustomerID: e.ExtCustomerID, Status: e.Status,
		CustomerID: e.CustomerID, CompanyID: e.CompanyID, HTTPStatus: e.HTTPStatus,
		ErrorCode: e.ErrorCode, Error: e.Error, Attempts: e.Attempts, Unanswered: e.Unanswered}
}

// rowRec is a row's newest finished line without its texts.
type rowRec struct {
	ext, customerID, companyID int64
	at                         int64 // Unix nanoseconds
	attempts                   int32
	http                       int16
	status                     uint8
	unanswered                 bool
}

type rowErr struct{ code, msg string }

// extRec is what matters about one extCustomerId across runs. Only ids that
// exist or may exist are kept.
type extRec struct {
	customerID, companyID int64
	row                   int32
	status                uint8 // created or skipped, when created is set
	created               bool  // the customer exists: never send it again
	pending               bool  // started, no finished line (yet)
	doubt                 bool  // once sent without an answer, or in_doubt
}

// statusCodes numbers the statuses for compact storage.
var statusCodes = []Status{"", StatusCreated, StatusSkipped, StatusInvalid, StatusDuplicate, StatusRejected,
	StatusConflict, StatusInDoubt, StatusFailed, StatusNotAttempted, StatusValid}

func statusCode(s Status) (uint8, bool) {
	for i, c := range statusCodes {
		if c == s && i > 0 {
			return uint8(i), true
		}
	}
	return 0, false
}

func newJournalState() *JournalState {
	return &JournalState{rows: map[int]rowRec{}, errs: map[int]rowErr{}, exts: map[int64]extRec{}}
}

// emptyJournal is the state of a run without a journal yet.
func emptyJournal() *JournalState { return newJournalState() }

// Created reports the customer an earlier run created (or skipped as already
// created) for extID, with its customerId. Once created, always created: a
// later line for the same id cannot undo that the customer exists.
func (s *JournalState) Created(extID int64) (JournalEntry, bool) {
	e, ok := s.exts[extID]
	if !ok || !e.created {
		return JournalEntry{}, false
	}
	return JournalEntry{Row: int(e.row), ExtCustomerID: extID, Status: statusCodes[e.status],
		CustomerID: e.customerID, CompanyID: e.companyID}, true
}

// Started reports whether an earlier run may have created extID without
// knowing it: a started line never finished (a crash mid-request), a row
// that ended in_doubt, or one whose attempts went unanswered.
func (s *JournalState) Started(extID int64) bool {
	e := s.exts[extID]
	return e.pending || e.doubt
}

// LastByRow is the newest finished line for an input row number.
func (s *JournalState) LastByRow(row int) (JournalEntry, bool) {
	r, ok := s.rows[row]
	if !ok {
		return JournalEntry{}, false
	}
	e := JournalEntry{Row: row, ExtCustomerID: r.ext, Status: statusCodes[r.status],
		CustomerID: r.customerID, CompanyID: r.companyID, HTTPStatus: int(r.http),
		Attempts: int(r.attempts), Unanswered: r.unanswered}
	if r.at != 0 {
		e.At = time.Unix(0, r.at).UTC()
	}
	if t, ok := s.errs[row]; ok {
		e.ErrorCode, e.Error = t.code, t.msg
	}
	return e, true
}

// Rows is how many input rows have a finished line.
func (s *JournalState) Rows() int { return len(s.rows) }

// apply folds one journal line into the state.
func (s *JournalState) apply(l journalLine) error {
	switch l.Event {
	case eventStarted:
		e := s.exts[l.ExtCustomerID]
		e.pending = true
		s.exts[l.ExtCustomerID] = e
		return nil
	case eventFinished:
	default:
		return fmt.Errorf("the event %q is neither started nor finished", l.Event)
	}
	code, ok := statusCode(l.Status)
	if !ok {
		return fmt.Errorf("the status %q is not one of owr-import's statuses", l.Status)
	}
	at, err := time.Parse(time.RFC3339Nano, l.At)
	if err != nil && l.At != "" {
		return fmt.Errorf("the time %q is not a timestamp", l.At)
	}
	var atNanos int64
	if !at.IsZero() {
		atNanos = at.UnixNano()
	}
	s.rows[l.Row] = rowRec{ext: l.ExtCustomerID, customerID: int64(l.CustomerID), companyID: int64(l.CompanyID),
		at: atNanos, attempts: int32(l.Attempts), http: int16(l.HTTPStatus), status: code,
		unanswered: bool(l.Unanswered)}
	created := (l.Status == StatusCreated || l.Status == StatusSkipped) && l.CustomerID != 0
	if created || (l.ErrorCode == "" && l.Error == "") {
		delete(s.errs, l.Row)
	} else {
		s.errs[l.Row] = rowErr{code: l.ErrorCode, msg: l.Error}
	}

	e, known := s.exts[l.ExtCustomerID]
	e.pending = false
	if l.Status == StatusInDoubt || l.Unanswered {
		e.doubt = true
	}
	if created {
		e.created, e.status, e.row = true, code, int32(l.Row)
		e.customerID, e.companyID = int64(l.CustomerID), int64(l.CompanyID)
	}
	switch {
	case e.created || e.doubt:
		s.exts[l.ExtCustomerID] = e
	case known:
		delete(s.exts, l.ExtCustomerID)
	}
	return nil
}

// ReadJournal reads a journal into a JournalState. A missing file is an empty
// state (a first run). A last line cut off by a crash is ignored with a note;
// a damaged line elsewhere is an error naming it, because guessing could send
// a customer twice.
func ReadJournal(path string) (*JournalState, error) {
	s := newJournalState()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open the journal: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read the journal %s: %w", path, err)
	}
	complete, err := completeLength(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("cannot read the journal %s: %w", path, err)
	}
	if complete < st.Size() {
		s.Notes = append(s.Notes, fmt.Sprintf("the last line of the journal %s was cut off (the program was stopped while writing it) and is ignored", path))
	}
	if complete == 0 {
		return s, nil
	}
	r := csv.NewReader(io.NewSectionReader(f, 0, complete))
	r.ReuseRecord = true
	um, err := gocsv.NewUnmarshaller(r, journalLine{})
	if err != nil {
		return nil, notAJournal(path, "its header cannot be read")
	}
	missing := map[string]bool{}
	for _, c := range um.MismatchedStructFields {
		missing[c] = true
	}
	for _, c := range requiredJournalColumns {
		if missing[c] {
			return nil, notAJournal(path, "it has no "+c+" column")
		}
	}
	for {
		v, err := um.Read()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err == nil {
			err = s.apply(v.(journalLine))
		}
		if err != nil {
			line, _ := r.FieldPos(0)
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, fmt.Errorf("the journal %s is damaged at line %d (%v). It records which rows were already created: repair that line, or start over with --restart (the old journal is kept aside, and rows it created will then come back as conflict)", path, line, err)
		}
	}
}
