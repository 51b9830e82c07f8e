package studio

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"owr-import/importer"
	"owr-import/importer/row"
	"owr-import/sandbox"
)

// session is what the page works on: the open export held in memory, the
// mapping being edited, the rows checked under it, a send in progress and
// the keys typed for each API. One consultant, one page: one session per
// studio.
type session struct {
	dir, version string
	startFile    string

	mu          sync.Mutex
	table       *importer.Table
	file        string // the open export, a name in dir
	sheets      []string
	model       *mapModel
	mappingPath string
	original    []byte    // the mapping file as loaded, for a save that keeps its comments
	origModel   *mapModel // what original says, to know which fields changed
	dirty       bool      // the model differs from the file
	check       *checkResult
	mapErr      string // why the model does not parse or bind; "" when it does

	run     *sendRun
	keys    map[string]apiKeys // by API tag; in memory only, never sent back
	builtin *sandbox.Server    // the built-in sandbox, started at the first send to it
	// builtinUsed: a send already went to the built-in sandbox in this
	// process, so its ledger and its customers belong together.
	builtinUsed bool
	// closed: the studio is stopping; no send may start, as the program
	// would end in its middle.
	closed bool

	outcomeHook func(row.Outcome) // tests only: see sendRun.hook
}

// apiKeys are two keys typed into the page. They are never written, logged
// or sent back to the page.
type apiKeys struct{ api, customer string }

func newSession(dir, version string) *session {
	return &session{dir: dir, version: version, keys: map[string]apiKeys{}}
}

func (s *session) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/state", s.handleState)
	mux.HandleFunc("GET /api/files", s.handleFiles)
	mux.HandleFunc("POST /api/upload", s.handleUpload)
	mux.HandleFunc("GET /api/sheets", s.handleSheets)
	mux.HandleFunc("POST /api/open", s.handleOpen)
	mux.HandleFunc("PUT /api/mapping", s.handleMapping)
	mux.HandleFunc("POST /api/mapping/save", s.handleSave)
	mux.HandleFunc("GET /api/rows", s.handleRows)
	mux.HandleFunc("POST /api/send", s.handleSend)
	mux.HandleFunc("POST /api/stop", s.handleStop)
	mux.HandleFunc("GET /api/progress", s.handleProgress)
	mux.HandleFunc("POST /api/status", s.handleStatus) // it rewrites the result files: not a GET
	mux.HandleFunc("GET /files/{name}", s.handleDownload)
}

// handleState tells a freshly loaded page where the session is.
func (s *session) handleState(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{"dir": s.dir, "version": s.version, "startFile": s.startFile, "file": s.file}
	if s.run != nil {
		out["sending"] = s.run.isRunning()
	}
	writeJSON(w, http.StatusOK, out)
}

// shutdown stops a send in progress and waits for its files, then the
// built-in sandbox.
func (s *session) shutdown() {
	s.mu.Lock()
	run := s.run
	s.closed = true
	s.mu.Unlock()
	if run != nil {
		run.stop()
		<-run.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.builtin != nil {
		s.builtin.Close()
		s.builtin = nil
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// fail answers with a message for the consultant.
func fail(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// maxJSON bounds a request body of the page (a mapping, a send's options).
const maxJSON = 1 << 20

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fail(w, http.StatusBadRequest, msg.badJSON, err)
		return false
	}
	return true
}
