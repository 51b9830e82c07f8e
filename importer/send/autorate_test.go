package send

import (
	"context"
	"errors"
	"math"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/sandbox"
	"strings"
	"testing"
	"time"
)

// simAPI is the sandbox's capacity model (sandbox/capacity.go) replayed on
// simulated time: one server answering capacity requests per second, one at
// a time, with at most depth waiting; a request arriving to a full queue
// gets 429 with Retry-After. extra is latency added to every answer (a
// slow API); storm answers 429 to everything while it says so.
type simAPI struct {
	capacity func(t time.Duration) float64
	depth    int
	extra    time.Duration
	storm    func(t time.Duration) bool

	admitted, served float64
}

// simRequest is a request in flight in the simulation.
type simRequest struct {
	sentAt   time.Duration
	ticket   float64 // served once the server's work reaches it; 0 = answered at doneAt
	doneAt   time.Duration
	status   int
	retryAft time.Duration
}

// advance runs the server for dt at the capacity in force at t.
func (q *simAPI) advance(t, dt time.Duration) {
	q.served = min(q.admitted, q.served+q.capacity(t)*dt.Seconds())
}

// arrive decides a request arriving at t, as sandbox's queue.arrive does.
func (q *simAPI) arrive(t time.Duration) simRequest {
	r := simRequest{sentAt: t}
	if q.storm != nil && q.storm(t) {
		r.status, r.doneAt, r.retryAft = 429, t+time.Millisecond, 2*time.Second
		return r
	}
	c := q.capacity(t)
	inQueue := q.admitted - q.served
	if math.Ceil(inQueue-1e-9) > float64(q.depth) {
		secs := max(1, math.Ceil((inQueue-float64(q.depth))/c))
		r.status, r.doneAt, r.retryAft = 429, t+time.Millisecond, time.Duration(secs)*time.Second
		return r
	}
	q.admitted++
	r.ticket, r.status = q.admitted, 201
	return r
}

// simulation is one scenario's set-up.
type simulation struct {
	api      *simAPI
	workers  int
	cfg      AutoConfig
	duration time.Duration
	sleepAt  time.Duration // 0: never; the laptop sleeps 8 hours at this time
}

// simTrace is what happened, sampled every 100 ms of simulated time.
type simTrace struct {
	at       []time.Duration
	rates    []float64
	requests int
	sends    []time.Duration // when each request left
	refused  int             // 429 and 503 answers
	auto     *AutoRate
	clock    *fakeClock
}

// rateAt is the controller's rate at simulated time t.
func (tr simTrace) rateAt(t time.Duration) float64 {
	r := 0.0
	for i, at := range tr.at {
		if at > t {
			break
		}
		r = tr.rates[i]
	}
	return r
}

// firstAtLeast is the first time the rate reached r, or -1.
func (tr simTrace) firstAtLeast(r float64) time.Duration {
	for i, v := range tr.rates {
		if v >= r {
			return tr.at[i]
		}
	}
	return -1
}

// sentBetween is how many requests left in [from, to), per second.
func (tr simTrace) sentBetween(from, to time.Duration) float64 {
	n := 0
	for _, at := range tr.sends {
		if at >= from && at < to {
			n++
		}
	}
	return float64(n) / (to - from).Seconds()
}

// boundsBetween bounds the rate over [from, to].
func (tr simTrace) boundsBetween(from, to time.Duration) (lo, hi float64) {
	lo, hi = math.Inf(1), 0
	for i, at := range tr.at {
		if at >= from && at <= to {
			lo, hi = min(lo, tr.rates[i]), max(hi, tr.rates[i])
		}
	}
	return lo, hi
}

