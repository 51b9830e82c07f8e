package pagereport

import (
	"fmt"
	"strconv"
	"time"

	"owr-import/importer/row"
	"owr-import/internal/display"
)

// view is Data as the template shows it: every text cleaned of control
// characters (display.Line), every number formatted, every chart computed.
// The template itself escapes for HTML; clean makes what a reader sees
// unambiguous (a line break or a bidirectional override in a cell is shown
// as \n or \u202e, not obeyed).
type view struct {
	Title, Command, Version, API, Generated, Stopped string

	Rows, Done, Open, InDoubtN int
	DonePct                    string
	Counts                     []countView
	Bars                       []Bar
	BarsHeight                 int

	Problems     []groupView
	MoreProblems int

	Chart *chartView

	Inputs, Outputs []fileView
	InDoubt         []InDoubtRow
	MoreInDoubt     int
	RunLines        []string
}

type countView struct {
	Status, Class, Meaning string
	N                      int
	Pct                    string
}

type groupView struct {
	Status, Class, Answer, Pattern string
	Count                          int
	Examples                       []Example
}

type fileView struct{ Name, What, At, SHA string }

func clean(s string) string { return display.Line(s) }

// meanings say what each status means to someone who never saw the tool.
var meanings = map[row.Status]string{
	row.StatusCreated:      "Created in Onlinewerkrooster.",
	row.StatusSkipped:      "Created by an earlier run of this migration; not sent again.",
	row.StatusValid:        "Passed every check; not sent yet.",
	row.StatusInvalid:      "Not sent: the row has a problem to fix in the file.",
	row.StatusDuplicate:    "Not sent: the same customer id or number as an earlier row.",
	row.StatusRejected:     "Sent; Onlinewerkrooster refused it.",
	row.StatusConflict:     "Sent; Onlinewerkrooster already has this customer.",
	row.StatusInDoubt:      "Probably created, but not confirmed: look it up in Onlinewerkrooster.",
	row.StatusFailed:       "Sent, but Onlinewerkrooster kept failing or did not answer.",
	row.StatusNotAttempted: "Not tried yet: the run stopped before this row, or no run read it.",
}

func newView(d *Data) *view {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	v := &view{Title: clean(d.Title), Command: clean(d.Command), Version: clean(d.Version), API: clean(d.API),
		Generated: stamp(d.Generated, loc), Stopped: clean(d.Stopped), Rows: d.Rows, MoreProblems: d.MoreProblems.Count, MoreInDoubt: d.MoreInDoubt}
	v.counts(d.Counts)
	for _, g := range d.Problems {
		v.Problems = append(v.Problems, groupOf(g))
	}
	v.Chart = chartOf(d.Timeline, loc)
	for i, f := range d.Inputs {
		what := "fed back or corrected"
		if i == 0 {
			what = "the original export"
		}
		v.Inputs = append(v.Inputs, fileView{Name: clean(f.Name), What: what, At: stamp(f.At, loc), SHA: shaPrefix(f.SHA256)})
	}
	for _, f := range d.Outputs {
		v.Outputs = append(v.Outputs, fileView{Name: clean(f.Name), At: stamp(f.At, loc), SHA: shaPrefix(f.SHA256)})
	}
	for _, r := range d.InDoubt {
		v.InDoubt = append(v.InDoubt, InDoubtRow{Where: clean(r.Where), ExtCustomerID: r.ExtCustomerID, File: clean(r.File), Text: clean(r.Text)})
	}
	for _, l := range d.RunLines {
		v.RunLines = append(v.RunLines, clean(l))
	}
	return v
}

func (v *view) counts(counts []Count) {
	for _, c := range counts {
		cv := countView{Status: clean(string(c.Status)), Class: classOf(c.Status), Meaning: meanings[c.Status], N: c.N, Pct: pct(c.N, v.Rows)}
		v.Counts = append(v.Counts, cv)
		switch c.Status {
		case row.StatusCreated, row.StatusSkipped:
			v.Done += c.N
		case row.StatusInDoubt:
			v.InDoubtN += c.N
		}
	}
	v.Open = max(v.Rows-v.Done, 0)
	v.DonePct = pct(v.Done, v.Rows)
	v.Bars = bars(counts, barWidth, barRow)
	for i := range v.Bars {
		v.Bars[i].Label, v.Bars[i].Class = clean(v.Bars[i].Label), classOf(counts[i].Status)
	}
	v.BarsHeight = max(len(v.Bars)*barRow, barRow)
}

func groupOf(g Group) groupView {
	gv := groupView{Status: clean(string(g.Status)), Class: classOf(g.Status), Pattern: clean(g.Pattern), Count: g.Count}
	switch {
	case g.HTTP > 0 && g.Code != "":
		gv.Answer = fmt.Sprintf("HTTP %d, %s", g.HTTP, clean(g.Code))
	case g.HTTP > 0:
		gv.Answer = fmt.Sprintf("HTTP %d", g.HTTP)
	case g.Code != "":
		gv.Answer = clean(g.Code)
	}
	for _, e := range g.Examples {
		gv.Examples = append(gv.Examples, Example{Where: clean(e.Where), Text: clean(e.Text)})
	}
	return gv
}

// classOf is the CSS class of a status's colour; an unknown status (a
// damaged or newer ledger) gets a neutral one rather than its own text.
func classOf(s row.Status) string {
	if _, ok := meanings[s]; ok {
		return "s-" + string(s)
	}
	return "s-other"
}

func pct(n, of int) string {
	if of <= 0 {
		return "0%"
	}
	p := 100 * float64(n) / float64(of)
	if p > 0 && p < 1 {
		return "<1%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.In(loc).Format("2 Jan 2006 15:04:05 MST")
}

// shaPrefix is enough of a SHA-256 to tell two versions of a file apart.
func shaPrefix(s string) string {
	s = clean(s)
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
