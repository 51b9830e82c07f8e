package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestShouldRetry(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	api := func(status int) error { return &APIError{Status: status, Message: "x"} }
	tests := []struct {
		name  string
		ctx   context.Context
		err   error
		retry bool
		wait  time.Duration
	}{
		{"success", live, nil, false, 0},
		{"run stopped", done, api(503), false, 0},
		{"run stopped, network", done, &TransportError{Err: io.EOF, Sent: true}, false, 0},
		{"refused", live, &TransportError{Err: errors.New("connection refused")}, true, 0},
		{"dropped after send", live, &TransportError{Err: io.EOF, Sent: true}, true, 0},
		{"timeout", live, &TransportError{Err: context.DeadlineExceeded, Timeout: true, Sent: true}, true, 0},
		{"cancelled by us", live, &TransportError{Err: context.Canceled, Cancelled: true, Sent: true}, false, 0},
		{"wrapped transport", live, fmt.Errorf("row 3: %w", &TransportError{Err: io.EOF}), true, 0},
		{"429", live, api(429), true, 0},
		{"429 with Retry-After", live, &APIError{Status: 429, RetryAfter: 3 * time.Second}, true, 3 * time.Second},
		{"500", live, api(500), true, 0},
		{"501 not implemented", live, api(501), false, 0},
		{"502", live, api(502), true, 0},
		{"503 with Retry-After", live, &APIError{Status: 503, RetryAfter: time.Second}, true, time.Second},
		{"504", live, api(504), true, 0},
		{"505", live, api(505), false, 0},
		{"400", live, api(400), false, 0},
		{"401", live, api(401), false, 0},
		{"403", live, api(403), false, 0},
		{"404", live, api(404), false, 0},
		{"409", live, api(409), false, 0},
		{"2xx unreadable", live, &APIError{Status: 200, Code: CodeUnreadableAnswer}, false, 0},
		{"other error", live, errors.New("cannot build the request"), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry, wait := shouldRetry(tt.ctx, tt.err)
			if retry != tt.retry || wait != tt.wait {
				t.Errorf("shouldRetry(%v) = %v, %s; want %v, %s", tt.err, retry, wait, tt.retry, tt.wait)
			}
		})
	}
}

func TestAPILooksDownAndAnswered(t *testing.T) {
	tests := []struct {
		name           string
		err            error
		down, answered bool
	}{
		{"success", nil, false, true},
		{"409", &APIError{Status: 409}, false, true},
		{"429", &APIError{Status: 429}, false, true},
		{"500", &APIError{Status: 500}, false, false},
		{"503", &APIError{Status: 503}, true, false},
		{"504", &APIError{Status: 504}, true, false},
		{"refused", &TransportError{Err: errors.New("refused")}, true, false},
		{"cancelled", &TransportError{Err: context.Canceled, Cancelled: true}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apiLooksDown(tt.err); got != tt.down {
				t.Errorf("apiLooksDown = %v, want %v", got, tt.down)
			}
			if got := apiAnswered(tt.err); got != tt.answered {
				t.Errorf("apiAnswered = %v, want %v", got, tt.answered)
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
