package mapping

import (
	"errors"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *Mapping {
	t.Helper()
	m, err := Parse("mapping.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func TestBindMatchesHeaders(t *testing.T) {
	m := mustParse(t, "version: 1\n"+validFields)
	tests := []struct {
		name   string
		header []string
		want   [numFields]int // column index per field, -1 when not mapped
	}{
		{"exact", []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente"}, [numFields]int{0, 1, 2, 3, -1, -1, 4, -1, -1}},
		{"case, accents, spacing, punctuation", []string{" klant-id ", "KLANTNUMMER", "naam", "BTW nummer", "Gémeente"}, [numFields]int{0, 1, 2, 3, -1, -1, 4, -1, -1}},
		{"order and extra columns", []string{"Telefoon", "Gemeente", "owr_status", "BTW-nummer", "Naam", "Klantnummer", "Klant ID"}, [numFields]int{6, 5, 4, 3, -1, -1, 1, -1, -1}},
		{"exact spelling wins over a look-alike", []string{"Klant ID", "Klantnummer", "NAAM", "Naam", "BTW-nummer", "Gemeente"}, [numFields]int{0, 1, 3, 4, -1, -1, 5, -1, -1}},
		{"BOM on the first header", []string{"\ufeffKlant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente"}, [numFields]int{0, 1, 2, 3, -1, -1, 4, -1, -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := m.Bind(tc.header)
			if err != nil {
				t.Fatal(err)
			}
			var got [numFields]int
			for i := range got {
				got[i] = -1
			}
			for _, bf := range b.fields {
				got[bf.id] = bf.col
				if bf.column != trimSpace(tc.header[bf.col]) {
					t.Errorf("%s: column %q, want the file's spelling %q", bf.id, bf.column, tc.header[bf.col])
				}
			}
			if got != tc.want {
				t.Fatalf("columns = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBindErrors(t *testing.T) {
	m := mustParse(t, "version: 1\n"+validFields+"  address.street: owr_status\n")
	tests := []struct {
		name      string
		header    []string
		line, col int
		msg, hint string
	}{
		{"missing with a close header", []string{"Klant ID", "Klantnummer", "Naam", "BTW nr", "BTW-nr.", "Gemeente", "owr_status"},
			6, 31, `enterpriseNumber reads the column "BTW-nummer", but the file's header row has no such column`, `Closest headers in the file: "BTW nr", "BTW-nr."`},
		{"missing abbreviation", []string{"Klant ID", "Klantnr", "Naam", "BTW-nummer", "Gemeente", "owr_status"},
			4, 22, `"Klantnummer"`, `Closest headers in the file: "Klantnr", "Klant ID"`},
		{"missing, nothing close", []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Stad", "owr_status"},
			7, 17, `"Gemeente"`, `The header row has: "Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Stad".`},
		{"duplicate header", []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente", "Naam"},
			5, 9, "the header row has 2 columns that match it (columns C (3) and F (6))", "different header"},
		{"ambiguous look-alikes", []string{"Klant ID", "Klantnummer", "naam", "NAAM", "BTW-nummer", "Gemeente"},
			5, 9, "2 columns that match it", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Bind(tc.header)
			var list Errors
			if !errors.As(err, &list) {
				t.Fatalf("want Errors (this one plus the owr_status field), got %T %v", err, err)
			}
			e := list[0]
			if e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Message, tc.msg) || !strings.Contains(e.Hint, tc.hint) {
				t.Fatalf("got %v\nwant line %d col %d, message with %q, hint with %q", e, tc.line, tc.col, tc.msg, tc.hint)
			}
			last := list[len(list)-1]
			if last.Line != 8 || !strings.Contains(last.Message, "owr_* columns are written by owr-import") {
				t.Fatalf("the owr_status field was not refused: %v", last)
			}
		})
	}
}

func TestBindNeverReadsResultColumns(t *testing.T) {
	m := mustParse(t, "version: 1\n"+validFields+"  address.street: OWR Error\n")
	_, err := m.Bind([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente", "OWR_error"})
	var e *Error
	if !errors.As(err, &e) || e.Line != 8 || !strings.Contains(e.Message, "no such column") {
		t.Fatalf("got %v", err)
	}
}

func TestBindEmptyHeader(t *testing.T) {
	m := mustParse(t, "version: 1\n"+validFields)
	_, err := m.Bind(nil)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Hint, "source.header_row") {
		t.Fatalf("got %v", err)
	}
}

func TestHeaderScore(t *testing.T) {
	m := mustParse(t, "version: 1\n"+validFields+"  address.street: { column: Adres, transform: [street] }\n  address.streetNumber: { column: Adres, transform: [house_number] }\n  address.country: { value: belgium }\n")
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"title row", []string{"Klantenlijst export 2024", "", ""}, 0},
		{"blank row", nil, 0},
		{"header row", []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Adres", "Gemeente"}, 6},
		{"normalised", []string{"klant id", "KLANTNUMMER", "naam"}, 3},
		{"Adres counts once", []string{"Adres", "Adres"}, 1},
		{"owr columns do not count", []string{"owr_status", "Naam"}, 1},
		{"data row", []string{"1001", "K-1001", "Acme NV", "BE0417497106", "Kerkstraat 1", "Gent"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.HeaderScore(tc.header); got != tc.want {
				t.Fatalf("score = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", -1: ""} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}

// TestBindCountryNameAsColumn: a country written where a column header
// belongs gets the constant form as its hint.
func TestBindCountryNameAsColumn(t *testing.T) {
	for _, country := range []string{"België", "Belgique", "Belgium"} {
		t.Run(country, func(t *testing.T) {
			m := mustParse(t, "version: 1\n"+validFields+"  address.country: "+country+"\n")
			_, err := m.Bind([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente", "Land"})
			var e *Error
			if !errors.As(err, &e) || e.Line != 8 {
				t.Fatalf("got %v", err)
			}
			if !strings.Contains(e.Hint, "address.country: { value: belgium }") {
				t.Fatalf("hint %q does not offer the constant", e.Hint)
			}
		})
	}
}

// TestBindLookAlikeHeaders: headers that differ only in case and spaces are
// named in one note that says which one is read.
func TestBindLookAlikeHeaders(t *testing.T) {
	m := mustParse(t, "version: 1\n"+strings.Replace(validFields, "name: Naam", "name: Name", 1))
	header := []string{"Klant ID", "Klantnummer", "name", "BTW-nummer", "Gemeente", "Name "}
	b, err := m.Bind(header)
	if err != nil {
		t.Fatal(err)
	}
	for _, bf := range b.fields {
		if bf.id == fName && bf.col != 5 {
			t.Fatalf("name reads column %d, want F (the one spelled as in the mapping)", bf.col)
		}
	}
	notes := m.HeaderNotes(header)
	if len(notes) != 1 {
		t.Fatalf("notes = %q, want one", notes)
	}
	for _, want := range []string{`C "name"`, `F "Name "`, "differ only in case and spaces", "name reads F"} {
		if !strings.Contains(notes[0], want) {
			t.Errorf("note %q lacks %q", notes[0], want)
		}
	}
	if notes := m.HeaderNotes([]string{"Klant ID", "Klantnummer", "Name", "BTW-nummer", "Gemeente"}); len(notes) != 0 {
		t.Errorf("no look-alikes, yet notes %q", notes)
	}
}

// TestBindHintsEscapeHeaders: header names holding control characters or
// escape sequences are written escaped in hints.
func TestBindHintsEscapeHeaders(t *testing.T) {
	m := mustParse(t, "version: 1\n"+validFields)
	for _, header := range [][]string{
		{"Klant ID", "Klantnummer", "Naam\x1b[31m", "BTW-nummer", "Gemeente"},               // closest headers
		{"Klant ID", "Klantnummer", "Omschr\u202eijving", "BTW-nummer", "Gemeente", "X\ny"}, // the header row listed
	} {
		_, err := m.Bind(header)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got %v", err)
		}
		if strings.ContainsAny(e.Hint, "\x1b\u202e\n") {
			t.Errorf("hint holds a raw control character: %q", e.Hint)
		}
		if !strings.Contains(e.Hint, `\x1b`) && !strings.Contains(e.Hint, `\u202e`) {
			t.Errorf("hint does not show the escaped header: %q", e.Hint)
		}
	}
}
