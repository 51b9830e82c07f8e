package importer

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Backoff defaults: first retry after about half a second, doubling, never
// more than 30 s between two attempts of a row. Jitter (±50 %) keeps the
// workers from retrying in lockstep after a shared failure.
const (
	DefaultBackoffInitial = 500 * time.Millisecond
	DefaultBackoffMax     = 30 * time.Second
)

// shouldRetry is the whole retry decision, a pure function of the stop
// context and one attempt's error. A stopped run never retries. No HTTP
// answer (refused, dropped, timed out), 429 and the transient 5xx are
// retried; wait is the API's Retry-After when it gave one (0 = use the
// backoff). Everything else is final: 2xx, 400 (the row is wrong), 401 (the
// keys are wrong), 409 (the customer exists: retrying cannot help) and any
// other status.
func shouldRetry(ctx context.Context, err error) (retry bool, wait time.Duration) {
	if err == nil || ctx.Err() != nil {
		return false, 0
	}
	var te *TransportError
	if errors.As(err, &te) {
		return !te.Cancelled, 0
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, ae.RetryAfter
		}
	}
	return false, 0
}

// apiLooksDown reports whether an attempt's failure says the API as a whole
// is unreachable or down (no answer, 502, 503, 504), rather than something
// about this row or a rate problem. Only such failures can be an outage.
func apiLooksDown(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return !te.Cancelled
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	}
	return false
}

// apiAnswered reports whether an attempt proves the API is up and serving:
// any answer except a server-side failure. A 429 counts: the API is there,
// only asking us to slow down.
func apiAnswered(err error) bool {
	if err == nil {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Status < 500
}

// newBackoff builds one row's backoff: capped exponential with jitter. Not
// safe for concurrent use, so every row gets its own.
func newBackoff(initial, maxInterval time.Duration) *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = initial
	b.MaxInterval = maxInterval
	b.Multiplier = 2
	b.RandomizationFactor = 0.5
	return b
}
