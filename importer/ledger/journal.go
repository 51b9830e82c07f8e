package ledger

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/row"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocarina/gocsv"
)

// Journal appends to the ledger, the migration's append-only, crash-safe
// record. One goroutine owns the file; callers hand it lines and wait for the line
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
	line    line
	outcome row.Outcome
	notify  func(row.Outcome) // called by the journal goroutine once the line is written
	ack     chan error
}

var errJournalClosed = errors.New("the ledger is already closed")

// Open opens the ledger at path for appending, creating it with a header
// when it is new. An existing file keeps its header; a line cut off by a
// crash at its end is removed first, so the next line starts cleanly. A file
// that is not a ledger is refused rather than appended to.
func Open(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the ledger %s: %w", path, err)
	}
	fail := func(err error) (*Journal, error) {
		f.Close()
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("cannot read the ledger %s: %w", path, err))
	}
	complete, err := completeLength(f, st.Size())
	if err != nil {
		return fail(fmt.Errorf("cannot read the ledger %s: %w", path, err))
	}
	if complete > 0 {
		if err := checkHeader(f, path); err != nil {
			return fail(err)
		}
	}
	if complete < st.Size() {
		if err := f.Truncate(complete); err != nil {
			return fail(fmt.Errorf("cannot repair the cut-off last line of the ledger %s: %w", path, err))
		}
	}
	if _, err := f.Seek(complete, io.SeekStart); err != nil {
		return fail(fmt.Errorf("cannot append to the ledger %s: %w", path, err))
	}
	if complete == 0 {
		var buf bytes.Buffer
		if err := gocsv.MarshalCSV([]line{}, gocsv.NewSafeCSVWriter(csv.NewWriter(&buf))); err != nil {
			return fail(fmt.Errorf("cannot write the ledger header: %w", err))
		}
		if _, err := f.Write(buf.Bytes()); err != nil {
			return fail(fmt.Errorf("cannot write the ledger %s: %w", path, err))
		}
	}
	j := &Journal{path: path, f: f, now: time.Now, reqs: make(chan journalReq, batchLines), done: make(chan struct{})}
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

// RecordInput notes a file fed into the migration, before any of its rows.
func (j *Journal) RecordInput(in Input) error {
	detail, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return j.send(line{Event: eventInput, File: text(in.Name), At: stamp(j.now()), Detail: string(detail)},
		row.Outcome{}, nil, nil)
}

// RecordOutput notes a result file owr-import has just written, with the
// SHA-256 of its content: a later run replaces it only while it still has
// that content.
func (j *Journal) RecordOutput(name, sha256 string) error {
	return j.send(line{Event: eventOutput, File: text(name), At: stamp(j.now()), Detail: sha256}, row.Outcome{}, nil, nil)
}

// RecordMapping notes the mapping file a run reads its input with, with
// the SHA-256 of its content.
func (j *Journal) RecordMapping(path, sha256 string) error {
	return j.send(line{Event: eventMapping, File: text(path), At: stamp(j.now()), Detail: sha256}, row.Outcome{}, nil, nil)
}

func (j *Journal) send(line line, o row.Outcome, notify func(row.Outcome), ack chan error) error {
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
	w := &lineWriter{batch: make([]journalReq, 0, batchLines), lines: make([]line, 0, batchLines)}
	w.csv = gocsv.NewSafeCSVWriter(csv.NewWriter(&w.buf))
	tick := time.NewTicker(syncEvery)
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
	lines  []line
	failed error // sticky: after one failed write nothing more is written
	dirty  bool  // written since the last fsync
}

// collect starts a batch with first and adds what else is waiting, up to
// batchLines lines. It reports false once reqs is closed.
func (w *lineWriter) collect(first journalReq, reqs <-chan journalReq) bool {
	w.batch = append(w.batch[:0], first)
	for len(w.batch) < batchLines {
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
	return fmt.Errorf("cannot write the ledger %s (is the disk full?): %w; the run stops so that no outcome goes unrecorded", j.path, err)
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

// columns is the ledger's header, in order. A file with another header is
// not a ledger of this version.
var columns = headerOf()

func headerOf() []string {
	var buf bytes.Buffer
	_ = gocsv.MarshalCSV([]line{}, gocsv.NewSafeCSVWriter(csv.NewWriter(&buf)))
	h, _ := csv.NewReader(&buf).Read()
	return h
}

// checkHeader refuses to append to a file that is not a ledger.
func checkHeader(f *os.File, path string) error {
	r := csv.NewReader(io.NewSectionReader(f, 0, 1<<16))
	header, err := r.Read()
	if err != nil {
		return notALedger(path, "its first line cannot be read")
	}
	if !slices.Equal(header, columns) {
		return notALedger(path, "its columns are not "+strings.Join(columns, ","))
	}
	return nil
}

func notALedger(path, why string) error {
	return fmt.Errorf("%s is not an owr-import ledger (%s): it was left untouched. Move it out of this folder, or choose another --out-dir", path, why)
}

// MoveAside renames a ledger to NAME.YYYYMMDD-HHMMSS.csv so a --restart
// starts the migration afresh without destroying the record of earlier
// runs. A missing ledger is not an error ("" is returned).
func MoveAside(path string) (string, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	base := strings.TrimSuffix(path, ".csv")
	when := time.Now().Format("20060102-150405")
	for i := 1; ; i++ {
		target := base + "." + when + ".csv"
		if i > 1 {
			target = fmt.Sprintf("%s.%s-%d.csv", base, when, i)
		}
		if _, err := os.Lstat(target); err == nil {
			continue
		}
		if err := os.Rename(path, target); err != nil {
			return "", fmt.Errorf("cannot move the ledger %s aside for --restart: %w", path, err)
		}
		return target, nil
	}
}
