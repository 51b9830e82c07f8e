package importer

import (
	"fmt"
	"hash/maphash"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"strings"

	"owr-import/mapping"
)

// duplicateIndex remembers which row first used each extCustomerId and
// extCustomerNumber. The API rejects a second customer with either key, so a
// later row with a key already seen would only earn a 409: it is reported
// locally as a duplicate that names the earlier row. Only keys are kept (the
// number as a 64-bit hash) in two compact tables (see keyTable), so a million
// rows cost a few tens of megabytes.
type duplicateIndex struct {
	seed    maphash.Seed
	ids     *keyTable
	numbers *keyTable
}

func newDuplicateIndex() *duplicateIndex {
	return &duplicateIndex{seed: maphash.MakeSeed(), ids: newKeyTable(), numbers: newKeyTable()}
}

// reserve sizes the index for about n rows (see keyTable.reserve).
func (d *duplicateIndex) reserve(n int) {
	d.ids.reserve(n)
	d.numbers.reserve(n)
}

// adopt takes the tables reserve prepared once they are ready.
func (d *duplicateIndex) adopt() {
	d.ids.adopt()
	d.numbers.adopt()
}

// dupKeys are the keys one row claims; 0 means the row has no such key.
type dupKeys struct {
	id, number uint64
}

// keysOf computes c's keys. It only reads the index, so the goroutines that
// map rows call it in parallel; claims stay in row order.
func (d *duplicateIndex) keysOf(c *mapping.Customer) dupKeys {
	var k dupKeys
	if c.ExtCustomerID > 0 {
		k.id = uint64(c.ExtCustomerID)
	}
	if c.ExtCustomerNumber != "" {
		k.number = maphash.String(d.seed, c.ExtCustomerNumber) | 1 // never 0, the empty slot
	}
	return k
}

// touch starts fetching the table slots of k (see keyTable.touch); the
// result means nothing.
func (d *duplicateIndex) touch(k dupKeys) uint64 {
	var x uint64
	if k.id != 0 {
		x += d.ids.touch(k.id)
	}
	if k.number != 0 {
		x += d.numbers.touch(k.number)
	}
	return x
}

// claim records the keys of row's customer and reports the earlier row and
// the field of the first key already taken, or 0 when both keys are new. A
// key that could not be read (id 0, empty number) claims nothing.
func (d *duplicateIndex) claim(rowNum int, c mapping.Customer) (earlier int, field string) {
	return d.claimKeys(rowNum, d.keysOf(&c))
}

// claimKeys is claim with the keys already computed by keysOf.
func (d *duplicateIndex) claimKeys(rowNum int, k dupKeys) (earlier int, field string) {
	if k.id != 0 {
		if first, taken := d.ids.claim(k.id, int32(rowNum)); taken {
			earlier, field = int(first), "extCustomerId"
		}
	}
	if k.number != 0 {
		if first, taken := d.numbers.claim(k.number, int32(rowNum)); taken && earlier == 0 {
			earlier, field = int(first), "extCustomerNumber"
		}
	}
	return earlier, field
}

// verdict is what local checks say about one rowNum before anything is sent.
type verdict struct {
	Status   row.Status // row.StatusValid, row.StatusInvalid or row.StatusDuplicate
	Customer mapping.Customer
	Problems []mapping.Problem // errors and warnings, in mapping order
	DupOf    int               // earlier rowNum holding the same key
	DupField string
}

// newVerdict is the verdict of a mapped rowNum before the duplicate check.
func newVerdict(c mapping.Customer, problems []mapping.Problem) verdict {
	return verdict{Customer: c, Problems: problems, Status: mappedStatus(problems)}
}

// mappedStatus is the status a row's problems give it before the duplicate
// check: invalid when any is an error, else valid.
func mappedStatus(problems []mapping.Problem) row.Status {
	if mapping.HasErrors(problems) {
		return row.StatusInvalid
	}
	return row.StatusValid
}

// checker turns records into verdicts. It is sequential on purpose: whether a
// row is a duplicate depends on every row before it. (Validate splits the
// same work: mapping in parallel, then settle in row order.)
type checker struct {
	mapper *mapping.Mapper
	long   *longCells
	dups   *duplicateIndex
	sink   uint64 // keeps touchAll's reads from being optimised away
}

func newChecker(b *mapping.Binding, src source.Source) *checker {
	return &checker{mapper: b.NewMapper(), long: newLongCells(src), dups: newDuplicateIndex()}
}

func (c *checker) check(rec row.Record) verdict {
	cust, list := c.mapper.Apply(rec.Values)
	v := newVerdict(cust, c.long.check(rec, list))
	c.settle(rec.Row, &v, c.dups.keysOf(&v.Customer))
	return v
}

// settle claims a row's keys and marks a valid row whose key an earlier row
// holds as its duplicate.
func (c *checker) settle(rowNum int, v *verdict, k dupKeys) {
	if earlier, field := c.duplicateOf(rowNum, v.Status == row.StatusInvalid, k); earlier != 0 {
		v.Status, v.DupOf, v.DupField = row.StatusDuplicate, earlier, field
	}
}

// duplicateOf claims a rowNum's keys and, unless the rowNum is invalid anyway,
// returns the earlier rowNum and the field of a key already taken (0 when none
// is). An invalid rowNum claims its keys too: once fixed it holds them, so a
// later rowNum with the same key is its duplicate either way.
func (c *checker) duplicateOf(rowNum int, invalid bool, k dupKeys) (earlier int, field string) {
	earlier, field = c.dups.claimKeys(rowNum, k)
	if invalid {
		return 0, ""
	}
	return earlier, field
}

// message is the text of the owr_error cell: every problem of the rowNum in one
// line, each naming its column, so the consultant can fix the cell without
// reading documentation. cell names the spreadsheet cell of a column index.
func (v verdict) message(cell func(col int) string) string {
	return v.withDuplicate(v.problemText(cell))
}

// problemText is the part of message that lists the problems. It does not
// depend on the duplicate check, so it can be built before it.
func (v verdict) problemText(cell func(col int) string) string {
	var b strings.Builder
	for _, p := range v.Problems {
		if p.Warning && v.Status == row.StatusInvalid {
			continue // the errors are what must be fixed first
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if p.Warning {
			b.WriteString("Warning: ")
		}
		b.WriteString(problemPlace(p, cell))
		b.WriteString(p.Message)
		if !strings.HasSuffix(p.Message, ".") {
			b.WriteByte('.') // one sentence per problem, however many there are
		}
	}
	return b.String()
}

// withDuplicate puts the duplicate's explanation in front of the problem
// text of a duplicate row; other rows keep the problem text as it is.
func (v verdict) withDuplicate(problems string) string {
	if v.Status != row.StatusDuplicate {
		return problems
	}
	dup := fmt.Sprintf("Same %s as row %d: this row is not sent. Remove it, or give it its own %s.", v.DupField, v.DupOf, v.DupField)
	if problems == "" {
		return dup
	}
	return dup + " " + problems
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

// touchAll starts fetching the duplicate-index slots of a batch of rows,
// so that settling them in order then finds them in the cache.
func (c *checker) touchAll(rows []mappedRow) {
	var x uint64
	for i := range rows {
		x += c.dups.touch(rows[i].keys)
	}
	c.sink = x
}
