package send

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"owr-import/importer/owrapi"
)

// --rate auto defaults; the command line shows these same values in --help.
const (
	// DefaultRateMax is the ceiling of --rate auto: 50 creates a second is
	// what one small app server answers without trouble, and five times the
	// fixed default. A faster API needs --rate-max on purpose.
	DefaultRateMax = 50.0
	// DefaultAutoStart is where --rate auto starts when the ledger has no
	// rate that worked before: half the fixed default.
	DefaultAutoStart = 5.0
)

// Tuning of the auto-rate controller. The figures are explained, with the
// benchmark that checks them, in docs/rate-auto.md.
const (
	// autoMinRate: the rate is never lowered below one request a second.
	autoMinRate = 1.0
	// autoWindow: the API's answers are judged in windows at least this
	// long, holding at least autoMinSamples answers.
	autoWindow     = 250 * time.Millisecond
	autoMinSamples = 4
	// autoSlowStartGain: until the first sign of trouble the rate grows by
	// a quarter per window (doubling in about 0.8 s); after that by
	// autoGain per window, a gentle probe for room.
	autoSlowStartGain = 1.25
	autoGain          = 1.03
	// Near the knee, the rate the API served when it last slowed down or
	// refused, the rate grows by only autoKneeGain per window: the most
	// time is spent just under what the API takes. Above autoKneeForget
	// times the knee the API takes more than it did, and the knee is
	// forgotten.
	autoKneeGain   = 1.01
	autoNearKnee   = 0.95
	autoKneeForget = 1.10
	// The latency is near its floor while the median latency of a window
	// is at most autoLatencyTolerance times the floor plus autoLatencySlack
	// (the slack keeps a sub-millisecond floor from making noise a signal).
	autoLatencyTolerance = 1.3
	autoLatencySlack     = time.Millisecond
	// autoLatencyMoved: a window's median this much above (or below) the
	// previous one counts as latency rising (falling).
	autoLatencyMoved = 1.10
	// A climbing latency lowers the rate by autoLatencyCut, a 429 or 503 by
	// autoThrottleCut, and either to no more than autoBelowDelivered of the
	// rate the API answered lately: just under what it can take.
	autoLatencyCut     = 0.95
	autoThrottleCut    = 0.75
	autoBelowDelivered = 0.95
	// autoBinding: the rate is raised only while requests leave at no less
	// than this share of it; otherwise the workers or the API's latency
	// hold the run back, and a higher rate would only invite a burst later.
	autoBinding = 0.90
	// autoFloorWindow: the latency floor is the lowest latency seen this
	// long, so a floor that moved (the API got slower for good) is learned.
	autoFloorWindow = 10 * time.Second
	// autoPauseGap: no answer for this long means the process was paused (a
	// laptop asleep): answers to requests sent before then say nothing about
	// the rate and are ignored.
	autoPauseGap = 10 * time.Second
	// autoDefaultPause: a 429 or 503 without Retry-After holds new requests
	// this long.
	autoDefaultPause = time.Second
	// autoSettleWindow: the rate settled on is the average rate over the
	// last this long of sending.
	autoSettleWindow = 30 * time.Second
	// autoResumeShare: the next run of a migration starts at this share of
	// the rate the last one settled on.
	autoResumeShare = 0.9
	// autoLearnSamples: a run remembers its rate only after this many
	// answers: a handful of rows teaches nothing about the API.
	autoLearnSamples = 50
	// autoHistory bounds the rate history kept for the settled average.
	autoHistory = 512
)

// AutoConfig tunes --rate auto.
type AutoConfig struct {
	Start float64 // the first rate in requests per second; 0 = DefaultAutoStart
	Max   float64 // never above this; 0 = DefaultRateMax
}

// ResumeFrom returns the rate a run starts at when an earlier run of the
// migration settled on settled: near it, within [autoMinRate, max].
func ResumeFrom(settled, maxRate float64) float64 {
	if maxRate <= 0 {
		maxRate = DefaultRateMax
	}
	return min(maxRate, max(autoMinRate, settled*autoResumeShare))
}

// sampleKind is what one attempt's answer says about the API's capacity.
type sampleKind uint8

const (
	sampleAnswered    sampleKind = iota // answered below 500, not 429: its latency counts
	sampleThrottled                     // 429: too many requests
	sampleUnavailable                   // 503: the app or its router is overloaded
	sampleFailed                        // no answer or another 5xx: says nothing, but no raise
)

// sample is one attempt's answer, as the controller sees it.
type sample struct {
	kind       sampleKind
	sentAt, at time.Time
	retryAfter time.Duration
}

