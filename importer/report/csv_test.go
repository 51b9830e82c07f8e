package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"owr-import/importer/formula"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// wrWriteAll writes header and rows to path and closes the writer.
func wrWriteAll(t testing.TB, path string, opts WriterOptions, rows [][]string) {
	t.Helper()
	w, err := CreateResultFile(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCSVResultWriterGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klanten.results.csv")
	wrWriteAll(t, path, WriterOptions{Format: row.FormatCSV, Delimiter: ';', Header: wrHeader, OwrFrom: 4, StatusCol: 4}, wrRows)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "\uFEFFKlant ID;") || !strings.HasSuffix(string(got), "\r\n") {
		t.Errorf("no BOM or no CRLF: %q", got)
	}
	wrGolden(t, "writer_results.golden.csv", got)
}

func TestCSVResultWriterRoundTrip(t *testing.T) {
	for _, delim := range []rune{',', ';', '\t', '|', '§'} {
		t.Run(fmt.Sprintf("%q", delim), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.failed.csv")
			wrWriteAll(t, path, WriterOptions{Format: row.FormatCSV, Delimiter: delim, Header: wrHeader, StatusCol: -1}, wrRows)
			opts := source.SourceOptions{}
			if delim == '§' {
				opts.Delimiter = '§' // not one the sniffer knows
			}
			src, err := source.OpenSource(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if got := src.Header(); !reflect.DeepEqual(got, wrHeader) {
				t.Errorf("Header = %q", got)
			}
			if src.Delimiter() != delim {
				t.Errorf("Delimiter = %q", src.Delimiter())
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
		})
	}
}

func TestResultFileIsAtomic(t *testing.T) {
	for _, format := range []row.Format{row.FormatCSV, row.FormatXLSX} {
		t.Run(string(format), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "k.results."+string(format))
			opts := WriterOptions{Format: format, Header: wrHeader, StatusCol: 4}

			w, err := CreateResultFile(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(wrRows[0]); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("final file exists before Close: %v", err)
			}
			w.Abort()
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Abort left %v", entries)
			}

			wrWriteAll(t, path, opts, wrRows)
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
				t.Errorf("after Close the folder holds %v", entries)
			}
			if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o044 == 0 {
				t.Errorf("final file %v, %v: want a readable file", st, err)
			}

			// A folder that vanished before Close: an error, not a silent loss.
			sub := filepath.Join(dir, "gone")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			w, err = CreateResultFile(filepath.Join(sub, "k.results."+string(format)), opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(sub); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err == nil || !strings.Contains(err.Error(), "cannot write") {
				t.Errorf("Close into a removed folder = %v, want an error", err)
			}
		})
	}
}

