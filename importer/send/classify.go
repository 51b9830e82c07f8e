package send

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"

	"owr-import/importer/owrapi"
)

// Backoff defaults: first retry after about half a second, doubling, never
// more than 30 s between two attempts of a row. Jitter (±50 %) keeps the
// workers from retrying in lockstep after a shared failure.
const (
	defaultBackoffInitial = 500 * time.Millisecond
	defaultBackoffMax     = 30 * time.Second
)

// attempt is what one HTTP attempt's result means for the run. Every rule
// about an answer lives in classify, so "is a 500 retried? does it count as
// an outage? may it have created the customer?" is answered by one row of
// its table test.
type attempt struct {
	// Retry: send the row again (within its budget). A stopped run never
	// retries.
	Retry bool
	// Wait is the API's Retry-After when it gave one; 0 = use the backoff.
	Wait time.Duration
	// Answered: the API is up and serving (any answer below 500, a 429
	// included: the API is there, only asking us to slow down).
	Answered bool
	// Failing: the attempt failed on the API's side (no answer or 5xx);
	// it extends the outage watch's failing streak.
	Failing bool
	// Down: the failure says the API as a whole is unreachable (no answer,
	// 502, 503, 504). Once two rows failed in a row so, the workers hold:
	// one attempt at a time probes whether the API is back, the other rows
	// wait without spending their retries. Every attempt, a probe too,
	// counts against its row's Retries.
	Down bool
	// MayHaveCreated: the request may have stored the customer without us
	// learning its id: it left and no answer came, or a gateway answered
	// 5xx (Heroku's router does after 30 s while the app may still have
	// stored it). A 409 on a later attempt then means in_doubt.
	MayHaveCreated bool
	// Throttled: a 429; the pacer slows down.
	Throttled bool
	// Unauthorized: a 401; the run stops at once.
	Unauthorized bool
	// TLSFailed: the secure connection could not be set up (a certificate
	// this computer does not trust, an expired or misnamed one, a failed
	// handshake). Not an outage: retrying cannot help and the other side
	// may not be the API, so it is final and the run stops at once.
	TLSFailed bool
	// UnexpectedSuccess: a 2xx that is not the documented success (no
	// positive customerId, another extCustomerId, not JSON). The customer
	// may exist under an unknown id: the row is in_doubt, not retried (a
	// retry could only get a 409); a few of these stop the run.
	UnexpectedSuccess bool
}

// classify is the one decision about an attempt's result: a pure function
// of the stop context and the attempt's error (nil = created).
func classify(stop context.Context, err error) attempt {
	if err == nil {
		return attempt{Answered: true}
	}
	var a attempt
	var te *owrapi.TransportError
	var ae *owrapi.APIError
	switch {
	case errors.As(err, &te) && te.TLS != owrapi.TLSNone:
		a.TLSFailed, a.MayHaveCreated = true, te.Sent
	case errors.As(err, &te):
		// Cancelled by us (Ctrl-C after the grace): not the API's doing.
		a.Retry, a.Failing, a.Down = !te.Cancelled, !te.Cancelled, !te.Cancelled
		a.MayHaveCreated = te.Sent
	case errors.As(err, &ae) && ae.Status >= 200 && ae.Status <= 299:
		a.Answered, a.MayHaveCreated, a.UnexpectedSuccess = true, true, true
	case errors.As(err, &ae):
		a.Answered = ae.Status < 500
		a.Failing = ae.Status >= 500
		a.Throttled = ae.Status == http.StatusTooManyRequests
		a.Unauthorized = ae.Status == http.StatusUnauthorized
		switch ae.Status {
		case http.StatusTooManyRequests:
			a.Retry, a.Wait = true, ae.RetryAfter
		case http.StatusInternalServerError:
			a.Retry, a.Wait, a.MayHaveCreated = true, ae.RetryAfter, true
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			a.Retry, a.Wait, a.MayHaveCreated, a.Down = true, ae.RetryAfter, true, true
		}
	}
	if stop.Err() != nil {
		a.Retry, a.Wait = false, 0
	}
	return a
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
