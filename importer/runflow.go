package importer

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
	"owr-import/importer/send"
)

// runOf is one run once its input is checked and its migration locked.
type runOf struct {
	opts  RunOptions
	pass  *checkPass
	m     *migration
	sum   *Summary
	start time.Time

	input    ledger.Input
	original bool        // the input is the migration's original export
	paths    resultPaths // where the complete result goes this time
	seen     []row.Status
	apiErrs  *tally
	notTried string // owr_error of the rows the run stopped before
}

func (r *runOf) run(ctx context.Context) (*Summary, error) {
	if err := r.prepare(); err != nil {
		return nil, err
	}
	journal, err := ledger.Open(r.m.ledger)
	if err != nil {
		return nil, err
	}
	sendErr := r.record(journal)
	var stats send.SubmitStats
	sendStart := time.Now()
	if sendErr == nil {
		stats, sendErr = r.send(ctx, journal)
	}
	var abort *send.AbortError
	if sendErr != nil && !errors.As(sendErr, &abort) {
		// Rows may have been sent already: this is a stopped run (exit 3),
		// not an input error, and the files are still written if they can be.
		sendErr = afterSending(sendErr)
		errors.As(sendErr, &abort)
	}
	if abort != nil {
		r.notTried = notTriedMessage(abort.Reason)
	}
	// Settling and rendering must finish even after Ctrl-C: the consultant
	// needs the files.
	files, err := r.finish(context.WithoutCancel(ctx), journal)
	if err == nil {
		if abort != nil {
			r.sum.Aborted = r.abortAdvice(abort)
		}
		r.sum.Files = append(files, r.m.ledger)
		r.sum.Requests = stats.Requests
		r.sum.Elapsed = Duration(time.Since(r.start))
		if secs := time.Since(sendStart).Seconds(); secs > 0 {
			r.sum.Rate = float64(stats.Finished) / secs
		}
		if err = r.m.writeReportPage(journal, r.sum, "run", r.opts.Version, r.opts.APITag); err == nil {
			err = r.writeSummary(journal)
		}
	}
	if cerr := journal.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, afterSending(err)
	}
	return r.sum, sendErr
}

// prepare describes the input, decides where the result files go and checks
// that every output can be written, all before anything is sent.
func (r *runOf) prepare() error {
	if r.opts.FreshLedger {
		r.sum.Notes = append(r.sum.Notes, "the built-in sandbox forgets everything when owr-import exits, so this migration starts over at every run; "+
			"to rehearse a resume, run `owr-import sandbox --db FILE` and send to it with --base-url")
	}
	in, err := describeInput(r.opts, r.pass)
	if err != nil {
		return err
	}
	r.input = in
	orig, ok := r.m.original()
	r.original = !ok || (orig.Name == in.Name && orig.SHA256 == in.SHA256)
	if !ok {
		orig = in
	}
	r.paths, err = r.m.placeResults(orig, in, r.sum)
	if err != nil {
		return err
	}
	return r.m.checkSummaryPath(r.opts.SummaryJSON, in, r.paths)
}

// record notes the input in the ledger (once per file content), the
// mapping it is read with (when it changed), and the result files a
// replaced sandbox ledger had written.
func (r *runOf) record(j *ledger.Journal) error {
	if err := r.m.recordMapping(j, r.opts.Mapping); err != nil {
		return err
	}
	for _, known := range r.m.state.Inputs() {
		if known.Name == r.input.Name && known.SHA256 == r.input.SHA256 {
			return r.m.recordCarried(j)
		}
	}
	if err := j.RecordInput(r.input); err != nil {
		return err
	}
	return r.m.recordCarried(j)
}

// send runs the send pass with the progress bar and this run's bookkeeping
// on the journal goroutine.
func (r *runOf) send(ctx context.Context, j *ledger.Journal) (send.SubmitStats, error) {
	r.seen = make([]row.Status, r.pass.lastRow+1)
	r.apiErrs = newTally()
	prog := newProgress(r.opts.Progress, r.pass.valid)
	sub := r.opts.Submit
	if sub.Auto != nil {
		resumeRate(sub.Auto, r.m.state)
		prog.showRate(sub.Auto)
	}
	userHook := sub.OnOutcome
	sub.OnOutcome = func(o row.Outcome) { // the journal goroutine only
		prog.outcome(o)
		if o.Row > 0 && o.Row < len(r.seen) {
			r.seen[o.Row] = o.Status
		}
		if o.Status != row.StatusCreated && o.Status != row.StatusSkipped && o.Status != row.StatusNotAttempted {
			r.apiErrs.add(apiErrorKey(o), o.Row, o.Error)
		}
		if userHook != nil {
			userHook(o)
		}
	}
	stats, err := sendRows(ctx, r.opts, r.m.state, j, sub, filepath.Base(r.opts.Path), r.original)
	prog.close()
	if kerr := keepRate(sub.Auto, j, r.sum); err == nil {
		err = kerr
	}
	return stats, err
}

// finish records the outcome of every row this run did not send, then
// writes the migration's complete result.
func (r *runOf) finish(ctx context.Context, j *ledger.Journal) ([]string, error) {
	if r.seen == nil {
		r.seen = make([]row.Status, r.pass.lastRow+1)
		r.apiErrs = newTally()
	}
	if err := r.settle(ctx, j); err != nil {
		return nil, err
	}
	if err := r.m.reread(); err != nil {
		return nil, err
	}
	return r.m.writeComplete(ctx, j, r.paths, r.sum)
}

// abortAdvice is the summary's line for a stopped run. The built-in sandbox
// forgets everything at exit, so "run it again to continue" would be wrong.
func (r *runOf) abortAdvice(abort *send.AbortError) string {
	if r.opts.FreshLedger {
		return abort.Message + " Note: the built-in sandbox forgot everything when this run ended, so running the same command again starts over; to rehearse a resume, run `owr-import sandbox --db FILE` and use --base-url."
	}
	return abort.Message
}

// writeSummary writes --summary-json and records it, so the next run may
// replace it.
func (r *runOf) writeSummary(j *ledger.Journal) error {
	if r.opts.SummaryJSON == "" {
		return nil
	}
	if err := r.sum.WriteJSONFile(r.opts.SummaryJSON); err != nil {
		return err
	}
	return recordOutput(j, r.opts.SummaryJSON)
}
