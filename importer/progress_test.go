package importer

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"owr-import/importer/row"
)

// fakeClock is a progressClock the test moves by hand. Every After call is
// announced on registered, so Advance can wait until the progress goroutine
// has handled the tick it fired and is waiting again: no sleeps.
type fakeClock struct {
	mu         sync.Mutex
	now        time.Time
	waiters    []fakeWaiter
	registered chan struct{}
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), registered: make(chan struct{}, 16)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	c.mu.Unlock()
	c.registered <- struct{}{}
	return ch
}

// Advance moves the clock by d, fires every waiter that is due and returns
// once each fired waiter's goroutine is waiting again.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var keep []fakeWaiter
	fired := 0
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			keep = append(keep, w)
			continue
		}
		w.ch <- c.now
		fired++
	}
	c.waiters = keep
	c.mu.Unlock()
	for range fired {
		<-c.registered
	}
}

// step is one moment of a scripted run: the clock moves by wait, then n
// rows finish with status (sent rows have one attempt, skipped and
// not_attempted rows none).
type step struct {
	wait   time.Duration
	status row.Status
	n      int
}

func rows(wait time.Duration, status row.Status, n int) step { return step{wait, status, n} }
func pause(wait time.Duration) step                          { return step{wait: wait} }

// progressScripts are the runs the golden files show: a fresh run, a
// resumed run whose first rows were created before, and a stopped run.
var progressScripts = []struct {
	name  string
	total int
	steps []step
}{
	{"fresh", 10, []step{
		pause(200 * time.Millisecond),
		rows(300*time.Millisecond, row.StatusCreated, 1),
		rows(250*time.Millisecond, row.StatusCreated, 1),
		rows(250*time.Millisecond, row.StatusCreated, 1),
		rows(250*time.Millisecond, row.StatusCreated, 1),
		rows(250*time.Millisecond, row.StatusFailed, 1),
		rows(250*time.Millisecond, row.StatusCreated, 1),
		rows(50*time.Millisecond, row.StatusConflict, 1), // within the throttle: drawn by the next row
		rows(200*time.Millisecond, row.StatusCreated, 1),
		rows(250*time.Millisecond, row.StatusCreated, 1),
		rows(250*time.Millisecond, row.StatusCreated, 1),
		pause(300 * time.Millisecond),
	}},
	{"resumed", 11, []step{
		rows(0, row.StatusSkipped, 6), // read from the ledger at once
		rows(500*time.Millisecond, row.StatusCreated, 1),
		rows(500*time.Millisecond, row.StatusCreated, 1),
		rows(500*time.Millisecond, row.StatusSkipped, 1),
		rows(500*time.Millisecond, row.StatusCreated, 1),
		rows(500*time.Millisecond, row.StatusInDoubt, 1),
	}},
	{"stopped", 10, []step{
		rows(400*time.Millisecond, row.StatusCreated, 1),
		rows(400*time.Millisecond, row.StatusCreated, 1),
		rows(400*time.Millisecond, row.StatusCreated, 1),
		pause(1500 * time.Millisecond), // Ctrl-C: requests in flight end
		rows(0, row.StatusNotAttempted, 2),
	}},
}

// playProgress runs a script through a progress display on a fake clock
// and returns what it wrote.
func playProgress(t *testing.T, terminal bool, total int, steps []step) string {
	t.Helper()
	var out bytes.Buffer
	clk := newFakeClock()
	p := newProgress(ProgressOptions{Out: &out, Terminal: terminal, Interval: time.Second, clock: clk}, total)
	if total > 0 {
		<-clk.registered // the goroutine waits for its first tick
	}
	for _, s := range steps {
		clk.Advance(s.wait)
		for range s.n {
			o := row.Outcome{Status: s.status}
			if s.status != row.StatusSkipped && s.status != row.StatusNotAttempted {
				o.Attempts = 1
			}
			p.outcome(o)
		}
	}
	p.close()
	return out.String()
}

