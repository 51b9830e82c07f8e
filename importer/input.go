package importer

import (
	"errors"
	"fmt"

	"owr-import/mapping"
)

// openMapped opens the input with the mapping's source settings (a --sheet
// flag wins over the mapping's sheet) and binds the mapping to the header it
// finds. Every pass over the input goes through here, so all passes see the
// same sheet, header row, delimiter and encoding.
func openMapped(path string, m *mapping.Mapping, sheet string) (Source, *mapping.Binding, error) {
	opts := SourceOptions{
		Sheet:       m.Source.Sheet,
		HeaderRow:   m.Source.HeaderRow,
		Delimiter:   m.Source.Delimiter,
		Encoding:    m.Source.Encoding,
		HeaderScore: m.HeaderScore,
	}
	if sheet != "" {
		opts.Sheet = sheet
	}
	opened, err := OpenSource(path, opts)
	if err != nil {
		return nil, nil, err
	}
	src := cappedSource{opened}
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
func cellNamer(src Source, row int) func(col int) string {
	if src.Format() != FormatXLSX {
		return nil
	}
	return func(col int) string { return src.Cell(row, col) }
}

// errNoDataRows is the error for a file with a header and nothing below it:
// usually a partial export, or the wrong sheet.
func errNoDataRows(src Source) error {
	hint := "Check that the export is complete."
	if src.Format() == FormatXLSX {
		hint = "Check that the export is complete, or choose another sheet with --sheet."
	}
	return &InputError{Path: src.Path(), Sheet: src.Sheet(),
		Message: fmt.Sprintf("there are no data rows below the header on row %d", src.HeaderRow()), Hint: hint}
}
