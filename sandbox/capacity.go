package sandbox

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// DefaultQueue is how many requests may wait for their turn when
// Config.Queue is zero: a few, like the request queue of one small app
// server, so a client that sends too much hears 429 early.
const DefaultQueue = 4

// routerTimeout is how long Heroku's router waits for the app's answer
// before it answers with its 503 page itself.
const routerTimeout = 30 * time.Second

// checkCapacity reports a capacity or queue setting that makes no sense, in
// the words of the `sandbox` command's flags.
func checkCapacity(capacity float64, queue int) error {
	if !validCapacity(capacity) {
		return fmt.Errorf("--capacity is %v: give the requests per second the sandbox serves (for example 40), or 0 for no limit", capacity)
	}
	if queue < 0 {
		return fmt.Errorf("--queue is %d: give how many requests may wait for their turn (for example %d)", queue, DefaultQueue)
	}
	return nil
}

// validCapacity reports whether v is a usable capacity: a finite number of
// requests per second, 0 meaning no limit.
func validCapacity(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0
}

// turnOutcome is what the capacity queue does with an arriving request.
type turnOutcome uint8

const (
	// turnServed: the request joins the queue and is served in its turn.
	turnServed turnOutcome = iota
	// turnQueueFull: too many requests wait already; the answer is 429.
	turnQueueFull
	// turnTimeout: its turn would come after routerTimeout; the answer is
	// Heroku's 503 page once that has passed.
	turnTimeout
)

// String names the outcome in test failures.
func (o turnOutcome) String() string {
	switch o {
	case turnQueueFull:
		return "queue full"
	case turnTimeout:
		return "router timeout"
	}
	return "served"
}

// turn is one request's place in the capacity queue.
type turn struct {
	outcome    turnOutcome
	arrived    time.Time
	ticket     float64 // served once the queue's served work reaches it; 0 with no capacity
	retryAfter int     // seconds, for turnQueueFull
}

// queue models the app's capacity as one server that serves rate requests
// per second, one at a time, with at most depth requests waiting: a request
// waits for the ones ahead of it, then for its own service (1/rate), so the
// latency grows as the offered load nears the capacity. Time comes from now,
// so tests drive it with a fake clock.
//
// The queue is kept as amounts of work rather than as a list: admitted
// counts requests taken in, served how much of them the server had done at
// the time at. A request's ticket is the admitted count after it, and its
// turn has come when served reaches the ticket. A capacity change then
// reaches the requests already waiting at once, which a rate.Limiter
// reservation (its time fixed when it is made) would not.
type queue struct {
	now     func() time.Time
	timeout time.Duration // routerTimeout; tests shorten it

	mu       sync.Mutex
	rate     float64 // requests per second; 0 turns the model off
	depth    int
	admitted float64
	served   float64
	at       time.Time
	changed  chan struct{} // closed and replaced at every capacity change
}

// newQueue returns a queue serving rate requests per second (0: off) with
// depth places to wait (DefaultQueue when 0).
func newQueue(rate float64, depth int) *queue {
	if depth == 0 {
		depth = DefaultQueue
	}
	return &queue{now: time.Now, timeout: routerTimeout, rate: rate, depth: depth, changed: make(chan struct{})}
}

// advance brings served up to now at the current rate. Call with mu held.
func (q *queue) advance(now time.Time) {
	if now.After(q.at) {
		if q.rate > 0 {
			q.served = min(q.admitted, q.served+q.rate*now.Sub(q.at).Seconds())
		}
		q.at = now
	}
}

// arrive decides the turn of a request arriving now. A request refused (full
// queue, or a turn past the router's timeout) takes no place in the queue.
func (q *queue) arrive() turn {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	t := turn{arrived: now}
	if q.rate == 0 {
		return t
	}
	q.advance(now)
	inQueue := q.admitted - q.served // the one being served and those waiting
	const slack = 1e-9               // float sums must not refuse a free place
	if math.Ceil(inQueue-slack) > float64(q.depth) {
		t.outcome = turnQueueFull
		t.retryAfter = max(1, int(math.Ceil((inQueue-float64(q.depth))/q.rate)))
		return t
	}
	if seconds((inQueue+1)/q.rate) > q.timeout {
		t.outcome = turnTimeout
		return t
	}
	q.admitted++
	t.ticket = q.admitted
	return t
}

// remaining returns how long until t's turn (0 once it has come) and a
// channel closed when the capacity changes, after which the wait is to be
// asked for again.
func (q *queue) remaining(t turn) (time.Duration, <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.rate == 0 || t.ticket == 0 {
		return 0, q.changed
	}
	q.advance(q.now())
	return max(0, seconds((t.ticket-q.served)/q.rate)), q.changed
}

// set changes the capacity from now on, also for the requests waiting:
// the work already done counts at the old rate, what is left is served at the
// new one. Zero turns the model off and lets every waiting request through.
func (q *queue) set(rate float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(q.now())
	if rate == 0 {
		q.served = q.admitted
	}
	q.rate = rate
	close(q.changed)
	q.changed = make(chan struct{})
}

// state returns the capacity and the queue depth.
func (q *queue) state() capacityState {
	q.mu.Lock()
	defer q.mu.Unlock()
	return capacityState{Capacity: q.rate, Queue: q.depth}
}

// capacityState is the body of GET and PUT /sandbox/capacity.
type capacityState struct {
	Capacity float64 `json:"capacity"`
	Queue    int     `json:"queue"`
}

// seconds converts float seconds to a Duration, rounded to the nanosecond
// so that 3/0.1 seconds is 30 s, not a hair more.
func seconds(s float64) time.Duration {
	return time.Duration(math.Round(s * float64(time.Second)))
}
