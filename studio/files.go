package studio

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// inFolder resolves a file name the page sends to a file the list shows:
// directly in the migration folder (a path, ".." are refused), an export
// or a result file (not the ledger, a lock or a drop being copied), and
// not a symbolic link, as the list leaves those out: one unpacked from a
// client's archive could point anywhere on this computer.
func (s *session) inFolder(name string) (string, bool) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || kindOf(name) == "" {
		return "", false
	}
	p := filepath.Join(s.dir, name)
	st, err := os.Lstat(p)
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
	name := cleanName(raw)
	if kindOf(name) == "" {
		fail(w, http.StatusBadRequest, msg.notExport, name)
		return
	}
	if r.ContentLength > maxUpload { // said at once, not after 512 MB
		fail(w, http.StatusRequestEntityTooLarge, msg.fileTooBig, maxUpload>>20)
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

// maxNameBytes keeps a dropped file's name, with " (999)" added, within
// the 255 bytes a file system allows in a name.
const maxNameBytes = 150

// cleanName is the name a dropped file is saved under: its last element
// (a browser may send a path, with / or \), with the characters that
// Windows refuses or that would garble a listing (control and format
// characters, <>:"|?*) made _, without the trailing dots and spaces
// Windows drops, shortened to maxNameBytes, and a Windows device name (CON, NUL, COM1...) made a
// plain file's name with a leading _.
func cleanName(raw string) string {
	name := filepath.Base(strings.ReplaceAll(raw, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError || strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRight(name, ". ")
	if ext := filepath.Ext(name); len(name) > maxNameBytes && len(ext) < maxNameBytes {
		cut := maxNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	stem, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch stem = strings.TrimSpace(stem); {
	case stem == "CON" || stem == "PRN" || stem == "AUX" || stem == "NUL",
		len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) && stem[3] >= '1' && stem[3] <= '9':
		name = "_" + name
	}
	return name
}

// placeUpload renames the uploaded temp file to name, or to "NAME (2).EXT"
// and so on when a different file holds name already. A file with the same
// bytes is kept as it is. A name is claimed by creating it (O_EXCL), so of
// two drops at once, or a drop and a run writing its results, only one
// gets it; checking first and renaming after would let both replace it.
func placeUpload(tmp, dir, name string) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		candidate := name
		if i > 1 {
			candidate = sprintf("%s (%d)%s", stem, i, ext)
		}
		target := filepath.Join(dir, candidate)
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.Close()
			if err := os.Rename(tmp, target); err != nil {
				os.Remove(target)
				return "", err
			}
			return candidate, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		if same, _ := sameFile(tmp, target); same {
			return candidate, nil
		}
	}
	return "", errors.New("too many files of that name")
}

// sameFile compares two files as streams: a drop may be 512 MB. A
// symbolic link is never the same file as a drop.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Lstat(b)
	if err != nil || !sb.Mode().IsRegular() || sa.Size() != sb.Size() {
		return false, err
	}
	fa, err := os.Open(a)
	if err != nil {
		return false, err
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return false, err
	}
	defer fb.Close()
	ba, bb := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			return false, nil
		}
		if ea != nil || eb != nil {
			end := func(e error) bool { return e == io.EOF || e == io.ErrUnexpectedEOF }
			return end(ea) && end(eb), nil
		}
	}
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
	// FormatMediaType quotes the name, or encodes it (RFC 2231) when it
	// is not plain ASCII, so the browser saves it under its own name.
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Disposition", disposition)
	http.ServeFile(w, r, p)
}
