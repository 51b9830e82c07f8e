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

func TestSourceError(t *testing.T) {
	m := mustParse(t, "version: 1\nsource:\n  sheet: Klanten\n"+validFields)
	e := m.SourceError("sheet", `the workbook has no sheet "Klanten"`, `Its sheets are "Blad1", "Info".`)
	if got := e.Error(); got != `mapping.yaml line 3, column 10: the workbook has no sheet "Klanten". Its sheets are "Blad1", "Info".` {
		t.Fatalf("got %s", got)
	}
	if e := m.SourceError("header_row", "x", ""); e.Line != 0 {
		t.Fatalf("a key that was not written has no line: %+v", e)
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", -1: ""} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}
