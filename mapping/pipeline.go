package mapping

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxValueLen caps every text sent to the API, in characters. No customer
// field needs more; a longer value is nearly always a shifted column or a
// whole address pasted into one cell, and it is better refused with a clear
// problem than truncated in silence.
const maxValueLen = 255

// maxExtCustomerID is the largest id a JSON number carries exactly
// (2^53-1): past it, clients and the API may round the id.
const maxExtCustomerID = 1<<53 - 1

// pipeline is the compiled processing of one field: its transforms in
// order, then the checks the field always gets whatever the mapping says.
type pipeline struct {
	id      field
	funcs   []step
	warning bool      // check-digit problems are warnings, not errors
	plain   plainKind // how passes tells a value run keeps as it is
	checked bool      // the field has checks beyond the length (see check)
	asID    bool      // extCustomerNumber read from the column of extCustomerId (see readAsID)

	values map[string]mappedValue // the values: block by foldKey of its texts; nil without one

	part  int    // fieldSpec.part: the place in columns: of the column this spec reads
	multi bool   // the field reads several columns (columns:)
	join  string // what goes between their non-empty cells
}

// mappedValue is what a text of the values: block gives: the constant,
// already through the field's transforms and checks, or the reason the
// row is invalid.
type mappedValue struct {
	out     string
	f       failure
	warn    bool
	invalid string
}

// step is one transform of a pipeline. The street and house_number
// transforms are marked so that a row whose address cell feeds both fields
// splits it once (see addrSplit).
type step struct {
	fn   transformFunc
	addr addrPart
}

// addrPart says which half of a split address a step keeps.
type addrPart uint8

const (
	addrNone addrPart = iota
	addrStreet
	addrNumber
)

func newPipeline(fs *fieldSpec) pipeline {
	p := pipeline{id: fs.id, warning: fs.warning, plain: plainKindOf(fs.id, fs.transforms), part: fs.part, multi: fs.hasColumns, join: fs.join}
	switch fs.id {
	case fExtCustomerID, fEnterpriseNumber, fPostalCode:
		p.checked = true
	}
	for _, t := range fs.transforms {
		if fn, ok := lookupTransform(t.name); ok {
			st := step{fn: fn}
			switch t.name {
			case "street":
				st.addr = addrStreet
			case "house_number":
				st.addr = addrNumber
			}
			p.funcs = append(p.funcs, st)
		}
	}
	if len(fs.values) > 0 {
		p.plain = plainNever // a value may be in the map: look it up
		p.values = make(map[string]mappedValue, len(fs.values))
		for _, v := range fs.values {
			mv := mappedValue{invalid: v.invalid}
			if v.hasValue {
				mv.out, mv.f, mv.warn = p.run(trimSpace(v.value)) // p has no values yet: the constant is not looked up
			}
			p.values[foldKey(v.text)] = mv
		}
	}
	return p
}

// withoutValues is p without its values: block.
func (p pipeline) withoutValues() pipeline {
	p.values = nil
	return p
}

// lookUp finds v, a trimmed cell, in the values: block; ok is false when
// it is not there.
func (p *pipeline) lookUp(v string) (out string, f failure, warn, ok bool) {
	var buf [64]byte
	mv, ok := p.values[string(appendFold(buf[:0], v))]
	switch {
	case !ok:
		return "", failure{}, false, false
	case mv.invalid != "":
		return "", failure{kind: KindMappedInvalid, msg: fmt.Sprintf("the mapping marks %s as invalid: %s", quoteShort(v), mv.invalid)}, false, true
	}
	return mv.out, mv.f, mv.warn, true
}

// readAsID makes an extCustomerNumber pipeline send the canonical digits
// of the id when the number is read from the column of extCustomerId:
// "400 145", "400.145", "400145,00" and "'400145" all give the id 400145,
// and the number must then be "400145" too, not the text of the cell, so
// that the two always agree. The number's own transforms still run first.
func (p *pipeline) readAsID() {
	p.asID, p.checked = true, true
	if p.plain != plainNever {
		p.plain = plainID // canonical digits are what check keeps as they are
	}
}

// addrSplit remembers the last address cell split within one row, so
// that street and house_number on the same cell cost one split. It
// belongs to one goroutine.
type addrSplit struct {
	in, street, number string
	ok                 bool
}

// split returns splitAddress(s), reusing the previous result for the same s.
func (a *addrSplit) split(s string) (street, number string) {
	if a.ok && a.in == s {
		return a.street, a.number
	}
	a.street, a.number = splitAddress(s)
	a.in, a.ok = s, true
	return a.street, a.number
}

// run processes one trimmed value. It returns the value to send, or a
// failure; warn says the failure is only a warning and out is still to be
// sent. An empty out without failure means the transforms emptied the value.
func (p *pipeline) run(v string) (out string, f failure, warn bool) {
	return p.runWith(v, nil)
}

