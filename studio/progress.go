package studio

import (
	"context"
	"errors"
	"maps"
	"sync"
	"time"

	"owr-import/importer"
	"owr-import/importer/row"
	"owr-import/importer/send"
)

// sendRun is one send started from the page: importer.Run on a context
// the Stop button cancels, as Ctrl-C cancels `run`, and what its outcome
// hook has counted so far.
type sendRun struct {
	cancel context.CancelFunc
	ctx    context.Context
	done   chan struct{}

	mu       sync.Mutex
	target   string
	tag      string
	total    int // the valid rows: each ends with an outcome unless the send stops
	start    time.Time
	rows     int
	counts   map[row.Status]int
	series   []point
	running  bool
	stopping bool
	summary  *importer.Summary
	err      string
	aborted  bool

	// hook is told of every outcome after it is counted (tests: stop a
	// send part-way).
	hook func(row.Outcome)
}

// point is one second of the send: rows finished, requests made (retries
// included) and errors (retries, and rows that ended other than created or
// skipped).
type point struct {
	T        int `json:"t"`
	Rows     int `json:"rows"`
	Requests int `json:"requests"`
	Errors   int `json:"errors"`
}

func newSendRun(target, tag string, total int) *sendRun {
	ctx, cancel := context.WithCancel(context.Background())
	return &sendRun{ctx: ctx, cancel: cancel, done: make(chan struct{}), target: target, tag: tag, total: total,
		start: time.Now(), counts: map[row.Status]int{}, running: true}
}

// execute runs the send to its end; redact cleans the texts kept for the
// page.
func (r *sendRun) execute(opts importer.RunOptions, redact func(string) string) {
	defer close(r.done)
	sum, err := importer.Run(r.ctx, opts)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running, r.summary = false, sum
	redactSummary(sum, redact)
	if err != nil {
		r.err = redact(err.Error())
		var abort *send.AbortError
		r.aborted = errors.As(err, &abort)
	}
}

// redactSummary cleans every text of a summary the page shows: the API's
// error examples, the notes, the in_doubt rows, why a run stopped.
func redactSummary(sum *importer.Summary, redact func(string) string) {
	if sum == nil {
		return
	}
	sum.Aborted = redact(sum.Aborted)
	for i := range sum.Problems {
		p := &sum.Problems[i]
		p.Key, p.Example = redact(p.Key), redact(p.Example)
	}
	for _, list := range [][]string{sum.Notes, sum.InDoubt} {
		for i := range list {
			list[i] = redact(list[i])
		}
	}
}

// outcome is the run's hook, called from its journal goroutine for every
// finished row.
func (r *sendRun) outcome(o row.Outcome) {
	r.count(o)
	if r.hook != nil {
		r.hook(o)
	}
}

func (r *sendRun) count(o row.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sec := int(time.Since(r.start) / time.Second)
	for len(r.series) <= sec {
		r.series = append(r.series, point{T: len(r.series)})
	}
	p := &r.series[sec]
	r.rows++
	r.counts[o.Status]++
	p.Rows++
	p.Requests += o.Attempts
	p.Errors += max(0, o.Attempts-1)
	if o.Status != row.StatusCreated && o.Status != row.StatusSkipped && o.Status != row.StatusNotAttempted {
		p.Errors++
	}
}

func (r *sendRun) stop() {
	r.mu.Lock()
	r.stopping = r.running
	r.mu.Unlock()
	r.cancel()
}

func (r *sendRun) isRunning() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running
}

// snapshot is the progress as the page draws it. It holds copies: the
// answer is encoded after the lock is let go, while the run counts on (a
// map read and written at once stops the program).
func (r *sendRun) snapshot() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	elapsed := time.Since(r.start)
	out := map[string]any{
		"target": r.target, "api": r.tag, "running": r.running, "stopping": r.stopping, "total": r.total,
		"done": r.rows, "counts": maps.Clone(r.counts), "series": append([]point{}, r.series...),
		"elapsedSeconds": elapsed.Seconds(), "error": r.err, "aborted": r.aborted,
	}
	if left := r.secondsLeft(elapsed); left >= 0 {
		out["secondsLeft"] = left
	}
	if r.summary != nil {
		out["summary"] = r.summary
	}
	return out
}

// secondsLeft estimates the time left from the rows of the last ten
// seconds; -1 when it cannot tell yet.
func (r *sendRun) secondsLeft(elapsed time.Duration) float64 {
	if !r.running || r.rows == 0 || elapsed < time.Second {
		return -1
	}
	from := max(0, len(r.series)-10)
	rows := 0
	for _, p := range r.series[from:] {
		rows += p.Rows
	}
	span := elapsed.Seconds() - float64(from)
	if rows == 0 || span <= 0 {
		return -1
	}
	return float64(max(0, r.total-r.rows)) / (float64(rows) / span)
}
