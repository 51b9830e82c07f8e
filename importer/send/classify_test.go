package send

import (
	"context"
	"errors"
	"fmt"
	"io"
	"owr-import/importer/owrapi"
	"testing"
	"time"
)

// TestClassify is the one table of what an attempt's result means. Each row
// answers, by the flags it has or lacks: is it retried (retry, and how long
// to wait), is the API answering (answered) or failing (failing; down: it
// is unreachable, so the workers hold and one probe at a time goes out),
// may the customer exist anyway (mayHaveCreated: a 409 later means
// in_doubt), and does it stop the run (unauthorized, tlsFailed at once;
// unexpectedSuccess after a few) or slow it down (throttled). Every retry
// counts against the row's Retries.
func TestClassify(t *testing.T) {
	live := context.Background()
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	api := func(status int) error { return &owrapi.APIError{Status: status, Message: "x"} }
	const (
		retry = 1 << iota
		answered
		failing
		down
		mayHaveCreated
		throttled
		unauthorized
		tlsFailed
		unexpectedSuccess
	)
	tlsErr := func(p owrapi.TLSProblem) error {
		return &owrapi.TransportError{Err: errors.New("x509: certificate problem"), TLS: p}
	}
	tests := []struct {
		name  string
		ctx   context.Context
		err   error
		flags int
		wait  time.Duration
	}{
		{"created", live, nil, answered, 0},
		{"refused", live, &owrapi.TransportError{Err: errors.New("connection refused")}, retry | failing | down, 0},
		{"dropped after send", live, &owrapi.TransportError{Err: io.EOF, Sent: true}, retry | failing | down | mayHaveCreated, 0},
		{"timeout", live, &owrapi.TransportError{Err: context.DeadlineExceeded, Timeout: true, Sent: true}, retry | failing | down | mayHaveCreated, 0},
		{"timeout after HTTP 201 headers, body dripping", live, &owrapi.TransportError{Err: context.DeadlineExceeded, Timeout: true, Sent: true, Status: 201}, retry | failing | down | mayHaveCreated, 0},
		{"connection broke during a 201 body", live, &owrapi.TransportError{Err: io.ErrUnexpectedEOF, Sent: true, Status: 201}, retry | failing | down | mayHaveCreated, 0},
		{"cancelled by us", live, &owrapi.TransportError{Err: context.Canceled, Cancelled: true, Sent: true}, mayHaveCreated, 0},
		{"wrapped transport", live, fmt.Errorf("row 3: %w", &owrapi.TransportError{Err: io.EOF}), retry | failing | down, 0},
		{"400", live, api(400), answered, 0},
		{"401", live, api(401), answered | unauthorized, 0},
		{"403", live, api(403), answered, 0},
		{"404", live, api(404), answered, 0},
		{"409", live, api(409), answered, 0},
		{"429", live, api(429), retry | answered | throttled, 0},
		{"429 with Retry-After", live, &owrapi.APIError{Status: 429, RetryAfter: 3 * time.Second}, retry | answered | throttled, 3 * time.Second},
		{"500", live, api(500), retry | failing | mayHaveCreated, 0},
		{"501 not implemented", live, api(501), failing, 0},
		{"502", live, api(502), retry | failing | down | mayHaveCreated, 0},
		{"503 with Retry-After", live, &owrapi.APIError{Status: 503, RetryAfter: time.Second}, retry | failing | down | mayHaveCreated, time.Second},
		{"504", live, api(504), retry | failing | down | mayHaveCreated, 0},
		{"505", live, api(505), failing, 0},
		// A success that is not the documented one: the API is up and the
		// customer may exist; not retried (a retry can only get a 409).
		{"2xx unreadable", live, &owrapi.APIError{Status: 200, Code: owrapi.CodeUnreadableAnswer}, answered | mayHaveCreated | unexpectedSuccess, 0},
		{"2xx for another extCustomerId", live, &owrapi.APIError{Status: 201, Code: owrapi.CodeUnexpectedAnswer}, answered | mayHaveCreated | unexpectedSuccess, 0},
		{"2xx without a customerId, run stopped", stopped, &owrapi.APIError{Status: 201, Code: owrapi.CodeUnexpectedAnswer}, answered | mayHaveCreated | unexpectedSuccess, 0},
		{"other error", live, errors.New("cannot build the request"), 0, 0},
		{"run stopped, 503", stopped, api(503), failing | down | mayHaveCreated, 0},
		{"run stopped, dropped", stopped, &owrapi.TransportError{Err: io.EOF, Sent: true}, failing | down | mayHaveCreated, 0},
		// A secure connection that cannot be set up is no outage: never
		// retried, nothing was sent, and the run stops at once.
		{"TLS untrusted issuer", live, tlsErr(owrapi.TLSUntrusted), tlsFailed, 0},
		{"TLS expired certificate", live, tlsErr(owrapi.TLSExpired), tlsFailed, 0},
		{"TLS wrong host name", live, tlsErr(owrapi.TLSWrongHost), tlsFailed, 0},
		{"TLS handshake failure", live, tlsErr(owrapi.TLSHandshake), tlsFailed, 0},
		{"TLS, wrapped", live, fmt.Errorf("row 3: %w", tlsErr(owrapi.TLSUntrusted)), tlsFailed, 0},
		{"run stopped, TLS", stopped, tlsErr(owrapi.TLSHandshake), tlsFailed, 0},
		{"cancelled by us before sending", live, &owrapi.TransportError{Err: context.Canceled, Cancelled: true}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := attempt{
				Retry: tt.flags&retry != 0, Wait: tt.wait, Answered: tt.flags&answered != 0,
				Failing: tt.flags&failing != 0, Down: tt.flags&down != 0,
				MayHaveCreated: tt.flags&mayHaveCreated != 0, Throttled: tt.flags&throttled != 0,
				Unauthorized: tt.flags&unauthorized != 0, TLSFailed: tt.flags&tlsFailed != 0,
				UnexpectedSuccess: tt.flags&unexpectedSuccess != 0,
			}
			if got := classify(tt.ctx, tt.err); got != want {
				t.Errorf("classify(%v)\n got %+v\nwant %+v", tt.err, got, want)
			}
		})
	}
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	b := newBackoff(10*time.Millisecond, 80*time.Millisecond)
	b.Reset()
	for i := range 20 {
		d := b.NextBackOff()
		// ±50 % jitter around an interval capped at 80ms.
		if d < 5*time.Millisecond || d > 121*time.Millisecond {
			t.Fatalf("attempt %d: backoff %s outside the capped, jittered range", i, d)
		}
	}
}

