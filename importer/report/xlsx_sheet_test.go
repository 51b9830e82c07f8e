package report

import (
	"archive/zip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os/exec"
	"owr-import/importer/row"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// wrZipEntry returns the text of one part of a written workbook, read
// straight from the zip: what a reader that does not go through excelize
// sees.
func wrZipEntry(t testing.TB, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	must(t, err)
	defer zr.Close()
	rc, err := zr.Open(name)
	must(t, err)
	defer rc.Close()
	data, err := io.ReadAll(rc)
	must(t, err)
	return string(data)
}

// wrDimensionRE finds every dimension element of a sheet.
var wrDimensionRE = regexp.MustCompile(`<dimension[^>]*>`)

// wrWideHeader is a header of n columns: Col1, Col2, ...
func wrWideHeader(n int) []string {
	h := make([]string, n)
	for i := range h {
		h[i] = fmt.Sprintf("Col%d", i+1)
	}
	return h
}

// wrWideRows are rows rows of width cells, every one filled.
func wrWideRows(rows, width int) [][]string {
	out := make([][]string, rows)
	for r := range out {
		out[r] = make([]string, width)
		for c := range out[r] {
			out[r][c] = fmt.Sprintf("%d", (r+1)*1000+c)
		}
	}
	return out
}

// TestXLSXDimension: the sheet declares its real used range, the header
// row and every data row across every column of the header, so a reader
// that trusts <dimension> (openpyxl read-only, Power BI) sees all of it.
func TestXLSXDimension(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{"header only", wrHeader, nil, "A1:F1"},
		{"golden rows", wrHeader, wrRows, "A1:F5"},
		{"one column", []string{"Klant ID"}, [][]string{{"1"}, {"2"}}, "A1:A3"},
		{"30 columns", wrWideHeader(30), wrWideRows(3, 30), "A1:AD4"},
		{"last row empty", wrHeader, [][]string{{"1", "", "", "", "valid", ""}, {"", "", "", "", "", ""}}, "A1:F3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.results.xlsx")
			wrWriteAll(t, path, WriterOptions{Format: row.FormatXLSX, Header: tc.header, StatusCol: -1}, tc.rows)
			sheet := wrZipEntry(t, path, "xl/worksheets/sheet1.xml")
			got := wrDimensionRE.FindAllString(sheet, -1)
			if want := []string{`<dimension ref="` + tc.want + `"/>`}; !reflect.DeepEqual(got, want) {
				t.Errorf("dimension elements %q, want %q", got, want)
			}
			if i, j := strings.Index(sheet, "<dimension"), strings.Index(sheet, "<sheetData"); i < 0 || j < i {
				t.Errorf("dimension at %d, sheetData at %d: the dimension must come before the data", i, j)
			}
		})
	}
}

// wrPython returns a python3 that has openpyxl, or skips the test. The
// Debian package python3-openpyxl installs into /usr/bin/python3, which a
// python3 earlier on PATH (pyenv, a virtualenv) may not see.
func wrPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import openpyxl").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with openpyxl (apt-get install python3-openpyxl)")
	return ""
}

// wrOpenpyxlScript prints, as JSON, what openpyxl in read-only mode makes
// of every sheet of a workbook: its size and its rows as values.
const wrOpenpyxlScript = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = []
for ws in wb.worksheets:
    rows = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
    out.append({"title": ws.title, "max_row": ws.max_row, "max_column": ws.max_column,
                "dimension": ws.calculate_dimension(), "rows": rows})
