package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// ResultWriter writes one results or failed-rows file. The header is written
// when the file is created; Write adds one row; Close finishes the file and
// only then gives it its final name, so a crash or a full disk never leaves
// a truncated file that looks complete. After a failed Write, call Abort.
type ResultWriter interface {
	// Write adds one row, aligned with WriterOptions.Header.
	Write(values []string) error
	// Close flushes, syncs to disk and renames the temporary file to the
	// final name. It returns the first error of any Write or of its own.
	Close() error
	// Abort removes the temporary file. It is a no-op after Close.
	Abort()
}

// WriterOptions describe the file CreateResultFile writes.
type WriterOptions struct {
	// Format is the output format, normally the input's.
	Format Format
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
	var w ResultWriter
	switch opts.Format {
	case FormatCSV:
		w, err = newCSVResultWriter(af, opts)
	case FormatXLSX:
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
	tmp := a.f.Name()
	err := a.f.Sync()
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
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
		return writeError(a.path, err)
	}
	syncDir(filepath.Dir(a.path))
	return nil
}

// abort closes and removes the temporary file.
func (a *atomicFile) abort() {
	if a.done {
		return
	}
	a.done = true
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
