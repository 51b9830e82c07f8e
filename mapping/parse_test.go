package mapping

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// validFields maps every required field; tests append to it.
const validFields = `fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber: { column: BTW-nummer, transform: [vat] }
  address.city: Gemeente
`

func TestParseDesignExample(t *testing.T) {
	src := `version: 1
source:                        # all optional
  sheet: Klanten               # XLSX: default the first sheet
  header_row: 3                # default: the first row that looks like a header
  delimiter: ";"               # CSV: default sniffed from , ; TAB |
  encoding: windows-1252       # CSV: default UTF-8 (BOM honoured), else Windows-1252
fields:
  extCustomerId: Klant ID                  # short form: the column's header
  extCustomerNumber: { column: Klantnummer }
  name: { column: Naam }
  enterpriseNumber: { column: BTW-nummer, transform: [vat] }
  address.street: { column: Adres, transform: [street] }          # "Kerkstraat 12 bus 3" -> "Kerkstraat"
  address.streetNumber: { column: Adres, transform: [house_number] } # -> "12 bus 3"
  address.city: Gemeente
  address.postalCode: { column: Postcode }
  address.country: { value: belgium }      # a constant
`
	m, err := Parse("mapping.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Source{Sheet: "Klanten", HeaderRow: 3, Delimiter: ";", Encoding: "windows-1252"}
	if m.Version != 1 || m.Source != want {
		t.Fatalf("version %d, source %+v; want 1, %+v", m.Version, m.Source, want)
	}
	cols := strings.Join(m.columns(), "|")
	if cols != "Klant ID|Klantnummer|Naam|BTW-nummer|Adres|Gemeente|Postcode" {
		t.Fatalf("columns = %s", cols)
	}
	if len(m.fields) != 9 || m.fields[0].id != fExtCustomerID || m.fields[8].id != fCountry {
		t.Fatalf("fields not kept in file order: %+v", m.fields)
	}
}

func TestParseSourceBlock(t *testing.T) {
	tests := []struct {
		source string
		want   Source
	}{
		{"", Source{}},
		{"source:\n", Source{}},
		{"source:\n  delimiter: tab\n", Source{Delimiter: "\t"}},
		{"source:\n  delimiter: \"\\t\"\n", Source{Delimiter: "\t"}},
		{"source:\n  delimiter: '|'\n", Source{Delimiter: "|"}},
		{"source:\n  delimiter: semicolon\n", Source{Delimiter: ";"}},
		{"source:\n  encoding: UTF-8\n", Source{Encoding: "utf-8"}},
		{"source:\n  encoding: latin1\n", Source{Encoding: "windows-1252"}},
		{"source:\n  encoding: cp1252\n", Source{Encoding: "windows-1252"}},
		{"source:\n  encoding: utf-16\n", Source{Encoding: "utf-16le"}},
		{"source:\n  sheet: '2024'\n  header_row: 4\n", Source{Sheet: "2024", HeaderRow: 4}},
		{"source:\n  sheet: 2024\n", Source{Sheet: "2024"}},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte("version: 1\n"+tc.source+validFields))
			if err != nil {
				t.Fatal(err)
			}
			if m.Source != tc.want {
				t.Fatalf("source = %+v, want %+v", m.Source, tc.want)
			}
		})
	}
}

