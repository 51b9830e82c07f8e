package ledger

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/row"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocarina/gocsv"
)

// Journal events. A `started` line goes to the OS before a row's first
// attempt, a `finished` line as soon as its outcome is known; a started row
// without a finished line was cut short by a crash and may exist on the API.
const (
	eventStarted  = "started"
	eventFinished = "finished"
)

// journalSyncEvery is how often written lines are fsynced. Every line reaches
// the OS at once (so a killed process loses nothing); fsync only protects
// against a power cut, and once a second keeps it cheap.
const journalSyncEvery = time.Second

// journalBatch caps how many waiting lines one write carries.
const journalBatch = 256

// journalLine is one line of NAME.journal.csv. The column names are the file's
// contract; gocsv maps them through the tags.
type journalLine struct {
	Event             string     `csv:"event"`
	Row               int        `csv:"row"`
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
}

// csvInt is an integer cell left empty when zero, so a journal opened in a
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

func startedLine(rowNum int, ext int64, number string, at time.Time) journalLine {
	return journalLine{Event: eventStarted, Row: rowNum, ExtCustomerID: ext,
		ExtCustomerNumber: row.CleanText(number), At: at.UTC().Format(time.RFC3339Nano)}
}

func finishedLine(o row.Outcome, at time.Time) journalLine {
	return journalLine{Event: eventFinished, Row: o.Row, ExtCustomerID: o.ExtCustomerID,
		ExtCustomerNumber: row.CleanText(o.ExtCustomerNumber), Status: o.Status,
		CustomerID: csvInt(o.CustomerID), CompanyID: csvInt(o.CompanyID), HTTPStatus: csvInt(o.HTTPStatus),
		ErrorCode: row.CleanText(o.ErrorCode), Error: row.CleanText(o.Error), Attempts: csvInt(o.Attempts),
		Unanswered: csvFlag(o.Unanswered), At: at.UTC().Format(time.RFC3339Nano)}
}

// Journal is the append-only, crash-safe record of a run: NAME.journal.csv.
// One goroutine owns the file; callers hand it lines and wait for the line
// to be written to the OS. Lines that arrive together are written together,
// which keeps the cost per row small under many workers.
type Journal struct {
	path string
	f    *os.File
	now  func() time.Time
	reqs chan journalReq
	done chan struct{}

	mu       sync.RWMutex // guards closed against sends racing Close
	closed   bool
	closeErr error
}

type journalReq struct {
	line    journalLine
	outcome row.Outcome
	notify  func(row.Outcome) // called by the journal goroutine once the line is written
	ack     chan error
}

var errJournalClosed = errors.New("the journal is already closed")

// Open opens path for appending, creating it with a header when it is
// new. An existing file keeps its header; a line cut off by a crash at its
// end is removed first, so the next line starts cleanly. A file that is not a
// journal is refused rather than appended to.
func Open(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the journal: %w", err)
	}
	fail := func(err error) (*Journal, error) {
		f.Close()
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("cannot read the journal %s: %w", path, err))
	}
	complete, err := completeLength(f, st.Size())
	if err != nil {
		return fail(fmt.Errorf("cannot read the journal %s: %w", path, err))
	}
	if complete > 0 {
		if err := checkJournalHeader(f, path); err != nil {
			return fail(err)
		}
	}
	if complete < st.Size() {
		if err := f.Truncate(complete); err != nil {
			return fail(fmt.Errorf("cannot repair the cut-off last line of the journal %s: %w", path, err))
		}
	}
	if _, err := f.Seek(complete, io.SeekStart); err != nil {
		return fail(fmt.Errorf("cannot append to the journal %s: %w", path, err))
	}
	if complete == 0 {
		var buf bytes.Buffer
		if err := gocsv.MarshalCSV([]journalLine{}, gocsv.NewSafeCSVWriter(csv.NewWriter(&buf))); err != nil {
			return fail(fmt.Errorf("cannot write the journal header: %w", err))
		}
		if _, err := f.Write(buf.Bytes()); err != nil {
			return fail(fmt.Errorf("cannot write the journal %s: %w", path, err))
		}
	}
	j := &Journal{path: path, f: f, now: time.Now, reqs: make(chan journalReq, journalBatch), done: make(chan struct{})}
	go j.loop()
	return j, nil
}

// Begin journals that a row is about to be sent for the first time, before
// the request leaves: a crash after this line and before End leaves the row
// "started", and the next run treats a 409 for it as in_doubt. ack is the
// caller's reusable reply channel (capacity 1); nil allocates one.
func (j *Journal) Begin(rowNum int, ext int64, number string, ack chan error) error {
	return j.send(startedLine(rowNum, ext, number, j.now()), row.Outcome{}, nil, ack)
}

// End journals a row's final outcome, sent or decided without sending (a
// row skipped because the ledger shows it created), then calls notify with
// it from the journal goroutine. It returns once the line reached the OS.
// ack is as for Begin.
func (j *Journal) End(o row.Outcome, notify func(row.Outcome), ack chan error) error {
	return j.send(finishedLine(o, j.now()), o, notify, ack)
}

func (j *Journal) send(line journalLine, o row.Outcome, notify func(row.Outcome), ack chan error) error {
	if ack == nil {
		ack = make(chan error, 1)
	}
	j.mu.RLock()
	if j.closed {
		j.mu.RUnlock()
		return errJournalClosed
	}
	j.reqs <- journalReq{line: line, outcome: o, notify: notify, ack: ack}
	j.mu.RUnlock()
	return <-ack
}

