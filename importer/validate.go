package importer

import (
	"context"
	"errors"
	"io"
	"owr-import/importer/report"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"owr-import/mapping"
)

// batchSize is how many rows travel together between pipeline stages; large
// enough that channel hand-offs cost nothing next to parsing, small enough
// that memory stays flat and that a batch's duplicate-index slots fit in the
// processor's cache (see keyTable.touch).
const batchSize = 512

// batchesAhead is how many batches the reader may be ahead of the mapping
// workers and of the sequential stage. With two cores the four goroutines
// take turns; room for eight thousand rows lets the reader go on
// through a worker's or the writer's slow moment (a disk write, a garbage
// collection) instead of stopping, for a few megabytes of memory.
const batchesAhead = 16

// Validate checks every row of the input without sending anything and writes
// NAME.results.EXT with valid, invalid or duplicate per row.
//
// A million-row CSV must validate at a good fraction of the speed of merely
// reading it, so the work is spread over the cores as a pipeline: one
// goroutine reads batches of rows; a worker per core maps them (Apply, the
// problem text, the duplicate keys, and for CSV the encoded result rows);
// one goroutine takes the batches back in file order, runs the duplicate
// check (which depends on every earlier row) and writes the results file.
func Validate(ctx context.Context, in Input) (*Summary, error) {
	start := time.Now()
	src, binding, err := openMapped(in)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	out, err := validatedPath(in.Path, in.OutDir, src.Format())
	if err != nil {
		return nil, err
	}
	removeStaleOlder(out, staleAfter)
	keep := inputColumns(src.Header())
	preview := binding.Preview()
	w, err := createResultFile(src, out, keep, previewColumns(validateResultColumns, preview), "Checked rows", true)
	if err != nil {
		return nil, err
	}
	vp := &validatePass{src: src, keep: keep, w: w, chk: newChecker(binding, src), problems: newTally(), preview: preview}
	vp.enc, _ = w.(report.RowEncoder)
	if vp.enc != nil {
		vp.validVerdict = vp.enc.AppendCells(nil, []string{string(row.StatusValid), ""}, verdictCols)
	}
	// Sizing the duplicate index for a large file takes a moment; it is
	// prepared while the first batches go through (see keyTable.reserve).
	vp.chk.dups.reserve(rowsHint(src))

	if err := vp.run(ctx, binding); err != nil {
		w.Abort()
		return nil, err
	}
	if vp.rows == 0 {
		w.Abort()
		return nil, errNoDataRows(src)
	}
	w.SetSummary(report.StatusSummary(map[row.Status]int{row.StatusValid: vp.counts[0],
		row.StatusInvalid: vp.counts[1], row.StatusDuplicate: vp.counts[2]}, statusOrder))
	if err := w.Close(); err != nil {
		return nil, err
	}
	return vp.summary(in, out, start), nil
}

// run drives the pipeline: a reader, a mapping worker per core and the
// sequential stage, until the input ends or a stage fails.
func (vp *validatePass) run(ctx context.Context, binding *mapping.Binding) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	g, gctx := errgroup.WithContext(ctx)
	// ordered carries every batch in file order to the sequential stage;
	// work carries the same batches to the mapping workers. Their capacity
	// bounds the rows in flight; free brings batches back for reuse.
	ordered := make(chan *validateBatch, batchesAhead)
	work := make(chan *validateBatch, batchesAhead)
	free := make(chan *validateBatch, cap(ordered)+workers+2)
	g.Go(func() error {
		defer close(work)
		defer close(ordered)
		return readValidateBatches(gctx, vp.src, free, ordered, work)
	})
	for range workers {
		g.Go(func() error {
			mapper := binding.NewMapper()
			for b := range work {
				vp.mapBatch(mapper, b)
				close(b.done)
			}
			return nil
		})
	}
	g.Go(func() error {
		for b := range ordered {
			select {
			case <-b.done:
			case <-gctx.Done():
				return gctx.Err()
			}
			if err := vp.settleBatch(b); err != nil {
				return err
			}
			// The batch keeps its rows' text until it is reused: clearing
			// 512 rows of cells on every batch costs more than the few
			// megabytes the batches waiting on free hold.
			select {
			case free <- b:
			default:
			}
		}
		return nil
	})
	return g.Wait()
}

