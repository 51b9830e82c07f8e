package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// srcSave writes the workbook to a temporary file called name.
func srcSave(t testing.TB, f *excelize.File, name string, opts ...excelize.Options) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p, opts...); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// srcMust fails the test on an error from building a workbook.
func srcMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// srcStyle adds a style with a custom number format.
func srcStyle(t testing.TB, f *excelize.File, code string) int {
	t.Helper()
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	srcMust(t, err)
	return id
}

// srcClientWorkbook builds what a client sends: an "Info" tab first, then
// the customer sheet with a title row, a blank row, the header on row 3,
// numbers, dates, rich text, booleans, short rows and formatted empty rows
// at the bottom; and a hidden older copy of the sheet.
func srcClientWorkbook(t testing.TB) *excelize.File {
	t.Helper()
	f := excelize.NewFile()
	srcMust(t, f.SetSheetName("Sheet1", "Info"))
	srcMust(t, f.SetCellValue("Info", "A1", "Export from Navision"))
	srcMust(t, f.SetSheetRow("Info", "A2", &[]any{"Made on", "31/03/2024"}))
	srcMust(t, f.SetSheetRow("Info", "A3", &[]any{"System", "Navision"}))

	_, err := f.NewSheet("Oud")
	srcMust(t, err)
	srcMust(t, f.SetSheetRow("Oud", "A1", &[]any{"Klant ID", "Naam", "Postcode", "Bedrag", "Sinds", "Laatste contact", "Actief", "Opmerking"}))
	srcMust(t, f.SetSheetRow("Oud", "A2", &[]any{1, "old"}))
	srcMust(t, f.SetSheetVisible("Oud", false))

	const s = "Klanten"
	_, err = f.NewSheet(s)
	srcMust(t, err)
	srcMust(t, f.SetCellValue(s, "A1", "Klantenlijst 2024"))
	srcMust(t, f.SetSheetRow(s, "A3", &[]any{"Klant ID", "Naam", "Postcode", "Bedrag", "Sinds", "Laatste contact", "Actief", "Opmerking"}))

	srcMust(t, f.SetCellValue(s, "A4", 1001))
	srcMust(t, f.SetCellRichText(s, "B4", []excelize.RichTextRun{{Text: "Bakkerij "}, {Text: "Peeters", Font: &excelize.Font{Bold: true}}}))
	srcMust(t, f.SetCellStr(s, "C4", "0612"))
	srcMust(t, f.SetCellDefault(s, "D4", "0.30000000000000004"))
	srcMust(t, f.SetCellValue(s, "E4", time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)))
	srcMust(t, f.SetCellStyle(s, "E4", "E4", srcStyle(t, f, "dd/mm/yyyy")))
	srcMust(t, f.SetCellValue(s, "F4", time.Date(2024, 3, 31, 14, 5, 0, 0, time.UTC)))
	srcMust(t, f.SetCellBool(s, "G4", true))
	srcMust(t, f.SetCellStr(s, "H4", "=1+2"))

	srcMust(t, f.SetCellDefault(s, "A5", "1000.9999999999999"))
	srcMust(t, f.SetCellStr(s, "B5", "Zoë"))
	srcMust(t, f.SetCellValue(s, "C5", 9000))
	srcMust(t, f.SetCellValue(s, "D5", 1234.5))
	srcMust(t, f.SetCellStyle(s, "D5", "D5", srcStyle(t, f, `#,##0.00 "EUR"`)))
	srcMust(t, f.SetCellDefault(s, "E5", "0.5868055555555556"))
	srcMust(t, f.SetCellStyle(s, "E5", "E5", srcStyle(t, f, "hh:mm")))
	srcMust(t, f.SetCellDefault(s, "F5", "1.5"))
	srcMust(t, f.SetCellStyle(s, "F5", "F5", srcStyle(t, f, "[h]:mm")))
	srcMust(t, f.SetCellBool(s, "G5", false))
	srcMust(t, f.SetCellStr(s, "J5", "beyond the header"))

	srcMust(t, f.SetSheetRow(s, "A7", &[]any{1003, "Kort"}))
	srcMust(t, f.SetCellDefault(s, "A8", "1E-7"))
	srcMust(t, f.SetCellValue(s, "D8", 1001))
	srcMust(t, f.SetCellStyle(s, "D8", "D8", srcStyle(t, f, "0.0%")))

	fill, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	srcMust(t, err)
	srcMust(t, f.SetCellStyle(s, "A20", "H30", fill))
	srcMust(t, f.SetRowStyle(s, 31, 40, fill))
	return f
}

