package importer

import (
	"fmt"
	"io"
	"owr-import/importer/row"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// ProgressOptions say how a run reports progress. A terminal gets a live bar;
// anything else (a log file, CI, a pipe) gets one plain line every Interval,
// because a bar redrawn into a file is unreadable.
type ProgressOptions struct {
	Out      io.Writer // normally stderr; nil = no progress at all
	Terminal bool      // Out is an interactive terminal
	Interval time.Duration
}

// progress follows finished rows. Its outcome method is called only from the
// journal goroutine, one call per finished row.
type progress struct {
	mu                    sync.Mutex
	total                 int
	done, created, failed int
	bar                   *progressbar.ProgressBar
	out                   io.Writer
	start                 time.Time
	stop                  chan struct{}
	stopped               sync.WaitGroup
}

func newProgress(opts ProgressOptions, total int) *progress {
	p := &progress{total: total, out: opts.Out, start: time.Now(), stop: make(chan struct{})}
	if opts.Out == nil {
		return p
	}
	if opts.Terminal {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(opts.Out),
			progressbar.OptionSetDescription("sending"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
		)
		return p
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = 10 * time.Second
	}
	p.stopped.Add(1)
	go p.logEvery(interval)
	return p
}

func (p *progress) outcome(o row.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	switch o.Status {
	case row.StatusCreated, row.StatusSkipped:
		p.created++
	default:
		p.failed++
	}
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("created %d, not created %d", p.created, p.failed))
		_ = p.bar.Add(1)
	}
}

func (p *progress) logEvery(interval time.Duration) {
	defer p.stopped.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			elapsed := time.Since(p.start).Seconds()
			fmt.Fprintf(p.out, "progress: %d/%d rows done (%d created, %d not created), %.1f rows/s\n",
				p.done, p.total, p.created, p.failed, float64(p.done)/elapsed)
			p.mu.Unlock()
		}
	}
}

// close stops the log line or finishes the bar, leaving the terminal on a
// fresh line for the summary.
func (p *progress) close() {
	close(p.stop)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Exit()
		fmt.Fprintln(p.out)
	}
}
