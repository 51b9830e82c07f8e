package sandbox

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MaxBodyBytes is the largest create request accepted; a larger body gets 413.
// A customer is a few hundred bytes, so 64 KiB leaves room for any honest one.
const MaxBodyBytes = 64 << 10

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
// The GET routes under /api and /sandbox/capacity need the same two key
// headers as a create.
type Handler struct {
	companyID   int64
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
		companyID:   cfg.CompanyID,
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

// Customers returns every stored customer, ordered by customerId.
func (h *Handler) Customers(ctx context.Context) ([]StoredCustomer, error) {
	return h.store.list(ctx)
}

// Requests returns every POST handled so far, ordered by arrival time.
func (h *Handler) Requests() []RequestRecord { return h.log.snapshot() }

// release ends every hang at once; the requests then answer normally.
func (h *Handler) release() { h.closeOnce.Do(func() { close(h.closing) }) }

// Close releases hung requests and closes the store. Requests still running
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
		writeError(w, &apiError{Status: http.StatusNotFound, Code: CodeNotFound,
			Message: "no such endpoint: the Customers API is POST /api/customers"})
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
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
		return unauthorized(CodeAPIKeyMissing, "the apikey header is missing: send the API key issued by the Onlinewerkrooster team")
	case !apiOK:
		return unauthorized(CodeAPIKeyInvalid, "the apikey header does not hold a valid API key")
	case cust == "":
		return unauthorized(CodeCustomerKeyMissing, "the CustomerKey header is missing: send your company's customer key")
	case !custOK:
		return unauthorized(CodeCustomerKeyInvalid, "the CustomerKey header does not hold a valid customer key")
	}
	return nil
}

// checkContentType accepts application/json with any parameters (charset).
// Anything else gets 415 Unsupported Media Type rather than 400: it is the
// precise status for it and the one Java/Spring services such as the real API
// give, and clients treat both as "do not retry".
func checkContentType(r *http.Request) *apiError {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return nil
	}
	msg := "the content-type header must be application/json"
	if ct == "" {
		msg += " (it is missing)"
	}
	return &apiError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Message: msg}
}

// readBody reads at most MaxBodyBytes into a pooled buffer.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, buf []byte) ([]byte, *apiError) {
	tooLarge := &apiError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge,
		Message: fmt.Sprintf("the request body is larger than %d bytes: send one customer per request", MaxBodyBytes)}
	if r.ContentLength > MaxBodyBytes {
		return nil, tooLarge
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, tooLarge
			}
			return nil, invalidJSON("the request body could not be read completely: " + err.Error())
		}
	}
}

// wait sleeps for d unless the client goes away first (false) or the server
// is closing (true: answer now).
func (h *Handler) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-h.closing:
		return true
	case <-ctx.Done():
		return false
	}
}

// create handles POST /api/customers: faults drawn at arrival, then auth,
// content type, body, validation, the insert, and the answer (or its loss).
func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	// The record is logged just before the answer (or its loss) leaves, so a
	// client that has its answer always finds its request in Requests.
	rec := RequestRecord{Time: time.Now()}
	logged := false
	finish := func() {
		if !logged {
			logged = true
			h.log.add(rec, r.Method, "/api/customers", time.Since(rec.Time))
		}
	}
	defer finish() // paths that answer nothing: the client went away

	dec := h.faults.decide()
	rec.Fault = dec.fault.String()
	if !h.wait(r.Context(), dec.delay) {
		return // the client gave up during the latency; nothing to answer
	}
	answer := func(e *apiError) {
		rec.Status, rec.ErrorCode = e.Status, e.Code
		finish()
		writeError(w, e)
	}
	// Throttling and the 503 page come from the platform in front of the
	// app (rate limiter, Heroku's router), so they precede authentication.
	switch dec.fault {
	case faultThrottle:
		w.Header().Set("Retry-After", strconv.Itoa(dec.retryAfter))
		answer(&apiError{Status: http.StatusTooManyRequests, Code: CodeThrottled,
			Message: "too many requests: slow down and retry after the Retry-After delay"})
		return
	case faultUnavailable:
		rec.Status = http.StatusServiceUnavailable
		finish()
		writeUnavailable(w)
		return
	}
	// The capacity is the app's own: a create waits for its turn before
	// anything of it is handled, a 401 included.
	if !h.takeTurn(w, r, &rec, finish) {
		return
	}
	if e := h.authenticate(r); e != nil {
		answer(e)
		return
	}
	if e := checkContentType(r); e != nil {
		answer(e)
		return
	}
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	body, e := h.readBody(w, r, (*bp)[:0])
	if body != nil {
		*bp = body[:0]
	}
	if e != nil {
		answer(e)
		return
	}
	c, e := decodeCustomer(body)
	if e != nil {
		answer(e)
		return
	}
	rec.ExtCustomerID = c.ExtCustomerID
	if dec.fault == faultError {
		answer(&apiError{Status: http.StatusInternalServerError, Code: CodeInternal,
			Message: "an unexpected technical error occurred; nothing was stored, try again later"})
		return
	}

	// The create goes through even if the client hangs up meanwhile: a real
	// server that received a request finishes it, which is exactly what makes
	// a lost answer dangerous for clients.
	id, err := h.store.create(context.WithoutCancel(r.Context()), h.companyID, &c)
	status, reply, code := http.StatusOK, []byte(nil), ""
	switch {
	case err == nil:
		rec.CustomerID = id
		reply = createdBody((*bp)[:0], h.companyID, id, c.ExtCustomerID)
	case errors.Is(err, errExtIDExists):
		code = CodeExtIDExists
		status, reply = http.StatusConflict, mustJSON(&apiError{Code: code, Message: fmt.Sprintf(
			"a customer with extCustomerId %d already exists for company %d", c.ExtCustomerID, h.companyID)})
	case errors.Is(err, errExtNumberExists):
		code = CodeExtNumberExists
		status, reply = http.StatusConflict, mustJSON(&apiError{Code: code, Message: fmt.Sprintf(
			"a customer with extCustomerNumber %q already exists for company %d", c.ExtCustomerNumber, h.companyID)})
	default:
		answer(&apiError{Status: http.StatusInternalServerError, Code: CodeInternal,
			Message: "the sandbox could not store the customer: " + err.Error()})
		return
	}

	if h.afterStore != nil {
		h.afterStore()
	}
	switch dec.fault {
	case faultDrop:
		finish()
		dropConnection(w)
		return
	case faultHang:
		if !h.wait(r.Context(), h.faults.f.Hang) {
			return // the client timed out: it never learns the outcome
		}
	}
	rec.Status, rec.ErrorCode = status, code
	finish()
	writeJSON(w, status, reply)
}

// mustJSON encodes a value that cannot fail to encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{}`)
	}
	return b
}

// dropConnection closes the client's connection without a byte of answer. A
// server that cannot hand the connection over aborts the handler instead,
// which net/http also turns into a closed connection.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
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
		writeError(w, &apiError{Status: http.StatusInternalServerError, Code: CodeInternal,
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

func writeValue(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}
