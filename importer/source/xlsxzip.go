package source

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/row"
	"path"
	"strings"
)

// Checking a workbook before excelize opens it.
//
// A workbook is a zip of XML parts, and excelize trusts it: it unpacks
// every part (into memory, or into a temporary file for large sheets),
// parses several of them whole, and builds in memory whatever a part
// describes. So a workbook of a few hundred KB can take gigabytes: an
// unused part that unpacks to 1 GB, 40 million shared strings, a cell of
// 300 MB, a row of ten million cells, elements nested ten million deep. And
// a part that unpacks to more than its header claims is cut short without
// a word, rows and all.
//
// inspectWorkbook therefore reads the zip first:
//
//   - it keeps only the parts excelize reads values from (the content
//     types, the relationships, the workbook, the styles, the shared
//     strings and the sheets), so media, pivot caches, calculation chains,
//     printer settings and the like cost nothing, whatever their size;
//   - it checks the declared size of each part it keeps, and their total,
//     against the limits below;
//   - it unpacks each kept part once, as a stream, and checks it: that it
//     unpacks to exactly its declared size with the right checksum, and
//     that its XML has no piece (a text, a tag) over maxXMLTokenBytes, no
//     nesting deeper than maxXMLDepth, no row of more than maxColumns
//     cells and no more than maxSharedStrings shared strings, each refusal
//     naming the limit, the sheet and the cell;
//   - it writes the parts kept, unpacked as it checked them, to a temporary
//     workbook that stores them uncompressed, and gives excelize that one:
//     excelize then only copies what it would have unpacked a second time.
//
// This costs about 5% of the time excelize takes to read the sheets
// (BenchmarkXLSXSource), and disk space for the copy until excelize has
// opened it.

// Workbook limits. A customer list of 800,000 rows of a dozen short
// columns fits (Excel holds 1,048,576 rows); what does not is not a
// customer export.
const (
	// maxWorkbookBytes bounds the parts read, together, once unpacked.
	maxWorkbookBytes = 1 << 30
	// maxSheetXMLBytes bounds one sheet's XML once unpacked. excelize
	// streams large sheets from a temporary file, so this bounds the time
	// (excelize reads about 10 MB of XML a second: 25 s at most) and the
	// disk, not the memory.
	maxSheetXMLBytes = 256 << 20
	// maxSharedStringsXMLBytes bounds the shared-strings table's XML,
	// which excelize reads whole before the first row.
	maxSharedStringsXMLBytes = 128 << 20
	// maxSharedStrings bounds the number of different texts in a
	// workbook. excelize keeps about 40 bytes per shared string in memory
	// for a large table (its offset in a temporary file), so this bounds
	// that memory to about 100 MB.
	maxSharedStrings = 2_000_000
	// maxPartBytes bounds every other part kept (workbook, styles,
	// relationships, content types), which excelize parses whole in
	// memory, at several times their size.
	maxPartBytes = 16 << 20
	// maxInMemoryBytes bounds the parts excelize holds in memory,
	// together: the ones above and the sheets and shared strings under
	// xlsxUnzipXMLSizeLimit.
	maxInMemoryBytes = 64 << 20
	// maxXMLTokenBytes bounds one piece of XML (a text, a tag with its
	// attributes, a comment), which encoding/xml holds whole: twice the
	// largest cell (maxCellBytes), for the escapes of & < >.
	maxXMLTokenBytes = 2 * maxCellBytes
	// maxXMLDepth bounds the nesting of elements; a sheet nests about
	// eight deep.
	maxXMLDepth = 100
)

// partKind is what a kept part is, for its limits and messages.
type partKind int

const (
	partOther partKind = iota
	partSheet
	partSharedStrings
)

// keptPart is a part of the workbook excelize is given.
type keptPart struct {
	zf    *zip.File
	name  string // normalised: forward slashes
	kind  partKind
	sheet string // partSheet: the sheet's name, for messages
}

// workbookPlan is what inspectWorkbook made: the file excelize opens.
type workbookPlan struct {
	path string // the temporary copy with only the parts kept, unpacked
}

// cleanup removes the temporary copy, once excelize has read it.
func (p *workbookPlan) cleanup() { os.Remove(p.path) }

// inspectWorkbook checks the workbook at path as explained above.
func inspectWorkbook(path string) (*workbookPlan, error) {
	zr, err := openZip(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	parts, err := keptParts(path, zr.File)
	if err != nil {
		return nil, err
	}
	if err := checkDeclaredSizes(path, parts); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "owr-import-*.xlsx")
	if err != nil {
		return nil, copyFailed(path, err)
	}
	if err = copyParts(path, parts, tmp); err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return &workbookPlan{path: tmp.Name()}, nil
}

