package mapping

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// integerTransform turns the ways a spreadsheet writes a whole number into
// plain digits: "1001", "1001.0", "1001,00", " 1 001 ", "'1001" (Excel's
// text prefix), "1.001", "1.234.567", "1.234,00" -> "1001" / "1234567" /
// "1234". Anything that is not exactly a
// whole number ("1001.5", "10a1", "1e3", "-4") is a problem, never rounded:
// an id that is silently changed is worse than a row that is refused.
func integerTransform(s string) (string, failure) {
	if isDigits(s) && (len(s) == 1 || s[0] != '0') {
		return s, failure{} // the common case: already plain, allocation-free
	}
	if s == "" {
		return "", failure{}
	}
	var buf [40]byte
	clean := buf[:0]
	// Drop the grouping spaces of "1 001" (also the non-breaking and thin
	// spaces French number formats use) but nothing else.
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009', '\'':
		default:
			if r >= utf8.RuneSelf || len(clean) >= len(buf) {
				return "", notWhole(s, "")
			}
			clean = append(clean, byte(r))
		}
		i += size
	}
	c := string(clean)
	switch {
	case strings.HasPrefix(c, "-"):
		return "", failure{kind: KindNotInteger, msg: fmt.Sprintf("%s is negative; a whole number of 1 or more is needed. Fix the cell", quoteShort(s))}
	case looksScientific(c):
		return "", failure{kind: KindNotInteger, msg: fmt.Sprintf("%s is a number in scientific notation, which may have lost digits. In the spreadsheet, format the column as a number without decimals (or as text) and export it again", quoteShort(s))}
	}
	intPart, frac, ok := splitNumber(c)
	if !ok {
		return "", notWhole(s, "")
	}
	if frac == "ambiguous" {
		return "", notWhole(s, "; it could be read with a thousands separator or with decimals")
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] != '0' {
			return "", notWhole(s, "; it has decimals")
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	return intPart, failure{}
}

func notWhole(s, why string) failure {
	return failure{kind: KindNotInteger, msg: fmt.Sprintf("%s is not a whole number%s. Write it with digits only, such as 1001", quoteShort(s), why)}
}

// looksScientific reports whether c reads as mantissa e exponent: "1e3",
// "1.001E+3", "4,17E8".
func looksScientific(c string) bool {
	i := strings.IndexAny(c, "eE")
	if i <= 0 || i == len(c)-1 {
		return false
	}
	digits := 0
	for j := 0; j < i; j++ {
		switch ch := c[j]; {
		case '0' <= ch && ch <= '9':
			digits++
		case ch != '.' && ch != ',':
			return false
		}
	}
	exp := c[i+1:]
	if exp[0] == '+' || exp[0] == '-' {
		exp = exp[1:]
	}
	return digits > 0 && isDigits(exp)
}

// splitNumber splits a number written with '.' and ',' into its integer
// digits and its fraction digits. Repeated separators are thousands groups
// ("1.234.567"); when both kinds appear the last one is the decimal mark
// ("1.234,00", "1,234.00"). A single '.' followed by exactly three digits
// after one to three digits ("400.148") groups thousands, as Belgian
// spreadsheets write them: read as decimals it would not be a whole number
// at all. A single ',' there ("12,500") groups thousands in English and
// marks decimals in Belgium, so it is reported as the fraction
// "ambiguous". ok is false when c is not shaped like a number at all.
func splitNumber(c string) (intPart, frac string, ok bool) {
	dots, commas := strings.Count(c, "."), strings.Count(c, ",")
	switch {
	case dots == 0 && commas == 0:
		return c, "", isDigits(c)
	case dots > 0 && commas > 0:
		last := strings.LastIndexAny(c, ".,")
		group, mark := byte('.'), byte(',')
		if c[last] == '.' {
			group, mark = ',', '.'
		}
		if strings.Count(c, string(mark)) != 1 {
			return "", "", false
		}
		intPart, ok = ungroup(c[:last], group)
		frac = c[last+1:]
		return intPart, frac, ok && isDigits(frac)
	}
	sep := byte('.')
	if commas > 0 {
		sep = ','
	}
	if strings.Count(c, string(sep)) > 1 {
		intPart, ok = ungroup(c, sep)
		return intPart, "", ok
	}
	i := strings.IndexByte(c, sep)
	intPart, frac = c[:i], c[i+1:]
	if !isDigits(intPart) || !isDigits(frac) {
		return "", "", false
	}
	if len(frac) == 3 && len(intPart) <= 3 && intPart != "0" {
		if sep == '.' {
			return intPart + frac, "", true
		}
		return intPart, "ambiguous", true
	}
	return intPart, frac, true
}

// ungroup removes thousands separators, checking that every group after the
// first has exactly three digits.
func ungroup(c string, sep byte) (string, bool) {
	groups := strings.Split(c, string(sep))
	if len(groups[0]) < 1 || len(groups[0]) > 3 || !isDigits(groups[0]) {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !isDigits(g) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}
