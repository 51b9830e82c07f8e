package studio

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"owr-import/importer"
	"owr-import/importer/ledger"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
)

// feedInput is one file that fed the migration, as the ledger has it.
type feedInput struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// handleStatus is `owr-import status` for the page: the migration of the
// folder to one API, from its ledger (which also refreshes the two result
// files), with the files that fed it and links to the result files. It
// answers POST only: it writes files, and a GET must change nothing (an
// image or a link on another page can make a browser send one).
func (s *session) handleStatus(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tag, err := tagOf(q.Get("target"), q.Get("url"))
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	s.mu.Lock()
	run, redact := s.run, s.redactor(tag)
	s.mu.Unlock()
	if run != nil && run.isRunning() {
		fail(w, http.StatusConflict, "%s", msg.running)
		return
	}
	sum, err := importer.Status(r.Context(), importer.StatusOptions{Dir: s.dir, APITag: tag})
	var inErr *row.InputError
	if errors.As(err, &inErr) {
		writeJSON(w, http.StatusOK, map[string]any{"api": tag, "none": inErr.Error()})
		return
	}
	if err != nil {
		fail(w, http.StatusConflict, msg.statusLocked, err)
		return
	}
	var inputs []feedInput
	if st, err := ledger.Read(ledger.Path(s.dir, tag)); err == nil {
		for _, in := range st.Inputs() {
			inputs = append(inputs, feedInput{Name: in.Name, At: in.At})
		}
	}
	sum.Notes = withoutInputs(sum.Notes, inputs)
	redactSummary(sum, redact)
	files := []string{}
	for _, f := range sum.Files {
		if kindOf(filepath.Base(f)) != "" {
			files = append(files, filepath.Base(f))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"api": tag, "summary": sum, "inputs": inputs, "files": files})
}

// tagOf names the API of a target as the ledger does.
func tagOf(target, url string) (string, error) {
	switch target {
	case "sandbox":
		return importer.APITag("", "", true)
	case "dev", "prod":
		base, err := owrapi.EnvBaseURL(target)
		if err != nil {
			return "", err
		}
		return importer.APITag("", base, false)
	case "url":
		tag, err := importer.APITag("", url, false)
		if err != nil {
			return "", errors.New(sprintf(msg.badURL, url, err))
		}
		return tag, nil
	}
	return "", errors.New(msg.badTarget)
}

// withoutInputs drops the notes that only say when a file fed the
// migration: the page lists those files on their own.
func withoutInputs(notes []string, inputs []feedInput) []string {
	var out []string
	for _, n := range notes {
		fed := false
		for _, in := range inputs {
			fed = fed || strings.HasPrefix(n, in.Name+" (")
		}
		if !fed {
			out = append(out, n)
		}
	}
	return out
}
