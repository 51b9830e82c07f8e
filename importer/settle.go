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
			o.Status, o.Error = row.StatusNotAttempted, send.MsgNotAttempted+" Run the same command again to send it."
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