// Close writes what is pending, fsyncs and closes the file. It returns the
// first write error of the journal's life, so a journal is never silently
// incomplete.
func (j *Journal) Close() error {
	j.mu.Lock()
	if !j.closed {
		j.closed = true
		close(j.reqs)
	}
	j.mu.Unlock()
	<-j.done
	return j.closeErr
}

// loop is the journal goroutine: it owns the file until reqs is closed.
// Lines that arrive together are written with one write; the file is
// fsynced once a second when something was written.
func (j *Journal) loop() {
	defer close(j.done)
	w := &lineWriter{batch: make([]journalReq, 0, journalBatch), lines: make([]journalLine, 0, journalBatch)}
	w.csv = gocsv.NewSafeCSVWriter(csv.NewWriter(&w.buf))
	tick := time.NewTicker(journalSyncEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			j.sync(w)
		case r, ok := <-j.reqs:
			if !ok {
				j.finish(w)
				return
			}
			open := w.collect(r, j.reqs)
			j.write(w)
			if !open {
				j.finish(w)
				return
			}
		}
	}
}

// lineWriter is the journal goroutine's working state.
type lineWriter struct {
	buf    bytes.Buffer
	csv    *gocsv.SafeCSVWriter
	batch  []journalReq
	lines  []journalLine
	failed error // sticky: after one failed write nothing more is written
	dirty  bool  // written since the last fsync
}

// collect starts a batch with first and adds what else is waiting, up to
// journalBatch lines. It reports false once reqs is closed.
func (w *lineWriter) collect(first journalReq, reqs <-chan journalReq) bool {
	w.batch = append(w.batch[:0], first)
	for len(w.batch) < journalBatch {
		select {
		case r, ok := <-reqs:
			if !ok {
				return false
			}
			w.batch = append(w.batch, r)
		default:
			return true
		}
	}
	return true
}

// write writes the batch in one go, then notifies and answers each caller.
func (j *Journal) write(w *lineWriter) {
	err := w.failed
	if err == nil {
		w.lines = w.lines[:0]
		for _, r := range w.batch {
			w.lines = append(w.lines, r.line)
		}
		w.buf.Reset()
		if err = gocsv.MarshalCSVWithoutHeaders(w.lines, w.csv); err == nil {
			_, err = j.f.Write(w.buf.Bytes())
		}
		if err != nil {
			w.failed = j.writeError(err)
			err = w.failed
		}
		w.dirty = true
	}
	for _, r := range w.batch {
		if err == nil && r.notify != nil {
			r.notify(r.outcome)
		}
		r.ack <- err
	}
}

// sync fsyncs what was written since the last sync.
func (j *Journal) sync(w *lineWriter) {
	if w.dirty && w.failed == nil {
		if err := j.f.Sync(); err != nil {
			w.failed = j.writeError(err)
		}
		w.dirty = false
	}
}

// finish syncs and closes the file; Close returns the first error.
func (j *Journal) finish(w *lineWriter) {
	j.sync(w)
	if err := j.f.Close(); err != nil && w.failed == nil {
		w.failed = j.writeError(err)
	}
	j.closeErr = w.failed
}

func (j *Journal) writeError(err error) error {
	return fmt.Errorf("cannot write the journal %s (is the disk full?): %w; the run stops so that no outcome goes unrecorded", j.path, err)
}

// completeLength is the length of f up to and including its last newline:
// anything after it is a line cut off by a crash.
func completeLength(f *os.File, size int64) (int64, error) {
	const chunk = 4096
	buf := make([]byte, chunk)
	for end := size; end > 0; {
		start := max(0, end-chunk)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// requiredJournalColumns must be in a journal's header; the others are
// optional so an older journal still reads.
var requiredJournalColumns = []string{"event", "row", "ext_customer_id", "status", "customer_id", "company_id"}

// checkJournalHeader refuses to append to a file that is not a journal.
func checkJournalHeader(f *os.File, path string) error {
	r := csv.NewReader(io.NewSectionReader(f, 0, 1<<16))
	header, err := r.Read()
	if err != nil {
		return notAJournal(path, "its first line cannot be read")
	}
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[h] = true
	}
	for _, c := range requiredJournalColumns {
		if !have[c] {
			return notAJournal(path, "it has no "+c+" column")
		}
	}
	return nil
}

func notAJournal(path, why string) error {
	return fmt.Errorf("%s is not an owr-import journal (%s): move it away or choose another --out-dir; it was left untouched", path, why)
}

// MoveAside renames a journal to NAME.journal.YYYYMMDD-HHMMSS.csv so a
// --restart starts afresh without destroying the record of earlier runs. A
// missing journal is not an error ("" is returned).
func MoveAside(path string) (string, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	base := strings.TrimSuffix(path, ".csv")
	stamp := time.Now().Format("20060102-150405")
	for i := 1; ; i++ {
		target := base + "." + stamp + ".csv"
		if i > 1 {
			target = fmt.Sprintf("%s.%s-%d.csv", base, stamp, i)
		}
		if _, err := os.Lstat(target); err == nil {
			continue
		}
		if err := os.Rename(path, target); err != nil {
			return "", fmt.Errorf("cannot move the journal %s aside for --restart: %w", path, err)
		}
		return target, nil
	}
}