// copyParts checks each part as it unpacks it into a new workbook written
// to f, stored uncompressed, and closes f.
func copyParts(path string, parts []keptPart, f *os.File) error {
	zw := zip.NewWriter(f)
	var err error
	for _, p := range parts {
		var w io.Writer
		if w, err = zw.CreateHeader(&zip.FileHeader{Name: p.zf.Name, Method: zip.Store}); err != nil {
			err = copyFailed(path, err)
			break
		}
		scan := &xmlScan{path: path, part: p}
		if err = unpackPart(path, p, io.MultiWriter(scan, copyWriter{w})); err != nil {
			break
		}
	}
	if err == nil {
		if err = zw.Close(); err != nil {
			err = copyFailed(path, err)
		}
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = copyFailed(path, cerr)
	}
	return err
}

// copyWriter marks the errors of writing the copy, which are no fault of
// the workbook.
type copyWriter struct{ w io.Writer }

func (c copyWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil {
		err = copyFailed("", err)
	}
	return n, err
}

// copyFailed is the error for a copy that could not be written.
func copyFailed(path string, err error) *row.InputError {
	return inputErr(path, "the workbook could not be prepared for reading (is the temporary folder full?)",
		"Free some disk space, or save the sheet as CSV UTF-8.", err)
}

// The parts excelize reads at fixed names.
const (
	nameContentTypes  = "[Content_Types].xml"
	nameRootRels      = "_rels/.rels"
	nameStyles        = "xl/styles.xml"
	nameSharedStrings = "xl/sharedStrings.xml"
)

