package send

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"owr-import/importer/ledger"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// reply is what the fake API does with one request.
type reply struct {
	status     int    // answer with this status (0 = create the customer: 201, or 409 when it exists)
	body       string // body for status answers
	retryAfter string
	drop       bool // create, then close the connection without an answer
	hang       bool // hold the request until the client gives up
	drip       bool // create, answer 201 at once, then the body a byte at a time until the client gives up
}

// fakeAPI is a scripted Customers API on 127.0.0.1. script decides each
// request's fate from the extCustomerId and the how-many-th attempt it is.
type fakeAPI struct {
	t        *testing.T
	script   func(ext int64, attempt int) reply
	arrived  chan int64 // every request's extCustomerId, if not nil (non-blocking)
	mu       sync.Mutex
	attempts map[int64]int
	stored   map[int64]int64
	times    []time.Time
	release  chan struct{}
}

func newFakeAPI(t *testing.T, script func(ext int64, attempt int) reply, timeout ...time.Duration) (*fakeAPI, *owrapi.Client) {
	f := &fakeAPI{t: t, script: script, attempts: map[int64]int{}, stored: map[int64]int64{}, release: make(chan struct{})}
	limit := 2 * time.Second
	if len(timeout) > 0 {
		limit = timeout[0]
	}
	c, _ := setup(t, f.serve, func(cc *owrapi.ClientConfig) { cc.Timeout = limit })
	t.Cleanup(func() { close(f.release) })
	return f, c
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ExtCustomerID int64 `json:"extCustomerId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	ext := body.ExtCustomerID
	f.mu.Lock()
	f.attempts[ext]++
	n := f.attempts[ext]
	f.times = append(f.times, time.Now())
	f.mu.Unlock()
	if f.arrived != nil {
		select {
		case f.arrived <- ext:
		default:
		}
	}
	rep := f.script(ext, n)
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	switch {
	case rep.hang:
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	case rep.status != 0:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		io.WriteString(w, rep.body)
		return
	}
	f.mu.Lock()
	id, exists := f.stored[ext]
	if !exists {
		id = 10_000 + ext
		f.stored[ext] = id
	}
	f.mu.Unlock()
	if rep.drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if rep.drip {
		f.dripCreated(w, r, id, ext)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if exists {
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"errorCode":"CUSTOMER_EXT_ID_EXISTS","message":"a customer with this extCustomerId already exists"}`)
		return
	}
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"companyId":2,"customerId":%d,"extCustomerId":%d}`, id, ext)
}

// dripCreated sends the headers of a 201 at once, then its body one byte
// every 20ms, until the client hangs up.
func (f *fakeAPI) dripCreated(w http.ResponseWriter, r *http.Request, id, ext int64) {
	body := fmt.Sprintf(`{"companyId":2,"customerId":%d,"extCustomerId":%d}`, id, ext)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	rc := http.NewResponseController(w)
	rc.Flush()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i = min(i+1, len(body)-1) {
		select {
		case <-r.Context().Done():
			return
		case <-f.release:
			return
		case <-tick.C:
		}
		if i == len(body)-1 {
			continue // never the last byte: the answer never completes
		}
		io.WriteString(w, body[i:i+1])
		rc.Flush()
	}
}

func (f *fakeAPI) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.times)
}

func jobsFor(exts ...int64) []Job {
	jobs := make([]Job, len(exts))
	for i, ext := range exts {
		jobs[i] = Job{Row: int(ext) + 1, ExtCustomerID: ext, ExtCustomerNumber: fmt.Sprint("K-", ext),
			Body: []byte(fmt.Sprintf(`{"extCustomerId":%d}`, ext)), Origin: row.Origin{File: "export.csv", OrigRow: int(ext) + 1}}
	}
	return jobs
}

func seq(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// testOpts are fast submission options: millisecond backoffs.
func testOpts(workers int) SubmitOptions {
	return SubmitOptions{Workers: workers, Retries: 3, BackoffInitial: 2 * time.Millisecond, BackoffMax: 10 * time.Millisecond,
		Grace: 100 * time.Millisecond, MaxOutage: 10 * time.Second}
}

type submitRun struct {
	stats    SubmitStats
	err      error
	state    *ledger.State
	outcomes map[int64]row.Outcome // by extCustomerId, from OnOutcome
	elapsed  time.Duration
}

// runSubmit feeds jobs to Submit with a fresh journal and reads the journal back.
func runSubmit(t *testing.T, ctx context.Context, c *owrapi.Client, jobs []Job, opts SubmitOptions) submitRun {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.journal.csv")
	j, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan Job, len(jobs))
	for _, job := range jobs {
		ch <- job
	}
	close(ch)
	run := submitRun{outcomes: map[int64]row.Outcome{}}
	opts.OnOutcome = func(o row.Outcome) {
		if _, dup := run.outcomes[o.ExtCustomerID]; dup {
			t.Errorf("two outcomes for ext %d", o.ExtCustomerID)
		}
		run.outcomes[o.ExtCustomerID] = o
	}
	start := time.Now()
	run.stats, run.err = Submit(ctx, c, j, ch, opts)
	run.elapsed = time.Since(start)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	state, err := ledger.Read(path)
	run.state = state
	if err != nil {
		t.Fatalf("ledger.Read: %v", err)
	}
	if run.stats.Finished != len(run.outcomes) || run.state.Rows() != len(run.outcomes) {
		t.Errorf("finished %d, OnOutcome %d, journal rows %d: every started job must end with exactly one journaled outcome",
			run.stats.Finished, len(run.outcomes), run.state.Rows())
	}
	if run.stats.Started != run.stats.Finished {
		t.Errorf("started %d jobs but finished %d", run.stats.Started, run.stats.Finished)
	}
	return run
}

func TestSubmitOutcomes(t *testing.T) {
	const (
		extCreated = iota + 1
		extRejected
		extConflict
		extDropThen409
		extResent409
		ext503Twice
		ext500Always
		extHangThenOK
		extUnreadable
		extDropAlways
		ext503Then409
	)
	_, c := newFakeAPI(t, func(ext int64, n int) reply {
		switch ext {
		case extRejected:
			return reply{status: 400, body: `{"errorCode":"INVALID_FIELD","message":"enterpriseNumber is not a VAT number"}`}
		case extConflict, extResent409:
			return reply{status: 409, body: `{"errorCode":"CUSTOMER_NUMBER_EXISTS","message":"extCustomerNumber already used"}`}
		case extDropThen409:
			return reply{drop: n == 1}
		case ext503Twice:
			if n <= 2 {
				return reply{status: 503, body: "<html><title>Application Error</title></html>"}
			}
		case ext500Always:
			return reply{status: 500, body: `{"message":"unexpected technical error"}`}
		case extHangThenOK:
			return reply{hang: n == 1}
		case extUnreadable:
			return reply{status: 200, body: "<html>OK</html>"}
		case extDropAlways:
			return reply{drop: true}
		case ext503Then409:
			if n == 1 { // Heroku's router gave up while the app stored the customer
				return reply{status: 503, body: "<html><title>Application Error</title></html>"}
			}
			return reply{status: 409, body: `{"errorCode":"CUSTOMER_EXT_ID_EXISTS","message":"already exists"}`}
		}
		return reply{}
	}, 150*time.Millisecond)
	jobs := jobsFor(seq(ext503Then409)...)
	jobs[extResent409-1].MayExist = true
	opts := testOpts(1) // one worker: the rows' failures meet in a known order
	opts.Retries = 2
	run := runSubmit(t, context.Background(), c, jobs, opts)
	if run.err != nil {
		t.Fatalf("Submit: %v", run.err)
	}
	tests := []struct {
		name       string
		ext        int64
		status     row.Status
		http       int
		code       string
		attempts   int
		unanswered bool
		errHas     string
	}{
		{"created", extCreated, row.StatusCreated, 0, "", 1, false, ""},
		{"400 rejected", extRejected, row.StatusRejected, 400, "INVALID_FIELD", 1, false, "not a VAT number"},
		{"409 conflict", extConflict, row.StatusConflict, 409, "CUSTOMER_NUMBER_EXISTS", 1, false, "already used"},
		{"drop then 409 is in doubt", extDropThen409, row.StatusInDoubt, 409, "CUSTOMER_EXT_ID_EXISTS", 2, true, "most likely this run created it"},
		{"resent row 409 is in doubt", extResent409, row.StatusInDoubt, 409, "CUSTOMER_NUMBER_EXISTS", 1, false, "earlier run"},
		{"503 twice then created", ext503Twice, row.StatusCreated, 0, "", 3, true, ""},
		{"500 until retries run out", ext500Always, row.StatusFailed, 500, "", 3, true, "still failing after 3 attempts"},
		{"503 then 409 is in doubt", ext503Then409, row.StatusInDoubt, 409, "CUSTOMER_EXT_ID_EXISTS", 2, true, "most likely this run created it"},
		{"timeout then created", extHangThenOK, row.StatusCreated, 0, "", 2, true, ""},
		{"unreadable 200", extUnreadable, row.StatusInDoubt, 200, owrapi.CodeUnreadableAnswer, 1, true, "check the customer in Onlinewerkrooster"},
		{"never answered", extDropAlways, row.StatusFailed, 0, "", 3, true, "may have been created"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := run.outcomes[tt.ext]
			if o.Status != tt.status || o.HTTPStatus != tt.http || o.ErrorCode != tt.code || o.Attempts != tt.attempts ||
				o.Unanswered != tt.unanswered || !strings.Contains(o.Error, tt.errHas) {
				t.Errorf("outcome %+v\nwant status %s http %d code %q attempts %d unanswered %v error containing %q",
					o, tt.status, tt.http, tt.code, tt.attempts, tt.unanswered, tt.errHas)
			}
			if tt.status == row.StatusCreated && o.CustomerID != 10_000+tt.ext {
				t.Errorf("customerId %d, want %d", o.CustomerID, 10_000+tt.ext)
			}
			e, ok := run.state.Orig(int(tt.ext) + 1)
			if !ok || e.Status != o.Status || e.CustomerID != o.CustomerID || e.ErrorCode != o.ErrorCode || e.Unanswered != o.Unanswered {
				t.Errorf("journal has %+v, want the outcome %+v", e, o)
			}
		})
	}
	if got := run.stats.Counts[row.StatusCreated]; got != 3 {
		t.Errorf("stats count %d created, want 3", got)
	}
	// The next run must treat these as possibly created: a 409 then is in_doubt.
	for _, ext := range []int64{extDropThen409, extResent409, extDropAlways, ext500Always} {
		if !run.state.MayExist(ext) {
			t.Errorf("ext %d: the journal does not remember it may exist", ext)
		}
	}
	if run.state.MayExist(extConflict) {
		t.Error("rows that were answered are remembered as unanswered")
	}
}

func TestSubmitUnauthorizedSendsOneRequest(t *testing.T) {
	api, c := newFakeAPI(t, func(int64, int) reply {
		return reply{status: 401, body: `{"message":"invalid api key"}`}
	})
	run := runSubmit(t, context.Background(), c, jobsFor(seq(100)...), testOpts(4))
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortUnauthorized {
		t.Fatalf("Submit error %v, want an unauthorized AbortError", run.err)
	}
	if !strings.Contains(abort.Message, "OWR_API_KEY") {
		t.Errorf("message %q does not say what to check", abort.Message)
	}
	if n := api.total(); n != 1 {
		t.Fatalf("%d requests reached the API, want exactly 1", n)
	}
	if len(run.outcomes) != 1 {
		t.Fatalf("%d outcomes, want the one row that was sent", len(run.outcomes))
	}
	for _, o := range run.outcomes {
		if o.Status != row.StatusFailed || o.HTTPStatus != 401 {
			t.Errorf("the refused row: %+v", o)
		}
	}
}

func TestSubmitUnauthorizedMidRun(t *testing.T) {
	var mu sync.Mutex
	count := 0
	api, c := newFakeAPI(t, func(int64, int) reply {
		mu.Lock()
		defer mu.Unlock()
		count++
		if count > 10 {
			return reply{status: 401, body: "key revoked"}
		}
		return reply{}
	})
	opts := testOpts(4)
	run := runSubmit(t, context.Background(), c, jobsFor(seq(100)...), opts)
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortUnauthorized {
		t.Fatalf("Submit error %v, want unauthorized", run.err)
	}
	if n := api.total(); n > 10+opts.Workers {
		t.Fatalf("%d requests after the keys were refused at request 11; at most the %d in flight may follow", n, opts.Workers)
	}
}

func TestSubmitOutageAborts(t *testing.T) {
	api, c := newFakeAPI(t, func(int64, int) reply {
		return reply{status: 503, body: "<html><title>Application Error</title></html>"}
	})
	opts := testOpts(3)
	opts.MaxOutage = 200 * time.Millisecond
	run := runSubmit(t, context.Background(), c, jobsFor(seq(50)...), opts)
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortUnavailable {
		t.Fatalf("Submit error %v, want an unavailable AbortError", run.err)
	}
	if !strings.Contains(abort.Message, "unavailable") || !strings.Contains(abort.Message, "HTTP 503") {
		t.Errorf("message %q", abort.Message)
	}
	if run.stats.Started == 0 || run.stats.Started >= 50 {
		t.Errorf("%d rows started; want some, not all", run.stats.Started)
	}
	for _, o := range run.outcomes {
		if o.Status != row.StatusFailed || o.HTTPStatus != 503 {
			t.Errorf("row %d: %+v", o.Row, o)
		}
	}
	total := api.total()
	if total < 4 {
		t.Errorf("only %d requests: the outage was not ridden for MaxOutage", total)
	}
}

func TestSubmitInterrupted(t *testing.T) {
	// The first request of a run goes alone, and any worker's row may be the
	// one that goes first: that row is answered, every later one hangs.
	var answered atomic.Int64
	api, c := newFakeAPI(t, func(ext int64, n int) reply {
		answered.CompareAndSwap(0, ext)
		return reply{hang: ext != answered.Load()}
	}, time.Minute)
	api.arrived = make(chan int64, 100)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		arrivals := 0
		for range api.arrived {
			arrivals++
			if arrivals == 4 { // the answered row, then every worker stuck in a request: Ctrl-C
				cancel()
				return
			}
		}
	}()
	opts := testOpts(3)
	opts.Grace = 100 * time.Millisecond
	run := runSubmit(t, ctx, c, jobsFor(seq(20)...), opts)
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortInterrupted {
		t.Fatalf("Submit error %v, want interrupted", run.err)
	}
	if run.elapsed > 5*time.Second {
		t.Errorf("Submit took %s to stop; in-flight requests get only the grace", run.elapsed)
	}
	first := answered.Load()
	if run.outcomes[first].Status != row.StatusCreated {
		t.Errorf("the answered row: %+v", run.outcomes[first])
	}
	hung := 0
	for ext, o := range run.outcomes {
		if ext == first {
			continue
		}
		hung++
		if o.Status != row.StatusFailed || !o.Unanswered || !strings.Contains(o.Error, "may have been created") {
			t.Errorf("cancelled row %d: %+v", ext, o)
		}
		if !run.state.MayExist(ext) {
			t.Errorf("cancelled row %d is not remembered as possibly created", ext)
		}
	}
	if hung != 3 {
		t.Errorf("%d rows were cut short, want the 3 in flight", hung)
	}
	if run.stats.Started != 4 {
		t.Errorf("%d rows started, want 4: no new row after Ctrl-C", run.stats.Started)
	}
}

func TestSubmitHonoursRetryAfterAndSlowsDown(t *testing.T) {
	_, c := newFakeAPI(t, func(ext int64, n int) reply {
		if n == 1 {
			return reply{status: 429, retryAfter: "1", body: `{"errorCode":"TOO_MANY_REQUESTS","message":"slow down"}`}
		}
		return reply{}
	})
	opts := testOpts(1)
	opts.Rate = 100
	run := runSubmit(t, context.Background(), c, jobsFor(1), opts)
	if run.err != nil || run.outcomes[1].Status != row.StatusCreated || run.outcomes[1].Attempts != 2 {
		t.Fatalf("Submit: %v, %+v", run.err, run.outcomes[1])
	}
	if run.elapsed < time.Second {
		t.Errorf("retried after %s, before the API's Retry-After of 1s", run.elapsed)
	}
	if run.stats.Throttled != 1 || run.stats.FinalRate != 50 {
		t.Errorf("after one 429: throttled %d, rate %v/s; want 1 and 50/s", run.stats.Throttled, run.stats.FinalRate)
	}
}

func TestSubmitRetriesPayForTokens(t *testing.T) {
	api, c := newFakeAPI(t, func(ext int64, n int) reply {
		if n == 1 {
			return reply{status: 500, body: `{"message":"hiccup"}`}
		}
		return reply{}
	})
	opts := testOpts(4)
	opts.Rate, opts.Burst = 50, 1
	run := runSubmit(t, context.Background(), c, jobsFor(seq(10)...), opts)
	if run.err != nil || run.stats.Requests != 20 {
		t.Fatalf("Submit: %v, %d requests; want 20", run.err, run.stats.Requests)
	}
	api.mu.Lock()
	times := slices.Clone(api.times)
	api.mu.Unlock()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	span := times[len(times)-1].Sub(times[0])
	// 20 attempts at 50/s with a burst of 1 need at least 19 intervals of 20ms.
	if min := 19*20*time.Millisecond - 30*time.Millisecond; span < min {
		t.Errorf("20 attempts within %s, want at least %s: retries must pay for tokens", span, min)
	}
}

func TestSubmitNoJobs(t *testing.T) {
	api, c := newFakeAPI(t, func(int64, int) reply { return reply{} })
	run := runSubmit(t, context.Background(), c, nil, testOpts(4))
	if run.err != nil || api.total() != 0 || run.stats.Started != 0 {
		t.Fatalf("Submit with no jobs: %v, %d requests", run.err, api.total())
	}
}
