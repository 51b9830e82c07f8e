package source

import (
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTotalsRowsAtTheEnd: the totals line many exports end with is not a
// customer. It is left out, and said so in Stats, only when nothing but
// other such lines and blank rows follow it; anywhere else, and when it
// looks like data, it is an ordinary row.
func TestTotalsRowsAtTheEnd(t *testing.T) {
	const header = "Code;Naam;Gemeente;Postcode\n"
	tests := []struct {
		name    string
		body    string
		rows    []int // the rows read
		skipped []int
	}{
		{"French totals line", "1;A;Gent;9000\n2;B;Gent;9000\nTotal : 2 clients;;;\n", []int{2, 3}, []int{4}},
		{"Dutch total, blank rows, a count", "1;A;Gent;9000\nTotaal;;;\n;;;\n\nAantal: 1;;;\n", []int{2}, []int{3, 6}},
		{"amount in a later cell", "1;A;Gent;9000\nTOTAL;;;1250,00\n", []int{2}, []int{3}},
		{"a totals-like line in the middle is data", "1;A;Gent;9000\nTotal;;;\n3;C;Gent;9000\n", []int{2, 3, 4}, nil},
		{"a customer named Total with its cells", "1;A;Gent;9000\nTotalEnergies;Total;Brussel;1000\n", []int{2, 3}, nil},
		{"a word that only starts like one", "1;A;Gent;9000\nSommer;;;\n", []int{2, 3}, nil},
		{"no totals line", "1;A;Gent;9000\n", []int{2}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := srcOpen(t, "export.csv", []byte(header+tc.body), SourceOptions{})
			var got []int
			for _, rec := range srcReadAll(t, s) {
				got = append(got, rec.Row)
			}
			if !reflect.DeepEqual(got, tc.rows) {
				t.Errorf("rows read %v, want %v", got, tc.rows)
			}
			if st := s.Stats(); !reflect.DeepEqual(st.TotalsRows, tc.skipped) {
				t.Errorf("totals rows %v, want %v", st.TotalsRows, tc.skipped)
			}
		})
	}
}

// TestTotalsRowHeldBackKeepsItsValues: a line held back while looking
// ahead, then read as data, keeps its own cells.
func TestTotalsRowHeldBackKeepsItsValues(t *testing.T) {
	s := srcOpen(t, "export.csv", []byte("Code;Naam\n1;A\nTotaal;\n2;B\n"), SourceOptions{})
	recs := srcReadAll(t, s)
	if len(recs) != 3 || !reflect.DeepEqual(recs[1].Values, []string{"Totaal", ""}) || !reflect.DeepEqual(recs[2].Values, []string{"2", "B"}) {
		t.Errorf("records %+v", recs)
	}
}

// TestTotalsRowInAWorkbook: the same in a sheet, where the totals line is
// often a formula's result under the last customer.
func TestTotalsRowInAWorkbook(t *testing.T) {
	f := excelize.NewFile()
	for i, r := range [][]any{{"Code", "Naam", "Gemeente", "Omzet"}, {1, "A", "Gent", 10}, {2, "B", "Gent", 20}, {}, {"Totaal", nil, nil, 30}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	s, err := OpenSource(srcSave(t, f, "export.xlsx"), SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if recs := srcReadAll(t, s); len(recs) != 2 {
		t.Errorf("read %d rows, want 2", len(recs))
	}
	if st := s.Stats(); !reflect.DeepEqual(st.TotalsRows, []int{5}) {
		t.Errorf("totals rows %v, want [5]", st.TotalsRows)
	}
}
