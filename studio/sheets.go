package studio

import (
	"net/http"

	"owr-import/importer/source"
)

func (s *session) handleSheets(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	p, ok := s.inFolder(name)
	if !ok {
		fail(w, http.StatusNotFound, msg.noFile, name, s.dir)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sheets": source.VisibleSheets(p)})
}
