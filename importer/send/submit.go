package send

import (
	"context"
	"errors"
	"fmt"
	"owr-import/importer/ledger"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/internal/clock"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"
)

// Submission defaults; the command line shows these same values in --help.
const (
	DefaultRate      = 10.0 // requests per second: conservative for a small SaaS
	DefaultBurst     = 1
	DefaultWorkers   = 4
	DefaultRetries   = 5
	DefaultMaxOutage = 2 * time.Minute
	DefaultGrace     = 10 * time.Second
)

// Job is one valid row ready to send: its body is encoded once and sent as
// is by every attempt. Resent says the journal shows an earlier run sent
// this row without learning the result, so a 409 for it means in_doubt.
type Job struct {
	Row               int
	ExtCustomerID     int64
	ExtCustomerNumber string
	Body              []byte
	MayExist          bool
	Origin            row.Origin // journaled with the outcome, as is
}

// SubmitOptions tune one submission. Zero values take the defaults noted.
type SubmitOptions struct {
	Workers int     // concurrent requests; at least 1
	Rate    float64 // requests per second over all workers, retries included; 0 = unlimited
	// Auto, when set, is --rate auto: it decides the rate and Rate is
	// ignored. The caller keeps it to show the rate and report it.
	Auto  *AutoRate
	Burst int // requests allowed above Rate at once; at least 1
	// Retries: attempts after the first. A row is sent at most 1 + Retries
	// times, whatever the API answers: every retry counts, outages included.
	Retries int

	// MaxOutage: when every attempt of every worker has failed for this long
	// (no answer, 5xx), the API is declared unavailable and the run stops.
	// While the API is down (two or more rows failing in a row, with no
	// answer or 502/503/504) only one attempt at a time goes out, at
	// growing intervals (BackoffInitial doubling up to BackoffMax), to see
	// whether it is back; the other rows wait without spending their
	// retries, so a short outage costs only the retries of the rows that
	// probe. The stop comes at the first failed probe after MaxOutage, so
	// up to BackoffMax (plus one Timeout) later. Default DefaultMaxOutage.
	MaxOutage time.Duration
	// Grace: once the run stops (Ctrl-C, 401, outage), requests in flight get
	// this long to be answered before they are cancelled. Default DefaultGrace.
	Grace time.Duration
	// Backoff between attempts of a row: exponential from BackoffInitial,
	// capped at BackoffMax, with jitter. Defaults defaultBackoffInitial/Max.
	BackoffInitial time.Duration
	BackoffMax     time.Duration

	// OnOutcome is called once per finished row, from the journal goroutine,
	// after the row's line is written: always from that one goroutine, so
	// what it counts needs no lock of its own.
	OnOutcome func(row.Outcome)

	clock clock.Clock // tests only; nil = the wall clock
}

