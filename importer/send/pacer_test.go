package send

import (
	"context"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// fakeClock is a manual clock: time moves only when the test says so, and
// every After call is announced on armed, so a test knows a goroutine is
// now blocked waiting without sleeping to find out.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	armed  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), armed: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
	} else {
		c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), ch: ch})
	}
	c.armed <- d
	return ch
}

// Advance moves time forward and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

// immediate reports whether one pacer.wait returns without arming a timer.
func immediate(t *testing.T, p *pacer, clk *fakeClock) bool {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := p.wait(context.Background()); err != nil {
			t.Errorf("wait: %v", err)
		}
	}()
	select {
	case <-done:
		return true
	case <-clk.armed:
		// Blocked on a slot: let it through so the goroutine ends.
		clk.Advance(time.Hour)
		for {
			select {
			case <-done:
				return false
			case <-clk.armed: // a stale slot re-armed: keep advancing
				clk.Advance(time.Hour)
			}
		}
	}
}

func TestLimiterNoBurstAfterPause(t *testing.T) {
	// x/time/rate itself, at explicit instants: after a long idle period the
	// bucket holds at most `burst` tokens.
	for _, burst := range []int{1, 3} {
		lim := rate.NewLimiter(10, burst)
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		for i := 0; i < burst; i++ {
			lim.AllowN(t0, 1)
		}
		wake := t0.Add(8 * time.Hour) // the laptop slept all night
		got := 0
		for lim.AllowN(wake, 1) {
			got++
		}
		if got != burst {
			t.Errorf("burst %d: %d requests allowed at once after the pause, want %d", burst, got, burst)
		}
	}
}

func TestPacerBurstAfterPause(t *testing.T) {
	tests := []struct {
		name  string
		rate  float64
		burst int
	}{
		{"burst 1", 10, 1},
		{"burst 3", 10, 3},
		{"burst 0 means 1", 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			p := newPacer(tt.rate, tt.burst, clk)
			want := max(1, tt.burst)
			for round := 0; round < 2; round++ {
				got := 0
				for immediate(t, p, clk) {
					got++
					if got > 100 {
						t.Fatal("the pacer never blocks")
					}
				}
				if got != want {
					t.Errorf("round %d: %d immediate requests, want the burst %d", round, got, want)
				}
				clk.Advance(6 * time.Hour) // paused
			}
		})
	}
}

