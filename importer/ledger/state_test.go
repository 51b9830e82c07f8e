package ledger

import (
	"path/filepath"
	"testing"

	"owr-import/importer/row"
)

// TestStateAcrossFiles plays the lines of a migration over three files: the
// original export, its failed-rows file fed back, and a corrected export
// under another name, and checks what the state says about each row.
func TestStateAcrossFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), Path(".", "prod"))
	orig := func(r int) row.Origin { return row.Origin{File: "export.csv", OrigRow: r} }
	failed := func(fileRow, r int, cells string) row.Origin {
		return row.Origin{File: "export.failed.csv", OrigRow: r, Cells: cells}
	}
	v2 := func(r int) row.Origin { return row.Origin{File: "export_v2.csv", OrigRow: r, Cells: `{"Naam":"v2"}`} }

	j := openTestJournal(t, path)
	mustStart(t, j, begin{Row: 2, ExtCustomerID: 1, ExtCustomerNumber: "K1"}, begin{Row: 4, ExtCustomerID: 3, ExtCustomerNumber: "K3"},
		begin{Row: 5, ExtCustomerID: 4, ExtCustomerNumber: "K4"}, begin{Row: 6, ExtCustomerID: 5, ExtCustomerNumber: "K5"})
	mustFinish(t, j,
		row.Outcome{Row: 2, ExtCustomerID: 1, ExtCustomerNumber: "K1", Status: row.StatusCreated, CustomerID: 101, CompanyID: 2, Origin: orig(2)},
		row.Outcome{Row: 3, Status: row.StatusInvalid, Error: "no city", Origin: orig(3)},
		row.Outcome{Row: 4, ExtCustomerID: 3, ExtCustomerNumber: "K3", Status: row.StatusInDoubt, HTTPStatus: 409, Error: "most likely created", Origin: orig(4)},
		row.Outcome{Row: 5, ExtCustomerID: 4, ExtCustomerNumber: "K4", Status: row.StatusRejected, HTTPStatus: 400, Error: "bad VAT", Origin: orig(5)},
		// ext 5 (row 6): started, never finished: the process was killed
		row.Outcome{Row: 7, ExtCustomerID: 6, ExtCustomerNumber: "K6", Status: row.StatusNotAttempted, Origin: orig(7)},
	)
	mustClose(t, j)

	// The failed-rows file fed back: row 3 fixed and created, row 5 still rejected.
	j = openTestJournal(t, path)
	mustFinish(t, j,
		row.Outcome{Row: 2, ExtCustomerID: 2, ExtCustomerNumber: "K2", Status: row.StatusCreated, CustomerID: 102, CompanyID: 2, Origin: failed(2, 3, `{"Gemeente":"Gent"}`)},
		row.Outcome{Row: 3, ExtCustomerID: 4, ExtCustomerNumber: "K4", Status: row.StatusRejected, HTTPStatus: 400, Error: "still bad VAT", Origin: failed(3, 5, `{"BTW":"BE0"}`)},
	)
	mustClose(t, j)

	// The corrected export: row 5 fixed there, a new customer 77 added, and
	// the original export run again, where row 3 is still invalid.
	j = openTestJournal(t, path)
	mustFinish(t, j,
		row.Outcome{Row: 5, ExtCustomerID: 4, ExtCustomerNumber: "K4", Status: row.StatusCreated, CustomerID: 104, CompanyID: 2, Origin: v2(5)},
		row.Outcome{Row: 9, ExtCustomerID: 77, ExtCustomerNumber: "K77", Status: row.StatusCreated, CustomerID: 177, CompanyID: 2, Origin: row.Origin{File: "export_v2.csv", Cells: `{"Naam":"Nieuw"}`}},
		row.Outcome{Row: 10, Status: row.StatusInvalid, Error: "no id", Origin: row.Origin{File: "export_v2.csv", Cells: `{"Naam":"Zonder id"}`}},
		row.Outcome{Row: 3, Status: row.StatusInvalid, Error: "no city", Origin: orig(3)},
	)
	mustClose(t, j)

	s := readTestJournal(t, path)
	tests := []struct {
		orig       int
		status     row.Status
		customerID int64
		file       string
		err        string
		cells      string
	}{
		{orig: 2, status: row.StatusCreated, customerID: 101, file: "export.csv"},
		{orig: 3, status: row.StatusCreated, customerID: 102, file: "export.csv"}, // created from the failed file; the later invalid line cannot undo that
		{orig: 4, status: row.StatusInDoubt, file: "export.csv", err: "most likely created"},
		{orig: 5, status: row.StatusCreated, customerID: 104, file: "export_v2.csv"},
		{orig: 7, status: row.StatusNotAttempted, file: "export.csv"},
	}
	for _, tt := range tests {
		e, ok := s.Orig(tt.orig)
		if !ok || e.Status != tt.status || e.CustomerID != tt.customerID || e.File != tt.file || e.Error != tt.err || e.Cells != tt.cells {
			t.Errorf("Orig(%d) = %+v, %v; want %s %d from %s", tt.orig, e, ok, tt.status, tt.customerID, tt.file)
		}
	}
	if _, ok := s.Orig(6); ok {
		t.Error("row 6 never finished, yet the state has an outcome for it")
	}
	var extras []Entry
	s.Extras(func(e Entry) { extras = append(extras, e) })
	if len(extras) != 2 || extras[0].CustomerID != 177 || extras[0].Cells != `{"Naam":"Nieuw"}` || extras[1].Status != row.StatusInvalid || extras[1].Cells == "" {
		t.Errorf("Extras = %+v", extras)
	}
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"created 1 with its number", func() bool { _, ok := s.CreatedFor(1, "K1"); return ok }(), true},
		{"created 1 with another number (another client)", func() bool { _, ok := s.CreatedFor(1, "X1"); return ok }(), false},
		{"created 4 from the corrected export", func() bool { _, ok := s.CreatedFor(4, "K4"); return ok }(), true},
		{"3 in doubt", s.InDoubt(3), true},
		{"4 not in doubt", s.InDoubt(4), false},
		{"5 may exist (started, never finished)", s.MayExist(5), true},
		{"5 not in doubt (sent again once)", s.InDoubt(5), false},
		{"6 may not exist", s.MayExist(6), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
	if s.OrigRowOf(4, "K4") != 5 || s.OrigRowOf(77, "K77") != 0 || s.OrigRowOf(2, "K2") != 3 || s.OrigRowOf(4, "other client") != 0 {
		t.Errorf("OrigRowOf: 4->%d 77->%d 2->%d, 4 with another number ->%d",
			s.OrigRowOf(4, "K4"), s.OrigRowOf(77, "K77"), s.OrigRowOf(2, "K2"), s.OrigRowOf(4, "other client"))
	}
}
