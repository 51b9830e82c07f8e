package mapping

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// columns decodes `columns: [A, B, ...]`, a field read from several
// columns whose non-empty cells are joined (see join).
func (d *decoder) columns(fs *fieldSpec, n ast.Node, vp pos) bool {
	name := fieldNames[fs.id]
	seq, ok := n.(*ast.SequenceNode)
	if !ok || len(seq.Values) < 2 {
		d.errs.add(vp, fmt.Sprintf("columns of %s should be a list of two or more headers, found %s", name, describeValue(n)),
			fmt.Sprintf("For example: columns: [Straat, Straat 2]; for one column write column: %s.", yamlScalar(exampleHeaders[fs.id])))
		return false
	}
	good := true
	keys := make(map[string]bool)
	for _, item := range seq.Values {
		p := posOf(item)
		text, isNull, isScalar := scalarText(item)
		switch {
		case !isScalar || isNull || text == "":
			d.errs.add(p, fmt.Sprintf("a header in columns of %s is empty or not a header, found %s", name, describeValue(item)), "Write the header of each column, e.g. columns: [Huisnummer, Bus].")
			good = false
			continue
		}
		k := headerKey(text)
		if k == "" {
			k = "\x00" + text
		}
		if keys[k] {
			d.errs.add(p, fmt.Sprintf("columns of %s names %s twice", name, quoteShort(text)), "Name each column once.")
			good = false
			continue
		}
		keys[k] = true
		fs.columns = append(fs.columns, text)
		fs.columnsPos = append(fs.columnsPos, p)
	}
	fs.hasColumns = true
	return good
}

// columnsComplete checks columns and join against the rest of the field
// and, when they fit, makes the first of the columns the field's column.
func (d *decoder) columnsComplete(fs *fieldSpec) bool {
	name := fieldNames[fs.id]
	switch {
	case fs.hasJoin && !fs.hasColumns:
		d.errs.add(fs.joinPos, fmt.Sprintf("join has no effect without columns: %s reads one cell", name), "Remove join, or read several columns with columns: [A, B].")
		return false
	case !fs.hasColumns:
		return true
	case fs.id == fExtCustomerID:
		d.errs.add(fs.pos, "extCustomerId is one whole number and is read from one column", "Write extCustomerId: with the header of that column.")
		return false
	case fs.hasColumn:
		d.errs.add(fs.columnPos, fmt.Sprintf("%s has both column and columns", name), "Keep column for one column, or columns for several.")
		return false
	case len(fs.columns) < 2:
		return false // reported by columns
	}
	fs.column, fs.hasColumn, fs.columnPos = fs.columns[0], true, fs.columnsPos[0]
	if !fs.hasJoin {
		fs.join = " "
	}
	return true
}

// partSpecs returns the specs of a field's second and further columns
// (see fieldSpec); nil for a field of one column.
func (fs *fieldSpec) partSpecs() []fieldSpec {
	if len(fs.columns) < 2 {
		return nil
	}
	parts := make([]fieldSpec, 0, len(fs.columns)-1)
	for i := 1; i < len(fs.columns); i++ {
		parts = append(parts, fieldSpec{id: fs.id, pos: fs.pos, column: fs.columns[i], hasColumn: true, columnPos: fs.columnsPos[i], part: i})
	}
	return parts
}
