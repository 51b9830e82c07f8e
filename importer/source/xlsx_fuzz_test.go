package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"testing"
)

// srcFuzzRead opens data as a workbook and reads it: it must not panic, every
// error must be an *row.InputError, and every record must fit the header
// and come after the one before.
func srcFuzzRead(t *testing.T, data []byte) {
	path := filepath.Join(t.TempDir(), "fuzz.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSource(path, SourceOptions{})
	var ie *row.InputError
	if err != nil {
		if !errors.As(err, &ie) {
			t.Fatalf("OpenSource error %T: %v", err, err)
		}
		return
	}
	defer s.Close()
	width, prev := len(s.Header()), s.HeaderRow()
	for range 10_000 {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if !errors.As(err, &ie) {
				t.Fatalf("Next error %T: %v", err, err)
			}
			return
		}
		if len(rec.Values) != width || rec.Row <= prev {
			t.Fatalf("record %+v after row %d, header width %d", rec, prev, width)
		}
		prev = rec.Row
	}
}

// srcStoredZip builds a zip of the given parts, stored uncompressed, so
// that a fuzzer's change to a part's bytes stays a change to its XML.
func srcStoredZip(t testing.TB, names []string, parts [][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(parts[i])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzXLSXBytes mutates whole workbooks, zip structure included: a small
// one from excelize, a minimal hand-made one and a stored one.
func FuzzXLSXBytes(f *testing.F) {
	client := excelizeBytes(f)
	f.Add(client)
	f.Add(srcInflatingZip(f, srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail}, srcSharedStrings("", 0))))
	var names []string
	var parts [][]byte
	for _, p := range srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail}, srcSharedStrings("", 0)) {
		names, parts = append(names, p.name), append(parts, []byte(p.head+p.tail))
	}
	f.Add(srcStoredZip(f, names, parts))
	f.Fuzz(func(t *testing.T, data []byte) {
		srcFuzzRead(t, data)
	})
}

// FuzzXLSXParts mutates the XML parts of a workbook, in a valid zip: the
// sheet, the shared strings, the styles and the workbook part.
func FuzzXLSXParts(f *testing.F) {
	base := srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail}, srcSharedStrings("", 0))
	styles := `<styleSheet ` + srcNSMain + `><numFmts count="1"><numFmt numFmtId="164" formatCode="00000"/></numFmts>` +
		`<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`
	sheet := srcSheetHead + `<row r="2"><c r="A2" s="1"><v>1300</v></c><c r="B2" t="s"><v>0</v></c></row>` + srcSheetTail
	f.Add([]byte(sheet), []byte(base[5].head+base[5].tail), []byte(styles), []byte(base[2].head))
	f.Add([]byte(srcSheetHead+`<row><c t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>b</t></r></is></c></row>`+srcSheetTail),
		[]byte(`<sst><si><t xml:space="preserve"> x </t></si></sst>`), []byte(styles), []byte(base[2].head))
	f.Fuzz(func(t *testing.T, sheet, sst, styles, workbook []byte) {
		names := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
			"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"}
		parts := [][]byte{[]byte(base[0].head), []byte(base[1].head), workbook, []byte(base[3].head), sheet, sst, styles}
		srcFuzzRead(t, srcStoredZip(t, names, parts))
	})
}

// excelizeBytes is a small workbook as excelize writes it.
func excelizeBytes(t testing.TB) []byte {
	f := srcClientWorkbook(t)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