func TestPacerStaleSlotAfterPause(t *testing.T) {
	// Three workers hold future slots when the process is paused. On wake-up
	// their timers all fire at once; only one may go (the burst), the others
	// take fresh slots.
	clk := newFakeClock()
	p := newPacer(10, 1, clk)
	if _, err := p.wait(context.Background()); err != nil { // uses the only token
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
	for range 3 {
		<-clk.armed
	}
	clk.Advance(time.Hour)
	// Exactly one goes; two re-arm for new slots.
	<-done
	for range 2 {
		d := <-clk.armed
		if d <= 0 {
			t.Fatalf("a stale slot re-armed with %s", d)
		}
	}
	select {
	case <-done:
		t.Fatal("two workers went at once after the pause")
	default:
	}
	clk.Advance(time.Second)
	<-done
	<-done
}

func TestPacerThrottleAndRecover(t *testing.T) {
	clk := newFakeClock()
	p := newPacer(100, 1, clk)
	tk, _ := p.wait(context.Background())
	p.throttled(tk)
	if got := p.current(); got != 50 {
		t.Fatalf("after one 429: %v/s, want 50", got)
	}
	p.throttled(tk) // a 429 for a request sent before the decrease
	if got := p.current(); got != 50 {
		t.Fatalf("a stale 429 lowered the rate again: %v/s", got)
	}
	clk.Advance(pacerCooldown / 2)
	tkNew, _ := p.wait(context.Background())
	p.throttled(tkNew) // sent after the decrease, but within the same episode
	if got := p.current(); got != 50 {
		t.Fatalf("a 429 within the cooldown lowered the rate again: %v/s", got)
	}
	clk.Advance(pacerCooldown)
	tk2, _ := p.wait(context.Background())
	p.throttled(tk2)
	if got := p.current(); got != 25 {
		t.Fatalf("after a second 429: %v/s, want 25", got)
	}
	for range pacerRecoverEvery - 1 {
		p.succeeded()
	}
	if got := p.current(); got != 25 {
		t.Fatalf("recovered too early: %v/s", got)
	}
	p.succeeded()
	if got := p.current(); got < 27.4 || got > 27.6 {
		t.Fatalf("after %d successes: %v/s, want 27.5", pacerRecoverEvery, got)
	}
	for range 100 * pacerRecoverEvery {
		p.succeeded()
	}
	if got := p.current(); got != 100 {
		t.Fatalf("did not recover to the configured rate: %v/s", got)
	}
}

func TestPacerFloor(t *testing.T) {
	p := newPacer(4, 1, newFakeClock())
	clk := p.clock.(*fakeClock)
	for range 10 {
		p.throttled(p.gen)
		clk.Advance(pacerCooldown)
	}
	if got := p.current(); got != pacerFloor {
		t.Fatalf("rate fell to %v/s, want the floor %v", got, pacerFloor)
	}
	slow := newPacer(0.5, 1, newFakeClock())
	slow.throttled(0)
	if got := slow.current(); got != 0.5 {
		t.Fatalf("a configured rate below the floor was lowered to %v", got)
	}
}

func TestPacerUnlimitedThrottle(t *testing.T) {
	clk := newFakeClock()
	p := newPacer(0, 1, clk)
	var tk uint64
	for range 65 { // the API accepts 1,000 requests per second
		tk, _ = p.wait(context.Background())
		p.succeeded()
		clk.Advance(time.Millisecond)
	}
	p.throttled(tk)
	if got := p.current(); got < 750 || got > 850 {
		t.Fatalf("unlimited run throttled to %v/s, want just below the accepted 1000/s", got)
	}
	// Demand stays at the lowered limit (it binds): the rate climbs back.
	for range 20 * pacerRecoverEvery {
		clk.Advance(time.Duration(float64(time.Second) / float64(p.current())))
		p.release(clk.Now())
		p.succeeded()
	}
	if got := p.current(); got < 1500 {
		t.Fatalf("rate %v/s after 400 answers at the limit, want it back above 1500/s", got)
	}
	// Far above any real API, the limiter is dropped again.
	p.mu.Lock()
	p.lim.SetLimitAt(clk.Now(), pacerUnlimitedAbove)
	p.mu.Unlock()
	clk.Advance(2 * time.Second)
	for range pacerRecoverEvery {
		p.succeeded()
	}
	if got := p.current(); got != rate.Inf {
		t.Fatalf("did not return to unlimited: %v/s", got)
	}
}

func TestPacerWaitCancelled(t *testing.T) {
	clk := newFakeClock()
	p := newPacer(1, 1, clk)
	p.wait(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := p.wait(ctx)
		errc <- err
	}()
	<-clk.armed
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("wait ignored its cancelled context")
	}
}

func TestPacerLowerWithoutHistory(t *testing.T) {
	tests := []struct {
		name    string
		perSec  float64
		sentGap time.Duration // 0: nothing sent yet
		sent    int
		want    rate.Limit
	}{
		{"configured rate, nothing answered: halve", 40, 0, 0, 20},
		{"unlimited, nothing at all: fallback", 0, 0, 0, pacerFallback},
		{"unlimited, only sent: half the sending rate", 0, 10 * time.Millisecond, 30, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			p := newPacer(tt.perSec, 1, clk)
			for range tt.sent {
				clk.Advance(tt.sentGap)
				p.release(clk.Now())
			}
			p.throttled(p.gen)
			if got := p.current(); got < tt.want*0.95 || got > tt.want*1.05 {
				t.Errorf("rate after a 429: %v/s, want %v/s", got, tt.want)
			}
		})
	}
}

func TestPacerRecoversOnlyWhenBinding(t *testing.T) {
	clk := newFakeClock()
	p := newPacer(1000, 1, clk)
	p.throttled(p.gen) // nothing answered yet: halve to 500/s
	// The run sends only 100/s: the lowered limit is not what holds it back.
	for range 10 * pacerRecoverEvery {
		clk.Advance(10 * time.Millisecond)
		p.release(clk.Now())
		p.succeeded()
	}
	if got := p.current(); got != 500 {
		t.Fatalf("the rate crept up to %v/s while the run sent only 100/s", got)
	}
}
