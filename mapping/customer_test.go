package mapping

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestPreviewValuesFollowTheirNames: each value sits under its own
// field's name, the one the JSON body uses, so a preview column never
// shows a value under another field's name.
func TestPreviewValuesFollowTheirNames(t *testing.T) {
	c := Customer{ExtCustomerID: 1001, ExtCustomerNumber: "K-1", Name: "Bakker", EnterpriseNumber: "BE0417497106",
		Address: Address{Street: "Markt", StreetNumber: "1 bus 3", City: "Gent", PostalCode: "9000", Country: "belgium"}}
	body, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(body, &tree); err != nil {
		t.Fatal(err)
	}
	all := Preview{}
	for f := field(0); f < numFields; f++ {
		all.fields = append(all.fields, f)
	}
	names, values := all.Names(), all.AppendValues(nil, &c)
	if !slices.Equal(names, FieldNames()) || len(values) != len(names) {
		t.Fatalf("names %q, %d values", names, len(values))
	}
	for i, name := range names {
		var v any = tree
		for _, part := range strings.Split(name, ".") {
			v = v.(map[string]any)[part]
		}
		want := ""
		switch v := v.(type) {
		case string:
			want = v
		case float64:
			want = "1001"
		}
		if values[i] != want {
			t.Errorf("%s: %q, the body has %q", name, values[i], want)
		}
	}
	if got := all.AppendTextValues(nil, &c); !slices.Equal(got, values[1:]) {
		t.Errorf("AppendTextValues = %q, want the values after the id", got)
	}
	if got := all.AppendValues(nil, &Customer{}); !slices.Equal(got, make([]string, len(names))) {
		t.Errorf("an empty customer gives %q", got)
	}
}

// TestPreviewFields: the preview holds the fields the mapping works out,
// not those it copies from one cell as written.
func TestPreviewFields(t *testing.T) {
	const header = "Klant ID;Klantnummer;Naam;BTW;Adres;Bus;Postcode;Gemeente;Land"
	const plain = "  name: Naam\n  address.postalCode: Postcode\n"
	tests := []struct {
		name, fields string
		want         []string
	}{
		{"split, normalised, constant",
			"  extCustomerId: Klant ID\n  extCustomerNumber: Klantnummer\n" + plain +
				"  enterpriseNumber: { column: BTW, transform: [vat] }\n" +
				"  address.street: { column: Adres, transform: [street] }\n  address.streetNumber: { column: Adres, transform: [house_number] }\n" +
				"  address.city: Gemeente\n  address.country: { value: belgium }\n",
			[]string{"extCustomerId", "enterpriseNumber", "address.street", "address.streetNumber", "address.country"}},
		{"number from the id's column, joined box, default, value map",
			"  extCustomerId: Klant ID\n  extCustomerNumber: Klant ID\n" + plain +
				"  enterpriseNumber: { column: BTW, values: { Particulier: { invalid: no VAT } } }\n" +
				"  address.streetNumber: { columns: [Adres, Bus], join: \" bus \" }\n" +
				"  address.city: { column: Gemeente, default: Gent }\n  address.country: Land\n",
			[]string{"extCustomerId", "extCustomerNumber", "enterpriseNumber", "address.streetNumber", "address.city"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte("version: 1\nfields:\n"+tc.fields))
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.Bind(strings.Split(header, ";"))
			if err != nil {
				t.Fatal(err)
			}
			p := b.Preview()
			if got := p.Names(); !slices.Equal(got, tc.want) {
				t.Errorf("preview %q, want %q", got, tc.want)
			}
		})
	}
}