func TestParseLongAndShortForms(t *testing.T) {
	src := "version: 1\n" + validFields + `  address.postalCode:
    column: Postcode
    default: "0000"
  address.country: { column: Land, transform: country, default: België }
  address.street: { column: "Straat: naam #1", transform: [trim, upper] }
`
	m, err := Parse("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[field]fieldSpec{}
	for _, fs := range m.fields {
		byID[fs.id] = fs
	}
	if fs := byID[fPostalCode]; fs.column != "Postcode" || !fs.hasDefault || fs.def != "0000" {
		t.Errorf("postalCode = %+v", fs)
	}
	if fs := byID[fCountry]; len(fs.transforms) != 1 || fs.transforms[0].name != "country" || fs.def != "België" {
		t.Errorf("country = %+v", fs)
	}
	if fs := byID[fStreet]; fs.column != "Straat: naam #1" || len(fs.transforms) != 2 {
		t.Errorf("street = %+v", fs)
	}
	if fs := byID[fEnterpriseNumber]; fs.columnPos != (pos{6, 31}) || fs.transforms[0].pos != (pos{6, 55}) {
		t.Errorf("enterpriseNumber positions = %+v / %+v", fs.columnPos, fs.transforms)
	}
}

// TestParseErrors checks that each mistake is reported at its line and
// column with a message and a hint a consultant can act on.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg, hint string // substrings
	}{
		{"unknown transform", "version: 1\n" + validFields + "  address.street: { column: Straat, transform: [uper] }\n",
			8, 49, `unknown transform "uper"`, `Did you mean "upper"?`},
		{"unknown transform house-number", "version: 1\n" + validFields + "  address.streetNumber: { column: Adres, transform: [house-number] }\n",
			8, 54, `unknown transform "house-number"`, `"house_number"`},
		{"unknown field", "version: 1\n" + validFields + "  adress.street: Adres\n",
			8, 3, `unknown field "adress.street"`, `Did you mean "address.street"?`},
		{"field case", "version: 1\n" + strings.Replace(validFields, "extCustomerId", "extcustomerid", 1),
			3, 3, `unknown field "extcustomerid"`, `Did you mean "extCustomerId"?`},
		{"nested address", "version: 1\n" + validFields + "  address:\n    street: Straat\n",
			8, 3, `unknown field "address"`, "address.street"},
		{"unknown key in field", "version: 1\n" + validFields + "  address.street: { colum: Straat }\n",
			8, 21, `unknown key "colum" in address.street`, `Did you mean "column"?`},
		{"unknown top key", "version: 1\n" + validFields + "field:\n  x: y\n",
			8, 1, `unknown key "field"`, `Did you mean "fields"?`},
		{"field at top level", "version: 1\n" + validFields + "name: Naam\n",
			8, 1, `unknown key "name"`, "under fields:"},
		{"unknown source key", "version: 1\nsource:\n  sheets: Klanten\n" + validFields,
			3, 3, `unknown key "sheets" under source:`, `Did you mean "sheet"?`},
		{"version 2", "version: 2\n" + validFields, 1, 10, "version must be 1", "version: 1"},
		{"version text", "version: one\n" + validFields, 1, 10, "version must be 1", ""},
		{"version missing", validFields, 1, 1, `"version: 1" is missing`, "first line"},
		{"required missing", "version: 1\nfields:\n  extCustomerId: Klant ID\n  extCustomerNumber: Klantnummer\n  name: Naam\n  address.city: Gemeente\n",
			2, 1, "the required field enterpriseNumber", "BTW-nummer"},
		{"fields missing", "version: 1\n", 1, 1, "fields: block is missing", ""},
		{"column and value", "version: 1\n" + validFields + "  address.country: { column: Land, value: belgium }\n",
			8, 43, "both a column and a value", ""},
		{"neither column nor value", "version: 1\n" + validFields + "  address.country: { transform: [country] }\n",
			8, 3, "needs a column or a value", ""},
		{"empty short form", "version: 1\n" + validFields + "  address.street:\n",
			8, 3, "address.street has no column", "address.street: Straat"},
		{"value and default", "version: 1\n" + validFields + "  address.country: { value: belgium, default: france }\n",
			8, 47, "default would never be used", ""},
		{"mapped twice", "version: 1\n" + validFields + "  name: Bedrijf\n", 8, 3, `"name" appears twice in the same block (first on line 5)`, "Keep one"},
		{"severity elsewhere", "version: 1\n" + strings.Replace(validFields, "address.city: Gemeente", "address.city: { column: Gemeente, severity: warning }", 1),
			7, 47, "severity: warning has no effect on address.city", ""},
		{"severity on name", "version: 1\n" + strings.Replace(validFields, "name: Naam", "name: { column: Naam, severity: warning }", 1),
			5, 35, "severity: warning has no effect on name", "enterpriseNumber"},
		{"severity typo", "version: 1\n" + strings.Replace(validFields, "transform: [vat] }", "transform: [vat], severity: warn }", 1),
			6, 71, "severity must be error or warning", ""},
		{"bad constant", "version: 1\n" + strings.Replace(validFields, "extCustomerId: Klant ID", "extCustomerId: { value: 10a1 }", 1),
			3, 27, `the value of extCustomerId does not work: "10a1" is not a whole number`, ""},
		{"bad default country", "version: 1\n" + validFields + "  address.country: { column: Land, transform: [country], default: Atlantis }\n",
			8, 67, `"Atlantis" is not a country`, ""},
		{"header_row zero", "version: 1\nsource:\n  header_row: 0\n" + validFields, 3, 15, "header_row must be a row number", ""},
		{"header_row text", "version: 1\nsource:\n  header_row: third\n" + validFields, 3, 15, "header_row must be a row number", ""},
		{"delimiter", "version: 1\nsource:\n  delimiter: ':'\n" + validFields, 3, 14, `delimiter ":" is not one`, "tab"},
		{"encoding", "version: 1\nsource:\n  encoding: ebcdic\n" + validFields, 3, 13, `encoding "ebcdic" is unknown`, "windows-1252"},
		{"empty sheet", "version: 1\nsource:\n  sheet: ''\n" + validFields, 3, 10, "source.sheet needs a single value, found nothing", ""},
		{"null sheet", "version: 1\nsource:\n  sheet:\n" + validFields, 3, 9, "source.sheet needs a single value, found nothing", ""},
		{"unknown empty source key", "version: 1\nsource:\n  tab:\n" + validFields, 3, 3, `unknown key "tab" under source:`, "source: takes sheet"},
		{"space delimiter", "version: 1\nsource:\n  delimiter: ' '\n" + validFields, 3, 14, `delimiter " " is not one`, ""},
		{"source list", "version: 1\nsource: [a]\n" + validFields, 2, 9, "source: should hold the keys", ""},
		{"fields list", "version: 1\nfields:\n  - name\n", 3, 3, "fields: should list API fields", ""},
		{"field list", "version: 1\n" + validFields + "  address.street: [Straat]\n", 8, 19, "address.street should be a column header", ""},
		{"transform map", "version: 1\n" + validFields + "  address.street: { column: S, transform: { a: b } }\n", 8, 43, "transform should be a list", ""},
		{"transform item list", "version: 1\n" + validFields + "  address.street: { column: S, transform: [[upper]] }\n", 8, 44, "a transform is a name", ""},
		{"syntax", "version: 1\nfields:\n  name: Naam: firma\n", 3, 9, "not valid YAML", "quotes"},
		{"tab indent", "version: 1\nfields:\n\tname: Naam\n", 3, 1, "not valid YAML", "spaces, not tabs"},
		{"duplicate key", "version: 1\nversion: 1\n" + validFields, 2, 1, `"version" appears twice`, ""},
		{"anchor", "version: 1\n" + validFields + "  address.street: &a Straat\n  address.postalCode: *a\n", 8, 19, "anchors", ""},
		{"alias only", "version: 1\n" + validFields + "  address.street: *a\n", 8, 19, "aliases", ""},
		{"tag", "version: 1\n" + validFields + "  address.postalCode: !!str 0612\n", 8, 23, "tag", "quotes"},
		{"merge key", "version: 1\nfields:\n  <<: {}\n", 3, 3, "merge keys", ""},
		{"complex key", "version: 1\n" + validFields + "  ? address.street\n  : Straat\n", 8, 3, "complex keys", ""},
		{"second document", "version: 1\n" + validFields + "---\nversion: 1\n", 9, 8, "second one starts here", ""},
		{"not a mapping", "- version: 1\n", 1, 1, "expected the keys version, source and fields", ""},
		{"owr column", "version: 1\n" + validFields + "  address.street: owr_status\n", 0, 0, "", ""}, // reported by Bind
		{"empty", "", 0, 0, "the mapping file is empty", "mapping init"},
		{"comment only", "# nothing yet\n", 0, 0, "the mapping file is empty", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("mapping.yaml", []byte(tc.src))
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a *Error", err, err)
			}
			if e.File != "mapping.yaml" || e.Line != tc.line || e.Column != tc.col {
				t.Errorf("at %s %d:%d, want mapping.yaml %d:%d (%v)", e.File, e.Line, e.Column, tc.line, tc.col, err)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("hint %q lacks %q", e.Hint, tc.hint)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := "version: 1\nfields:\n  extCustomerId: { column: Klant ID, transform: [uper] }\n  nmae: Naam\n  extCustomerNumber: Klantnummer\n"
	_, err := Parse("m.yaml", []byte(src))
	var list Errors
	if !errors.As(err, &list) {
		t.Fatalf("want Errors, got %T: %v", err, err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Message)
	}
	want := []string{`unknown transform "uper"`, `unknown field "nmae"`, "required field name", "required field enterpriseNumber", "required field address.city"}
	if len(got) != len(want) {
		t.Fatalf("got %d problems %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
	// errors.As finds the first one too.
	var first *Error
	if !errors.As(err, &first) || first.Line != 3 {
		t.Fatalf("errors.As(*Error) = %+v", first)
	}
	if lines := strings.Count(err.Error(), "\n"); lines != len(want)-1 {
		t.Errorf("Error() has %d lines, want one per problem:\n%s", lines+1, err)
	}
}

func TestParseBoundsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\n" + validFields)
	for i := range 100 {
		fmt.Fprintf(&b, "  x%d: y\n", i)
	}
	_, err := Parse("m.yaml", []byte(b.String()))
	var list Errors
	if !errors.As(err, &list) || len(list) != maxReported+1 {
		t.Fatalf("got %d problems, want %d and a line for the rest", len(list), maxReported)
	}
	if last := list[maxReported]; last.Line != 0 || !strings.Contains(last.Message, "and 80 more problems") {
		t.Fatalf("last line %+v, want the count of the problems not listed", last)
	}
}

// TestParseLargeBlocks checks that a block with more keys than any
// mapping has is refused at once, before the YAML parser, whose time grows
// with the square of the keys of a block, spends a minute on it; a values:
// block below the limit is read.
func TestParseLargeBlocks(t *testing.T) {
	keys := func(indent string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%sk%d: { value: x }\n", indent, i)
		}
		return b.String()
	}
	head := "version: 1\n" + validFields
	fill := func(src, line string) string { // up to MaxFileSize with line
		var b strings.Builder
		b.WriteString(src)
		for i := 0; b.Len() < MaxFileSize-100; i++ {
			fmt.Fprintf(&b, line, i)
		}
		return b.String()
	}
	tests := []struct {
		name, src string
		line      int // of the refused block; 0 when the file is read
	}{
		{"top-level keys", fill(head, "k%d: v\n"), 1},
		{"unknown fields", fill(head, "  f%d: v\n"), 3},
		{"values", head + "  address.street:\n    column: A\n    values:\n" + keys("      ", maxBlockKeys+1), 11},
		{"values at the limit", head + "  address.street:\n    column: A\n    values:\n" + keys("      ", maxBlockKeys), 0},
		{"a flow mapping", fill(head+"  address.street: { column: A", ", k%d: v") + " }\n", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("m.yaml", []byte(tc.src))
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Parse took %v", d)
			}
			var e *Error
			switch {
			case tc.line == 0 && tc.name == "a flow mapping":
				var list Errors
				if !errors.As(err, &list) || len(list) != maxReported+1 {
					t.Fatalf("want %d problems and a count of the rest, got %v", maxReported, err)
				}
			case tc.line == 0:
				if err != nil {
					t.Fatal(err)
				}
			case !errors.As(err, &e) || e.Line != tc.line || !strings.Contains(e.Message, fmt.Sprintf("more than %d keys", maxBlockKeys)):
				t.Fatalf("got %v, want a block of too many keys on line %d", err, tc.line)
			}
		})
	}
}

