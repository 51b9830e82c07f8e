package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"owr-import/importer/row"
	"owr-import/importer/source"
)

// checkPass is what the validation pass of `run` learns before anything is
// sent: how many rows there are and how many can be sent (the progress bar's
// total and --max-invalid's input), and a few bodies for --dry-run.
type checkPass struct {
	fedBack   bool // the input is one of our own failed-rows files
	format    row.Format
	sheet     string
	headerRow int
	delimiter rune
	lastRow   int // the highest row number of a data row
	rows      int
	valid     int
	invalid   int
	duplicate int
	problems  *tally
	dupIDs    map[string]int // duplicates by the field they repeat
	samples   []sampleBody
	shown     map[row.Status]int
	notes     []string
}

// sampleBody is a row --dry-run shows: the body that would be sent, or
// why the row would not be.
type sampleBody struct {
	row    int
	status row.Status
	body   []byte // valid rows: the JSON that would be sent
	why    string // other rows: their problems
}

func checkAll(ctx context.Context, opts RunOptions) (*checkPass, error) {
	pass, err := openPass(opts.Input)
	if err != nil {
		return nil, err
	}
	defer pass.Close()
	src := pass.src
	p := &checkPass{format: src.Format(), sheet: src.Sheet(), headerRow: src.HeaderRow(), delimiter: src.Delimiter(),
		problems: newTally(), fedBack: isFedBack(src.Header()), dupIDs: map[string]int{}}
	p.rows, err = pass.each(ctx, func(rec row.Record, v verdict) error {
		p.lastRow = rec.Row
		if err := p.sample(opts, rec, v, src); err != nil {
			return err
		}
		switch v.Status {
		case row.StatusValid:
			p.valid++
		case row.StatusInvalid:
			p.invalid++
		case row.StatusDuplicate:
			p.duplicate++
			p.dupIDs[v.DupField]++
		}
		countProblems(p.problems, rec.Row, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if p.rows == 0 {
		return nil, errNoDataRows(src)
	}
	p.notes = inputNotes(src, opts.Mapping)
	return p, nil
}

// suspectRows is how many rows a file needs before an id column that
// mostly repeats is taken as a wrong mapping rather than bad luck.
const suspectRows = 10

// mappingLooksWrong says why the mapping is probably wrong, or "": an id
// column whose values repeat in most rows is not the customers' id (a
// postcode or a city mapped to extCustomerId, say), and sending the rows
// it leaves would create customers under wrong ids. This check holds
// whatever --max-invalid allows.
func (p *checkPass) mappingLooksWrong() string {
	if p.fedBack || p.rows < suspectRows {
		return ""
	}
	for _, field := range []string{"extCustomerId", "extCustomerNumber"} {
		if n := p.dupIDs[field]; 2*n > p.rows {
			return fmt.Sprintf("the column mapped to %s repeats an earlier row's value in %d of %d rows: it is probably not the customers' own %s (a postcode, a city or a group code?). Check the mapping; nothing was sent",
				field, n, p.rows, field)
		}
	}
	return ""
}

// sample keeps the rows --dry-run shows: the first ShowEach of each status,
// and every row named in Show.
func (p *checkPass) sample(opts RunOptions, rec row.Record, v verdict, src source.Source) error {
	if !opts.DryRun {
		return nil
	}
	if p.shown == nil {
		p.shown = map[row.Status]int{}
	}
	if !opts.Show[rec.Row] && p.shown[v.Status] >= opts.ShowEach {
		return nil
	}
	p.shown[v.Status]++
	b := sampleBody{row: rec.Row, status: v.Status}
	if v.Status == row.StatusValid {
		body, err := json.MarshalIndent(v.Customer, "", "  ")
		if err != nil {
			return err
		}
		b.body = body
	} else {
		b.why = v.message(cellNamer(src, rec.Row))
	}
	p.samples = append(p.samples, b)
	return nil
}