// run simulates the pacer (a token bucket of burst 1 at the controller's
// rate, held while the API's Retry-After runs), the workers and the API, in
// steps of one millisecond on a fake clock.
func (s simulation) run() simTrace {
	const step = time.Millisecond
	clk := newFakeClock()
	start := clk.Now()
	auto := NewAutoRate(s.cfg)
	tr := simTrace{auto: auto, clock: clk}
	var inFlight []simRequest
	var nextSend, pauseUntil time.Duration
	for t := time.Duration(0); t < s.duration; t += step {
		if s.sleepAt > 0 && t == s.sleepAt {
			t = s.sleep(clk, start, auto, &inFlight, t)
			nextSend = t
		}
		clk.Advance(start.Add(t).Sub(clk.Now()))
		s.api.advance(t, step)
		inFlight = s.answer(auto, start, t, inFlight, &pauseUntil, &tr)
		for len(inFlight) < s.workers && t >= nextSend && t >= pauseUntil {
			auto.sent(start.Add(t))
			inFlight = append(inFlight, s.api.arrive(t))
			tr.requests++
			tr.sends = append(tr.sends, t)
			nextSend = t + time.Duration(float64(time.Second)/auto.Rate())
		}
		if t%(100*time.Millisecond) == 0 {
			tr.at, tr.rates = append(tr.at, t), append(tr.rates, auto.Rate())
		}
	}
	return tr
}

// answer feeds the controller the answers due at t and returns the
// requests still in flight.
func (s simulation) answer(auto *AutoRate, start time.Time, t time.Duration, inFlight []simRequest, pauseUntil *time.Duration, tr *simTrace) []simRequest {
	keep := inFlight[:0]
	for _, r := range inFlight {
		if r.ticket > 0 && s.api.served >= r.ticket-1e-9 {
			r.ticket, r.doneAt = 0, t+s.api.extra
		}
		if r.ticket > 0 || r.doneAt > t {
			keep = append(keep, r)
			continue
		}
		kind := sampleAnswered
		if r.status == 429 {
			kind = sampleThrottled
			tr.refused++
		}
		_, _, pause := auto.observe(sample{kind: kind, sentAt: start.Add(r.sentAt), at: start.Add(t), retryAfter: r.retryAft})
		if !pause.IsZero() {
			*pauseUntil = max(*pauseUntil, pause.Sub(start))
		}
	}
	return keep
}

// sleep pauses the laptop for 8 hours at t: the API serves what was queued
// meanwhile, and every request in flight is answered at wake-up, 8 hours
// after it left. It returns the time at wake-up.
func (s simulation) sleep(clk *fakeClock, start time.Time, auto *AutoRate, inFlight *[]simRequest, t time.Duration) time.Duration {
	wake := t + 8*time.Hour
	clk.Advance(start.Add(wake).Sub(clk.Now()))
	s.api.served = s.api.admitted
	for _, r := range *inFlight {
		auto.observe(sample{kind: sampleAnswered, sentAt: start.Add(r.sentAt), at: start.Add(wake)})
	}
	*inFlight = (*inFlight)[:0]
	return wake
}

func constant(c float64) func(time.Duration) float64 {
	return func(time.Duration) float64 { return c }
}