// sampleOf turns an attempt's result into a sample; a stopped run's
// cancelled attempts and 401s are not about capacity (ok is false).
func sampleOf(err error, a attempt, sentAt, at time.Time) (s sample, ok bool) {
	s = sample{sentAt: sentAt, at: at, retryAfter: a.Wait}
	var ae *owrapi.APIError
	switch {
	case a.Unauthorized || a.TLSFailed:
		return s, false
	case a.Throttled:
		s.kind = sampleThrottled
	case errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable:
		s.kind = sampleUnavailable
	case a.Answered:
		s.kind = sampleAnswered
	case a.Failing:
		s.kind = sampleFailed
	default:
		return s, false // cancelled by us
	}
	return s, true
}

// rateCause is why the rate last changed.
type rateCause uint8

const (
	causeStart       rateCause = iota
	causeResumed               // started near an earlier run's rate
	causeRaised                // latency stayed near its floor
	causeCeiling               // raised up to --rate-max
	causeLatency               // latency climbed
	causeThrottled             // a 429
	causeUnavailable           // a 503
	causeThroughput            // fewer requests went through than the rate let out
)

// AutoRate is the --rate auto controller: it starts low, raises the rate
// while the API answers as fast as it does at its quietest (the latency
// floor) and nothing is refused, and lowers it when the latency climbs or a
// 429 or 503 comes. It is fed the answers with their times and decides
// from those alone, so its tests replay any day at explicit instants.
// Safe for concurrent use: the workers feed it, the progress line reads it.
type AutoRate struct {
	mu  sync.Mutex
	cfg AutoConfig

	rate      float64
	slowStart bool
	changedAt time.Time // answers to requests sent before this are about an older rate
	holdUntil time.Time // no raise before this: the API's Retry-After
	lastSeen  time.Time
	win       autoWindowState
	prev      judged
	floors    []latencyMark // the lowest latency of each recent window
	delivered float64       // answers per second in the last judged window
	knee      float64       // answers per second when the API last slowed down or refused; 0 = none
	settling  bool          // the rate was just lowered: the next window shows the backlog of before

	history []rateMark
	answers int
	raised  int
	lowered [causeThroughput + 1]int
	why     string
	cause   rateCause
}

// autoWindowState accumulates the answers judged together.
type autoWindowState struct {
	start        time.Time
	sent, served int
	latencies    []time.Duration
	failed       bool
}

// judged is the verdict on the previous window.
type judged struct {
	median time.Duration
	high   bool
}

type latencyMark struct {
	at  time.Time
	min time.Duration
}

type rateMark struct {
	at   time.Time
	rate float64
}

// NewAutoRate returns a controller at cfg.Start, whose clock starts at the
// first request sent or answer fed to it.
func NewAutoRate(cfg AutoConfig) *AutoRate {
	if cfg.Max <= 0 {
		cfg.Max = DefaultRateMax
	}
	if cfg.Start <= 0 {
		cfg.Start = DefaultAutoStart
	}
	cfg.Start = min(cfg.Max, max(autoMinRate, cfg.Start))
	return &AutoRate{cfg: cfg, rate: cfg.Start, slowStart: true,
		why: fmt.Sprintf("started at %s", perSecondText(cfg.Start))}
}

// Rate is the rate in force, in requests per second.
func (a *AutoRate) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate
}

// Status is the rate in force and, in a few words, why it is that, for
// the progress line.
func (a *AutoRate) Status() (perSecond float64, why string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate, causeText[a.cause]
}

// causeText says briefly why the rate is what it is: short, because the
// progress line must fit a terminal's width with it.
var causeText = [...]string{
	causeStart:       "starting",
	causeResumed:     "from the last run",
	causeRaised:      "rising",
	causeCeiling:     "at --rate-max",
	causeLatency:     "lowered: API slower",
	causeThrottled:   "lowered: 429",
	causeUnavailable: "lowered: 503",
	causeThroughput:  "lowered: less got through",
}

// Resume starts the controller near the rate an earlier run of the
// migration settled on, instead of at the bottom. It has no effect once a
// request was sent.
func (a *AutoRate) Resume(settled float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.win.start.IsZero() || !(settled > 0) {
		return
	}
	a.rate = ResumeFrom(settled, a.cfg.Max)
	a.cfg.Start, a.cause = a.rate, causeResumed
	a.why = fmt.Sprintf("started at %s, near the %s the last run of this migration settled on", perSecondText(a.rate), perSecondText(settled))
}

// sent counts a request let out at t: whether the rate binds is judged
// from these.
func (a *AutoRate) sent(t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.begin(t)
	a.win.sent++
}