// runWith is run with an address split to share between the fields of one
// row; addr may be nil.
func (p *pipeline) runWith(v string, addr *addrSplit) (out string, f failure, warn bool) {
	if v == "" {
		return "", failure{}, false
	}
	// The same address cell feeds street and house_number: the second
	// finds it already split, so already clean.
	if (addr == nil || !addr.ok || addr.in != v) && !lineClean(v) {
		if v, f = cleanLine(v); f.failed() {
			return "", f, false
		}
	}
	if p.values != nil {
		if out, f, warn, ok := p.lookUp(v); ok {
			return out, f, warn
		}
	}
	seen := v // messages quote the cell as the consultant sees it in the file, on one line
	var note failure
	for _, st := range p.funcs {
		switch {
		case st.addr != addrNone && addr != nil:
			street, number := addr.split(v)
			if v = street; st.addr == addrNumber {
				v = number
			}
		default:
			if v, f = st.fn(v); f.failed() {
				if !f.isNote() {
					return "", f, false
				}
				note = f // the value stands; the note goes with it
			}
		}
		if v == "" {
			return "", failure{}, false
		}
	}
	switch {
	case p.checked:
		out, f, warn = p.check(v, seen)
	default:
		// Text fields, the most frequent, check their length here: a call
		// to check and its results cost as much as the check.
		if len(v) > maxValueLen {
			if f = tooLong(v); f.failed() {
				return "", f, false
			}
		}
		out = v
	}
	if note.failed() && !f.failed() {
		return out, note, true
	}
	return out, f, warn
}

// check runs the checks of the fields that have more than a length on the
// transformed value v; seen is the cell, for messages.
func (p *pipeline) check(v, seen string) (out string, f failure, warn bool) {
	switch p.id {
	case fExtCustomerID:
		digits, f := integerTransform(v)
		if f.failed() {
			return "", f, false
		}
		if f := checkIDRange(digits, seen); f.failed() {
			return "", f, false
		}
		return digits, failure{}, false
	case fExtCustomerNumber:
		if p.asID {
			// The id's digits when the cell is a valid id; otherwise the
			// text as written, for a row that is invalid anyway: the id
			// field reports the problem, once.
			if digits, f := integerTransform(v); !f.failed() && !checkIDRange(digits, seen).failed() {
				return digits, failure{}, false
			}
		}
	case fEnterpriseNumber:
		return p.checkVAT(v, seen)
	case fPostalCode:
		v = dropZeroDecimals(v)
	}
	if len(v) > maxValueLen {
		if f := tooLong(v); f.failed() {
			return "", f, false
		}
	}
	return v, failure{}, false
}

// tooLong refuses a value longer than maxValueLen characters; callers
// call it only for values longer than maxValueLen bytes.
func tooLong(v string) failure {
	if n := utf8.RuneCountInString(v); n > maxValueLen {
		return failure{kind: KindTooLong, msg: fmt.Sprintf("the value is %d characters long, more than the %d allowed (it starts %q). Shorten it, or check that the columns are not shifted", n, maxValueLen, prefixRunes(v, 40))}
	}
	return failure{}
}

// checkVAT normalises an enterpriseNumber and checks its format and, for a
// Belgian number, its check digits, an error or a warning as the mapping
// says. A note of normaliseVAT comes back as a warning with the number.
func (p *pipeline) checkVAT(v, seen string) (out string, f failure, warn bool) {
	if isBelgianForm(v) {
		// Already the API's form (the vat transform's output, or a clean
		// cell): only the check digits are left to check.
		if f := belgianCheckDigits(v, seen); f.failed() {
			return v, f, p.warning
		}
		return v, failure{}, false
	}
	n, f := normaliseVAT(v)
	if f.failed() && !f.isNote() {
		return "", f, false
	}
	if f := checkVATFormat(n, seen); f.failed() {
		return "", f, false
	}
	if f := checkBelgianCheckDigits(n, seen); f.failed() {
		return n, f, p.warning
	}
	return n, f, f.isNote()
}

// checkIDRange checks that whole-number digits fit the API's id.
func checkIDRange(digits, seen string) failure {
	if digits == "0" {
		return failure{kind: KindOutOfRange, msg: fmt.Sprintf("%s is 0; the customer id must be 1 or more. Fix the cell", quoteShort(seen))}
	}
	if len(digits) > 16 || parseDigits(digits) > maxExtCustomerID {
		return failure{kind: KindOutOfRange, msg: fmt.Sprintf("%s is too large for a customer id (at most %d). Check that this is the id column and not, say, a phone or account number", quoteShort(seen), int64(maxExtCustomerID))}
	}
	return failure{}
}

// parseDigits converts at most 18 ASCII digits; callers check the length.
func parseDigits(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

// dropZeroDecimals turns a whole number a spreadsheet wrote with decimals
// ("1000.0", "1000,00") back into its digits. Anything else, including a
// postal code that lost its leading zero ("612"), is left as it is: guessing
// the country's format is not this tool's job.
func dropZeroDecimals(s string) string {
	if isDigits(s) {
		return s // the common case
	}
	i := strings.LastIndexAny(s, ".,")
	if i <= 0 || i == len(s)-1 || !isDigits(s[:i]) || strings.Trim(s[i+1:], "0") != "" {
		return s
	}
	return s[:i]
}

// prefixRunes returns at most n characters of s, for quoting in messages.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
