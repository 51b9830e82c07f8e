package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"owr-import/mapping"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// testMappingYAML maps the columns of testCSV.
const testMappingYAML = `version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber: { column: BTW, transform: [vat] }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { column: Adres, transform: [house_number] }
  address.postalCode: Postcode
  address.city: Gemeente
  address.country: { value: belgium }
`

// testCSV has one row of each kind a consultant meets.
const testCSV = "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente;owr_status\r\n" +
	"1001;K-1;Bakkerij Peeters;BE 0417.497.106;Kerkstraat 12 bus 3;9000;Gent;failed\r\n" +
	"1002;K-2;=Formule BV;0417497106;Markt 1;1000;Brussel;\r\n" +
	"1003;K-3;Geen Gemeente;BE0417497106;Dorp 2;2000;;\r\n" +
	"1001;K-4;Tweede Peeters;BE0417497106;Dorp 3;2000;Antwerpen;\r\n" +
	"10a1;K-5;;BE0417497107;Dorp 4;2000;Antwerpen;\r\n"

func testMapping(t *testing.T) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Parse("mapping.yaml", []byte(testMappingYAML))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run `go test ./importer -run %s -update` and review the diff.\n got:\n%s\nwant:\n%s", name, t.Name(), got, want)
	}
}

func TestValidateCSVGolden(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", testCSV)
	sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	want := map[row.Status]int{row.StatusValid: 2, row.StatusInvalid: 2, row.StatusDuplicate: 1}
	for st, n := range want {
		if sum.Counts[st] != n {
			t.Errorf("count %s = %d, want %d (all: %v)", st, sum.Counts[st], n, sum.Counts)
		}
	}
	if sum.Rows != 5 || sum.HeaderRow != 1 {
		t.Errorf("rows %d header %d, want 5 and 1", sum.Rows, sum.HeaderRow)
	}
	got, err := os.ReadFile(filepath.Join(dir, "klanten.validated.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "validate_results.golden.csv", got)
	var text strings.Builder
	sum.Elapsed, sum.Rate, sum.Files = 0, 0, nil
	sum.Input = "klanten.csv"
	sum.WriteText(&text)
	checkGolden(t, "validate_summary.golden.txt", []byte(text.String()))
}

func TestValidateXLSXGolden(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "klanten.xlsx")
	f := excelize.NewFile()
	_ = f.SetCellValue("Sheet1", "A1", "Export van 27/11/2026")
	for r, line := range strings.Split(strings.TrimSpace(testCSV), "\r\n") {
		for c, v := range strings.Split(line, ";") {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3)
			var val any = v
			if c == 0 && v == "1002" {
				val = 1002 // a numeric cell is the same id as the text "1002"
			}
			_ = f.SetCellValue("Sheet1", cell, val)
		}
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)}); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	out, err := excelize.OpenFile(filepath.Join(dir, "klanten.validated.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	rows, err := out.GetRows(out.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, " | "))
		b.WriteByte('\n')
	}
	checkGolden(t, "validate_results.golden.xlsx.txt", []byte(b.String()))
}

// TestValidateLongWorkbookCell: a workbook cell longer than a spreadsheet
// cell holds makes its row invalid, naming the cell, on both the fast
// (validate) and the run path, instead of being cut in the results.
func TestValidateLongWorkbookCell(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	rows := [][]any{
		{"Klant ID", "Klantnummer", "Naam", "BTW", "Adres", "Postcode", "Gemeente", "Notities"},
		{"1001", "K-1", "Bakker", "BE0417497106", "Markt 1", "9000", "Gent", "LONGCELL"},
		{"1002", "K-2", "Slager", "BE0417497106", "Markt 2", "9000", "Gent", strings.Repeat("x", 32767)},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// excelize cuts a cell it writes at 32,767 characters: the long cell is
	// put into the workbook's XML afterwards, as another program could.
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "klanten.xlsx")
	writeZipReplacing(t, in, buf.Bytes(), "LONGCELL", strings.Repeat("é", 40000))
	sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusInvalid] != 1 || sum.Counts[row.StatusValid] != 1 {
		t.Fatalf("counts %v, want the 40,000-character row invalid and the 32,767 one valid", sum.Counts)
	}
	if len(sum.Problems) == 0 || sum.Problems[0].Key != "cell_too_long" || !strings.Contains(sum.Problems[0].Example, "H2 holds 40000 characters") {
		t.Errorf("problems %+v", sum.Problems)
	}
	pass, err := openPass(Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer pass.Close()
	statuses := []row.Status{}
	if _, err := pass.each(context.Background(), func(_ row.Record, v verdict) error {
		statuses = append(statuses, v.Status)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(statuses) != 2 || statuses[0] != row.StatusInvalid || statuses[1] != row.StatusValid {
		t.Errorf("the run path says %v", statuses)
	}
}

// writeZipReplacing writes the zip in data to path with old replaced by new
// in every entry.
func writeZipReplacing(t *testing.T, path string, data []byte, old, new string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	found := false
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		found = found || bytes.Contains(b, []byte(old))
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(bytes.ReplaceAll(b, []byte(old), []byte(new))); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%q is not in the workbook", old)
	}
}

// TestValidateRemovesItsStaleTemporaryFiles: a validate killed while
// writing leaves a hidden temporary file with client data. validate holds
// no lock, so the next one removes only those no writer has touched for a
// while: another validate of the same file may be writing the fresh one.
func TestValidateRemovesItsStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", testCSV)
	stale := writeFile(t, dir, ".klanten.validated.csv.123456.tmp", "half a file of client data")
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	fresh := writeFile(t, dir, ".klanten.validated.csv.654321.tmp", "being written by another validate")
	other := writeFile(t, dir, ".someone-else.csv.1.tmp", "not ours")
	if err := os.Chtimes(other, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	for _, keep := range []string{fresh, other} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(keep), err)
		}
	}
}
