package source

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// How XLSX cells become text.
//
// A cell stores a number and a style; the style's number format decides
// whether 45382 reads "45382" or "31/03/2024". We want the stored value for
// numbers (1001, never "1,001.00" or "1.001E+3"), ISO text for dates, and
// the shown text for the few formats that make a whole number look like
// text (a postcode 01300, a VAT number BE0417497106: see xlsx_pattern.go).
// excelize's streaming iterator (Rows/Columns) parses each cell's style id
// but does not return it, and GetCellStyle loads the whole sheet into
// memory, which defeats streaming. So the cheapest correct way is to decide
// once per style, before reading any row, what excelize should print, by
// pointing each style (in memory only; the file is never saved) at another
// number format:
//
//   - styles that show a number, text, percentage, currency... point at a
//     format id that does not exist, so excelize prints the value as
//     stored. Numbers still go through excelize's rounding to 15
//     significant digits (what Excel shows): "1000.9999999999999" reads
//     "1001", "0.30000000000000004" reads "0.3", 1001 reads "1001". A
//     number of more than 15 significant digits, which Excel itself cannot
//     hold, keeps the scientific notation Excel shows (9.00719925474099E+15),
//     so a mangled id is reported rather than silently changed.
//   - styles that show a date (or a time of day) point at `"\x01"0.000000`
//     (`"\x02"0.000000`): excelize prints the day serial behind a marker
//     that no cell text can hold, and serialCell turns it into
//     "2024-03-31", "2024-03-31T14:05:00" or "14:05:00" itself, for the
//     1900 and 1904 date systems. Letting excelize print the date with a
//     date format would be simpler but costs about 17 µs a cell against
//     about 4 µs for this one (BenchmarkXLSXSource).
//   - styles whose format is a pattern (00000, "BE"0000000000) point at
//     `"\x03k\x03"0.000000`, k numbering the pattern: serialCell reads the
//     number behind the marker and numPattern.render shows it. excelize
//     could print the pattern itself, but then a cell that is not a whole
//     number could no longer be read as stored.
//
// Text cells are never touched (a postcode "0612" stays "0612"), rich text
// comes out as its plain text, booleans as TRUE/FALSE, errors such as #N/A
// as written. The cost is a few map lookups per styled cell plus one small
// format per date cell.

// Markers in front of the serial of a date or time cell. XML 1.0 cannot
// hold these control characters, so no text cell starts with them.
const (
	dateMarker    = '\x01'
	timeMarker    = '\x02'
	patternMarker = '\x03' // then the pattern's number, '\x03' again, the value
)

// numFmtKind is what a number format shows.
type numFmtKind int

const (
	kindNumber  numFmtKind = iota // numbers, text, anything but dates and times
	kindDate                      // a date, maybe with a time
	kindTime                      // a time of day only
	kindPattern                   // a whole number shown as text: see xlsx_pattern.go
)

// serialStyles is what markDateStyles found, for serialCell.
type serialStyles struct {
	date1904 bool
	patterns []numPattern // by the k of their marker
}

