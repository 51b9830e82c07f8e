package mapping

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// fields decodes the fields: block: one entry per API field, in the short
// form (the header) or the long form ({ column, value, transform, default,
// severity }).
func (d *decoder) fields(n ast.Node, kp pos) {
	if _, isNull, ok := scalarText(n); ok && isNull {
		return // reported by requireFields
	}
	entries, ok := asMapping(n)
	if !ok {
		d.errs.add(posOf(n), fmt.Sprintf("fields: should list API fields, one per line, found %s", describe(n)), "Write one line per field, indented under fields:, e.g. \"  name: Naam\".")
		return
	}
	seen := make(map[string]pos)
	for _, mv := range entries {
		key, fp, ok := d.key(mv, seen)
		if !ok {
			continue
		}
		id, known := fieldByName(key)
		if !known {
			if d.errs.full() {
				continue
			}
			hint := suggest(key, fieldNames[:])
			if strings.EqualFold(key, "address") {
				hint = "Write each address field on its own line with a dot: address.street, address.streetNumber, address.city, address.postalCode, address.country."
			}
			d.errs.add(fp, fmt.Sprintf("unknown field %s; the API fields are %s", quoteShort(key), strings.Join(fieldNames[:], ", ")), hint)
			continue
		}
		d.attempted[id] = true
		if fs, ok := d.field(id, fp, mv.Value); ok {
			d.m.fields = append(d.m.fields, fs)
			d.m.fields = append(d.m.fields, fs.partSpecs()...)
		}
	}
}

// field decodes one entry of fields: in its short or long form.
func (d *decoder) field(id field, fp pos, n ast.Node) (fieldSpec, bool) {
	fs := fieldSpec{id: id, pos: fp}
	name := fieldNames[id]
	if text, isNull, ok := scalarText(n); ok {
		if isNull || text == "" {
			d.errs.add(fp, fmt.Sprintf("%s has no column", name), fmt.Sprintf("Write the header of the column after the colon, e.g. %s: %s, or remove the line.", name, yamlScalar(exampleHeaders[id])))
			return fs, false
		}
		fs.column, fs.hasColumn, fs.columnPos = text, true, posOf(n)
		return fs, true
	}
	entries, ok := asMapping(n)
	if !ok {
		d.errs.add(posOf(n), fmt.Sprintf("%s should be a column header or { column: ..., transform: [...] }, found %s", name, describe(n)), fmt.Sprintf("For example: %s: { column: %s }.", name, yamlScalar(exampleHeaders[id])))
		return fs, false
	}
	good := true
	seen := make(map[string]pos)
	for _, mv := range entries {
		key, kp, ok := d.key(mv, seen)
		if !ok || !d.fieldEntry(&fs, key, kp, mv.Value) {
			good = false
		}
	}
	if !d.fieldComplete(&fs, good) {
		return fs, false
	}
	return fs, d.checkConstants(&fs)
}

// fieldEntry decodes one key of a field's long form into fs; false when
// it reported a problem.
func (d *decoder) fieldEntry(fs *fieldSpec, key string, kp pos, n ast.Node) bool {
	name := fieldNames[fs.id]
	vp := posOf(n)
	if vp.line == 0 {
		vp = kp
	}
	switch key {
	case "column", "value", "default":
		text, isNull, isScalar := scalarText(n)
		if !isScalar || isNull || text == "" {
			d.errs.add(vp, fmt.Sprintf("%s of %s needs a single value, found %s", key, name, describeValue(n)), keyHint(key, fs.id))
			return false
		}
		switch key {
		case "column":
			fs.column, fs.hasColumn, fs.columnPos = text, true, vp
		case "value":
			fs.value, fs.hasValue, fs.valuePos = text, true, vp
		case "default":
			fs.def, fs.hasDefault, fs.defaultPos = text, true, vp
		}
		return true
	case "columns":
		return d.columns(fs, n, vp)
	case "join":
		text, isNull, isScalar := scalarText(n)
		if !isScalar || isNull {
			d.errs.add(vp, fmt.Sprintf("join of %s should be the text between the cells, found %s", name, describe(n)), `For example: join: " bus ", or join: "" to glue the cells together.`)
			return false
		}
		join, ok := d.oneLine(rawScalar(n, text), vp, "join of "+name)
		fs.join, fs.hasJoin, fs.joinPos = join, true, vp
		return ok
	case "transform":
		return d.transforms(fs, n, vp)
	case "severity":
		return d.severity(fs, n, vp)
	case "values":
		fs.valuesPos = vp
		return d.values(fs, n, vp)
	}
	if d.errs.full() {
		return false
	}
	d.errs.add(kp, fmt.Sprintf("unknown key %s in %s", quoteShort(key), name), joinHint(suggest(key, fieldKeys), "A field takes "+strings.Join(fieldKeys, ", ")+"."))
	return false
}

