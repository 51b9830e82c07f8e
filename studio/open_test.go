package studio

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestOpenAndPage: opening an export checks every row; the grid's pages
// and filters count and slice the rows on the server.
func TestOpenAndPage(t *testing.T) {
	_, c := startStudio(t, "customers.csv", "mapping.yaml")
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
	if !info.FromFile || !info.Check.OK || info.Check.Rows != info.Rows || info.Rows < 30 {
		t.Fatalf("open: %+v", info)
	}
	counts := info.Check.Counts
	type page struct {
		Total int       `json:"total"`
		Rows  []gridRow `json:"rows"`
	}
	tests := []struct {
		name      string
		query     string
		wantTotal int
		wantRows  int
	}{
		{"first page", "offset=0&limit=10", info.Rows, 10},
		{"last page", fmt.Sprintf("offset=%d&limit=10", info.Rows-3), info.Rows, 3},
		{"past the end", fmt.Sprintf("offset=%d&limit=10", info.Rows+5), info.Rows, 0},
		{"valid", "status=valid&limit=500", counts["valid"], counts["valid"]},
		{"invalid", "status=invalid&limit=500", counts["invalid"], counts["invalid"]},
		{"duplicate", "status=duplicate&limit=500", counts["duplicate"], counts["duplicate"]},
		{"limit capped", "limit=100000", info.Rows, info.Rows},
		{"group", "group=" + info.Check.Groups[0].Key + "&limit=500", info.Check.Groups[0].Count, info.Check.Groups[0].Count},
		{"unknown group", "group=nope&limit=500", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p page
			c.mustCall("GET", "/api/rows?"+tt.query, nil, &p)
			if p.Total != tt.wantTotal || len(p.Rows) != tt.wantRows {
				t.Errorf("total %d, %d rows; want %d, %d", p.Total, len(p.Rows), tt.wantTotal, tt.wantRows)
			}
		})
	}
	var bad page
	c.mustCall("GET", "/api/rows?status=invalid&limit=1", nil, &bad)
	if len(bad.Rows) != 1 || len(bad.Rows[0].Problems) == 0 || bad.Rows[0].Message == "" {
		t.Errorf("an invalid row without its problems: %+v", bad.Rows)
	}
}

func TestOpenRefusesPaths(t *testing.T) {
	_, c := startStudio(t, "customers.csv")
	for _, name := range []string{"../customers.csv", "/etc/passwd", "", "nope.csv", "."} {
		if code, _ := c.call("POST", "/api/open", openRequest{File: name}, nil); code != http.StatusNotFound {
			t.Errorf("open %q: %d, want 404", name, code)
		}
	}
	if code, _ := c.call("GET", "/files/..%2Fsecret.csv", nil, nil); code == http.StatusOK {
		t.Error("a file outside the folder was served")
	}
}

