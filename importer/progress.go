package importer

import (
	"fmt"
	"io"
	"math"
	"os"
	"owr-import/internal/clock"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"owr-import/importer/row"
)

// ProgressOptions say how a run reports progress. A terminal gets a live bar;
// anything else (a log file, CI, a pipe) gets one plain line every Interval,
// because a bar redrawn into a file is unreadable.
type ProgressOptions struct {
	Out      io.Writer // normally stderr; nil = no progress at all
	Terminal bool      // Out is an interactive terminal
	Interval time.Duration

	clock clock.Clock // tests only; nil = the wall clock
}

const (
	defaultLogInterval = 10 * time.Second
	// A terminal bar is redrawn at most every barThrottle when rows finish,
	// and every barRefresh when none do (the rate and time left move on).
	barThrottle = 100 * time.Millisecond
	barRefresh  = time.Second
	// The rate is known once a row was sent and this much time has passed:
	// a rate from the first few milliseconds says nothing.
	rateSettle = time.Second
)

// progress follows finished rows. Its outcome method is called only from the
// journal goroutine, one call per finished row; a goroutine of its own
// writes the log lines or refreshes the bar, hence the lock.
type progress struct {
	mu      sync.Mutex
	clock   clock.Clock
	out     io.Writer
	total   int
	done    int
	sent    int // rows that reached the API: the rate counts only these
	counts  map[row.Status]int
	start   time.Time
	rate    rateSource // --rate auto: the rate in force and why; nil otherwise
	stop    chan struct{}
	stopped sync.WaitGroup

	// terminal only
	bar      *progressbar.ProgressBar
	screen   *gate
	lastDraw time.Time
	widest   int // the longest text drawn, so a shorter one overwrites it all
}

// newProgress starts the display of a run of total rows (the valid rows:
// every one of them ends with an outcome unless the run stops).
func newProgress(opts ProgressOptions, total int) *progress {
	clk := opts.clock
	if clk == nil {
		clk = clock.Wall{}
	}
	p := &progress{clock: clk, out: opts.Out, total: total, counts: map[row.Status]int{},
		start: clk.Now(), stop: make(chan struct{})}
	if opts.Out == nil || total <= 0 {
		p.out = nil
		return p
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = defaultLogInterval
	}
	if opts.Terminal {
		p.screen = &gate{w: opts.Out}
		// The bar draws only the fill; counts, rate and time left are the
		// description, computed here on p.clock. Throttling is done here
		// too, for the same reason: the bar's own reads the wall clock.
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.screen),
			progressbar.OptionSetWidth(barWidth(0, 0)),
			progressbar.OptionThrottle(0),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionShowDescriptionAtLineEnd(),
		)
		p.draw(p.start)
		interval = barRefresh
	}
	p.stopped.Add(1)
	go p.every(interval)
	return p
}

// rateSource tells the rate in force and, in a few words, why it is that:
// send.AutoRate with --rate auto.
type rateSource interface {
	Status() (perSecond float64, why string)
}

// showRate adds the rate src decides, and why, to every line from now on.
func (p *progress) showRate(src rateSource) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = src
}

func (p *progress) outcome(o row.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.counts[o.Status]++
	if o.Attempts > 0 {
		p.sent++
	}
	if p.bar == nil {
		return
	}
	now := p.clock.Now()
	if p.done >= p.total || now.Sub(p.lastDraw) >= barThrottle {
		p.draw(now)
	}
}

// every writes a log line, or redraws the bar, each interval until close.
func (p *progress) every(interval time.Duration) {
	defer p.stopped.Done()
	for {
		select {
		case <-p.stop:
			return
		case now := <-p.clock.After(interval):
			p.mu.Lock()
			if p.bar != nil {
				if p.done < p.total {
					p.draw(now)
				}
			} else {
				fmt.Fprintln(p.out, "progress: "+p.text(now, ""))
			}
			p.mu.Unlock()
		}
	}
}

// close stops the log lines or the bar with a last line that says how the
// sending ended, leaving the terminal on a fresh line for the summary.
func (p *progress) close() {
	close(p.stop)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.out == nil {
		return
	}
	now := p.clock.Now()
	elapsed := durationText(now.Sub(p.start))
	end := "finished in " + elapsed
	if p.done < p.total {
		end = "stopped after " + elapsed
	}
	if p.bar == nil {
		fmt.Fprintln(p.out, "progress: "+p.text(now, end))
		return
	}
	p.drawText(p.text(now, end))
	_ = p.bar.Exit()
	fmt.Fprintln(p.out)
}

