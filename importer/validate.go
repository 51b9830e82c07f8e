package importer

import (
	"context"
	"errors"
	"io"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"owr-import/mapping"
)

// ValidateOptions are the inputs of one `validate`.
type ValidateOptions struct {
	Input   string
	Mapping *mapping.Mapping
	Sheet   string // overrides the mapping's source.sheet
	OutDir  string // "" = next to the input
}

// batchSize is how many rows travel together between pipeline stages; large
// enough that channel hand-offs cost nothing next to parsing, small enough
// that memory stays flat.
const batchSize = 512

// Validate checks every row of the input without sending anything and writes
// NAME.results.EXT with valid, invalid or duplicate per row. Reading, checking
// and writing run as three stages so a large CSV keeps both cores busy.
func Validate(ctx context.Context, opts ValidateOptions) (*Summary, error) {
	start := time.Now()
	src, binding, err := openMapped(opts.Input, opts.Mapping, opts.Sheet)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	paths, err := PlanOutputs(opts.Input, opts.OutDir, src.Format())
	if err != nil {
		return nil, err
	}
	keep := inputColumns(src.Header())
	header := outputHeader(src.Header(), keep, validateResultColumns)
	w, err := CreateResultFile(paths.Results, WriterOptions{
		Format: src.Format(), Delimiter: src.Delimiter(), Header: header,
		OwrFrom: len(keep), StatusCol: len(keep) + 1, OKStatuses: okStatuses, SheetName: "Results",
	})
	if err != nil {
		return nil, err
	}
	sum := &Summary{
		Command: "validate", Input: opts.Input, Sheet: src.Sheet(), HeaderRow: src.HeaderRow(),
		Counts: map[Status]int{},
	}
	problems := newTally()
	chk := newChecker(binding)

	g, gctx := errgroup.WithContext(ctx)
	records := readBatches(gctx, g, src)
	rows := make(chan [][]string, 4)
	g.Go(func() error {
		defer close(rows)
		for batch := range records {
			out := make([][]string, len(batch))
			for i, rec := range batch {
				v := chk.check(rec)
				sum.Rows++
				sum.Counts[v.Status]++
				countProblems(problems, rec.Row, v)
				msg := v.message(cellNamer(src, rec.Row))
				out[i] = outputRow(rec.Values, keep, strconv.Itoa(rec.Row), string(v.Status), msg)
			}
			select {
			case rows <- out:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	g.Go(func() error {
		for batch := range rows {
			for _, r := range batch {
				if err := w.Write(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		w.Abort()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	sum.Problems = problems.top(10)
	sum.Files = []string{paths.Results}
	sum.Elapsed = Duration(time.Since(start))
	if s := time.Since(start).Seconds(); s > 0 {
		sum.Rate = float64(sum.Rows) / s
	}
	return sum, nil
}

// readBatches streams the source in batches on its own goroutine. The
// channel is closed when the input ends or fails; a failure is returned to g.
func readBatches(ctx context.Context, g *errgroup.Group, src Source) <-chan []Record {
	out := make(chan []Record, 4)
	g.Go(func() error {
		defer close(out)
		batch := make([]Record, 0, batchSize)
		for {
			rec, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			batch = append(batch, rec)
			if len(batch) == batchSize {
				select {
				case out <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]Record, 0, batchSize)
			}
		}
		if len(batch) > 0 {
			select {
			case out <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	return out
}

// countProblems adds a row's problems to the summary tally, grouped by kind.
func countProblems(t *tally, row int, v verdict) {
	if v.Status == StatusDuplicate {
		t.add("duplicate "+v.DupField, row, v.message(nil))
	}
	for _, p := range v.Problems {
		key := p.Kind
		if p.Field != "" {
			key += " " + p.Field
		}
		if p.Warning {
			key = "warning " + key
		}
		t.add(key, row, problemPlace(p, nil)+p.Message)
	}
}

// outputHeader is the input header without our own columns, then extra.
func outputHeader(header []string, keep []int, extra []string) []string {
	out := make([]string, 0, len(keep)+len(extra))
	for _, i := range keep {
		out = append(out, header[i])
	}
	return append(out, extra...)
}

// outputRow copies the kept input cells and appends extra cells.
func outputRow(values []string, keep []int, extra ...string) []string {
	out := make([]string, 0, len(keep)+len(extra))
	for _, i := range keep {
		out = append(out, values[i])
	}
	return append(out, extra...)
}
