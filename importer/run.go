package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sync/errgroup"

	"owr-import/mapping"
)

// RunOptions are the inputs of one `run`.
type RunOptions struct {
	Input      string
	Mapping    *mapping.Mapping
	Sheet      string // overrides the mapping's source.sheet
	OutDir     string // "" = next to the input
	Client     *Client
	Submit     SubmitOptions
	MaxInvalid Threshold
	DryRun     bool
	Restart    bool
	// JournalTag names the API in the journal's file name (see JournalTag).
	JournalTag string
	// FreshJournal starts an empty journal, for a sandbox that starts empty
	// too (the in-process one): what an earlier sandbox held is gone.
	FreshJournal bool
	Progress     ProgressOptions
	Stdout       io.Writer // --dry-run prints bodies here
}

// ErrTooManyInvalid is returned (wrapped) when --max-invalid stops a run
// before anything is sent.
var ErrTooManyInvalid = errors.New("too many invalid rows")

// Run imports the input: a validation pass over the whole file (counts, and
// --max-invalid before anything is sent), then a send pass that skips rows
// the journal shows as created, then the results and failed-rows files,
// rendered from the input and the journal. The files are written whenever the
// send pass started, also when it was aborted; the returned error then is the
// *AbortError and the summary is still returned.
func Run(ctx context.Context, opts RunOptions) (*Summary, error) {
	start := time.Now()
	pass, err := checkAll(ctx, opts)
	if err != nil {
		return nil, err
	}
	paths := pass.paths
	sum := &Summary{Command: "run", Input: opts.Input, Sheet: pass.sheet, HeaderRow: pass.headerRow, Rows: pass.rows, Notes: pass.notes}

	if opts.DryRun {
		return dryRun(ctx, opts, pass, sum, start)
	}
	// A failed-rows file fed back holds mostly rows that were invalid last
	// time: the guard against a wrong mapping would only get in the way.
	if !pass.fedBack && opts.MaxInvalid.Exceeded(pass.invalid, pass.rows) {
		files, err := render(ctx, opts, paths, emptyJournal(), time.Time{}, sum)
		if err != nil {
			return nil, err
		}
		sum.Files = files
		sum.Elapsed = Duration(time.Since(start))
		return sum, fmt.Errorf("%w: %d of %d rows are invalid, more than --max-invalid %s allows; this usually means the mapping is wrong. Nothing was sent. See %s for every problem, or run `owr-import validate`",
			ErrTooManyInvalid, pass.invalid, pass.rows, opts.MaxInvalid, paths.Results)
	}

	if opts.Restart {
		if _, err := MoveAside(paths.Journal); err != nil {
			return nil, err
		}
	}
	if opts.FreshJournal {
		if err := os.Remove(paths.Journal); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	earlier, err := ReadJournal(paths.Journal)
	if err != nil {
		return nil, err
	}
	journal, err := OpenJournal(paths.Journal)
	if err != nil {
		return nil, err
	}
	sendStart := time.Now()
	prog := newProgress(opts.Progress, pass.valid)
	subOpts := opts.Submit
	userHook := subOpts.OnOutcome
	subOpts.OnOutcome = func(o Outcome) {
		prog.outcome(o)
		if userHook != nil {
			userHook(o)
		}
	}
	stats, sendErr := send(ctx, opts, earlier, journal, subOpts, prog.outcome)
	prog.close()
	if err := journal.Close(); err != nil && sendErr == nil {
		sendErr = err
	}
	var abort *AbortError
	if sendErr != nil && !errors.As(sendErr, &abort) {
		return nil, sendErr
	}
	if abort != nil {
		sum.Aborted = abort.Error()
	}

	final, err := ReadJournal(paths.Journal)
	if err != nil {
		return nil, err
	}
	// Rendering must finish even after Ctrl-C: the consultant needs the files.
	files, err := render(context.WithoutCancel(ctx), opts, paths, final, sendStart, sum)
	if err != nil {
		return nil, err
	}
	sum.Files = append(files, paths.Journal)
	sum.Requests = stats.Requests
	sum.Elapsed = Duration(time.Since(start))
	if secs := time.Since(sendStart).Seconds(); secs > 0 {
		sum.Rate = float64(stats.Finished) / secs
	}
	return sum, sendErr
}

// send streams the valid rows to Submit. Rows the journal shows as created are
// journaled as skipped and never resent; rows an earlier run started but never
// finished are flagged so a 409 on them means "in doubt", not "conflict".
func send(ctx context.Context, opts RunOptions, earlier *JournalState, j *Journal, sub SubmitOptions, onSkip func(Outcome)) (SubmitStats, error) {
	src, binding, err := openMapped(opts.Input, opts.Mapping, opts.Sheet)
	if err != nil {
		return SubmitStats{}, err
	}
	defer src.Close()

	sendCtx, stopProducing := context.WithCancel(ctx)
	defer stopProducing()
	jobs := make(chan Job, 2*max(1, sub.Workers))
	var g errgroup.Group
	g.Go(func() error {
		defer close(jobs)
		chk := newChecker(binding)
		earlierFile := fedBackColumns(src.Header())
		for {
			rec, err := src.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			v := chk.check(rec)
			if v.Status != StatusValid {
				continue
			}
			c := v.Customer
			if prev, ok := earlier.CreatedFor(c.ExtCustomerID, c.ExtCustomerNumber); ok {
				skipped := Outcome{
					Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber,
					Status: StatusSkipped, CustomerID: prev.CustomerID, CompanyID: prev.CompanyID,
				}
				if err := j.Finish(skipped); err != nil {
					return err
				}
				onSkip(skipped)
				continue
			}
			was := earlierFile.outcome(rec.Values)
			if was.created() {
				// A results file fed back: this row was created by the run
				// that wrote it. Carry its ids over, never send it again.
				skipped := Outcome{
					Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber,
					Status: StatusSkipped, CustomerID: was.customerID, CompanyID: was.companyID,
				}
				if err := j.Finish(skipped); err != nil {
					return err
				}
				onSkip(skipped)
				continue
			}
			body, err := json.Marshal(c)
			if err != nil {
				return err
			}
			job := Job{Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber,
				Body: body, Resent: earlier.Started(c.ExtCustomerID) || was.mayExist()}
			select {
			case jobs <- job:
			case <-sendCtx.Done():
				return nil
			}
		}
	})
	stats, err := Submit(ctx, opts.Client, j, jobs, sub)
	stopProducing()
	// Drain what the producer may still be offering so it can exit.
	go func() {
		for range jobs {
		}
	}()
	if perr := g.Wait(); perr != nil && err == nil {
		err = perr
	}
	return stats, err
}

// dryRun prints the JSON bodies of the first three valid rows: exactly what
// would be sent, so a consultant can check the mapping before a real run.
func dryRun(ctx context.Context, opts RunOptions, pass *checkPass, sum *Summary, start time.Time) (*Summary, error) {
	out := opts.Stdout
	if out == nil {
		out = io.Discard
	}
	fmt.Fprintf(out, "Dry run: nothing is sent. %d of %d rows are valid. The first valid rows would be sent as:\n", pass.valid, pass.rows)
	for _, b := range pass.samples {
		fmt.Fprintf(out, "row %d:\n%s\n", b.row, b.body)
	}
	sum.Counts = map[Status]int{StatusValid: pass.valid, StatusInvalid: pass.invalid, StatusDuplicate: pass.duplicate}
	sum.Problems = pass.problems.top(10)
	sum.Elapsed = Duration(time.Since(start))
	return sum, ctx.Err()
}
