package mapping

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// YAML renders the draft as a commented mapping file for sourceFile (the
// export's name, for the header comment). Every required field that Guess
// could not place gets a TODO comment instead of a line, so the file is
// valid YAML but Parse reports those fields as unmapped until the consultant
// fills them in; with nothing missing it parses and binds as is.
func (d *Draft) YAML(sourceFile string) []byte {
	var b bytes.Buffer
	name := commentText(sourceFile)
	fmt.Fprintf(&b, "# owr-import mapping for %s\n", name)
	b.WriteString("# Guessed from the column headers by \"owr-import mapping init\": check every line.\n")
	b.WriteString("# A field reads a column (write its header) or sends a constant ({ value: ... });\n")
	b.WriteString("# transforms: " + strings.Join(transformNames, ", ") + ".\n")
	fmt.Fprintf(&b, "# Then check the whole file with: owr-import validate %s --mapping <this file>\n", name)
	if n := len(d.Missing); n > 0 {
		fmt.Fprintf(&b, "# TODO: %d required field(s) could not be placed (%s): see the TODO lines below.\n", n, strings.Join(d.Missing, ", "))
	}
	b.WriteString("version: 1\n")
	d.writeSource(&b)
	b.WriteString("fields:\n")
	placed := make(map[string]DraftField, len(d.Fields))
	for _, f := range d.Fields {
		placed[f.Field] = f
	}
	missing := make(map[string]bool, len(d.Missing))
	for _, m := range d.Missing {
		missing[m] = true
	}
	for f := field(0); f < numFields; f++ {
		name := fieldNames[f]
		if df, ok := placed[name]; ok {
			fmt.Fprintf(&b, "  %s: %s  # %s\n", name, draftValue(df), fieldDescriptions[f])
			continue
		}
		switch {
		case missing[name]:
			fmt.Fprintf(&b, "  # TODO %s (%s): no column looked like it.\n", name, fieldDescriptions[f])
			fmt.Fprintf(&b, "  #   Replace this comment with the header of the column that holds it, e.g.  %s: %s\n", name, yamlScalar(exampleHeaders[f]))
		case f == fCountry && d.noCountry:
			b.WriteString("  # address.country: { value: belgium }  # no country column: remove the # to send \"belgium\" for every row\n")
		}
	}
	if len(d.Unused) > 0 {
		b.WriteString("\n# Columns of the file this mapping does not read:\n")
		for _, u := range d.Unused {
			fmt.Fprintf(&b, "#   - %s\n", commentText(u))
		}
	}
	return b.Bytes()
}

func (d *Draft) writeSource(b *bytes.Buffer) {
	s := d.Source
	if s == (Source{}) {
		return
	}
	b.WriteString("source:\n")
	if s.Sheet != "" {
		fmt.Fprintf(b, "  sheet: %s\n", yamlScalar(s.Sheet))
	}
	if s.HeaderRow > 0 {
		fmt.Fprintf(b, "  header_row: %d\n", s.HeaderRow)
	}
	if s.Delimiter != "" {
		delim := yamlScalar(s.Delimiter)
		if s.Delimiter == "\t" {
			delim = "tab"
		}
		fmt.Fprintf(b, "  delimiter: %s\n", delim)
	}
	if s.Encoding != "" {
		fmt.Fprintf(b, "  encoding: %s\n", yamlScalar(s.Encoding))
	}
}

// draftValue writes a field in its short form, or its flow form with
// transforms.
func draftValue(df DraftField) string {
	if len(df.Transform) == 0 {
		return yamlScalar(df.Column)
	}
	return fmt.Sprintf("{ column: %s, transform: [%s] }", yamlScalar(df.Column), strings.Join(df.Transform, ", "))
}

// yamlScalar writes s as a YAML scalar that reads back as exactly s, in
// block and in flow context: plain when it is only letters, digits, spaces
// and harmless punctuation and cannot be taken for a number, boolean or null;
// double-quoted otherwise (headers with ':' or '#', leading digits, "No").
func yamlScalar(s string) string {
	if plainSafe(s) {
		return s
	}
	return strconv.Quote(s)
}

func plainSafe(s string) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r):
		case i == 0:
			return false // digits, quotes, indicators, dots: quote
		case unicode.IsDigit(r), r == ' ', r == '-', r == '_', r == '.', r == '/', r == '(', r == ')':
		default:
			return false
		}
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "true", "false", "on", "off", "null":
		return false
	}
	return true
}

// commentText makes text safe inside a YAML comment: one line, no control
// characters.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
