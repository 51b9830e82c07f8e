package importer

import (
	"fmt"
	"hash/maphash"
	"strings"

	"owr-import/mapping"
)

// duplicateIndex remembers which row first used each extCustomerId and
// extCustomerNumber. The API rejects a second customer with either key, so a
// later row with a key already seen would only earn a 409: it is reported
// locally as a duplicate that names the earlier row. Only keys are kept (the
// number as a 64-bit hash), so a million rows cost a few tens of megabytes.
type duplicateIndex struct {
	seed    maphash.Seed
	ids     map[int64]int32
	numbers map[uint64]int32
}

func newDuplicateIndex() *duplicateIndex {
	return &duplicateIndex{
		seed:    maphash.MakeSeed(),
		ids:     make(map[int64]int32),
		numbers: make(map[uint64]int32),
	}
}

// claim records row's keys and reports the earlier row and the field of the
// first key already taken, or 0 when both keys are new. A key that could not be
// read (id 0, empty number) claims nothing.
func (d *duplicateIndex) claim(row int, c mapping.Customer) (earlier int, field string) {
	if c.ExtCustomerID > 0 {
		if first, ok := d.ids[c.ExtCustomerID]; ok {
			earlier, field = int(first), "extCustomerId"
		} else {
			d.ids[c.ExtCustomerID] = int32(row)
		}
	}
	if c.ExtCustomerNumber != "" {
		h := maphash.String(d.seed, c.ExtCustomerNumber)
		if first, ok := d.numbers[h]; ok {
			if earlier == 0 {
				earlier, field = int(first), "extCustomerNumber"
			}
		} else {
			d.numbers[h] = int32(row)
		}
	}
	return earlier, field
}

// verdict is what local checks say about one row before anything is sent.
type verdict struct {
	Status   Status // StatusValid, StatusInvalid or StatusDuplicate
	Customer mapping.Customer
	Problems []mapping.Problem // errors and warnings, in mapping order
	DupOf    int               // earlier row holding the same key
	DupField string
}

// checker turns records into verdicts. It is sequential on purpose: whether a
// row is a duplicate depends on every row before it.
type checker struct {
	binding *mapping.Binding
	dups    *duplicateIndex
}

func newChecker(b *mapping.Binding) *checker {
	return &checker{binding: b, dups: newDuplicateIndex()}
}

func (c *checker) check(rec Record) verdict {
	cust, problems := c.binding.Apply(rec.Values)
	v := verdict{Customer: cust, Problems: problems, Status: StatusValid}
	earlier, field := c.dups.claim(rec.Row, cust)
	switch {
	case mapping.HasErrors(problems):
		v.Status = StatusInvalid
	case earlier != 0:
		v.Status, v.DupOf, v.DupField = StatusDuplicate, earlier, field
	}
	return v
}

// message is the text of the owr_error cell: every problem of the row in one
// line, each naming its column, so the consultant can fix the cell without
// reading documentation. cell names the spreadsheet cell of a column index.
func (v verdict) message(cell func(col int) string) string {
	var b strings.Builder
	if v.Status == StatusDuplicate {
		fmt.Fprintf(&b, "same %s as row %d: this row was not sent; remove it or give it its own %s", v.DupField, v.DupOf, v.DupField)
	}
	for _, p := range v.Problems {
		if p.Warning && v.Status == StatusInvalid {
			continue // the errors are what must be fixed first
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if p.Warning {
			b.WriteString("warning: ")
		}
		b.WriteString(problemPlace(p, cell))
		b.WriteString(p.Message)
	}
	return b.String()
}

// problemPlace names where a problem sits: the column header and, when known,
// the cell ("BTW-nummer (D7): ").
func problemPlace(p mapping.Problem, cell func(col int) string) string {
	switch {
	case p.Column != "" && p.ColumnIndex >= 0 && cell != nil:
		return fmt.Sprintf("%s (%s): ", p.Column, cell(p.ColumnIndex))
	case p.Column != "":
		return p.Column + ": "
	case p.Field != "":
		return p.Field + ": "
	}
	return ""
}