// begin starts the clock at the first event.
func (a *AutoRate) begin(t time.Time) {
	if a.win.start.IsZero() {
		a.win.start, a.lastSeen, a.changedAt = t, t, t
		a.history = append(a.history, rateMark{at: t, rate: a.rate})
	}
}

// observe learns from one answer. It returns the rate in force, whether it
// changed, and until when no new request may leave (the API's
// Retry-After after a 429 or 503; zero when there is no such hold).
func (a *AutoRate) observe(s sample) (perSecond float64, changed bool, pauseUntil time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.begin(s.sentAt)
	if s.at.Sub(a.lastSeen) > autoPauseGap {
		// Asleep or stalled: what was in flight meanwhile says nothing
		// about the rate. Keep the rate; judge afresh from now on.
		a.changedAt = s.at
		a.win = autoWindowState{start: s.at}
	}
	a.lastSeen = s.at
	before := a.rate
	switch s.kind {
	case sampleThrottled, sampleUnavailable:
		pauseUntil = s.at.Add(max(s.retryAfter, autoDefaultPause))
		a.holdUntil = later(a.holdUntil, pauseUntil)
		if !s.sentAt.Before(a.changedAt) { // once per episode, not per answer
			a.throttled(s)
		}
	case sampleAnswered:
		a.answers++
		a.win.served++
		if !s.sentAt.Before(a.changedAt) {
			a.win.latencies = append(a.win.latencies, s.at.Sub(s.sentAt))
		}
	case sampleFailed:
		a.win.failed = true
	}
	if s.at.Sub(a.win.start) >= autoWindow && len(a.win.latencies) >= autoMinSamples {
		a.judge(s.at)
	}
	return a.rate, a.rate != before, pauseUntil
}

// throttled lowers the rate after a 429 or 503 for a request sent at the
// rate in force.
func (a *AutoRate) throttled(s sample) {
	cause, what := causeThrottled, "429 (too many requests)"
	if s.kind == sampleUnavailable {
		cause, what = causeUnavailable, "503 (overloaded)"
	}
	next := a.rate * autoThrottleCut
	if a.delivered > 0 {
		next = min(next, a.delivered*autoBelowDelivered)
		a.knee = a.delivered
	}
	wait := max(s.retryAfter, autoDefaultPause)
	a.lower(s.at, next, cause, fmt.Sprintf("the API answered %s and asked to wait %s", what, roundDuration(wait)))
}

// judge closes the window ending at now: it lowers the rate when the
// latency climbs, raises it while the latency stays near its floor and the
// rate is what holds the run back, and otherwise keeps it.
func (a *AutoRate) judge(now time.Time) {
	w := a.win
	elapsed := now.Sub(w.start).Seconds()
	sentRate, served := float64(w.sent)/elapsed, float64(w.served)/elapsed
	a.delivered = served
	median, lowest := medianAndMin(w.latencies)
	floor := a.floor(now, lowest)
	high := median > time.Duration(float64(floor)*autoLatencyTolerance)+autoLatencySlack
	rising := high && (!a.prev.high || float64(median) > float64(a.prev.median)*autoLatencyMoved)
	falling := high && a.prev.high && float64(median)*autoLatencyMoved < float64(a.prev.median)
	a.prev = judged{median: median, high: high}
	a.win = autoWindowState{start: now}
	binding := sentRate >= a.rate*autoBinding
	if a.settling {
		// Requests sent just after a decrease still wait behind the
		// backlog of before it: their latency is no news. Judge the next.
		a.settling = false
		return
	}
	switch {
	case rising:
		a.knee = served
		a.lower(now, min(a.rate*autoLatencyCut, served*autoBelowDelivered), causeLatency,
			fmt.Sprintf("the API slowed down: answers took %s, against %s at its quickest", msText(median), msText(floor)))
	case falling:
		// The last decrease is working: the API is catching up.
	case high && !binding:
		a.lower(now, served*autoBelowDelivered, causeThroughput,
			fmt.Sprintf("only %s went through at %s", perSecondText(served), perSecondText(a.rate)))
	case high:
		// As slow as before although the rate was lowered: the API's
		// floor moved (it got slower for good). Learn the new floor.
		a.floors = []latencyMark{{at: now, min: lowest}}
	case !w.failed && !now.Before(a.holdUntil) && binding:
		a.raise(now, floor)
	}
}

// floor records the lowest latency of the window ending at now and returns
// the lowest of the last autoFloorWindow.
func (a *AutoRate) floor(now time.Time, lowest time.Duration) time.Duration {
	keep := a.floors[:0]
	for _, m := range a.floors {
		if now.Sub(m.at) < autoFloorWindow {
			keep = append(keep, m)
		}
	}
	a.floors = append(keep, latencyMark{at: now, min: lowest})
	floor := lowest
	for _, m := range a.floors {
		floor = min(floor, m.min)
	}
	return floor
}

