package ledger

import (
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"owr-import/importer/row"
	"time"

	"github.com/gocarina/gocsv"
)

// State is what earlier runs left in the journal, read once before a
// run: which customers exist (never to be sent again), which rows were sent
// without an answer (a 409 for them means in_doubt), and each row's newest
// outcome for the results file. It is kept compact — a slice of small
// fixed-size records indexed by row number, a map of small records by
// extCustomerId, error texts only for rows that were not created — so a
// 500,000-row journal takes a few tens of megabytes.
type State struct {
	rows      []rowRec         // by row number; status 0 = no finished line
	farRows   map[int]rowRec   // row numbers too large for the slice (an odd journal)
	nRows     int              // rows with a finished line
	errs      map[int]rowErr   // texts of rows that did not end created
	exts      map[int64]extRec // only ids that exist or may exist
	companies []int64          // distinct companyIds; records keep an index
	// Notes are remarks for the consultant about the file, such as a last
	// line cut off by a crash (and ignored).
	Notes []string
}

// maxDenseRow bounds the row numbers kept in the slice: beyond any real
// spreadsheet, and small enough that a damaged number cannot exhaust memory.
const maxDenseRow = 20_000_000

// JournalEntry is one row's newest finished line.
type JournalEntry struct {
	Row           int
	ExtCustomerID int64
	Status        row.Status
	CustomerID    int64
	CompanyID     int64
	HTTPStatus    int
	ErrorCode     string
	Error         string
	Attempts      int
	Unanswered    bool
	At            time.Time
}

// row.Outcome turns the entry back into an row.Outcome for rendering. The journal
// does not keep extCustomerNumber in memory, so it is empty.
func (e JournalEntry) Outcome() row.Outcome {
	return row.Outcome{Row: e.Row, ExtCustomerID: e.ExtCustomerID, Status: e.Status,
		CustomerID: e.CustomerID, CompanyID: e.CompanyID, HTTPStatus: e.HTTPStatus,
		ErrorCode: e.ErrorCode, Error: e.Error, Attempts: e.Attempts, Unanswered: e.Unanswered}
}

// rowRec is a row's newest finished line without its texts: 32 bytes.
type rowRec struct {
	ext, customerID int64
	at              int64 // Unix nanoseconds; 0 = unknown
	attempts        int16
	http            int16
	company         uint16 // index into companies, 0 = none
	status          uint8
	unanswered      bool
}

type rowErr struct{ code, msg string }

// extRec is what matters about one extCustomerId across runs: 16 bytes.
type extRec struct {
	customerID int64
	row        int32
	number     uint32 // numberHash of the created row's extCustomerNumber; 0 = unknown
	company    uint16
	status     uint8 // created or skipped, when extCreated is set
	flags      uint8
}

const (
	extCreated uint8 = 1 << iota // the customer exists: never send it again
	extPending                   // started, no finished line (yet)
	extDoubt                     // once sent without an answer, or in_doubt
)

// statusCodes numbers the statuses for compact storage.
var statusCodes = []row.Status{"", row.StatusCreated, row.StatusSkipped, row.StatusInvalid, row.StatusDuplicate, row.StatusRejected,
	row.StatusConflict, row.StatusInDoubt, row.StatusFailed, row.StatusNotAttempted, row.StatusValid}

func statusCode(s row.Status) (uint8, bool) {
	for i, c := range statusCodes {
		if c == s && i > 0 {
			return uint8(i), true
		}
	}
	return 0, false
}

func newJournalState() *State {
	return &State{farRows: map[int]rowRec{}, errs: map[int]rowErr{}, exts: map[int64]extRec{}}
}

// Empty is the state of a migration with no journal yet.
func Empty() *State { return newJournalState() }

// companyIndex stores a companyId once and returns its index (0 for none).
func (s *State) companyIndex(id int64) (uint16, error) {
	if id == 0 {
		return 0, nil
	}
	for i, c := range s.companies {
		if c == id {
			return uint16(i + 1), nil
		}
	}
	if len(s.companies) >= 1000 {
		return 0, errors.New("more than 1000 different companyIds")
	}
	s.companies = append(s.companies, id)
	return uint16(len(s.companies)), nil
}

func (s *State) company(i uint16) int64 {
	if i == 0 {
		return 0
	}
	return s.companies[i-1]
}

// Created reports the customer an earlier run created (or skipped as already
// created) for extID, with its customerId. Once created, always created: a
// later line for the same id cannot undo that the customer exists.
func (s *State) Created(extID int64) (JournalEntry, bool) {
	e, ok := s.exts[extID]
	if !ok || e.flags&extCreated == 0 {
		return JournalEntry{}, false
	}
	return JournalEntry{Row: int(e.row), ExtCustomerID: extID, Status: statusCodes[e.status],
		CustomerID: e.customerID, CompanyID: s.company(e.company)}, true
}

// CreatedFor is Created for one row of the input: the extCustomerNumber the
// journal recorded for extID must be the row's too. Another client's export
// with the same name, the same ids and a shared output folder is then not
// taken as already imported.
func (s *State) CreatedFor(extID int64, number string) (JournalEntry, bool) {
	e, ok := s.Created(extID)
	if !ok {
		return JournalEntry{}, false
	}
	if h := s.exts[extID].number; h != 0 && h != numberHash(row.CleanText(number)) {
		return JournalEntry{}, false
	}
	return e, true
}

