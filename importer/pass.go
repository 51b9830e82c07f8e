package importer

import (
	"context"
	"errors"
	"io"

	"owr-import/importer/row"
	"owr-import/importer/source"
	"owr-import/mapping"
)

// rowPass is one read of the input, in file order, through the mapping and
// the local checks. `run` reads its input three times — to check every row
// before anything is sent, to send, and to render the result files — and
// each time through a rowPass, so the three reads see the same rows with
// the same verdicts. (validate reads once, with its own parallel pipeline
// over the same checker, because it must keep up with a bare CSV read.)
type rowPass struct {
	src     source.Source
	binding *mapping.Binding
	chk     *checker
}

// openPass opens the input for one pass.
func openPass(in Input) (*rowPass, error) {
	src, binding, err := openMapped(in)
	if err != nil {
		return nil, err
	}
	return &rowPass{src: src, binding: binding, chk: newChecker(binding, src)}, nil
}

// errStopPass ends a pass early without an error: each returns nil.
var errStopPass = errors.New("stop the pass")

// each calls fn for every data row with its verdict, until the input ends,
// ctx is done (its error is returned), or fn returns an error (returned,
// except errStopPass). It returns the number of rows read.
func (p *rowPass) each(ctx context.Context, fn func(rec row.Record, v verdict) error) (int, error) {
	rows := 0
	for {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		rec, err := p.src.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows++
		if err := fn(rec, p.chk.check(rec)); err != nil {
			if errors.Is(err, errStopPass) {
				return rows, nil
			}
			return rows, err
		}
	}
}

// Close releases the input file.
func (p *rowPass) Close() error { return p.src.Close() }