// summary is what a finished pass tells the consultant.
func (vp *validatePass) summary(in Input, out string, start time.Time) *Summary {
	sum := &Summary{
		Command: "validate", Input: in.Path, Sheet: vp.src.Sheet(), HeaderRow: vp.src.HeaderRow(),
		Counts: map[row.Status]int{}, Rows: vp.rows, Notes: inputNotes(vp.src, in.Mapping),
		Problems: vp.problems.top(10), Files: []string{out},
	}
	for i, st := range []row.Status{row.StatusValid, row.StatusInvalid, row.StatusDuplicate} {
		if vp.counts[i] > 0 {
			sum.Counts[st] = vp.counts[i]
		}
	}
	sum.Elapsed = Duration(time.Since(start))
	if s := time.Since(start).Seconds(); s > 0 {
		sum.Rate = float64(sum.Rows) / s
	}
	return sum
}

// validatePass is the state of one Validate shared by its stages. The
// mapping workers only read the first group of fields; the second belongs
// to the sequential stage.
type validatePass struct {
	src  source.Source       // workers only call Cell, through cellNamer
	keep []int               // the input columns copied to the results
	w    report.ResultWriter // the results file
	enc  report.RowEncoder   // w, when its rows can be encoded ahead (CSV)
	// validVerdict is what enc.AppendCells gives for the verdict of a
	// valid row without a problem, the common case, encoded once for all.
	validVerdict []byte
	chk          *checker // workers use chk.dups.keysOf only
	preview      mapping.Preview

	rows     int
	counts   [3]int // valid, invalid, duplicate
	problems *tally
	out      []string // one row for w.Write, reused
}

// validateBatch is one batch of rows on its way through the pipeline. The
// reader fills recs; a mapping worker fills rows (and enc) and closes done;
// the sequential stage waits for done, then settles and writes the batch.
type validateBatch struct {
	recs []row.Record
	vals []string // with a source.ValuesReuser: the memory of recs' Values, reused
	rows []mappedRow
	enc  []byte // with a report.RowEncoder: every row, encoded as not a duplicate
	done chan struct{}
}

// mappedRow is what a mapping worker learns about one row and the
// sequential stage needs. It is kept small, since every row's crosses from
// one core's cache to the other's.
type mappedRow struct {
	keys     dupKeys
	list     []mapping.Problem
	problems string   // verdict.problemText
	sent     []string // without a report.RowEncoder: the values as sent (preview)
	lastAt   int      // with a report.RowEncoder: where the status cell starts in enc,
	sentAt   int      // where the values as sent start,
	end      int      // and where the row ends
	invalid  bool     // the verdict before the duplicate check
}

// mapBatch maps the rows of b: the part of the work that does not depend on
// other rows, run by several workers at once.
func (vp *validatePass) mapBatch(mapper *mapping.Mapper, b *validateBatch) {
	b.rows, b.enc = b.rows[:0], b.enc[:0]
	var verdictCells [2]string
	sent := make([]string, 0, len(vp.preview.Names()))
	for _, rec := range b.recs {
		c, list := mapper.Apply(rec.Values)
		list = vp.chk.long.check(rec, list)
		r := mappedRow{keys: vp.chk.dups.keysOf(&c)}
		status := row.StatusValid
		if len(list) > 0 {
			status = mappedStatus(list)
			v := verdict{Status: status, Problems: list}
			r.list, r.invalid = list, status == row.StatusInvalid
			r.problems = v.problemText(cellNamer(vp.src, rec.Row))
		}
		if vp.enc == nil {
			r.sent = vp.preview.AppendValues(nil, &c)
		} else {
			b.enc = vp.enc.AppendCells(b.enc, rec.Values, vp.keep)
			b.enc = vp.enc.AppendRowNumber(b.enc, rec.Row)
			r.lastAt = len(b.enc)
			if status == row.StatusValid && r.problems == "" {
				b.enc = append(b.enc, vp.validVerdict...)
			} else {
				verdictCells[0], verdictCells[1] = string(status), r.problems
				b.enc = vp.enc.AppendCells(b.enc, verdictCells[:], verdictCols)
			}
			r.sentAt = len(b.enc)
			b.enc = vp.appendSent(b.enc, &c, sent[:0])
			r.end = len(b.enc)
		}
		b.rows = append(b.rows, r)
	}
}

