package importer

import (
	"context"
	"path/filepath"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
	"owr-import/importer/send"
)

// settle reads the input once more and journals the outcome of every row
// the send pass did not: invalid and duplicate rows with their problems,
// and valid rows the run stopped before (not_attempted). Afterwards every
// row of the input has exactly one outcome from this run in the ledger, so
// the complete result and `status` need neither the input nor the mapping
// to know where each row stands. It also fills the run's summary.
func (r *runOf) settle(ctx context.Context, j *ledger.Journal) error {
	if r.notTried == "" {
		r.notTried = notTriedMessage("")
	}
	pass, err := openPass(r.opts.Input)
	if err != nil {
		return err
	}
	defer pass.Close()
	where := newOrigins(filepath.Base(r.opts.Path), r.original, pass.src.Header(), r.m.state)
	counts := map[row.Status]int{}
	problems := r.apiErrs
	ack := make(chan error, 1)
	_, err = pass.each(ctx, func(rec row.Record, v verdict) error {
		if rec.Row < len(r.seen) && r.seen[rec.Row] != "" {
			counts[r.seen[rec.Row]]++
			return nil
		}
		cust := v.Customer
		o := row.Outcome{Row: rec.Row, ExtCustomerID: cust.ExtCustomerID, ExtCustomerNumber: cust.ExtCustomerNumber}
		switch v.Status {
		case row.StatusDuplicate:
			// Not linked by its ids: they belong to the earlier row of the
			// file that holds them first.
			o.ExtCustomerID, o.ExtCustomerNumber = 0, ""
			o.Status, o.Error = v.Status, v.message(cellNamer(pass.src, rec.Row))
			countProblems(problems, rec.Row, v)
			o.Origin = where.of(rec, nil)
		case row.StatusInvalid:
			o.Status, o.Error = v.Status, v.message(cellNamer(pass.src, rec.Row))
			countProblems(problems, rec.Row, v)
			o.Origin = where.of(rec, &cust)
		default:
			o.Status, o.Error = row.StatusNotAttempted, r.notTried
			o.Origin = where.of(rec, &cust)
		}
		counts[o.Status]++
		return j.End(o, nil, ack)
	})
	if err != nil {
		return err
	}
	r.sum.Counts = counts
	r.sum.Problems = problems.top(10)
	return nil
}

// notTriedMessage is the owr_error of a row the run stopped before: it says
// that the row was not tried and why, so nobody looks for a problem in it.
func notTriedMessage(reason string) string {
	switch reason {
	case send.AbortUnauthorized:
		return "not tried: the run stopped when the API refused the keys (HTTP 401); nothing is wrong with this row. Check the keys, then run the same command again."
	case send.AbortUnavailable:
		return "not tried: the run stopped because the API was unavailable; nothing is wrong with this row. Run the same command again later."
	case send.AbortInterrupted:
		return "not tried: the run was stopped before this row; nothing is wrong with it. Run the same command again to send it."
	case send.AbortTLS:
		return "not tried: the run stopped because the connection to the API could not be trusted (certificate); nothing is wrong with this row. Fix the connection (see the summary), then run the same command again."
	case send.AbortUnexpectedAnswers:
		return "not tried: the run stopped because the API did not answer as documented; nothing is wrong with this row. Run the same command again once the API answers normally."
	case send.AbortFailed:
		return "not tried: the run stopped on an error (see the summary) before this row; nothing is wrong with it. Run the same command again once that is fixed."
	}
	return "not tried: the run stopped before this row; nothing is wrong with it. Run the same command again to send it."
}
