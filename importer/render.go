package importer

import (
	"context"
	"fmt"
	"owr-import/importer/ledger"
	"owr-import/importer/report"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/importer/source"
	"strconv"
	"time"
)

// render writes NAME.results.EXT and NAME.failed.EXT from the input and the
// journal: the input gives every row and its local verdict (recomputed, it is
// deterministic), the journal gives what the API said. A valid row with no
// journal line from this run was never attempted. Counts and the most
// frequent problems go into sum.
func render(ctx context.Context, opts RunOptions, paths outputPaths, state *ledger.State, since time.Time, sum *Summary) ([]string, error) {
	pass, err := openPass(opts.Input)
	if err != nil {
		return nil, err
	}
	defer pass.Close()
	src := pass.src
	keep := inputColumns(src.Header())
	results, err := createResultFile(src, paths.Results, keep, runResultColumns, "Results", false)
	if err != nil {
		return nil, err
	}
	failed, err := createResultFile(src, paths.Failed, keep, failedColumns, "Failed rows", false)
	if err != nil {
		results.Abort()
		return nil, err
	}

	sum.Counts = map[row.Status]int{}
	problems := newTally()
	sum.Rows, err = pass.each(ctx, func(rec row.Record, v verdict) error {
		o := rowOutcome(rec.Row, v, state, since)
		if v.Status == row.StatusInvalid || v.Status == row.StatusDuplicate {
			o.Error = v.message(cellNamer(src, rec.Row))
			countProblems(problems, rec.Row, v)
		} else if o.Status != row.StatusCreated && o.Status != row.StatusSkipped && o.Status != row.StatusNotAttempted {
			problems.add(apiErrorKey(o), rec.Row, o.Error)
		}
		sum.Counts[o.Status]++
		num := strconv.Itoa(rec.Row)
		if err := results.Write(outputRow(rec.Values, keep, num, string(o.Status),
			idCell(o.CustomerID), idCell(o.CompanyID), idCell(int64(o.HTTPStatus)),
			o.ErrorCode, o.Error, idCell(int64(o.Attempts)))); err != nil {
			return err
		}
		if o.Status == row.StatusCreated || o.Status == row.StatusSkipped {
			return nil
		}
		return failed.Write(outputRow(rec.Values, keep, num, string(o.Status), o.Error))
	})
	if err != nil {
		results.Abort()
		failed.Abort()
		return nil, err
	}
	sum.Problems = problems.top(10)
	if err := results.Close(); err != nil {
		failed.Abort()
		return nil, err
	}
	if err := failed.Close(); err != nil {
		return nil, err
	}
	return []string{paths.Results, paths.Failed}, nil
}

// createResultFile starts one results or failed-rows file for the rows of
// src: the input's columns in keep, then owr_columns, in the input's format
// and delimiter. rebuildable marks a file that can be made again from the
// input alone (see report.WriterOptions.Report).
func createResultFile(src source.Source, path string, keep []int, owrColumns []string, sheet string, rebuildable bool) (report.ResultWriter, error) {
	return report.CreateResultFile(path, report.WriterOptions{
		Format: src.Format(), Delimiter: src.Delimiter(),
		Header:  outputHeader(src.Header(), keep, owrColumns),
		OwrFrom: len(keep), StatusCol: len(keep) + 1, OKStatuses: okStatuses, SheetName: sheet,
		Report: rebuildable,
	})
}

// rowOutcome decides a rowNum's final status from its local verdict and the
// journal. A journal line from an earlier run counts only when it says the
// customer exists (created or skipped); any other earlier outcome was retried
// by this run or, if this run stopped first, the rowNum is not_attempted now.
func rowOutcome(rowNum int, v verdict, state *ledger.State, since time.Time) row.Outcome {
	c := v.Customer
	o := row.Outcome{Row: rowNum, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber, Status: v.Status}
	if v.Status != row.StatusValid {
		return o
	}
	if e, ok := state.LastByRow(rowNum); ok && e.ExtCustomerID == c.ExtCustomerID &&
		(e.Status == row.StatusCreated || e.Status == row.StatusSkipped || !e.At.Before(since)) {
		return e.Outcome()
	}
	if e, ok := state.CreatedFor(c.ExtCustomerID, c.ExtCustomerNumber); ok {
		o.Status, o.CustomerID, o.CompanyID = row.StatusSkipped, e.CustomerID, e.CompanyID
		return o
	}
	o.Status, o.Error = row.StatusNotAttempted, send.MsgNotAttempted+" Run the same command again to send it."
	return o
}

// apiErrorKey groups API failures for the summary: "409 CUSTOMER_EXT_ID_EXISTS".
func apiErrorKey(o row.Outcome) string {
	key := string(o.Status)
	if o.HTTPStatus != 0 {
		key = fmt.Sprintf("%s (HTTP %d", key, o.HTTPStatus)
		if o.ErrorCode != "" {
			key += " " + o.ErrorCode
		}
		key += ")"
	} else if o.ErrorCode != "" {
		key += " (" + o.ErrorCode + ")"
	}
	return key
}

func idCell(v int64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}
