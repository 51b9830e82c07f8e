package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"time"

	"owr-import/importer/row"
)

// State is what the ledger holds, read once before a command uses it: the
// files fed into the migration, the result files written, and for every row
// of the migration its newest outcome. A row of the original export is
// known by its row number there (the orig_row of lines from any file); a row
// that only exists in a later file is known by its extCustomerId, or by its
// file and row when it has none. Per extCustomerId the state knows whether
// the customer exists (never to be sent again), may exist (sent without an
// answer), or ended in_doubt.
//
// It is kept compact — small fixed-size records, texts only for rows that
// were not created — so a migration of half a million rows takes a few tens
// of megabytes.
type State struct {
	inputs  []Input
	outputs map[string]string // result file name -> SHA-256 of what was written
	mapping MappingFile       // the newest mapping recorded
	rate    Rate              // the newest rate --rate auto settled on

	orig      []rowRec         // by original row number; status 0 = nothing known
	origFar   map[int32]rowRec // row numbers too far from the others for the slice
	extraKey  map[string]int32 // key of a row only in a later file -> index in extra
	extra     []rowRec
	extraSeen []extraSeen       // where rows without an id were first read
	texts     map[int64]rowText // by textKey: error texts and cells
	files     []string          // names in the file column; records keep an index
	fileIndex map[string]uint16
	exts      map[int64]extRec
	companies []int64 // distinct companyIds; records keep an index

	// Notes are remarks for the consultant about the ledger itself, such as
	// a last line cut off by a crash (and ignored).
	Notes []string
}

// Input is a file fed into the migration, as the ledger remembers it: enough
// to read it again the same way, and its content's hash to know whether it
// is still the same file.
type Input struct {
	Name      string    `json:"-"`
	Path      string    `json:"path"`
	SHA256    string    `json:"sha256"`
	Sheet     string    `json:"sheet,omitempty"`
	HeaderRow int       `json:"headerRow,omitempty"`
	Delimiter string    `json:"delimiter,omitempty"`
	Encoding  string    `json:"encoding,omitempty"`
	At        time.Time `json:"-"`
}

// Entry is the newest outcome of one row of the migration.
type Entry struct {
	File          string // the input file of the newest line
	Row           int    // its row in that file
	OrigRow       int    // the original export's row; 0 for a row only in a later file
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
	Cells         string // the row's cells by header (JSON), for rows of later files still open
	FirstSeen     string // for a row without an id only in later files: "file:row" where it was first read
}

// Outcome turns the entry back into an Outcome for rendering.
func (e Entry) Outcome() row.Outcome {
	return row.Outcome{Row: e.Row, ExtCustomerID: e.ExtCustomerID, Status: e.Status,
		CustomerID: e.CustomerID, CompanyID: e.CompanyID, HTTPStatus: e.HTTPStatus,
		ErrorCode: e.ErrorCode, Error: e.Error, Attempts: e.Attempts, Unanswered: e.Unanswered,
		Origin: row.Origin{File: e.File, OrigRow: e.OrigRow, Cells: e.Cells}}
}

// rowRec is a row's newest finished line without its texts. createdID is
// sticky: once the customer of a row exists, a later line about the same row
// (the original export run again, the row still invalid there) cannot undo
// that it exists.
type rowRec struct {
	ext, customerID, createdID int64
	at                         int64 // Unix nanoseconds; 0 = unknown
	row                        int32
	attempts                   int16
	http                       int16
	company, createdCompany    uint16
	file                       uint16
	status                     uint8
	unanswered                 bool
}

type rowText struct{ code, msg, cells string }

// extraSeen is where a row without an extCustomerId that exists only in
// later files was first read ("file:row"): the failed-rows file writes it in
// owr_row, so the row stays one row however often it is fed back.
type extraSeen struct {
	index int32
	at    string
}

// extRec is what matters about one extCustomerId across runs and files.
type extRec struct {
	customerID int64
	origRow    int32  // the original export's row it stands for; 0 = none
	origNumber uint32 // numberHash of the extCustomerNumber of that row; 0 = unknown
	number     uint32 // numberHash of the created row's extCustomerNumber; 0 = unknown
	company    uint16
	status     uint8 // created or skipped, when extCreated is set
	last       uint8 // the newest finished status
	flags      uint8
}

