package mapping

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Limits on the shape of a mapping file. A real mapping is two levels deep
// and a few dozen lines; these only stop crafted input (deeply nested
// brackets, "- - - - ..." lines) from exhausting the parser.
const (
	maxFlowDepth   = 16   // nested [ ] and { }
	maxIndent      = 200  // column of the first thing on a line
	maxLineEntries = 8    // "- " or "? " indicators on one line
	maxBlockKeys   = 1000 // keys of one block mapping (see checkTokens)
)

// syntaxHint is what a consultant most often needs after a YAML error.
const syntaxHint = "Check the indentation (spaces, not tabs, two per level under fields:) and put quotes around a header that contains ':' or '#' or starts with a special character, e.g. name: \"Naam: firma\"."

// Parse decodes a mapping file. filename is only used in errors. The format:
//
//	version: 1
//	source:                  # optional
//	  sheet: Klanten         # XLSX sheet
//	  header_row: 3          # 1-based row of the header
//	  delimiter: ";"         # CSV: , ; | or tab
//	  encoding: windows-1252 # CSV
//	fields:
//	  extCustomerId: Klant ID                       # short form: the column's header
//	  enterpriseNumber:
//	    column: BTW-nummer
//	    transform: [vat]
//	    severity: warning                           # wrong check digits only warn
//	    values:                                     # whole cells, whatever their case
//	      Particulier: { invalid: "private customer without a VAT number" }
//	      "n/a": { value: BE0417497106 }
//	  address.street: { columns: [Straat, Straat 2] }             # joined with a space
//	  address.streetNumber: { columns: [Huisnummer, Bus], join: " bus " }
//	  address.country: { value: belgium }           # a constant
//	  address.city: { column: Gemeente, default: Gent }
//
// Decoding is strict: an unknown key, field or transform, a field with both
// or neither of column and value, or a required field left unmapped is an
// *Error with the line and column to fix (several problems come back as
// Errors: the first 20, then a line counting the rest). Anchors, aliases
// and tags are refused; they have no use in a mapping and aliases can blow
// up in size. A file over MaxFileSize bytes, or with a block of more than
// 1000 keys, is refused before it is parsed.
func Parse(filename string, data []byte) (*Mapping, error) {
	errs := &errorList{file: filename}
	if len(data) > MaxFileSize {
		return nil, &Error{File: filename, Message: fmt.Sprintf("the file is larger than %d bytes, the limit for a mapping file", MaxFileSize), Hint: "Check that --mapping names the mapping (.yaml) and not the export itself."}
	}
	text, ok := decodeText(data)
	if !ok {
		return nil, &Error{File: filename, Message: "the file is not readable text", Hint: "Save the mapping as UTF-8 text."}
	}
	tokens := lexer.Tokenize(text)
	if checkTokens(tokens, errs); errs.err() != nil {
		return nil, errs.err()
	}
	file, err := parseTokens(tokens)
	if err != nil {
		return nil, syntaxError(filename, text, err)
	}
	d := &decoder{errs: errs, m: &Mapping{file: filename}}
	d.file(file)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return d.m, nil
}

// parseTokens runs the YAML parser. Repeated keys are allowed here because
// the decoder reports them in words. A panic inside the parser on some odd
// input becomes a syntax error: a bad mapping file must never crash the tool.
func parseTokens(tokens token.Tokens) (file *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("the YAML parser could not read it (%v)", r)
		}
	}()
	return parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
}