// text is the state of the run at now: rows done out of the total, each
// status's count (they add up to the rows done), then end, or the rate and
// the time left once they are known.
func (p *progress) text(now time.Time, end string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d rows: created %d, skipped %d", p.done, p.total, p.counts[row.StatusCreated], p.counts[row.StatusSkipped])
	listed := p.counts[row.StatusCreated] + p.counts[row.StatusSkipped]
	for _, s := range statusOrder { // the summary's order
		if n := p.counts[s]; n > 0 && s != row.StatusCreated && s != row.StatusSkipped {
			fmt.Fprintf(&b, ", %s %d", s, n)
			listed += n
		}
	}
	if other := p.done - listed; other > 0 { // a status this list does not know yet
		fmt.Fprintf(&b, ", other %d", other)
	}
	elapsed := now.Sub(p.start)
	rateKnown := p.sent > 0 && elapsed >= rateSettle
	var tail []string
	if rateKnown {
		tail = append(tail, rateText(float64(p.sent)/elapsed.Seconds()))
	}
	if p.rate != nil {
		r, why := p.rate.Status()
		tail = append(tail, fmt.Sprintf("rate auto %s (%s)", requestRateText(r), why))
	}
	switch {
	case end != "":
		tail = append(tail, end)
	case rateKnown && p.done < p.total:
		left := float64(p.total-p.done) / (float64(p.sent) / elapsed.Seconds())
		tail = append(tail, durationText(time.Duration(math.Ceil(left))*time.Second)+" left")
	}
	if len(tail) > 0 {
		b.WriteString("; " + strings.Join(tail, ", "))
	}
	return b.String()
}

// draw shows the bar at now.
func (p *progress) draw(now time.Time) {
	p.drawText(p.text(now, ""))
	p.lastDraw = now
}

// drawText redraws the bar with text after it, as one frame: setting the
// fill draws a frame of its own with the old text, which the gate keeps
// off the screen.
func (p *progress) drawText(text string) {
	if w := len(text); w > p.widest {
		p.widest = w
	}
	text += strings.Repeat(" ", p.widest-len(text)) // a bare "\r" (Windows) does not clear the line
	progressbar.OptionSetWidth(barWidth(terminalColumns(p.out), p.widest))(p.bar)
	p.screen.open = false
	_ = p.bar.Set(min(p.done, p.total))
	p.screen.open = true
	p.bar.Describe(text)
}

// gate passes writes through only while open.
type gate struct {
	w    io.Writer
	open bool
}

func (g *gate) Write(b []byte) (int, error) {
	if !g.open {
		return len(b), nil
	}
	return g.w.Write(b)
}

// barWidth is the width of the bar in a terminal cols wide (0: unknown)
// before a text textLen wide: 30, narrower so the line fits, never under
// 10 (a line too long for the terminal then wraps).
func barWidth(cols, textLen int) int {
	const widest, narrowest = 30, 10
	const frame = 12 // "100% |" "| " and the spaces around the text, and the last column
	if cols <= 0 {
		return widest
	}
	return min(widest, max(narrowest, cols-frame-textLen))
}

// terminalColumns is the width of the terminal w writes to, 0 when w is not
// a terminal.
func terminalColumns(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

// rateText says how many rows are sent per second, or per minute when it
// is less than one a second.
func rateText(perSecond float64) string {
	switch perMinute := perSecond * 60; {
	case perSecond >= 9.95:
		return fmt.Sprintf("%.0f rows/s", perSecond)
	case perSecond >= 1:
		return fmt.Sprintf("%.1f rows/s", perSecond)
	case perMinute >= 9.95:
		return fmt.Sprintf("%.0f rows/min", perMinute)
	default:
		return fmt.Sprintf("%.1f rows/min", perMinute)
	}
}

// requestRateText is a rate of requests, as --rate auto sets it.
func requestRateText(perSecond float64) string {
	if perSecond >= 9.95 {
		return fmt.Sprintf("%.0f/s", perSecond)
	}
	return fmt.Sprintf("%.1f/s", perSecond)
}

// durationText is d to the second: "0s", "45s", "3m20s", "1h2m0s".
func durationText(d time.Duration) string {
	return d.Round(time.Second).String()
}