// settleBatch runs the duplicate check over the rows of b in file order,
// counts them and writes them.
func (vp *validatePass) settleBatch(b *validateBatch) error {
	vp.chk.dups.adopt() // the reserved tables, once ready
	vp.chk.touchAll(b.rows)
	written := 0 // with a report.RowEncoder: b.enc up to here is written
	var verdictCells [2]string
	for i := range b.rows {
		r, rec := &b.rows[i], b.recs[i]
		vp.rows++
		dupOf, dupField := vp.chk.duplicateOf(rec.Row, r.invalid, r.keys)
		if dupOf == 0 && r.list == nil && vp.enc != nil {
			vp.counts[0]++ // valid without a problem: the common case
			continue
		}
		v := verdict{Status: row.StatusValid, Problems: r.list, DupOf: dupOf, DupField: dupField}
		switch {
		case r.invalid:
			v.Status = row.StatusInvalid
			vp.counts[1]++
		case dupOf != 0:
			v.Status = row.StatusDuplicate
			vp.counts[2]++
		default:
			vp.counts[0]++
		}
		if v.Status != row.StatusValid || len(v.Problems) > 0 {
			countProblems(vp.problems, rec.Row, v)
		}
		msg := v.withDuplicate(r.problems)
		switch {
		case vp.enc == nil:
			vp.out = vp.out[:0]
			for _, c := range vp.keep {
				vp.out = append(vp.out, rec.Values[c])
			}
			vp.out = append(vp.out, strconv.Itoa(rec.Row), string(v.Status), msg)
			vp.out = append(vp.out, r.sent...)
			if err := vp.w.Write(vp.out); err != nil {
				return err
			}
		case v.Status == row.StatusDuplicate:
			// The worker encoded the row as valid: write what comes
			// before its status, the status and message again, then the
			// values as sent.
			if err := vp.enc.WriteEncoded(b.enc[written:r.lastAt]); err != nil {
				return err
			}
			verdictCells[0], verdictCells[1] = string(v.Status), msg
			if err := vp.enc.WriteEncoded(vp.enc.AppendCells(nil, verdictCells[:], verdictCols)); err != nil {
				return err
			}
			written = r.sentAt
		}
	}
	if vp.enc != nil {
		return vp.enc.WriteEncoded(b.enc[written:])
	}
	return nil
}

// appendSent encodes a row's values as sent (the preview's fields) and
// ends the row: the id as digits straight into the row, the other fields
// through scratch.
func (vp *validatePass) appendSent(dst []byte, c *mapping.Customer, scratch []string) []byte {
	text := vp.preview.AppendTextValues(scratch, c)
	switch {
	case len(text) == 0: // the id is the last cell
		return vp.enc.AppendLast(dst, vp.preview.AppendValues(scratch, c))
	case c.ExtCustomerID != 0:
		dst = vp.enc.AppendRowNumber(dst, int(c.ExtCustomerID))
	default:
		dst = vp.enc.AppendCells(dst, emptyCell, emptyCols)
	}
	return vp.enc.AppendLast(dst, text)
}

// emptyCell and emptyCols encode one empty cell with AppendCells.
var (
	emptyCell = []string{""}
	emptyCols = []int{0}
)

// verdictCols picks both cells of a row's verdict (status, message) for
// RowEncoder.AppendCells.
var verdictCols = []int{0, 1}

// rowsHint is the source's estimate of its number of rows, or 0.
func rowsHint(src source.Source) int {
	if h, ok := src.(source.RowsHinter); ok {
		return h.RowsHint()
	}
	return 0
}

// readValidateBatches streams the source in batches, each sent first to
// ordered and then to work, reusing the batches the sequential stage has
// put back on free, and with them the memory of their rows' Values. Reading
// has a goroutine of its own: it is the one stage that cannot be split, so
// it must not wait for mapping.
func readValidateBatches(ctx context.Context, src source.Source, free <-chan *validateBatch, ordered, work chan<- *validateBatch) error {
	vu, _ := src.(source.ValuesReuser)
	width := len(src.Header())
	var b *validateBatch
	send := func() error {
		for _, ch := range []chan<- *validateBatch{ordered, work} {
			select {
			case ch <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		b = nil
		return nil
	}
	for {
		if b == nil {
			select {
			case b = <-free:
				b.recs = b.recs[:0]
			default:
				b = &validateBatch{recs: make([]row.Record, 0, batchSize), rows: make([]mappedRow, 0, batchSize)}
			}
			b.done = make(chan struct{})
			if vu != nil && width > 0 {
				// Exactly a batch of rows: every row of b takes its Values
				// from b.vals, reused once the sequential stage has
				// written them.
				if b.vals == nil {
					b.vals = make([]string, batchSize*width)
				}
				vu.ReuseValues(b.vals)
			}
		}
		rec, err := src.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		b.recs = append(b.recs, rec)
		if len(b.recs) == batchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(b.recs) > 0 {
		return send()
	}
	return nil
}

// countProblems adds a row's problems to the summary tally, grouped by kind.
func countProblems(t *tally, rowNum int, v verdict) {
	if v.Status == row.StatusDuplicate {
		t.add("duplicate "+v.DupField, rowNum, v.message(nil))
	}
	for _, p := range v.Problems {
		key := p.Kind
		if p.Field != "" {
			key += " " + p.Field
		}
		if p.Warning {
			key = "warning " + key
		}
		t.add(key, rowNum, problemPlace(p, nil)+p.Message)
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
