package source

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/importer/row"
)

// writeManyEntries writes a zip of n empty entries named like workbook
// parts: a few MB on disk whose central directory alone would cost the
// zip reader hundreds of bytes of memory per entry.
func writeManyEntries(t *testing.T, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "many.xlsx")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/p" + thousands(i) + ".bin", Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.Create("xl/workbook.xml")
	w.Write([]byte(`<workbook><sheets><sheet name="Klanten"/></sheets></workbook>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// TestWorkbookWithTooManyEntries: a workbook of more parts than any real
// one has is refused before its directory is read, naming the limit; both
// below and above 65,535 entries (where the zip format changes).
func TestWorkbookWithTooManyEntries(t *testing.T) {
	for _, n := range []int{maxZipEntries + 1, 70_000} {
		p := writeManyEntries(t, n)
		_, err := OpenSource(p, SourceOptions{})
		var ie *row.InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Message, thousands(maxZipEntries)) {
			t.Errorf("%d entries: %v, want an input error naming the limit", n, err)
		}
		if got := VisibleSheets(p); got != nil {
			t.Errorf("%d entries: sheets %q, want none", n, got)
		}
	}
	if n, ok := zipEntries(writeManyEntries(t, 3)); !ok || n != 4 {
		t.Errorf("zipEntries = %d, %v; want 4", n, ok)
	}
}
