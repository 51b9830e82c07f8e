package sandbox

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

// now is the queue's clock: the time the test has set.
func (c *fakeClock) now() time.Time { return c.t }

// newFakeClock starts at a fixed time, so failures read the same every run.
func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// capStep is one thing happening to a capacity queue at an offset from the
// start: an arrival, a capacity change, or a look at an earlier arrival's
// remaining wait.
type capStep struct {
	at  time.Duration
	set float64 // > 0: change the capacity to this; setOff: turn it off
	// look, when > 0, checks the remaining wait of the look-th arrival
	// (counting from 1) instead of making a new one.
	look int

	want      turnOutcome
	wantWait  time.Duration // served arrivals and looks: time until the turn
	wantRetry int           // turnQueueFull: Retry-After seconds
}

// setOff is capStep.set for turning the capacity model off.
const setOff = -1

// capQueueCase is a queue with its capacity and depth, and what happens to it.
type capQueueCase struct {
	name  string
	rate  float64
	queue int
	steps []capStep
}

// arrive is the capStep of an arrival.
func arrive(at time.Duration, want turnOutcome, wait time.Duration, retry int) capStep {
	return capStep{at: at, want: want, wantWait: wait, wantRetry: retry}
}

const ms = time.Millisecond

// capQueueCases are the cases of TestCapacityQueue.
var capQueueCases = []capQueueCase{
	{
		name: "off: every request is served at once",
		rate: 0, queue: 4,
		steps: []capStep{arrive(0, turnServed, 0, 0), arrive(0, turnServed, 0, 0), arrive(0, turnServed, 0, 0),
			arrive(0, turnServed, 0, 0), arrive(0, turnServed, 0, 0), arrive(0, turnServed, 0, 0)},
	},
	{
		name: "under capacity: no 429, each waits only its own service time",
		rate: 40, queue: 4,
		steps: []capStep{arrive(0, turnServed, 25*ms, 0), arrive(50*ms, turnServed, 25*ms, 0),
			arrive(100*ms, turnServed, 25*ms, 0), arrive(150*ms, turnServed, 25*ms, 0)},
	},
	{
		name: "a burst waits its turn, then the full queue answers 429",
		rate: 40, queue: 4,
		steps: []capStep{arrive(0, turnServed, 25*ms, 0), arrive(0, turnServed, 50*ms, 0),
			arrive(0, turnServed, 75*ms, 0), arrive(0, turnServed, 100*ms, 0), arrive(0, turnServed, 125*ms, 0),
			arrive(0, turnQueueFull, 0, 1),
			// one served: a place is free again
			arrive(25*ms, turnServed, 125*ms, 0),
			// idle again: back to the floor
			arrive(time.Second, turnServed, 25*ms, 0)},
	},
	{
		name: "a slow capacity asks for a longer Retry-After",
		rate: 0.5, queue: 1,
		steps: []capStep{arrive(0, turnServed, 2*time.Second, 0), arrive(0, turnServed, 4*time.Second, 0),
			arrive(0, turnQueueFull, 0, 2)},
	},
	{
		name: "a turn later than the router's 30 s is a timeout, and takes no place",
		rate: 0.1, queue: 4,
		steps: []capStep{arrive(0, turnServed, 10*time.Second, 0), arrive(0, turnServed, 20*time.Second, 0),
			arrive(0, turnServed, 30*time.Second, 0), arrive(0, turnTimeout, 0, 0),
			arrive(10*time.Second, turnServed, 30*time.Second, 0)},
	},
	{
		name: "a lower capacity reaches the requests already waiting at once",
		rate: 40, queue: 4,
		steps: []capStep{arrive(0, turnServed, 25*ms, 0), arrive(0, turnServed, 50*ms, 0),
			{at: 0, set: 4},
			{at: 0, look: 2, wantWait: 500 * ms},
			arrive(0, turnServed, 750*ms, 0),
			{at: 250 * ms, look: 2, wantWait: 250 * ms}},
	},
	{
		name: "a higher capacity and then off release the queue",
		rate: 1, queue: 4,
		steps: []capStep{arrive(0, turnServed, time.Second, 0), arrive(0, turnServed, 2*time.Second, 0),
			arrive(0, turnServed, 3*time.Second, 0),
			{at: 500 * ms, set: 100},
			{at: 500 * ms, look: 3, wantWait: 25 * ms},
			arrive(500*ms, turnServed, 35*ms, 0),
			{at: 510 * ms, set: setOff},
			{at: 510 * ms, look: 4, wantWait: 0},
			arrive(510*ms, turnServed, 0, 0)},
	},
}

