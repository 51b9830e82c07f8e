package formula

// A spreadsheet opening a CSV runs any cell that starts with = + - @ (and,
// in some programs, tab or carriage return) as a formula. Result files carry
// text from the client's export and from the API's error messages, so a cell
// such as `=HYPERLINK(...)` must reach the consultant as text. The usual
// defence is a leading apostrophe, which spreadsheets treat as "this is
// text". The CSV writer adds it and the CSV source removes it again, so a
// failed-rows file fed back to `run` holds exactly the client's values.

// Prefix is the quote our writer puts in front of a risky cell.
const Prefix = '\''

// IsTrigger reports whether a cell starting with c would be run as a
// formula.
func IsTrigger(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Guard returns s so that a spreadsheet shows it as text rather
// than running it: a leading = + - @ TAB or CR gets a `'` in front. Plain
// signed numbers such as "-12.5" or "+32" are left alone because no
// spreadsheet runs them and a visible quote would only confuse the reader.
// Restore undoes it.
func Guard(s string) string {
	if !NeedsGuard(s) {
		return s
	}
	return string(Prefix) + s
}

// NeedsGuard is Guard's test, apart so the CSV writer can
// write the prefix without building a new string. A value that already
// starts with quotes before a trigger ("'=x") gets one more, so that
// Restore gives back exactly the original.
func NeedsGuard(s string) bool {
	t := trimQuotes(s)
	if t == "" || !IsTrigger(t[0]) {
		return false
	}
	return len(t) < len(s) || !isSignedNumber(s)
}

// trimQuotes drops the leading formula prefixes of s.
func trimQuotes(s string) string {
	for len(s) > 0 && s[0] == Prefix {
		s = s[1:]
	}
	return s
}

// isSignedNumber reports whether s is a sign followed by a plain decimal
// number ("-12", "+3.5", "-0,25"): a value no spreadsheet executes.
func isSignedNumber(s string) bool {
	if len(s) < 2 || (s[0] != '-' && s[0] != '+') {
		return false
	}
	digits, seps := 0, 0
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ',':
			seps++
			if seps > 1 || digits == 0 {
				return false
			}
		default:
			return false
		}
	}
	return digits > 0 && s[len(s)-1] != '.' && s[len(s)-1] != ','
}

// Restore removes the quote Guard added: a value made of
// one or more `'` followed by = + - @ TAB or CR loses its first `'`. Other
// values, and a lone `'`, come back unchanged, so Restore(
// Guard(s)) == s for every s. It never allocates.
func Restore(s string) string {
	if len(s) < 2 || s[0] != Prefix {
		return s
	}
	if t := trimQuotes(s); t != "" && IsTrigger(t[0]) {
		return s[1:]
	}
	return s
}