// screenFrames turns what a bar wrote to a terminal into one line per
// frame: the clearing of a line ("\r" + spaces + "\r", or a bare "\r" on
// Windows) becomes a line break and the padding at the end of a frame goes.
func screenFrames(s string) string {
	s = regexp.MustCompile("\r *\r").ReplaceAllString(s, "\r")
	var b strings.Builder
	for _, f := range strings.Split(s, "\r") {
		for _, line := range strings.Split(f, "\n") {
			if line = strings.TrimRight(line, " "); line != "" {
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

func TestProgressGolden(t *testing.T) {
	for _, sc := range progressScripts {
		for _, mode := range []string{"terminal", "log"} {
			t.Run(sc.name+"_"+mode, func(t *testing.T) {
				got := playProgress(t, mode == "terminal", sc.total, sc.steps)
				if mode == "terminal" {
					got = screenFrames(got)
				}
				checkGolden(t, "progress_"+sc.name+"_"+mode+".golden", []byte(got))
			})
		}
	}
}

var countsRE = regexp.MustCompile(`(\d+)/(\d+) rows: ([a-z_]+ \d+(?:, [a-z_]+ \d+)*)`)

// TestProgressCountsAddUp checks every frame and line of every script: the
// rows done are the sum of the statuses shown, created and skipped are
// always shown, no rate appears before the first second or the first sent
// row, and a finished or stopped run says so last.
func TestProgressCountsAddUp(t *testing.T) {
	for _, sc := range progressScripts {
		for _, terminal := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s_terminal=%v", sc.name, terminal), func(t *testing.T) {
				lines := strings.Split(strings.TrimSpace(screenFrames(playProgress(t, terminal, sc.total, sc.steps))), "\n")
				if len(lines) == 0 || lines[0] == "" {
					t.Fatal("no progress shown")
				}
				for _, line := range lines {
					m := countsRE.FindStringSubmatch(line)
					if m == nil {
						t.Fatalf("no counts in %q", line)
					}
					done, _ := strconv.Atoi(m[1])
					sum := 0
					for _, part := range strings.Split(m[3], ", ") {
						n, _ := strconv.Atoi(part[strings.LastIndexByte(part, ' ')+1:])
						sum += n
					}
					if sum != done {
						t.Errorf("%q: %d done, the statuses add up to %d", line, done, sum)
					}
					if !strings.Contains(m[3], "created ") || !strings.Contains(m[3], "skipped ") {
						t.Errorf("%q: created and skipped must always show", line)
					}
					if strings.Contains(line, " 0 rows/") || strings.Contains(line, "rows/hr") {
						t.Errorf("%q: a rate of nothing is shown", line)
					}
				}
				last := lines[len(lines)-1]
				if want := map[string]string{"fresh": "finished in", "resumed": "finished in", "stopped": "stopped after"}[sc.name]; !strings.Contains(last, want) {
					t.Errorf("last line %q lacks %q", last, want)
				}
			})
		}
	}
}

func TestProgressNothingToShow(t *testing.T) {
	tests := []struct {
		name string
		opts ProgressOptions
		tot  int
	}{
		{"no output", ProgressOptions{}, 10},
		{"no rows, terminal", ProgressOptions{Terminal: true}, 0},
		{"no rows, log", ProgressOptions{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if tt.tot == 0 {
				tt.opts.Out = &out
			}
			tt.opts.clock = newFakeClock()
			p := newProgress(tt.opts, tt.tot)
			p.outcome(row.Outcome{Status: row.StatusCreated, Attempts: 1})
			p.close()
			if out.Len() != 0 {
				t.Errorf("wrote %q", out.String())
			}
		})
	}
}

func TestProgressRateText(t *testing.T) {
	tests := []struct {
		perSecond float64
		want      string
	}{
		{250, "250 rows/s"},
		{10, "10 rows/s"},
		{9.96, "10 rows/s"},
		{4, "4.0 rows/s"},
		{1, "1.0 rows/s"},
		{0.5, "30 rows/min"},
		{0.05, "3.0 rows/min"},
		{0.001, "0.1 rows/min"},
	}
	for _, tt := range tests {
		if got := rateText(tt.perSecond); got != tt.want {
			t.Errorf("rateText(%v) = %q, want %q", tt.perSecond, got, tt.want)
		}
	}
}

func TestProgressBarWidth(t *testing.T) {
	tests := []struct {
		cols, text, want int
	}{
		{0, 60, 30},   // not a terminal we can measure: the full bar
		{200, 60, 30}, // room enough
		{100, 60, 28}, // narrowed so the line fits in 99 columns
		{80, 60, 10},  // never narrower than 10; the line wraps
	}
	for _, tt := range tests {
		if got := barWidth(tt.cols, tt.text); got != tt.want {
			t.Errorf("barWidth(%d, %d) = %d, want %d", tt.cols, tt.text, got, tt.want)
		}
	}
}