// FuzzClassify: whatever the attempt's result, the classifier's answers fit
// together: a stopped run retries nothing, a TLS failure is never retried
// nor an outage, unreachable implies failing, only failures and 429s are
// retried, and an unexpected success is a 2xx that may have created.
func FuzzClassify(f *testing.F) {
	f.Add(uint8(0), 503, false, false, false, uint8(0), false)
	f.Add(uint8(1), 0, true, true, false, uint8(0), false)
	f.Add(uint8(1), 0, false, false, false, uint8(2), true)
	f.Add(uint8(0), 201, false, false, false, uint8(0), false)
	f.Add(uint8(2), 0, false, false, false, uint8(0), false)
	f.Fuzz(func(t *testing.T, kind uint8, status int, sent, timeout, cancelled bool, tlsKind uint8, stop bool) {
		var err error
		switch kind % 4 {
		case 0:
			err = &owrapi.APIError{Status: status, RetryAfter: time.Duration(status%7) * time.Second}
		case 1:
			err = &owrapi.TransportError{Err: io.EOF, Sent: sent, Timeout: timeout, Cancelled: cancelled,
				TLS: owrapi.TLSProblem(tlsKind % 5), Status: status}
		case 2:
			err = errors.New("something else")
		}
		ctx := context.Background()
		if stop {
			c, cancel := context.WithCancel(ctx)
			cancel()
			ctx = c
		}
		a := classify(ctx, err)
		var ae *owrapi.APIError
		var te *owrapi.TransportError
		isAPI, isTransport := errors.As(err, &ae), errors.As(err, &te)
		switch {
		case stop && (a.Retry || a.Wait != 0):
			t.Fatalf("a stopped run retries: %+v", a)
		case a.TLSFailed && (a.Retry || a.Failing || a.Down || !isTransport):
			t.Fatalf("a TLS failure is retried or an outage: %+v", a)
		case isTransport && te.TLS != owrapi.TLSNone && !a.TLSFailed:
			t.Fatalf("TLS problem %v not final: %+v", te.TLS, a)
		case a.Down && !a.Failing:
			t.Fatalf("unreachable but not failing: %+v", a)
		case a.Retry && !a.Failing && !a.Throttled:
			t.Fatalf("retried though neither failing nor throttled: %+v", a)
		case a.Answered && a.Failing:
			t.Fatalf("answered and failing: %+v", a)
		case a.UnexpectedSuccess != (isAPI && ae.Status >= 200 && ae.Status <= 299):
			t.Fatalf("unexpected success %v for %v", a.UnexpectedSuccess, err)
		case a.UnexpectedSuccess && (a.Retry || !a.MayHaveCreated):
			t.Fatalf("an unexpected success is retried or forgotten: %+v", a)
		case isTransport && a.MayHaveCreated != te.Sent:
			t.Fatalf("may have created %v, but sent %v", a.MayHaveCreated, te.Sent)
		case err == nil && a != (attempt{Answered: true}):
			t.Fatalf("a success: %+v", a)
		}
	})
}
