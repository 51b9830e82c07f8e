package mapping

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"owr-import/internal/display"
)

// Binding is a Mapping checked against one header row: every field knows
// the index of its column. It is immutable, so Apply is safe for concurrent
// use by several goroutines.
type Binding struct {
	file   string
	fields []boundField

	planOnce sync.Once
	planned  []boundField // see plan
}

// boundField is one field ready for Apply.
type boundField struct {
	id         field
	col        int    // index in the row; -1 for a constant
	column     string // the header as the file spells it; "" for a constant
	constant   bool
	constOut   string // the constant, already transformed
	hasDefault bool
	defaultOut string // the default, already transformed
	p          pipeline
	parts      []partColumn // a field of several columns: all of them, from plan; nil otherwise
}

// partColumn is one of the columns of a field read from several.
type partColumn struct {
	col    int
	column string
}

// applyOne maps one row as Mapper.Apply does, without a Mapper's memory:
// the reference the tests compare Mappers with.
func (b *Binding) applyOne(values []string) (Customer, []Problem) {
	var addr addrSplit
	var c Customer
	problems := applyFields(b.plan(), &c, values, nil, &addr)
	return c, problems
}

// plan returns the fields as Apply runs them, worked out once (makePlan);
// Mappers share them, since nothing in them changes.
func (b *Binding) plan() []boundField {
	b.planOnce.Do(func() { b.planned = b.makePlan() })
	return b.planned
}

// makePlan returns the fields as Apply runs them: those of the Binding, with
// the columns of a field read from several joined into one field (Bind
// places them one by one, see fieldSpec), and an extCustomerNumber read
// from the column of extCustomerId set to send the id's digits (see
// readAsID). Which columns the fields read is only known once Bind has
// placed them, so this is worked out here rather than when the mapping is
// parsed.
func (b *Binding) makePlan() []boundField {
	fields := make([]boundField, 0, len(b.fields))
	for _, bf := range b.fields {
		bf.column = display.Line(bf.column) // a header with a control character is shown escaped
		switch {
		case bf.p.part > 0 && len(fields) > 0:
			first := &fields[len(fields)-1]
			first.parts = append(first.parts, partColumn{bf.col, bf.column})
			first.column += " + " + bf.column
			continue
		case bf.p.multi:
			bf.parts = []partColumn{{bf.col, bf.column}}
		}
		fields = append(fields, bf)
	}
	idCol := -1
	for _, bf := range fields {
		if bf.id == fExtCustomerID && !bf.constant {
			idCol = bf.col
		}
	}
	for i := range fields {
		if bf := &fields[i]; bf.id == fExtCustomerNumber && !bf.constant && bf.col >= 0 && bf.col == idCol {
			bf.p.readAsID()
		}
	}
	return fields
}

// Mapper applies a Binding row after row on one goroutine, remembering
// each transformed field's last value and result: a column whose values
// repeat (a country, a city) is then transformed once per change rather
// than once per row, with the same result as a new Mapper would give. A
// Mapper is not safe for concurrent use; give each goroutine its own
// (NewMapper).
type Mapper struct {
	fields []boundField
	memo   []fieldMemo
	addr   addrSplit
}

// fieldMemo is the last value a field's pipeline ran on, and what it gave.
type fieldMemo struct {
	in     string
	out    string
	f      failure
	warn   bool
	ok     bool
	misses uint32 // rows in a row whose value differed from in
}

// memoKeepAfter is how many misses in a row a field's memo is refreshed
// for; after that (a column of unique values, such as VAT numbers) it is
// refreshed only every memoRetryEvery misses: storing a result nobody reads
// costs more than the comparison that finds it unused.
const (
	memoKeepAfter  = 8
	memoRetryEvery = 64
)

// NewMapper returns a Mapper for b.
func (b *Binding) NewMapper() *Mapper {
	fields := b.plan()
	return &Mapper{fields: fields, memo: make([]fieldMemo, len(fields))}
}

// Apply maps one data row (values aligned with the header given to Bind;
// shorter rows read as empty cells) into a Customer, and reports every
// problem of the row at once, so a consultant fixes a row in one pass.
// A row is fit to send when HasErrors(problems) is false; warnings are
// reported but the Customer holds the value anyway.
func (m *Mapper) Apply(values []string) (Customer, []Problem) {
	var c Customer
	problems := applyFields(m.fields, &c, values, m.memo, &m.addr)
	return c, problems
}

