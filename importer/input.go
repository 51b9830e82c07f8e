package importer

import (
	"errors"
	"fmt"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"owr-import/mapping"
)

// Input is what `validate` and `run` read: the export, the mapping that
// reads it, and the folder the result files go to.
type Input struct {
	Path    string
	Mapping *mapping.Mapping
	Sheet   string // overrides the mapping's source.sheet
	OutDir  string // "" = next to the input
}

// openMapped opens the input with the mapping's source settings (a --sheet
// flag wins over the mapping's sheet) and binds the mapping to the header it
// finds. Every pass over the input goes through here, so all passes see the
// same sheet, header row, delimiter and encoding.
func openMapped(in Input) (source.Source, *mapping.Binding, error) {
	path, m, sheet := in.Path, in.Mapping, in.Sheet
	opts := source.SourceOptions{
		Sheet:       m.Source.Sheet,
		HeaderRow:   m.Source.HeaderRow,
		Delimiter:   delimiterRune(m.Source.Delimiter),
		Encoding:    m.Source.Encoding,
		HeaderScore: m.HeaderScore,
	}
	if sheet != "" {
		opts.Sheet = sheet
	}
	src, err := source.OpenSource(path, opts)
	if err != nil {
		return nil, nil, err
	}
	b, err := m.Bind(src.Header())
	if err != nil {
		src.Close()
		var me *mapping.Error
		if errors.As(err, &me) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%s: %w", src.Path(), err)
	}
	return src, b, nil
}

// cellNamer returns how problems of one row name a cell: spreadsheets get
// "D7"; a CSV row needs nothing more than the column header, since the row is
// already on the same line of the results file.
func cellNamer(src source.Source, rowNum int) func(col int) string {
	if src.Format() != row.FormatXLSX {
		return nil
	}
	return func(col int) string { return src.Cell(rowNum, col) }
}

// errNoDataRows is the error for a file with a header and nothing below it:
// usually a partial export, or the wrong sheet.
func errNoDataRows(src source.Source) error {
	hint := "Check that the export is complete."
	if src.Format() == row.FormatXLSX {
		hint = "Check that the export is complete, or choose another sheet with --sheet."
	}
	return &row.InputError{Path: src.Path(), Sheet: src.Sheet(),
		Message: fmt.Sprintf("there are no data rows below the header on row %d", src.HeaderRow()), Hint: hint}
}

// inputNotes are things about the file a consultant should know although no
// row is wrong because of them: columns that cannot be told apart or have no
// name, and cells to the right of the header that nobody reads. Call it after
// the rows were read, when the source's stats are complete.
func inputNotes(src source.Source, m *mapping.Mapping) []string {
	var notes []string
	header := src.Header()
	for _, name := range sameHeaders(header) {
		notes = append(notes, fmt.Sprintf("more than one column is named %q; the mapping cannot tell them apart (rename one in the file)", name))
	}
	notes = append(notes, m.HeaderNotes(header)...)
	if empty := source.EmptyHeaders(header); len(empty) > 0 {
		cols := make([]string, len(empty))
		for i, c := range empty {
			cols[i], _ = excelize.ColumnNumberToName(c + 1)
		}
		notes = append(notes, fmt.Sprintf("column(s) %s have no header and are not read", strings.Join(cols, ", ")))
	}
	if st := src.Stats(); st.ExtraCellRows > 0 {
		rows := make([]string, len(st.ExtraCellFirst))
		for i, r := range st.ExtraCellFirst {
			rows[i] = strconv.Itoa(r)
		}
		notes = append(notes, fmt.Sprintf("%d row(s) have values to the right of the last header column (row %s); those values are not read",
			st.ExtraCellRows, strings.Join(rows, ", ")))
	}
	if st := src.Stats(); len(st.TotalsRows) > 0 {
		notes = append(notes, totalsNote(st))
	}
	return notes
}

// totalsNote says which rows were left out as the export's totals lines,
// and what to do if one is a customer after all.
func totalsNote(st source.SourceStats) string {
	rows := make([]string, len(st.TotalsRows))
	for i, r := range st.TotalsRows {
		rows[i] = strconv.Itoa(r)
	}
	if len(rows) == 1 {
		return fmt.Sprintf("row %s (%q) looks like the export's totals line under the last customer and was not read as a customer; if it is one, fill in its other cells",
			rows[0], st.TotalsFirst)
	}
	return fmt.Sprintf("rows %s (the first: %q) look like the export's totals lines under the last customer and were not read as customers; if one is a customer, fill in its other cells",
		strings.Join(rows, ", "), st.TotalsFirst)
}

// delimiterRune is the mapping's delimiter, one character (already checked
// by the mapping package), as the source wants it; 0 lets the source sniff.
func delimiterRune(d string) rune {
	r, _ := utf8.DecodeRuneInString(d)
	if r == utf8.RuneError {
		return 0
	}
	return r
}

// sameHeaders lists the header names that stand on more than one column,
// spelled exactly alike: the mapping cannot read such a column. Look-alikes
// ("name" and "Name") are the mapping's to note (Mapping.HeaderNotes): it
// reads the one spelled as in the mapping file.
func sameHeaders(header []string) []string {
	seen := make(map[string]int, len(header))
	var same []string
	for _, h := range header {
		if h == "" {
			continue
		}
		if seen[h]++; seen[h] == 2 {
			same = append(same, h) // quoted, and so escaped, by the note
		}
	}
	return same
}