func TestAutoRateScenarios(t *testing.T) {
	tests := []struct {
		name  string
		sim   simulation
		check func(t *testing.T, tr simTrace)
	}{
		{"steady state: reaches 90% of capacity within 20 s, under 1% refused",
			simulation{api: &simAPI{capacity: constant(40), depth: 4}, workers: 16, duration: 120 * time.Second},
			func(t *testing.T, tr simTrace) {
				if at := tr.firstAtLeast(36); at < 0 || at > 20*time.Second {
					t.Errorf("reached 36/s at %s, want within 20 s", at)
				}
				if lo, hi := tr.boundsBetween(30*time.Second, 120*time.Second); lo < 30 || hi > 46 {
					t.Errorf("after 30 s the rate ranged %.1f..%.1f/s, want it near the capacity of 40", lo, hi)
				}
				if share := float64(tr.refused) / float64(tr.requests); share >= 0.01 {
					t.Errorf("%d of %d requests refused (%.2f%%), want under 1%%", tr.refused, tr.requests, 100*share)
				}
			}},
		{"a slow API: a high latency that does not climb is not overload",
			simulation{api: &simAPI{capacity: constant(40), depth: 4, extra: 600 * time.Millisecond}, workers: 16, duration: 60 * time.Second},
			func(t *testing.T, tr simTrace) {
				// 16 workers waiting 0.625 s each send 25.6/s at most.
				if got := tr.sentBetween(20*time.Second, 60*time.Second); got < 24 {
					t.Errorf("sent %.1f requests/s, want the 25.6/s the workers can send", got)
				}
				if _, hi := tr.boundsBetween(0, 60*time.Second); hi > 40 {
					t.Errorf("the rate ran up to %.1f/s while the workers sent 25/s", hi)
				}
				if r := tr.auto.Report(tr.clock.Now()); r.LoweredLatency > 0 || r.LoweredThrottled > 0 {
					t.Errorf("lowered for latency %d times, for 429 %d times; the API was slow, never overloaded", r.LoweredLatency, r.LoweredThrottled)
				}
			}},
		{"a 429 storm: lowered once per Retry-After, never below the minimum, back up after",
			simulation{api: &simAPI{capacity: constant(40), depth: 4, storm: func(t time.Duration) bool { return t >= 30*time.Second && t < 40*time.Second }},
				workers: 16, duration: 70 * time.Second},
			func(t *testing.T, tr simTrace) {
				r := tr.auto.Report(tr.clock.Now())
				// 10 s of storm, Retry-After 2 s: at most one decrease per
				// 2 s hold, plus the one that starts it.
				if r.LoweredThrottled > 6 {
					t.Errorf("lowered %d times for 429 in a 10 s storm with Retry-After 2 s, want at most 6", r.LoweredThrottled)
				}
				if lo, _ := tr.boundsBetween(30*time.Second, 40*time.Second); lo < autoMinRate {
					t.Errorf("the rate fell to %.2f/s, below the minimum %v", lo, autoMinRate)
				}
				if _, hi := tr.boundsBetween(31*time.Second, 40*time.Second); hi >= tr.rateAt(29*time.Second) {
					t.Errorf("the rate stayed at %.1f/s during the storm", hi)
				}
				if got := tr.rateAt(60 * time.Second); got < 36 {
					t.Errorf("20 s after the storm the rate is %.1f/s, want back at 36 or more", got)
				}
			}},
		{"a capacity drop: under the new capacity within 3 s",
			simulation{api: &simAPI{capacity: func(t time.Duration) float64 {
				if t >= 60*time.Second {
					return 20
				}
				return 40
			}, depth: 4}, workers: 16, duration: 100 * time.Second},
			func(t *testing.T, tr simTrace) {
				if _, hi := tr.boundsBetween(63*time.Second, 100*time.Second); hi >= 23 {
					t.Errorf("after the drop to 20/s the rate reached %.1f/s", hi)
				}
				if got := tr.rateAt(63 * time.Second); got >= 20 {
					t.Errorf("3 s after the drop the rate is %.1f/s, want under 20", got)
				}
				if lo, _ := tr.boundsBetween(80*time.Second, 100*time.Second); lo < 15 {
					t.Errorf("the rate fell to %.1f/s, want it to find the new capacity", lo)
				}
				if share := float64(tr.refused) / float64(tr.requests); share >= 0.02 {
					t.Errorf("%d of %d refused (%.2f%%), want under 2%%", tr.refused, tr.requests, 100*share)
				}
			}},
		{"a laptop that slept: 8-hour answers are not a slow API",
			simulation{api: &simAPI{capacity: constant(40), depth: 4}, workers: 16, duration: 8*time.Hour + 60*time.Second, sleepAt: 30 * time.Second},
			func(t *testing.T, tr simTrace) {
				before, wake := tr.rateAt(30*time.Second-100*time.Millisecond), 8*time.Hour+30*time.Second
				if got := tr.rateAt(wake); got != before {
					t.Errorf("the rate went from %.1f to %.1f/s over the sleep", before, got)
				}
				if lo, _ := tr.boundsBetween(wake, wake+30*time.Second); lo < 30 {
					t.Errorf("after the sleep the rate fell to %.1f/s", lo)
				}
				if r := tr.auto.Report(tr.clock.Now()); strings.Contains(r.Why, "8h") || strings.Contains(r.Why, "28800") {
					t.Errorf("the sleep shows as latency: %s", r.Why)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tt.sim.run()
			tt.check(t, tr)
			if t.Failed() {
				for i := 0; i < len(tr.at); i += 10 {
					t.Logf("%6.1fs %.1f/s", tr.at[i].Seconds(), tr.rates[i])
				}
			}
		})
	}
}

// feed sends n requests at rate r from the controller's clock at, and
// answers each after latency with kind; it returns the time after them.
func feed(a *AutoRate, at time.Time, n int, every, latency time.Duration, kind sampleKind, retryAfter time.Duration) time.Time {
	for range n {
		a.sent(at)
		a.observe(sample{kind: kind, sentAt: at, at: at.Add(latency), retryAfter: retryAfter})
		at = at.Add(every)
	}
	return at
}

func TestAutoRateRules(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		cfg   AutoConfig
		run   func(a *AutoRate) time.Time
		check func(t *testing.T, a *AutoRate, r AutoReport)
	}{
		{"starts low, at the default", AutoConfig{}, func(a *AutoRate) time.Time { return t0 },
			func(t *testing.T, a *AutoRate, r AutoReport) {
				if a.Rate() != DefaultAutoStart || r.Max != DefaultRateMax {
					t.Errorf("rate %v, ceiling %v; want %v and %v", a.Rate(), r.Max, DefaultAutoStart, DefaultRateMax)
				}
			}},
		{"never above the ceiling", AutoConfig{Start: 8, Max: 12}, func(a *AutoRate) time.Time {
			return feed(a, t0, 400, 20*time.Millisecond, 10*time.Millisecond, sampleAnswered, 0)
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if a.Rate() != 12 || !strings.Contains(r.Why, "ceiling") {
				t.Errorf("rate %v (%s), want the ceiling 12", a.Rate(), r.Why)
			}
		}},
		{"a volley of 429s for requests sent at one rate lowers it once", AutoConfig{Start: 20}, func(a *AutoRate) time.Time {
			for i := range 16 { // 16 workers' requests, all sent before the first answer
				a.sent(t0.Add(time.Duration(i) * time.Millisecond))
			}
			for i := range 16 {
				a.observe(sample{kind: sampleThrottled, sentAt: t0.Add(time.Duration(i) * time.Millisecond), at: t0.Add(30 * time.Millisecond), retryAfter: time.Second})
			}
			return t0.Add(30 * time.Millisecond)
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if r.LoweredThrottled != 1 || a.Rate() != 20*autoThrottleCut {
				t.Errorf("lowered %d times to %v, want once to %v", r.LoweredThrottled, a.Rate(), 20*autoThrottleCut)
			}
			if !strings.Contains(r.Why, "429") || !strings.Contains(r.Why, "1s") {
				t.Errorf("why %q does not name the 429 and its wait", r.Why)
			}
		}},
		{"no raise before the Retry-After has passed", AutoConfig{Start: 20}, func(a *AutoRate) time.Time {
			_, _, pause := a.observe(sample{kind: sampleThrottled, sentAt: t0, at: t0, retryAfter: 5 * time.Second})
			if want := t0.Add(5 * time.Second); !pause.Equal(want) {
				t.Errorf("hold until %v, want %v", pause, want)
			}
			return feed(a, t0, 100, 40*time.Millisecond, 10*time.Millisecond, sampleAnswered, 0) // 4 s
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if r.Raised != 0 {
				t.Errorf("raised %d times within the API's Retry-After", r.Raised)
			}
		}},
		{"a 503 lowers like a 429", AutoConfig{Start: 20}, func(a *AutoRate) time.Time {
			a.observe(sample{kind: sampleUnavailable, sentAt: t0, at: t0.Add(time.Second)})
			return t0.Add(time.Second)
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if r.LoweredUnavailable != 1 || a.Rate() >= 20 {
				t.Errorf("after a 503 the rate is %v, lowered %d times", a.Rate(), r.LoweredUnavailable)
			}
		}},
		{"failures without an answer hold the rate", AutoConfig{Start: 20}, func(a *AutoRate) time.Time {
			at := t0
			for range 100 {
				a.sent(at)
				a.observe(sample{kind: sampleAnswered, sentAt: at, at: at.Add(10 * time.Millisecond)})
				a.observe(sample{kind: sampleFailed, sentAt: at, at: at.Add(10 * time.Millisecond)})
				at = at.Add(50 * time.Millisecond)
			}
			return at
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if a.Rate() != 20 {
				t.Errorf("the rate moved to %v while requests failed", a.Rate())
			}
		}},
		{"a short run is not remembered", AutoConfig{Start: 20}, func(a *AutoRate) time.Time {
			return feed(a, t0, autoLearnSamples-1, 50*time.Millisecond, 10*time.Millisecond, sampleAnswered, 0)
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if r.Learned {
				t.Error("a run of a few answers is to be remembered")
			}
		}},
		{"the settled rate is the average of the last 30 s", AutoConfig{Start: 10, Max: 10}, func(a *AutoRate) time.Time {
			return feed(a, t0, 600, 100*time.Millisecond, 10*time.Millisecond, sampleAnswered, 0) // 60 s at 10/s
		}, func(t *testing.T, a *AutoRate, r AutoReport) {
			if r.Settled != 10 || !r.Learned {
				t.Errorf("settled %v (learned %v), want 10", r.Settled, r.Learned)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAutoRate(tt.cfg)
			end := tt.run(a)
			tt.check(t, a, a.Report(end))
		})
	}
}

func TestResumeFrom(t *testing.T) {
	tests := []struct{ settled, max, want float64 }{
		{40, 50, 36},
		{100, 50, 50},
		{0.5, 50, autoMinRate},
		{40, 0, 36},
	}
	for _, tt := range tests {
		if got := ResumeFrom(tt.settled, tt.max); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("ResumeFrom(%v, %v) = %v, want %v", tt.settled, tt.max, got, tt.want)
		}
	}
}

