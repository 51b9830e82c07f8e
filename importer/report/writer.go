package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"runtime"
)

// ResultWriter writes one results or failed-rows file. The header is written
// when the file is created; Write adds one row; Close finishes the file and
// only then gives it its final name, so a crash or a full disk never leaves
// a truncated file that looks complete. After a failed Write, call Abort.
type ResultWriter interface {
	// Write adds one row, aligned with WriterOptions.Header. values is not
	// kept: the caller may reuse it for the next row.
	Write(values []string) error
	// Close flushes, syncs to disk and renames the temporary file to the
	// final name. It returns the first error of any Write or of its own.
	Close() error
	// Abort removes the temporary file. It is a no-op after Close.
	Abort()
	// SetSummary gives the counts an XLSX file shows on a second sheet
	// (WriterOptions.SummarySheet): a header, one line per row in the
	// order given, then their total. Call it before Close, once the
	// counts are known; a later call replaces an earlier one; no call, or
	// no rows, means no second sheet. rows is copied. A CSV file ignores
	// it: it is one table, and it is fed back as input.
	SetSummary(rows []SummaryRow)
}

// SummaryRow is one line of a workbook's counts sheet: what is counted
// (normally a status, as the owr_status column spells it) and how many
// rows.
type SummaryRow struct {
	Label string
	Count int
}

// StatusSummary lists counts for SetSummary: the statuses of order that
// have rows, in that order. Statuses not in order are left out.
func StatusSummary(counts map[row.Status]int, order []row.Status) []SummaryRow {
	var out []SummaryRow
	for _, st := range order {
		if n := counts[st]; n > 0 {
			out = append(out, SummaryRow{Label: string(st), Count: n})
		}
	}
	return out
}

// RowEncoder is a ResultWriter whose rows can be encoded on any goroutine,
// ahead of time, and written later as bytes. Validate's mapping workers
// encode every row as if it were not a duplicate; the one goroutine that
// must see every row in order then writes the bytes batch by batch, and
// encodes again only the rare row the duplicate check changes.
type RowEncoder interface {
	// AppendCells appends values[i] for each i in cols, each followed by
	// the delimiter.
	AppendCells(dst []byte, values []string, cols []int) []byte
	// AppendRowNumber appends a row number cell and the delimiter.
	AppendRowNumber(dst []byte, row int) []byte
	// AppendLast appends the last cells of the row and ends it.
	AppendLast(dst []byte, last []string) []byte
	// WriteEncoded adds rows encoded by the methods above, which are
	// safe for concurrent use, also while another goroutine writes.
	WriteEncoded(rows []byte) error
}

// WriterOptions describe the file CreateResultFile writes.
type WriterOptions struct {
	// Format is the output format, normally the input's.
	Format row.Format
	// Delimiter is the CSV separator, normally the input's; 0 means ','.
	Delimiter rune
	// Header is the first row: the input's columns, then the owr_* ones.
	Header []string
	// OwrFrom is the index of the first owr_* column in Header, so XLSX can
	// set those headers apart (headers named owr_* are set apart anyway).
	OwrFrom int
	// StatusCol is the index of owr_status in Header, or -1.
	StatusCol int
	// OKStatuses are the statuses whose cell is not filled red in XLSX;
	// empty means created, skipped and valid.
	OKStatuses []string
	// SheetName is the XLSX sheet name; "" means "Results".
	SheetName string
	// SummarySheet is the name of the XLSX sheet of counts that
	// ResultWriter.SetSummary adds; "" means "Counts" (or "Row counts"
	// when the rows' sheet is called that).
	SummarySheet string
	// Report marks a file that can be made again in seconds from the input
	// alone (validate's results): it is still written to a temporary file
	// and renamed, so it is never seen half-written, but it is not forced
	// to disk. Forcing 150 MB to disk adds a tenth of a second or more to
	// a million-row validate and protects nothing: after a power cut the
	// consultant validates again. Outcomes of `run` are always forced.
	Report bool
}

// CreateResultFile starts writing path in the given format. It writes to a
// temporary file next to path (same folder, so the final rename cannot
// cross disks) and writes the header at once. The caller checks that path
// is not the input file.
func CreateResultFile(path string, opts WriterOptions) (ResultWriter, error) {
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	af.noSync = opts.Report
	var w ResultWriter
	switch opts.Format {
	case row.FormatCSV:
		w, err = newCSVResultWriter(af, opts)
	case row.FormatXLSX:
		w, err = newXLSXResultWriter(af, opts)
	default:
		err = fmt.Errorf("cannot write %s: unknown output format %q", path, opts.Format)
	}
	if err != nil {
		af.abort()
		return nil, err
	}
	return w, nil
}

