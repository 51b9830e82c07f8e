package report

import (
	"os"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// wrSummary are the counts the summary tests give.
var wrSummary = []SummaryRow{{"created", 2}, {"invalid", 1}, {"conflict", 1}}

// wrWriteWithSummary writes wrRows to path, calls SetSummary with each
// of summaries in turn (none: never) and closes the writer.
func wrWriteWithSummary(t *testing.T, path string, opts WriterOptions, summaries ...[]SummaryRow) {
	t.Helper()
	w, err := CreateResultFile(path, opts)
	must(t, err)
	for _, r := range wrRows {
		if err := w.Write(r); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	for _, s := range summaries {
		w.SetSummary(s)
	}
	must(t, w.Close())
}

// TestXLSXSummarySheet: with SetSummary before Close, the workbook gets a
// second sheet, "Counts" unless told otherwise: a bold header, one line
// per row given, in order, counts as numbers, then their total. Without
// it, or with no rows, the workbook has its one sheet as before. The
// results sheet stays the first and the one that opens.
func TestXLSXSummarySheet(t *testing.T) {
	wantCounts := [][]string{{"status", "rows"}, {"created", "2"}, {"invalid", "1"}, {"conflict", "1"}, {"total", "4"}}
	for _, tc := range []struct {
		name       string
		sheet      string // WriterOptions.SheetName
		summary    string // WriterOptions.SummarySheet
		summaries  [][]SummaryRow
		wantSheets []string
		wantCounts [][]string
	}{
		{"no summary", "Results", "", nil, []string{"Results"}, nil},
		{"empty summary", "Results", "", [][]SummaryRow{{}}, []string{"Results"}, nil},
		{"counts", "Results", "", [][]SummaryRow{wrSummary}, []string{"Results", "Counts"}, wantCounts},
		{"failed rows", "Failed rows", "", [][]SummaryRow{wrSummary}, []string{"Failed rows", "Counts"}, wantCounts},
		{"the last call wins", "Results", "", [][]SummaryRow{{{"valid", 9}}, wrSummary}, []string{"Results", "Counts"}, wantCounts},
		{"named", "Results", "Aantallen", [][]SummaryRow{wrSummary}, []string{"Results", "Aantallen"}, wantCounts},
		{"name made valid", "Results", "a/b", [][]SummaryRow{wrSummary}, []string{"Results", "a_b"}, wantCounts},
		{"same name as the results sheet", "counts", "", [][]SummaryRow{wrSummary}, []string{"counts", "Row counts"}, wantCounts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.results.xlsx")
			wrWriteWithSummary(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrHeader, OwrFrom: 4, StatusCol: 4,
				SheetName: tc.sheet, SummarySheet: tc.summary}, tc.summaries...)
			f, err := excelize.OpenFile(path)
			must(t, err)
			defer f.Close()
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tc.wantSheets) {
				t.Fatalf("sheets %q, want %q", got, tc.wantSheets)
			}
			if got := f.GetActiveSheetIndex(); got != 0 {
				t.Errorf("active sheet %d, want 0 (the results)", got)
			}
			if strings.Count(wrZipEntry(t, path, "xl/worksheets/sheet1.xml"), `tabSelected="true"`) != 1 {
				t.Errorf("the results sheet is not the selected tab")
			}
			if tc.wantCounts == nil {
				return
			}
			name := tc.wantSheets[1]
			got, err := f.GetRows(name)
			must(t, err)
			if !reflect.DeepEqual(got, tc.wantCounts) {
				t.Errorf("%s holds %q, want %q", name, got, tc.wantCounts)
			}
			// A number cell has no type attribute (excelize says "unset").
			for ref, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "B2": excelize.CellTypeUnset, "B5": excelize.CellTypeUnset} {
				if typ, err := f.GetCellType(name, ref); err != nil || typ != want {
					t.Errorf("%s!%s type %v, %v; want %v", name, ref, typ, err, want)
				}
			}
			if !strings.Contains(wrZipEntry(t, path, "xl/worksheets/sheet2.xml"), `<c r="B2"><v>2</v></c>`) {
				t.Errorf("%s!B2 is not the number 2", name)
			}
			for ref, want := range map[string]bool{"A1": true, "B1": true, "A2": false, "B2": false, "A5": true, "B5": true} {
				id, err := f.GetCellStyle(name, ref)
				must(t, err)
				st, err := f.GetStyle(id)
				must(t, err)
				if bold := st.Font != nil && st.Font.Bold; bold != want {
					t.Errorf("%s!%s bold %v, want %v", name, ref, bold, want)
				}
			}
			sheet2 := wrZipEntry(t, path, "xl/worksheets/sheet2.xml")
			if got := wrDimensionRE.FindAllString(sheet2, -1); !reflect.DeepEqual(got, []string{`<dimension ref="A1:B5"/>`}) {
				t.Errorf("%s dimension %q, want A1:B5", name, got)
			}
		})
	}
}

// TestXLSXSummaryReadBack: a failed-rows workbook with its counts sheet
// fed back as input reads the rows sheet, not the counts.
func TestXLSXSummaryReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.failed.xlsx")
	wrWriteWithSummary(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrHeader, StatusCol: 4, SheetName: "Failed rows"}, wrSummary)
	src, err := source.OpenSource(path, source.SourceOptions{})
	must(t, err)
	defer src.Close()
	if src.Sheet() != "Failed rows" || !reflect.DeepEqual(src.Header(), wrHeader) {
		t.Errorf("Sheet, Header = %q, %q", src.Sheet(), src.Header())
	}
	if recs := readBack(t, src); len(recs) != len(wrRows) {
		t.Errorf("%d records, want %d", len(recs), len(wrRows))
	}
}

// TestCSVSummaryIgnored: a CSV result file is one table that is fed back
// as input; SetSummary leaves it byte for byte as without.
func TestCSVSummaryIgnored(t *testing.T) {
	dir := t.TempDir()
	opts := WriterOptions{Format: row.FormatCSV, Delimiter: ';', Header: wrHeader, StatusCol: 4}
	wrWriteWithSummary(t, filepath.Join(dir, "without.csv"), opts)
	wrWriteWithSummary(t, filepath.Join(dir, "with.csv"), opts, wrSummary)
	without, err := os.ReadFile(filepath.Join(dir, "without.csv"))
	must(t, err)
	with, err := os.ReadFile(filepath.Join(dir, "with.csv"))
	must(t, err)
	if string(with) != string(without) {
		t.Errorf("SetSummary changed the CSV:\n%q\n%q", with, without)
	}
}

// TestStatusSummary lists the statuses of a count in the order given,
// leaving out those with no rows and those not in the order.
func TestStatusSummary(t *testing.T) {
	order := []row.Status{row.StatusCreated, row.StatusSkipped, row.StatusInvalid, row.StatusFailed}
	for _, tc := range []struct {
		name   string
		counts map[row.Status]int
		want   []SummaryRow
	}{
		{"none", nil, nil},
		{"in order, zeros left out", map[row.Status]int{row.StatusFailed: 1, row.StatusCreated: 5, row.StatusSkipped: 0},
			[]SummaryRow{{"created", 5}, {"failed", 1}}},
		{"not in the order: left out", map[row.Status]int{row.StatusValid: 3, row.StatusInvalid: 2},
			[]SummaryRow{{"invalid", 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StatusSummary(tc.counts, order); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("StatusSummary = %v, want %v", got, tc.want)
			}
		})
	}
}