func TestPacerHoldsForRetryAfter(t *testing.T) {
	clk := newFakeClock()
	p := newAutoPacer(NewAutoRate(AutoConfig{Start: 100}), 1, clk)
	p.observe(sample{kind: sampleThrottled, sentAt: clk.Now(), at: clk.Now(), retryAfter: 2 * time.Second})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := p.wait(context.Background()); err != nil {
			t.Errorf("wait: %v", err)
		}
	}()
	if d := <-clk.armed; d != 2*time.Second {
		t.Errorf("held for %s, want the Retry-After of 2s", d)
	}
	select {
	case <-done:
		t.Fatal("a request left during the Retry-After")
	default:
	}
	clk.Advance(2 * time.Second)
	<-done
}

// TestSubmitAutoRateSandbox runs --rate auto against the sandbox's capacity
// model on loopback: the rate climbs from its start towards the capacity,
// few requests are refused, and every row is created exactly once.
func TestSubmitAutoRateSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("paced run")
	}
	const capacity, rows = 100, 600
	srv, err := sandbox.Start(sandbox.Config{DB: sandbox.MemoryDB, Capacity: capacity}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	auto := NewAutoRate(AutoConfig{Start: 10, Max: 2 * capacity})
	opts := testOpts(16)
	opts.Auto = auto
	run := runSubmit(t, context.Background(), sandboxClient(t, srv, 5*time.Second), customerJobs(t, rows), opts)
	if run.err != nil || run.stats.Counts[row.StatusCreated] != rows {
		t.Fatalf("Submit: %v, %v", run.err, run.stats.Counts)
	}
	created := map[int64]int{}
	refused := 0
	for _, r := range srv.Requests() {
		switch r.Status {
		case 201:
			created[r.ExtCustomerID]++
		case 429, 503:
			refused++
		}
	}
	for ext, n := range created {
		if n != 1 {
			t.Errorf("extCustomerId %d created %d times", ext, n)
		}
	}
	rep := auto.Report(time.Now())
	t.Logf("%.1fs, %d requests, %d refused; %+v", run.elapsed.Seconds(), run.stats.Requests, refused, rep)
	if rep.Raised == 0 || rep.Final <= 10 {
		t.Errorf("the rate never rose from its start: %+v", rep)
	}
	if share := float64(refused) / float64(run.stats.Requests); share > 0.05 {
		t.Errorf("%d of %d requests refused", refused, run.stats.Requests)
	}
}

