package importer

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/internal/sandboxtest"
	"owr-import/sandbox"
)

// TestRunAutoRateRemembered: a run with --rate auto reports the rate it
// settled on in its summary and keeps it in the ledger; the next run of the
// same migration (another file, the same folder and API) starts near it.
func TestRunAutoRateRemembered(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	runAuto := func(name string, first int) *Summary {
		t.Helper()
		opts := testRunOptions(t, writeFile(t, dir, name, exportRows(first, 120, func(int) string { return "Gent" })), testClient(t, srv, ""))
		opts.Submit.Auto = send.NewAutoRate(send.AutoConfig{Start: 20, Max: 400})
		sum, err := Run(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Counts[row.StatusCreated] != 120 || sum.RateAuto == nil {
			t.Fatalf("counts %v, rate %+v", sum.Counts, sum.RateAuto)
		}
		return sum
	}
	first := runAuto("export.csv", 5000)
	state, err := ledger.Read(ledger.Path(dir, "test"))
	if err != nil {
		t.Fatal(err)
	}
	kept, ok := state.Rate()
	if !ok || math.Abs(kept.PerSecond-first.RateAuto.Settled) > 1e-9 || kept.Why == "" {
		t.Fatalf("ledger keeps %+v (%v), the summary says %+v", kept, ok, first.RateAuto)
	}
	second := runAuto("export_v2.csv", 6000)
	if want := send.ResumeFrom(kept.PerSecond, 400); math.Abs(second.RateAuto.Start-want) > 1e-9 {
		t.Errorf("the second run started at %v/s, want %v/s (near the %v/s the first settled on)", second.RateAuto.Start, want, kept.PerSecond)
	}
	var out bytes.Buffer
	second.WriteText(&out)
	if !strings.Contains(out.String(), "--rate auto settled on") {
		t.Errorf("the summary does not say the rate:\n%s", out.String())
	}
}

func TestSummaryAutoRateText(t *testing.T) {
	tests := []struct {
		name string
		rep  send.AutoReport
		want []string
	}{
		{"lowered by latency and a 429", send.AutoReport{Start: 5, Max: 50, Settled: 38.4, Final: 37, Raised: 14,
			LoweredLatency: 2, LoweredThrottled: 1, Why: "lowered: the API slowed down: answers took 61 ms, against 26 ms at its quickest", Learned: true},
			[]string{"--rate auto settled on 38/s", "from 5.0/s, ceiling 50/s", "raised 14 times", "lowered 3 times: the API slowed down 2×, it answered 429 1×",
				"Last change: lowered: the API slowed down", "the next run of this migration starts at 35/s"}},
		{"too short to learn", send.AutoReport{Start: 5, Max: 50, Settled: 5, Final: 5, Why: "started at 5.0/s"},
			[]string{"--rate auto settled on 5.0/s", "Too few answers to remember"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := &Summary{Command: "run", Input: "x.csv", RateAuto: &tt.rep}
			var out bytes.Buffer
			sum.WriteText(&out)
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("summary lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// fixedRate is a rate source for the progress line's tests.
type fixedRate struct {
	perSecond float64
	why       string
}

func (f fixedRate) Status() (float64, string) { return f.perSecond, f.why }

func TestProgressShowsAutoRate(t *testing.T) {
	var out bytes.Buffer
	clk := newFakeClock()
	p := newProgress(ProgressOptions{Out: &out, Interval: time.Second, clock: clk}, 10)
	p.showRate(fixedRate{38.4, "lowered: API slower"})
	<-clk.registered
	clk.Advance(500 * time.Millisecond)
	p.outcome(row.Outcome{Status: row.StatusCreated, Attempts: 1})
	clk.Advance(time.Second)
	p.close()
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.Contains(line, "rate auto 38/s (lowered: API slower)") {
			t.Errorf("progress line %q does not show the rate and why", line)
		}
	}
}