func TestCapacityQueue(t *testing.T) {
	for _, tc := range capQueueCases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			start := clock.t
			q := newQueue(tc.rate, tc.queue)
			q.now = clock.now
			var turns []turn
			for i, st := range tc.steps {
				clock.t = start.Add(st.at)
				switch {
				case st.set != 0:
					changed := q.changed
					q.set(max(0, st.set))
					select {
					case <-changed:
					default:
						t.Errorf("step %d: waiting requests were not told of the change", i+1)
					}
				case st.look > 0:
					if got, _ := q.remaining(turns[st.look-1]); !near(got, st.wantWait) {
						t.Errorf("step %d: arrival %d waits %s more, want %s", i+1, st.look, got, st.wantWait)
					}
				default:
					turns = append(turns, q.arrive())
					checkArrival(t, i+1, q, turns[len(turns)-1], st)
				}
			}
		})
	}
}

// checkArrival compares the turn of the arrival at step i with st.
func checkArrival(t *testing.T, i int, q *queue, tu turn, st capStep) {
	t.Helper()
	if tu.outcome != st.want {
		t.Fatalf("step %d at %s: outcome %v, want %v", i, st.at, tu.outcome, st.want)
	}
	if tu.outcome == turnQueueFull && tu.retryAfter != st.wantRetry {
		t.Errorf("step %d: Retry-After %d, want %d", i, tu.retryAfter, st.wantRetry)
	}
	if tu.outcome == turnServed {
		if got, _ := q.remaining(tu); !near(got, st.wantWait) {
			t.Errorf("step %d at %s: waits %s, want %s", i, st.at, got, st.wantWait)
		}
	}
}

// near compares durations to the microsecond: the queue works in float
// seconds.
func near(got, want time.Duration) bool {
	return (got - want).Abs() <= time.Microsecond
}

func TestCapacityLatencyGrowsWithLoad(t *testing.T) {
	const rate, n = 40.0, 4000
	floor := time.Duration(float64(time.Second) / rate)
	tests := []struct {
		load          float64 // offered load as a share of the capacity
		wantMeanBelow time.Duration
		want429       [2]float64 // the share of 429 answers is in this range
	}{
		{0.2, floor * 13 / 10, [2]float64{0, 0.001}},
		{0.5, floor * 2, [2]float64{0, 0.01}},
		{0.9, floor * 4, [2]float64{0.01, 0.15}},
		// Beyond the capacity the excess is refused: at least 1 - 1/1.5.
		{1.5, floor * 5, [2]float64{0.33, 0.45}},
	}
	last := time.Duration(0)
	for _, tc := range tests {
		// Random (Poisson) arrivals from a fixed seed: the waits that a
		// queue builds up only come from arrivals that are not evenly spaced.
		clock := newFakeClock()
		q := newQueue(rate, 4)
		q.now = clock.now
		rng := rand.New(rand.NewPCG(1, 2))
		var sum time.Duration
		served, full := 0, 0
		for range n {
			clock.t = clock.t.Add(time.Duration(rng.ExpFloat64() / (rate * tc.load) * float64(time.Second)))
			tu := q.arrive()
			switch tu.outcome {
			case turnServed:
				d, _ := q.remaining(tu)
				sum += d
				served++
			case turnQueueFull:
				full++
			}
		}
		mean := sum / time.Duration(served)
		if mean < floor || mean >= tc.wantMeanBelow {
			t.Errorf("load %.1f: mean latency %s, want from %s to below %s", tc.load, mean, floor, tc.wantMeanBelow)
		}
		if mean <= last {
			t.Errorf("load %.1f: mean latency %s, not above the lower load's %s", tc.load, mean, last)
		}
		if share := float64(full) / n; share < tc.want429[0] || share > tc.want429[1] {
			t.Errorf("load %.1f: %d of %d answered 429, want a share in %v", tc.load, full, n, tc.want429)
		}
		t.Logf("load %.1f: mean latency %s, %d of %d answered 429", tc.load, mean, full, n)
		last = mean
	}
}