func TestAutoRateResume(t *testing.T) {
	tests := []struct {
		name    string
		settled float64
		sentYet bool
		want    float64
		status  string
	}{
		{"near the last run's rate", 40, false, 36, "from the last run"},
		{"nothing remembered", 0, false, DefaultAutoStart, "starting"},
		{"too late once sending started", 40, true, DefaultAutoStart, "starting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAutoRate(AutoConfig{})
			if tt.sentYet {
				a.sent(time.Now())
			}
			a.Resume(tt.settled)
			r, why := a.Status()
			if math.Abs(r-tt.want) > 1e-9 || why != tt.status {
				t.Errorf("Status() = %v, %q; want %v, %q", r, why, tt.want, tt.status)
			}
		})
	}
}

// TestAutoPacerOneSlotAtATime: with --rate auto one worker at a time holds
// a reserved slot, so a new rate reaches the next request, not the one
// after a whole round of workers.
func TestAutoPacerOneSlotAtATime(t *testing.T) {
	clk := newFakeClock()
	p := newAutoPacer(NewAutoRate(AutoConfig{Start: 1}), 1, clk)
	if _, err := p.wait(context.Background()); err != nil { // the bucket's one token
		t.Fatal(err)
	}
	done := make(chan struct{}, 3)
	for range 3 {
		go func() {
			if _, err := p.wait(context.Background()); err == nil {
				done <- struct{}{}
			}
		}()
	}
	if d := <-clk.armed; d != time.Second {
		t.Fatalf("first slot in %s, want 1s at 1/s", d)
	}
	select {
	case d := <-clk.armed:
		t.Fatalf("a second worker reserved a slot (in %s) while one waited", d)
	default:
	}
	p.mu.Lock()
	p.lim.SetLimitAt(clk.Now(), 100) // as observe does when the rate rises
	p.mu.Unlock()
	clk.Advance(time.Second)
	<-done
	for range 2 {
		select {
		case d := <-clk.armed:
			if d > 20*time.Millisecond {
				t.Errorf("a slot %s away after the rate rose to 100/s", d)
			}
			clk.Advance(d)
		case <-done:
			continue
		}
		<-done
	}
}

