package importer

import "sort"

// tally counts problems or error codes by kind and keeps a few example rows
// of each, so a summary can say "vat_checksum: 37 rows (12, 40, 41, ...)"
// instead of dumping thousands of lines on the consultant.
type tally struct {
	byKey map[string]*TallyEntry
}

// TallyEntry is one kind of problem or API error in a summary.
type TallyEntry struct {
	Key     string `json:"key"`
	Count   int    `json:"count"`
	Rows    []int  `json:"exampleRows"`
	Example string `json:"example"`
}

const tallyExampleRows = 5

func newTally() *tally { return &tally{byKey: map[string]*TallyEntry{}} }

func (t *tally) add(key string, rowNum int, example string) {
	e := t.byKey[key]
	if e == nil {
		e = &TallyEntry{Key: key, Example: example}
		t.byKey[key] = e
	}
	e.Count++
	if len(e.Rows) < tallyExampleRows {
		e.Rows = append(e.Rows, rowNum)
	}
}

// top returns the n most frequent entries, most frequent first.
func (t *tally) top(n int) []TallyEntry {
	out := make([]TallyEntry, 0, len(t.byKey))
	for _, e := range t.byKey {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
