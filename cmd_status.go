package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"owr-import/importer"
	"owr-import/importer/row"
)

// statusOptions are the flags and streams of `status`.
type statusOptions struct {
	env, baseURL, outDir, summaryJSON string
	*streams
}

func newStatusCmd(s *streams) *cobra.Command {
	o := &statusOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "status (--env dev|prod | --base-url URL) [--out-dir DIR]",
		Short: "Show a migration at a glance and refresh its result files",
		Long: `status reads the migration's ledger in the folder (--out-dir, default the
current folder) for the API named by --env or --base-url, and shows every row
the migration knows counted by its latest status, the files that fed it, what
is still open, and each in_doubt row with what to check. Nothing is sent and
no keys are needed. It rewrites the complete result (NAME.results.EXT and
NAME.failed.EXT), never replacing a file someone changed.

Exit code 0 when every row is created or skipped, 1 when some are still open,
2 when there is no migration to show.`,
		Example: `  owr-import status --env prod --out-dir klant-x
  owr-import status --base-url http://127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStatus(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	targetFlags(f, &o.env, &o.baseURL)
	f.StringVar(&o.outDir, "out-dir", "", "the migration's folder (default: the current folder)")
	summaryFlag(f, &o.summaryJSON)
	_ = cmd.RegisterFlagCompletionFunc("env", completeEnv)
	return cmd
}

func runStatus(ctx context.Context, o *statusOptions) error {
	if (o.env == "") == (o.baseURL == "") {
		return withCode(exitUsage, errors.New("name the migration's API: --env dev, --env prod or --base-url URL (the one its runs used)"))
	}
	tag, err := importer.APITag(o.env, o.baseURL, false)
	if err != nil {
		return withCode(exitUsage, err)
	}
	sum, err := importer.Status(ctx, importer.StatusOptions{Dir: o.outDir, APITag: tag, SummaryJSON: o.summaryJSON, Version: version})
	if err != nil {
		return withCode(exitUsage, err)
	}
	sum.WriteText(o.out)
	if sum.Counts[row.StatusCreated]+sum.Counts[row.StatusSkipped] != sum.Rows {
		return silentExit(exitSome)
	}
	return nil
}
