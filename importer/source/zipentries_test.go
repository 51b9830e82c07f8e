package source

import (
	"archive/zip"
	"bytes"
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

// FuzzZipEntries: the count read from the end record never panics, and
// whenever the zip reader accepts the file, it is the number of entries
// the reader lists, so the limit judges the directory the reader reads.
func FuzzZipEntries(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte("<x/>"))
	}
	zw.SetComment("PK\x05\x06 a comment that looks like an end record")
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.xlsx")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		n, ok := zipEntries(p)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err == nil && (!ok || n != len(zr.File)) {
			t.Fatalf("zipEntries = %d, %v; the zip reader lists %d entries", n, ok, len(zr.File))
		}
	})
}
