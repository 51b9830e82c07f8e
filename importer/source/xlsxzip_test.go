package source

import (
	"archive/zip"
	"errors"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// srcScanXML runs xmlScan over data written in pieces of size n (0: all at
// once) and returns its error.
func srcScanXML(data []byte, kind partKind, n int) error {
	s := &xmlScan{path: "k.xlsx", part: keptPart{name: "xl/worksheets/sheet1.xml", kind: kind, sheet: "Klanten"}}
	if n == 0 {
		n = len(data) + 1
	}
	for i := 0; i < len(data); i += n {
		if _, err := s.Write(data[i:min(len(data), i+n)]); err != nil {
			return err
		}
	}
	return nil
}

func TestXMLScan(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("<a>", n) + strings.Repeat("</a>", n) }
	cells := func(n int) string { return `<row r="7">` + strings.Repeat(`<c><v>1</v></c>`, n) + `</row>` }
	big := strings.Repeat("A", maxXMLTokenBytes+1)
	tests := []struct {
		name string
		kind partKind
		xml  string
		want []string // in the error; nil: none
	}{
		{name: "a sheet", kind: partSheet, xml: srcSheetHead + srcDataRow + srcSheetTail},
		{name: "comments, CDATA, instructions, > in attributes", kind: partSheet,
			xml: `<?xml version="1.0"?><!-- a <comment> --><w a='x>y' b="<"><![CDATA[ <not a tag> ]]><x/><?pi ?></w>`},
		{name: "100 deep", kind: partOther, xml: deep(maxXMLDepth)},
		{name: "101 deep", kind: partOther, xml: deep(maxXMLDepth + 1), want: []string{"nested more than 100 deep"}},
		{name: "self-closing elements do not nest", kind: partOther, xml: "<a>" + strings.Repeat("<b/><c />", 500) + "</a>"},
		{name: "16,384 cells in a row", kind: partSheet, xml: "<sheetData>" + cells(maxColumns) + "</sheetData>"},
		{name: "16,385 cells in a row", kind: partSheet, xml: "<sheetData>" + cells(maxColumns+1) + "</sheetData>",
			want: []string{`sheet "Klanten" row 7`, "more than 16,384 cells"}},
		{name: "a document type declaration", kind: partOther, xml: `<!DOCTYPE x [<!ENTITY a "b">]><x/>`, want: []string{"DOCTYPE"}},
		{name: "a cell of more than 2 MB", kind: partSheet, xml: `<row r="3"><c r="D3" t="inlineStr"><is><t>` + big + `</t></is></c></row>`,
			want: []string{`row 3, column "D3"`, "more than 2 MB"}},
		{name: "an attribute of more than 2 MB", kind: partOther, xml: `<a b="` + big + `"/>`, want: []string{"a piece of XML larger than 2 MB"}},
		{name: "a comment of more than 2 MB", kind: partOther, xml: `<a><!--` + big + `--></a>`, want: []string{"larger than 2 MB"}},
		{name: "a shared string of more than 2 MB", kind: partSharedStrings, xml: `<sst><si><t>a</t></si><si><t>` + big + `</t></si></sst>`,
			want: []string{"shared string 2", "larger than 2 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{0, 1, 7, 4096} {
				if n == 1 && len(tt.xml) > 1<<20 {
					continue
				}
				err := srcScanXML([]byte(tt.xml), tt.kind, n)
				if tt.want == nil {
					if err != nil {
						t.Fatalf("in pieces of %d: %v", n, err)
					}
					continue
				}
				var ie *row.InputError
				if !errors.As(err, &ie) {
					t.Fatalf("in pieces of %d: error %v, want *row.InputError", n, err)
				}
				for _, w := range tt.want {
					if !strings.Contains(ie.Error(), w) {
						t.Errorf("in pieces of %d: %q lacks %q", n, ie.Error(), w)
					}
				}
			}
		})
	}
}

// FuzzXMLScan feeds the XML check any bytes in any pieces: it must never
// panic, and whether it refuses them must not depend on the pieces.
func FuzzXMLScan(f *testing.F) {
	f.Add([]byte(srcSheetHead+srcDataRow+srcSheetTail), uint8(3))
	f.Add([]byte(`<?x?><!--a--><![CDATA[b]]><a x='>'/>`), uint8(1))
	f.Add([]byte(`<!DOCTYPE a><a/>`), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		for kind := partOther; kind <= partSharedStrings; kind++ {
			whole := srcScanXML(data, kind, 0)
			pieces := srcScanXML(data, kind, int(n)+1)
			if (whole == nil) != (pieces == nil) {
				t.Fatalf("kind %d: whole %v, in pieces of %d %v", kind, whole, int(n)+1, pieces)
			}
			var ie *row.InputError
			if whole != nil && !errors.As(whole, &ie) {
				t.Fatalf("error %T: %v", whole, whole)
			}
		}
	})
}