func TestErrorRendering(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "mapping.yaml", Line: 7, Column: 3, Message: `unknown transform "uper"`, Hint: `Did you mean "upper"?`},
			`mapping.yaml line 7, column 3: unknown transform "uper". Did you mean "upper"?`},
		{Error{File: "m.yaml", Line: 2, Message: "x."}, "m.yaml line 2: x."},
		{Error{File: "m.yaml", Message: "too large", Hint: "Check it."}, "m.yaml: too large. Check it."},
	}
	for _, tc := range tests {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestParseRefusesHostileInput(t *testing.T) {
	tests := map[string]string{
		"deep flow":         strings.Repeat("[", 100000),
		"deep flow map":     "version: 1\nfields: " + strings.Repeat("{a: ", 5000),
		"deep compact list": strings.Repeat("- ", 100000) + "x\n",
		"deep indentation":  deepIndent(300),
		"billion laughs": `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
`,
		"too large": "version: 1\n#" + strings.Repeat("x", MaxFileSize),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %v", err)
			}
		})
	}
}

func deepIndent(levels int) string {
	var b strings.Builder
	for i := 0; i < levels; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	return b.String()
}

func TestParseEditorEncodings(t *testing.T) {
	src := "version: 1\nfields:\n  extCustomerId: Numéro client\n  extCustomerNumber: Klantnummer\n  name: Société\n  enterpriseNumber: N° TVA\n  address.city: Localité\n"
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	cp1252, err := charmap.Windows1252.NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"utf-8":        src,
		"utf-8 bom":    "\ufeff" + src,
		"utf-16 bom":   utf16,
		"windows-1252": cp1252,
	} {
		t.Run(name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(m.columns(), "|"); got != "Numéro client|Klantnummer|Société|N° TVA|Localité" {
				t.Fatalf("columns = %q", got)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mapping.yaml")
	if err := os.WriteFile(good, []byte("version: 1\n"+validFields), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\n"+validFields+"  nmae: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if m, err := Load(good); err != nil || m.Version != 1 {
		t.Fatalf("Load(good) = %v, %v", m, err)
	}
	tests := []struct {
		path string
		msg  string
		line int
	}{
		{dir, "folder", 0},
		{big, "a mapping file is at most", 0},
		{filepath.Join(dir, "nope.yaml"), "does not exist", 0},
		{bad, `unknown field "nmae"`, 8},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			_, err := Load(tc.path)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %v", err)
			}
			if e.File != tc.path || e.Line != tc.line || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("got %+v, want file %s line %d message with %q", e, tc.path, tc.line, tc.msg)
			}
		})
	}
}

