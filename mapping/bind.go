package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// Bind checks the mapping against the header row of an export and returns
// the Binding that maps its data rows. Every column the mapping reads must
// be in the header exactly once. A header matches when it is spelled the
// same (first as is, then without the spaces around it), or failing that
// when it is the same ignoring case, accents, spacing and punctuation
// ("klant id" finds "Klant-ID"). When look-alike headers ("name" and
// "Name ") are in the file, the one spelled as in the mapping is read;
// HeaderNotes says so. Header cells named owr_*
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

// headerIndex finds columns by header as written, by trimmed header and by
// matching key.
type headerIndex struct {
	raw    map[string][]int
	exact  map[string][]int
	byKey  map[string][]int
	usable []string // headers a mapping may name, in file order
}

func indexHeader(header []string) headerIndex {
	idx := headerIndex{raw: make(map[string][]int), exact: make(map[string][]int), byKey: make(map[string][]int)}
	for i, h := range header {
		raw := h
		h = trimSpace(h)
		if h == "" || isResultColumn(h) {
			continue
		}
		idx.raw[raw] = append(idx.raw[raw], i)
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
	hits := idx.find(fs.column)
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

// find returns the columns a mapping's column names: those spelled exactly
// so, else those equal once trimmed, else those with the same matching key.
func (idx headerIndex) find(column string) []int {
	if hits := idx.raw[column]; len(hits) > 0 {
		return hits
	}
	if hits := idx.exact[column]; len(hits) > 0 {
		return hits
	}
	if k := headerKey(column); k != "" {
		return idx.byKey[k]
	}
	return nil
}

// missingHint suggests the closest headers, or lists the header row when
// nothing is close (then the wrong row or sheet was probably read).
func (idx headerIndex) missingHint(column string) string {
	var country string
	if name, ok := countries[headerKey(column)]; ok {
		// "address.country: België": a constant written as a column.
		country = fmt.Sprintf("%s is a country, not a column of the file: to send it for every row, write  address.country: { value: %s }.", quoted(column), name)
	}
	if near := closest(column, idx.usable, 3); len(near) > 0 {
		word := "header"
		if len(near) > 1 {
			word = "headers"
		}
		return joinHints(country, fmt.Sprintf("Closest %s in the file: %s. Write the header as it appears in the file.", word, quoteHeaders(near)))
	}
	if country != "" {
		return country
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
	return fmt.Sprintf("The header row has: %s%s. Fix the header in the mapping, or set source.header_row / source.sheet if this is not the header row.", quoteHeaders(shown), more)
}

// quoteHeaders renders header names as `"a", "b"` for hints, escaped as
// display.Line does, so a header holding control characters or an escape
// sequence cannot garble the consultant's terminal.
func quoteHeaders(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoted(n)
	}
	return strings.Join(q, ", ")
}

func joinHints(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// HeaderNotes lists, for the columns the mapping reads, the look-alike
// headers of the file: headers that differ from the one read only in case,
// spacing, accents or punctuation ("name" and "Name "). Bind reads the one
// spelled as in the mapping and says nothing; a reader shows these notes
// beside the run's summary, one per group of look-alikes, naming every
// column of the group and which field reads which. Headers the mapping does
// not read are not mentioned (the reader's own duplicate-header note covers
// them).
func (m *Mapping) HeaderNotes(header []string) []string {
	idx := indexHeader(header)
	type group struct {
		cols  []int
		reads []string // "name reads F"
	}
	groups := make(map[string]*group)
	var order []string
	for i := range m.fields {
		fs := &m.fields[i]
		if !fs.hasColumn || isResultColumn(fs.column) {
			continue
		}
		hits := idx.find(fs.column)
		if len(hits) != 1 {
			continue // Bind reports it
		}
		col := hits[0]
		k := headerKey(header[col])
		if k == "" || len(idx.byKey[k]) < 2 {
			continue
		}
		g, ok := groups[k]
		if !ok {
			g = &group{cols: idx.byKey[k]}
			groups[k] = g
			order = append(order, k)
		}
		g.reads = append(g.reads, fmt.Sprintf("%s reads %s", fieldNames[fs.id], columnName(col)))
	}
	var notes []string
	for _, k := range order {
		g := groups[k]
		named := make([]string, len(g.cols))
		for i, c := range g.cols {
			named[i] = columnName(c) + " " + quoted(header[c])
		}
		how := "differ only in case, spacing, accents or punctuation"
		if onlyCaseAndSpaces(header, g.cols) {
			how = "differ only in case and spaces"
		}
		notes = append(notes, fmt.Sprintf("columns %s look alike (they %s); %s, the one spelled as in the mapping", joinAnd(named), how, joinAnd(g.reads)))
	}
	return notes
}

// onlyCaseAndSpaces reports whether the headers are the same once
// lower-cased and stripped of white space.
func onlyCaseAndSpaces(header []string, cols []int) bool {
	fold := func(s string) string {
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	}
	first := fold(header[cols[0]])
	for _, c := range cols[1:] {
		if fold(header[c]) != first {
			return false
		}
	}
	return true
}

func joinAnd(parts []string) string {
	if len(parts) <= 2 {
		return strings.Join(parts, " and ")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
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