// TestReportReplacesOlderFile writes a report (validate's results, not
// forced to disk) over an older file of the same name and over none: the
// new file takes the name, and nothing else is left in the folder.
func TestReportReplacesOlderFile(t *testing.T) {
	for _, older := range []bool{false, true} {
		t.Run(fmt.Sprintf("older file %v", older), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "k.results.csv")
			if older {
				if err := os.WriteFile(path, []byte("an older validate\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wrWriteAll(t, path, WriterOptions{Format: row.FormatCSV, Header: wrHeader, StatusCol: 4, Report: true}, wrRows)
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != "k.results.csv" {
				t.Errorf("the folder holds %v, want only k.results.csv", entries)
			}
			data, err := os.ReadFile(path)
			if err != nil || !strings.Contains(string(data), wrRows[0][0]) {
				t.Errorf("k.results.csv = %q, %v; want the new rows", data, err)
			}
		})
	}
}

// TestReportDoesNotMoveAFolder: a folder where the results file goes is
// an error, as before; it is neither moved aside nor removed.
func TestReportDoesNotMoveAFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.results.csv")
	keep := filepath.Join(path, "keep.txt")
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keep, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := CreateResultFile(path, WriterOptions{Format: row.FormatCSV, Header: wrHeader, StatusCol: 4, Report: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Errorf("Close over a folder = %v, want a write error", err)
	}
	if data, err := os.ReadFile(keep); err != nil || string(data) != "precious" {
		t.Errorf("the folder's file = %q, %v; want it untouched", data, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %v, want only the folder that was there", entries)
	}
}

func TestCreateResultFileErrors(t *testing.T) {
	_, err := CreateResultFile(filepath.Join(t.TempDir(), "missing", "x.csv"), WriterOptions{Format: row.FormatCSV})
	if err == nil || !strings.Contains(err.Error(), "folder does not exist") {
		t.Errorf("missing folder: %v", err)
	}
	dir := t.TempDir()
	_, err = CreateResultFile(filepath.Join(dir, "x.ods"), WriterOptions{Format: "ods"})
	if err == nil || !strings.Contains(err.Error(), "unknown output format") {
		t.Errorf("unknown format: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed create left %v", entries)
	}
}

// wrBenchRow is a row of a results file: ten client columns and the seven
// owr_* ones, some needing quotes or a formula guard.
var wrBenchRow = []string{"1001", "K-01001", "Bakkerij Peeters", "BE0401357987", "Kerkstraat 12 bus 3", "9000", "Gent",
	"België", "+32 2 100 10 20", "info@klant1001.example", "created", "10", "2", "201", "", "", "1"}

const wrBenchRows = 200_000

// BenchmarkCSVWriter measures the hand-quoting writer that
// CreateResultFile uses.
func BenchmarkCSVWriter(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.results.csv")
	b.ReportAllocs()
	for b.Loop() {
		w, err := CreateResultFile(path, WriterOptions{Format: row.FormatCSV, Delimiter: ';', Header: wrHeader, StatusCol: -1})
		if err != nil {
			b.Fatal(err)
		}
		for range wrBenchRows {
			if err := w.Write(wrBenchRow); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(wrBenchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSVWriterStdlib is the alternative: encoding/csv's Writer with
// NeutraliseFormula on every value, kept to show why it was not chosen.
func BenchmarkCSVWriterStdlib(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.std.csv")
	b.ReportAllocs()
	row := make([]string, len(wrBenchRow))
	for b.Loop() {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, csvWriterBuffer)
		bw.WriteString("\uFEFF")
		cw := csv.NewWriter(bw)
		cw.Comma, cw.UseCRLF = ';', true
		for range wrBenchRows {
			for i, v := range wrBenchRow {
				row[i] = formula.Guard(v)
			}
			if err := cw.Write(row); err != nil {
				b.Fatal(err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			b.Fatal(err)
		}
		bw.Flush()
		f.Sync()
		f.Close()
	}
	b.ReportMetric(float64(wrBenchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// FuzzCSVRowEncoding encodes arbitrary cells the way Validate does (cells,
// row number, status and message) and reads the row back with
// encoding/csv: it must read exactly as the same cells written by
// encoding/csv's own Writer (with the formula guard), whether the quick
// check of plain let the row through as it is or the row was quoted.
func FuzzCSVRowEncoding(f *testing.F) {
	f.Add("1001\x00K-1\x00Kerkstraat 12 bus 3\x00+32 9 100000", uint8(1), "")
	f.Add("a;b\x00\"quoted\"\x00line\nbreak\x00cr\rhere", uint8(1), "problem; with \"quotes\"")
	f.Add("=HYPERLINK(\"x\")\x00'=x\x00-12.5\x00\t", uint8(0), "")
	f.Add("12345678\x001234567;\x00§§\x00", uint8(4), "x")
	f.Add("\r\n\x00\r\r\n", uint8(2), "")
	delims := []rune{',', ';', '\t', '|', '§'}
	f.Fuzz(func(t *testing.T, joined string, d uint8, msg string) {
		if !utf8.ValidString(joined) || !utf8.ValidString(msg) {
			return
		}
		delim := delims[int(d)%len(delims)]
		cells := strings.Split(joined, "\x00")
		last := []string{"invalid", msg}
		w := &csvResultWriter{}
		w.configure(delim)
		cols := make([]int, len(cells))
		for i := range cols {
			cols[i] = i
		}
		row := w.AppendCells(nil, cells, cols)
		row = w.AppendRowNumber(row, 7)
		row = w.AppendLast(row, last)

		var ref strings.Builder
		cw := csv.NewWriter(&ref)
		cw.Comma = delim
		var guarded []string
		for _, c := range cells {
			guarded = append(guarded, formula.Guard(c))
		}
		guarded = append(guarded, "7", last[0], formula.Guard(last[1]))
		if err := cw.Write(guarded); err != nil {
			t.Fatal(err)
		}
		cw.Flush()

		got, gerr := readOneCSVRow(string(row), delim)
		want, werr := readOneCSVRow(ref.String(), delim)
		if gerr != nil || werr != nil {
			t.Fatalf("reading back %q: %v; encoding/csv's %q: %v", row, gerr, ref.String(), werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q reads back as %q; encoding/csv's %q as %q", row, got, ref.String(), want)
		}
	})
}

// readOneCSVRow reads the first record of s.
func readOneCSVRow(s string, delim rune) ([]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.Comma, r.FieldsPerRecord = delim, -1
	return r.Read()
}
