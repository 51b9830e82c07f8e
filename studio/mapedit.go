package studio

import (
	"net/http"
	"path/filepath"

	"owr-import/importer/report"
	"owr-import/mapping"
)

// handleMapping takes the model the page edited, re-checks every row under
// it and answers the mapping's mistakes (per field) or the new check.
func (s *session) handleMapping(w http.ResponseWriter, r *http.Request) {
	var m mapModel
	if !readJSON(w, r, &m) {
		return
	}
	if len(m.Fields) != len(apiFields) {
		fail(w, http.StatusBadRequest, msg.badJSON, "the fields are not the API's")
		return
	}
	for i := range m.Fields {
		if m.Fields[i].Field != apiFields[i].Name {
			fail(w, http.StatusBadRequest, msg.badJSON, "the fields are not the API's")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.table == nil {
		fail(w, http.StatusConflict, "%s", msg.noTable)
		return
	}
	s.model, s.dirty = &m, true
	errs := s.recheck(r.Context())
	if errs == nil {
		errs = []fieldError{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"errors": errs, "check": s.checkSummary(), "yaml": string(s.fileText())})
}

// fileText is what saving would write: the existing file with its
// comments and only the changed fields replaced, or a new file.
func (s *session) fileText() []byte {
	if s.original != nil {
		if out, err := keepComments(s.original, s.origModel, s.model); err == nil {
			return out
		}
	}
	return s.model.yamlOf("Mapping written by owr-import studio. Check it with: owr-import validate EXPORT --mapping " + mappingFile)
}

// handleSave writes the mapping file, in the format the command line
// reads; it refuses a mapping that mapping.Parse refuses.
func (s *session) handleSave(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.model == nil {
		fail(w, http.StatusConflict, "%s", msg.noTable)
		return
	}
	path, err := s.save()
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": sprintf(msg.mappingSaved, path), "path": path})
}

// save writes the model to the folder's mapping file. Call with s.mu held.
func (s *session) save() (string, error) {
	if s.mappingPath == "" {
		s.mappingPath = filepath.Join(s.dir, mappingFile)
	}
	data := s.fileText()
	if _, err := mapping.Parse(s.mappingPath, data); err != nil {
		return "", err
	}
	if err := report.WriteFileAtomic(s.mappingPath, data); err != nil {
		return "", err
	}
	s.original, s.origModel, s.dirty = data, cloneModel(s.model), false
	return s.mappingPath, nil
}
