package importer

import (
	"context"
	"encoding/json"
	"owr-import/importer/row"
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
	samples   []sampleBody
	notes     []string
}

type sampleBody struct {
	row  int
	body []byte
}

const dryRunSamples = 3

func checkAll(ctx context.Context, opts RunOptions) (*checkPass, error) {
	pass, err := openPass(opts.Input)
	if err != nil {
		return nil, err
	}
	defer pass.Close()
	src := pass.src
	p := &checkPass{format: src.Format(), sheet: src.Sheet(), headerRow: src.HeaderRow(), delimiter: src.Delimiter(),
		problems: newTally(), fedBack: isFedBack(src.Header())}
	p.rows, err = pass.each(ctx, func(rec row.Record, v verdict) error {
		p.lastRow = rec.Row
		switch v.Status {
		case row.StatusValid:
			p.valid++
			if len(p.samples) < dryRunSamples {
				body, err := json.MarshalIndent(v.Customer, "", "  ")
				if err != nil {
					return err
				}
				p.samples = append(p.samples, sampleBody{row: rec.Row, body: body})
			}
		case row.StatusInvalid:
			p.invalid++
		case row.StatusDuplicate:
			p.duplicate++
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