func (o SubmitOptions) withDefaults() SubmitOptions {
	o.Workers = max(1, o.Workers)
	o.Burst = max(1, o.Burst)
	o.Retries = max(0, o.Retries)
	if o.Rate < 0 {
		o.Rate = 0
	}
	if o.MaxOutage <= 0 {
		o.MaxOutage = DefaultMaxOutage
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.BackoffInitial <= 0 {
		o.BackoffInitial = defaultBackoffInitial
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = defaultBackoffMax
	}
	o.BackoffMax = max(o.BackoffMax, o.BackoffInitial)
	if o.clock == nil {
		o.clock = clock.Wall{}
	}
	return o
}

// SubmitStats count what a submission did, for the summary.
type SubmitStats struct {
	Started   int // rows sent at least once (or about to be)
	Finished  int // rows whose outcome Submit journaled
	Requests  int // HTTP attempts
	Retries   int // attempts after a row's first
	Throttled int // 429 answers
	Counts    map[row.Status]int
	// FinalRate is the pacer's rate at the end in requests per second (0 =
	// unlimited); lower than the configured rate when 429s slowed the run.
	FinalRate float64
}

// maxUnexpectedSuccess is how many success answers without the documented
// ids (owrapi.CodeUnreadableAnswer, CodeUnexpectedAnswer) stop a run: one
// can be a glitch, several mean the API (or whatever answers at the base
// URL) does not answer as documented, and every further row would end
// in_doubt.
const maxUnexpectedSuccess = 3

// Reasons a run was aborted, for AbortError.Reason.
const (
	AbortUnauthorized = "unauthorized"
	AbortUnavailable  = "unavailable"
	AbortInterrupted  = "interrupted"
	// AbortTLS: the secure connection to the API could not be set up (an
	// untrusted, expired or misnamed certificate, a failed handshake).
	AbortTLS = "tls"
	// AbortUnexpectedAnswers: maxUnexpectedSuccess success answers did not
	// carry the documented ids: the API is not answering as documented.
	AbortUnexpectedAnswers = "unexpected_answers"
	// AbortFailed: an error of the run's own (a damaged row further down the
	// file, a full disk) after rows may have been sent.
	AbortFailed = "failed"
)

// AbortError says the submission stopped before all jobs were sent: the
// keys were refused, the API stayed down longer than MaxOutage, or the user
// interrupted. Message says what to do next. The rows never started are not
// journaled: they are not_attempted.
type AbortError struct {
	Reason  string
	Message string
}

func (e *AbortError) Error() string { return e.Message }

var errStopped = errors.New("the run stopped")

// Submit sends jobs with opts.Workers workers until jobs is closed, ctx is
// cancelled or the run must abort, and journals one outcome for every job it
// started. Every HTTP attempt waits for one token of the pacer. The first
// request of the run goes alone: a 401 then costs exactly one request.
//
// It returns an *AbortError when it stopped early (ctx cancelled:
// interrupted; a 401: unauthorized; a long outage: unavailable), or the
// journal's write error, which also stops the run.
func Submit(ctx context.Context, c *owrapi.Client, j *ledger.Journal, jobs <-chan Job, opts SubmitOptions) (SubmitStats, error) {
	opts = opts.withDefaults()
	stopCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()

	s := newSubmitter(c, j, opts, stopCtx, stop, reqCtx)

	// Once the run stops, in-flight requests get opts.Grace to be answered.
	workersDone := make(chan struct{})
	go func() {
		select {
		case <-workersDone:
			return
		case <-stopCtx.Done():
		}
		t := time.NewTimer(opts.Grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancelRequests()
		case <-workersDone:
		}
	}()

	var g errgroup.Group
	for range opts.Workers {
		g.Go(func() error { return s.work(jobs) })
	}
	err := g.Wait()
	close(workersDone)

	stats := s.stats()
	if err != nil {
		return stats, err
	}
	if a := s.aborted(); a != nil {
		return stats, a
	}
	if ctx.Err() != nil {
		return stats, &AbortError{Reason: AbortInterrupted,
			Message: "the run was interrupted: rows already sent are recorded in the journal, the others are marked not_attempted; run the same command again to continue where it stopped"}
	}
	return stats, nil
}

// submitter is the shared state of one Submit call.
type submitter struct {
	client  *owrapi.Client
	journal *ledger.Journal
	opts    SubmitOptions
	clock   clock.Clock
	pacer   *pacer
	notify  func(row.Outcome)

	stopCtx context.Context // done: take no job, send no attempt
	stop    context.CancelCauseFunc
	reqCtx  context.Context // done: cancel requests in flight (after the grace)

	gate      chan struct{} // closed once the run's first request was answered
	gateOnce  sync.Once
	probeSent atomic.Bool

	requests, retries, throttled, started atomic.Int64
	unexpectedSuccess                     atomic.Int64

	mu           sync.Mutex
	failingSince time.Time // send time of the first attempt of the current failing streak
	failingExt   int64     // the row that started the streak
	outage       bool      // a second row failed in the streak
	downSeen     bool      // an attempt of the streak found the API unreachable (a.Down)
	hold         bool      // outage && downSeen: one attempt at a time, at nextProbe
	probing      bool      // during a hold: the one attempt allowed out is out
	nextProbe    time.Time // during a hold: the next attempt goes no sooner
	probeBackoff *backoff.ExponentialBackOff
	wake         chan struct{} // closed (and replaced) when the outage ends or a probe comes back
	lastUp       time.Time     // send time of the newest attempt the API answered
	abortErr     *AbortError
	counts       map[row.Status]int
	finished     int
}

// newSubmitter builds the shared state of one Submit call; opts already
// has its defaults.
func newSubmitter(c *owrapi.Client, j *ledger.Journal, opts SubmitOptions,
	stopCtx context.Context, stop context.CancelCauseFunc, reqCtx context.Context) *submitter {
	s := &submitter{
		client: c, journal: j, opts: opts, clock: opts.clock,
		pacer:   newPacerFor(opts),
		stopCtx: stopCtx, stop: stop, reqCtx: reqCtx,
		gate:   make(chan struct{}),
		counts: map[row.Status]int{},
		wake:   make(chan struct{}),

		probeBackoff: newBackoff(opts.BackoffInitial, opts.BackoffMax),
	}
	s.notify = s.recordOutcome
	return s
}

// newPacerFor builds the pacer of opts: a fixed rate, or --rate auto.
func newPacerFor(opts SubmitOptions) *pacer {
	if opts.Auto != nil {
		return newAutoPacer(opts.Auto, opts.Burst, opts.clock)
	}
	return newPacer(opts.Rate, opts.Burst, opts.clock)
}

// work is one worker: it takes jobs until there are none or the run stops.
// Only a journal failure is returned, because that must stop everyone.
func (s *submitter) work(jobs <-chan Job) error {
	ack := make(chan error, 1)
	for {
		select {
		case <-s.stopCtx.Done():
			return nil
		case job, ok := <-jobs:
			if !ok {
				return nil
			}
			if err := s.do(job, ack); err != nil {
				s.stop(err)
				return err
			}
		}
	}
}

// do runs one job's attempts and journals its outcome. A job stopped before
// its first attempt leaves no trace: the run reports it not_attempted.
func (s *submitter) do(job Job, ack chan error) error {
	r := &rowAttempts{s: s, job: job, ack: ack, budget: s.opts.Retries}
	_, _ = backoff.Retry(s.stopCtx, r.attempt,
		backoff.WithBackOff(newBackoff(s.opts.BackoffInitial, s.opts.BackoffMax)),
		backoff.WithMaxElapsedTime(0))
	if r.fatal != nil {
		return r.fatal
	}
	if !r.started {
		return nil
	}
	if s.stopCtx.Err() != nil {
		r.res.stopped = s.stopReason()
	}
	r.res.maxAttempts = 1 + s.opts.Retries
	return s.journal.End(decideOutcome(job, r.res), s.notify, ack)
}

// rowAttempts is one job's attempts in progress, for backoff.Retry.
type rowAttempts struct {
	s       *submitter
	job     Job
	ack     chan error
	res     jobResult
	started bool  // the journal has the row's started line
	fatal   error // the journal failed: the run must stop
	budget  int   // retries left: 1 + Retries attempts in all
}

// attempt sends the job once, when its turn comes, and says whether and
// when backoff.Retry should call it again.
func (r *rowAttempts) attempt() (owrapi.Created, error) {
	s := r.s
	ticket, probe, err := s.turn()
	if err != nil {
		return owrapi.Created{}, backoff.Permanent(err)
	}
	if err := r.begin(); err != nil {
		if probe {
			s.endProbe()
		}
		return owrapi.Created{}, backoff.Permanent(err)
	}
	r.res.attempts++
	if r.res.attempts > 1 {
		s.retries.Add(1)
	}
	sentAt := s.clock.Now()
	created, err := s.client.Create(s.reqCtx, r.job.Body)
	a := classify(s.stopCtx, err)
	s.observe(r.job, ticket, sentAt, err, a)
	if probe {
		s.endProbe()
	}
	r.res.err = err
	if err == nil {
		r.res.created = created
		return created, nil
	}
	r.res.unanswered = r.res.unanswered || a.MayHaveCreated
	if !a.Retry || r.budget == 0 {
		return owrapi.Created{}, backoff.Permanent(err)
	}
	r.budget--
	if a.Wait > 0 {
		return owrapi.Created{}, &backoff.RetryAfterError{Duration: a.Wait}
	}
	return owrapi.Created{}, err
}

// begin journals the row's started line before its first attempt, so a
// crash from here on leaves a trace. A run stopped meanwhile sends nothing.
func (r *rowAttempts) begin() error {
	if r.started {
		return nil
	}
	if err := r.s.journal.Begin(r.job.Row, r.job.ExtCustomerID, r.job.ExtCustomerNumber, r.ack); err != nil {
		r.fatal = err
		return err
	}
	r.started = true
	r.s.started.Add(1)
	if r.s.stopCtx.Err() != nil {
		return errStopped
	}
	return nil
}

// turn waits until this worker may send an attempt: after the run's first
// request was answered (only one request goes out before that), during an
// outage when it is this worker's turn to probe (probe is then true: call
// endProbe once the attempt is over), and once the pacer grants a token.
func (s *submitter) turn() (ticket uint64, probe bool, err error) {
	select {
	case <-s.gate:
	default:
		if s.probeSent.CompareAndSwap(false, true) {
			break // this worker sends the first request of the run
		}
		select {
		case <-s.gate:
		case <-s.stopCtx.Done():
			return 0, false, errStopped
		}
	}
	if probe, err = s.holdWhileDown(); err != nil {
		return 0, false, errStopped
	}
	if ticket, err = s.pacer.wait(s.stopCtx); err != nil {
		if probe {
			s.endProbe()
		}
		return 0, false, errStopped
	}
	return ticket, probe, nil
}

// holdWhileDown returns at once while the API is up. While it is down (an
// outage in which attempts found it unreachable: no answer, 502, 503, 504)
// only one attempt is out at a time, no sooner than nextProbe; the other
// workers wait here, spending none of their rows' attempts. probe is true
// for the worker whose attempt goes out. The interval between probes grows
// like a row's backoff (BackoffInitial doubling up to BackoffMax).
func (s *submitter) holdWhileDown() (probe bool, err error) {
	for {
		s.mu.Lock()
		if !s.hold {
			s.mu.Unlock()
			return false, nil
		}
		wake := s.wake
		var due <-chan time.Time // nil while a probe is out: wait for it
		if !s.probing {
			wait := s.nextProbe.Sub(s.clock.Now())
			if wait <= 0 {
				s.probing = true
				s.mu.Unlock()
				return true, nil
			}
			due = s.clock.After(wait)
		}
		s.mu.Unlock()
		select {
		case <-wake:
		case <-due:
		case <-s.stopCtx.Done():
			return false, errStopped
		}
	}
}

// endProbe ends the probe's turn: if the outage still lasts, the next probe
// may go after the outage's next backoff interval.
func (s *submitter) endProbe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.probing = false
	if s.hold {
		s.nextProbe = s.clock.Now().Add(s.probeBackoff.NextBackOff())
	}
	s.wakeLocked()
}

