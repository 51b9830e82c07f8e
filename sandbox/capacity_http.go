package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxCapacityBody bounds the body of PUT /sandbox/capacity: one number.
const maxCapacityBody = 256

// takeTurn puts a create through the capacity queue. The capacity is the
// app's own, so this comes after the platform's faults and before anything
// of the request is handled, a 401 included. It answers 429 when the
// queue is full and Heroku's 503 page when the turn would come after the
// router's timeout, and otherwise holds the request until its turn. It
// returns true when the request is to be handled now, false when it has been
// answered or the client went away.
func (h *Handler) takeTurn(x *exchange) bool {
	t := h.queue.arrive()
	switch t.outcome {
	case turnQueueFull:
		x.rec.Fault = "queue-full"
		x.w.Header().Set("Retry-After", strconv.Itoa(t.retryAfter))
		x.fail(&apiError{Status: http.StatusTooManyRequests, Code: codeThrottled,
			Message: "too many requests are waiting: slow down and retry after the Retry-After delay"})
		return false
	case turnTimeout:
		if !h.wait(x.r.Context(), h.queue.timeout) {
			return false
		}
	default:
		out, ok := h.waitTurn(x.r.Context(), t)
		if !ok {
			return false
		}
		if out == turnServed {
			return true
		}
	}
	x.rec.Fault = "router-timeout"
	x.unavailable()
	return false
}

// waitTurn holds t until its turn (turnServed), until the router's timeout
// after its arrival if that comes first (turnTimeout), or until the server
// closes (turnServed: answer now). ok is false when the client went away
// first. A capacity change wakes it to work out the wait again.
func (h *Handler) waitTurn(ctx context.Context, t turn) (out turnOutcome, ok bool) {
	if h.waiting != nil {
		h.waiting()
	}
	deadline := t.arrived.Add(h.queue.timeout)
	for {
		d, changed := h.queue.remaining(t)
		out = turnServed
		if left := deadline.Sub(h.queue.now()); left < d {
			d, out = left, turnTimeout
		}
		if d <= 0 {
			return out, true
		}
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
			return out, true
		case <-changed:
			timer.Stop()
		case <-h.closing:
			timer.Stop()
			return turnServed, true
		case <-ctx.Done():
			timer.Stop()
			return out, false
		}
	}
}

// serveCapacity serves GET and PUT /sandbox/capacity: the capacity in
// requests per second and the queue depth as JSON; a PUT sets the capacity
// from a plain number ("25") or {"capacity": 25}, 0 turning the model off.
func (h *Handler) serveCapacity(w http.ResponseWriter, r *http.Request) {
	if e := h.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	if r.Method == http.MethodPut {
		v, e := readCapacity(w, r)
		if e != nil {
			writeError(w, e)
			return
		}
		h.queue.set(v)
		h.log.note("capacity set to " + strconv.FormatFloat(v, 'g', -1, 64) + " requests/s")
	}
	writeValue(w, h.queue.state())
}

// readCapacity reads the number a PUT /sandbox/capacity carries.
func readCapacity(w http.ResponseWriter, r *http.Request) (float64, *apiError) {
	bad := &apiError{Status: http.StatusBadRequest, Code: codeInvalidField,
		Message: `send the capacity in requests per second, 0 or more, as the body (for example 25, or {"capacity": 25}); 0 turns the capacity model off`}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCapacityBody))
	if err != nil {
		return 0, bad
	}
	text := strings.TrimSpace(string(body))
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		var obj struct {
			Capacity *float64 `json:"capacity"`
		}
		if json.Unmarshal([]byte(text), &obj) != nil || obj.Capacity == nil {
			return 0, bad
		}
		v = *obj.Capacity
	}
	if !validCapacity(v) {
		return 0, bad
	}
	return v, nil
}