// applyFields does the work of Apply with fields from plan, filling in c,
// which must be zero. memo, when not nil, holds one entry per field; addr
// shares one address split between the fields of a row. (Filling in the
// caller's Customer rather than returning one saves a copy per row.)
//
// It is one long loop on purpose: it runs for every field of every row,
// and moving the quick look at a text cell, or the store of a value, into
// a function of its own cost a few percent of BenchmarkMapperFile each.
func applyFields(fields []boundField, c *Customer, values []string, memo []fieldMemo, addr *addrSplit) []Problem {
	var problems []Problem
	var sent [numFields]string // what each field sends; fill stores them in c
	addr.ok = false
	for i := range fields {
		bf := &fields[i]
		if bf.constant {
			sent[bf.id] = bf.constOut
			continue
		}
		raw := ""
		if bf.parts != nil {
			var bad *partColumn
			var f failure
			if raw, bad, f = joinCells(bf.parts, bf.p.join, values); f.failed() {
				problems = append(problems, bf.partProblem(bad, f))
				continue
			}
		} else if bf.col < len(values) {
			if raw = values[bf.col]; !trimmedCell(raw) {
				raw = strings.TrimSpace(raw)
			}
		}
		if raw == "" {
			switch {
			case bf.hasDefault:
				sent[bf.id] = bf.defaultOut
			case required[bf.id]:
				problems = append(problems, bf.problem(KindMissing, bf.missingMessage(""), false))
			}
			continue
		}
		if bf.p.plain == plainText {
			// lineClean's answer for the short cells of nearly every row,
			// written out: a call per text cell cost a few percent of
			// BenchmarkMapperFile. suspect stays 1 for other lengths.
			n := len(raw)
			suspect := uint64(1)
			switch {
			case n >= 8 && n <= 24:
				suspect = suspectBytes(load64(raw)) | suspectBytes(load64(raw[(n-8)/2:])) | suspectBytes(load64(raw[n-8:]))
			case n >= 4 && n < 8:
				suspect = suspectBytes(uint64(load32(raw)) | uint64(load32(raw[n-4:]))<<32)
			}
			if suspect == 0 || n <= maxValueLen && lineClean(raw) {
				sent[bf.id] = raw // the common cell, already what the API takes
				continue
			}
		} else if bf.p.passes(raw) {
			sent[bf.id] = raw
			continue
		}
		var (
			out  string
			f    failure
			warn bool
		)
		switch {
		case memo == nil || len(bf.p.funcs) == 0:
			// No memory (applyOne), or nothing costly to remember: run is
			// a few checks.
			out, f, warn = bf.p.runWith(raw, addr)
		case memo[i].ok && memo[i].in == raw:
			m := &memo[i]
			out, f, warn = m.out, m.f, m.warn
			m.misses = 0
		default:
			out, f, warn = bf.p.runWith(raw, addr)
			m := &memo[i]
			if m.misses < memoKeepAfter || m.misses%memoRetryEvery == 0 {
				*m = fieldMemo{in: raw, out: out, f: f, warn: warn, ok: true, misses: m.misses}
			}
			m.misses++
		}
		if f.failed() {
			problems = append(problems, bf.problem(f.kind, f.msg, warn))
			if !warn {
				continue
			}
		}
		if out == "" {
			if required[bf.id] {
				problems = append(problems, bf.problem(KindMissing, bf.missingMessage(raw), false))
			}
			continue
		}
		sent[bf.id] = out
	}
	fill(c, &sent)
	return problems
}

// joinCells joins the trimmed, non-empty cells of a field read from
// several columns with join between them; "" when they are all empty.
// Each cell goes through cleanLine first, so a control character is
// reported on its own cell (bad).
func joinCells(parts []partColumn, join string, values []string) (joined string, bad *partColumn, f failure) {
	var b strings.Builder
	for i := range parts {
		pc := &parts[i]
		if pc.col >= len(values) {
			continue
		}
		v := trimCell(values[pc.col])
		if v == "" {
			continue
		}
		if v, f = cleanLine(v); f.failed() {
			return "", pc, f
		}
		if b.Len() > 0 {
			b.WriteString(join)
		}
		b.WriteString(v)
	}
	return b.String(), nil, failure{}
}