const (
	extCreated uint8 = 1 << iota // the customer exists: never send it again
	extPending                   // started, no finished line (yet)
	extDoubt                     // once sent without an answer, or in_doubt
)

// maxDenseRow bounds the row numbers kept in the slice: beyond any real
// spreadsheet, and small enough that a damaged number cannot exhaust memory.
const maxDenseRow = 4_000_000

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

// Empty is the state of a migration with no ledger yet.
func Empty() *State {
	return &State{outputs: map[string]string{}, origFar: map[int32]rowRec{}, extraKey: map[string]int32{},
		texts: map[int64]rowText{}, fileIndex: map[string]uint16{}, exts: map[int64]extRec{}}
}

// Inputs lists the files fed into the migration, in the order they were
// first read; the first is the original export.
func (s *State) Inputs() []Input { return s.inputs }

// MappingFile is a mapping file a run of the migration read its input with.
type MappingFile struct {
	Path   string
	SHA256 string
}

// Mapping is the mapping file the newest run recorded; ok is false when no
// run recorded one.
func (s *State) Mapping() (m MappingFile, ok bool) { return s.mapping, s.mapping.Path != "" }

// Output is the SHA-256 of what owr-import last wrote to the result file
// name; ok is false for a name it never wrote.
func (s *State) Output(name string) (sha256 string, ok bool) {
	sha256, ok = s.outputs[name]
	return sha256, ok
}

// Outputs is every result file owr-import wrote, with the SHA-256 of what
// it last wrote there.
func (s *State) Outputs() map[string]string { return maps.Clone(s.outputs) }

// CreatedFor reports the customer this migration created for extID, with
// its customerId, when the extCustomerNumber it was created with is number
// too. Another client's export with the same ids in a shared folder is then
// not taken as already imported. Once created, always created.
func (s *State) CreatedFor(extID int64, number string) (Entry, bool) {
	e, ok := s.exts[extID]
	if !ok || e.flags&extCreated == 0 {
		return Entry{}, false
	}
	if e.number != 0 && e.number != numberHash(row.CleanText(number)) {
		return Entry{}, false
	}
	return Entry{OrigRow: int(e.origRow), ExtCustomerID: extID, Status: statusCodes[e.status],
		CustomerID: e.customerID, CompanyID: s.company(e.company)}, true
}

// MayExist reports whether an earlier run may have created extID without
// knowing it: a started line never finished (a crash mid-request), a row
// that ended in_doubt, or one whose attempts went unanswered.
func (s *State) MayExist(extID int64) bool {
	return s.exts[extID].flags&(extPending|extDoubt) != 0
}

// InDoubt reports whether the newest outcome for extID is in_doubt: the API
// said the customer exists after an attempt went unanswered. Sending it
// again can only get the same 409, so it is settled once.
func (s *State) InDoubt(extID int64) bool {
	e, ok := s.exts[extID]
	return ok && e.flags&extCreated == 0 && statusCodes[e.last] == row.StatusInDoubt
}

// OrigRowOf is the row of the original export that a row with extID and
// number stands for, or 0: a row of a later file with the same id but
// another extCustomerNumber is another customer (another client's export in
// a shared folder), not a new version of that row.
func (s *State) OrigRowOf(extID int64, number string) int {
	e := s.exts[extID]
	if e.origNumber != 0 && e.origNumber != numberHash(row.CleanText(number)) {
		return 0
	}
	return int(e.origRow)
}

// Rows is how many rows of the migration have an outcome: rows of the
// original export, and rows that only exist in later files.
func (s *State) Rows() int {
	n := len(s.origFar) + len(s.extra)
	for _, rec := range s.orig {
		if rec.status != 0 {
			n++
		}
	}
	return n
}

// MaxOrigRow is the highest row of the original export the ledger knows.
func (s *State) MaxOrigRow() int {
	n := len(s.orig) - 1
	for r := range s.origFar {
		n = max(n, int(r))
	}
	return max(n, 0)
}

// Orig is the newest outcome of row r of the original export, from any
// file; a row whose customer exists shows created (or skipped) with its ids
// whatever came after.
func (s *State) Orig(r int) (Entry, bool) {
	rec, ok := s.origRec(r)
	if !ok {
		return Entry{}, false
	}
	return s.entry(rec, int64(r), r), true
}

