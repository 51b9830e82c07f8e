package mapping

import (
	"errors"
	"strings"
	"testing"
)

// columnsMapping builds street and house number from several columns.
const columnsMapping = `version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: { columns: [Naam, Naam 2] }
  enterpriseNumber: BTW-nummer
  address.street: { columns: [Straat, Straat2] }
  address.streetNumber: { columns: [Huisnummer, Bus], join: " bus ", transform: [upper] }
  address.city: { column: Gemeente, default: Gent }
`

var columnsHeader = []string{"Klant ID", "Klantnummer", "Naam", "Naam 2", "BTW-nummer", "Straat", "Straat2", "Huisnummer", "Bus", "Gemeente"}

func TestColumns(t *testing.T) {
	b := mustBind(t, columnsMapping, columnsHeader)
	tests := []struct {
		row                        []string
		name, street, number, city string
		kind, field, column        string // of the one problem
	}{
		{[]string{"1", "K1", "Acme", "NV", "BE0417497106", "Kerkstraat", "", "12", "3", "Brugge"}, "Acme NV", "Kerkstraat", "12 BUS 3", "Brugge", "", "", ""},
		{[]string{"1", "K1", "Acme", " ", "BE0417497106", " Rue de la ", " Loi ", "12", "", ""}, "Acme", "Rue de la Loi", "12", "Gent", "", "", ""},
		{[]string{"1", "K1", "", "Acme", "BE0417497106", "", "Markt", "", "b", "Gent"}, "Acme", "Markt", "B", "Gent", "", "", ""},
		{[]string{"1", "K1", "", "", "BE0417497106", "", "", "", "", "Gent"}, "", "", "", "Gent", KindMissing, "name", "Naam + Naam 2"},
		{[]string{"1", "K1", "Acme"}, "Acme", "", "", "Gent", KindMissing, "enterpriseNumber", "BTW-nummer"}, // a short row
	}
	for i, tc := range tests {
		for _, apply := range []func([]string) (Customer, []Problem){b.applyOne, b.NewMapper().Apply} {
			c, problems := apply(tc.row)
			if c.Name != tc.name || c.Address.Street != tc.street || c.Address.StreetNumber != tc.number || c.Address.City != tc.city {
				t.Errorf("row %d: got %+v", i, c)
			}
			switch {
			case tc.kind == "" && len(problems) > 0:
				t.Errorf("row %d: problems %+v", i, problems)
			case tc.kind != "" && (len(problems) != 1 || problems[0].Kind != tc.kind || problems[0].Field != tc.field || problems[0].Column != tc.column):
				t.Errorf("row %d: problems %+v, want one %s on %s (%s)", i, problems, tc.kind, tc.field, tc.column)
			}
		}
	}
	_, problems := b.applyOne([]string{"1", "K1", "", "", "BE0417497106", "", "", "", "", "Gent"})
	if p := problems[0]; p.ColumnIndex != 2 || !strings.Contains(p.Message, "cells are empty") {
		t.Errorf("a missing field from several columns names its first cell and says the cells are empty: %+v", p)
	}
	if got := strings.Join(mustParse(t, columnsMapping).columns(), "|"); got != "Klant ID|Klantnummer|Naam|Naam 2|BTW-nummer|Straat|Straat2|Huisnummer|Bus|Gemeente" {
		t.Errorf("columns() = %s", got)
	}
}

func TestColumnsErrors(t *testing.T) {
	field := func(s string) string { return "version: 1\n" + validFields + "  address.street: " + s + "\n" }
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"not a list", field("{ columns: Straat }"), 8, 30, "columns of address.street should be a list of two or more headers"},
		{"one column", field("{ columns: [Straat] }"), 8, 30, "columns of address.street should be a list of two or more headers"},
		{"empty header", field("{ columns: [Straat, ''] }"), 8, 39, "a header in columns of address.street is empty"},
		{"twice", field("{ columns: [Straat, straat] }"), 8, 39, `columns of address.street names "straat" twice`},
		{"and column", field("{ column: Adres, columns: [Straat, Nr] }"), 8, 29, "address.street has both column and columns"},
		{"and value", field("{ value: x, columns: [Straat, Nr] }"), 8, 28, "address.street has both a column and a value"},
		{"join alone", field("{ column: Straat, join: ' ' }"), 8, 43, "join has no effect without columns"},
		{"join list", field("{ columns: [Straat, Nr], join: [a] }"), 8, 50, "join of address.street should be the text between the cells"},
		{"the id", "version: 1\n" + strings.Replace(validFields, "extCustomerId: Klant ID", "extCustomerId: { columns: [A, B] }", 1), 3, 3, "extCustomerId is one whole number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("mapping.yaml", []byte(tc.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %v", err)
			}
			if e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("got line %d column %d %q, want %d:%d with %q (%v)", e.Line, e.Column, e.Message, tc.line, tc.col, tc.msg, err)
			}
		})
	}
	// A column the file does not have is reported at its place in the list.
	m := mustParse(t, field("{ columns: [Straat, Bus] }"))
	_, err := m.Bind([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente", "Straat"})
	var e *Error
	if !errors.As(err, &e) || e.Line != 8 || e.Column != 39 || !strings.Contains(e.Message, `"Bus"`) {
		t.Fatalf("Bind: %v", err)
	}
}

// columns lists the distinct headers a mapping reads, in file order: the
// header row a test can bind the mapping to.
func (m *Mapping) columns() []string {
	seen := make(map[string]bool)
	var out []string
	for _, fs := range m.fields {
		if fs.hasColumn && !seen[fs.column] {
			seen[fs.column] = true
			out = append(out, fs.column)
		}
	}
	return out
}