// atomicFile is a temporary file that becomes path on commit.
type atomicFile struct {
	f    *os.File
	path string
	done bool // committed or aborted
	// noSync leaves the data to the operating system's own write-back
	// instead of forcing it to disk (see WriterOptions.Report).
	noSync bool

	unsynced int64         // bytes written since the last background sync began
	syncing  chan struct{} // closed when the running background sync ends; nil if none
}

// syncEvery is how much a file grows between two background syncs. A
// million-row results file is 150 MB: syncing all of it at commit would add
// a pause at the end of the run, while syncing as it grows lets the disk
// work during the run. A write-behind sync only saves time; commit still
// syncs and reports errors.
const syncEvery = 16 << 20

// wrote notes n more bytes written to the file and starts a background
// sync every syncEvery bytes, one at a time. Only the writing goroutine
// calls it.
func (a *atomicFile) wrote(n int) {
	a.unsynced += int64(n)
	if a.noSync || a.unsynced < syncEvery {
		return
	}
	if a.syncing != nil {
		select {
		case <-a.syncing:
		default:
			return // the disk is still busy with the previous one
		}
	}
	a.unsynced = 0
	done := make(chan struct{})
	a.syncing = done
	go func(f *os.File) {
		defer close(done)
		_ = f.Sync() // commit syncs again and reports the error
	}(a.f)
}

// waitSync waits for the background sync, if one runs.
func (a *atomicFile) waitSync() {
	if a.syncing != nil {
		<-a.syncing
		a.syncing = nil
	}
}

// createAtomic creates the hidden temporary file for path.
func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, writeError(path, err)
	}
	return &atomicFile{f: f, path: path}, nil
}

// commit syncs the temporary file, closes it and renames it to its final
// name, replacing an older file of that name.
func (a *atomicFile) commit() error {
	if a.done {
		return nil
	}
	a.done = true
	a.waitSync()
	tmp := a.f.Name()
	var err error
	if !a.noSync {
		err = a.f.Sync()
	}
	if err == nil {
		// CreateTemp makes the file private; a results file is an ordinary
		// document the consultant shares.
		err = a.f.Chmod(0o644)
		if runtime.GOOS == "windows" {
			err = nil
		}
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if a.noSync {
			err = replaceUnsynced(tmp, a.path)
		} else {
			err = os.Rename(tmp, a.path)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return writeError(a.path, err)
	}
	if !a.noSync {
		syncDir(filepath.Dir(a.path))
	}
	return nil
}

// replaceUnsynced renames tmp, a file not forced to disk, to path. An
// older file at path is first moved aside and then removed, rather than
// replaced by the rename: a rename over an existing file makes some file
// systems (ext4, by default) write the new file's data out at once, which
// for 150 MB of results is a pause that forcing nothing was meant to
// avoid. If the older file cannot be moved aside (on Windows, while a
// spreadsheet program holds it), the plain rename says why.
func replaceUnsynced(tmp, path string) error {
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
		// Nothing there, or something that is not a file (a folder, a
		// link): the plain rename does it or says why not.
		return os.Rename(tmp, path)
	}
	aside := tmp + ".old"
	if err := os.Rename(path, aside); err != nil {
		return os.Rename(tmp, path)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Rename(aside, path) // put the older file back
		return err
	}
	os.Remove(aside)
	return nil
}

// abort closes and removes the temporary file.
func (a *atomicFile) abort() {
	if a.done {
		return
	}
	a.done = true
	a.waitSync()
	a.f.Close()
	os.Remove(a.f.Name())
}

// syncDir makes a rename durable where the OS allows it; failing to do so
// is not worth failing the run for.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// writeError words a failure to write an output file.
func writeError(path string, err error) error {
	var hint string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hint = "the folder does not exist; create it or choose another with --out-dir"
	case errors.Is(err, fs.ErrPermission):
		hint = "no permission to write there (or the file is open in a spreadsheet program); close it or choose another folder with --out-dir"
	default:
		hint = "check the free disk space and that the file is not open in another program"
	}
	return fmt.Errorf("cannot write %s: %w; %s", path, err, hint)
}
