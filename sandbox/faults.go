package sandbox

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// fault is what the sandbox does wrong to one request, if anything.
type fault uint8

const (
	faultNone fault = iota
	faultUnavailable
	faultError
	faultDrop
	faultHang
	faultThrottle
)

// String names the fault in logs and in the request log.
func (f fault) String() string {
	switch f {
	case faultUnavailable:
		return "unavailable"
	case faultError:
		return "error"
	case faultDrop:
		return "drop"
	case faultHang:
		return "hang"
	case faultThrottle:
		return "throttle"
	}
	return ""
}

// decision is the fate of one POST, drawn when it arrives.
type decision struct {
	delay      time.Duration // latency + jitter before anything is answered
	fault      fault
	retryAfter int // seconds, for faultThrottle
}

// injector draws fault decisions from a seeded generator. One uniform draw per
// request is cut into bands (unavailable, error, drop, hang, none), so each
// rate is exactly the share of requests that get that fault.
type injector struct {
	f       Faults
	enabled bool // any fault at all; false keeps the hot path lock-free

	mu  sync.Mutex
	rng *rand.Rand
	lim *rate.Limiter
	now func() time.Time
}

// newInjector prepares the decisions for f; the seed fixes the sequence of
// draws so a run's faults can be replayed.
func newInjector(f Faults, seed int64) *injector {
	in := &injector{
		f:   f,
		rng: rand.New(rand.NewPCG(uint64(seed), 0x6f77722d73627821)), // "owr-sbx!"
		now: time.Now,
	}
	in.enabled = f.Latency > 0 || f.Jitter > 0 || f.ErrorRate > 0 || f.UnavailableRate > 0 ||
		f.DropRate > 0 || f.HangRate > 0 || f.Throttle > 0
	if f.Throttle > 0 {
		burst := f.ThrottleBurst
		if burst == 0 {
			burst = max(1, int(math.Ceil(f.Throttle)))
		}
		in.lim = rate.NewLimiter(rate.Limit(f.Throttle), burst)
	}
	return in
}

// decide draws the fate of a request arriving now.
func (in *injector) decide() decision {
	if !in.enabled {
		return decision{}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	d := decision{delay: in.f.Latency}
	if in.f.Jitter > 0 {
		d.delay += time.Duration(in.rng.Int64N(int64(in.f.Jitter)))
	}
	u := in.rng.Float64()
	if in.lim != nil {
		now := in.now()
		if !in.lim.AllowN(now, 1) {
			d.fault = faultThrottle
			d.retryAfter = in.retryAfter(now)
			return d
		}
	}
	f := in.f
	switch {
	case u < f.UnavailableRate:
		d.fault = faultUnavailable
	case u < f.UnavailableRate+f.ErrorRate:
		d.fault = faultError
	case u < f.UnavailableRate+f.ErrorRate+f.DropRate:
		d.fault = faultDrop
	case u < f.UnavailableRate+f.ErrorRate+f.DropRate+f.HangRate:
		d.fault = faultHang
	}
	return d
}

// retryAfter is the whole number of seconds until the limiter has a token
// again, at least 1: the integer form of Retry-After that clients parse.
func (in *injector) retryAfter(now time.Time) int {
	missing := 1 - in.lim.TokensAt(now)
	secs := int(math.Ceil(missing / float64(in.lim.Limit())))
	return max(1, secs)
}
