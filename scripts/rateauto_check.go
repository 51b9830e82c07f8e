//go:build ignore

// rateauto_check reads what bench_rate_auto.sh left (each run's sandbox
// request log, summary and ledger) and prints the runs side by side, then
// checks --rate auto's targets; it exits 1 when one is missed.
//
//	go run scripts/rateauto_check.go -dir bench-out/rate-auto -capacity 40 -rows 4000
//
// In dir, each run NAME has NAME.requests.json (GET /api/requests),
// NAME.summary.json (--summary-json), NAME.secs (the command's wall time)
// and NAME.ledger.csv; the capacity-drop run also has drop.at (RFC 3339,
// when the capacity was halved).
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

type request struct {
	Time          time.Time `json:"time"`
	Status        int       `json:"status"`
	ExtCustomerID int64     `json:"extCustomerId"`
	CustomerID    int64     `json:"customerId"` // set when this request created the customer
}

// run is one command's figures.
type run struct {
	label    string
	secs     float64
	requests int
	refused  int     // 429 and 503 answers
	reached  float64 // seconds from the first request until 90% of the capacity was served over 2 s; -1 never
	settled  float64 // --rate auto's settled rate; 0 for a fixed rate
	start    float64 // --rate auto's starting rate
	problems []string
	reqs     []request
}

func (r run) share() float64 { return float64(r.refused) / float64(max(1, r.requests)) }

var dir = flag.String("dir", "bench-out/rate-auto", "the bench's output folder")