// checkTokens refuses what the mapping format has no use for (anchors,
// aliases, tags, merge keys), nesting deep enough to strain the parser,
// and blocks of more than maxBlockKeys keys, before the parser sees them.
// The parser takes time in the square of the keys of one block (a
// megabyte of unknown keys took half a minute); a mapping has a few dozen
// keys, and a values: block a few hundred at most.
func checkTokens(tokens token.Tokens, errs *errorList) {
	flow, line, lineEntries := 0, 0, 0
	var blocks blockKeys
	var prev *token.Token // the last token before tk that is not a comment
	for _, tk := range tokens {
		if tk.Type == token.MappingValueType && flow == 0 && prev != nil {
			if first, ok := blocks.count(pos{prev.Position.Line, prev.Position.Column}); !ok {
				errs.add(first, fmt.Sprintf("the block that starts here has more than %d keys; a mapping file has a few dozen", maxBlockKeys),
					"Check that --mapping names the mapping file and that its lines are indented as intended.")
				return
			}
		}
		if tk.Type != token.CommentType {
			prev = tk
		}
		p := pos{tk.Position.Line, tk.Position.Column}
		first := tk.Position.Line != line
		if first {
			line, lineEntries = tk.Position.Line, 0
		}
		switch tk.Type {
		case token.AnchorType, token.AliasType:
			errs.add(p, "anchors (&name) and aliases (*name) are not supported in a mapping file", "Write each value out in full.")
			return
		case token.TagType:
			errs.add(p, fmt.Sprintf("the tag %q is not supported in a mapping file", tk.Value), "Remove it; to keep a value such as 0612 as text, put it in quotes: \"0612\".")
			return
		case token.MergeKeyType:
			errs.add(p, "merge keys (<<) are not supported in a mapping file", "Write each field out in full.")
			return
		case token.SequenceStartType, token.MappingStartType:
			if flow++; flow > maxFlowDepth {
				errs.add(p, "the brackets are nested too deeply for a mapping file", "A field is at most { column: ..., transform: [...] }.")
				return
			}
		case token.SequenceEndType, token.MappingEndType:
			if flow > 0 {
				flow--
			}
		case token.SequenceEntryType, token.MappingKeyType:
			if lineEntries++; flow == 0 && lineEntries > maxLineEntries {
				errs.add(p, "this line is nested too deeply for a mapping file", syntaxHint)
				return
			}
		case token.CommentType:
			continue
		}
		if first && flow == 0 && tk.Position.Column > maxIndent {
			errs.add(p, "this line is indented too deeply for a mapping file", syntaxHint)
			return
		}
	}
}

// blockKeys counts the keys of the block mappings open at a point of the
// file, each known by the column of its keys.
type blockKeys []struct {
	col, keys int
	first     pos // of its first key
}

// count adds a key at p to its block, closing the blocks it ends; ok is
// false when the block then has more than maxBlockKeys keys, first is
// where that block starts.
func (b *blockKeys) count(p pos) (first pos, ok bool) {
	for len(*b) > 0 && (*b)[len(*b)-1].col > p.col {
		*b = (*b)[:len(*b)-1]
	}
	if n := len(*b); n > 0 && (*b)[n-1].col == p.col {
		top := &(*b)[n-1]
		top.keys++
		return top.first, top.keys <= maxBlockKeys
	}
	*b = append(*b, struct {
		col, keys int
		first     pos
	}{p.col, 1, p})
	return p, true
}

// syntaxError turns a YAML parser error into an *Error with its position.
func syntaxError(file, text string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := "this is not valid YAML: " + ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line, col := wrongLine(text, tk.Position.Line, tk.Position.Column)
			return &Error{File: file, Line: line, Column: col, Message: msg, Hint: syntaxHint}
		}
		return &Error{File: file, Message: msg, Hint: syntaxHint}
	}
	return &Error{File: file, Message: "this is not valid YAML: " + err.Error(), Hint: syntaxHint}
}

// wrongLine is the line a consultant must fix for a parser error reported
// at line, col. A key indented deeper than the key above it ("   name:"
// under "  extCustomerNumber: Klantnummer") reads to the parser as the
// continuation of the value above, so it reports the line above; the line
// to fix is the next one, whose indentation is wrong.
func wrongLine(text string, line, col int) (int, int) {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return line, col
	}
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	here := lines[line-1]
	for next := line; next < len(lines); next++ {
		t := strings.TrimSpace(lines[next])
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if indent(lines[next]) > indent(here) && strings.Contains(t, ":") && strings.Contains(strings.TrimSpace(here), ":") {
			return next + 1, indent(lines[next]) + 1
		}
		break
	}
	return line, col
}