var srcClientRecords = []row.Record{
	{Row: 4, Values: []string{"1001", "Bakkerij Peeters", "0612", "0.3", "2024-03-31", "2024-03-31T14:05:00", "TRUE", "=1+2"}},
	{Row: 5, Values: []string{"1001", "Zoë", "9000", "1234.5", "14:05:00", "1.5", "FALSE", ""}},
	{Row: 7, Values: []string{"1003", "Kort", "", "", "", "", "", ""}},
	{Row: 8, Values: []string{"0.0000001", "", "", "1001", "", "", "", ""}},
}

var srcClientHeader = []string{"Klant ID", "Naam", "Postcode", "Bedrag", "Sinds", "Laatste contact", "Actief", "Opmerking"}

func TestXLSXSource(t *testing.T) {
	path := srcSave(t, srcClientWorkbook(t), "klanten.xlsx")
	tests := []struct {
		name      string
		opts      SourceOptions
		sheet     string
		headerRow int
		header    []string
		want      []row.Record
	}{
		{"heuristics skip the Info tab", SourceOptions{}, "Klanten", 3, srcClientHeader, srcClientRecords},
		{"mapping score", SourceOptions{HeaderScore: srcScore("Klant ID", "Naam")}, "Klanten", 3, srcClientHeader, srcClientRecords},
		{"sheet named, any case", SourceOptions{Sheet: "klanten"}, "Klanten", 3, srcClientHeader, srcClientRecords},
		{"header row given", SourceOptions{HeaderRow: 3}, "Klanten", 3, srcClientHeader, srcClientRecords},
		{"Info asked for", SourceOptions{Sheet: "Info"}, "Info", 3, []string{"System", "Navision"}, nil},
		{"hidden sheet asked for", SourceOptions{Sheet: "Oud"}, "Oud", 1, srcClientHeader,
			[]row.Record{{Row: 2, Values: []string{"1", "old", "", "", "", "", "", ""}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := OpenSource(path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Format() != row.FormatXLSX || s.Sheet() != tt.sheet || s.HeaderRow() != tt.headerRow || s.Delimiter() != ',' {
				t.Errorf("Format, Sheet, HeaderRow, Delimiter = %q, %q, %d, %q", s.Format(), s.Sheet(), s.HeaderRow(), s.Delimiter())
			}
			if got := s.Header(); !reflect.DeepEqual(got, tt.header) {
				t.Errorf("Header = %q, want %q", got, tt.header)
			}
			if got := srcReadAll(t, s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestXLSXSourceCellsAndStats(t *testing.T) {
	s, err := OpenSource(srcSave(t, srcClientWorkbook(t), "k.xlsm"), SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srcReadAll(t, s)
	if st := s.Stats(); st.ExtraCellRows != 1 || !reflect.DeepEqual(st.ExtraCellFirst, []int{5}) {
		t.Errorf("Stats = %+v, want row 5", st)
	}
	if got := s.Cell(12, 2); got != "C12" {
		t.Errorf("Cell = %q", got)
	}
	closeTwice(t, s)
}

func TestXLSXSource1904Dates(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	srcMust(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	srcMust(t, f.SetSheetRow("Sheet1", "A1", &[]any{"id", "since"}))
	srcMust(t, f.SetCellValue("Sheet1", "A2", 1))
	srcMust(t, f.SetCellDefault("Sheet1", "B2", "45000")) // 2023-03-15 in the 1900 system
	srcMust(t, f.SetCellStyle("Sheet1", "B2", "B2", srcStyle(t, f, "yyyy-mm-dd")))
	s, err := OpenSource(srcSave(t, f, "a.xlsx"), SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := srcReadAll(t, s); !reflect.DeepEqual(got, []row.Record{{Row: 2, Values: []string{"1", "2027-03-16"}}}) {
		t.Errorf("records = %+v", got)
	}
}

func TestFormatCodeKind(t *testing.T) {
	tests := map[string]numFmtKind{
		"dd/mm/yyyy": kindDate, "d-mmm-yy": kindDate, "mmmm": kindDate, "[$-813]d mmmm yyyy;@": kindDate,
		"yyyy-mm-dd hh:mm:ss": kindDate, "hh:mm": kindTime, "h:mm AM/PM": kindTime, "mm:ss": kindTime,
		"[h]:mm:ss": kindNumber, "[mm]:ss": kindNumber, "General": kindNumber, "0.00": kindNumber,
		"#,##0.00 \"EUR\"": kindNumber, "0.0%": kindNumber, `0.00" days"`: kindNumber,
		"[Red]0.00;[Blue]-0.00": kindNumber, "0.00E+00": kindNumber, "@": kindNumber, `\d0`: kindNumber,
		"_(* #,##0_)": kindNumber, "[$€-813] #,##0.00": kindNumber, "[Red": kindNumber, "": kindNumber,
	}
	for code, want := range tests {
		if got := formatCodeKind(code); got != want {
			t.Errorf("formatCodeKind(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestNumFmtKindOfBuiltIn(t *testing.T) {
	for id, want := range map[int]numFmtKind{0: kindNumber, 1: kindNumber, 14: kindDate, 17: kindDate, 18: kindTime,
		21: kindTime, 22: kindDate, 45: kindTime, 46: kindNumber, 49: kindNumber, 57: kindDate} {
		if got := numFmtKindOf(id, nil); got != want {
			t.Errorf("numFmtKindOf(%d) = %v, want %v", id, got, want)
		}
	}
	if got := numFmtKindOf(14, map[int]string{14: "0.00"}); got != kindNumber {
		t.Errorf("a custom code must win over the built-in meaning, got %v", got)
	}
}

func TestSerialCell(t *testing.T) {
	tests := []struct {
		in       string
		date1904 bool
		want     string
	}{
		{"\x0145382.000000", false, "2024-03-31"},
		{"\x0145382.586806", false, "2024-03-31T14:05:00"},
		{"\x0145382.999999", false, "2024-04-01"},
		{"\x011.000000", false, "1900-01-01"},
		{"\x0159.000000", false, "1900-02-28"},
		{"\x0160.000000", false, "1900-02-29"},
		{"\x0161.000000", false, "1900-03-01"},
		{"\x0145000.000000", true, "2027-03-16"},
		{"\x010.500000", false, "12:00:00"},
		{"\x0245382.586806", false, "14:05:00"},
		{"-\x015.000000", false, "-5"},
		{"\x013000000.000000", false, "3000000"},
		{"\x01oops", false, "oops"},
		{"-5", false, "-5"},
		{"plain", false, "plain"},
		{"", false, ""},
		{"-", false, "-"},
	}
	for _, tt := range tests {
		if got := (serialStyles{date1904: tt.date1904}).serialCell(tt.in); got != tt.want {
			t.Errorf("serialCell(%q, 1904=%v) = %q, want %q", tt.in, tt.date1904, got, tt.want)
		}
	}
}

// srcZip builds a zip archive holding the given files.
func srcZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		srcMust(t, err)
		_, err = io.WriteString(w, body)
		srcMust(t, err)
	}
	srcMust(t, zw.Close())
	return buf.Bytes()
}

func TestXLSXSourceInputErrors(t *testing.T) {
	valid, err := os.ReadFile(srcSave(t, srcClientWorkbook(t), "ok.xlsx"))
	srcMust(t, err)
	encrypted := func(t testing.TB) []byte {
		f := excelize.NewFile()
		srcMust(t, f.SetCellValue("Sheet1", "A1", "secret"))
		b, err := os.ReadFile(srcSave(t, f, "locked.xlsx", excelize.Options{Password: "pw"}))
		srcMust(t, err)
		return b
	}
	emptyBook := func(t testing.TB) []byte {
		b, err := os.ReadFile(srcSave(t, excelize.NewFile(), "empty.xlsx"))
		srcMust(t, err)
		return b
	}
	random := make([]byte, 3000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	ole := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), bytes.Repeat([]byte{0}, 600)...)
	ods := func(t testing.TB) []byte {
		return srcZip(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
	}
	fixed := func(b []byte) func(testing.TB) []byte { return func(testing.TB) []byte { return b } }

	tests := []struct {
		name     string
		file     string
		data     func(testing.TB) []byte
		opts     SourceOptions
		contains []string
	}{
		{"xls bytes named .xlsx", "a.xlsx", fixed(ole), SourceOptions{}, []string{"Excel 97-2003", hintSaveAs}},
		{"xls", "a.xls", fixed(ole), SourceOptions{}, []string{"(.xls) cannot be read", hintSaveAs}},
		{"xlsx named .xls", "a.xls", fixed(valid), SourceOptions{}, []string{"Rename it to .xlsx"}},
		{"password protected", "a.xlsx", encrypted, SourceOptions{}, []string{"password", "without a password"}},
		{"ods named .xlsx", "a.xlsx", ods, SourceOptions{}, []string{"OpenDocument", hintSaveAs}},
		{"ods", "a.ods", ods, SourceOptions{}, []string{"(.ods) cannot be read", hintSaveAs}},
		{"zip that is no workbook", "a.xlsx", func(t testing.TB) []byte { return srcZip(t, map[string]string{"a.txt": "x"}) },
			SourceOptions{}, []string{"zip archive"}},
		{"random bytes", "a.xlsx", fixed(random), SourceOptions{}, []string{"not an Excel workbook", hintSaveAs}},
		{"truncated", "a.xlsx", fixed(valid[:len(valid)/2]), SourceOptions{}, []string{"damaged or incomplete"}},
		{"text named .xlsx", "a.xlsx", fixed([]byte("Klant ID;Naam\r\n1001;Zo\xeb\r\n")), SourceOptions{}, []string{"holds text", "Rename it to .csv"}},
		{"empty file", "a.xlsx", fixed(nil), SourceOptions{}, []string{"empty"}},
		{"no data", "a.xlsx", emptyBook, SourceOptions{}, []string{"holds no data"}},
		{"unknown sheet", "a.xlsx", fixed(valid), SourceOptions{Sheet: "Customers"},
			[]string{`no sheet "Customers"`, `"Info", "Oud", "Klanten"`, "--sheet"}},
		{"header row beyond the data", "a.xlsx", fixed(valid), SourceOptions{Sheet: "Info", HeaderRow: 99}, []string{`sheet "Info" row 99`, "ends before it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := OpenSource(srcWriteFile(t, tt.file, tt.data(t)), tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("OpenSource succeeded")
			}
			var ie *row.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T: %v", err, err)
			}
			for _, c := range tt.contains {
				if !strings.Contains(ie.Error(), c) {
					t.Errorf("message %q lacks %q", ie.Error(), c)
				}
			}
		})
	}
}

// srcBenchRowsXLSX is the size of the benchmark workbook.
const srcBenchRowsXLSX = 20_000

// srcBenchWorkbook writes a 20,000-row sheet (inline strings, numeric ids,
// one date column) and returns its path.
func srcBenchWorkbook(b *testing.B) string {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	srcMust(b, err)
	date := srcStyle(b, f, "dd/mm/yyyy")
	srcMust(b, sw.SetRow("A1", []any{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Land", "Telefoon", "Sinds"}))
	for i := range srcBenchRowsXLSX {
		id := 1001 + i
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		srcMust(b, sw.SetRow(cell, []any{id, fmt.Sprintf("K-%05d", id), fmt.Sprintf("Bakkerij Peeters %d", id), "BE0401357987",
			"Kerkstraat 12 bus 3", "9000", "Gent", "België", "+32 2 100 10 20", excelize.Cell{StyleID: date, Value: 45382 + i%300}}))
	}
	srcMust(b, sw.Flush())
	return srcSave(b, f, "bench.xlsx")
}

// BenchmarkXLSXSource reads a generated 20,000-row sheet (inline strings,
// numeric ids, one date column) through OpenSource.
func BenchmarkXLSXSource(b *testing.B) {
	const rows = srcBenchRowsXLSX
	path := srcBenchWorkbook(b)
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		s, err := OpenSource(path, SourceOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 && (rec.Values[0] != "1001" || rec.Values[9] != "2024-03-31") {
				b.Fatalf("first row %q", rec.Values)
			}
			n++
		}
		s.Close()
		if n != rows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkInspectWorkbook is the check of the benchmark workbook before
// excelize opens it, part of BenchmarkXLSXSource.
func BenchmarkInspectWorkbook(b *testing.B) {
	path := srcBenchWorkbook(b)
	b.ReportAllocs()
	for b.Loop() {
		plan, err := inspectWorkbook(path)
		if err != nil {
			b.Fatal(err)
		}
		plan.cleanup()
	}
}

// FuzzXLSXNumberFormats feeds the format-code reader, the pattern reader
// and the date text converter arbitrary workbook content: they must never
// panic, and a date serial as excelize prints it must become an ISO date or
// time.
func FuzzXLSXNumberFormats(f *testing.F) {
	f.Add("dd/mm/yyyy", "\x0145382.586806", 45382.586806, false)
	f.Add(`[$-813]d mmmm yyyy;@`, "-\x015.000000", 60.0, true)
	f.Add(`"unclosed`, "\x02", 0.5, false)
	f.Add("[h]:mm", "\x01NaN", 2958465.999999, true)
	f.Add(`\`, "\x011e400", 1e300, false)
	f.Add(`"BE"0000000000`, "-\x030\x03417497106.000000", 1.0, false)
	f.Add("00000", "\x039\x031300.6", 0.0, false)
	f.Fuzz(func(t *testing.T, code, cell string, serial float64, time1904 bool) {
		if k := formatCodeKind(code); k < kindNumber || k > kindTime {
			t.Fatalf("formatCodeKind(%q) = %d", code, k)
		}
		st := serialStyles{date1904: time1904}
		if p, ok := parsePattern(code); ok {
			st.patterns = []numPattern{p}
		}
		st.serialCell(cell)
		if serial < 0 || serial >= maxExcelSerial+1 || serial != serial {
			return
		}
		for _, marker := range []byte{dateMarker, timeMarker} {
			in := string(marker) + strconv.FormatFloat(serial, 'f', 6, 64)
			got := st.serialCell(in)
			ok := false
			for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05", "15:04:05"} {
				if _, err := time.Parse(layout, got); err == nil {
					ok = true
				}
			}
			if _, err := strconv.ParseFloat(got, 64); err == nil && serial >= maxExcelSerial-1500 {
				ok = true // past 9999-12-31 in this date system: stays a number
			}
			if !ok && !strings.HasPrefix(got, "1900-02-29") {
				t.Fatalf("serialCell(%q) = %q: no ISO date or time", in, got)
			}
		}
	})
}