// TestParseMessagesAreSafe checks that text from the mapping file is
// quoted with escapes and cut short in every message about it: a key
// holding a terminal escape sequence must not clear the consultant's
// screen, and a key of a megabyte must not fill it.
func TestParseMessagesAreSafe(t *testing.T) {
	long := strings.Repeat("x", 10000)
	for name, src := range map[string]string{
		"top key":       "version: 1\n" + validFields + "\"a\\e[2Jb\": 1\n",
		"repeated key":  "version: 1\n" + validFields + "\"\\e[2J\": 1\n\"\\e[2J\": 2\n",
		"field":         "version: 1\n" + validFields + "  \"na\\e[2Jme\": Naam\n",
		"field key":     "version: 1\n" + validFields + "  address.street: { column: A, \"\\e[2J\": x }\n",
		"transform":     "version: 1\n" + validFields + "  address.street: { column: A, transform: [\"up\\e[2Jper\"] }\n",
		"source key":    "version: 1\nsource:\n  \"\\e[2J\": x\n" + validFields,
		"header_row":    "version: 1\nsource:\n  header_row: \"\\e[2J\"\n" + validFields,
		"version":       "version: \"\\e[2J\"\n" + validFields,
		"long key":      "version: 1\n" + validFields + long + ": 1\n",
		"long field":    "version: 1\n" + validFields + "  " + long + ": 1\n",
		"long value":    "version: \"" + long + "\"\n" + validFields,
		"long severity": "version: 1\n" + strings.Replace(validFields, "transform: [vat] }", "transform: [vat], severity: "+long+" }", 1),
	} {
		_, err := Parse("m.yaml", []byte(src))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\x1b") || len(msg) > 1000 {
			t.Errorf("%s: the message holds the escape or all of a long text: %q", name, prefixRunes(msg, 300))
		}
	}
}

