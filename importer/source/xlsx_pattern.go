package source

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Number formats that make a whole number look like text.
//
// A postcode 1300 formatted 00000 shows 01300 in Excel; a VAT number
// 417497106 formatted "BE"0000000000 shows BE0417497106. For such cells the
// consultant, the client and the customer know the shown text, not the
// stored number, so it is what we read. A format is read this way (a
// "pattern") only when its first section is made of nothing but digit
// places (0 and #) and literal text: quoted "text", \escaped characters,
// spaces, dashes, brackets, a colour or a locale tag; and when it changes
// what a whole number looks like (a literal, or two or more 0 places).
//
// Everything else reads as stored, as before: a thousands separator (#,##0
// shows 400,145 or 400.145 by locale, and a customer code must stay the
// digits 400145), decimals, percentages, currencies with separators,
// scientific notation, fractions, conditions ([<=9999999]) and formats that
// hide the number behind text. Only whole numbers get the pattern: 1300.6
// in a 00000 column reads 1300.6 (Excel would show 01301, which hides that
// the cell is not a postcode), and a number beyond Excel's 15 significant
// digits reads in Excel's scientific notation, as everywhere else, so a
// mangled id is reported rather than padded.

// numPattern is a format of the kind above, ready to render.
type numPattern struct {
	items    []patternItem
	places   int // digit places: the 0s and #s
	sections int // sections in the whole code (1 to 4)
}

// patternItem is a digit place or a piece of literal text.
type patternItem struct {
	digit bool   // a digit place; otherwise lit is literal text
	zero  bool   // the place is a 0 (shows 0 when there is no digit), not a #
	lit   string // literal text
}

// parsePattern reads code as a pattern, or reports that it is none. It is
// one loop over the format code's characters on purpose: each kind of
// character (quote, backslash, digit place, section separator) changes
// what the next ones mean, and split up the state would pass through every
// helper.
func parsePattern(code string) (numPattern, bool) {
	var (
		p            numPattern
		zeros        int
		hasLiteral   bool
		lit          strings.Builder
		firstSection = true
	)
	flush := func() {
		if lit.Len() > 0 {
			p.items = append(p.items, patternItem{lit: lit.String()})
			lit.Reset()
		}
	}
	p.sections = 1
	for i := 0; i < len(code); {
		c := code[i]
		if !firstSection {
			// Later sections only count: skip their quoted text and escapes.
			switch c {
			case ';':
				p.sections++
			case '"':
				if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
					i += j + 1
				} else {
					return numPattern{}, false
				}
			case '\\':
				i++
			}
			i++
			continue
		}
		switch {
		case c == ';':
			firstSection = false
			p.sections++
			i++
		case c == '0' || c == '#':
			flush()
			p.items = append(p.items, patternItem{digit: true, zero: c == '0'})
			p.places++
			if c == '0' {
				zeros++
			}
			i++
		case c == '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return numPattern{}, false
			}
			lit.WriteString(code[i+1 : i+1+j])
			i += j + 2
		case c == '\\':
			if i+1 >= len(code) {
				return numPattern{}, false
			}
			_, size := utf8.DecodeRuneInString(code[i+1:])
			lit.WriteString(code[i+1 : i+1+size])
			i += 1 + size
		case c == '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return numPattern{}, false
			}
			text, ok := bracketLiteral(code[i+1 : i+1+j])
			if !ok {
				return numPattern{}, false
			}
			lit.WriteString(text)
			i += j + 2
		case strings.IndexByte(" -+()$", c) >= 0:
			lit.WriteByte(c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(code[i:])
			if r == utf8.RuneError {
				return numPattern{}, false
			}
			lit.WriteString(code[i : i+size])
			i += size
		default:
			// . , % E @ * _ ? / : letters, other digits: not a pattern
			return numPattern{}, false
		}
	}
	flush()
	// Spaces around the number change nothing once the value is trimmed
	// (every value is): "0 " is no pattern.
	for len(p.items) > 0 && !p.items[0].digit && strings.TrimSpace(p.items[0].lit) == "" {
		p.items = p.items[1:]
	}
	for n := len(p.items); n > 0 && !p.items[n-1].digit && strings.TrimSpace(p.items[n-1].lit) == ""; n-- {
		p.items = p.items[:n-1]
	}
	hasLiteral = false
	zeroSeen := false
	for i, it := range p.items {
		hasLiteral = hasLiteral || !it.digit
		// Right of a 0 place, Excel shows every place: 0#0 shows 5 as 005.
		if it.digit && zeroSeen {
			p.items[i].zero = true
		}
		zeroSeen = zeroSeen || it.zero
	}
	if p.places == 0 || p.sections > 4 || (!hasLiteral && zeros < 2) {
		return numPattern{}, false
	}
	return p, true
}

