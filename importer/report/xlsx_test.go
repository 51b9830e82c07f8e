package report

import (
	"fmt"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// wrDescribeXLSX renders what a consultant sees in a results workbook as
// text for a golden file: for each sheet its frozen pane, autofilter, used
// range, ignored errors, column widths, and every cell with its type,
// bold, fill and wrap. The zip bytes themselves are not stable enough to
// compare.
func wrDescribeXLSX(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	sheets := f.GetSheetList()
	fmt.Fprintf(&b, "sheets: %q\n", sheets)
	for i, sheet := range sheets {
		if i > 0 {
			fmt.Fprintf(&b, "--- sheet %q\n", sheet)
		}
		wrDescribeSheet(t, &b, f, sheet, wrZipEntry(t, path, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)))
		if i == 0 {
			for _, dn := range f.GetDefinedName() {
				fmt.Fprintf(&b, "defined name: %s = %s\n", dn.Name, dn.RefersTo)
			}
			wrDescribeCells(t, &b, f, sheet)
		}
	}
	for _, sheet := range sheets[1:] {
		fmt.Fprintf(&b, "--- cells of %q\n", sheet)
		wrDescribeCells(t, &b, f, sheet)
	}
	return b.String()
}

// wrDescribeSheet writes a sheet's settings: pane, autofilter, used
// range, ignored errors and column widths.
func wrDescribeSheet(t *testing.T, b *strings.Builder, f *excelize.File, sheet, sheetXML string) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	must(t, err)
	fmt.Fprintf(b, "panes: freeze=%v ySplit=%d topLeft=%s\n", panes.Freeze, panes.YSplit, panes.TopLeftCell)
	fmt.Fprintf(b, "autofilter: %s\n", regexp.MustCompile(`<autoFilter[^>]*>`).FindString(sheetXML))
	fmt.Fprintf(b, "dimension: %s\n", wrDimensionRE.FindAllString(sheetXML, -1))
	fmt.Fprintf(b, "ignored errors: %s\n", regexp.MustCompile(`<ignoredErrors>.*?</ignoredErrors>`).FindString(sheetXML))
	cols, err := f.GetCols(sheet)
	must(t, err)
	for c := range cols {
		name, _ := excelize.ColumnNumberToName(c + 1)
		w, err := f.GetColWidth(sheet, name)
		must(t, err)
		fmt.Fprintf(b, "column %s width=%v\n", name, w)
	}
}

// wrDescribeCells writes every cell of a sheet: type, bold, fill, wrap
// and value.
func wrDescribeCells(t *testing.T, b *strings.Builder, f *excelize.File, sheet string) {
	t.Helper()
	rows, err := f.Rows(sheet)
	must(t, err)
	defer rows.Close()
	for r := 1; rows.Next(); r++ {
		cols, err := rows.Columns()
		must(t, err)
		for c, v := range cols {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			if v == "" {
				fmt.Fprintf(b, "%s empty\n", ref)
				continue
			}
			typ, err := f.GetCellType(sheet, ref)
			must(t, err)
			id, err := f.GetCellStyle(sheet, ref)
			must(t, err)
			st, err := f.GetStyle(id)
			must(t, err)
			bold := st.Font != nil && st.Font.Bold
			var wrap string
			if st.Alignment != nil && st.Alignment.WrapText {
				wrap = " wrap"
			}
			fmt.Fprintf(b, "%s %s bold=%v fill=%v%s %q\n", ref, wrCellTypes[typ], bold, st.Fill.Color, wrap, v)
		}
	}
}

// wrCellTypes names excelize's cell types for the golden file.
var wrCellTypes = map[excelize.CellType]string{
	excelize.CellTypeUnset: "number", // no type attribute: a number, by the standard
	excelize.CellTypeBool:  "bool", excelize.CellTypeDate: "date",
	excelize.CellTypeError: "error", excelize.CellTypeFormula: "formula", excelize.CellTypeInlineString: "inline-string",
	excelize.CellTypeNumber: "number", excelize.CellTypeSharedString: "shared-string",
}

func TestXLSXResultWriterGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klanten.results.xlsx")
	wrWriteWithSummary(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrHeader, OwrFrom: 4, StatusCol: 4,
		OKStatuses: []string{"created", "skipped"}, SheetName: "Klanten"}, wrSummary)
	got := wrDescribeXLSX(t, path)
	for _, fact := range []string{
		`sheets: ["Klanten" "Counts"]`, "panes: freeze=true ySplit=1 topLeft=A2", `<autoFilter ref="$A$1:$F$5"`,
		`dimension: [<dimension ref="A1:F5"/>]`,
		`A1 inline-string bold=true fill=[] "Klant ID"`, `E1 inline-string bold=true fill=[DDEBF7] "owr_status"`,
		`C2 inline-string bold=false fill=[] "0612"`, `E2 inline-string bold=false fill=[] "created"`,
		`E3 inline-string bold=false fill=[FFC7CE] "invalid"`, `B3 inline-string bold=false fill=[] "=HYPERLINK(\"http://x\")"`,
		`F3 inline-string bold=false fill=[] wrap "-extCustomerId is missing"`, "column F width=40",
	} {
		if !strings.Contains(got, fact) {
			t.Errorf("results workbook lacks %s", fact)
		}
	}
	wrGolden(t, "writer_results.golden.xlsx.txt", []byte(got))
}

func TestXLSXResultWriterRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.failed.xlsx")
	wrWriteAll(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrHeader, StatusCol: 4}, wrRows)
	src, err := source.OpenSource(path, source.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Sheet() != "Results" || !reflect.DeepEqual(src.Header(), wrHeader) {
		t.Errorf("Sheet, Header = %q, %q", src.Sheet(), src.Header())
	}
	recs := readBack(t, src)
	if len(recs) != len(wrRows) {
		t.Fatalf("%d records, want %d", len(recs), len(wrRows))
	}
	for i, r := range recs {
		if !reflect.DeepEqual(r.Values, wrRows[i]) || r.Row != i+2 {
			t.Errorf("row %d = %q, want %q", r.Row, r.Values, wrRows[i])
		}
	}
}

func TestXLSXSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"": "Results", "Klanten": "Klanten", "a/b:c": "a_b_c", "'quoted'": "quoted",
		strings.Repeat("x", 40): strings.Repeat("x", 31),
	} {
		if got := xlsxSheetName(in); got != want {
			t.Errorf("xlsxSheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

// wrXLSXBenchRows is a results workbook of a typical large export.
const wrXLSXBenchRows = 50_000

// BenchmarkXLSXWriter measures a results workbook written through
// CreateResultFile, as validate and run write one.
func BenchmarkXLSXWriter(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.results.xlsx")
	// The columns of wrBenchRow: a created row, owr_error empty.
	header := []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Adres", "Postcode", "Gemeente",
		"Land", "Telefoon", "E-mail", "owr_status", "owr_customer_id", "owr_company_id",
		"owr_http_status", "owr_error_code", "owr_error", "owr_attempts"}
	b.ReportAllocs()
	for b.Loop() {
		w, err := CreateResultFile(path, WriterOptions{Format: row.FormatXLSX, Header: header, OwrFrom: 10, StatusCol: 10, Report: true})
		if err != nil {
			b.Fatal(err)
		}
		for range wrXLSXBenchRows {
			if err := w.Write(wrBenchRow); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(wrXLSXBenchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