// TestParseWrongIndentationLine: a key indented too deep is reported on its
// own line, not on the line above it.
func TestParseWrongIndentationLine(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
	}{
		{"key too deep", "version: 1\nfields:\n  extCustomerId: Klant ID\n  extCustomerNumber: Klantnummer\n   name: Naam\n  address.city: Gemeente\n", 5},
		{"key too deep after a comment", "version: 1\nfields:\n  extCustomerId: Klant ID\n  # the number\n\n     name: Naam\n", 6},
		{"key not deep enough", "version: 1\nfields:\n  extCustomerId: Klant ID\n  name: Naam\n address.city: Gemeente\n", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("mapping.yaml", []byte(tt.yaml))
			var me *Error
			if !errors.As(err, &me) || me.Line != tt.line {
				t.Fatalf("error %v, want one on line %d", err, tt.line)
			}
		})
	}
}

// TestProblemsQuoteCellsShort checks that a long cell is quoted cut short
// in the problem of its row, whatever the field.
func TestProblemsQuoteCellsShort(t *testing.T) {
	b := mustBind(t, applyMapping, applyHeader)
	long := strings.Repeat("€", 5000)
	for col := range applyHeader {
		_, problems := b.applyOne(row(col, "1"+long))
		for _, p := range problems {
			if len(p.Message) > 1000 {
				t.Errorf("column %s: %d-byte message %q", applyHeader[col], len(p.Message), prefixRunes(p.Message, 100))
			}
		}
	}
}