func TestSampleOf(t *testing.T) {
	live := context.Background()
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		err  error
		kind sampleKind
		ok   bool
		wait time.Duration
	}{
		{"created", nil, sampleAnswered, true, 0},
		{"rejected row: the API answered", &owrapi.APIError{Status: 400}, sampleAnswered, true, 0},
		{"429 with Retry-After", &owrapi.APIError{Status: 429, RetryAfter: 3 * time.Second}, sampleThrottled, true, 3 * time.Second},
		{"503", &owrapi.APIError{Status: 503}, sampleUnavailable, true, 0},
		{"500: no raise", &owrapi.APIError{Status: 500}, sampleFailed, true, 0},
		{"no answer: no raise", &owrapi.TransportError{Err: errors.New("connection refused")}, sampleFailed, true, 0},
		{"401 is not about capacity", &owrapi.APIError{Status: 401}, 0, false, 0},
		{"cancelled by us", &owrapi.TransportError{Err: context.Canceled, Cancelled: true}, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := sampleOf(tt.err, classify(live, tt.err), t0, t0.Add(time.Second))
			if ok != tt.ok || (ok && (s.kind != tt.kind || s.retryAfter != tt.wait)) {
				t.Errorf("sampleOf = %+v, %v; want kind %v, wait %s, %v", s, ok, tt.kind, tt.wait, tt.ok)
			}
		})
	}
}
