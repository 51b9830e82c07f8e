package ledger

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"owr-import/importer/formula"
	"owr-import/importer/row"
)

// The kinds of Event, spelled as the ledger's first column spells them.
const (
	EventStarted  = eventStarted
	EventFinished = eventFinished
	EventInput    = eventInput
	EventOutput   = eventOutput
)

// Event is one line of the ledger as a reader of the migration's history
// sees it: what happened, when, and to which row or file. It leaves out the
// cells and ids a history does not need, so walking a ledger stays cheap.
type Event struct {
	Kind          string
	At            time.Time // zero when the line has no readable time
	File          string
	Row           int
	OrigRow       int
	ExtCustomerID int64
	Status        row.Status
	HTTPStatus    int
	ErrorCode     string
	Error         string
	Attempts      int
	Unanswered    bool
	SHA256        string // input and output lines: the file's fingerprint
}

// Events calls fn with every line of the ledger at path, in file order,
// one line at a time: memory does not grow with the ledger. A missing file
// has no events; a last line cut off by a crash is ignored, as Read ignores
// it; a damaged line is an error naming it. An error from fn stops the walk
// and is returned as it is.
func Events(path string, fn func(Event) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open the ledger %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read the ledger %s: %w", path, err)
	}
	complete, err := completeLength(f, st.Size())
	if err != nil || complete == 0 {
		return err
	}
	if err := checkHeader(f, path); err != nil {
		return err
	}
	r := csv.NewReader(io.NewSectionReader(f, 0, complete))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return notALedger(path, "its header cannot be read")
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var e Event
		if err == nil {
			e, err = eventOf(rec)
		}
		if err != nil {
			return damaged(path, r, err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

// col is the position of each column: checkHeader made sure the file has
// exactly these columns, in this order.
var col = func() map[string]int {
	m := make(map[string]int, len(columns))
	for i, c := range columns {
		m[c] = i
	}
	return m
}()

// eventOf reads the cells an Event needs straight from a record, its
// formula guard undone. It is the hot loop of a history of a large
// ledger, so it parses only those cells, without reflection.
func eventOf(rec []string) (Event, error) {
	if len(rec) != len(columns) {
		return Event{}, fmt.Errorf("the line has %d cells, not %d", len(rec), len(columns))
	}
	cell := func(name string) string { return rec[col[name]] }
	var rowNum, orig, ext, httpStatus, attempts csvInt
	var unanswered csvFlag
	for _, c := range []struct {
		name string
		into interface{ UnmarshalCSV(string) error }
	}{{"row", &rowNum}, {"orig_row", &orig}, {"ext_customer_id", &ext}, {"http_status", &httpStatus},
		{"attempts", &attempts}, {"unanswered", &unanswered}} {
		if err := c.into.UnmarshalCSV(cell(c.name)); err != nil {
			return Event{}, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	e := Event{Kind: cell("event"), File: formula.Restore(cell("file")), Row: int(rowNum), OrigRow: int(orig), ExtCustomerID: int64(ext),
		Status: row.Status(cell("status")), HTTPStatus: int(httpStatus), ErrorCode: formula.Restore(cell("error_code")),
		Error: formula.Restore(cell("error")), Attempts: int(attempts), Unanswered: bool(unanswered)}
	if at, err := time.Parse(time.RFC3339Nano, cell("at")); err == nil {
		e.At = at
	}
	switch e.Kind {
	case eventOutput:
		e.SHA256 = cell("detail")
	case eventInput:
		var in Input
		if json.Unmarshal([]byte(cell("detail")), &in) == nil {
			e.SHA256 = in.SHA256
		}
	}
	return e, nil
}

// EachOrig calls fn with the newest outcome of every row of the original
// export the ledger knows, in row order. It visits only known rows, so a
// damaged far row number costs one call, not a walk up to it.
func (s *State) EachOrig(fn func(Entry)) {
	for r := 1; r < len(s.orig); r++ {
		if e, ok := s.Orig(r); ok {
			fn(e)
		}
	}
	far := make([]int, 0, len(s.origFar))
	for r := range s.origFar {
		far = append(far, int(r))
	}
	slices.Sort(far)
	for _, r := range far {
		if e, ok := s.Orig(r); ok {
			fn(e)
		}
	}
}
