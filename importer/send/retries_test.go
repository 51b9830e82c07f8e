package send

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"owr-import/importer/row"
)

// TestSubmitRetriesBoundAttempts: a row is sent at most 1 + Retries times,
// whatever the API does (outage answers included), and owr_error says how
// many attempts it got.
func TestSubmitRetriesBoundAttempts(t *testing.T) {
	heroku := reply{status: 503, body: "<html><title>Application Error</title></html>"}
	tests := []struct {
		name    string
		retries int
		reply   reply
		errHas  string
	}{
		{"503 everywhere, no retries", 0, heroku, "HTTP 503"},
		{"503 everywhere, 1 retry", 1, heroku, "HTTP 503"},
		{"503 everywhere, 3 retries", 3, heroku, "HTTP 503"},
		{"201 whose body drips", 1, reply{drip: true}, "did not arrive completely within 100ms"},
		{"no answer at all", 1, reply{hang: true}, "no answer from the API within 100ms"},
		{"connection dropped", 2, reply{drop: true}, "connection broke"},
		{"500", 2, reply{status: 500, body: `{"message":"boom"}`}, "HTTP 500"},
		{"502", 1, reply{status: 502, body: "bad gateway"}, "HTTP 502"},
		{"429 without Retry-After", 2, reply{status: 429, body: `{"message":"slow down"}`}, "HTTP 429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, c := newFakeAPI(t, func(int64, int) reply { return tt.reply }, 100*time.Millisecond)
			opts := testOpts(4)
			opts.Retries = tt.retries
			opts.MaxOutage = time.Hour // never reached: every row runs out of retries first
			run := runSubmit(t, context.Background(), c, jobsFor(seq(6)...), opts)
			if run.err != nil {
				t.Fatalf("Submit: %v", run.err)
			}
			want := 1 + tt.retries
			api.mu.Lock()
			defer api.mu.Unlock()
			for ext := int64(1); ext <= 6; ext++ {
				o := run.outcomes[ext]
				if got := api.attempts[ext]; got != want || o.Attempts != want {
					t.Errorf("ext %d: the API saw %d attempts, the outcome says %d; want exactly %d (1 + Retries %d)",
						ext, got, o.Attempts, want, tt.retries)
				}
				if o.Status != row.StatusFailed || !strings.Contains(o.Error, tt.errHas) {
					t.Errorf("ext %d: %+v; want failed with %q", ext, o, tt.errHas)
				}
				if tt.retries > 0 && !strings.Contains(o.Error, fmt.Sprintf("still failing after %d attempts", want)) {
					t.Errorf("ext %d: owr_error %q does not say it got all %d attempts", ext, o.Error, want)
				}
				if strings.Contains(o.Error, "stopped") {
					t.Errorf("ext %d: owr_error %q says the run stopped; it did not", ext, o.Error)
				}
			}
		})
	}
}

