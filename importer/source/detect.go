package source

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Detection of what the consultant did not spell out in the mapping: where
// the header is, which separator a CSV uses and how its text is encoded.
// Everything here works on a sample and is deterministic, so the same file
// is always read the same way.

// headerCells cleans a candidate header row: cells trimmed, byte order marks
// removed, trailing empty cells (trailing separators) dropped.
func headerCells(cells []string) []string {
	out := make([]string, len(cells))
	last := -1
	for i, c := range cells {
		c = strings.TrimSpace(strings.ReplaceAll(c, "\uFEFF", ""))
		out[i] = c
		if c != "" {
			last = i
		}
	}
	return out[:last+1]
}

// headerChoice is the outcome of the header search in one file or sheet.
type headerChoice struct {
	idx   int  // index in the scanned rows; -1 when no row is usable
	score int  // HeaderScore of that row; 0 without a mapping
	looks bool // the row looks like a header by the heuristics
}

// chooseHeader picks the header among the scanned non-blank rows. With a
// mapping, the first row with the highest score above zero wins: a row that
// holds the mapped column names is the header whatever it looks like.
// Otherwise (or when no row scores) the first row that looks like a header:
// at least two non-empty cells, most of them text rather than numbers, and
// at least half as wide as the widest row, which skips title rows such as
// "Customer list 2024" above it. Failing all that, the first row.
func chooseHeader(rows []scannedRow, score func([]string) int) headerChoice {
	if len(rows) == 0 {
		return headerChoice{idx: -1}
	}
	cands := make([][]string, len(rows))
	widest := 0
	for i, r := range rows {
		cands[i] = headerCells(r.cells)
		widest = max(widest, len(cands[i]))
	}
	if score != nil {
		best := headerChoice{idx: -1}
		for i, c := range cands {
			if s := score(c); s > best.score {
				best = headerChoice{idx: i, score: s}
			}
		}
		if best.idx >= 0 {
			best.looks = looksLikeHeader(cands[best.idx], widest)
			return best
		}
	}
	for i, c := range cands {
		if looksLikeHeader(c, widest) {
			return headerChoice{idx: i, looks: true}
		}
	}
	return headerChoice{idx: 0}
}

// looksLikeHeader is the heuristic of chooseHeader.
func looksLikeHeader(cells []string, widest int) bool {
	filled, text := 0, 0
	for _, c := range cells {
		if c == "" {
			continue
		}
		filled++
		if hasLetter(c) {
			text++
		}
	}
	return filled >= 2 && text*2 > filled && len(cells)*2 >= widest
}

// hasLetter reports whether s holds a letter: "Postcode" does, "1001",
// "31/03/2024" and "12,50" do not.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// delimiterCandidates are the separators a CSV export uses, in order of
// preference when two fit the sample equally well.
var delimiterCandidates = [...]byte{',', ';', '\t', '|'}

// sniffLines is how many non-blank lines of the sample the sniffer weighs.
const sniffLines = 50

// sniffDelimiter picks the separator that splits the sample's lines most
// consistently: for each candidate, count it outside quotes on every line,
// take the most frequent non-zero count, and prefer the candidate for which
// that count holds on the most lines (then the larger count). A `;` file
// whose addresses hold commas still gives `;`: the commas vary from line to
// line, the semicolons do not. complete says the sample is the whole file,
// otherwise its last, maybe cut, line is ignored. It returns ',' when no
// candidate appears at all (a file with a single column).
func sniffDelimiter(sample []byte, complete bool) rune {
	type lineCounts [len(delimiterCandidates)]int
	var (
		lines   []lineCounts
		cur     lineCounts
		inQuote bool
		filled  bool
	)
	for _, c := range sample {
		switch {
		case c == '"':
			inQuote = !inQuote
			filled = true
		case c == '\n' && !inQuote:
			if filled {
				lines = append(lines, cur)
			}
			cur, filled = lineCounts{}, false
		case c == '\r' || c == ' ':
		default:
			filled = true
			if !inQuote {
				if i := bytes.IndexByte(delimiterCandidates[:], c); i >= 0 {
					cur[i]++
				}
			}
		}
		if len(lines) >= sniffLines {
			break
		}
	}
	if complete && filled && len(lines) < sniffLines {
		lines = append(lines, cur)
	}
	best, bestFreq, bestCount := -1, 0, 0
	for i := range delimiterCandidates {
		freq := map[int]int{}
		for _, l := range lines {
			if l[i] > 0 {
				freq[l[i]]++
			}
		}
		modeCount, modeFreq := 0, 0
		for count, f := range freq {
			if f > modeFreq || (f == modeFreq && count > modeCount) {
				modeCount, modeFreq = count, f
			}
		}
		if modeFreq > bestFreq || (modeFreq == bestFreq && modeFreq > 0 && modeCount > bestCount) {
			best, bestFreq, bestCount = i, modeFreq, modeCount
		}
	}
	if best < 0 {
		return ','
	}
	return rune(delimiterCandidates[best])
}