func TestCapacityConfigChecked(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"off", Config{}, ""},
		{"a capacity", Config{Capacity: 40, Queue: 2}, ""},
		{"negative capacity", Config{Capacity: -1}, "--capacity is -1"},
		{"NaN capacity", Config{Capacity: math.NaN()}, "--capacity"},
		{"infinite capacity", Config{Capacity: math.Inf(1)}, "--capacity"},
		{"negative queue", Config{Capacity: 40, Queue: -1}, "--queue is -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHandler(tc.cfg)
			if err == nil {
				h.Close()
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// startTweaked serves cfg on 127.0.0.1:0 until the test ends, after tweak
// has set the handler's test hooks and clocks.
func startTweaked(t *testing.T, cfg Config, tweak func(h *Handler)) *Server {
	t.Helper()
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	tweak(h)
	s, err := serve(h, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// TestCapacityAnswers runs requests one after another against a sandbox whose
// capacity clock stands still: every admitted request stays in the queue, so
// the queue fills deterministically.
func TestCapacityAnswers(t *testing.T) {
	tests := []struct {
		name      string
		capacity  float64
		queue     int
		timeout   time.Duration // the router's timeout, shortened for the test
		want      []int
		wantRetry string
		wantFault string // of the last request
	}{
		{name: "off", capacity: 0, want: []int{200, 200, 200, 200}},
		{name: "queue full answers 429", capacity: 1000, queue: 1, timeout: routerTimeout,
			want: []int{200, 200, 429}, wantRetry: "1", wantFault: "queue-full"},
		{name: "a turn past the router's timeout gets Heroku's 503 page", capacity: 0.01, queue: 4, timeout: time.Millisecond,
			want: []int{503}, wantFault: "router-timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Capacity, cfg.Queue = tc.capacity, tc.queue
			clock := newFakeClock()
			s := startTweaked(t, cfg, func(h *Handler) {
				h.queue.now = clock.now
				h.queue.timeout = tc.timeout
			})
			var last reply
			for i, want := range tc.want {
				last = postCustomer(t, s, customerJSON(int64(i+1), "Q"+string(rune('A'+i))))
				if last.status != want {
					t.Fatalf("request %d: %d %s, want %d", i+1, last.status, last.body, want)
				}
			}
			if got := last.header.Get("Retry-After"); got != tc.wantRetry {
				t.Errorf("Retry-After %q, want %q", got, tc.wantRetry)
			}
			switch last.status {
			case 429:
				if last.errorBody(t).Code != codeThrottled {
					t.Errorf("429 body %s", last.body)
				}
			case 503:
				if !strings.Contains(last.body, "<title>Application Error</title>") {
					t.Errorf("503 is not Heroku's page: %s", last.body)
				}
			}
			recs := s.Requests()
			if got := recs[len(recs)-1].Fault; got != tc.wantFault {
				t.Errorf("recorded fault %q, want %q", got, tc.wantFault)
			}
			cs, _ := s.Customers(context.Background())
			if stored := countStatus(tc.want, 200); len(cs) != stored {
				t.Errorf("stored %d, want %d: a 429 or 503 stores nothing", len(cs), stored)
			}
		})
	}
}

// countStatus counts want in statuses: the creates a test expects stored.
func countStatus(statuses []int, want int) int {
	n := 0
	for _, s := range statuses {
		if s == want {
			n++
		}
	}
	return n
}

func TestCapacityEndpoint(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		header     http.Header
		body       string
		wantStatus int
		wantState  capacityState // after the request, read with GET
		wantInBody string
	}{
		{name: "read", method: "GET", wantStatus: 200, wantState: capacityState{Capacity: 40, Queue: 3}},
		{name: "set a number", method: "PUT", body: "25", wantStatus: 200, wantState: capacityState{Capacity: 25, Queue: 3}},
		{name: "set with JSON", method: "PUT", body: `{"capacity": 12.5}`, wantStatus: 200, wantState: capacityState{Capacity: 12.5, Queue: 3}},
		{name: "turn off", method: "PUT", body: "0\n", wantStatus: 200, wantState: capacityState{Capacity: 0, Queue: 3}},
		{name: "negative", method: "PUT", body: "-5", wantStatus: 400, wantInBody: "0 or more",
			wantState: capacityState{Capacity: 40, Queue: 3}},
		{name: "not a number", method: "PUT", body: "fast", wantStatus: 400, wantInBody: "for example",
			wantState: capacityState{Capacity: 40, Queue: 3}},
		{name: "empty", method: "PUT", body: "", wantStatus: 400, wantInBody: "for example",
			wantState: capacityState{Capacity: 40, Queue: 3}},
		{name: "needs the keys", method: "PUT", header: http.Header{}, body: "1", wantStatus: 401,
			wantState: capacityState{Capacity: 40, Queue: 3}},
		{name: "POST not allowed", method: "POST", body: "1", wantStatus: 405,
			wantState: capacityState{Capacity: 40, Queue: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Capacity, cfg.Queue = 40, 3
			s := startServer(t, cfg, nil)
			hdr := tc.header
			if hdr == nil {
				hdr = authHeaders()
			}
			r := do(t, http.DefaultClient, tc.method, s.URL+"/sandbox/capacity", hdr, tc.body)
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tc.wantStatus, r.body)
			}
			if !strings.Contains(r.body, tc.wantInBody) {
				t.Errorf("body %s, want it to contain %q", r.body, tc.wantInBody)
			}
			g := do(t, http.DefaultClient, "GET", s.URL+"/sandbox/capacity", authHeaders(), "")
			var got capacityState
			if err := json.Unmarshal([]byte(g.body), &got); err != nil {
				t.Fatalf("GET: %v: %s", err, g.body)
			}
			if got != tc.wantState {
				t.Errorf("state %+v, want %+v", got, tc.wantState)
			}
		})
	}
}