// raise lets the rate grow: fast until the first sign of trouble, gently
// after, never above the ceiling.
func (a *AutoRate) raise(now time.Time, floor time.Duration) {
	if a.rate >= a.cfg.Max {
		return
	}
	if a.rate > a.knee*autoKneeForget {
		a.knee = 0
	}
	gain := autoGain
	switch {
	case a.slowStart:
		gain = autoSlowStartGain
	case a.knee > 0 && a.rate >= a.knee*autoNearKnee:
		gain = autoKneeGain
	}
	next, cause := a.rate*gain, causeRaised
	why := fmt.Sprintf("raised: the API answers as quickly as ever (%s)", msText(floor))
	if next >= a.cfg.Max {
		next, cause = a.cfg.Max, causeCeiling
		why = fmt.Sprintf("at the ceiling --rate-max %s; the API answers as quickly as ever (%s)", perSecondText(a.cfg.Max), msText(floor))
	}
	a.set(now, next, cause, why)
	a.raised++
}

// lower brings the rate down to next (at least autoMinRate), ends the slow
// start, and ignores answers to requests sent before now from here on: they
// tell of the old rate, and one episode must lower the rate once.
func (a *AutoRate) lower(now time.Time, next float64, cause rateCause, why string) {
	next = max(autoMinRate, min(a.rate, next))
	a.slowStart, a.settling = false, true
	a.lowered[cause]++
	a.set(now, next, cause, "lowered: "+why)
}

// set puts next in force from now; answers to requests sent before now
// are about the old rate and do not count in the next window.
func (a *AutoRate) set(now time.Time, next float64, cause rateCause, why string) {
	a.rate, a.cause, a.why = next, cause, why
	a.changedAt = now
	a.win = autoWindowState{start: now}
	if len(a.history) >= autoHistory {
		a.history = slices.Delete(a.history, 0, autoHistory/2)
	}
	a.history = append(a.history, rateMark{at: now, rate: next})
}

// AutoReport is what --rate auto did, for the summary and the ledger.
type AutoReport struct {
	Start   float64 `json:"startPerSecond"`
	Max     float64 `json:"maxPerSecond"`
	Settled float64 `json:"settledPerSecond"` // the average over the last 30 s of sending
	Final   float64 `json:"finalPerSecond"`
	Raised  int     `json:"raised"`
	// Lowered counts the decreases by their cause.
	LoweredLatency     int `json:"loweredLatency"`
	LoweredThrottled   int `json:"lowered429"`
	LoweredUnavailable int `json:"lowered503"`
	LoweredThroughput  int `json:"loweredThroughput"`
	// Why says why the rate last changed.
	Why string `json:"lastChange"`
	// Learned: the run saw enough answers for its rate to be remembered.
	Learned bool `json:"learned"`
}

// Report sums up the controller at now, the end of the sending.
func (a *AutoRate) Report(now time.Time) AutoReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	return AutoReport{
		Start: a.cfg.Start, Max: a.cfg.Max, Settled: a.settled(now), Final: a.rate,
		Raised: a.raised, LoweredLatency: a.lowered[causeLatency], LoweredThrottled: a.lowered[causeThrottled],
		LoweredUnavailable: a.lowered[causeUnavailable], LoweredThroughput: a.lowered[causeThroughput],
		Why: a.why, Learned: a.answers >= autoLearnSamples,
	}
}

// settled is the time-weighted average rate over the last autoSettleWindow
// before now (the whole run when it was shorter).
func (a *AutoRate) settled(now time.Time) float64 {
	if len(a.history) == 0 {
		return a.rate
	}
	from := later(a.history[0].at, now.Add(-autoSettleWindow))
	var area, span float64
	for i, m := range a.history {
		end := now
		if i+1 < len(a.history) {
			end = a.history[i+1].at
		}
		start := later(m.at, from)
		if d := end.Sub(start).Seconds(); d > 0 {
			area += m.rate * d
			span += d
		}
	}
	if span == 0 {
		return a.rate
	}
	return area / span
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// medianAndMin of a window's latencies (at least one).
func medianAndMin(ds []time.Duration) (median, lowest time.Duration) {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2], sorted[0]
}

// perSecondText is a rate as the progress line and the summary show it.
func perSecondText(r float64) string {
	if r >= 9.95 {
		return fmt.Sprintf("%.0f/s", r)
	}
	return fmt.Sprintf("%.1f/s", r)
}

// msText is a latency in milliseconds.
func msText(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
}
