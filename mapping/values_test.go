package mapping

import (
	"errors"
	"strings"
	"testing"
)

// valuesMapping gives enterpriseNumber and address.country value maps.
const valuesMapping = `version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber:
    column: BTW-nummer
    transform: [vat]
    values:
      Particulier: { invalid: "private customer without a VAT number: not imported" }
      "n/a": { value: BE 0417.497.106 }
      Vrijgesteld: { value: "0203201340" }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { column: Adres, transform: [house_number] }
  address.city: Gemeente
  address.postalCode: Postcode
  address.country: { column: Land, transform: [country], default: België, values: { Elders: { value: Nederland }, "?": { invalid: onbekend land } } }
`

func TestValueMaps(t *testing.T) {
	b := mustBind(t, valuesMapping, applyHeader)
	tests := []struct {
		col        int
		cell, want string
		kind       string // of the one problem, "" for none
	}{
		{3, "Particulier", "", KindMappedInvalid},
		{3, "  PARTICULIER ", "", KindMappedInvalid},
		{3, "particulier", "", KindMappedInvalid},
		{3, "N/A", "BE0417497106", ""}, // the constant goes through the field's transforms
		{3, "n/a", "BE0417497106", ""},
		{3, "vrijgesteld", "BE0203201340", ""},
		{3, "BE0417497106", "BE0417497106", ""}, // other cells as before
		{3, "Particulier BV", "", KindVATNone},  // whole cells only
		{7, "elders", "netherlands", ""},        // the constant Nederland, through the country transform
		{7, "?", "", KindMappedInvalid},         // a sign, quoted in the mapping
		{7, "", "belgium", ""},                  // empty cells take the default
		{7, "België", "belgium", ""},            // unmapped cells are transformed as before
	}
	for _, tc := range tests {
		c, problems := b.applyOne(row(tc.col, tc.cell))
		got := c.EnterpriseNumber
		if tc.col == 7 {
			got = c.Address.Country
		}
		switch {
		case tc.kind == "" && (len(problems) > 0 || got != tc.want):
			t.Errorf("%q: sends %q, problems %+v; want %q", tc.cell, got, problems, tc.want)
		case tc.kind != "" && (len(problems) != 1 || problems[0].Kind != tc.kind || got != ""):
			t.Errorf("%q: sends %q, problems %+v; want one %s", tc.cell, got, problems, tc.kind)
		}
	}
	_, problems := b.applyOne(row(3, "Particulier"))
	if msg := problems[0].Message; !strings.Contains(msg, `"Particulier"`) || !strings.Contains(msg, "private customer without a VAT number: not imported") {
		t.Errorf("message %q does not quote the cell and the mapping's reason", msg)
	}
	// A Mapper, which remembers values, gives the same.
	m := b.NewMapper()
	for _, cell := range []string{"Particulier", "n/a", "Particulier", "BE0417497106", "N/A"} {
		wantC, wantP := b.applyOne(row(3, cell))
		gotC, gotP := m.Apply(row(3, cell))
		if gotC != wantC || len(gotP) != len(wantP) {
			t.Errorf("%q: Mapper gives %+v %+v, Apply %+v %+v", cell, gotC, gotP, wantC, wantP)
		}
	}
}

func TestValueMapErrors(t *testing.T) {
	field := func(s string) string { return "version: 1\n" + validFields + "  address.country: " + s + "\n" }
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"not a block", field("{ column: Land, values: [a, b] }"), 8, 44, "values of address.country should be a block"},
		{"empty", field("{ column: Land, values: {} }"), 8, 44, "values of address.country is empty"},
		{"scalar entry", field("{ column: Land, values: { Elders: Nederland } }"), 8, 54, `"Elders" should be { value: ... } or { invalid: ... }`},
		{"unknown key", field("{ column: Land, values: { Elders: { valeu: x } } }"), 8, 56, `unknown key "valeu"`},
		{"both", field("{ column: Land, values: { Elders: { value: x, invalid: y } } }"), 8, 46, "both a value and invalid"},
		{"neither", field("{ column: Land, values: { Elders: {} } }"), 8, 54, `"Elders" should be { value: ... } or { invalid: ... }`},
		{"empty reason", field("{ column: Land, values: { Elders: { invalid: '' } } }"), 8, 65, "invalid needs a reason"},
		{"empty key", field("{ column: Land, values: { '': { value: x } } }"), 8, 46, "an empty cell"},
		{"same key", field("{ column: Land, values: { Elders: { value: x }, ELDERS: { value: y } } }"), 8, 68, `"ELDERS" matches the same cells as "Elders" (line 8)`},
		{"with a constant", field("{ value: belgium, values: { Elders: { value: x } } }"), 8, 46, "values has no effect on a field with a value"},
		{"bad constant", field("{ column: Land, transform: [country], values: { Elders: { value: Atlantis } } }"), 8, 85, `the value for "Elders" of address.country does not work: "Atlantis" is not a country`},
		{"required emptied", "version: 1\n" + strings.Replace(validFields, "address.city: Gemeente", "address.city: { column: Gemeente, transform: [digits], values: { x: { value: Gent } } }", 1),
			7, 80, `the value for "x" of address.city becomes empty after its transforms`},
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
	// Keys written as YAML numbers, booleans and null are the text written.
	m, err := Parse("m.yaml", []byte(field("{ column: Land, values: { 0: { value: belgium }, no: { value: norway }, null: { invalid: x } } }")))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, fs := range m.fields {
		for _, v := range fs.values {
			keys = append(keys, v.text)
		}
	}
	if strings.Join(keys, " ") != "0 no null" {
		t.Fatalf("keys %q", keys)
	}
}

func TestFoldKey(t *testing.T) {
	for _, pair := range [][2]string{{"Particulier", "PARTICULIER"}, {"privé", "PRIVÉ"}, {"straße", "STRASSE"}, {"n/a", "N/A"}, {"ſ", "s"}, {"K", "k"}} {
		a, b := foldKey(pair[0]), foldKey(pair[1])
		if (a == b) != strings.EqualFold(pair[0], pair[1]) {
			t.Errorf("foldKey(%q) = %q, foldKey(%q) = %q; strings.EqualFold says %v", pair[0], a, pair[1], b, strings.EqualFold(pair[0], pair[1]))
		}
	}
}
