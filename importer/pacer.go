package importer

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer tuning. A 429 halves the rate (never below pacerFloor, or the
// configured rate when that is lower); every pacerRecoverEvery successful
// answers then raise it by 10 %, back up to the configured rate.
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
// to it, and it adapts (AIMD): halve on a 429, recover gradually.
type pacer struct {
	clock clock
	max   rate.Limit // the configured rate; 0 = unlimited
	floor rate.Limit
	burst int

	mu           sync.Mutex
	lim          *rate.Limiter // nil while unlimited
	gen          uint64        // bumped on every decrease
	lastDecrease time.Time
	successes    int
	recent       [pacerWindow]time.Time // when the latest answered attempts came back
	nRecent      int
}

// newPacer builds a pacer for perSecond requests per second (0 or less =
// unlimited) with the given burst (at least 1).
func newPacer(perSecond float64, burst int, clk clock) *pacer {
	if clk == nil {
		clk = realClock{}
	}
	p := &pacer{clock: clk, burst: max(1, burst), floor: pacerFloor}
	if perSecond > 0 {
		p.max = rate.Limit(perSecond)
		p.floor = min(pacerFloor, p.max)
		p.lim = rate.NewLimiter(p.max, p.burst)
	}
	return p
}

// wait blocks until one attempt may be sent, or ctx is done. The returned
// ticket identifies the rate the attempt was sent under; pass it to
// throttled so that a volley of 429s for requests sent at the same rate
// lowers it once, not once per request.
func (p *pacer) wait(ctx context.Context) (ticket uint64, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		now := p.clock.Now()
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
func (p *pacer) release(time.Time) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gen
}

// observedLocked estimates the rate the API accepted lately from the
// recent answered attempts.
func (p *pacer) observedLocked() rate.Limit {
	n := min(p.nRecent, pacerWindow)
	if n < 2 {
		return 0
	}
	newest := p.recent[(p.nRecent-1)%pacerWindow]
	oldest := p.recent[(p.nRecent-n)%pacerWindow]
	span := newest.Sub(oldest)
	if span < time.Millisecond {
		span = time.Millisecond
	}
	return rate.Limit(float64(n-1) / span.Seconds())
}

// throttled lowers the rate after a 429 for an attempt sent with ticket. A
// 429 for an attempt sent before the last decrease, or within pacerCooldown
// of it, is ignored: that decrease already answered the episode. Without a
// configured rate the starting point is the rate the API accepted lately.
func (p *pacer) throttled(ticket uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if ticket != p.gen || (!p.lastDecrease.IsZero() && now.Sub(p.lastDecrease) < pacerCooldown) {
		return
	}
	cur := p.currentLocked()
	if cur == rate.Inf {
		cur = p.observedLocked()
	}
	next := max(cur/2, p.floor)
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
// raise a lowered rate by 10 %, up to the configured rate.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recent[p.nRecent%pacerWindow] = p.clock.Now()
	p.nRecent++
	if p.lim == nil || (p.max != 0 && p.lim.Limit() >= p.max) {
		return
	}
	p.successes++
	if p.successes < pacerRecoverEvery {
		return
	}
	p.successes = 0
	next := p.lim.Limit() * pacerRecoverStep
	switch {
	case p.max != 0 && next >= p.max:
		next = p.max
	case p.max == 0 && next > pacerUnlimitedAbove:
		p.lim = nil
		return
	}
	p.lim.SetLimitAt(p.clock.Now(), next)
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