// bracketLiteral reads the inside of a [bracket] in a pattern: a colour
// ([Red], [Color12]) shows nothing, a currency or locale tag ([$€-813],
// [$-813]) shows its symbol. Anything else (conditions, elapsed times) is
// not part of a pattern.
func bracketLiteral(in string) (string, bool) {
	if strings.HasPrefix(in, "$") {
		symbol, _, _ := strings.Cut(in[1:], "-")
		return symbol, true
	}
	low := strings.ToLower(in)
	switch low {
	case "black", "blue", "cyan", "green", "magenta", "red", "white", "yellow":
		return "", true
	}
	if n, ok := strings.CutPrefix(low, "color"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		return "", true
	}
	return "", false
}

// render shows a number as the pattern does. num is the number as excelize
// prints it with the marker format: "1300.000000", with neg for a minus
// sign in front.
func (p numPattern) render(neg bool, num string) string {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return signed(neg, num)
	}
	intPart, frac, _ := strings.Cut(num, ".")
	digits := strings.TrimLeft(intPart, "0")
	whole := strings.Trim(frac, "0") == "" && strings.Trim(intPart, "0123456789") == ""
	switch {
	case len(digits) > 15:
		// beyond Excel's precision: Excel's notation, as for any number
		return signed(neg, strconv.FormatFloat(f, 'G', 15, 64))
	case !whole:
		return signed(neg, storedNumber(f))
	case neg && p.sections > 1, digits == "" && p.sections > 2:
		// a section of its own for negatives or zero: as stored
		return signed(neg, storedNumber(f))
	}
	return signed(neg && digits != "", p.fill(digits))
}

// fill puts the digits of a whole number into the places, from the right:
// the leftmost place takes every digit the format has no place for, a 0
// place with no digit left shows 0, a # place shows nothing; literal text
// stays where it is.
func (p numPattern) fill(digits string) string {
	var b strings.Builder
	extra := len(digits) - p.places // digits beyond the places, for the leftmost
	place := 0
	for _, it := range p.items {
		if !it.digit {
			b.WriteString(it.lit)
			continue
		}
		fromRight := p.places - place // 1 for the last place
		place++
		switch {
		case place == 1 && extra > 0:
			b.WriteString(digits[:extra+1])
		case fromRight <= len(digits):
			b.WriteByte(digits[len(digits)-fromRight])
		case it.zero:
			b.WriteByte('0')
		}
	}
	return b.String()
}

// storedNumber prints a number as excelize prints an unformatted one: as
// is, or in Excel's notation beyond 15 significant digits.
func storedNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if significantDigits(s) > 15 {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return s
}

// significantDigits counts the digits of a plain decimal number without
// its leading and trailing zeros.
func significantDigits(s string) int {
	d := strings.TrimLeft(strings.Replace(strings.TrimLeft(s, "-"), ".", "", 1), "0")
	if strings.Contains(s, ".") {
		return len(d)
	}
	return len(strings.TrimRight(d, "0"))
}

func signed(neg bool, s string) string {
	if neg {
		return "-" + s
	}
	return s
}
