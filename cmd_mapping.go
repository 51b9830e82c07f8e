package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"owr-import/importer/report"
	"owr-import/importer/source"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"owr-import/mapping"
)

func newMappingCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mapping",
		Short: "Create a first mapping file from an export's header",
		Long: `The mapping file tells owr-import which column of the export holds which
field of the Customers API. 'mapping init' guesses it from the header (Dutch,
French or English names); review it, fill in the TODOs, then use it with
validate and run.`,
		Example: `  owr-import mapping init export.xlsx -o mapping.yaml
  owr-import mapping init klanten.csv > mapping.yaml`,
	}
	cmd.AddCommand(newMappingInitCmd(s))
	return cmd
}

// mappingInitOptions are the flags and streams of `mapping init`.
type mappingInitOptions struct {
	input, sheet, output string
	force                bool
	*streams
}

func newMappingInitCmd(s *streams) *cobra.Command {
	o := &mappingInitOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "init FILE [-o mapping.yaml]",
		Short: "Guess a mapping from the export's header",
		Long: `init reads the header of the export (it finds it below title rows), matches
the column names against Dutch, French and English names of the API fields,
and writes a commented mapping file. Fields it could not place are marked
TODO; columns it did not use are listed at the end. It never overwrites an
existing file unless --force is given.`,
		Example: `  owr-import mapping init export.xlsx -o mapping.yaml
  owr-import mapping init klanten.csv > mapping.yaml
  owr-import mapping init export.xlsx --sheet Klanten -o mapping.yaml`,
		Args: exactlyOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.input = args[0]
			return runMappingInit(o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the mapping to this file (default: print it)")
	f.StringVar(&o.sheet, "sheet", "", "XLSX: the sheet to read (default: the widest sheet with a header)")
	f.BoolVar(&o.force, "force", false, "overwrite the --output file if it exists")
	_ = cmd.RegisterFlagCompletionFunc("sheet", completeSheet)
	return cmd
}

func runMappingInit(o *mappingInitOptions) error {
	if o.output != "" && !o.force {
		if _, err := os.Stat(o.output); err == nil {
			return withCode(exitUsage, fmt.Errorf("%s already exists; pass --force to overwrite it, or choose another name with -o", o.output))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return withCode(exitUsage, err)
		}
	}
	src, err := source.OpenSource(o.input, source.SourceOptions{Sheet: o.sheet})
	if err != nil {
		return withCode(exitUsage, err)
	}
	header, headerRow, sheet := src.Header(), src.HeaderRow(), src.Sheet()
	rows, err := sampleRows(src)
	src.Close()
	if err != nil {
		return withCode(exitUsage, err)
	}

	draft := mapping.Guess(header, rows...)
	yaml := draft.YAML(filepath.Base(o.input))
	if o.output == "" {
		if _, err := o.out.Write(yaml); err != nil {
			return withCode(exitUsage, err)
		}
	} else if err := report.WriteFileAtomic(o.output, yaml); err != nil {
		return withCode(exitUsage, err)
	}

	where := fmt.Sprintf("row %d", headerRow)
	if sheet != "" {
		where += fmt.Sprintf(" of sheet %q", sheet)
	}
	fmt.Fprintf(o.err, "Read the header on %s: %d columns.\n", where, len(header))
	if len(draft.Missing) > 0 {
		fmt.Fprintf(o.err, "TODO: no column found for %s; edit the mapping before validating.\n", strings.Join(draft.Missing, ", "))
	}
	if len(draft.Unused) > 0 {
		fmt.Fprintf(o.err, "Columns not used: %s\n", draft.UnusedText())
	}
	if o.output != "" {
		fmt.Fprintf(o.err, "Wrote %s. Next: owr-import validate %s --mapping %s\n", o.output, quoteArg(o.input), quoteArg(o.output))
	}
	return nil
}

// guessSampleRows is how many data rows mapping init looks at: enough to
// tell an id column of whole numbers from a code column, few enough to
// answer at once on a million-row export.
const guessSampleRows = 50

// sampleRows reads the first data rows for the guess.
func sampleRows(src source.Source) ([][]string, error) {
	var rows [][]string
	for len(rows) < guessSampleRows {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, rec.Values)
	}
	return rows, nil
}

// quoteArg quotes a path for a command line a consultant can paste.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t'\"&;()") {
		return `"` + s + `"`
	}
	return s
}