// severity decodes `severity: error | warning`.
func (d *decoder) severity(fs *fieldSpec, n ast.Node, vp pos) bool {
	text, _, _ := scalarText(n)
	switch strings.ToLower(text) {
	case "error":
		return true
	case "warning":
		if fs.id != fEnterpriseNumber {
			d.errs.add(vp, fmt.Sprintf("severity: warning has no effect on %s", fieldNames[fs.id]), "Only enterpriseNumber has a check that can be a warning (its check digits); remove the line.")
			return false
		}
		fs.warning = true
		return true
	}
	d.errs.add(vp, fmt.Sprintf("severity must be error or warning, found %s", describeValue(n)), "warning reports a wrong check digit but still sends the row; error (the default) refuses the row.")
	return false
}

// fieldComplete checks that the keys of a field's long form go together;
// good says whether its keys decoded without problems.
func (d *decoder) fieldComplete(fs *fieldSpec, good bool) bool {
	name := fieldNames[fs.id]
	if !d.columnsComplete(fs) {
		return false
	}
	switch {
	case fs.hasColumn && fs.hasValue:
		d.errs.add(fs.valuePos, fmt.Sprintf("%s has both a column and a value", name), "Keep column to read it from the file, or value to send the same constant for every row.")
		return false
	case !fs.hasColumn && !fs.hasValue && good:
		d.errs.add(fs.pos, fmt.Sprintf("%s needs a column or a value", name), fmt.Sprintf("For example: %s: { column: %s }.", name, yamlScalar(exampleHeaders[fs.id])))
		return false
	case fs.hasValue && fs.hasDefault:
		d.errs.add(fs.defaultPos, fmt.Sprintf("%s has a value, so its default would never be used", name), "Remove the default.")
		return false
	case fs.hasValue && len(fs.values) > 0:
		d.errs.add(fs.valuesPos, fmt.Sprintf("values has no effect on a field with a value: %s sends the same constant for every row", name), "Remove values, or read the field from a column.")
		return false
	}
	return good
}

// keyHint says what a column, value or default entry should hold.
func keyHint(key string, id field) string {
	switch key {
	case "column":
		return fmt.Sprintf("Write the header of the column, e.g. column: %s.", yamlScalar(exampleHeaders[id]))
	case "value":
		return "Write the constant to send for every row, e.g. value: belgium."
	}
	return "Write the value to use when the cell is empty, e.g. default: belgium."
}

// transforms decodes `transform: [a, b]` (or a single name) into fs.
func (d *decoder) transforms(fs *fieldSpec, n ast.Node, vp pos) bool {
	var items []ast.Node
	switch v := n.(type) {
	case *ast.SequenceNode:
		items = v.Values
	default:
		text, isNull, ok := scalarText(n)
		if !ok || isNull || text == "" {
			d.errs.add(vp, fmt.Sprintf("transform should be a list of transform names, found %s", describeValue(n)), "For example: transform: [vat]. Known transforms: "+strings.Join(transformNames, ", ")+".")
			return false
		}
		items = []ast.Node{n}
	}
	good := true
	for _, item := range items {
		p := posOf(item)
		name, isNull, ok := scalarText(item)
		if !ok || isNull || name == "" {
			d.errs.add(p, fmt.Sprintf("a transform is a name, found %s", describeValue(item)), "Known transforms: "+strings.Join(transformNames, ", ")+".")
			good = false
			continue
		}
		if _, known := lookupTransform(name); !known {
			d.errs.add(p, fmt.Sprintf("unknown transform %s", quoteShort(name)), joinHint(suggest(name, transformNames), "Known transforms: "+strings.Join(transformNames, ", ")+"."))
			good = false
			continue
		}
		fs.transforms = append(fs.transforms, transformRef{name: name, pos: p})
	}
	return good
}

// checkConstants runs a field's transforms and checks on its value, its
// default and the constants of its values: block once, now, so a wrong
// constant is reported at its line in the mapping instead of on every row.
func (d *decoder) checkConstants(fs *fieldSpec) bool {
	p := newPipeline(fs)
	good := true
	check := func(p *pipeline, what, text string, at pos) {
		out, f, warn := p.run(text)
		switch {
		case f.failed() && !warn:
			d.errs.add(at, fmt.Sprintf("the %s of %s does not work: %s", what, fieldNames[fs.id], f.msg), "")
			good = false
		case out == "" && required[fs.id]:
			d.errs.add(at, fmt.Sprintf("the %s of %s becomes empty after its transforms, but %s is required", what, fieldNames[fs.id], fieldNames[fs.id]), "Check the transforms of this field.")
			good = false
		}
	}
	if fs.hasValue {
		check(&p, "value", fs.value, fs.valuePos)
	}
	if fs.hasDefault {
		check(&p, "default", fs.def, fs.defaultPos)
	}
	plain := p.withoutValues() // a constant of values: is sent as it is transformed, never looked up again
	for _, v := range fs.values {
		if v.hasValue {
			check(&plain, "value for "+quoteShort(v.text), v.value, v.at)
		}
	}
	return good
}

func (d *decoder) requireFields(fieldsPos pos) {
	for f := field(0); f < numFields; f++ {
		if required[f] && !d.attempted[f] {
			d.errs.add(fieldsPos, fmt.Sprintf("the required field %s (%s) is not mapped", fieldNames[f], fieldDescriptions[f]),
				fmt.Sprintf("Add a line under fields: with the header of the column that holds it, e.g. \"  %s: %s\".", fieldNames[f], yamlScalar(exampleHeaders[f])))
		}
	}
}