// keptParts finds, the way excelize does, the parts it reads values from.
// It follows excelize's own order of look-ups (content types, relations,
// workbook, sheets, shared strings, styles) step by step, which is why it
// is one function: each step needs what the previous one found.
func keptParts(path string, files []*zip.File) ([]keptPart, error) {
	byName := make(map[string]*zip.File, len(files))
	for _, zf := range files {
		name := strings.ReplaceAll(zf.Name, `\`, "/")
		switch {
		case strings.EqualFold(name, nameContentTypes):
			name = nameContentTypes
		case strings.EqualFold(name, nameSharedStrings):
			name = nameSharedStrings
		}
		byName[name] = zf
	}
	damaged := func(what string, cause error) error {
		return inputErr(path, "the workbook is damaged: "+what, hintSaveAs, cause)
	}
	rels, err := readRels(path, byName[nameRootRels], nameRootRels)
	if err != nil {
		return nil, err
	}
	wbPath := ""
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if byName[wbPath] == nil {
		return nil, damaged("it has no workbook part (xl/workbook.xml)", nil)
	}
	wbRelsPath := workbookRelsPath(wbPath)
	wbRels, err := readRels(path, byName[wbRelsPath], wbRelsPath)
	if err != nil {
		return nil, err
	}
	sheets, err := readSheetList(path, byName[wbPath], wbPath)
	if err != nil {
		return nil, err
	}
	sheetOf := map[string]string{} // part name -> sheet name
	for _, s := range sheets {
		for _, r := range wbRels {
			if r.ID == s.id {
				sheetOf[sheetPartPath(wbPath, r.Target)] = s.name
			}
		}
	}
	var parts []keptPart
	for _, zf := range files {
		name := strings.ReplaceAll(zf.Name, `\`, "/")
		p := keptPart{zf: zf, name: name}
		switch sheet, isSheet := sheetOf[name]; {
		case isSheet:
			p.kind, p.sheet = partSheet, sheet
		case strings.EqualFold(name, nameSharedStrings):
			p.kind = partSharedStrings
		case strings.EqualFold(name, nameContentTypes), name == nameRootRels, name == wbPath, name == wbRelsPath, name == nameStyles:
		default:
			continue // not read by excelize for values: dropped
		}
		parts = append(parts, p)
	}
	return parts, nil
}

// workbookRelsPath is excelize's getWorkbookRelsPath.
func workbookRelsPath(wbPath string) string {
	dir := path.Dir(wbPath)
	if dir == "." {
		return "_rels/" + path.Base(wbPath) + ".rels"
	}
	return strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "/")
}

// sheetPartPath is excelize's getWorksheetPath: where a relationship's
// target from the workbook points.
func sheetPartPath(wbPath, target string) string {
	p := path.Dir(wbPath) + "/" + target
	if strings.HasPrefix(target, "/") {
		p = target
	}
	return strings.TrimPrefix(strings.ReplaceAll(path.Clean(p), `\`, "/"), "/")
}

// relationship is one entry of a .rels part.
type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels reads a small relationships part; a missing one has none.
func readRels(path string, zf *zip.File, name string) ([]relationship, error) {
	var rels struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := readSmallXML(path, zf, name, &rels); err != nil {
		return nil, err
	}
	return rels.Rels, nil
}

// sheetEntry is a sheet of the workbook part: its name and relationship.
type sheetEntry struct{ name, id string }

// readSheetList reads the sheets of the workbook part.
func readSheetList(path string, zf *zip.File, name string) ([]sheetEntry, error) {
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readSmallXML(path, zf, name, &wb); err != nil {
		return nil, err
	}
	out := make([]sheetEntry, 0, len(wb.Sheets))
	for _, s := range wb.Sheets {
		e := sheetEntry{name: s.Name}
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				e.id = a.Value
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// readSmallXML checks and decodes a part that must be small (at most
// maxPartBytes), such as the workbook and its relationships. A missing
// part decodes as empty.
func readSmallXML(path string, zf *zip.File, name string, v any) error {
	if zf == nil {
		return nil
	}
	p := keptPart{zf: zf, name: name}
	if err := checkDeclaredSizes(path, []keptPart{p}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := unpackPart(path, p, &buf); err != nil {
		return err
	}
	if err := xml.Unmarshal(buf.Bytes(), v); err != nil && !errors.Is(err, io.EOF) {
		return inputErr(path, "the workbook is damaged: "+name+" is not valid XML", hintSaveAs, err)
	}
	return nil
}

// checkDeclaredSizes checks what the parts say they unpack to.
func checkDeclaredSizes(path string, parts []keptPart) error {
	var total, inMemory uint64
	for _, p := range parts {
		size := p.zf.UncompressedSize64
		total += size
		limit, what := uint64(maxPartBytes), "the workbook part "+p.name
		switch p.kind {
		case partSheet:
			limit, what = maxSheetXMLBytes, "the sheet"
		case partSharedStrings:
			limit, what = maxSharedStringsXMLBytes, "the shared strings (all the texts of the workbook)"
		}
		if size > limit {
			return &row.InputError{Path: path, Sheet: p.sheet, Hint: hintTooLarge,
				Message: fmt.Sprintf("%s is %s once unpacked; at most %s is read", what, megabytes(size), megabytes(limit))}
		}
		if p.kind == partOther || size <= xlsxUnzipXMLSizeLimit || (p.kind == partSheet && !excelizeStreams(p.name)) {
			inMemory += size
		}
	}
	switch {
	case total > maxWorkbookBytes:
		return inputErr(path, fmt.Sprintf("the workbook's sheets and texts are %s once unpacked; at most %s is read",
			megabytes(total), megabytes(maxWorkbookBytes)), hintTooLarge, nil)
	case inMemory > maxInMemoryBytes:
		return inputErr(path, fmt.Sprintf("the workbook's small sheets and other parts are %s once unpacked; at most %s is read",
			megabytes(inMemory), megabytes(maxInMemoryBytes)), hintTooLarge, nil)
	}
	return nil
}

// excelizeStreams reports whether excelize reads a large sheet at this
// path from a temporary file rather than from memory.
func excelizeStreams(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "xl/worksheets/sheet")
}

// hintTooLarge is the advice for a workbook beyond a limit.
const hintTooLarge = "Check that this is the right file. If it is, open it in your spreadsheet program, copy the customer sheet to a new workbook " +
	"and save that as .xlsx, or save the sheet as CSV UTF-8."

// megabytes writes a size for a consultant: "512 MB", "2 MB", "2.5 GB".
func megabytes(n uint64) string {
	switch {
	case n%(1<<30) == 0 && n > 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n%(1<<20) == 0 || n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// unpackPart unpacks a part into w, checking that it unpacks to exactly its
// declared size and checksum (archive/zip checks both). An error from w
// is returned as is.
func unpackPart(path string, p keptPart, w io.Writer) error {
	rc, err := p.zf.Open()
	if err == nil {
		_, err = io.Copy(w, rc)
		rc.Close()
	}
	var ie *row.InputError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		if ie.Path == "" { // from copyWriter
			ie.Path = path
		}
		return ie
	}
	return &row.InputError{Path: path, Sheet: p.sheet, Err: err, Hint: hintSaveAs,
		Message: "the workbook is damaged: its part " + p.name + " does not unpack to what its header says"}
}
