package source

import (
	"encoding/xml"
	"io"
	"path/filepath"
	"strings"
)

// maxWorkbookPart bounds what is read of a workbook's sheet list: a real one
// is a few kilobytes.
const maxWorkbookPart = 4 << 20

// VisibleSheets lists the visible sheets of an .xlsx or .xlsm in workbook
// order by reading only its workbook part, so a large export answers at
// once (a shell completing --sheet, the studio's sheet list). A file that
// is not a readable workbook gives nil; this never panics.
func VisibleSheets(path string) (names []string) {
	defer func() {
		if recover() != nil {
			names = nil
		}
	}()
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".xlsx" && ext != ".xlsm" {
		return nil
	}
	zr, err := openZip(path)
	if err != nil {
		return nil
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, "xl/workbook.xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		defer rc.Close()
		return sheetNames(io.LimitReader(rc, maxWorkbookPart))
	}
	return nil
}

// sheetNames reads the <sheet name=".." state=".."> elements of a workbook
// part, leaving out hidden sheets, as Excel does not show them; nil when
// the part does not parse.
func sheetNames(r io.Reader) []string {
	dec := xml.NewDecoder(r)
	var names []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // a workbook part always closes <sheets>
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if name, ok := visibleSheet(el); ok {
				names = append(names, name)
			}
		case xml.EndElement:
			if el.Name.Local == "sheets" {
				return names
			}
		}
	}
}

// visibleSheet is the name of a <sheet> element that is not hidden.
func visibleSheet(el xml.StartElement) (string, bool) {
	if el.Name.Local != "sheet" {
		return "", false
	}
	var name, state string
	for _, a := range el.Attr {
		switch a.Name.Local {
		case "name":
			name = a.Value
		case "state":
			state = a.Value
		}
	}
	return name, name != "" && state != "hidden" && state != "veryHidden"
}
