package studio

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

//go:embed assets
var assets embed.FS

// Options start a studio.
type Options struct {
	// Dir is the migration folder: the exports offered, the mapping file,
	// the ledger and the result files. "" = the current folder.
	Dir string
	// File is an export to open at once (a name in Dir or a path).
	File string
	// Version is shown on the page and sent as the API client's User-Agent.
	Version string
}

// Server is one running studio.
type Server struct {
	dir     string
	token   string
	version string
	ln      net.Listener
	http    *http.Server
	port    string
	sess    *session
	quit    chan struct{}
	quitOne sync.Once
}

// Start listens on a free port of 127.0.0.1 and serves the studio until
// Close.
func Start(opts Options) (*Server, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("the migration folder %s cannot be created: %w", abs, err)
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("no free port on 127.0.0.1: %w", err)
	}
	s := &Server{dir: abs, token: token, version: opts.Version, ln: ln, quit: make(chan struct{}),
		port: strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)}
	s.sess = newSession(abs, opts.Version)
	if opts.File != "" {
		s.sess.startFile = opts.File
	}
	s.http = &http.Server{Handler: s.guard(s.routes()), ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// newToken is 32 random bytes in hex: the secret every request must carry.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// URL is the address to open: it carries the token once; the page then
// holds it in a cookie.
func (s *Server) URL() string {
	return "http://127.0.0.1:" + s.port + "/?t=" + s.token
}

// Origin is the page's own origin, http://127.0.0.1:PORT.
func (s *Server) Origin() string { return "http://127.0.0.1:" + s.port }

// Dir is the migration folder.
func (s *Server) Dir() string { return s.dir }

// Quit is closed when the page asks the studio to stop.
func (s *Server) Quit() <-chan struct{} { return s.quit }

// Close stops a send in progress as Ctrl-C stops `run` (requests in flight
// finish, the files are written), then stops serving.
func (s *Server) Close() error {
	s.sess.shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.http.Close()
	}
	return err
}

// routes maps every address of the studio to its handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("POST /api/quit", s.handleQuit)
	s.sess.routes(mux)
	return mux
}

func (s *Server) handleQuit(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"message": msg.quit})
	s.quitOne.Do(func() { close(s.quit) })
}
