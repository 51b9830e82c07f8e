package sandbox

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultRatesWithinTolerance(t *testing.T) {
	cfg := testConfig()
	cfg.Seed = 7
	cfg.Faults = Faults{ErrorRate: 0.10, UnavailableRate: 0.05, DropRate: 0.05, HangRate: 0.05, Hang: time.Millisecond}
	s := startServer(t, cfg, nil)

	const n = 2000
	seen := createMany(t, s, n)
	faults := map[string]int{}
	for _, rec := range s.Requests() {
		faults[rec.Fault]++
		if rec.Fault == "drop" && (rec.Status != 0 || rec.CustomerID == 0) {
			t.Errorf("a drop must store the customer and send nothing: %+v", rec)
		}
		if rec.Fault == "hang" && (rec.Status != 200 || rec.CustomerID == 0) {
			t.Errorf("a short hang must store and then answer: %+v", rec)
		}
	}
	// Four standard deviations of a binomial share: the test never flakes,
	// yet a wrong band (a rate doubled or ignored) fails it.
	within := func(name string, got int, p float64) {
		t.Helper()
		tol := 4 * math.Sqrt(n*p*(1-p))
		if math.Abs(float64(got)-n*p) > tol {
			t.Errorf("%s: %d of %d, want %.0f ± %.0f", name, got, n, n*p, tol)
		}
	}
	within("error", faults["error"], 0.10)
	within("unavailable", faults["unavailable"], 0.05)
	within("drop", faults["drop"], 0.05)
	within("hang", faults["hang"], 0.05)
	within("clean", faults[""], 0.75)
	// What the client saw matches what the server says it did.
	if seen["500"] != faults["error"] || seen["503"] != faults["unavailable"] || seen["no answer"] != faults["drop"] {
		t.Errorf("client saw %v, server injected %v", seen, faults)
	}
	cs, err := s.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := seen["200"] + faults["drop"]; len(cs) != want {
		t.Errorf("stored %d customers, want %d (answered creates + dropped ones)", len(cs), want)
	}
}

// createMany sends n distinct creates one after the other and counts the
// answers by kind: "200", "500", "503" or "no answer". Any other answer, or a
// 500 or 503 that does not look like the real ones, fails the test.
func createMany(t *testing.T, s *Server, n int) map[string]int {
	t.Helper()
	client := &http.Client{}
	seen := map[string]int{}
	for i := range n {
		r, err := send(context.Background(), client, "POST", s.URL+"/api/customers", authHeaders(),
			strings.NewReader(customerJSON(int64(i+1), fmt.Sprint("N", i+1))))
		switch {
		case err != nil:
			seen["no answer"]++
		case r.status == 503:
			if !strings.Contains(r.body, "<title>Application Error</title>") ||
				!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("503 is not Heroku's HTML page: %s %q", r.header.Get("Content-Type"), r.body)
			}
			seen["503"]++
		case r.status == 500:
			if r.errorBody(t).Code != codeInternal {
				t.Fatalf("500 body %s", r.body)
			}
			seen["500"]++
		case r.status == 200:
			seen["200"]++
		default:
			t.Fatalf("unexpected answer %d %s", r.status, r.body)
		}
	}
	return seen
}

func TestFaultsReproducibleForASeed(t *testing.T) {
	draw := func(seed int64) string {
		in := newInjector(Faults{ErrorRate: 0.2, UnavailableRate: 0.2, DropRate: 0.2, Jitter: time.Second}, seed)
		var b strings.Builder
		for range 200 {
			d := in.decide()
			fmt.Fprintf(&b, "%s/%d ", d.fault, d.delay)
		}
		return b.String()
	}
	if draw(1) != draw(1) {
		t.Error("the same seed gave different faults")
	}
	if draw(1) == draw(2) {
		t.Error("different seeds gave the same faults")
	}
}

func TestLatencyAndJitterBounds(t *testing.T) {
	in := newInjector(Faults{Latency: 50 * time.Millisecond, Jitter: 20 * time.Millisecond}, 3)
	for range 500 {
		d := in.decide()
		if d.delay < 50*time.Millisecond || d.delay >= 70*time.Millisecond {
			t.Fatalf("delay %s outside [50ms, 70ms)", d.delay)
		}
	}
}

func TestThrottleTokenBucket(t *testing.T) {
	tests := []struct {
		name      string
		faults    Faults
		at        []time.Duration // arrival offsets
		want      []bool          // throttled?
		wantAfter int             // Retry-After of the last throttled one
	}{
		{
			name:   "one second's worth of burst, then the rate",
			faults: Faults{Throttle: 2},
			at:     []time.Duration{0, 0, 0, 500 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second},
			want:   []bool{false, false, true, false, true, false}, wantAfter: 1,
		},
		{
			name:   "slow rate asks for a longer wait",
			faults: Faults{Throttle: 0.25},
			at:     []time.Duration{0, 0},
			want:   []bool{false, true}, wantAfter: 4,
		},
		{
			name:   "explicit burst",
			faults: Faults{Throttle: 10, ThrottleBurst: 1},
			at:     []time.Duration{0, 0, 100 * time.Millisecond},
			want:   []bool{false, true, false}, wantAfter: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			var now time.Time
			in := newInjector(tc.faults, 1)
			in.now = func() time.Time { return now }
			lastAfter := 0
			for i, off := range tc.at {
				now = base.Add(off)
				d := in.decide()
				if got := d.fault == faultThrottle; got != tc.want[i] {
					t.Errorf("request %d at %s: throttled %v, want %v", i, off, got, tc.want[i])
				}
				if d.fault == faultThrottle {
					lastAfter = d.retryAfter
				}
			}
			if lastAfter != tc.wantAfter {
				t.Errorf("Retry-After %d, want %d", lastAfter, tc.wantAfter)
			}
		})
	}
}

