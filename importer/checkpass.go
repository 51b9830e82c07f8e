package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"owr-import/importer/row"
)

// checkPass is what the validation pass of `run` learns before anything is
// sent: how many rows there are and how many can be sent (the progress bar's
// total and --max-invalid's input), and a few bodies for --dry-run.
type checkPass struct {
	paths     OutputPaths
	fedBack   bool // the input is one of our own failed-rows files
	sheet     string
	headerRow int
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
	src, binding, err := openMapped(opts.Input, opts.Mapping, opts.Sheet)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	paths, err := PlanOutputs(opts.Input, opts.OutDir, src.Format(), opts.JournalTag)
	if err != nil {
		return nil, err
	}
	p := &checkPass{paths: paths, sheet: src.Sheet(), headerRow: src.HeaderRow(), problems: newTally(),
		fedBack: fedBackColumns(src.Header()).status >= 0}
	chk := newChecker(binding)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		v := chk.check(rec)
		p.rows++
		switch v.Status {
		case row.StatusValid:
			p.valid++
			if len(p.samples) < dryRunSamples {
				body, err := json.MarshalIndent(v.Customer, "", "  ")
				if err != nil {
					return nil, err
				}
				p.samples = append(p.samples, sampleBody{row: rec.Row, body: body})
			}
		case row.StatusInvalid:
			p.invalid++
		case row.StatusDuplicate:
			p.duplicate++
		}
		countProblems(p.problems, rec.Row, v)
	}
	if p.rows == 0 {
		return nil, errNoDataRows(src)
	}
	p.notes = inputNotes(src)
	return p, nil
}
