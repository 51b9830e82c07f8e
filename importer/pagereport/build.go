package pagereport

import (
	"fmt"
	"sort"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

// maxInDoubtListed bounds the in_doubt rows listed one by one.
const maxInDoubtListed = 50

// Meta is what the command knows that the ledger does not.
type Meta struct {
	Title     string // the migration's original export
	Command   string
	Version   string
	API       string
	Self      string // the page's own file name, left out of the result files
	Generated time.Time
	Location  *time.Location
	Rows      int                // rows of the migration, as the results file lists them
	Counts    map[row.Status]int // per status, as the results file counts them
	RunLines  []string           // the command's own summary
	Stopped   string             // why the run stopped early; "" when it ran to the end
}

// Build gathers the page's data from the migration's ledger (read twice as
// a stream, for the timeline and the result files) and its state (the open
// rows). Memory stays bounded whatever the ledger's size: counts per
// bucket, a few example rows per kind of problem.
func Build(ledgerPath string, st *ledger.State, m Meta) (*Data, error) {
	d := &Data{Title: m.Title, Command: m.Command, Version: m.Version, API: m.API, Generated: m.Generated,
		Location: m.Location, Rows: m.Rows, RunLines: m.RunLines, Stopped: m.Stopped}
	known, rows := d.openRows(st)
	counts := m.Counts
	if counts == nil {
		// The results file was not refreshed (the original export is gone
		// or changed): the rows the ledger knows are what can be counted.
		counts, d.Rows = known, rows
	}
	for _, s := range statusOrder {
		if n := counts[s]; n > 0 {
			d.Counts = append(d.Counts, Count{Status: s, N: n})
		}
	}
	for _, in := range st.Inputs() {
		d.Inputs = append(d.Inputs, File{Name: in.Name, At: in.At, SHA256: in.SHA256})
	}
	if err := d.history(ledgerPath, m.Self); err != nil {
		return nil, err
	}
	return d, nil
}

// openRows groups the rows not created (or skipped) by kind of problem and
// lists the in_doubt ones. It returns the rows the ledger knows, per
// status and in all.
func (d *Data) openRows(st *ledger.State) (map[row.Status]int, int) {
	g := newGrouper()
	known, rows := map[row.Status]int{}, 0
	visit := func(e ledger.Entry, where string) {
		known[e.Status]++
		rows++
		switch e.Status {
		case row.StatusCreated, row.StatusSkipped, row.StatusValid:
			return
		case row.StatusInDoubt:
			if len(d.InDoubt) < maxInDoubtListed {
				d.InDoubt = append(d.InDoubt, InDoubtRow{Where: where, ExtCustomerID: e.ExtCustomerID, File: e.File, Text: cut(e.Error, maxExampleRunes)})
			} else {
				d.MoreInDoubt++
			}
		}
		g.add(e, where)
	}
	st.EachOrig(func(e ledger.Entry) { visit(e, fmt.Sprintf("row %d", e.OrigRow)) })
	st.Extras(func(e ledger.Entry) { visit(e, fmt.Sprintf("row %d of %s", e.Row, e.File)) })
	d.Problems, d.MoreProblems = g.result()
	return known, rows
}

// history walks the ledger twice: first for the latest sending session
// and the result files, then to count that session's requests.
func (d *Data) history(path, self string) error {
	var s sessions
	outputs := map[string]File{}
	err := ledger.Events(path, func(e ledger.Event) error {
		s.observe(e)
		if e.Kind == ledger.EventOutput && e.File != self {
			outputs[e.File] = File{Name: e.File, At: e.At, SHA256: e.SHA256}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range outputs {
		d.Outputs = append(d.Outputs, f)
	}
	sort.Slice(d.Outputs, func(i, j int) bool { return d.Outputs[i].Name < d.Outputs[j].Name })
	d.Timeline = s.timeline()
	if s.count == 0 {
		return nil
	}
	return ledger.Events(path, func(e ledger.Event) error {
		d.Timeline.add(e)
		return nil
	})
}