// wakeLocked lets every worker waiting in holdWhileDown look again.
func (s *submitter) wakeLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// observe learns from one attempt's result: it adapts the pacer, tracks
// outages, aborts on 401 and lets the other workers go after the first
// answer.
func (s *submitter) observe(job Job, ticket uint64, sentAt time.Time, err error, a attempt) {
	s.requests.Add(1)
	if sm, ok := sampleOf(err, a, sentAt, s.clock.Now()); ok {
		s.pacer.observe(sm)
	}
	switch {
	case a.Unauthorized:
		s.abort(AbortUnauthorized, fmt.Sprintf("the API refused the keys (HTTP 401 for row %d): check OWR_API_KEY and OWR_CUSTOMER_KEY (or --api-key-file) and that they belong to this environment (dev keys do not work on prod). Nothing more was sent; the rows not sent are marked not_attempted.", job.Row))
		return // the gate stays shut: nobody else sends
	case a.TLSFailed:
		s.abort(AbortTLS, fmt.Sprintf("the connection to the API cannot be trusted (row %d): %s The run stopped at once; the rows not sent are marked not_attempted. Run the same command again once this is solved.", job.Row, err))
		return
	case a.UnexpectedSuccess:
		if n := s.unexpectedSuccess.Add(1); n >= maxUnexpectedSuccess {
			s.abort(AbortUnexpectedAnswers, fmt.Sprintf("the API is not answering as documented: %d success answers did not carry the customer's ids (last, row %d: %s). The run stopped; those rows are in_doubt: check them in Onlinewerkrooster, check that --base-url is the Customers API, and tell the Onlinewerkrooster team. The rows not sent are marked not_attempted.", n, job.Row, err))
		}
		s.pacer.succeeded()
		s.apiUp(sentAt)
	case a.Throttled:
		s.throttled.Add(1)
		s.pacer.throttled(ticket)
		s.apiUp(sentAt)
	case a.Answered:
		s.pacer.succeeded()
		s.apiUp(sentAt)
	case a.Failing:
		s.apiFailing(job.ExtCustomerID, sentAt, err, a.Down)
	}
	s.gateOnce.Do(func() { close(s.gate) })
}

