package report

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
)

// excelize's StreamWriter writes a sheet's <dimension> (its used range)
// when the sheet is started, before any row, from the empty sheet: it
// always says "A1". Excel ignores it, but readers that trust it (openpyxl
// in read-only mode, Power BI, some import wizards) then see one cell.
// excelize has no way to set it afterwards for a streamed sheet (an open
// pull request, qax-os/excelize#2323, proposes a placeholder rewritten at
// Flush). So the workbook is written through patchZip, which rewrites that
// one element as the sheet's part passes through to the zip, before it is
// compressed: no second pass over the file and nothing held in memory but
// the first few kilobytes of the sheet.

// patchZip is the excelize.ZipWriter of a results workbook: a zip.Writer
// whose sheet parts named in dims get their <dimension> element replaced
// by the given range.
type patchZip struct {
	*zip.Writer
	dims    map[string]string // part name -> range, e.g. "A1:F5"
	pending *dimensionPatch   // the part being written, if it is patched
}

func newPatchZip(w io.Writer, dims map[string]string) *patchZip {
	return &patchZip{Writer: zip.NewWriter(w), dims: dims}
}

// sheetPart is the zip part of the sheet with the given sheet id, as
// excelize names it: sheet1.xml for a new file's first sheet.
func sheetPart(sheetID int) string {
	return "xl/worksheets/sheet" + strconv.Itoa(sheetID) + ".xml"
}

// Create starts a part; a patched sheet gets a writer that fixes its
// dimension on the way.
func (z *patchZip) Create(name string) (io.Writer, error) {
	if err := z.finishPending(); err != nil {
		return nil, err
	}
	w, err := z.Writer.Create(name)
	if err != nil {
		return nil, err
	}
	ref, ok := z.dims[name]
	if !ok {
		return w, nil
	}
	z.pending = &dimensionPatch{w: w, elem: `<dimension ref="` + ref + `"/>`}
	return z.pending, nil
}

// Close ends the last part and the zip.
func (z *patchZip) Close() error {
	if err := z.finishPending(); err != nil {
		return err
	}
	return z.Writer.Close()
}

// finishPending writes out what a patched part still holds: only a sheet
// too short to reach its <sheetData>, which excelize never writes.
func (z *patchZip) finishPending() error {
	p := z.pending
	z.pending = nil
	if p == nil {
		return nil
	}
	return p.flush()
}

// dimensionHeadLimit bounds how much of a sheet's start is held while
// looking for its dimension: excelize writes it within the first 3 KB
// (the XML declaration, the namespaces, sheetPr). Past this, or past the
// start of the data, the sheet is passed on untouched.
const dimensionHeadLimit = 64 << 10

// dimensionPatch holds the start of a sheet part until it has seen the
// whole <dimension> element, writes the start with elem in its place, and
// then passes every later byte straight through.
type dimensionPatch struct {
	w       io.Writer
	elem    string // the replacement element
	head    []byte // the start of the part, until the dimension is found
	through bool   // the dimension is replaced (or cannot be): pass bytes on
}

func (d *dimensionPatch) Write(p []byte) (int, error) {
	if d.through {
		return d.w.Write(p)
	}
	// Look in p itself when nothing is held: excelize hands a sheet under
	// 16 MB over in one Write, which is not worth copying.
	b := p
	if len(d.head) > 0 {
		d.head = append(d.head, p...)
		b = d.head
	}
	start, end, found := findDimension(b)
	switch {
	case found:
		d.head, d.through = nil, true
		for _, part := range [][]byte{b[:start], []byte(d.elem), b[end:]} {
			if _, err := d.w.Write(part); err != nil {
				return 0, err
			}
		}
	case end < 0 || len(b) > dimensionHeadLimit:
		// No dimension before the data, or not in the first 64 KB: not
		// a sheet excelize wrote; leave it as it is.
		d.head, d.through = nil, true
		if _, err := d.w.Write(b); err != nil {
			return 0, err
		}
	case len(d.head) == 0:
		d.head = append(d.head, p...) // the element goes on in the next Write
	}
	return len(p), nil
}

// flush writes what is held and passes everything after it through.
func (d *dimensionPatch) flush() error {
	head := d.head
	d.head, d.through = nil, true
	if len(head) == 0 {
		return nil
	}
	_, err := d.w.Write(head)
	return err
}

// findDimension finds the <dimension> element in the start of a sheet:
// either <dimension .../> or <dimension ...></dimension>, as
// encoding/xml writes it. found says the whole element is in b, from
// start to end; when it is not, end is -1 if the data (<sheetData) starts
// before any dimension, so there is none to find, and 0 if more of the
// sheet is needed.
func findDimension(b []byte) (start, end int, found bool) {
	data := bytes.Index(b, []byte("<sheetData"))
	start = bytes.Index(b, []byte("<dimension"))
	if start < 0 || (data >= 0 && data < start) {
		if data >= 0 {
			return 0, -1, false
		}
		return 0, 0, false
	}
	gt := bytes.IndexByte(b[start:], '>')
	if gt < 0 {
		return 0, 0, false
	}
	end = start + gt + 1
	if b[end-2] == '/' {
		return start, end, true
	}
	closing := bytes.Index(b[end:], []byte("</dimension>"))
	if closing < 0 {
		return 0, 0, false
	}
	return start, end + closing + len("</dimension>"), true
}
