package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

// describeInput is the input as the ledger remembers it: where it is, its
// content's hash, and how it was read, so `status` can read it again the
// same way without the mapping.
func describeInput(opts RunOptions, pass *checkPass) (ledger.Input, error) {
	abs, err := filepath.Abs(opts.Path)
	if err != nil {
		return ledger.Input{}, err
	}
	sum, err := fileSHA256(opts.Path)
	if err != nil {
		return ledger.Input{}, &row.InputError{Path: opts.Path, Message: "the file could not be read again: " + err.Error()}
	}
	in := ledger.Input{Name: filepath.Base(opts.Path), Path: abs, SHA256: sum, Sheet: pass.sheet, HeaderRow: pass.headerRow,
		Encoding: opts.Mapping.Source.Encoding}
	if pass.format == row.FormatCSV {
		in.Delimiter = string(pass.delimiter)
	}
	return in, nil
}

// placeResults decides where the migration's result files go this time and
// checks they can be written, before anything is sent. A result file is
// replaced only when it still holds what owr-import wrote there, or when it
// is the file this run reads (a failed-rows file fed back: what it holds is
// in the ledger now). A file a person changed since — the failed-rows file
// fixed but not yet fed back, a results file the client returned — is never
// replaced: the new file gets the next free name, and the summary says so.
func (m *migration) placeResults(orig, in ledger.Input, sum *Summary) (resultPaths, error) {
	p := resultNames(m.dir, orig.Name)
	for _, path := range []*string{&p.Results, &p.Failed} {
		placed, err := m.place(*path, in)
		if err != nil {
			return resultPaths{}, err
		}
		if placed != *path {
			sum.Notes = append(sum.Notes, fmt.Sprintf("%s was changed after owr-import wrote it (or owr-import did not write it), so it is left as it is; this run writes %s instead",
				filepath.Base(*path), filepath.Base(placed)))
		}
		*path = placed
	}
	removeStale(p.Results)
	removeStale(p.Failed)
	return p, checkWritable(p.Results, p.Failed)
}

// place is path, or the first NAME.N.EXT that is free or still owr-import's.
func (m *migration) place(path string, in ledger.Input) (string, error) {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	for n := 1; n < 1000; n++ {
		candidate := path
		if n > 1 {
			candidate = fmt.Sprintf("%s.%d%s", stem, n, ext)
		}
		ours, err := m.mayReplace(candidate, in)
		if err != nil {
			return "", err
		}
		if ours {
			return candidate, nil
		}
	}
	return "", &row.InputError{Path: path, Message: "999 changed copies of this result file are in the folder", Hint: "Move them away, or pass another --out-dir."}
}

// mayReplace reports whether path is free or holds what owr-import wrote
// there last, or is this run's own input.
func (m *migration) mayReplace(path string, in ledger.Input) (bool, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, &row.InputError{Path: path, Message: "this output file cannot be checked: " + err.Error()}
	}
	if st.IsDir() {
		return false, nil
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return false, &row.InputError{Path: path, Message: "this output file cannot be read: " + err.Error(), Hint: "Close it if it is open in Excel."}
	}
	if wrote, ok := m.state.Output(filepath.Base(path)); ok && wrote == sum {
		return true, nil
	}
	if wrote, ok := m.carried[filepath.Base(path)]; ok && wrote == sum {
		return true, nil
	}
	return samePath(path, in.Path) && sum == in.SHA256, nil
}

// checkSummaryPath refuses a --summary-json that would land on the input,
// the ledger, its lock, a result file, or any file owr-import did not write.
func (m *migration) checkSummaryPath(path string, in ledger.Input, p resultPaths) error {
	if path == "" {
		return nil
	}
	page := strings.TrimSuffix(p.Results, filepath.Ext(p.Results))
	page = strings.TrimSuffix(page, ".results") + ".report.html"
	for _, taken := range []string{in.Path, m.ledger, ledger.LockPath(m.ledger), p.Results, p.Failed, page} {
		if samePath(path, taken) {
			return &row.InputError{Path: path, Message: "--summary-json names a file the run reads or writes (" + filepath.Base(taken) + ")",
				Hint: "Choose another name, such as summary.json."}
		}
	}
	ours, err := m.mayReplace(path, ledger.Input{})
	if err != nil {
		return err
	}
	if !ours {
		return &row.InputError{Path: path, Message: "--summary-json names a file that owr-import did not write (or that was changed since)",
			Hint: "Choose a new name, or move that file away; nothing was read or sent."}
	}
	return nil
}

// recordOutput notes a file just written, with its hash.
func recordOutput(j *ledger.Journal, path string) error {
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	return j.RecordOutput(filepath.Base(path), sum)
}

// recordCarried records again what a removed sandbox ledger had written.
func (m *migration) recordCarried(j *ledger.Journal) error {
	for name, sum := range m.carried {
		if err := j.RecordOutput(name, sum); err != nil {
			return err
		}
	}
	m.carried = nil
	return nil
}

// checkWritable fails early, before anything is sent, when an output file
// cannot be written (a folder in its place, or a file locked by Excel).
func checkWritable(paths ...string) error {
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return &row.InputError{Path: p, Message: "a folder has the name this output file needs", Hint: "Rename that folder, or pass another --out-dir."}
		}
		f, err := os.OpenFile(p+".check", os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
		if err != nil {
			return &row.InputError{Path: p, Message: "this output file cannot be written here: " + err.Error(), Hint: "Close it if it is open in Excel, or pass another --out-dir."}
		}
		f.Close()
		os.Remove(p + ".check")
		if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			f.Close()
		} else if !errors.Is(err, fs.ErrNotExist) {
			return &row.InputError{Path: p, Message: "this output file cannot be replaced: " + err.Error(), Hint: "Close it if it is open in Excel, or pass another --out-dir."}
		}
	}
	return nil
}

// removeStale deletes the temporary files a killed run left beside path
// (result files are written to ".NAME.*.tmp" and renamed when complete).
// Only this migration's result names are touched, and only while its lock
// is held, so no other run can be writing them.
func removeStale(path string) { removeStaleOlder(path, 0) }

// staleAfter is how long a temporary file of validate's must have gone
// unwritten before the next validate removes it. validate holds no lock: a
// writer's file is written without pause and so stays fresh, while one a
// killed validate left ages.
const staleAfter = 10 * time.Minute

// removeStaleOlder deletes the temporary files beside path that were last
// written more than age ago.
func removeStaleOlder(path string, age time.Duration) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + filepath.Base(path) + "."
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, ".tmp") {
			continue
		}
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < age {
			continue
		}
		os.Remove(filepath.Join(dir, n))
	}
}
