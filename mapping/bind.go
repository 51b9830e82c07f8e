package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// Bind checks the mapping against the header row of an export and returns
// the Binding that maps its data rows. Every column the mapping reads must
// be in the header exactly once. A header matches when it is spelled the
// same, or failing that when it is the same ignoring case, accents, spacing
// and punctuation ("klant id" finds "Klant-ID"). Header cells named owr_*
// are owr-import's own result columns (a failed-rows file fed back in) and
// never match. A missing column is an *Error at the mapping line that names
// it, with the closest headers of the file as a hint; all problems come back
// together (as Errors when there are several).
func (m *Mapping) Bind(header []string) (*Binding, error) {
	errs := &errorList{file: m.file}
	idx := indexHeader(header)
	b := &Binding{file: m.file}
	for i := range m.fields {
		fs := &m.fields[i]
		bf := boundField{id: fs.id, col: -1, p: newPipeline(fs)}
		switch {
		case fs.hasValue:
			bf.constant = true
			bf.constOut, _, _ = bf.p.run(trimSpace(fs.value))
		case fs.hasColumn:
			col, ok := idx.resolve(fs, errs)
			if !ok {
				continue
			}
			bf.col, bf.column = col, trimSpace(header[col])
		}
		if fs.hasDefault {
			bf.hasDefault = true
			bf.defaultOut, _, _ = bf.p.run(trimSpace(fs.def))
		}
		b.fields = append(b.fields, bf)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return b, nil
}

// headerIndex finds columns by exact header and by matching key.
type headerIndex struct {
	exact  map[string][]int
	byKey  map[string][]int
	usable []string // headers a mapping may name, in file order
}

func indexHeader(header []string) headerIndex {
	idx := headerIndex{exact: make(map[string][]int), byKey: make(map[string][]int)}
	for i, h := range header {
		h = trimSpace(h)
		if h == "" || isResultColumn(h) {
			continue
		}
		idx.exact[h] = append(idx.exact[h], i)
		if k := headerKey(h); k != "" {
			idx.byKey[k] = append(idx.byKey[k], i)
		}
		idx.usable = append(idx.usable, h)
	}
	return idx
}

// resolve finds the column of one field, recording why when it cannot.
func (idx headerIndex) resolve(fs *fieldSpec, errs *errorList) (int, bool) {
	name := fieldNames[fs.id]
	if isResultColumn(fs.column) {
		errs.add(fs.columnPos, fmt.Sprintf("%s reads the column %q, but owr_* columns are written by owr-import and ignored when reading", name, fs.column),
			"Map the client's own column instead.")
		return 0, false
	}
	hits := idx.exact[fs.column]
	if len(hits) == 0 {
		if k := headerKey(fs.column); k != "" {
			hits = idx.byKey[k]
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], true
	case 0:
		errs.add(fs.columnPos, fmt.Sprintf("%s reads the column %q, but the file's header row has no such column", name, fs.column), idx.missingHint(fs.column))
	default:
		errs.add(fs.columnPos, fmt.Sprintf("%s reads the column %q, but the header row has %d columns that match it (columns %s)", name, fs.column, len(hits), columnLetters(hits)),
			"Give each column a different header in the file, or write the header exactly as one of them.")
	}
	return 0, false
}

// missingHint suggests the closest headers, or lists the header row when
// nothing is close (then the wrong row or sheet was probably read).
func (idx headerIndex) missingHint(column string) string {
	if near := closest(column, idx.usable, 3); len(near) > 0 {
		word := "header"
		if len(near) > 1 {
			word = "headers"
		}
		return fmt.Sprintf("Closest %s in the file: %s. Write the header as it appears in the file.", word, quoteList(near))
	}
	if len(idx.usable) == 0 {
		return "The header row is empty: set source.header_row (and source.sheet for a workbook) to where the headers are."
	}
	list := idx.usable
	more := ""
	if len(list) > 15 {
		list, more = list[:15], fmt.Sprintf(" and %d more", len(idx.usable)-15)
	}
	shown := make([]string, len(list))
	for i, h := range list {
		shown[i] = shortHeader(h)
	}
	return fmt.Sprintf("The header row has: %s%s. Fix the header in the mapping, or set source.header_row / source.sheet if this is not the header row.", quoteList(shown), more)
}

// columnLetters renders 0-based column indexes as spreadsheet letters with
// their numbers: "C (3) and F (6)".
func columnLetters(cols []int) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = columnName(c) + " (" + strconv.Itoa(c+1) + ")"
	}
	if len(parts) <= 2 {
		return strings.Join(parts, " and ")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// columnName turns a 0-based column index into its spreadsheet letters
// (0 -> "A", 26 -> "AA"), the way a consultant finds a column.
func columnName(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// shortHeader keeps a header readable in a message: a "header" of thousands
// of characters means the wrong row, delimiter or file was read, and its
// first words are enough to see that.
func shortHeader(h string) string {
	const maxRunes = 40
	r := []rune(h)
	if len(r) <= maxRunes {
		return h
	}
	return string(r[:maxRunes]) + fmt.Sprintf("… (%d characters)", len(r))
}
