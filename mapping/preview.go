package mapping

// Preview is the set of fields whose value the mapping works out rather
// than copies from one cell as written: extCustomerId (a whole number read
// from text), and every field with transforms, a values: block, a default,
// a constant, several columns, or the id's digits as its number. Those are
// the values worth showing beside the client's cells before anything is
// sent (the split street and house number, the normalised VAT number, the
// country); a field copied as written is already in its own column.
type Preview struct {
	fields []field // in FieldNames order; extCustomerId always first
}

// Preview returns the fields of the binding whose value the mapping works
// out.
func (b *Binding) Preview() Preview {
	var worked [numFields]bool
	worked[fExtCustomerID] = true
	for _, bf := range b.plan() {
		worked[bf.id] = bf.id == fExtCustomerID || bf.constant || bf.hasDefault || len(bf.p.funcs) > 0 ||
			bf.p.values != nil || bf.parts != nil || bf.p.asID
	}
	var p Preview
	for f := field(0); f < numFields; f++ {
		if worked[f] {
			p.fields = append(p.fields, f)
		}
	}
	return p
}

// Names are the preview's fields as a mapping file spells them.
func (p Preview) Names() []string {
	names := make([]string, len(p.fields))
	for i, f := range p.fields {
		names[i] = fieldNames[f]
	}
	return names
}

// AppendValues appends c's value of each field of the preview, as sent.
func (p Preview) AppendValues(dst []string, c *Customer) []string {
	for _, f := range p.fields {
		dst = append(dst, c.value(f))
	}
	return dst
}

// AppendTextValues is AppendValues without the leading extCustomerId: for
// a caller that writes the id's digits itself rather than make a string of
// them for every row.
func (p Preview) AppendTextValues(dst []string, c *Customer) []string {
	for _, f := range p.fields[1:] {
		dst = append(dst, c.value(f))
	}
	return dst
}