// OrigExt is the extCustomerId the newest line about row r of the original
// export carried, or 0.
func (s *State) OrigExt(r int) int64 {
	rec, _ := s.origRec(r)
	return rec.ext
}

// Extras calls fn with the newest outcome of every row that only exists in
// a later file, in the order they first appeared.
func (s *State) Extras(fn func(Entry)) {
	seen := make(map[int32]string, len(s.extraSeen))
	for _, x := range s.extraSeen {
		seen[x.index] = x.at
	}
	for i, rec := range s.extra {
		e := s.entry(rec, -int64(i)-1, 0)
		e.FirstSeen = seen[int32(i)]
		fn(e)
	}
}

func (s *State) entry(rec rowRec, key int64, origRow int) Entry {
	e := Entry{File: s.files[rec.file], Row: int(rec.row), OrigRow: origRow, ExtCustomerID: rec.ext,
		Status: statusCodes[rec.status], CustomerID: rec.customerID, CompanyID: s.company(rec.company),
		HTTPStatus: int(rec.http), Attempts: int(rec.attempts), Unanswered: rec.unanswered}
	if rec.at != 0 {
		e.At = time.Unix(0, rec.at).UTC()
	}
	if t, ok := s.texts[key]; ok {
		e.ErrorCode, e.Error, e.Cells = t.code, t.msg, t.cells
	}
	if rec.createdID != 0 && e.CustomerID == 0 {
		e.Status, e.CustomerID, e.CompanyID = row.StatusCreated, rec.createdID, s.company(rec.createdCompany)
		e.ErrorCode, e.Error, e.HTTPStatus = "", "", 0
	}
	return e
}

func (s *State) origRec(r int) (rowRec, bool) {
	if r > 0 && r < len(s.orig) {
		rec := s.orig[r]
		return rec, rec.status != 0
	}
	rec, ok := s.origFar[int32(r)]
	return rec, ok
}

// setOrig stores row r's record. The slice grows only close to the rows it
// holds, so one damaged far row number cannot take gigabytes.
func (s *State) setOrig(r int, rec rowRec) {
	if r < len(s.orig) {
		s.orig[r] = rec
		return
	}
	if _, far := s.origFar[int32(r)]; !far && r <= maxDenseRow && r <= 2*len(s.orig)+4096 {
		s.orig = append(s.orig, make([]rowRec, r+1-len(s.orig))...)
		s.orig[r] = rec
		return
	}
	s.origFar[int32(r)] = rec
}

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

// fileIdx stores a file name once and returns its index.
func (s *State) fileIdx(name string) (uint16, error) {
	if i, ok := s.fileIndex[name]; ok {
		return i, nil
	}
	if len(s.files) >= 60000 {
		return 0, errors.New("more than 60000 different file names")
	}
	s.files = append(s.files, name)
	s.fileIndex[name] = uint16(len(s.files) - 1)
	return uint16(len(s.files) - 1), nil
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

// apply folds one ledger line into the state.
func (s *State) apply(l line) error {
	l.restore()
	switch l.Event {
	case eventStarted:
		e := s.exts[l.ExtCustomerID]
		e.flags |= extPending
		s.exts[l.ExtCustomerID] = e
		return nil
	case eventInput:
		return s.applyInput(l)
	case eventOutput:
		s.outputs[l.File] = l.Detail
		return nil
	case eventMapping:
		s.mapping = MappingFile{Path: l.File, SHA256: l.Detail}
		return nil
	case eventFinished:
		return s.applyFinished(l)
	case eventRate:
		s.applyRate(l)
		return nil
	}
	return fmt.Errorf("the event %q is not one of started, finished, input, output, mapping or rate", l.Event)
}

func (s *State) applyInput(l line) error {
	var in Input
	if err := json.Unmarshal([]byte(l.Detail), &in); err != nil {
		return errors.New("the input's details cannot be read")
	}
	in.Name = l.File
	at, err := time.Parse(time.RFC3339Nano, l.At)
	if err != nil {
		return fmt.Errorf("the time %q is not a timestamp", l.At)
	}
	in.At = at
	for _, known := range s.inputs {
		if known.Name == in.Name && known.SHA256 == in.SHA256 {
			return nil
		}
	}
	s.inputs = append(s.inputs, in)
	return nil
}