// TestSubmitOutageStopTellsWhy: when a long outage stops the run, a row
// that still had retries says the run stopped and why; a row that used
// them all says so. No row gets more than 1 + Retries attempts.
func TestSubmitOutageStopTellsWhy(t *testing.T) {
	api, c := newFakeAPI(t, func(int64, int) reply {
		return reply{status: 503, body: "<html><title>Application Error</title></html>"}
	})
	opts := testOpts(4)
	opts.Retries = 3
	opts.MaxOutage = 150 * time.Millisecond
	run := runSubmit(t, context.Background(), c, jobsFor(seq(40)...), opts)
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortUnavailable {
		t.Fatalf("Submit error %v, want unavailable", run.err)
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	for ext, o := range run.outcomes {
		if o.Attempts != api.attempts[ext] || o.Attempts > 1+opts.Retries {
			t.Errorf("ext %d: %d attempts (API saw %d), at most %d allowed", ext, o.Attempts, api.attempts[ext], 1+opts.Retries)
		}
		switch {
		case o.Attempts == 0:
			// started as the run stopped, never sent: not_attempted
		case o.Attempts == 1+opts.Retries:
			if !strings.Contains(o.Error, "still failing after 4 attempts") || strings.Contains(o.Error, "stopped") {
				t.Errorf("ext %d used every attempt: %q", ext, o.Error)
			}
		default:
			want := fmt.Sprintf("the run stopped (the API looked unavailable) after attempt %d of 4, before it could be retried", o.Attempts)
			if !strings.Contains(o.Error, want) {
				t.Errorf("ext %d: owr_error %q, want %q", ext, o.Error, want)
			}
		}
	}
}

// TestSubmitRidesOutShortOutage: during an outage only one row at a time
// probes the API; the others wait without spending their retries, so a
// short outage costs few rows, and every row keeps to 1 + Retries attempts.
func TestSubmitRidesOutShortOutage(t *testing.T) {
	var mu sync.Mutex
	var first time.Time
	unavailable := 0
	api, c := newFakeAPI(t, func(int64, int) reply {
		mu.Lock()
		defer mu.Unlock()
		if first.IsZero() {
			first = time.Now()
		}
		if time.Since(first) < 300*time.Millisecond { // the API restarts
			unavailable++
			return reply{status: 503, body: "<html><title>Application Error</title></html>"}
		}
		return reply{}
	})
	opts := testOpts(4)
	opts.Retries = 2
	opts.BackoffInitial, opts.BackoffMax = 10*time.Millisecond, 100*time.Millisecond
	opts.MaxOutage = 10 * time.Second
	run := runSubmit(t, context.Background(), c, jobsFor(seq(40)...), opts)
	if run.err != nil {
		t.Fatalf("Submit: %v", run.err)
	}
	failed := 0
	api.mu.Lock()
	defer api.mu.Unlock()
	for ext := int64(1); ext <= 40; ext++ {
		o := run.outcomes[ext]
		if o.Attempts > 3 || o.Attempts != api.attempts[ext] {
			t.Errorf("ext %d: %d attempts (API saw %d), at most 3", ext, o.Attempts, api.attempts[ext])
		}
		switch o.Status {
		case row.StatusCreated:
		case row.StatusFailed:
			failed++
			if !strings.Contains(o.Error, "still failing after 3 attempts") {
				t.Errorf("ext %d: %q", ext, o.Error)
			}
		default:
			t.Errorf("ext %d: %+v", ext, o)
		}
	}
	// The first wave (the first request, then one per worker) finds the API
	// down; then probes 10, 20, 40, 80, 100 ms apart fill the 300 ms: about
	// ten 503s, far from the hundred four workers retrying freely would get.
	mu.Lock()
	defer mu.Unlock()
	if unavailable > 20 {
		t.Errorf("%d requests during a 300ms outage: the workers did not wait for the probe", unavailable)
	}
	if failed > opts.Workers {
		t.Errorf("%d rows failed in a 300ms outage: more than the first wave", failed)
	}
	if unavailable < 3 {
		t.Errorf("only %d requests during the outage: it was not exercised", unavailable)
	}
}

// TestOutageHoldOneProbeAtATime replays an outage on a fake clock: once two
// rows failed, waiting workers send nothing until the probe interval has
// passed, then exactly one of them probes; a failed probe doubles the
// interval; an answer lets everyone go.
func TestOutageHoldOneProbeAtATime(t *testing.T) {
	clk := newFakeClock()
	opts := SubmitOptions{MaxOutage: time.Hour, BackoffInitial: time.Second, BackoffMax: time.Minute, clock: clk}.withDefaults()
	stopCtx, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	s := newSubmitter(nil, nil, opts, stopCtx, stop, context.Background())
	down := errors.New("HTTP 503")

	s.apiFailing(1, clk.Now(), down, true)
	if probe, err := s.holdWhileDown(); probe || err != nil {
		t.Fatalf("one failing row is no outage: hold = %v, %v", probe, err)
	}
	s.apiFailing(2, clk.Now(), down, true) // a second row: the API is down

	results := make(chan bool, 3)
	for range 3 {
		go func() {
			probe, err := s.holdWhileDown()
			if err != nil {
				t.Error(err)
			}
			results <- probe
		}()
	}
	first := armed(t, clk, 3) // all three wait for the first probe's time
	if first[0] < 500*time.Millisecond || first[0] > 1500*time.Millisecond {
		t.Errorf("first probe after %s, want 1s ± 50%%", first[0])
	}
	select {
	case <-results:
		t.Fatal("a worker went before the probe interval passed")
	default:
	}
	clk.Advance(2 * time.Second)
	if !receive(t, results) {
		t.Fatal("the worker that went is not the probe")
	}
	s.endProbe() // the probe failed too: the next one waits twice as long
	next := armed(t, clk, 2)
	if next[0] < time.Second || next[0] > 3*time.Second {
		t.Errorf("second probe after %s, want 2s ± 50%%", next[0])
	}
	select {
	case <-results:
		t.Fatal("a worker went while the next probe was not due")
	default:
	}
	s.apiUp(clk.Now()) // the API answered: the outage is over
	for range 2 {
		if receive(t, results) {
			t.Error("a worker probed after the outage ended")
		}
	}
}

// armed waits until n workers have set a timer on the fake clock and
// returns the durations.
func armed(t *testing.T, clk *fakeClock, n int) []time.Duration {
	t.Helper()
	var ds []time.Duration
	for range n {
		select {
		case d := <-clk.armed:
			ds = append(ds, d)
		case <-time.After(5 * time.Second): // a failsafe, not a wait
			t.Fatalf("only %d of %d workers are waiting", len(ds), n)
		}
	}
	return ds
}

func receive(t *testing.T, ch <-chan bool) bool {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second): // a failsafe, not a wait
		t.Fatal("no worker went")
	}
	return false
}
