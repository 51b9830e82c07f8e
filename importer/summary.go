package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"owr-import/importer/report"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/internal/display"
	"path/filepath"
	"strings"
	"time"
)

// Summary is what a consultant reads at the end of `validate` or `run`, and
// what --summary-json writes for scripts. It holds counts and a few examples,
// never row data or keys.
type Summary struct {
	Command   string             `json:"command"`
	Input     string             `json:"input"`
	Sheet     string             `json:"sheet,omitempty"`
	HeaderRow int                `json:"headerRow"`
	Rows      int                `json:"rows"`
	Counts    map[row.Status]int `json:"counts"`
	// Notes are remarks about the file itself (unnamed or look-alike columns).
	Notes []string `json:"notes,omitempty"`
	// Problems groups local problems (validate) or API errors (run) by kind.
	Problems []TallyEntry `json:"problems"`
	Files    []string     `json:"files"`
	Elapsed  Duration     `json:"elapsedSeconds"`
	// Requests is the number of HTTP attempts made, retries included.
	Requests int     `json:"requests,omitempty"`
	Rate     float64 `json:"rowsPerSecond"`
	// RateAuto is what --rate auto did: the rate it settled on and why it
	// last changed; nil with a fixed --rate.
	RateAuto *send.AutoReport `json:"rateAuto,omitempty"`
	// Aborted says why a run stopped early; empty when it ran to the end.
	Aborted string `json:"aborted,omitempty"`
	// Migration counts every row of the migration by its latest status,
	// over all the files fed into it (run and status).
	Migration     map[row.Status]int `json:"migration,omitempty"`
	MigrationRows int                `json:"migrationRows,omitempty"`
	// InDoubt lists the first in_doubt rows of the migration with what to
	// check (status only).
	InDoubt []string `json:"inDoubt,omitempty"`
}

// Duration marshals as seconds, the unit a script wants.
type Duration time.Duration

// MarshalJSON writes the duration in seconds with millisecond precision.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.3f", time.Duration(d).Seconds())), nil
}

// statusOrder is the order statuses are listed in, most wanted first.
var statusOrder = []row.Status{
	row.StatusValid, row.StatusCreated, row.StatusSkipped, row.StatusInvalid, row.StatusDuplicate,
	row.StatusRejected, row.StatusConflict, row.StatusInDoubt, row.StatusFailed, row.StatusNotAttempted,
}

// WriteText prints the summary for a person.
// Every text in it may come from the file or the API (headers, cells, error
// bodies), so the whole summary is made printable on a terminal first.
func (s *Summary) WriteText(w io.Writer) {
	var b strings.Builder
	s.writeText(&b)
	io.WriteString(w, display.Text(b.String()))
}

func (s *Summary) writeText(w io.Writer) {
	if s.Aborted != "" {
		// Said first, before any detail, and again last: it is what the
		// consultant must act on.
		fmt.Fprintf(w, "\nSTOPPED: %s\n", s.Aborted)
		fmt.Fprintf(w, "  Before it stopped: %d request(s) sent, %d row(s) created. %d row(s) were not tried (not_attempted): nothing is wrong with them.\n",
			s.Requests, s.Counts[row.StatusCreated], s.Counts[row.StatusNotAttempted])
	}
	fmt.Fprintf(w, "\n%s of %s", s.Command, filepath.Base(s.Input))
	if s.Sheet != "" {
		fmt.Fprintf(w, " (sheet %q)", s.Sheet)
	}
	fmt.Fprintf(w, ": %d rows, header on row %d\n", s.Rows, s.HeaderRow)
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	writeCounts(w, s.Counts)
	if len(s.Problems) > 0 {
		fmt.Fprintln(w, "Most frequent problems:")
		for _, p := range s.Problems {
			fmt.Fprintf(w, "  %s: %d row(s), e.g. row %s\n    %s\n", p.Key, p.Count, joinRows(p.Rows), p.Example)
		}
	}
	if s.MigrationRows > 0 && s.Command != "status" {
		fmt.Fprintf(w, "The whole migration (every file fed into it so far): %d rows\n", s.MigrationRows)
		writeCounts(w, s.Migration)
	}
	if len(s.InDoubt) > 0 {
		fmt.Fprintln(w, "In doubt (check each in Onlinewerkrooster):")
		for _, d := range s.InDoubt {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	if len(s.Files) > 0 {
		fmt.Fprintln(w, "Files written:")
		for _, f := range s.Files {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	fmt.Fprintf(w, "Elapsed %s", time.Duration(s.Elapsed).Round(time.Millisecond))
	if s.Requests > 0 {
		fmt.Fprintf(w, ", %d requests", s.Requests)
	}
	if s.Rate > 0 {
		fmt.Fprintf(w, ", %.1f rows/s", s.Rate)
	}
	fmt.Fprintln(w)
	if s.RateAuto != nil {
		writeAutoRate(w, *s.RateAuto)
	}
	if s.Aborted != "" {
		fmt.Fprintf(w, "Stopped early: %s\n", s.Aborted)
	}
}

// writeAutoRate says the rate --rate auto settled on, how often and why it
// changed, and where the next run of the migration starts.
func writeAutoRate(w io.Writer, r send.AutoReport) {
	fmt.Fprintf(w, "Rate: --rate auto settled on %s (from %s, ceiling %s): raised %d times",
		requestRateText(r.Settled), requestRateText(r.Start), requestRateText(r.Max), r.Raised)
	var why []string
	for _, c := range []struct {
		n    int
		what string
	}{
		{r.LoweredLatency, "the API slowed down"}, {r.LoweredThrottled, "it answered 429"},
		{r.LoweredUnavailable, "it answered 503"}, {r.LoweredThroughput, "fewer requests went through"},
	} {
		if c.n > 0 {
			why = append(why, fmt.Sprintf("%s %d×", c.what, c.n))
		}
	}
	if len(why) > 0 {
		fmt.Fprintf(w, ", lowered %d times: %s", r.LoweredLatency+r.LoweredThrottled+r.LoweredUnavailable+r.LoweredThroughput, strings.Join(why, ", "))
	}
	fmt.Fprintf(w, ".\n  Last change: %s.\n", r.Why)
	if r.Learned {
		fmt.Fprintf(w, "  Kept in the ledger: the next run of this migration starts at %s.\n", requestRateText(send.ResumeFrom(r.Settled, r.Max)))
	} else {
		fmt.Fprintln(w, "  Too few answers to remember it for the next run.")
	}
}

func joinRows(rows []int) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = fmt.Sprint(r)
	}
	return strings.Join(parts, ", ")
}

// WriteJSONFile writes the summary to path through a temporary file, so a
// script never reads half a summary.
func (s *Summary) WriteJSONFile(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := report.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing the summary %s: %w", path, err)
	}
	return nil
}

// writeCounts prints counts per status, most wanted first.
func writeCounts(w io.Writer, counts map[row.Status]int) {
	for _, st := range statusOrder {
		if n := counts[st]; n > 0 {
			fmt.Fprintf(w, "  %-14s %d\n", st, n)
		}
	}
}
