package send

import (
	"context"
	"owr-import/internal/clock"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer tuning. A 429 lowers the rate to just below what the API accepted
// lately, or halves it (never below pacerFloor, or the configured rate when
// that is lower); every pacerRecoverEvery answered attempts then raise it
// by 10 %, back up to the configured rate.
const (
	pacerFloor        = rate.Limit(1)
	pacerRecoverEvery = 20
	pacerRecoverStep  = 1.10
	// pacerUnlimitedAbove: with no configured rate, a recovered rate above
	// this is as good as unlimited and the limiter is dropped again.
	pacerUnlimitedAbove = rate.Limit(100_000)
	// pacerStale: a slot whose timer fired this late means the process was
	// paused (a laptop asleep); the slot is given up and a fresh one taken,
	// so the waiting workers cannot all fire at once on wake-up.
	pacerStale = time.Second
	// pacerBinding: the rate is raised only while requests leave at no less
	// than this share of it.
	pacerBinding = 0.8
	// pacerWindow: how many recent answered attempts estimate the rate the
	// API actually accepts.
	pacerWindow = 64
	// pacerCooldown: after a decrease, further 429s are the tail of the same
	// episode (the API's bucket is still empty) and do not lower the rate again.
	pacerCooldown = time.Second
)

// pacer hands out one permission per HTTP attempt (retries pay too), at most
// `rate` per second with at most `burst` above the rate at any moment — also
// after the process slept, because x/time/rate caps its saved tokens at the
// burst. It knows nothing about HTTP: Submit reports throttles and successes
// to it, and it adapts: down at once on a 429, back up gradually.
type pacer struct {
	clock clock.Clock
	max   rate.Limit // the configured rate; 0 = unlimited
	floor rate.Limit
	burst int

	// auto, with --rate auto, decides the rate instead of the 429 rules
	// below; pauseUntil holds every request while the API's Retry-After runs.
	auto       *AutoRate
	pauseUntil time.Time
	// turn lets one worker at a time wait for a slot with --rate auto: a
	// slot's time is fixed when it is reserved, so a worker queue of
	// reserved slots would keep the old rate for a whole round of workers
	// after every change.
	turn chan struct{}

	mu           sync.Mutex
	lim          *rate.Limiter // nil while unlimited
	gen          uint64        // bumped on every decrease
	lastDecrease time.Time
	successes    int
	sent         timeRing // when the latest attempts left
	answered     timeRing // when the latest answered attempts came back
}

// timeRing keeps the latest pacerWindow instants of some event.
type timeRing struct {
	at [pacerWindow]time.Time
	n  int
}

func (r *timeRing) add(t time.Time) {
	r.at[r.n%pacerWindow] = t
	r.n++
}

// rate estimates events per second over the last second before now, from
// at least 4 events; ok is false when there are too few.
func (r *timeRing) rate(now time.Time) (rate.Limit, bool) {
	k := 0
	var oldest time.Time
	for i := 1; i <= min(r.n, pacerWindow); i++ {
		t := r.at[(r.n-i)%pacerWindow]
		if now.Sub(t) > time.Second {
			break
		}
		k, oldest = i, t
	}
	if k < 4 {
		return 0, false
	}
	span := max(now.Sub(oldest), 10*time.Millisecond)
	return rate.Limit(float64(k) / span.Seconds()), true
}

// newPacer builds a pacer for perSecond requests per second (0 or less =
// unlimited) with the given burst (at least 1).
func newPacer(perSecond float64, burst int, clk clock.Clock) *pacer {
	if clk == nil {
		clk = clock.Wall{}
	}
	p := &pacer{clock: clk, burst: max(1, burst), floor: pacerFloor}
	if perSecond > 0 {
		p.max = rate.Limit(perSecond)
		p.floor = min(pacerFloor, p.max)
		p.lim = rate.NewLimiter(p.max, p.burst)
	}
	return p
}

// newAutoPacer builds a pacer whose rate auto decides.
func newAutoPacer(auto *AutoRate, burst int, clk clock.Clock) *pacer {
	p := newPacer(auto.Rate(), burst, clk)
	p.auto = auto
	p.turn = make(chan struct{}, 1)
	return p
}

// observe passes an attempt's answer to the auto-rate controller, if any,
// and puts its decision in force.
func (p *pacer) observe(s sample) {
	if p.auto == nil {
		return
	}
	next, changed, pause := p.auto.observe(s)
	p.mu.Lock()
	defer p.mu.Unlock()
	if changed {
		p.lim.SetLimitAt(s.at, rate.Limit(next))
	}
	p.pauseUntil = later(p.pauseUntil, pause)
}

// held returns how long requests are still held at now by the API's
// Retry-After (--rate auto only).
func (p *pacer) held(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pauseUntil.Sub(now)
}

// wait blocks until one attempt may be sent, or ctx is done. The returned
// ticket identifies the rate the attempt was sent under; pass it to
// throttled so that a volley of 429s for requests sent at the same rate
// lowers it once, not once per request.
func (p *pacer) wait(ctx context.Context) (ticket uint64, err error) {
	if p.turn != nil {
		select {
		case p.turn <- struct{}{}:
			defer func() { <-p.turn }()
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		now := p.clock.Now()
		if d := p.held(now); d > 0 {
			select {
			case <-p.clock.After(d):
				continue
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		p.mu.Lock()
		lim := p.lim
		p.mu.Unlock()
		if lim == nil {
			return p.release(now), nil
		}
		r := lim.ReserveN(now, 1) // burst >= 1, so always OK
		d := r.DelayFrom(now)
		if d <= 0 {
			return p.release(now), nil
		}
		select {
		case <-p.clock.After(d):
		case <-ctx.Done():
			r.CancelAt(p.clock.Now())
			return 0, ctx.Err()
		}
		woke := p.clock.Now()
		if woke.Sub(now.Add(d)) <= pacerStale {
			return p.release(woke), nil
		}
		// Paused long past the slot: take a fresh one rather than fire now
		// together with every other worker that slept.
	}
}

// release lets one attempt go at t and returns its ticket.
func (p *pacer) release(t time.Time) uint64 {
	if p.auto != nil {
		p.auto.sent(t)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent.add(t)
	return p.gen
}

// pacerFallback is the starting rate after a 429 when there is too little
// history to estimate what the API accepts.
const pacerFallback = rate.Limit(10)

// pacerBelowAccepted: after a 429, the new rate is this share of the rate the
// API accepted during the last second — just under what it lets through.
const pacerBelowAccepted = 0.8

// lowerLocked picks the rate after a 429. When the API answered enough
// requests lately, go just below the rate it accepted (never above the rate
// in force); otherwise halve the rate in force, or, with no rate and no
// history, halve the rate we sent at.
func (p *pacer) lowerLocked(now time.Time) rate.Limit {
	cur := p.currentLocked()
	if accepted, ok := p.answered.rate(now); ok {
		return min(cur, accepted) * pacerBelowAccepted
	}
	if cur != rate.Inf {
		return cur / 2
	}
	if sent, ok := p.sent.rate(now); ok {
		return sent / 2
	}
	return pacerFallback
}

// throttled lowers the rate after a 429 for an attempt sent with ticket. A
// 429 for an attempt sent before the last decrease, or within pacerCooldown
// of it, is ignored: that decrease already answered the episode. Without a
// configured rate the starting point is the rate the API accepted lately.
func (p *pacer) throttled(ticket uint64) {
	if p.auto != nil {
		return // observe decides
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if ticket != p.gen || (!p.lastDecrease.IsZero() && now.Sub(p.lastDecrease) < pacerCooldown) {
		return
	}
	next := max(p.lowerLocked(now), p.floor)
	if p.lim == nil {
		p.lim = rate.NewLimiter(next, p.burst)
	} else {
		p.lim.SetLimitAt(now, next)
	}
	p.gen++
	p.lastDecrease = now
	p.successes = 0
}

// succeeded counts an answered attempt; every pacerRecoverEvery of them
// raise a lowered rate by 10 %, up to the configured rate, as long as the
// run actually sends near the lowered rate.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answered.add(p.clock.Now())
	if p.auto != nil || p.lim == nil || (p.max != 0 && p.lim.Limit() >= p.max) {
		return
	}
	p.successes++
	if p.successes < pacerRecoverEvery {
		return
	}
	p.successes = 0
	now := p.clock.Now()
	if sent, ok := p.sent.rate(now); ok && sent < p.lim.Limit()*pacerBinding {
		// The limit is not what holds the run back: raising it further
		// would only invite a burst of 429s when demand picks up.
		return
	}
	next := p.lim.Limit() * pacerRecoverStep
	switch {
	case p.max != 0 && next >= p.max:
		next = p.max
	case p.max == 0 && next > pacerUnlimitedAbove:
		p.lim = nil
		return
	}
	p.lim.SetLimitAt(now, next)
}

// current is the rate in force (rate.Inf when unlimited), for stats and tests.
func (p *pacer) current() rate.Limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.currentLocked()
}

func (p *pacer) currentLocked() rate.Limit {
	if p.lim == nil {
		return rate.Inf
	}
	return p.lim.Limit()
}
