package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

// StatusOptions are the inputs of `status`.
type StatusOptions struct {
	Dir         string // the migration folder; "" = the current folder
	APITag      string // the API (see APITag)
	SummaryJSON string
	Version     string // owr-import's version, shown on the report page
}

// Status shows a migration at a glance without sending anything: every row
// the ledger knows counted by its latest status, the files that fed it, and
// each in_doubt row with what to check. It rewrites the complete result,
// so the client's file is up to date even if a run was killed before
// writing it.
func Status(ctx context.Context, opts StatusOptions) (*Summary, error) {
	start := time.Now()
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	noMigration := &row.InputError{Path: ledger.Path(dir, opts.APITag), Message: "this folder holds no migration to this API yet",
		Hint: "Check --out-dir and --env or --base-url: they must be the ones the runs used. Start one with `owr-import run`."}
	// Looked at before locking: status must not leave a lock file in a
	// folder that holds no migration.
	if _, err := os.Stat(noMigration.Path); err != nil {
		return nil, noMigration
	}
	m, err := openMigration(dir, opts.APITag, false, false)
	if err != nil {
		return nil, err
	}
	defer m.release()
	orig, ok := m.original()
	if !ok {
		return nil, noMigration
	}
	sum := &Summary{Command: "status", Input: orig.Path, HeaderRow: orig.HeaderRow, Sheet: orig.Sheet,
		Notes: append(m.state.Notes, inputsFed(m.state.Inputs())...)}
	paths, err := m.placeResults(orig, ledger.Input{}, sum)
	if err != nil {
		return nil, err
	}
	if err := m.checkSummaryPath(opts.SummaryJSON, ledger.Input{}, paths); err != nil {
		return nil, err
	}
	j, err := ledger.Open(m.ledger)
	if err != nil {
		return nil, err
	}
	files, err := m.writeComplete(ctx, j, paths, sum)
	if err == nil {
		sum.Rows, sum.Counts = sum.MigrationRows, sum.Migration
		sum.Files = append(files, m.ledger)
		sum.Elapsed = Duration(time.Since(start))
		err = m.writeReportPage(j, sum, "status", opts.Version, opts.APITag)
		if err == nil && opts.SummaryJSON != "" {
			if err = sum.WriteJSONFile(opts.SummaryJSON); err == nil {
				err = recordOutput(j, opts.SummaryJSON)
			}
		}
	}
	if cerr := j.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if open := sum.Rows - sum.Counts[row.StatusCreated] - sum.Counts[row.StatusSkipped]; open > 0 && len(files) > 1 {
		sum.Notes = append(sum.Notes, fmt.Sprintf("%d row(s) still open: fix them in %s and feed it back to `owr-import run`", open, filepath.Base(files[1])))
	}
	return sum, nil
}

// inputsFed says which files fed the migration, the original export first.
func inputsFed(inputs []ledger.Input) []string {
	lines := make([]string, len(inputs))
	for i, in := range inputs {
		what := "fed back or corrected"
		if i == 0 {
			what = "the original export"
		}
		lines[i] = fmt.Sprintf("%s (%s), first read %s", in.Name, what, in.At.Local().Format("2006-01-02 15:04"))
	}
	return lines
}
