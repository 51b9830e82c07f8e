package importer

import (
	"context"
	"encoding/json"
	"errors"

	"golang.org/x/sync/errgroup"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/mapping"
)

// msgInDoubtSettled is the error of an in_doubt row a later run did not
// send again: a 409 cannot tell more than it did.
const msgInDoubtSettled = "an earlier run could not tell whether this customer was created (an attempt went unanswered, then the API said it already exists); it is not sent again. " +
	"Check the customer in Onlinewerkrooster; to send it anyway, run again with --resend-in-doubt."

// sendRows streams the valid rows of the input to send.Submit. A row whose
// customer the migration created (from any file, with the same
// extCustomerNumber) is journaled as skipped with its ids and never resent;
// a row that ended in_doubt is journaled as in_doubt again and not resent
// (unless --resend-in-doubt); a row an earlier run may have created without
// learning it is flagged (Job.MayExist) so a 409 on it means in_doubt.
func sendRows(ctx context.Context, opts RunOptions, earlier *ledger.State, j *ledger.Journal, sub send.SubmitOptions, file string, original bool) (send.SubmitStats, error) {
	pass, err := openPass(opts.Input)
	if err != nil {
		return send.SubmitStats{}, err
	}
	defer pass.Close()
	where := newOrigins(file, original, pass.src.Header(), earlier)

	sendCtx, stopProducing := context.WithCancel(ctx)
	defer stopProducing()
	jobs := make(chan send.Job, 2*max(1, sub.Workers))
	var g errgroup.Group
	g.Go(func() error {
		defer close(jobs)
		_, err := pass.each(sendCtx, func(rec row.Record, v verdict) error {
			if v.Status != row.StatusValid {
				return nil
			}
			c := v.Customer
			at := where.of(rec, &c)
			if o, ok := settledBefore(rec, c, at, earlier, opts.ResendInDoubt); ok {
				// The journal goroutine reports it, like every sent row, so
				// sub.OnOutcome is only ever called from that one goroutine.
				return j.End(o, sub.OnOutcome, nil)
			}
			job, err := newJob(rec, c, at, earlier.MayExist(c.ExtCustomerID))
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

// settledBefore is the outcome of a valid row that is not sent: its
// customer exists (skipped, with its ids), or it ended in_doubt before.
func settledBefore(rec row.Record, c mapping.Customer, at row.Origin, earlier *ledger.State, resendInDoubt bool) (row.Outcome, bool) {
	o := row.Outcome{Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber, Origin: at}
	if prev, ok := earlier.CreatedFor(c.ExtCustomerID, c.ExtCustomerNumber); ok {
		o.Status, o.CustomerID, o.CompanyID = row.StatusSkipped, prev.CustomerID, prev.CompanyID
		return o, true
	}
	if !resendInDoubt && earlier.InDoubt(c.ExtCustomerID) {
		o.Status, o.Error = row.StatusInDoubt, msgInDoubtSettled
		return o, true
	}
	return row.Outcome{}, false
}

// newJob encodes a valid row's body once, for every attempt to send as is.
func newJob(rec row.Record, c mapping.Customer, at row.Origin, mayExist bool) (send.Job, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return send.Job{}, err
	}
	return send.Job{Row: rec.Row, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber,
		Body: body, MayExist: mayExist, Origin: at}, nil
}