// numberHash keeps an extCustomerNumber in 4 bytes; never 0.
func numberHash(number string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(number))
	if v := h.Sum32(); v != 0 {
		return v
	}
	return 1
}

// MayExist reports whether an earlier run may have created extID without
// knowing it: a started line never finished (a crash mid-request), a row
// that ended in_doubt, or one whose attempts went unanswered.
func (s *State) MayExist(extID int64) bool {
	return s.exts[extID].flags&(extPending|extDoubt) != 0
}

// LastByRow is the newest finished line for an input row number.
func (s *State) LastByRow(row int) (JournalEntry, bool) {
	r, ok := s.row(row)
	if !ok {
		return JournalEntry{}, false
	}
	e := JournalEntry{Row: row, ExtCustomerID: r.ext, Status: statusCodes[r.status],
		CustomerID: r.customerID, CompanyID: s.company(r.company), HTTPStatus: int(r.http),
		Attempts: int(r.attempts), Unanswered: r.unanswered}
	if r.at != 0 {
		e.At = time.Unix(0, r.at).UTC()
	}
	if t, ok := s.errs[row]; ok {
		e.ErrorCode, e.Error = t.code, t.msg
	}
	return e, true
}

func (s *State) row(row int) (rowRec, bool) {
	if row > 0 && row < len(s.rows) {
		r := s.rows[row]
		return r, r.status != 0
	}
	r, ok := s.farRows[row]
	return r, ok
}

func (s *State) setRow(row int, r rowRec) {
	if _, ok := s.row(row); !ok {
		s.nRows++
	}
	if row > maxDenseRow {
		s.farRows[row] = r
		return
	}
	if row >= len(s.rows) {
		s.rows = append(s.rows, make([]rowRec, row+1-len(s.rows))...)
	}
	s.rows[row] = r
}

// Rows is how many input rows have a finished line.
func (s *State) Rows() int { return s.nRows }

// apply folds one journal line into the state.
func (s *State) apply(l journalLine) error {
	switch l.Event {
	case eventStarted:
		e := s.exts[l.ExtCustomerID]
		e.flags |= extPending
		s.exts[l.ExtCustomerID] = e
		return nil
	case eventFinished:
	default:
		return fmt.Errorf("the event %q is neither started nor finished", l.Event)
	}
	if l.Row < 1 || l.Row > math.MaxInt32 {
		return fmt.Errorf("the row number %d is not a spreadsheet row", l.Row)
	}
	code, ok := statusCode(l.Status)
	if !ok {
		return fmt.Errorf("the status %q is not one of owr-import's statuses", l.Status)
	}
	var atNanos int64
	if l.At != "" {
		at, err := time.Parse(time.RFC3339Nano, l.At)
		if err != nil {
			return fmt.Errorf("the time %q is not a timestamp", l.At)
		}
		atNanos = at.UnixNano()
	}
	company, err := s.companyIndex(int64(l.CompanyID))
	if err != nil {
		return err
	}
	if l.Attempts < 0 || l.Attempts > 32767 || l.HTTPStatus < 0 || l.HTTPStatus > 999 {
		return errors.New("attempts or http_status out of range")
	}
	s.setRow(l.Row, rowRec{ext: l.ExtCustomerID, customerID: int64(l.CustomerID), at: atNanos,
		attempts: int16(l.Attempts), http: int16(l.HTTPStatus), company: company, status: code,
		unanswered: bool(l.Unanswered)})
	created := (l.Status == row.StatusCreated || l.Status == row.StatusSkipped) && l.CustomerID != 0
	if created || (l.ErrorCode == "" && l.Error == "") {
		delete(s.errs, l.Row)
	} else {
		s.errs[l.Row] = rowErr{code: l.ErrorCode, msg: l.Error}
	}

	s.applyExt(l, code, company, created)
	return nil
}

// applyExt folds a finished line into what is known about its
// extCustomerId across runs.
func (s *State) applyExt(l journalLine, code uint8, company uint16, created bool) {
	e, known := s.exts[l.ExtCustomerID]
	e.flags &^= extPending
	if l.Status == row.StatusInDoubt || l.Unanswered {
		e.flags |= extDoubt
	}
	if created {
		e.flags |= extCreated
		e.status, e.row, e.customerID, e.company = code, int32(l.Row), int64(l.CustomerID), company
		if l.ExtCustomerNumber != "" {
			e.number = numberHash(l.ExtCustomerNumber)
		}
	}
	switch {
	case e.flags != 0:
		s.exts[l.ExtCustomerID] = e
	case known:
		delete(s.exts, l.ExtCustomerID)
	}
}

// Read reads a journal into a State. A missing file is an empty
// state (a first run). A last line cut off by a crash is ignored with a note;
// a damaged line elsewhere is an error naming it, because guessing could send
// a customer twice.
func Read(path string) (*State, error) {
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
			var line int
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line // no record was read: FieldPos would panic
			} else {
				line, _ = r.FieldPos(0)
			}
			return nil, fmt.Errorf("the journal %s is damaged at line %d (%v). It records which rows were already created: repair that line, or start over with --restart (the old journal is kept aside, and rows it created will then come back as conflict)", path, line, err)
		}
	}
}
