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
	w := &draftWriter{t: &draftLanguages[d.lang]}
	d.writeHead(w, sourceFile)
	w.b.WriteString("version: 1\n")
	d.writeSource(&w.b)
	w.b.WriteString("fields:\n")
	d.writeFields(w)
	d.writeTail(w, sourceFile)
	return w.b.Bytes()
}

// draftWriter collects the YAML in the draft's language.
type draftWriter struct {
	t *draftTexts
	b bytes.Buffer
}

func (w *draftWriter) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// writeHead writes the comments above the mapping: what it is for, that
// they describe the file as it was, and how to go on.
func (d *Draft) writeHead(w *draftWriter, sourceFile string) {
	t, name := w.t, display.Line(sourceFile)
	w.line(t.title, name)
	w.line(t.asWritten, quoted(sourceFile))
	if d.sampled {
		w.line("%s", t.check)
	} else {
		w.line("%s", t.checkHeader)
	}
	w.line("%s", t.howto)
	w.line(t.transforms, strings.Join(transformNames, ", "))
	w.line(t.validate, name)
	if n := len(d.Missing); n > 0 {
		w.line(t.todoCount, n, strings.Join(d.Missing, ", "))
	}
}

// writeFields writes one entry per field, in the API's order: the placed
// ones with their note, the missing required ones as TODOs.
func (d *Draft) writeFields(w *draftWriter) {
	t := w.t
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
				w.line("  # %s", note)
			}
			w.line("  %s: %s  # %s", name, draftValue(df), t.descriptions[f])
			continue
		}
		if missing[name] {
			w.line(t.todoField, name, t.descriptions[f])
			if why, ok := d.missingWhy[name]; ok {
				w.line("  #   %s", t.text(why, d.sampled))
			}
			w.line(t.todoReplace, name, yamlScalar(t.examples[f]))
		}
	}
}

// writeTail writes the look-alike headers and the columns not read.
func (d *Draft) writeTail(w *draftWriter, sourceFile string) {
	for _, group := range d.lookAlike {
		q := make([]string, len(group))
		for i, h := range group {
			q[i] = quoted(h)
		}
		w.b.WriteByte('\n')
		w.line(w.t.lookAlike, strings.Join(q, ", "))
	}
	if len(d.Unused) > 0 {
		w.b.WriteByte('\n')
		w.line(w.t.unusedTitle, quoted(sourceFile))
		for _, u := range d.Unused {
			w.line("#   - %s", display.Line(u))
		}
	}
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
// constant, several columns, transforms or a default.
func draftValue(df DraftField) string {
	if df.Column == "" && len(df.Columns) == 0 {
		return fmt.Sprintf("{ value: %s }", yamlScalar(df.Value))
	}
	if len(df.Columns) == 0 && len(df.Transform) == 0 && df.Default == "" {
		return yamlScalar(df.Column)
	}
	parts := []string{"column: " + yamlScalar(df.Column)}
	if len(df.Columns) > 0 {
		cols := make([]string, len(df.Columns))
		for i, c := range df.Columns {
			cols[i] = yamlScalar(c)
		}
		// The join is quoted whenever it has spaces round it (" bus "),
		// which yamlScalar does: plain, they would be dropped.
		parts = []string{"columns: [" + strings.Join(cols, ", ") + "]", "join: " + yamlScalar(df.Join)}
	}
	if len(df.Transform) > 0 {
		parts = append(parts, "transform: ["+strings.Join(df.Transform, ", ")+"]")
	}
	if df.Default != "" {
		parts = append(parts, "default: "+yamlScalar(df.Default))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// YAMLScalar writes s as a YAML scalar that reads back as exactly s (see
// yamlScalar): for other writers of mapping files, such as the studio.
func YAMLScalar(s string) string { return yamlScalar(s) }

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
