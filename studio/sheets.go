package studio

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"net/http"
	"path/filepath"
	"strings"
)

// maxWorkbookPart bounds what is read of a workbook's sheet list: a real
// one is a few kilobytes.
const maxWorkbookPart = 4 << 20

// workbookSheets lists the visible sheets of a workbook in order, reading
// only its workbook part, so a large export answers at once. A file that
// is not a readable workbook gives nil.
func workbookSheets(path string) []string {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".xlsx" && ext != ".xlsm" {
		return nil
	}
	zr, err := zip.OpenReader(path)
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

// sheetNames reads the <sheet name=... state=...> elements of a workbook
// part; hidden sheets are left out, as Excel does not show them.
func sheetNames(r io.Reader) []string {
	var names []string
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err != nil {
			return names
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "sheet" {
			continue
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
		if name != "" && state != "hidden" && state != "veryHidden" {
			names = append(names, name)
		}
	}
}

func (s *session) handleSheets(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	p, ok := s.inFolder(name)
	if !ok {
		fail(w, http.StatusNotFound, msg.noFile, name, s.dir)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sheets": workbookSheets(p)})
}
