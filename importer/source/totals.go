package source

import (
	"slices"
	"strings"
	"unicode"
)

// totalsWords are the words a totals line under an export's last customer
// starts with, in the languages of Belgian exports: "Totaal: 42 relaties",
// "Total : 3 clients", "Aantal klanten: 42", "Nombre de clients".
var totalsWords = []string{"total", "totaal", "totalen", "totaux", "totals", "som", "somme", "sum", "aantal", "nombre", "count"}

// isTotalsRow reports whether a row looks like a totals line rather than a
// customer: its first filled cell starts with one of totalsWords as a whole
// word, and at most half of the row's cells are filled. The word is looked
// at first: it rules out nearly every row at once, and this runs on the
// reader's goroutine for every row of the file.
func isTotalsRow(cells []string, width int) bool {
	first := firstFilled(cells)
	word := first
	if end := strings.IndexFunc(first, func(r rune) bool { return !unicode.IsLetter(r) }); end >= 0 {
		word = first[:end]
	}
	if len(word) < 3 || !slices.Contains(totalsWords, strings.ToLower(word)) {
		return false
	}
	filled := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			filled++
		}
	}
	return 2*filled <= max(width, len(cells))
}

// firstFilled is the first non-blank cell of a row, trimmed.
func firstFilled(cells []string) string {
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			return c
		}
	}
	return ""
}

// maxTotalsHeld bounds the rows held back at once: a run of more
// totals-like lines than this is data, and is read as such.
const maxTotalsHeld = 8

// totalsLookahead holds back rows that look like totals lines. Only at the
// end of the file is a totals line left out: a customer is never dropped
// because a row after it, or its own name, looks like a total. A held row
// that turns out to be followed by data is given back and read like any
// other.
type totalsLookahead struct {
	held   []scannedRow
	passed int // rows given back by release that must not be held again
}

// hold keeps the row if it may be a totals line, copying its cells (the
// reader reuses them). It reports whether the row was kept.
func (l *totalsLookahead) hold(num int, cells []string, width int) bool {
	if l.passed > 0 || len(l.held) >= maxTotalsHeld || !isTotalsRow(cells, width) {
		return false
	}
	l.held = append(l.held, scannedRow{row: num, cells: slices.Clone(cells)})
	return true
}

// release gives back the held rows followed by the row that showed they
// were not the end, or nil when nothing is held.
func (l *totalsLookahead) release(num int, cells []string) []scannedRow {
	if len(l.held) == 0 {
		return nil
	}
	rows := append(l.held, scannedRow{row: num, cells: slices.Clone(cells)})
	l.held, l.passed = nil, len(rows)
	return rows
}

// pass counts one given-back row read again.
func (l *totalsLookahead) pass() {
	if l.passed > 0 {
		l.passed--
	}
}

// dropHeld ends the file: the rows still held were its totals lines.
func (l *totalsLookahead) dropHeld() []scannedRow {
	held := l.held
	l.held = nil
	return held
}
