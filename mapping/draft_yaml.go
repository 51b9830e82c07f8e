package mapping

import (
	"bytes"
	"fmt"
	"owr-import/internal/display"
	"strconv"
	"strings"
	"unicode"
)

// YAML renders the draft as a commented mapping file for sourceFile (the
// export's name, for the header comment), in the language of the export's
// headers. Every required field that Guess could not place gets a TODO
// comment instead of a line, so the file is valid YAML but Parse reports
// those fields as unmapped until the consultant fills them in; with nothing
// missing it parses and binds as is.
//
// The comments stay true after the consultant edits the mapping: the
// header says they describe the export as it was when the draft was
// written, and no comment claims what the mapping does now. Text taken from
// the file (its name, headers, cells) is escaped (see display.Line).
func (d *Draft) YAML(sourceFile string) []byte {
	t := &draftLanguages[d.lang]
	var b bytes.Buffer
	name := display.Line(sourceFile)
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	line(t.title, name)
	line(t.asWritten, quoted(sourceFile))
	if d.sampled {
		line("%s", t.check)
	} else {
		line("%s", t.checkHeader)
	}
	line("%s", t.howto)
	line(t.transforms, strings.Join(transformNames, ", "))
	line(t.validate, name)
	if n := len(d.Missing); n > 0 {
		line(t.todoCount, n, strings.Join(d.Missing, ", "))
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
			if note := t.text(df.note, d.sampled); note != "" {
				line("  # %s", note)
			}
			line("  %s: %s  # %s", name, draftValue(df), t.descriptions[f])
			continue
		}
		if missing[name] {
			line(t.todoField, name, t.descriptions[f])
			if why, ok := d.missingWhy[name]; ok {
				line("  #   %s", t.text(why, d.sampled))
			}
			line(t.todoReplace, name, yamlScalar(t.examples[f]))
		}
	}
	for _, group := range d.lookAlike {
		q := make([]string, len(group))
		for i, h := range group {
			q[i] = quoted(h)
		}
		b.WriteByte('\n')
		line(t.lookAlike, strings.Join(q, ", "))
	}
	if len(d.Unused) > 0 {
		b.WriteByte('\n')
		line(t.unusedTitle, quoted(sourceFile))
		for _, u := range d.Unused {
			line("#   - %s", display.Line(u))
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

// draftValue writes a field in its short form, or its flow form with a
// constant, transforms or a default.
func draftValue(df DraftField) string {
	if df.Column == "" {
		return fmt.Sprintf("{ value: %s }", yamlScalar(df.Value))
	}
	if len(df.Transform) == 0 && df.Default == "" {
		return yamlScalar(df.Column)
	}
	parts := []string{"column: " + yamlScalar(df.Column)}
	if len(df.Transform) > 0 {
		parts = append(parts, "transform: ["+strings.Join(df.Transform, ", ")+"]")
	}
	if df.Default != "" {
		parts = append(parts, "default: "+yamlScalar(df.Default))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
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