func main() {
	capacity := flag.Float64("capacity", 40, "the sandbox's capacity in requests per second")
	rows := flag.Int("rows", 4000, "rows of each run's export")
	flag.Parse()
	auto := load("auto", "--rate auto --workers 16", *capacity, *rows, time.Time{})
	fixed := load("fixed", "--rate 10 (the default)", *capacity, *rows, time.Time{})
	blind := load("blind", "--rate 100 --workers 16", *capacity, -1, time.Time{}) // a guess: rows may fail
	drop := load("drop", "--rate auto --workers 16, capacity halved", *capacity, *rows, time.Time{})
	var autoEnd time.Time // the next file goes to auto's sandbox: only what came after
	if len(auto.reqs) > 0 {
		autoEnd = auto.reqs[len(auto.reqs)-1].Time
	}
	next := load("next", "--rate auto, the same migration's next file", *capacity, *rows/4, autoEnd)
	fmt.Printf("%-46s %8s %9s %8s %8s %12s %10s\n", "run (sandbox capacity 40/s, hidden)", "time", "requests", "429/503", "share", "90% after", "rate")
	for _, r := range []run{auto, fixed, blind, drop, next} {
		fmt.Printf("%-46s %7.1fs %9d %8d %7.2f%% %12s %10s\n", r.label, r.secs, r.requests, r.refused, 100*r.share(), reachedText(r.reached), rateText(r))
	}
	failed := report(auto, fixed, drop, next, *capacity)
	for _, r := range []run{auto, fixed, blind, drop, next} {
		for _, p := range r.problems {
			fmt.Printf("MISSED: %s: %s\n", r.label, p)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// report prints the targets with their figures and says whether one was missed.
func report(auto, fixed, drop, next run, capacity float64) (failed bool) {
	check := func(ok bool, format string, args ...any) {
		mark := "ok    "
		if !ok {
			mark, failed = "MISSED", true
		}
		fmt.Printf("%s "+format+"\n", append([]any{mark}, args...)...)
	}
	check(auto.reached >= 0 && auto.reached <= 20, "--rate auto served 90%% of the capacity (%.0f/s over 2 s) after %s (target: within 20 s)", 0.9*capacity, reachedText(auto.reached))
	check(auto.share() < 0.01, "--rate auto: %d of %d answers were 429/503, %.2f%% (target: under 1%%)", auto.refused, auto.requests, 100*auto.share())
	ratio := fixed.secs / auto.secs
	check(ratio >= 3.5, "--rate auto finished %.2fx faster than --rate 10 (%.1fs against %.1fs; target: at least 3.5x)", ratio, auto.secs, fixed.secs)
	at, third, mean, busiest := dropFigures(drop)
	newCap := capacity / 2
	check(third >= 0 && float64(third) < newCap && mean < newCap,
		"capacity halved to %.0f/s at %.1fs into the run: %d requests arrived in the second ending 3 s later, then %.1f/s on average to the end, busiest second %d (target: under %.0f/s within 3 s)",
		newCap, at, third, mean, busiest, newCap)
	check(drop.share() < 0.02, "capacity halved: %d of %d answers were 429/503, %.2f%% (target: under 2%%)", drop.refused, drop.requests, 100*drop.share())
	want := min(50, max(1, 0.9*auto.settled))
	check(auto.settled > 0 && next.start > want-0.01 && next.start < want+0.01,
		"the next file of the --rate auto migration started at %.1f/s, near the %.1f/s the run before settled on", next.start, auto.settled)
	return failed
}

// load reads one run's files, its requests after after, and checks that
// every row was created once (and, unless rows < 0, that all rows were).
func load(name, label string, capacity float64, rows int, after time.Time) run {
	r := run{label: label, reached: -1}
	if b, err := os.ReadFile(filepath.Join(*dir, name+".secs")); err == nil {
		r.secs, _ = strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	}
	b, err := os.ReadFile(filepath.Join(*dir, name+".requests.json"))
	if err != nil || json.Unmarshal(b, &r.reqs) != nil || len(r.reqs) == 0 {
		r.problems = append(r.problems, "no request log")
		return r
	}
	keep := r.reqs[:0]
	for _, q := range r.reqs {
		if q.Time.After(after) {
			keep = append(keep, q)
		}
	}
	r.reqs = keep
	sort.Slice(r.reqs, func(i, j int) bool { return r.reqs[i].Time.Before(r.reqs[j].Time) })
	r.requests = len(r.reqs)
	created := map[int64]int{}
	for _, q := range r.reqs {
		switch {
		case q.Status == 429 || q.Status == 503:
			r.refused++
		case q.CustomerID != 0:
			created[q.ExtCustomerID]++
		case q.Status == 409:
			r.problems = append(r.problems, fmt.Sprintf("extCustomerId %d sent again after it was created (409)", q.ExtCustomerID))
		}
	}
	for ext, n := range created {
		if n != 1 {
			r.problems = append(r.problems, fmt.Sprintf("extCustomerId %d created %d times", ext, n))
		}
	}
	if rows >= 0 && len(created) != rows {
		r.problems = append(r.problems, fmt.Sprintf("%d customers created, want %d", len(created), rows))
	}
	r.reached = reachedAfter(r.reqs, 0.9*capacity)
	r.settled, r.start = autoFigures(name)
	r.problems = append(r.problems, ledgerProblems(name, len(created))...)
	return r
}

// reachedAfter is how long after the first request the creates served over
// the last 2 s first came to at least target per second; -1 when never.
func reachedAfter(reqs []request, target float64) float64 {
	const window = 2 * time.Second
	var served []time.Time
	for _, q := range reqs {
		if q.CustomerID != 0 {
			served = append(served, q.Time)
		}
	}
	j := 0
	for i, t := range served {
		for t.Sub(served[j]) >= window {
			j++
		}
		if float64(i-j+1)/window.Seconds() >= target {
			return t.Sub(reqs[0].Time).Seconds()
		}
	}
	return -1
}

// dropFigures: when the capacity was halved (seconds into the run), how
// many requests arrived in the one second ending 3 s after that, and the
// mean rate and busiest second of arrivals from then to the end.
func dropFigures(r run) (at float64, third int, mean float64, busiest int) {
	b, err := os.ReadFile(filepath.Join(*dir, "drop.at"))
	if err != nil || len(r.reqs) == 0 {
		return -1, -1, -1, 0
	}
	dropAt, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
	if err != nil {
		return -1, -1, -1, 0
	}
	at = dropAt.Sub(r.reqs[0].Time).Seconds()
	from, end := dropAt.Add(3*time.Second), r.reqs[len(r.reqs)-1].Time
	third = countBetween(r.reqs, from.Add(-time.Second), from)
	if span := end.Sub(from).Seconds(); span > 0 {
		mean = float64(countBetween(r.reqs, from, end)) / span
	}
	for t := from; t.Add(time.Second).Before(end); t = t.Add(time.Second) {
		busiest = max(busiest, countBetween(r.reqs, t, t.Add(time.Second)))
	}
	return at, third, mean, busiest
}

func countBetween(reqs []request, from, to time.Time) int {
	n := 0
	for _, q := range reqs {
		if !q.Time.Before(from) && q.Time.Before(to) {
			n++
		}
	}
	return n
}

// autoFigures reads --rate auto's settled and starting rate from the run's summary.
func autoFigures(name string) (settled, start float64) {
	var sum struct {
		RateAuto *struct {
			Settled float64 `json:"settledPerSecond"`
			Start   float64 `json:"startPerSecond"`
		} `json:"rateAuto"`
	}
	b, err := os.ReadFile(filepath.Join(*dir, name+".summary.json"))
	if err != nil || json.Unmarshal(b, &sum) != nil || sum.RateAuto == nil {
		return 0, 0
	}
	return sum.RateAuto.Settled, sum.RateAuto.Start
}

// ledgerProblems checks the run's ledger: every row created has exactly
// one finished line, and a run with --rate auto kept its rate.
func ledgerProblems(name string, created int) []string {
	f, err := os.Open(filepath.Join(*dir, name+".ledger.csv"))
	if err != nil {
		return []string{"no ledger"}
	}
	defer f.Close()
	lines, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return []string{"the ledger cannot be read: " + err.Error()}
	}
	finished, rates := map[string]int{}, 0
	for _, l := range lines[1:] {
		switch l[0] {
		case "finished":
			finished[l[1]+":"+l[2]]++
		case "rate":
			rates++
		}
	}
	var problems []string
	for key, n := range finished {
		if n != 1 {
			problems = append(problems, fmt.Sprintf("row %s ends %d times in the ledger", key, n))
		}
	}
	if len(finished) < created {
		problems = append(problems, fmt.Sprintf("%d rows finished in the ledger, %d created", len(finished), created))
	}
	if settled, _ := autoFigures(name); settled > 0 && rates == 0 {
		problems = append(problems, "the ledger kept no rate")
	}
	return problems
}

func reachedText(s float64) string {
	if s < 0 {
		return "never"
	}
	return fmt.Sprintf("%.1fs", s)
}

func rateText(r run) string {
	if r.settled == 0 {
		return "fixed"
	}
	return fmt.Sprintf("%.1f/s", r.settled)
}