// TestUpload: a dropped file is copied into the folder; a different file
// of the same name is never replaced.
func TestUpload(t *testing.T) {
	srv, c := startStudio(t)
	put := func(name, body string) map[string]string {
		req, _ := http.NewRequest("POST", srv.Origin()+"/api/upload", strings.NewReader(body))
		req.Header.Set("Origin", srv.Origin())
		req.Header.Set("X-File-Name", name)
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out := map[string]string{"status": res.Status}
		var m map[string]string
		if res.StatusCode == 200 {
			decodeJSON(t, res, &m)
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	tests := []struct {
		name, body, wantName string
	}{
		{"k%C3%A9.csv", "a;b\n1;2\n", "ké.csv"},
		{"k%C3%A9.csv", "a;b\n1;2\n", "ké.csv"},
		{"k%C3%A9.csv", "a;b\n3;4\n", "ké (2).csv"},
		{"..%2F..%2Fevil.csv", "x\n", "evil.csv"},
		{"notes.exe", "x", ""},
	}
	for _, tt := range tests {
		got := put(tt.name, tt.body)
		if got["name"] != tt.wantName {
			t.Errorf("upload %s: %v, want name %q", tt.name, got, tt.wantName)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(srv.Dir(), "ké.csv")); string(data) != "a;b\n1;2\n" {
		t.Errorf("the first file was replaced: %q", data)
	}
}

// TestOpenTitleAndTotals: the rows above the header and a totals line
// under the last customer are named as skipped.
func TestOpenTitleAndTotals(t *testing.T) {
	srv, c := startStudio(t)
	csv := "Klantenlijst Bakkerij\n\nKlant ID;Klantnummer;Bedrijfsnaam;BTW-nummer;Gemeente\n" +
		"1001;K-1;Peeters;BE0401357987;Gent\n1002;K-2;Janssens;BE0402715888;Mechelen\nTotaal: 2 klanten;;;;\n"
	os.WriteFile(filepath.Join(srv.Dir(), "k.csv"), []byte(csv), 0o644)
	var info struct {
		HeaderRow  int   `json:"headerRow"`
		Rows       int   `json:"rows"`
		TotalsRows []int `json:"totalsRows"`
	}
	c.mustCall("POST", "/api/open", openRequest{File: "k.csv"}, &info)
	if info.HeaderRow != 3 || info.Rows != 2 || len(info.TotalsRows) != 1 || info.TotalsRows[0] != 6 {
		t.Errorf("header row %d, %d rows, totals %v; want 3, 2, [6]", info.HeaderRow, info.Rows, info.TotalsRows)
	}
}

// TestOpenSheets: a workbook's visible sheets are offered, the chosen one
// is read, and the guessed mapping names it so run reads it too.
func TestOpenSheets(t *testing.T) {
	srv, c := startStudio(t)
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Klanten")
	f.NewSheet("Oud")
	f.NewSheet("Verborgen")
	f.SetSheetVisible("Verborgen", false)
	for sheet, rows := range map[string]int{"Klanten": 3, "Oud": 2} {
		f.SetSheetRow(sheet, "A1", &[]any{"Klant ID", "Klantnummer", "Bedrijfsnaam", "BTW-nummer", "Gemeente"})
		for i := range rows {
			f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &[]any{1001 + i, fmt.Sprintf("K-%d", i), "Firma", "BE0401357987", "Gent"})
		}
	}
	if err := f.SaveAs(filepath.Join(srv.Dir(), "k.xlsx")); err != nil {
		t.Fatal(err)
	}
	var sheets struct {
		Sheets []string `json:"sheets"`
	}
	c.mustCall("GET", "/api/sheets?file=k.xlsx", nil, &sheets)
	if fmt.Sprint(sheets.Sheets) != "[Klanten Oud]" {
		t.Errorf("sheets %v, want [Klanten Oud]", sheets.Sheets)
	}
	tests := []struct {
		sheet, wantSheet string
		wantRows         int
	}{{"", "Klanten", 3}, {"Oud", "Oud", 2}, {"oud", "Oud", 2}}
	for _, tt := range tests {
		var info struct {
			Sheet   string   `json:"sheet"`
			Rows    int      `json:"rows"`
			Mapping mapModel `json:"mapping"`
		}
		c.mustCall("POST", "/api/open", openRequest{File: "k.xlsx", Sheet: tt.sheet}, &info)
		if info.Sheet != tt.wantSheet || info.Rows != tt.wantRows || info.Mapping.Source.Sheet != tt.wantSheet {
			t.Errorf("sheet %q: read %q (%d rows), mapping names %q; want %q (%d rows)", tt.sheet, info.Sheet, info.Rows, info.Mapping.Source.Sheet, tt.wantSheet, tt.wantRows)
		}
	}
	if code, body := c.call("POST", "/api/open", openRequest{File: "k.xlsx", Sheet: "Nope"}, nil); code != http.StatusBadRequest || !strings.Contains(body, "Nope") {
		t.Errorf("unknown sheet: %d %s", code, body)
	}
}
