package pagereport

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

// Bounds that keep the page's memory and length the same whatever the
// migration's size.
const (
	maxGroups       = 200  // distinct kinds of problem kept; the rest are counted together
	shownGroups     = 25   // kinds listed on the page
	maxExamples     = 3    // example rows per kind
	maxPatternRunes = 300  // a kind's text is cut here
	maxExampleRunes = 400  // an example's error is cut here
	maxScanBytes    = 4096 // only the start of an error is read to find its kind
)

var (
	// A cell reference after a column name: "BTW-nummer (D9):".
	cellRef = regexp.MustCompile(` \([A-Z]{1,3}[0-9]+\):`)
	quoted  = regexp.MustCompile(`"[^"]*"`)
	digits  = regexp.MustCompile(`[0-9]+`)
)

// pattern is an error with what belongs to one row taken out (its cell,
// quoted values, numbers), so rows with the same problem read the same.
func pattern(msg string) string {
	if msg == "" {
		return "(no message)"
	}
	if len(msg) > maxScanBytes {
		msg = strings.ToValidUTF8(msg[:maxScanBytes], "")
	}
	s := cellRef.ReplaceAllString(msg, ":")
	s = quoted.ReplaceAllString(s, `"…"`)
	s = digits.ReplaceAllString(s, "#")
	return cut(s, maxPatternRunes)
}

// cut shortens s to n characters, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// grouper counts the open rows of a migration by kind of problem, keeping
// a few example rows of each.
type grouper struct {
	byKey map[string]*Group
	more  Group
}

func newGrouper() *grouper { return &grouper{byKey: map[string]*Group{}} }

func (g *grouper) add(e ledger.Entry, where string) {
	p := pattern(e.Error)
	key := string(e.Status) + "\x00" + e.ErrorCode + "\x00" + p
	grp := g.byKey[key]
	if grp == nil {
		if len(g.byKey) >= maxGroups {
			g.more.Count++
			return
		}
		grp = &Group{Status: e.Status, Code: e.ErrorCode, HTTP: e.HTTPStatus, Pattern: p}
		g.byKey[key] = grp
	}
	grp.Count++
	if len(grp.Examples) < maxExamples {
		grp.Examples = append(grp.Examples, Example{Where: where, Text: cut(e.Error, maxExampleRunes)})
	}
}

// result is the most frequent kinds, and the rest counted together.
func (g *grouper) result() ([]Group, Group) {
	all := make([]Group, 0, len(g.byKey))
	for _, grp := range g.byKey {
		all = append(all, *grp)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Status != b.Status {
			return statusRank(a.Status) < statusRank(b.Status)
		}
		return a.Code+a.Pattern < b.Code+b.Pattern
	})
	more := g.more
	if len(all) > shownGroups {
		for _, grp := range all[shownGroups:] {
			more.Count += grp.Count
		}
		all = all[:shownGroups]
	}
	return all, more
}

// statusOrder is the order statuses are listed in, most wanted first, as
// the command's summary lists them.
var statusOrder = []row.Status{
	row.StatusCreated, row.StatusSkipped, row.StatusValid, row.StatusInvalid, row.StatusDuplicate,
	row.StatusRejected, row.StatusConflict, row.StatusInDoubt, row.StatusFailed, row.StatusNotAttempted,
}

func statusRank(s row.Status) int {
	for i, st := range statusOrder {
		if st == s {
			return i
		}
	}
	return len(statusOrder)
}