// TestCapacityChangeReachesAWaitingRequest: a request waiting for its turn
// (20 s at 0.05 requests per second, on a clock that stands still) is
// answered as soon as the capacity is raised or turned off.
func TestCapacityChangeReachesAWaitingRequest(t *testing.T) {
	for _, body := range []string{"1000", "0"} {
		t.Run("PUT "+body, func(t *testing.T) {
			cfg := testConfig()
			cfg.Capacity = 0.05
			waiting := make(chan struct{}, 1)
			clock := newFakeClock()
			s := startTweaked(t, cfg, func(h *Handler) {
				h.queue.now = clock.now
				h.waiting = func() { waiting <- struct{}{} }
			})
			answered := make(chan reply, 1)
			go func() {
				r, err := send(context.Background(), http.DefaultClient, "POST", s.URL+"/api/customers",
					authHeaders(), strings.NewReader(fullBody))
				if err != nil {
					t.Error(err)
				}
				answered <- r
			}()
			<-waiting
			if r := do(t, http.DefaultClient, "PUT", s.URL+"/sandbox/capacity", authHeaders(), body); r.status != 200 {
				t.Fatalf("PUT: %d %s", r.status, r.body)
			}
			select {
			case r := <-answered:
				if r.status != 200 {
					t.Errorf("the waiting request got %d %s", r.status, r.body)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the waiting request was not answered after the capacity change")
			}
		})
	}
}
