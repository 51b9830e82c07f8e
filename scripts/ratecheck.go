//go:build ignore

// ratecheck reads the sandbox's request log (GET /api/requests) on stdin and
// checks a run kept to its rate: the effective rate over the whole run, and
// the busiest one-second window, which may not pass rate + burst.
// `curl ... /api/requests | go run scripts/ratecheck.go -rate 200 -burst 1`
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"
)

type record struct {
	Time time.Time `json:"time"`
}

func main() {
	rate := flag.Float64("rate", 200, "the --rate the run was given")
	burst := flag.Int("burst", 1, "the --burst the run was given")
	flag.Parse()
	var recs []record
	if err := json.NewDecoder(os.Stdin).Decode(&recs); err != nil {
		fmt.Fprintln(os.Stderr, "ratecheck: reading the request log:", err)
		os.Exit(2)
	}
	if len(recs) < 2 {
		fmt.Fprintln(os.Stderr, "ratecheck: fewer than two requests logged")
		os.Exit(2)
	}
	times := make([]time.Time, len(recs))
	for i, r := range recs {
		times[i] = r.Time
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	span := times[len(times)-1].Sub(times[0]).Seconds()
	effective := float64(len(times)-1) / span
	busiest, j := 0, 0
	for i := range times { // sliding window [times[j], times[i]] shorter than one second
		for times[i].Sub(times[j]) >= time.Second {
			j++
		}
		busiest = max(busiest, i-j+1)
	}
	limit := int(*rate) + *burst
	dev := 100 * (effective - *rate) / *rate
	fmt.Printf("--rate %.0f over %d requests: effective %.1f requests/s (%+.1f%%), busiest one-second window %d requests (limit rate+burst = %d)\n",
		*rate, len(times), effective, dev, busiest, limit)
	if dev < -2 || dev > 2 || busiest > limit {
		os.Exit(1)
	}
}
