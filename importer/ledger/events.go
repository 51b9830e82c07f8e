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

	"github.com/gocarina/gocsv"

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
	um, err := gocsv.NewUnmarshaller(r, line{})
	if err != nil {
		return notALedger(path, "its header cannot be read")
	}
	for {
		v, err := um.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return damaged(path, r, err)
		}
		if err := fn(eventOf(v.(line))); err != nil {
			return err
		}
	}
}

// eventOf turns a line, its formula guard undone, into an Event.
func eventOf(l line) Event {
	l.restore()
	e := Event{Kind: l.Event, File: l.File, Row: l.Row, OrigRow: int(l.OrigRow), ExtCustomerID: l.ExtCustomerID,
		Status: l.Status, HTTPStatus: int(l.HTTPStatus), ErrorCode: l.ErrorCode, Error: l.Error,
		Attempts: int(l.Attempts), Unanswered: bool(l.Unanswered)}
	if at, err := time.Parse(time.RFC3339Nano, l.At); err == nil {
		e.At = at
	}
	switch l.Event {
	case eventOutput:
		e.SHA256 = l.Detail
	case eventInput:
		var in Input
		if json.Unmarshal([]byte(l.Detail), &in) == nil {
			e.SHA256 = in.SHA256
		}
	}
	return e
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
