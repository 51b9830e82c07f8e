package main

import (
	"context"
	"owr-import/importer/row"

	"github.com/spf13/cobra"

	"owr-import/importer"
	"owr-import/mapping"
)

// validateOptions are the flags and streams of `validate`.
type validateOptions struct {
	input, mappingPath, sheet, outDir, summaryJSON string
	*streams
}

func newValidateCmd(s *streams) *cobra.Command {
	o := &validateOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "validate FILE --mapping MAP",
		Short: "Check every row of an export without sending anything",
		Long: `validate reads the export (CSV or XLSX) with the mapping file, checks every
row exactly as run would before sending, and writes NAME.results.EXT next to
the input (or in --out-dir) with owr_status valid, invalid or duplicate and
every problem of the row in owr_error. Nothing is sent and no keys are needed.

Exit code 0 when every row is valid, 1 when some are not, 2 when the file or
the mapping cannot be used.`,
		Example: `  owr-import validate export.xlsx --mapping mapping.yaml
  owr-import validate klanten.csv --mapping mapping.yaml --out-dir results
  owr-import validate export.xlsx --mapping mapping.yaml --sheet Klanten`,
		Args: exactlyOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.input = args[0]
			return runValidate(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	mappingFlag(f, &o.mappingPath)
	sheetFlag(f, &o.sheet)
	f.StringVar(&o.outDir, "out-dir", "", "folder for NAME.validated.EXT (default: next to the input)")
	summaryFlag(f, &o.summaryJSON)
	_ = cmd.RegisterFlagCompletionFunc("mapping", completeMapping)
	_ = cmd.RegisterFlagCompletionFunc("sheet", completeSheet)
	_ = cmd.MarkFlagRequired("mapping")
	return cmd
}

func runValidate(ctx context.Context, o *validateOptions) error {
	m, err := mapping.Load(o.mappingPath)
	if err != nil {
		return withCode(exitUsage, err)
	}
	sum, err := importer.Validate(ctx, importer.Input{
		Path: o.input, Mapping: m, Sheet: o.sheet, OutDir: o.outDir,
	})
	if err != nil {
		return withCode(exitUsage, err)
	}
	sum.WriteText(o.out)
	if o.summaryJSON != "" {
		if err := sum.WriteJSONFile(o.summaryJSON); err != nil {
			return withCode(exitUsage, err)
		}
	}
	if sum.Counts[row.StatusValid] != sum.Rows {
		return silentExit(exitSome)
	}
	return nil
}

// exactlyOneFile is the Args check of commands that take one input file; its
// message says what is missing instead of cobra's "accepts 1 arg(s)".
func exactlyOneFile(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return usageErrorf(cmd, "name the export file to read, for example:\n%s", firstLine(cmd.Example))
	case len(args) > 1:
		return usageErrorf(cmd, "give one file at a time (got %d); a path with spaces needs quotes", len(args))
	}
	return nil
}