// apiUp ends a failing streak: the API answered an attempt sent at sentAt.
func (s *submitter) apiUp(sentAt time.Time) {
	s.mu.Lock()
	if s.hold {
		s.probeBackoff.Reset()
		s.wakeLocked()
	}
	s.failingSince, s.failingExt, s.outage, s.downSeen, s.hold = time.Time{}, 0, false, false, false
	if sentAt.After(s.lastUp) {
		s.lastUp = sentAt
	}
	s.mu.Unlock()
}

// apiFailing extends the failing streak with an attempt for ext sent at
// sentAt (down: it found the API unreachable). A streak is an outage once a
// second row failed in it: one row that keeps failing alone says more about
// that row than about the API. An outage in which the API was unreachable
// starts the hold (see holdWhileDown); an outage longer than MaxOutage
// aborts the run. A failure of an attempt sent before one that was answered
// is old news and ignored.
func (s *submitter) apiFailing(ext int64, sentAt time.Time, err error, down bool) {
	s.mu.Lock()
	if sentAt.Before(s.lastUp) {
		s.mu.Unlock()
		return
	}
	switch {
	case s.failingSince.IsZero():
		s.failingSince, s.failingExt = sentAt, ext
	case ext != s.failingExt:
		s.outage = true
	}
	s.downSeen = s.downSeen || down
	if s.outage && s.downSeen && !s.hold {
		s.hold = true
		s.probeBackoff.Reset()
		s.nextProbe = s.clock.Now().Add(s.probeBackoff.NextBackOff())
	}
	since := s.clock.Now().Sub(s.failingSince)
	outage := s.outage
	s.mu.Unlock()
	if outage && since >= s.opts.MaxOutage {
		s.abort(AbortUnavailable, fmt.Sprintf("the API looks unavailable: every request failed for %s (last: %s). The run stopped; the rows not sent are marked not_attempted. Try again later: the same command continues where this run stopped.", roundDuration(since), err))
	}
}

