package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server timeouts. There is no WriteTimeout on purpose: a hung request must
// be able to outlast any client timeout.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second // Heroku's router gives up after 30 s too
	idleTimeout       = 60 * time.Second
	shutdownTimeout   = 10 * time.Second
)

// Server is a running sandbox: the Handler behind a real HTTP server. Tests
// and `run --sandbox` start one on 127.0.0.1:0 and read URL and the keys.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234, without a slash.
	URL string
	// APIKey and CustomerKey are the keys requests must carry, given or
	// generated.
	APIKey, CustomerKey string
	// GeneratedAPIKey and GeneratedCustomerKey are true for a key a sandbox
	// generated, now or at an earlier start on the same database: a
	// sandbox-only test key, safe to print. A given key is never printed.
	GeneratedAPIKey, GeneratedCustomerKey bool

	h         *Handler
	srv       *http.Server
	served    chan error
	closeOnce sync.Once
	closeErr  error
}

// Start opens the store, listens on addr (for example "127.0.0.1:0") and
// serves in the background until Close. It does not check that addr is
// loopback; the command does that with CheckListenAddr.
func Start(cfg Config, addr string) (*Server, error) {
	h, err := NewHandler(cfg)
	if err != nil {
		return nil, err
	}
	return serve(h, addr)
}

// serve puts h behind a server listening on addr; on failure it closes h.
func serve(h *Handler, addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("cannot listen on %s: %w (is another sandbox running? choose another --addr)", addr, err)
	}
	s := &Server{
		URL: "http://" + ln.Addr().String(),
		h:   h,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    64 << 10,
		},
		served: make(chan error, 1),
	}
	s.APIKey, s.GeneratedAPIKey = h.apiKey.value, h.apiKey.generated
	s.CustomerKey, s.GeneratedCustomerKey = h.customerKey.value, h.customerKey.generated
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// Customers returns every stored customer, ordered by customerId.
func (s *Server) Customers(ctx context.Context) ([]StoredCustomer, error) {
	return s.h.store.list(ctx)
}

// Requests returns every POST handled so far, ordered by arrival time.
func (s *Server) Requests() []RequestRecord { return s.h.log.snapshot() }

// Close stops accepting connections, releases waiting and hung requests, waits for the
// requests in flight (up to a bound) and closes the store. Calling it again
// returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.h.release()
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if err != nil {
			err = errors.Join(err, s.srv.Close())
		}
		if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		s.closeErr = errors.Join(err, s.h.Close())
	})
	return s.closeErr
}
