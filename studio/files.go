package studio

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// exportExts are the files owr-import reads.
var exportExts = map[string]bool{".csv": true, ".txt": true, ".tsv": true, ".xlsx": true, ".xlsm": true}

// fileInfo is one file of the migration folder as the page lists it.
type fileInfo struct {
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
	// Kind: "export", "failed" (a failed-rows file to fix and feed back),
	// "results", "validated", "report".
	Kind string `json:"kind"`
}

// kindOf sorts a file of the folder by its name, as owr-import names the
// files it writes (NAME.results.EXT, NAME.failed.EXT, NAME.failed.2.EXT).
func kindOf(name string) string {
	lower := strings.ToLower(name)
	ext := filepath.Ext(lower)
	base := strings.TrimSuffix(lower, ext)
	if ext == ".html" && strings.HasSuffix(base, ".report") {
		return "report"
	}
	if !exportExts[ext] {
		return ""
	}
	for _, k := range []string{"results", "failed", "validated"} {
		if strings.HasSuffix(base, "."+k) || strings.Contains(base, "."+k+".") {
			return k
		}
	}
	if strings.HasPrefix(lower, "owr-import.") || strings.HasPrefix(lower, "~$") {
		return "" // the ledger; Excel's lock files
	}
	return "export"
}

// listFiles lists the folder's exports and result files, newest first.
func listFiles(dir string) ([]fileInfo, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []fileInfo
	for _, e := range entries {
		kind := kindOf(e.Name())
		if kind == "" || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, fileInfo{Name: e.Name(), Size: info.Size(), Modified: info.ModTime(), Kind: kind})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Modified.After(out[j].Modified) })
	return out, nil
}

func (s *session) handleFiles(w http.ResponseWriter, r *http.Request) {
	files, err := listFiles(s.dir)
	if err != nil {
		fail(w, http.StatusInternalServerError, "The migration folder %s cannot be read: %v", s.dir, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dir": s.dir, "files": files})
}

// inFolder resolves a file name the page sends to a file directly in the
// migration folder; anything else (a path, "..") is refused.
func (s *session) inFolder(name string) (string, bool) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", false
	}
	p := filepath.Join(s.dir, name)
	st, err := os.Stat(p)
	return p, err == nil && st.Mode().IsRegular()
}

// maxUpload bounds a dropped export.
const maxUpload = 512 << 20

// handleUpload copies a file dropped on the page into the migration
// folder. A different file of the same name is never replaced: the copy
// gets a free name.
func (s *session) handleUpload(w http.ResponseWriter, r *http.Request) {
	raw, err := url.PathUnescape(r.Header.Get("X-File-Name")) // the page encodes it: a header carries ASCII only
	if err != nil {
		raw = ""
	}
	name := filepath.Base(strings.ReplaceAll(raw, `\`, "/"))
	if kindOf(name) == "" {
		fail(w, http.StatusBadRequest, msg.notExport, name)
		return
	}
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		fail(w, http.StatusInternalServerError, "The file cannot be copied into %s: %v", s.dir, err)
		return
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, http.MaxBytesReader(w, r.Body, maxUpload))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(w, http.StatusRequestEntityTooLarge, msg.fileTooBig, maxUpload>>20)
		return
	}
	if err != nil {
		fail(w, http.StatusInternalServerError, "The file cannot be copied into %s: %v", s.dir, err)
		return
	}
	saved, err := placeUpload(tmp.Name(), s.dir, name)
	if err != nil {
		fail(w, http.StatusInternalServerError, "The file cannot be copied into %s: %v", s.dir, err)
		return
	}
	out := map[string]string{"name": saved}
	if saved != name {
		out["note"] = sprintf(msg.uploadExists, name, saved)
	}
	writeJSON(w, http.StatusOK, out)
}

// placeUpload renames the uploaded temp file to name, or to "NAME (2).EXT"
// and so on when a different file holds name already. A file with the same
// bytes is kept as it is.
func placeUpload(tmp, dir, name string) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		candidate := name
		if i > 1 {
			candidate = sprintf("%s (%d)%s", stem, i, ext)
		}
		target := filepath.Join(dir, candidate)
		_, err := os.Stat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return candidate, os.Rename(tmp, target)
		}
		if same, _ := sameFile(tmp, target); same {
			return candidate, nil
		}
	}
	return "", errors.New("too many files of that name")
}

func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil || sa.Size() != sb.Size() {
		return false, err
	}
	x, err := os.ReadFile(a)
	if err != nil {
		return false, err
	}
	y, err := os.ReadFile(b)
	if err != nil {
		return false, err
	}
	return string(x) == string(y), nil
}

// handleDownload serves a result file of the folder, as an attachment: a
// workbook opens in Excel, and a report is saved to be mailed.
func (s *session) handleDownload(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	p, ok := s.inFolder(name)
	if !ok || kindOf(name) == "" {
		fail(w, http.StatusNotFound, msg.noSuch, name)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	http.ServeFile(w, r, p)
}