// srcZipNames lists the entries of the zip at path.
func srcZipNames(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

func TestInspectWorkbook(t *testing.T) {
	t.Run("an Excel-like workbook keeps the parts read, unpacked, and drops the rest", func(t *testing.T) {
		path := srcSave(t, srcClientWorkbook(t), "k.xlsx")
		plan, err := inspectWorkbook(path)
		if err != nil {
			t.Fatal(err)
		}
		defer plan.cleanup()
		want := []string{"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml",
			"xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"}
		if got := srcZipNames(t, plan.path); !reflect.DeepEqual(got, want) {
			t.Errorf("kept %q\nwant %q", got, want)
		}
		zr, err := zip.OpenReader(plan.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Method != zip.Store {
				t.Errorf("%s is compressed", f.Name)
			}
		}
		zr.Close()
		plan.cleanup()
		if _, err := os.Stat(plan.path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the copy is left behind: %v", err)
		}
	})
	t.Run("a refused workbook leaves no copy", func(t *testing.T) {
		before, _ := filepath.Glob(filepath.Join(os.TempDir(), "owr-import-*.xlsx"))
		path := srcWriteFile(t, "deep.xlsx", srcInflatingZip(t, srcWorkbookParts(srcPart{head: srcSheetHead + strings.Repeat("<r>", 200)})))
		if _, err := inspectWorkbook(path); err == nil {
			t.Fatal("no error")
		}
		after, _ := filepath.Glob(filepath.Join(os.TempDir(), "owr-import-*.xlsx"))
		if len(after) > len(before) {
			t.Errorf("copies left: %q", after)
		}
	})
	t.Run("a sheet where excelize does not stream it is read", func(t *testing.T) {
		parts := srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail}, srcSharedStrings("", 0))
		parts[3].head = strings.Replace(parts[3].head, "worksheets/sheet1.xml", "/xl/data/klanten.xml", 1)
		parts[4].name = "xl/data/klanten.xml"
		s := srcOpen(t, "odd.xlsx", srcInflatingZip(t, parts), SourceOptions{})
		if got := srcReadAll(t, s); len(got) != 1 || got[0].Values[1] != "Peeters" {
			t.Errorf("records %+v", got)
		}
	})
	t.Run("no workbook part", func(t *testing.T) {
		parts := srcWorkbookParts(srcPart{head: srcSheetHead + srcSheetTail})
		parts[1].head = `<Relationships ` + srcNSRels + `/>`
		_, err := OpenSource(srcWriteFile(t, "nowb.xlsx", srcInflatingZip(t, parts)), SourceOptions{})
		if err == nil || !strings.Contains(err.Error(), "no workbook part") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("in-memory parts together", func(t *testing.T) {
		// 20 sheets of 4 MB each, each small enough to be held in memory.
		parts := srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail}, srcSharedStrings("", 0))
		var sheets, rels strings.Builder
		for i := range 20 {
			id := "rId" + string(rune('a'+i))
			name := "xl/worksheets/sheet" + id + ".xml"
			sheets.WriteString(`<sheet name="S` + id + `" sheetId="9` + id + `" r:id="` + id + `"/>`)
			rels.WriteString(`<Relationship Id="` + id + `" Type="` + srcRelDoc + `worksheet" Target="/` + name + `"/>`)
			parts = append(parts, srcPart{name: name, head: srcSheetHead, body: strings.Repeat("<row/>", 1<<16), copies: 10, tail: srcSheetTail})
		}
		parts[2].head = strings.Replace(parts[2].head, "</sheets>", sheets.String()+"</sheets>", 1)
		parts[3].head = strings.Replace(parts[3].head, "</Relationships>", rels.String()+"</Relationships>", 1)
		_, err := OpenSource(srcWriteFile(t, "many.xlsx", srcInflatingZip(t, parts)), SourceOptions{})
		if err == nil || !strings.Contains(err.Error(), "at most 64 MB") {
			t.Fatalf("error %v", err)
		}
	})
}

func TestMegabytes(t *testing.T) {
	for n, want := range map[uint64]string{1 << 20: "1 MB", 2 << 20: "2 MB", 1536 << 10: "1.5 MB", 300 << 20: "300 MB",
		1 << 30: "1 GB", 3 << 29: "1.5 GB", 12345678: "11 MB"} {
		if got := megabytes(n); got != want {
			t.Errorf("megabytes(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 16384: "16,384", 2000000: "2,000,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