// markDateStyles points every cell style at a format as explained above.
// It walks excelize's style list once, deciding per style; the decisions
// are in numFmtKindOf and parsePattern, this is the walk.
// It never fails the read: a workbook whose styles excelize cannot extend
// is read with every cell unformatted (dates then read as day numbers).
func markDateStyles(f *excelize.File) (st serialStyles) {
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		st.date1904 = *p.Date1904
	}
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return st // no styles: every cell prints unformatted already
	}
	custom := map[int]string{}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	n := len(ss.CellXfs.Xf)
	kinds, fmtIDs := make([]numFmtKind, n), make([]int, n)
	kindOf := map[int]numFmtKind{} // styles share a few formats
	anySerial := false
	for i, xf := range ss.CellXfs.Xf {
		if xf.NumFmtID != nil {
			fmtIDs[i] = *xf.NumFmtID
		}
		k, ok := kindOf[fmtIDs[i]]
		if !ok {
			k = numFmtKindOf(fmtIDs[i], custom)
			kindOf[fmtIDs[i]] = k
		}
		kinds[i] = k
		anySerial = anySerial || kinds[i] == kindDate || kinds[i] == kindTime
	}
	var dateID, timeID int
	if anySerial {
		var ok bool
		if dateID, ok = newNumFmtID(f, "\"\x01\"0.000000"); !ok {
			anySerial = false
		} else if timeID, ok = newNumFmtID(f, "\"\x02\"0.000000"); !ok {
			anySerial = false
		}
	}
	patternIDs := markPatterns(f, fmtIDs, kinds, custom, &st)
	plain := unusedNumFmtID(f)
	for i := range n {
		xf := &ss.CellXfs.Xf[i]
		switch {
		case anySerial && kinds[i] == kindDate:
			xf.NumFmtID = &dateID
		case anySerial && kinds[i] == kindTime:
			xf.NumFmtID = &timeID
		case patternIDs[i] != nil:
			xf.NumFmtID = patternIDs[i]
		default:
			xf.NumFmtID = &plain
		}
	}
	return st
}

// maxPatterns bounds the patterns that get a marker: a workbook has a few,
// and each marker costs excelize a search through every style.
const maxPatterns = 64

// markPatterns gives every distinct pattern among the styles (given by
// their format ids and kinds) a marker format and returns, by style, the
// marker's format id (nil: no pattern). A pattern whose marker cannot be
// added, or beyond the first maxPatterns, reads as stored.
func markPatterns(f *excelize.File, fmtIDs []int, kinds []numFmtKind, custom map[int]string, st *serialStyles) []*int {
	ids := make([]*int, len(fmtIDs))
	byCode := map[string]*int{}
	for i, fmtID := range fmtIDs {
		if kinds[i] != kindPattern {
			continue
		}
		code := custom[fmtID]
		if id, ok := byCode[code]; ok {
			ids[i] = id
			continue
		}
		p, _ := parsePattern(code)
		marker := "\"\x03" + strconv.Itoa(len(st.patterns)) + "\x03\"0.000000"
		var id *int
		if len(st.patterns) < maxPatterns {
			if n, ok := newNumFmtID(f, marker); ok {
				id = &n
				st.patterns = append(st.patterns, p)
			}
		}
		byCode[code], ids[i] = id, id
	}
	return ids
}

// unusedNumFmtID returns a number format id that is neither built in nor
// defined by the workbook, so excelize applies no format at all. Custom ids
// start at 164; built-in and language ids stay below 82.
func unusedNumFmtID(f *excelize.File) int {
	taken := map[int]bool{}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			if nf != nil {
				taken[nf.NumFmtID] = true
			}
		}
	}
	id := 1 << 20
	for taken[id] {
		id++
	}
	return id
}

// newNumFmtID adds a custom number format to the workbook in memory and
// returns its id.
func newNumFmtID(f *excelize.File, code string) (id int, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil || style < 0 || style >= len(f.Styles.CellXfs.Xf) || f.Styles.CellXfs.Xf[style].NumFmtID == nil {
		return 0, false
	}
	return *f.Styles.CellXfs.Xf[style].NumFmtID, true
}

// numFmtKindOf tells what number format id shows. Elapsed-time formats
// ([h]:mm) show durations and stay numbers.
func numFmtKindOf(id int, custom map[int]string) numFmtKind {
	if code, ok := custom[id]; ok {
		if k := formatCodeKind(code); k != kindNumber {
			return k
		}
		if _, ok := parsePattern(code); ok {
			return kindPattern
		}
		return kindNumber
	}
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 58:
		return kindDate // incl. the East Asian date formats
	case id >= 18 && id <= 21, id == 45, id == 47, id >= 32 && id <= 35:
		return kindTime
	}
	return kindNumber
}