// roundDuration shows a duration the way a person would say it.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// stopReason says in a few words why the run stopped, for owr_error.
func (s *submitter) stopReason() string {
	a := s.aborted()
	if a == nil {
		return "it was interrupted"
	}
	switch a.Reason {
	case AbortUnavailable:
		return "the API looked unavailable"
	case AbortUnauthorized:
		return "the API refused the keys"
	case AbortTLS:
		return "the connection to the API could not be trusted"
	case AbortUnexpectedAnswers:
		return "the API did not answer as documented"
	}
	return a.Reason
}

// abort stops the run for reason; the first reason wins.
func (s *submitter) abort(reason, msg string) {
	s.mu.Lock()
	if s.abortErr == nil {
		s.abortErr = &AbortError{Reason: reason, Message: msg}
	}
	s.mu.Unlock()
	s.stop(errStopped)
}

func (s *submitter) aborted() *AbortError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.abortErr
}

// recordOutcome runs on the journal goroutine after a finished line is written.
func (s *submitter) recordOutcome(o row.Outcome) {
	s.mu.Lock()
	s.counts[o.Status]++
	s.finished++
	s.mu.Unlock()
	if s.opts.OnOutcome != nil {
		s.opts.OnOutcome(o)
	}
}

func (s *submitter) stats() SubmitStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make(map[row.Status]int, len(s.counts))
	for k, v := range s.counts {
		counts[k] = v
	}
	st := SubmitStats{
		Started: int(s.started.Load()), Finished: s.finished, Requests: int(s.requests.Load()),
		Retries: int(s.retries.Load()), Throttled: int(s.throttled.Load()), Counts: counts,
	}
	if r := s.pacer.current(); r != rate.Inf {
		st.FinalRate = float64(r)
	}
	return st
}
