package mapping

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"golang.org/x/text/encoding/htmlindex"
)

// decoder walks the YAML syntax tree of a mapping file against the format,
// recording every deviation with its position. Working on the tree rather
// than decoding into structs is what lets every message carry a line and a
// column, and lets unknown keys be caught at any level.
type decoder struct {
	errs      *errorList
	m         *Mapping
	attempted [numFields]bool // written in the file, even if with errors
}

var (
	topKeys    = []string{"version", "source", "fields"}
	sourceKeys = []string{"sheet", "header_row", "delimiter", "encoding"}
	fieldKeys  = []string{"column", "columns", "join", "value", "transform", "default", "severity", "values"}
)

// maxSheetRows is the number of rows of a spreadsheet, the largest sensible
// header_row.
const maxSheetRows = 1 << 20

// exampleHeaders are typical headers per field, for hints.
var exampleHeaders = [numFields]string{
	fExtCustomerID:     "Klant ID",
	fExtCustomerNumber: "Klantnummer",
	fName:              "Naam",
	fEnterpriseNumber:  "BTW-nummer",
	fStreet:            "Straat",
	fStreetNumber:      "Huisnummer",
	fCity:              "Gemeente",
	fPostalCode:        "Postcode",
	fCountry:           "Land",
}

func (d *decoder) file(f *ast.File) {
	var body ast.Node
	for i, doc := range f.Docs {
		if i == 0 {
			body = doc.Body
			continue
		}
		if doc.Body != nil {
			d.errs.add(posOf(doc.Body), "a mapping file holds one document, but a second one starts here", "Remove the '---' line and what follows, or merge it into the first part.")
		}
	}
	if body == nil {
		d.errs.add(pos{}, "the mapping file is empty", "Create one with: owr-import mapping init EXPORT-FILE -o mapping.yaml.")
		return
	}
	entries, ok := asMapping(body)
	if !ok {
		d.errs.add(posOf(body), fmt.Sprintf("expected the keys version, source and fields, found %s", describe(body)), "Start from: owr-import mapping init EXPORT-FILE -o mapping.yaml.")
		return
	}
	var fieldsPos pos
	var sawVersion, sawFields bool
	seen := make(map[string]pos)
	for _, mv := range entries {
		key, kp, ok := d.key(mv, seen)
		if !ok {
			continue
		}
		switch key {
		case "version":
			sawVersion = true
			d.version(mv.Value, kp)
		case "source":
			d.source(mv.Value)
		case "fields":
			sawFields, fieldsPos = true, kp
			d.fields(mv.Value, kp)
		default:
			if d.errs.full() {
				continue
			}
			hint := suggest(key, topKeys)
			if _, isField := fieldByName(key); isField {
				hint = fmt.Sprintf("API fields go under fields:, indented by two spaces: \"  %s: ...\".", key)
			}
			d.errs.add(kp, fmt.Sprintf("unknown key %s; a mapping has version, source and fields", quoteShort(key)), hint)
		}
	}
	if !sawVersion {
		d.errs.add(pos{1, 1}, "the line \"version: 1\" is missing", "Add \"version: 1\" as the first line.")
	}
	if !sawFields {
		d.errs.add(pos{1, 1}, "the fields: block is missing, so nothing would be sent", "Add a fields: block mapping the API fields to columns; see owr-import mapping init.")
		return
	}
	d.requireFields(fieldsPos)
}

func (d *decoder) version(n ast.Node, kp pos) {
	text, isNull, ok := scalarText(n)
	if ok && !isNull && text == "1" {
		d.m.Version = 1
		return
	}
	p := posOf(n)
	if p.line == 0 {
		p = kp
	}
	d.errs.add(p, fmt.Sprintf("version must be 1, found %s", describeValue(n)), "This owr-import reads version 1 mapping files: write \"version: 1\".")
}

func (d *decoder) source(n ast.Node) {
	if _, isNull, ok := scalarText(n); ok && isNull {
		return // "source:" with nothing under it
	}
	entries, ok := asMapping(n)
	if !ok {
		d.errs.add(posOf(n), fmt.Sprintf("source: should hold the keys %s, found %s", strings.Join(sourceKeys, ", "), describe(n)), "Indent them under source:, or remove source: to let owr-import detect everything.")
		return
	}
	seen := make(map[string]pos)
	for _, mv := range entries {
		key, kp, ok := d.key(mv, seen)
		if !ok {
			continue
		}
		if !slices.Contains(sourceKeys, key) {
			if d.errs.full() {
				continue
			}
			d.errs.add(kp, fmt.Sprintf("unknown key %s under source:", quoteShort(key)), joinHint(suggest(key, sourceKeys), "source: takes "+strings.Join(sourceKeys, ", ")+"."))
			continue
		}
		vp := posOf(mv.Value)
		if vp.line == 0 {
			vp = kp
		}
		text, isNull, isScalar := scalarText(mv.Value)
		raw := rawScalar(mv.Value, text)
		if !isScalar || isNull || raw == "" {
			d.errs.add(vp, fmt.Sprintf("source.%s needs a single value, found %s", key, describeValue(mv.Value)), "Write the value after the colon, or remove the line to let owr-import detect it.")
			continue
		}
		d.sourceValue(key, text, raw, vp)
	}
}

