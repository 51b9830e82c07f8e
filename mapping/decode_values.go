package mapping

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// valueSpec is one entry of a field's values: block: a text of the
// source column and what to send for it, a constant or nothing.
type valueSpec struct {
	text     string // the source value as written, trimmed
	pos      pos    // of text
	value    string // the constant sent instead, when hasValue
	hasValue bool
	invalid  string // otherwise the reason the row is invalid
	at       pos    // of the value or the reason
}

// valueKeys are the keys of one entry of values:.
var valueKeys = []string{"value", "invalid"}

// values decodes a field's values: block,
//
//	values:
//	  Particulier: { invalid: "private customer without a VAT number" }
//	  "n/a": { value: BE0417497106 }
//
// into fs.values. A text may be written once, whatever its case.
func (d *decoder) values(fs *fieldSpec, n ast.Node, vp pos) bool {
	name := fieldNames[fs.id]
	entries, ok := asMapping(n)
	if !ok {
		if _, isNull, isScalar := scalarText(n); isScalar && isNull {
			d.errs.add(vp, fmt.Sprintf("values of %s is empty", name), valuesHint)
			return false
		}
		if m, isMap := n.(*ast.MappingNode); isMap && len(m.Values) == 0 {
			d.errs.add(vp, fmt.Sprintf("values of %s is empty", name), valuesHint)
			return false
		}
		d.errs.add(vp, fmt.Sprintf("values of %s should be a block of cell texts, found %s", name, describe(n)), valuesHint)
		return false
	}
	if len(entries) == 0 {
		d.errs.add(vp, fmt.Sprintf("values of %s is empty", name), valuesHint)
		return false
	}
	good := true
	seen := make(map[string]pos)    // texts as written, for d.key
	matched := make(map[string]int) // folded texts, to fs.values
	for _, mv := range entries {
		text, kp, ok := d.valueText(mv, seen)
		if ok {
			text, ok = d.oneLine(text, kp, "a text in values of "+name)
		}
		if !ok {
			good = false
			continue
		}
		key := foldKey(text)
		if i, dup := matched[key]; dup {
			first := fs.values[i]
			d.errs.add(kp, fmt.Sprintf("%s matches the same cells as %s (line %d): texts match whatever their case", quoteShort(text), quoteShort(first.text), first.pos.line), "Keep one of the two lines.")
			good = false
			continue
		}
		v, ok := d.valueEntry(name, text, kp, mv.Value)
		if !ok {
			good = false
			continue
		}
		matched[key] = len(fs.values)
		fs.values = append(fs.values, v)
	}
	return good
}

// valuesHint shows the form of values:.
const valuesHint = `Write one line per cell text, e.g. values: { Particulier: { invalid: "private customer" }, "n/a": { value: BE0417497106 } }.`

// valueText reads the key of one entry of values:, the text of a cell.
// A key YAML reads as null (null, ~) is the text written, like numbers
// and booleans; an empty one is refused, since empty cells take the
// field's default.
func (d *decoder) valueText(mv *ast.MappingValueNode, seen map[string]pos) (string, pos, bool) {
	kp := posOf(mv.Key)
	if nn, isNull := mv.Key.(*ast.NullNode); isNull {
		if tk := nn.GetToken(); tk != nil && trimSpace(tk.Value) != "" {
			text := trimSpace(tk.Value)
			if first, dup := seen[text]; dup {
				d.errs.add(kp, fmt.Sprintf("%s appears twice in the same block (first on line %d)", quoteShort(text), first.line), "Keep one of the two lines.")
				return "", kp, false
			}
			seen[text] = kp
			return text, kp, true
		}
	}
	if text, isNull, ok := scalarText(mv.Key); ok && !isNull && text == "" {
		d.errs.add(kp, "values: cannot match an empty cell", "An empty cell takes the field's default: write default: ... next to column.")
		return "", kp, false
	}
	return d.key(mv, seen)
}

