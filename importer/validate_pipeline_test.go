package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"owr-import/importer/report"
	"owr-import/importer/row"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writePipelineCSV writes rows rows that exercise Validate's pipeline across
// several batches: duplicates of rows one or more batches back, invalid
// rows, warnings-free errors, and a free-text column with every kind of
// value the CSV encoder must quote or guard.
func writePipelineCSV(t *testing.T, path string, rows int) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	notes := []string{"", "plain", "with;delimiter", `with "quotes"`, "two\nlines", "=SUM(A1)", "+32 9 123", "-12", "'quoted", "café", "cr\rhere", " spaced "}
	w.Write([]string{"Klant ID", "Klantnummer", "Naam", "BTW", "Adres", "Postcode", "Gemeente", "Notitie"})
	for i := range rows {
		id, number := strconv.Itoa(1000+i), "K-"+strconv.Itoa(i)
		vat, city := "BE0417497106", "Gent"
		switch {
		case i%97 == 96:
			id = strconv.Itoa(1000 + i - 600) // a duplicate from batches back
		case i%89 == 88:
			number = "K-" + strconv.Itoa(i-1) // a duplicate number, one row back
		case i%50 == 49:
			id = "10a1"
		}
		if i%71 == 70 {
			vat = "BE0417497107"
		}
		if i%113 == 112 {
			city = ""
		}
		w.Write([]string{id, number, "Klant " + strconv.Itoa(i), vat, "Kerkstraat " + strconv.Itoa(1+i%40) + " bus 2", "9000", city, notes[i%len(notes)]})
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// referenceValidate renders the results file the simple way: one row after
// the other through checker.check and report.ResultWriter.Write.
func referenceValidate(t *testing.T, in, out string) map[row.Status]int {
	t.Helper()
	src, binding, err := openMapped(Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	keep := inputColumns(src.Header())
	preview := binding.Preview()
	w, err := report.CreateResultFile(out, report.WriterOptions{
		Format: row.FormatCSV, Delimiter: src.Delimiter(), Header: outputHeader(src.Header(), keep, previewColumns(validateResultColumns, preview)),
		OwrFrom: len(keep), StatusCol: len(keep) + 1, OKStatuses: okStatuses,
	})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[row.Status]int{}
	chk := newChecker(binding, src)
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		v := chk.check(rec)
		counts[v.Status]++
		extra := preview.AppendValues([]string{strconv.Itoa(rec.Row), string(v.Status), v.message(cellNamer(src, rec.Row))}, &v.Customer)
		if err := w.Write(outputRow(rec.Values, keep, extra...)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// TestValidatePipelineMatchesReference checks that the parallel pipeline
// (mapping workers, encoding ahead, duplicate check in file order) writes
// byte for byte what the row-by-row rendering writes.
func TestValidatePipelineMatchesReference(t *testing.T) {
	for _, rows := range []int{1, batchSize, 3*batchSize + 17} {
		t.Run(strconv.Itoa(rows), func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "klanten.csv")
			writePipelineCSV(t, in, rows)
			refDir := filepath.Join(dir, "ref")
			if err := os.Mkdir(refDir, 0o755); err != nil {
				t.Fatal(err)
			}
			wantCounts := referenceValidate(t, in, filepath.Join(refDir, "klanten.validated.csv"))

			sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t), OutDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "klanten.validated.csv"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(refDir, "klanten.validated.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\r\n"), strings.Split(string(want), "\r\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("results differ at line %d:\n got %q\nwant %q", i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("results differ in length: %d lines, want %d", len(gl), len(wl))
			}
			if sum.Rows != rows {
				t.Errorf("Rows = %d, want %d", sum.Rows, rows)
			}
			for st, n := range wantCounts {
				if sum.Counts[st] != n {
					t.Errorf("Counts[%s] = %d, want %d (all: %v)", st, sum.Counts[st], n, sum.Counts)
				}
			}
			if rows > batchSize && (wantCounts[row.StatusDuplicate] == 0 || wantCounts[row.StatusInvalid] == 0) {
				t.Errorf("the test file should hold duplicates and invalid rows: %v", wantCounts)
			}
		})
	}
}

// TestValidateCancelled checks that a cancelled Validate stops with the
// context's error and leaves no results file behind.
func TestValidateCancelled(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "klanten.csv")
	writePipelineCSV(t, in, 4*batchSize)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Validate(ctx, Input{Path: in, Mapping: testMapping(t), OutDir: dir}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Validate = %v, want context.Canceled", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "klanten.csv" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestRowsHint checks the CSV source's estimate of its size, which sizes
// the duplicate index up front.
func TestRowsHint(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "klanten.csv")
	writePipelineCSV(t, in, 5000)
	src, _, err := openMapped(Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := rowsHint(src); got < 4000 || got > 6500 {
		t.Errorf("rowsHint = %d for 5000 rows, want about 5000", got)
	}
}