print(json.dumps(out))
`

// wrOpenpyxlSheet is one sheet as wrOpenpyxlScript reports it.
type wrOpenpyxlSheet struct {
	Title     string  `json:"title"`
	MaxRow    int     `json:"max_row"`
	MaxColumn int     `json:"max_column"`
	Dimension string  `json:"dimension"`
	Rows      [][]any `json:"rows"`
}

// wrOpenpyxl reads path with openpyxl in read-only mode.
func wrOpenpyxl(t *testing.T, path string) []wrOpenpyxlSheet {
	t.Helper()
	py := wrPython(t)
	out, err := exec.Command(py, "-c", wrOpenpyxlScript, path).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("openpyxl: %v\n%s", err, stderr)
	}
	var sheets []wrOpenpyxlSheet
	if err := json.Unmarshal(out, &sheets); err != nil {
		t.Fatalf("openpyxl output %q: %v", out, err)
	}
	return sheets
}

// TestXLSXOpenpyxlReadOnly reads a results workbook with openpyxl in
// read-only mode, which sizes each sheet from its <dimension>: it must
// see every row and every column, with the values written, text on the
// rows' sheet and numbers for the counts.
func TestXLSXOpenpyxlReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.results.xlsx")
	wrWriteWithSummary(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrHeader, OwrFrom: 4, StatusCol: 4}, wrSummary)
	sheets := wrOpenpyxl(t, path)
	if len(sheets) != 2 {
		t.Fatalf("openpyxl sees %d sheets, want 2", len(sheets))
	}
	c := sheets[1]
	wantCounts := [][]any{{"status", "rows"}, {"created", 2.0}, {"invalid", 1.0}, {"conflict", 1.0}, {"total", 4.0}}
	if c.Title != "Counts" || c.MaxRow != 5 || c.MaxColumn != 2 || c.Dimension != "A1:B5" || !reflect.DeepEqual(c.Rows, wantCounts) {
		t.Errorf("openpyxl sees %q %d x %d, %s: %v; want Counts 5 x 2, A1:B5: %v", c.Title, c.MaxRow, c.MaxColumn, c.Dimension, c.Rows, wantCounts)
	}
	s := sheets[0]
	if s.Title != "Results" || s.MaxRow != 5 || s.MaxColumn != 6 || s.Dimension != "A1:F5" {
		t.Errorf("openpyxl sees %q %d rows x %d columns, %s; want Results 5 x 6, A1:F5", s.Title, s.MaxRow, s.MaxColumn, s.Dimension)
	}
	want := [][]string{wrHeader}
	want = append(want, wrRows...)
	if len(s.Rows) != len(want) {
		t.Fatalf("openpyxl reads %d rows, want %d: %q", len(s.Rows), len(want), s.Rows)
	}
	for i, r := range s.Rows {
		got := make([]string, len(r))
		for j, v := range r {
			got[j] = fmt.Sprint(v) // every cell is text: a number here would be a bug
			if _, ok := v.(string); !ok {
				t.Errorf("row %d cell %d = %v (%T), want text", i+1, j+1, v, v)
			}
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, got, want[i])
		}
	}
}

// TestDimensionPatch writes sheet parts through patchZip in two pieces,
// split at every byte, and checks the part read back from the zip: the
// dimension replaced wherever the split falls, other parts and sheets
// without a dimension before their data left alone.
func TestDimensionPatch(t *testing.T) {
	const head = `<?xml version="1.0"?><worksheet xmlns="x"><sheetPr></sheetPr>`
	const tail = `<sheetViews></sheetViews><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`
	const want = head + `<dimension ref="A1:F5"/>` + tail
	for _, tc := range []struct {
		name, part, in, want string
	}{
		{"encoding/xml form", "xl/worksheets/sheet1.xml", head + `<dimension ref="A1"></dimension>` + tail, want},
		{"self-closing", "xl/worksheets/sheet1.xml", head + `<dimension ref="A1"/>` + tail, want},
		{"no dimension", "xl/worksheets/sheet1.xml", head + tail, head + tail},
		{"dimension after the data", "xl/worksheets/sheet1.xml", head + tail + `<dimension ref="A1"/>`, head + tail + `<dimension ref="A1"/>`},
		{"ends before its data", "xl/worksheets/sheet1.xml", head, head},
		{"another part", "xl/worksheets/sheet2.xml", head + `<dimension ref="A1"/>` + tail, head + `<dimension ref="A1"/>` + tail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for split := 0; split <= len(tc.in); split++ {
				var buf strings.Builder
				z := newPatchZip(&buf, map[string]string{"xl/worksheets/sheet1.xml": "A1:F5"})
				w, err := z.Create(tc.part)
				must(t, err)
				for _, piece := range []string{tc.in[:split], tc.in[split:]} {
					if n, err := io.WriteString(w, piece); err != nil || n != len(piece) {
						t.Fatalf("split %d: Write = %d, %v; want %d, nil", split, n, err, len(piece))
					}
				}
				_, err = z.Create("xl/styles.xml") // the next part ends this one
				must(t, err)
				must(t, z.Close())
				zr, err := zip.NewReader(strings.NewReader(buf.String()), int64(buf.Len()))
				must(t, err)
				rc, err := zr.Open(tc.part)
				must(t, err)
				got, err := io.ReadAll(rc)
				must(t, err)
				if string(got) != tc.want {
					t.Fatalf("split %d:\n got %s\nwant %s", split, got, tc.want)
				}
			}
		})
	}
}

// wrIgnoredErrors is the <ignoredErrors> element of a sheet.
type wrIgnoredErrors struct {
	Errors []struct {
		Sqref              string `xml:"sqref,attr"`
		NumberStoredAsText string `xml:"numberStoredAsText,attr"` // as written: "1" or "true"
	} `xml:"ignoredError"`
}

// wrSheetIgnoredErrors decodes the ignoredErrors element of sheet XML;
// nil when there is none.
func wrSheetIgnoredErrors(t *testing.T, sheet string) *wrIgnoredErrors {
	t.Helper()
	var ws struct {
		IgnoredErrors *wrIgnoredErrors `xml:"ignoredErrors"`
	}
	if err := xml.Unmarshal([]byte(sheet), &ws); err != nil {
		t.Fatalf("sheet XML: %v", err)
	}
	return ws.IgnoredErrors
}

// TestXLSXNumbersStoredAsText: every cell is text, so that a postcode
// 0612 or a VAT number keeps its form; Excel would mark each that looks
// like a number with a green triangle ("number stored as text"). The sheet
// tells Excel to ignore that error over its whole used range, and puts the
// element where the schema wants it (after autoFilter, before the end).
func TestXLSXNumbersStoredAsText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{"header only", wrHeader, nil, "A1:F1"},
		{"golden rows", wrHeader, wrRows, "A1:F5"},
		{"30 columns", wrWideHeader(30), wrWideRows(3, 30), "A1:AD4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.results.xlsx")
			wrWriteAll(t, path, WriterOptions{Format: row.FormatXLSX, Header: tc.header, StatusCol: -1}, tc.rows)
			sheet := wrZipEntry(t, path, "xl/worksheets/sheet1.xml")
			ie := wrSheetIgnoredErrors(t, sheet)
			// The attribute is an xsd:boolean: "1" or "true" (excelize
			// writes "true", as it does tabSelected="true").
			if ie == nil || len(ie.Errors) != 1 || ie.Errors[0].Sqref != tc.want ||
				(ie.Errors[0].NumberStoredAsText != "1" && ie.Errors[0].NumberStoredAsText != "true") {
				t.Fatalf("ignoredErrors = %+v, want one numberStoredAsText=1 over %s", ie, tc.want)
			}
			af, ie2, end := strings.Index(sheet, "<autoFilter"), strings.Index(sheet, "<ignoredErrors"), strings.Index(sheet, "</worksheet>")
			if af < 0 || !(af < ie2 && ie2 < end) {
				t.Errorf("autoFilter at %d, ignoredErrors at %d, end at %d: want them in that order", af, ie2, end)
			}
		})
	}
}

// TestXLSXColumnWidths: each column is as wide as its header (bold, with
// the filter button) or its longest value among the first sampled rows,
// whichever is wider, within 8 and 60 characters; a value's longest line
// counts, and a wide (East Asian) character counts twice. owr_error, which
// wraps, is at least 40 wide so that a long message does not make its row
// tall. Rows after the sample do not change the width: it is fixed before
// the first row is streamed.
func TestXLSXColumnWidths(t *testing.T) {
	long := strings.Repeat("x", 200)
	for _, tc := range []struct {
		name   string
		header string
		values []string // the column's values, one a row
		want   float64
	}{
		{"short header, short values: the minimum", "Nr", []string{"1", "22"}, 8},
		{"header wins: its length + 4", "Klantnummer", []string{"K-1"}, 15},
		{"value wins: its length + 2", "Naam", []string{"Bakkerij Peeters", "Garage Janssens & Zonen"}, 25},
		{"capped", "Opmerking", []string{long}, 60},
		{"longest line of a multi-line value", "Adres", []string{"Kerkstraat 12\nbus 3\n9000 Gent"}, 15},
		{"wide characters count twice", "Stad", []string{"東京都千代田区"}, 16},
		{"empty column: the header", "Fax", []string{"", ""}, 8},
		{"owr_error short: at least 40", "owr_error", []string{"", "duplicate of row 2"}, 40},
		{"owr_error long: capped", "owr_error", []string{long}, 60},
		{"owr_error between", "owr_error", []string{strings.Repeat("e", 45)}, 47},
		{"a longer value after the sample does not count", "Naam", append(wrRepeat("Jan", xlsxSampleRows), long), 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.results.xlsx")
			rows := make([][]string, len(tc.values))
			for i, v := range tc.values {
				rows[i] = []string{v}
			}
			wrWriteAll(t, path, WriterOptions{Format: row.FormatXLSX, Header: []string{tc.header}, StatusCol: -1}, rows)
			f, err := excelize.OpenFile(path)
			must(t, err)
			defer f.Close()
			got, err := f.GetColWidth("Results", "A")
			must(t, err)
			if got != tc.want {
				t.Errorf("width %v, want %v", got, tc.want)
			}
		})
	}
}

// wrRepeat is n times v.
func wrRepeat(v string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestXLSXWrap: owr_error cells wrap, and so does any cell holding a line
// break (a spreadsheet shows the break only in a wrapped cell); other
// cells, the header and the red status cells keep their look.
func TestXLSXWrap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.results.xlsx")
	wrWriteAll(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrHeader, OwrFrom: 4, StatusCol: 4}, wrRows)
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	for ref, want := range map[string]bool{
		"F1": false,            // the header
		"F3": true, "F4": true, // owr_error
		"D2": false, "D3": true, // "line 1\nline 2"
		"A2": false, "E2": false, "E3": false, // the red status cell
	} {
		id, err := f.GetCellStyle("Results", ref)
		must(t, err)
		st, err := f.GetStyle(id)
		must(t, err)
		wrap := st.Alignment != nil && st.Alignment.WrapText
		if wrap != want {
			t.Errorf("%s wraps: %v, want %v", ref, wrap, want)
		}
		if ref == "E3" && !reflect.DeepEqual(st.Fill.Color, []string{xlsxBadFill}) {
			t.Errorf("E3 fill %v, want the red fill", st.Fill.Color)
		}
	}
}

// TestXLSXSampleBoundary writes as many rows as the sample holds, one
// fewer and one more, and reads them all back in order: the rows held
// for sizing the columns are written before the ones that follow.
func TestXLSXSampleBoundary(t *testing.T) {
	for _, n := range []int{0, 1, xlsxSampleRows - 1, xlsxSampleRows, xlsxSampleRows + 1, 2*xlsxSampleRows + 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.results.xlsx")
			rows := wrWideRows(n, 3)
			wrWriteAll(t, path, WriterOptions{Format: row.FormatXLSX, Header: wrWideHeader(3), StatusCol: -1}, rows)
			f, err := excelize.OpenFile(path)
			must(t, err)
			defer f.Close()
			got, err := f.GetRows("Results")
			must(t, err)
			want := append([][]string{wrWideHeader(3)}, rows...)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back %d rows, want %d (first difference matters)", len(got), len(want))
			}
		})
	}
}

// TestDimensionPatchNoCopy: a sheet part handed over in one Write (as
// excelize does for a sheet under 16 MB, from memory) is not copied to
// find its dimension.
func TestDimensionPatchNoCopy(t *testing.T) {
	big := []byte(`<worksheet><dimension ref="A1"></dimension><sheetData>` + strings.Repeat(`<row r="1"></row>`, 1<<16) + `</sheetData></worksheet>`)
	d := &dimensionPatch{w: io.Discard, elem: `<dimension ref="A1:B2"/>`}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := d.Write(big); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > uint64(len(big))/4 {
		t.Errorf("one Write of %d bytes allocated %d bytes: the part was copied", len(big), n)
	}
}
