package pagereport

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

func TestPattern(t *testing.T) {
	tests := []struct{ in, want string }{
		{`BTW-nummer (D9): "BE0417497107" has wrong check digits (the last two digits should be 06 for BE04174971): it is probably mistyped.`,
			`BTW-nummer: "…" has wrong check digits (the last two digits should be # for BE#): it is probably mistyped.`},
		{`Same extCustomerId as row 6: this row is not sent.`, `Same extCustomerId as row #: this row is not sent.`},
		{`the API refused the row: a customer with extCustomerId 990001 already exists for company 2`,
			`the API refused the row: a customer with extCustomerId # already exists for company #`},
		{"Naam (AB123): too long", "Naam: too long"},
		{strings.Repeat("x", 500), strings.Repeat("x", maxPatternRunes) + "…"},
		{"", "(no message)"},
	}
	for _, tc := range tests {
		if got := pattern(tc.in); got != tc.want {
			t.Errorf("pattern(%.40q) =\n %q\nwant\n %q", tc.in, got, tc.want)
		}
	}
}

func TestGrouperKeepsFewExamplesAndFoldsTheRest(t *testing.T) {
	g := newGrouper()
	for i := range 10 {
		g.add(ledger.Entry{Status: row.StatusInvalid, Error: "Naam (B" + strconv.Itoa(i+2) + "): required."}, "row "+strconv.Itoa(i+2))
	}
	g.add(ledger.Entry{Status: row.StatusConflict, HTTPStatus: 409, ErrorCode: "EXISTS", Error: "exists 5"}, "row 40")
	for i := range maxGroups + 5 {
		g.add(ledger.Entry{Status: row.StatusRejected, Error: "unique " + strings.Repeat("x", i)}, "row 99")
	}
	shown, more := g.result()
	if len(shown) != shownGroups {
		t.Fatalf("%d groups shown, want %d", len(shown), shownGroups)
	}
	if first := shown[0]; first.Count != 10 || first.Pattern != "Naam: required." || len(first.Examples) != maxExamples || first.Examples[0].Where != "row 2" {
		t.Errorf("first group = %+v", first)
	}
	total := more.Count
	for _, s := range shown {
		total += s.Count
	}
	if total != 10+1+maxGroups+5 {
		t.Errorf("rows in groups = %d, want every row counted once", total)
	}
	if len(g.byKey) > maxGroups {
		t.Errorf("%d groups kept, more than %d", len(g.byKey), maxGroups)
	}
}

func TestTimeline(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	fin := func(sec int, attempts int, st row.Status) ledger.Event {
		return ledger.Event{Kind: ledger.EventFinished, At: t0.Add(time.Duration(sec) * time.Second), Attempts: attempts, Status: st}
	}
	tests := []struct {
		name   string
		events []ledger.Event
		want   Timeline
	}{
		{name: "nothing sent", events: []ledger.Event{fin(0, 0, row.StatusInvalid)}, want: Timeline{}},
		{name: "one session, per-second buckets", events: []ledger.Event{
			{Kind: ledger.EventStarted, At: t0}, fin(0, 1, row.StatusCreated), fin(1, 3, row.StatusCreated), fin(2, 2, row.StatusFailed),
			fin(2, 0, row.StatusInvalid)},
			want: Timeline{Start: t0, End: t0.Add(2 * time.Second), Width: time.Second, Sessions: 1, Requests: 6, Errors: 4,
				Buckets: []Bucket{{1, 0}, {3, 2}, {2, 2}}}},
		{name: "only the latest session is drawn", events: []ledger.Event{
			fin(0, 1, row.StatusConflict), fin(3600, 1, row.StatusCreated), fin(3601, 1, row.StatusRejected)},
			want: Timeline{Start: t0.Add(time.Hour), End: t0.Add(3601 * time.Second), Width: time.Second, Sessions: 2, Requests: 2, Errors: 1,
				Buckets: []Bucket{{1, 0}, {1, 1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s sessions
			for _, e := range tc.events {
				s.observe(e)
			}
			tl := s.timeline()
			for _, e := range tc.events {
				tl.add(e)
			}
			if !tl.Start.Equal(tc.want.Start) || !tl.End.Equal(tc.want.End) || tl.Width != tc.want.Width || tl.Sessions != tc.want.Sessions ||
				tl.Requests != tc.want.Requests || tl.Errors != tc.want.Errors || len(tl.Buckets) != len(tc.want.Buckets) {
				t.Fatalf("timeline = %+v\nwant %+v", tl, tc.want)
			}
			for i := range tl.Buckets {
				if tl.Buckets[i] != tc.want.Buckets[i] {
					t.Errorf("bucket %d = %+v, want %+v", i, tl.Buckets[i], tc.want.Buckets[i])
				}
			}
		})
	}
}