func TestThrottleAnswers429(t *testing.T) {
	cfg := testConfig()
	cfg.Faults.Throttle = 1 // burst 1: the second request in the same second is over
	s := startServer(t, cfg, nil)
	first := postCustomer(t, s, customerJSON(1, "A1"))
	second := postCustomer(t, s, customerJSON(2, "A2"))
	if first.status != 200 {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	if second.status != 429 || second.header.Get("Retry-After") != "1" || second.errorBody(t).Code != codeThrottled {
		t.Fatalf("second: %d Retry-After %q %s", second.status, second.header.Get("Retry-After"), second.body)
	}
	if cs, _ := s.Customers(context.Background()); len(cs) != 1 {
		t.Errorf("stored %d, want 1: a 429 stores nothing", len(cs))
	}
}

func TestDropStoresThenClosesTheConnection(t *testing.T) {
	cfg := testConfig()
	cfg.Faults.DropRate = 1
	s := startServer(t, cfg, nil)
	for i, want := range []int64{1, 0} { // the repeat hits the 409 and is dropped too
		_, err := send(context.Background(), http.DefaultClient, "POST", s.URL+"/api/customers",
			authHeaders(), strings.NewReader(fullBody))
		if err == nil {
			t.Fatalf("attempt %d: got an answer, want a closed connection", i+1)
		}
		recs := s.Requests()
		if got := recs[len(recs)-1]; got.Status != 0 || got.Fault != "drop" || got.CustomerID != want {
			t.Errorf("attempt %d recorded %+v", i+1, got)
		}
	}
	if cs, _ := s.Customers(context.Background()); len(cs) != 1 {
		t.Errorf("stored %d, want 1", len(cs))
	}
}

func TestHangAnswersAfterTheHang(t *testing.T) {
	cfg := testConfig()
	cfg.Faults = Faults{HangRate: 1, Hang: 30 * time.Millisecond}
	s := startServer(t, cfg, nil)
	start := time.Now()
	r := postCustomer(t, s, fullBody)
	if r.status != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("status %d after %s, want 200 after at least 30ms", r.status, time.Since(start))
	}
}

func TestHangClientGivesUpCustomerStaysStored(t *testing.T) {
	cfg := testConfig()
	cfg.Faults = Faults{HangRate: 1, Hang: time.Hour}
	logged := make(chan string, 1)
	cfg.Log = chanWriter(logged) // written when the handler has finished
	stored := make(chan struct{}, 1)
	s := startServer(t, cfg, func() { stored <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-stored; cancel() }() // the client's timeout fires after the commit
	_, err := send(ctx, http.DefaultClient, "POST", s.URL+"/api/customers", authHeaders(), strings.NewReader(fullBody))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the client's cancellation", err)
	}
	if line := <-logged; !strings.Contains(line, " --- ") || !strings.Contains(line, "fault=hang") {
		t.Errorf("log line %q, want no status and fault=hang", line)
	}
	if cs, _ := s.Customers(context.Background()); len(cs) != 1 {
		t.Errorf("stored %d, want 1", len(cs))
	}
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return: the abandoned hang is still held")
	}
	recs := s.Requests()
	if len(recs) != 1 || recs[0].Status != 0 || recs[0].Fault != "hang" || recs[0].CustomerID != 1 {
		t.Errorf("recorded %+v", recs)
	}
}

func TestHangReleasedByClose(t *testing.T) {
	cfg := testConfig()
	cfg.Faults = Faults{HangRate: 1, Hang: time.Hour}
	stored := make(chan struct{}, 1)
	s := startServer(t, cfg, func() { stored <- struct{}{} })
	answered := make(chan reply, 1)
	go func() {
		r, err := send(context.Background(), http.DefaultClient, "POST", s.URL+"/api/customers",
			authHeaders(), strings.NewReader(fullBody))
		if err != nil {
			t.Error(err)
		}
		answered <- r
	}()
	<-stored
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-answered:
		if r.status != 200 {
			t.Errorf("released request answered %d, want 200", r.status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hung request was not released by Close")
	}
}

// chanWriter sends each log line to a channel, so a test can wait for a
// request to finish without sleeping.
type chanWriter chan string

// Write sends one log line; the handler writes a line per request.
func (c chanWriter) Write(p []byte) (int, error) {
	c <- string(p)
	return len(p), nil
}
