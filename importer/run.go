package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/importer/send"
)

// RunOptions are the inputs of one `run`.
type RunOptions struct {
	Input
	Client     *owrapi.Client
	Submit     send.SubmitOptions
	MaxInvalid Threshold
	DryRun     bool
	// ShowEach is how many rows of each status --dry-run shows (valid rows
	// as the JSON that would be sent, the others with their problems);
	// Show names rows it shows whatever their status.
	ShowEach int
	Show     map[int]bool
	// Restart moves the migration's ledger aside and starts over.
	Restart bool
	// ResendInDoubt sends rows that ended in_doubt again; otherwise an
	// in_doubt row is settled once (a 409 cannot tell more).
	ResendInDoubt bool
	// APITag names the API, and so the migration's ledger (see APITag).
	APITag string
	// FreshLedger starts the migration's ledger afresh, for a sandbox that
	// starts empty too (the built-in one): what an earlier sandbox held is
	// gone.
	FreshLedger bool
	// SummaryJSON is where --summary-json will write; the run refuses it
	// before reading or sending anything when it would land on the input,
	// the ledger, a result file or any file owr-import did not write.
	SummaryJSON string
	Progress    ProgressOptions
	Stdout      io.Writer // --dry-run prints bodies here
	Version     string    // owr-import's version, shown on the report page
}

// errTooManyInvalid is returned (wrapped) when --max-invalid stops a run
// before anything is sent.
var errTooManyInvalid = errors.New("too many rows that cannot be sent")

// Run imports the input into the migration of its folder: a check of every
// row (counts, and --max-invalid before anything is sent), a send pass that
// skips rows the ledger shows as created from any file, a settle pass that
// records the outcome of every row of the input, then the migration's one
// complete result, rendered from its original export and the ledger. The
// files are written whenever the send pass started, also when it was
// aborted; the returned error then is the *send.AbortError and the summary
// is still returned.
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
	sum := &Summary{Command: "run", Input: opts.Path, Sheet: pass.sheet, HeaderRow: pass.headerRow, Rows: pass.rows, Notes: pass.notes}
	if opts.DryRun {
		return dryRun(ctx, opts, pass, sum, start)
	}
	if notSent := pass.invalid + pass.duplicate; !pass.fedBack && opts.MaxInvalid.Exceeded(notSent, pass.rows) {
		return guardStop(ctx, opts, pass, sum, start)
	}
	if why := pass.mappingLooksWrong(); why != "" {
		return nil, &row.InputError{Path: opts.Path, Message: why, Hint: "Run `owr-import validate` to see every row."}
	}
	dir, err := migrationFolder(opts.Path, opts.OutDir)
	if err != nil {
		return nil, err
	}
	m, err := openMigration(dir, opts.APITag, opts.Restart, opts.FreshLedger)
	if err != nil {
		return nil, err
	}
	defer m.release()
	r := &runOf{opts: opts, pass: pass, m: m, sum: sum, start: start}
	return r.run(ctx)
}

// guardStop ends a run that --max-invalid stops: nothing is sent, and the
// local verdict of every row is written as `validate` writes it.
func guardStop(ctx context.Context, opts RunOptions, pass *checkPass, sum *Summary, start time.Time) (*Summary, error) {
	checked, err := Validate(ctx, opts.Input)
	if err != nil {
		return nil, err
	}
	sum.Counts, sum.Problems, sum.Files = checked.Counts, checked.Problems, checked.Files
	sum.Elapsed = Duration(time.Since(start))
	if opts.SummaryJSON != "" {
		if err := sum.WriteJSONFile(opts.SummaryJSON); err != nil {
			return nil, err
		}
	}
	return sum, fmt.Errorf("%w: %d of %d rows cannot be sent (%d invalid, %d duplicate), more than --max-invalid %s allows; this usually means the mapping is wrong. Nothing was sent. See %s for every problem",
		errTooManyInvalid, pass.invalid+pass.duplicate, pass.rows, pass.invalid, pass.duplicate, opts.MaxInvalid, checked.Files[0])
}

// dryRun prints the JSON bodies of the first three valid rows: exactly what
// would be sent, so a consultant can check the mapping before a real run.
func dryRun(ctx context.Context, opts RunOptions, pass *checkPass, sum *Summary, start time.Time) (*Summary, error) {
	out := opts.Stdout
	if out == nil {
		out = io.Discard
	}
	fmt.Fprintf(out, "Dry run: nothing is sent. %d of %d rows are valid.\n", pass.valid, pass.rows)
	for _, b := range pass.samples {
		if b.status == row.StatusValid {
			fmt.Fprintf(out, "row %d would be sent as:\n%s\n", b.row, b.body)
		} else {
			fmt.Fprintf(out, "row %d is %s and would not be sent: %s\n", b.row, b.status, b.why)
		}
	}
	if notSent := pass.invalid + pass.duplicate; !pass.fedBack && opts.MaxInvalid.Exceeded(notSent, pass.rows) {
		fmt.Fprintf(out, "Warning: %d of %d rows cannot be sent, more than --max-invalid %s allows: a real run would stop before sending anything. Check the mapping with `owr-import validate`.\n",
			notSent, pass.rows, opts.MaxInvalid)
	}
	sum.Counts = map[row.Status]int{row.StatusValid: pass.valid, row.StatusInvalid: pass.invalid, row.StatusDuplicate: pass.duplicate}
	sum.Problems = pass.problems.top(10)
	sum.Elapsed = Duration(time.Since(start))
	if opts.SummaryJSON != "" {
		if err := sum.WriteJSONFile(opts.SummaryJSON); err != nil {
			return nil, err
		}
	}
	return sum, ctx.Err()
}

// afterSending turns an error met once rows may have been sent into an
// *send.AbortError: exit 3 and the advice to rerun, never "nothing was sent".
func afterSending(err error) error {
	return &send.AbortError{Reason: send.AbortFailed, Message: fmt.Sprintf(
		"the run stopped: %v. Rows already sent are in the migration's ledger; fix this and run the same command again", err)}
}
