package mapping

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// appendKey appends the matching key of s to dst: its letters and digits
// only, lower-cased, with accents and compatibility forms folded (é -> e,
// º -> o). Headers, country names and synonyms are compared through keys so
// that "Numéro TVA", "numero tva" and "N°-TVA" meet. It allocates only when
// dst is too small, so the hot path can pass a stack buffer.
func appendKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				dst = append(dst, c)
			case 'A' <= c && c <= 'Z':
				dst = append(dst, c+'a'-'A')
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			i++
			continue
		}
		if d := norm.NFKD.PropertiesString(s[i:]).Decomposition(); len(d) > 0 {
			for len(d) > 0 {
				dr, n := utf8.DecodeRune(d)
				dst = appendKeyRune(dst, dr)
				d = d[n:]
			}
		} else {
			dst = appendKeyRune(dst, r)
		}
		i += size
	}
	return dst
}

func appendKeyRune(dst []byte, r rune) []byte {
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return dst // punctuation, spaces and combining accents
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// headerKey is the matching key of a header cell (see appendKey).
func headerKey(s string) string {
	var buf [64]byte
	return string(appendKey(buf[:0], s))
}

// trimSpace removes surrounding white space, including the non-breaking
// spaces spreadsheets like and a stray byte-order mark glued to a header.
func trimSpace(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "\ufeff") {
		s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	}
	return s
}

// isResultColumn reports whether a header is one of owr-import's own result
// columns (owr_status, owr_error, ...). A failed-rows file is fed back as
// input, so those columns must never be taken for client data.
func isResultColumn(h string) bool {
	h = trimSpace(h)
	return len(h) >= 4 && strings.EqualFold(h[:4], "owr_")
}

// editDistance is the Levenshtein distance between two strings, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// closest returns up to limit candidates that look like target, best first:
// equal keys, then small edit distances on the keys, then keys that contain
// one another ("btw" and "BTW-nummer"). Candidates keep their spelling.
func closest(target string, candidates []string, limit int) []string {
	tk := headerKey(target)
	if tk == "" {
		tk = strings.ToLower(trimSpace(target))
	}
	type scored struct {
		name  string
		score int
		order int
	}
	var found []scored
	seen := make(map[string]bool)
	for i, c := range candidates {
		if seen[c] || trimSpace(c) == "" {
			continue
		}
		seen[c] = true
		ck := headerKey(c)
		if ck == "" {
			ck = strings.ToLower(trimSpace(c))
		}
		d := editDistance(tk, ck)
		allowed := max(2, utf8.RuneCountInString(tk)/3)
		switch {
		case d <= allowed:
			found = append(found, scored{c, d, i})
		case len(tk) >= 3 && len(ck) >= 3 && (strings.Contains(ck, tk) || strings.Contains(tk, ck)):
			found = append(found, scored{c, allowed + 1, i})
		default:
			// An abbreviation: "Klantnr" for "Klantnummer".
			shorter := min(len(tk), len(ck))
			if p := commonPrefix(tk, ck); p >= 4 && 2*p >= shorter {
				found = append(found, scored{c, allowed + 2 + shorter - p, i})
			}
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].score != found[j].score {
			return found[i].score < found[j].score
		}
		return found[i].order < found[j].order
	})
	out := make([]string, 0, limit)
	for _, f := range found {
		if len(out) == limit {
			break
		}
		out = append(out, f.name)
	}
	return out
}

// commonPrefix is the length in bytes of the common prefix of a and b.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// Closest returns up to limit candidates that look like target, best first.
// It is the one "did you mean" of the tool: the command line uses it for
// mistyped flag names, as this package does for headers and transforms.
func Closest(target string, candidates []string, limit int) []string {
	return closest(target, candidates, limit)
}