// valueEntry decodes what one cell text maps to: { value: X } or
// { invalid: "reason" }.
func (d *decoder) valueEntry(name, text string, kp pos, n ast.Node) (valueSpec, bool) {
	v := valueSpec{text: text, pos: kp}
	form := fmt.Sprintf("%s should be { value: ... } or { invalid: ... }", quoteShort(text))
	entries, ok := asMapping(n)
	if !ok || len(entries) == 0 {
		p := posOf(n)
		if p.line == 0 {
			p = kp
		}
		d.errs.add(p, fmt.Sprintf("in values of %s, %s, found %s", name, form, describeValue(n)), `value sends a constant instead of the cell; invalid refuses the row with your reason, e.g. { invalid: "private customer" }.`)
		return v, false
	}
	good, hasInvalid := true, false
	seen := make(map[string]pos)
	for _, mv := range entries {
		key, kp, ok := d.key(mv, seen)
		if !ok {
			good = false
			continue
		}
		vp := posOf(mv.Value)
		if vp.line == 0 {
			vp = kp
		}
		got, isNull, isScalar := scalarText(mv.Value)
		switch {
		case key != "value" && key != "invalid":
			d.errs.add(kp, fmt.Sprintf("unknown key %s in values of %s", quoteShort(key), name), joinHint(suggest(key, valueKeys), form+"."))
			good = false
		case !isScalar || isNull || got == "":
			what := "value needs the constant to send"
			if key == "invalid" {
				what = "invalid needs a reason, the message the row gets"
			}
			d.errs.add(vp, fmt.Sprintf("in values of %s, %s, found %s", name, what, describeValue(mv.Value)), form+".")
			good = false
		case key == "value":
			v.value, v.hasValue, v.at = got, true, vp // checked with the field's constants
		default:
			if v.invalid, ok = d.oneLine(got, vp, "the reason in values of "+name); !ok {
				good = false
			}
			hasInvalid, v.at = true, vp
		}
	}
	switch {
	case v.hasValue && hasInvalid:
		d.errs.add(kp, fmt.Sprintf("in values of %s, %s has both a value and invalid", name, quoteShort(text)), "Keep value to send a constant for this text, or invalid to refuse the row.")
		return v, false
	case !v.hasValue && !hasInvalid && good:
		d.errs.add(kp, fmt.Sprintf("in values of %s, %s", name, form), `For example: { invalid: "private customer" }.`)
		return v, false
	}
	return v, good
}

// oneLine is cleanLine for a text of the mapping file that becomes part
// of what is sent or shown (what names it): its line breaks become
// spaces, and a control character is an error at p.
func (d *decoder) oneLine(text string, p pos, what string) (string, bool) {
	clean, f := cleanLine(text)
	if f.failed() {
		d.errs.add(p, fmt.Sprintf("%s cannot be used: %s", what, f.msg), "Write it again without the invisible character.")
		return "", false
	}
	return clean, true
}

// foldKey is the form in which cell texts and the texts of values: are
// compared: case-folded as strings.EqualFold folds (every character
// replaced by the smallest of the characters it equals whatever the
// case), so that the map finds what EqualFold would call equal.
func foldKey(s string) string {
	var buf [64]byte
	return string(appendFold(buf[:0], s))
}

// appendFold appends the folded form of s to dst (see foldKey). ASCII
// letters fold to upper case: the smallest of k, K and the Kelvin sign is
// K, of s, S and the long s it is S.
func appendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, smallestFold(r))
		i += size
	}
	return dst
}

// smallestFold is the smallest character equal to r whatever the case.
func smallestFold(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// quoteShort quotes text from the mapping or a cell for a message:
// escaped like a Go string, so control characters and terminal escapes
// never reach the consultant's screen, and cut after 60 characters.
func quoteShort(s string) string {
	return fmt.Sprintf("%q", prefixRunes(s, 60))
}
