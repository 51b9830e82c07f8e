package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"owr-import/importer/ledger"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"time"

	"golang.org/x/sync/errgroup"

	"owr-import/mapping"
)

// RunOptions are the inputs of one `run`.
type RunOptions struct {
	Input
	Client     *owrapi.Client
	Submit     send.SubmitOptions
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

// errTooManyInvalid is returned (wrapped) when --max-invalid stops a run
// before anything is sent.
var errTooManyInvalid = errors.New("too many invalid rows")

// Run imports the input: a validation pass over the whole file (counts, and
// --max-invalid before anything is sent), then a send pass that skips rows
// the journal shows as created, then the results and failed-rows files,
// rendered from the input and the journal. The files are written whenever the
// send pass started, also when it was aborted; the returned error then is the
// *send.AbortError and the summary is still returned.
func Run(ctx context.Context, opts RunOptions) (*Summary, error) {
	start := time.Now()
	pass, err := checkAll(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &send.AbortError{Reason: send.AbortInterrupted,
				Message: "interrupted while checking the rows: nothing was sent and no file was written. Run the same command again"}
		}
		return nil, err
	}
	paths := pass.paths
	sum := &Summary{Command: "run", Input: opts.Path, Sheet: pass.sheet, HeaderRow: pass.headerRow, Rows: pass.rows, Notes: pass.notes}

	if opts.DryRun {
		return dryRun(ctx, opts, pass, sum, start)
	}
	// A failed-rows file fed back holds mostly rows that were invalid last
	// time: the guard against a wrong mapping would only get in the way.
	if !pass.fedBack && opts.MaxInvalid.Exceeded(pass.invalid, pass.rows) {
		files, err := render(ctx, opts, paths, ledger.Empty(), time.Time{}, sum)
		if err != nil {
			return nil, err
		}
		sum.Files = files
		sum.Elapsed = Duration(time.Since(start))
		return sum, fmt.Errorf("%w: %d of %d rows are invalid, more than --max-invalid %s allows; this usually means the mapping is wrong. Nothing was sent. See %s for every problem, or run `owr-import validate`",
			errTooManyInvalid, pass.invalid, pass.rows, opts.MaxInvalid, paths.Results)
	}

	if err := checkWritable(paths.Results, paths.Failed); err != nil {
		return nil, err
	}
	release, err := ledger.Lock(paths.Journal)
	if err != nil {
		return nil, err
	}
	defer release()
	if opts.Restart {
		if _, err := ledger.MoveAside(paths.Journal); err != nil {
			return nil, err
		}
	}
	if opts.FreshJournal {
		if err := os.Remove(paths.Journal); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	earlier, err := ledger.Read(paths.Journal)
	if err != nil {
		return nil, err
	}
	sum.Notes = append(sum.Notes, earlier.Notes...)
	journal, err := ledger.Open(paths.Journal)
	if err != nil {
		return nil, err
	}
	sendStart := time.Now()
	prog := newProgress(opts.Progress, pass.valid)
	subOpts := opts.Submit
	userHook := subOpts.OnOutcome
	subOpts.OnOutcome = func(o row.Outcome) {
		prog.outcome(o)
		if userHook != nil {
			userHook(o)
		}
	}
	stats, sendErr := sendRows(ctx, opts, earlier, journal, subOpts)
	prog.close()
	if err := journal.Close(); err != nil && sendErr == nil {
		sendErr = err
	}
	var abort *send.AbortError
	if sendErr != nil && !errors.As(sendErr, &abort) {
		// Rows may have been sent already: this is a stopped run (exit 3),
		// not an input error, and the files are still written if they can be.
		sendErr = afterSending(sendErr)
		errors.As(sendErr, &abort)
	}
	if abort != nil {
		sum.Aborted = abort.Error()
	}

	final, err := ledger.Read(paths.Journal)
	if err != nil {
		return nil, afterSending(err)
	}
	// Rendering must finish even after Ctrl-C: the consultant needs the files.
	files, err := render(context.WithoutCancel(ctx), opts, paths, final, sendStart, sum)
	if err != nil {
		return nil, afterSending(err)
	}
	sum.Files = append(files, paths.Journal)
	sum.Requests = stats.Requests
	sum.Elapsed = Duration(time.Since(start))
	if secs := time.Since(sendStart).Seconds(); secs > 0 {
		sum.Rate = float64(stats.Finished) / secs
	}
	return sum, sendErr
}

// sendRows streams the valid rows to send.Submit. Rows the journal shows as
// created are journaled as skipped and never resent; rows an earlier run
// may have created without learning it are flagged (Job.MayExist) so a 409
// on them means in_doubt, not conflict.
func sendRows(ctx context.Context, opts RunOptions, earlier *ledger.State, j *ledger.Journal, sub send.SubmitOptions) (send.SubmitStats, error) {
	pass, err := openPass(opts.Input)
	if err != nil {
		return send.SubmitStats{}, err
	}
	defer pass.Close()

	sendCtx, stopProducing := context.WithCancel(ctx)
	defer stopProducing()
	jobs := make(chan send.Job, 2*max(1, sub.Workers))
	var g errgroup.Group
	g.Go(func() error {
		defer close(jobs)
		earlierFile := fedBackColumns(pass.src.Header())
		_, err := pass.each(sendCtx, func(rec row.Record, v verdict) error {
			if v.Status != row.StatusValid {
				return nil
			}
			if skipped, ok := alreadyCreated(rec, v.Customer, earlier, earlierFile); ok {
				// The journal goroutine reports it, like every sent row, so
				// sub.OnOutcome is only ever called from that one goroutine.
				return j.End(skipped, sub.OnOutcome, nil)
			}
			job, err := newJob(rec, v.Customer, earlier.MayExist(v.Customer.ExtCustomerID) || earlierFile.outcome(rec.Values).mayExist())
			if err != nil {
				return err
			}
			select {
			case jobs <- job:
				return nil
			case <-sendCtx.Done():
				return errStopPass
			}
		})
		if sendCtx.Err() != nil && ctx.Err() == nil {
			return nil // Submit stopped taking rows: not an error of the input
		}
		return err
	})
	stats, err := send.Submit(ctx, opts.Client, j, jobs, sub)
	stopProducing()
	// Drain what the producer may still be offering so it can exit.
	go func() {
		for range jobs {
		}
	}()
	if perr := g.Wait(); perr != nil && err == nil && !errors.Is(perr, context.Canceled) {
		err = perr
	}
	return stats, err
}

// alreadyCreated is the skipped outcome of a row whose customer exists:
// created by an earlier run of this migration, or shown as created by the
// results file fed back as input.
func alreadyCreated(rec row.Record, c mapping.Customer, earlier *ledger.State, earlierFile fedBackCols) (row.Outcome, bool) {
	o := row.Outcome{Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber, Status: row.StatusSkipped}
	if prev, ok := earlier.CreatedFor(c.ExtCustomerID, c.ExtCustomerNumber); ok {
		o.CustomerID, o.CompanyID = prev.CustomerID, prev.CompanyID
		return o, true
	}
	if was := earlierFile.outcome(rec.Values); was.created() {
		o.CustomerID, o.CompanyID = was.customerID, was.companyID
		return o, true
	}
	return row.Outcome{}, false
}

// newJob encodes a valid row's body once, for every attempt to send as is.
func newJob(rec row.Record, c mapping.Customer, mayExist bool) (send.Job, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return send.Job{}, err
	}
	return send.Job{Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber,
		Body: body, MayExist: mayExist}, nil
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
	if !pass.fedBack && opts.MaxInvalid.Exceeded(pass.invalid, pass.rows) {
		fmt.Fprintf(out, "Warning: %d of %d rows are invalid, more than --max-invalid %s allows: a real run would stop before sending anything. Check the mapping with `owr-import validate`.\n",
			pass.invalid, pass.rows, opts.MaxInvalid)
	}
	sum.Counts = map[row.Status]int{row.StatusValid: pass.valid, row.StatusInvalid: pass.invalid, row.StatusDuplicate: pass.duplicate}
	sum.Problems = pass.problems.top(10)
	sum.Elapsed = Duration(time.Since(start))
	return sum, ctx.Err()
}

// afterSending turns an error met once rows may have been sent into an
// *send.AbortError: exit 3 and the advice to rerun, never "nothing was sent".
func afterSending(err error) error {
	return &send.AbortError{Reason: send.AbortFailed, Message: fmt.Sprintf(
		"the run stopped: %v. Rows already sent are in the journal; fix this and run the same command again", err)}
}

// checkWritable fails early, before anything is sent, when an output file
// cannot be written (a folder in its place, or a file locked by Excel).
func checkWritable(paths ...string) error {
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return &row.InputError{Path: p, Message: "a folder has the name this output file needs", Hint: "rename that folder, or pass another --out-dir"}
		}
		f, err := os.OpenFile(p+".check", os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
		if err != nil {
			return &row.InputError{Path: p, Message: "this output file cannot be written here: " + err.Error(), Hint: "close it if it is open in Excel, or pass another --out-dir"}
		}
		f.Close()
		os.Remove(p + ".check")
		if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			f.Close()
		} else if !errors.Is(err, fs.ErrNotExist) {
			return &row.InputError{Path: p, Message: "this output file cannot be replaced: " + err.Error(), Hint: "close it if it is open in Excel, or pass another --out-dir"}
		}
	}
	return nil
}