// textEncoding says how the bytes of a CSV file become UTF-8 text.
type textEncoding struct {
	name     string            // for messages: "UTF-8", "Windows-1252", "UTF-16LE"
	enc      encoding.Encoding // nil: UTF-8, read as is (the fast path)
	bomLen   int               // UTF-8 byte order mark to skip on the fast path
	explicit bool              // named in the mapping rather than detected
}

// detectEncoding decides the encoding from a sample of the file's first
// bytes, or from the name the mapping gives. A byte order mark always wins:
// it is written by the program that saved the file, so it is never wrong.
func detectEncoding(sample []byte, name string) (textEncoding, error) {
	if name != "" {
		return namedEncoding(sample, name)
	}
	switch {
	case bytes.HasPrefix(sample, []byte("\xEF\xBB\xBF")):
		return textEncoding{name: "UTF-8", bomLen: 3}, nil
	case bytes.HasPrefix(sample, []byte("\xFF\xFE")):
		return textEncoding{name: "UTF-16LE", enc: xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)}, nil
	case bytes.HasPrefix(sample, []byte("\xFE\xFF")):
		return textEncoding{name: "UTF-16BE", enc: xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM)}, nil
	}
	if e, ok := utf16WithoutBOM(sample); ok {
		return e, nil
	}
	if validUTF8Prefix(sample) {
		return textEncoding{name: "UTF-8"}, nil
	}
	return textEncoding{name: "Windows-1252", enc: charmap.Windows1252}, nil
}

// namedEncoding resolves the encoding the mapping names.
func namedEncoding(sample []byte, name string) (textEncoding, error) {
	enc, err := htmlindex.Get(name)
	if err != nil {
		return textEncoding{}, fmt.Errorf("unknown encoding %q", name)
	}
	canonical, _ := htmlindex.Name(enc)
	if canonical == "utf-8" {
		bom := 0
		if bytes.HasPrefix(sample, []byte("\xEF\xBB\xBF")) {
			bom = 3
		}
		return textEncoding{name: "UTF-8", bomLen: bom, explicit: true}, nil
	}
	return textEncoding{name: displayEncodingName(canonical), enc: enc, explicit: true}, nil
}

// displayEncodingName turns a WHATWG name into the spelling people know.
func displayEncodingName(canonical string) string {
	switch canonical {
	case "windows-1252":
		return "Windows-1252"
	case "utf-16le":
		return "UTF-16LE"
	case "utf-16be":
		return "UTF-16BE"
	}
	return strings.ToUpper(canonical)
}

// utf16WithoutBOM recognises UTF-16 text that lost its byte order mark by
// the zero bytes of its ASCII characters: every other byte is zero.
func utf16WithoutBOM(sample []byte) (textEncoding, bool) {
	n := min(len(sample), 4096) &^ 1
	if n < 16 {
		return textEncoding{}, false
	}
	evenZeros, oddZeros := 0, 0
	for i := 0; i < n; i += 2 {
		if sample[i] == 0 {
			evenZeros++
		}
		if sample[i+1] == 0 {
			oddZeros++
		}
	}
	pairs := n / 2
	switch {
	case oddZeros*10 >= pairs*7 && evenZeros*10 < pairs:
		return textEncoding{name: "UTF-16LE", enc: xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)}, true
	case evenZeros*10 >= pairs*7 && oddZeros*10 < pairs:
		return textEncoding{name: "UTF-16BE", enc: xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)}, true
	}
	return textEncoding{}, false
}

// validUTF8Prefix reports whether sample is valid UTF-8, allowing the
// sample to end in the middle of a character.
func validUTF8Prefix(sample []byte) bool {
	if utf8.Valid(sample) {
		return true
	}
	for cut := 1; cut <= utf8.UTFMax-1 && cut < len(sample); cut++ {
		tail := sample[len(sample)-cut:]
		if utf8.RuneStart(tail[0]) && !utf8.FullRune(tail) {
			return utf8.Valid(sample[:len(sample)-cut])
		}
	}
	return false
}