// trimCell is strings.TrimSpace with a fast path, taken by nearly every
// cell of a million-row file (see trimmedCell). Apply writes these two
// steps out in its loop: trimCell does not fit Go's inlining budget, and
// the call costs a tenth of a row (BenchmarkMapperFile).
func trimCell(s string) string {
	if trimmedCell(s) {
		return s
	}
	return strings.TrimSpace(s)
}

// trimmedCell reports, without decoding, that strings.TrimSpace would
// leave s as it is, for the common cell that starts with a visible ASCII
// character and ends with one or with a letter such as the ë of België.
// false means "maybe not". It is small enough to be inlined into Apply's
// loop, which then calls strings.TrimSpace only for other cells.
func trimmedCell(s string) bool {
	// s[0]-'!' < utf8.RuneSelf-'!' is ' ' < s[0] < utf8.RuneSelf in one
	// unsigned comparison.
	n := len(s)
	return n > 0 && s[0]-'!' < utf8.RuneSelf-'!' && !spaceEnd[s[n-1]]
}

// spaceEnd marks the bytes a string may end with when its last character
// is white space (unicode.IsSpace): the ASCII spaces, and the last bytes of
// the UTF-8 forms of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
// U+2029, U+202F, U+205F and U+3000. A cell ending with any other byte
// (the AB of ë) keeps its end, so trimCell needs no decoding to tell.
// TestSpaceEnd checks the table against unicode.IsSpace.
var spaceEnd = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c <= ' '
	}
	var buf [utf8.UTFMax]byte
	mark := func(lo, hi, stride rune) {
		for r := max(lo, utf8.RuneSelf); r <= hi; r += stride {
			b := utf8.AppendRune(buf[:0], r)
			t[b[len(b)-1]] = true
		}
	}
	for _, rg := range unicode.White_Space.R16 {
		mark(rune(rg.Lo), rune(rg.Hi), rune(rg.Stride))
	}
	for _, rg := range unicode.White_Space.R32 {
		mark(rune(rg.Lo), rune(rg.Hi), rune(rg.Stride))
	}
	return t
}()

// HasErrors reports whether any problem makes the row invalid (anything but
// a warning).
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

func (bf *boundField) problem(kind, msg string, warning bool) Problem {
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return Problem{
		Field:       fieldNames[bf.id],
		Column:      bf.column,
		ColumnIndex: bf.col,
		Kind:        kind,
		Message:     msg,
		Warning:     warning,
	}
}

// partProblem is an error on one cell of a field read from several
// columns.
func (bf *boundField) partProblem(pc *partColumn, f failure) Problem {
	p := bf.problem(f.kind, f.msg, false)
	p.Column, p.ColumnIndex = pc.column, pc.col
	return p
}

// missingMessage explains an empty required field; raw is the cell when the
// transforms emptied it.
func (bf *boundField) missingMessage(raw string) string {
	name := fieldNames[bf.id]
	if raw == "" && bf.parts != nil {
		return fmt.Sprintf("%s (%s) is required, but the cells are empty. Fill one in, or give %s a default in the mapping", name, fieldDescriptions[bf.id], name)
	}
	if raw != "" {
		return fmt.Sprintf("%s (%s) is required, but %s becomes empty after the transforms in the mapping. Fix the cell or the mapping's transforms for %s", name, fieldDescriptions[bf.id], quoteShort(raw), name)
	}
	return fmt.Sprintf("%s (%s) is required, but the cell is empty. Fill it in, or give %s a default in the mapping", name, fieldDescriptions[bf.id], name)
}

// fill stores what the fields of a row send in c. Apply collects them in
// an array indexed by field and stores them here in one go: a call per
// field to store its value cost a few percent of a row
// (BenchmarkMapperFile).
// The id is only ever a checked whole number or empty.
func fill(c *Customer, sent *[numFields]string) {
	if id := sent[fExtCustomerID]; id != "" {
		c.ExtCustomerID = parseDigits(id)
	}
	c.ExtCustomerNumber = sent[fExtCustomerNumber]
	c.Name = sent[fName]
	c.EnterpriseNumber = sent[fEnterpriseNumber]
	c.Address = Address{
		Street:       sent[fStreet],
		StreetNumber: sent[fStreetNumber],
		City:         sent[fCity],
		PostalCode:   sent[fPostalCode],
		Country:      sent[fCountry],
	}
}