// sourceValue stores the value of one key of source:, text trimmed and
// raw as written, or reports why it cannot be used.
func (d *decoder) sourceValue(key, text, raw string, vp pos) {
	switch key {
	case "sheet":
		d.m.Source.Sheet = text
	case "header_row":
		row, err := strconv.Atoi(text)
		if err != nil || row < 1 || row > maxSheetRows {
			d.errs.add(vp, fmt.Sprintf("header_row must be a row number (1, 2, 3 ...), found %s", quoteShort(text)), "Write the number of the row that holds the column headers, as the spreadsheet shows it.")
			return
		}
		d.m.Source.HeaderRow = row
	case "delimiter":
		delim, ok := parseDelimiter(raw)
		if !ok {
			d.errs.add(vp, fmt.Sprintf("delimiter %s is not one owr-import reads", quoteShort(raw)), `Use one of ",", ";", "|" or tab (written tab or "\t"), or remove the line to let owr-import detect it.`)
			return
		}
		d.m.Source.Delimiter = delim
	case "encoding":
		// The WHATWG names (utf-8, windows-1252, latin1 ...) are what
		// the reader decodes with, so only those are accepted.
		enc, err := htmlindex.Get(text)
		if err != nil {
			d.errs.add(vp, fmt.Sprintf("encoding %s is unknown", quoteShort(text)), "Use utf-8, utf-16 or windows-1252, or remove the line to let owr-import detect it.")
			return
		}
		name, err := htmlindex.Name(enc)
		if err != nil {
			name = strings.ToLower(text)
		}
		d.m.Source.Encoding = name
	}
}

// parseDelimiter accepts the delimiter itself or its name.
func parseDelimiter(s string) (string, bool) {
	switch strings.ToLower(s) {
	case ",", "comma", "komma", "virgule":
		return ",", true
	case ";", "semicolon", "puntkomma", "point-virgule":
		return ";", true
	case "\t", `\t`, "tab", "tabs":
		return "\t", true
	case "|", "pipe":
		return "|", true
	}
	return "", false
}

// key reads the key of one mapping entry; complex, empty and repeated keys
// (seen holds the keys met so far in the same block) are errors.
func (d *decoder) key(mv *ast.MappingValueNode, seen map[string]pos) (string, pos, bool) {
	kp := posOf(mv.Key)
	if _, complexKey := mv.Key.(*ast.MappingKeyNode); complexKey {
		d.errs.add(kp, "complex keys (?) are not supported in a mapping file", "Write \"key: value\".")
		return "", kp, false
	}
	text, isNull, ok := scalarText(mv.Key)
	if !ok || isNull || text == "" {
		d.errs.add(kp, "a key is missing before the colon", syntaxHint)
		return "", kp, false
	}
	if first, dup := seen[text]; dup {
		d.errs.add(kp, fmt.Sprintf("%s appears twice in the same block (first on line %d)", quoteShort(text), first.line), "Keep one of the two lines.")
		return "", kp, false
	}
	seen[text] = kp
	return text, kp, true
}

// asMapping returns the entries of a block or flow mapping.
func asMapping(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

// scalarText returns the text of a scalar as written (so a header 0612 stays
// "0612" and 1.0 stays "1.0"), trimmed; isNull for an empty value or null.
func scalarText(n ast.Node) (text string, isNull, ok bool) {
	switch v := n.(type) {
	case nil:
		return "", true, true
	case *ast.NullNode:
		return "", true, true
	case *ast.StringNode:
		return trimSpace(v.Value), false, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true, true
		}
		return trimSpace(v.Value.Value), false, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return trimSpace(tk.Value), false, true
		}
	}
	return "", false, false
}

// rawScalar is the untrimmed text of a string scalar (a delimiter may be a
// tab), or fallback for other nodes.
func rawScalar(n ast.Node, fallback string) string {
	if v, ok := n.(*ast.StringNode); ok {
		return v.Value
	}
	return fallback
}

// posOf is the position of a node, or the zero pos when it has none.
func posOf(n ast.Node) pos {
	if n == nil {
		return pos{}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return pos{}
	}
	return pos{tk.Position.Line, tk.Position.Column}
}

// describe names the kind of a node for messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a block of keys"
	case *ast.SequenceNode:
		return "a list"
	case nil, *ast.NullNode:
		return "nothing"
	}
	if text, _, ok := scalarText(n); ok {
		return quoteShort(text)
	}
	return "something else"
}

// describeValue is describe, with "nothing" for an empty scalar.
func describeValue(n ast.Node) string {
	if text, isNull, ok := scalarText(n); ok && !isNull && text == "" {
		return "nothing"
	}
	return describe(n)
}

// suggest builds a "Did you mean ...?" hint, or "" when nothing is close.
func suggest(got string, known []string) string {
	if c := closest(got, known, 1); len(c) > 0 {
		return fmt.Sprintf("Did you mean %q?", c[0])
	}
	return ""
}

// joinHint joins two hint sentences, either of which may be empty.
func joinHint(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