// formatCodeKind reads a custom number format code such as "dd/mm/yyyy",
// `[$-813]d mmmm yyyy;@` or "hh:mm". Only the first section counts, and
// only outside quoted text, escapes and [brackets]: a day or year
// placeholder (or a month without hours or seconds) makes a date; hours or
// seconds alone make a time. An [h], [m] or [s] makes an elapsed time,
// which is a duration, not a date.
func formatCodeKind(code string) numFmtKind {
	var letters strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case ';':
			i = len(code) // first section only
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // escaped, padding or fill character
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return kindNumber
			}
			inside := strings.ToLower(code[i+1 : i+1+j])
			if inside != "" && strings.Trim(inside, "hms") == "" {
				return kindNumber
			}
			i += j + 1
		default:
			if n := skipWord(code[i:]); n > 0 {
				i += n - 1
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			letters.WriteByte(c)
		}
	}
	l := letters.String()
	clock := strings.ContainsAny(l, "hs")
	switch {
	case strings.ContainsAny(l, "dy"), strings.Contains(l, "m") && !clock:
		return kindDate
	case clock:
		return kindTime
	}
	return kindNumber
}

// skipWord returns the length of the AM/PM marker or "General" word s
// starts with, or 0: their letters are no date placeholders.
func skipWord(s string) int {
	for _, w := range [...]string{"am/pm", "a/p", "general"} {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			return len(w)
		}
	}
	return 0
}

// Day 0 of Excel's two date systems. The 1900 system counts a 29 February
// 1900 that never was (serial 60), so later serials start a day earlier.
var (
	excelEpoch1900 = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// maxExcelSerial is 9999-12-31, the last date Excel shows.
const maxExcelSerial = 2958465

// serialCell turns a marked date or time cell into ISO 8601 text:
// "2024-03-31", "2024-03-31T14:05:00", or "14:05:00" for a time of day
// (and for a date cell below 1, which Excel shows as day 0). Values no
// date can have (negative, past 9999) come back as plain numbers. A cell
// marked with a pattern is shown by it. Cells that are not marked are
// returned unchanged, at the cost of two byte comparisons.
func (st serialStyles) serialCell(v string) string {
	body, neg := v, false
	if len(body) > 1 && body[0] == '-' {
		body, neg = body[1:], true
	}
	if body == "" || (body[0] != dateMarker && body[0] != timeMarker && body[0] != patternMarker) {
		return v
	}
	marker := body[0]
	if marker == patternMarker {
		return st.patternCell(neg, body[1:])
	}
	serial, err := strconv.ParseFloat(body[1:], 64)
	if err != nil {
		return body[1:]
	}
	if neg || serial >= maxExcelSerial+1 {
		if neg {
			serial = -serial
		}
		return strconv.FormatFloat(serial, 'f', -1, 64)
	}
	days := math.Floor(serial)
	secs := math.Round((serial - days) * 86400)
	if secs >= 86400 {
		days, secs = days+1, 0
	}
	clock := time.Duration(secs) * time.Second
	if marker == timeMarker || days == 0 {
		return time.Time{}.Add(clock).Format("15:04:05")
	}
	var t time.Time
	switch {
	case st.date1904:
		t = excelEpoch1904.AddDate(0, 0, int(days))
	case days == 60:
		return withClock("1900-02-29", clock) // Excel's phantom leap day
	case days < 60:
		t = excelEpoch1900.AddDate(0, 0, int(days))
	default:
		t = excelEpoch1900.AddDate(0, 0, int(days)-1)
	}
	if t.Year() > 9999 {
		return strconv.FormatFloat(serial, 'f', -1, 64)
	}
	return withClock(t.Format("2006-01-02"), clock)
}

// patternCell shows "k\x03number", the rest of a pattern-marked cell, with
// pattern k.
func (st serialStyles) patternCell(neg bool, rest string) string {
	k, num, ok := strings.Cut(rest, string(patternMarker))
	i, err := strconv.Atoi(k)
	if !ok || err != nil || i < 0 || i >= len(st.patterns) {
		return signed(neg, rest)
	}
	return st.patterns[i].render(neg, num)
}

// withClock appends the time of day to an ISO date unless it is midnight.
func withClock(date string, clock time.Duration) string {
	if clock == 0 {
		return date
	}
	return date + "T" + time.Time{}.Add(clock).Format("15:04:05")
}
