package ledger

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/gocarina/gocsv"

	"owr-import/importer/row"
)

// applyFinished folds a row's outcome into the state: into the record of
// the original export's row it stands for, or of the later file's row.
func (s *State) applyFinished(l line) error {
	if l.Row < 1 || l.Row > math.MaxInt32 || l.OrigRow < 0 || l.OrigRow > math.MaxInt32 {
		return fmt.Errorf("the row number %d (original row %d) is not a spreadsheet row", l.Row, l.OrigRow)
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
	file, err := s.fileIdx(l.File)
	if err != nil {
		return err
	}
	if l.Attempts < 0 || l.Attempts > 32767 || l.HTTPStatus < 0 || l.HTTPStatus > 999 || l.CustomerID < 0 {
		return errors.New("attempts, http_status or customer_id out of range")
	}
	rec := rowRec{ext: l.ExtCustomerID, customerID: int64(l.CustomerID), at: atNanos, row: int32(l.Row),
		attempts: int16(l.Attempts), http: int16(l.HTTPStatus), company: company, file: file, status: code,
		unanswered: bool(l.Unanswered)}
	created := (l.Status == row.StatusCreated || l.Status == row.StatusSkipped) && l.CustomerID > 0
	if created {
		rec.createdID, rec.createdCompany = rec.customerID, company
	}
	key := s.placeRow(l, rec)
	t := rowText{code: l.ErrorCode, msg: l.Error, cells: l.Detail}
	if created {
		// No error to show; the cells only for a row that exists in no
		// other file, since the results list it after the original rows.
		t = rowText{}
		if key < 0 {
			t.cells = l.Detail
		}
	}
	if t == (rowText{}) {
		delete(s.texts, key)
	} else {
		s.texts[key] = t
	}
	s.applyExt(l, code, company, created)
	return nil
}

// placeRow stores rec as the newest record of its row and returns the key
// of the row's texts: the original row number, or -(index+1) of a row only
// in a later file. The sticky created ids of an earlier line are kept.
func (s *State) placeRow(l line, rec rowRec) int64 {
	if r := int(l.OrigRow); r > 0 {
		if prev, ok := s.origRec(r); ok && rec.createdID == 0 {
			rec.createdID, rec.createdCompany = prev.createdID, prev.createdCompany
		}
		s.setOrig(r, rec)
		return int64(r)
	}
	k := "f" + l.File + ":" + strconv.Itoa(l.Row)
	switch {
	case l.ExtCustomerID != 0:
		k = "e" + strconv.FormatInt(l.ExtCustomerID, 10)
	case l.FirstSeen != "":
		k = "f" + l.FirstSeen
	}
	i, ok := s.extraKey[k]
	if !ok {
		i = int32(len(s.extra))
		s.extraKey[k] = i
		s.extra = append(s.extra, rec)
		if k[0] == 'f' {
			s.extraSeen = append(s.extraSeen, extraSeen{index: i, at: k[1:]})
		}
	} else {
		if prev := s.extra[i]; rec.createdID == 0 {
			rec.createdID, rec.createdCompany = prev.createdID, prev.createdCompany
		}
		s.extra[i] = rec
	}
	return -int64(i) - 1
}

// applyExt folds a finished line into what is known about its
// extCustomerId across runs and files.
func (s *State) applyExt(l line, code uint8, company uint16, created bool) {
	if l.ExtCustomerID == 0 {
		return
	}
	e := s.exts[l.ExtCustomerID]
	e.flags &^= extPending
	e.last = code
	if l.Status == row.StatusInDoubt || l.Unanswered {
		e.flags |= extDoubt
	}
	if l.OrigRow > 0 {
		e.origRow = int32(l.OrigRow)
		if l.ExtCustomerNumber != "" {
			e.origNumber = numberHash(row.CleanText(l.ExtCustomerNumber))
		}
	}
	if created {
		e.flags |= extCreated
		e.status, e.customerID, e.company = code, int64(l.CustomerID), company
		if l.ExtCustomerNumber != "" {
			e.number = numberHash(row.CleanText(l.ExtCustomerNumber))
		}
	}
	s.exts[l.ExtCustomerID] = e
}

// Read reads a ledger into a State. A missing file is an empty state (a
// migration's first run). A last line cut off by a crash is ignored with a
// note; a damaged line elsewhere is an error naming it, because guessing
// could send a customer twice.
func Read(path string) (*State, error) {
	s := Empty()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open the ledger %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read the ledger %s: %w", path, err)
	}
	complete, err := completeLength(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("cannot read the ledger %s: %w", path, err)
	}
	if complete < st.Size() {
		s.Notes = append(s.Notes, fmt.Sprintf("the last line of the ledger %s was cut off (the program was stopped while writing it) and is ignored", path))
	}
	if complete == 0 {
		return s, nil
	}
	if err := checkHeader(f, path); err != nil {
		return nil, err
	}
	r := csv.NewReader(io.NewSectionReader(f, 0, complete))
	r.ReuseRecord = true
	um, err := gocsv.NewUnmarshaller(r, line{})
	if err != nil {
		return nil, notALedger(path, "its header cannot be read")
	}
	for {
		v, err := um.Read()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err == nil {
			err = s.apply(v.(line))
		}
		if err != nil {
			return nil, damaged(path, r, err)
		}
	}
}

// damaged is the error for a line Read cannot use. The ledger is
// owr-import's own record of what was created: it is never repaired by
// guessing, and a person should not edit it either.
func damaged(path string, r *csv.Reader, err error) error {
	var at int
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		at = pe.Line // no record was read: FieldPos would panic
	} else {
		at, _ = r.FieldPos(0)
	}
	return &row.InputError{Path: path, Row: at, Err: err,
		Message: fmt.Sprintf("line %d of the migration's ledger cannot be read (%v)", at, err),
		Hint: "The ledger is owr-import's record of which customers this migration created. Put back a copy from a backup if you have one; " +
			"otherwise start the migration over with --restart (the damaged ledger is kept aside; customers it created will then come back as conflict)."}
}
