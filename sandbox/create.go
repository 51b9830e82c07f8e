package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"
)

// maxBodyBytes is the largest create request accepted; a larger body gets
// 413. A customer is a few hundred bytes, so 64 KiB leaves room for any
// honest one.
const maxBodyBytes = 64 << 10

// exchange is one create on its way through the handler: where its answer
// goes and the record logged for it.
type exchange struct {
	w      http.ResponseWriter
	r      *http.Request
	rec    RequestRecord
	log    *requestLog
	logged bool
}

// finish logs the record once. The answers call it just before the answer
// (or its loss) leaves, so a client that has its answer always finds its
// request in Requests; create defers it for the paths that answer nothing.
func (x *exchange) finish() {
	if !x.logged {
		x.logged = true
		x.log.add(x.rec, x.r.Method, "/api/customers", time.Since(x.rec.Time))
	}
}

// fail answers with e's status and JSON body.
func (x *exchange) fail(e *apiError) {
	x.rec.Status, x.rec.ErrorCode = e.Status, e.Code
	x.finish()
	writeError(x.w, e)
}

// unavailable answers with Heroku's 503 page.
func (x *exchange) unavailable() {
	x.rec.Status = http.StatusServiceUnavailable
	x.finish()
	writeUnavailable(x.w)
}

// create handles POST /api/customers, one step after the other: the faults
// drawn at arrival, the turn in the capacity queue, the request itself (keys,
// content type, body, validation), the insert, and the answer or its loss.
// Each step answers itself when the create ends there.
func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	x := &exchange{w: w, r: r, rec: RequestRecord{Time: time.Now()}, log: h.log}
	defer x.finish() // paths that answer nothing: the client went away

	dec := h.faults.decide()
	x.rec.Fault = dec.fault.String()
	if !h.passPlatform(x, dec) || !h.takeTurn(x) {
		return
	}
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	c, ok := h.readCustomer(x, bp)
	if !ok {
		return
	}
	if dec.fault == faultError {
		x.fail(&apiError{Status: http.StatusInternalServerError, Code: codeInternal,
			Message: "an unexpected technical error occurred; nothing was stored, try again later"})
		return
	}
	status, code, reply, ok := h.insert(x, &c, (*bp)[:0])
	if !ok {
		return
	}
	if h.afterStore != nil {
		h.afterStore()
	}
	h.deliver(x, dec, status, code, reply)
}

// passPlatform applies what the platform in front of the app does to a
// request (the injected latency, the rate limiter's 429, Heroku's 503 page),
// which is why these come before the keys are even looked at. It returns
// false when the create ends here.
func (h *Handler) passPlatform(x *exchange, dec decision) bool {
	if !h.wait(x.r.Context(), dec.delay) {
		return false // the client gave up during the latency; nothing to answer
	}
	switch dec.fault {
	case faultThrottle:
		x.w.Header().Set("Retry-After", strconv.Itoa(dec.retryAfter))
		x.fail(&apiError{Status: http.StatusTooManyRequests, Code: codeThrottled,
			Message: "too many requests: slow down and retry after the Retry-After delay"})
		return false
	case faultUnavailable:
		x.unavailable()
		return false
	}
	return true
}

// readCustomer checks the keys and the content type, reads the body into the
// pooled buffer *bp and decodes it. It returns false, having answered, when
// any of that fails.
func (h *Handler) readCustomer(x *exchange, bp *[]byte) (newCustomer, bool) {
	if e := h.authenticate(x.r); e != nil {
		x.fail(e)
		return newCustomer{}, false
	}
	if e := checkContentType(x.r); e != nil {
		x.fail(e)
		return newCustomer{}, false
	}
	body, e := readBody(x.w, x.r, (*bp)[:0])
	if body != nil {
		*bp = body[:0] // keep the grown buffer for the next request
	}
	if e != nil {
		x.fail(e)
		return newCustomer{}, false
	}
	c, e := decodeCustomer(body)
	if e != nil {
		x.fail(e)
		return newCustomer{}, false
	}
	x.rec.ExtCustomerID = c.ExtCustomerID
	return c, true
}

// insert stores c and returns the answer to send: 200 with the created body
// (built in buf) or 409 with the error code. A store failure is answered 500
// here (ok false). The insert goes through even if the client hangs up
// meanwhile: a real server that received a request finishes it, which is
// exactly what makes a lost answer dangerous for clients.
func (h *Handler) insert(x *exchange, c *newCustomer, buf []byte) (status int, code string, reply []byte, ok bool) {
	id, err := h.store.create(context.WithoutCancel(x.r.Context()), companyID, c)
	switch {
	case err == nil:
		x.rec.CustomerID = id
		return http.StatusOK, "", createdBody(buf, companyID, id, c.ExtCustomerID), true
	case errors.Is(err, errExtIDExists):
		return http.StatusConflict, codeExtIDExists, mustJSON(&apiError{Code: codeExtIDExists, Message: fmt.Sprintf(
			"a customer with extCustomerId %d already exists for company %d", c.ExtCustomerID, companyID)}), true
	case errors.Is(err, errExtNumberExists):
		return http.StatusConflict, codeExtNumberExists, mustJSON(&apiError{Code: codeExtNumberExists, Message: fmt.Sprintf(
			"a customer with extCustomerNumber %q already exists for company %d", c.ExtCustomerNumber, companyID)}), true
	}
	x.fail(&apiError{Status: http.StatusInternalServerError, Code: codeInternal,
		Message: "the sandbox could not store the customer: " + err.Error()})
	return 0, "", nil, false
}

// deliver sends the answer of a create that reached the store, or loses it
// as the drop and hang faults say: the customer is stored either way.
func (h *Handler) deliver(x *exchange, dec decision, status int, code string, reply []byte) {
	switch dec.fault {
	case faultDrop:
		x.finish()
		dropConnection(x.w)
		return
	case faultHang:
		if !h.wait(x.r.Context(), h.faults.f.Hang) {
			return // the client timed out: it never learns the outcome
		}
	}
	x.rec.Status, x.rec.ErrorCode = status, code
	x.finish()
	writeJSON(x.w, status, reply)
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
	return &apiError{Status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMedia, Message: msg}
}

// readBody reads at most maxBodyBytes into buf, growing it as needed, so
// the pooled buffer of a request is reused.
func readBody(w http.ResponseWriter, r *http.Request, buf []byte) ([]byte, *apiError) {
	tooLarge := &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeBodyTooLarge,
		Message: fmt.Sprintf("the request body is larger than %d bytes: send one customer per request", maxBodyBytes)}
	if r.ContentLength > maxBodyBytes {
		return nil, tooLarge
	}
	body := http.MaxBytesReader(w, r.Body, maxBodyBytes)
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
