package sandbox

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// Handler is the sandbox's HTTP behaviour: the Customers API plus the
// sandbox-only extras. It is an http.Handler so tests can mount it on an
// httptest server; Start wraps it in a real server.
//
// Routes:
//
//	POST /api/customers, /api/customers/  create a customer (the real API)
//	GET  /api/customers, /api/customers/  every stored customer, JSON (sandbox only)
//	GET  /api/requests                    the request log, JSON (sandbox only)
//	GET  /sandbox/capacity                the capacity and queue depth, JSON (sandbox only)
//	PUT  /sandbox/capacity                set the capacity: a number of requests per second
//	GET  /healthz                         200 "ok" once the store is open
//
// The sandbox-only routes (all but the create and /healthz) need the same two
// key headers as a create.
type Handler struct {
	apiKey      sessionKey
	customerKey sessionKey
	apiKeySum   [32]byte
	custKeySum  [32]byte

	store  *store
	faults *injector
	queue  *queue
	log    *requestLog

	closing    chan struct{} // closed by release: hung and waiting requests answer at once
	afterStore func()        // test hook: runs once the insert has been decided
	waiting    func()        // test hook: runs when a create starts waiting for its turn
	closeOnce  sync.Once
	bufs       sync.Pool // *[]byte bodies, reused across requests
}

// NewHandler opens the store named by cfg.DB, settles the keys with it and
// returns a ready handler. Call Close when done to release the database.
func NewHandler(cfg Config) (*Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.DB)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	apiKey, err := st.key(ctx, apiKeyHeader, cfg.APIKey, cfg.SaveAPIKey)
	if err != nil {
		st.close()
		return nil, fmt.Errorf("database %s: %w (is it a sandbox database, and is the folder writable?)", cfg.DB, err)
	}
	custKey, err := st.key(ctx, customerKeyHeader, cfg.CustomerKey, cfg.SaveCustomerKey)
	if err != nil {
		st.close()
		return nil, fmt.Errorf("database %s: %w (is it a sandbox database, and is the folder writable?)", cfg.DB, err)
	}
	h := &Handler{
		apiKey:      apiKey,
		customerKey: custKey,
		apiKeySum:   sha256.Sum256([]byte(apiKey.value)),
		custKeySum:  sha256.Sum256([]byte(custKey.value)),
		store:       st,
		faults:      newInjector(cfg.Faults, cfg.Seed),
		queue:       newQueue(cfg.Capacity, cfg.Queue),
		log:         newRequestLog(cfg.Log),
		closing:     make(chan struct{}),
	}
	h.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	return h, nil
}

// release ends every wait at once (latency, a turn in the capacity queue, a
// hang); the requests then answer normally.
func (h *Handler) release() { h.closeOnce.Do(func() { close(h.closing) }) }

// Close releases waiting and hung requests and closes the store. Requests still running
// afterwards get 500s; Server.Close orders this correctly.
func (h *Handler) Close() error {
	h.release()
	return h.store.close()
}

// ServeHTTP routes a request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/customers", "/api/customers/":
		switch r.Method {
		case http.MethodPost:
			h.create(w, r)
		case http.MethodGet, http.MethodHead:
			h.listCustomers(w, r)
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}
	case "/api/requests":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		h.listRequests(w, r)
	case "/sandbox/capacity":
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPut {
			methodNotAllowed(w, "GET, HEAD, PUT")
			return
		}
		h.serveCapacity(w, r)
	case "/healthz":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, "GET, HEAD")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	default:
		writeError(w, &apiError{Status: http.StatusNotFound, Code: codeNotFound,
			Message: "no such endpoint: the Customers API is POST /api/customers"})
	}
}

// methodNotAllowed answers 405 with the methods the path has, so a client
// (or a person with curl) sees what to send instead.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
		Message: "method not allowed here; allowed: " + allow})
}

// authenticate checks both key headers in constant time (comparing SHA-256
// digests hides the key length too). The answer says which header is missing
// or wrong, never what it contained.
func (h *Handler) authenticate(r *http.Request) *apiError {
	api := r.Header.Get("apikey")
	cust := r.Header.Get("CustomerKey")
	apiSum := sha256.Sum256([]byte(api))
	custSum := sha256.Sum256([]byte(cust))
	apiOK := subtle.ConstantTimeCompare(apiSum[:], h.apiKeySum[:]) == 1
	custOK := subtle.ConstantTimeCompare(custSum[:], h.custKeySum[:]) == 1
	unauthorized := func(code, msg string) *apiError {
		return &apiError{Status: http.StatusUnauthorized, Code: code, Message: msg}
	}
	switch {
	case api == "":
		return unauthorized(codeAPIKeyMissing, "the apikey header is missing: send the API key issued by the Onlinewerkrooster team")
	case !apiOK:
		return unauthorized(codeAPIKeyInvalid, "the apikey header does not hold a valid API key")
	case cust == "":
		return unauthorized(codeCustomerKeyMissing, "the CustomerKey header is missing: send your company's customer key")
	case !custOK:
		return unauthorized(codeCustomerKeyInvalid, "the CustomerKey header does not hold a valid customer key")
	}
	return nil
}

// listCustomers serves GET /api/customers: every stored customer as a JSON
// array, so tests and the demo can see what a run really created.
func (h *Handler) listCustomers(w http.ResponseWriter, r *http.Request) {
	if e := h.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	cs, err := h.store.list(r.Context())
	if err != nil {
		writeError(w, &apiError{Status: http.StatusInternalServerError, Code: codeInternal,
			Message: "the sandbox could not read its customers: " + err.Error()})
		return
	}
	if cs == nil {
		cs = []StoredCustomer{}
	}
	writeValue(w, cs)
}

// listRequests serves GET /api/requests: the request log, for checks such as
// "no one-second window saw more than rate+burst requests".
func (h *Handler) listRequests(w http.ResponseWriter, r *http.Request) {
	if e := h.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	writeValue(w, h.log.snapshot())
}

// writeValue answers 200 with v as JSON, for the sandbox-only listings.
func writeValue(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}
