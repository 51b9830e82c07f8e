package mapping

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// applyMapping reads every field from its own column, so a test row is
// easy to write: id, number, name, VAT, address, city, postcode, country.
const applyMapping = `version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber: { column: BTW-nummer, transform: [vat] }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { column: Adres, transform: [house_number] }
  address.city: Gemeente
  address.postalCode: Postcode
  address.country: { column: Land, transform: [country], default: België }
`

var applyHeader = []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Adres", "Gemeente", "Postcode", "Land"}

func mustBind(t testing.TB, src string, header []string) *Binding {
	t.Helper()
	b, err := mustParse(t, src).Bind(header)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	return b
}

func TestApplyValidRow(t *testing.T) {
	b := mustBind(t, applyMapping, applyHeader)
	c, problems := b.applyOne([]string{" 1001.0 ", "K-1001", "Acme NV", "BE 0417.497.106", "Kerkstraat 12, bus 3", "Gent", "9000.0", ""})
	if len(problems) > 0 {
		t.Fatalf("problems: %+v", problems)
	}
	want := Customer{
		ExtCustomerID: 1001, ExtCustomerNumber: "K-1001", Name: "Acme NV", EnterpriseNumber: "BE0417497106",
		Address: Address{Street: "Kerkstraat", StreetNumber: "12 bus 3", City: "Gent", PostalCode: "9000", Country: "belgium"},
	}
	if c != want {
		t.Fatalf("got  %+v\nwant %+v", c, want)
	}
	body, _ := json.Marshal(c)
	if string(body) != `{"extCustomerId":1001,"extCustomerNumber":"K-1001","name":"Acme NV","enterpriseNumber":"BE0417497106","address":{"street":"Kerkstraat","streetNumber":"12 bus 3","city":"Gent","postalCode":"9000","country":"belgium"}}` {
		t.Fatalf("JSON body %s", body)
	}
}

// row builds a valid row with one cell replaced.
func row(col int, value string) []string {
	r := []string{"1001", "K-1001", "Acme NV", "BE0417497106", "Kerkstraat 12", "Gent", "9000", "BE"}
	if col >= 0 {
		r[col] = value
	}
	return r
}

func TestApplyRules(t *testing.T) {
	b := mustBind(t, applyMapping, applyHeader)
	tests := []struct {
		name  string
		row   []string
		kind  string // expected single problem kind, "" for none
		field string
		check func(t *testing.T, c Customer)
	}{
		{"id plain", row(0, "1001"), "", "", func(t *testing.T, c Customer) { want(t, c.ExtCustomerID, int64(1001)) }},
		{"id spreadsheet float", row(0, "1001.0"), "", "", func(t *testing.T, c Customer) { want(t, c.ExtCustomerID, int64(1001)) }},
		{"id grouped", row(0, " 1 001 "), "", "", func(t *testing.T, c Customer) { want(t, c.ExtCustomerID, int64(1001)) }},
		{"id largest", row(0, "9007199254740991"), "", "", func(t *testing.T, c Customer) { want(t, c.ExtCustomerID, int64(9007199254740991)) }},
		{"id too large", row(0, "9007199254740992"), KindOutOfRange, "extCustomerId", nil},
		{"id far too large", row(0, "123456789012345678901"), KindOutOfRange, "extCustomerId", nil},
		{"id zero", row(0, "0"), KindOutOfRange, "extCustomerId", nil},
		{"id decimals", row(0, "1001.5"), KindNotInteger, "extCustomerId", nil},
		{"id letters", row(0, "10a1"), KindNotInteger, "extCustomerId", nil},
		{"id scientific", row(0, "1e3"), KindNotInteger, "extCustomerId", nil},
		{"id negative", row(0, "-1001"), KindNotInteger, "extCustomerId", nil},
		{"id empty", row(0, "  "), KindMissing, "extCustomerId", nil},
		{"number empty", row(1, ""), KindMissing, "extCustomerNumber", nil},
		{"name empty", row(2, "\u00a0"), KindMissing, "name", nil},
		{"name too long", row(2, strings.Repeat("é", 256)), KindTooLong, "name", nil},
		{"name at the limit", row(2, strings.Repeat("é", 255)), "", "", nil},
		{"vat old form", row(3, "BE417497106"), "", "", func(t *testing.T, c Customer) { want(t, c.EnterpriseNumber, "BE0417497106") }},
		{"vat placeholder", row(3, "Particulier"), KindVATNone, "enterpriseNumber", nil},
		{"vat check digits", row(3, "BE0417497107"), KindVATChecksum, "enterpriseNumber", nil},
		{"vat format", row(3, "BE12345"), KindVATFormat, "enterpriseNumber", nil},
		{"vat Dutch", row(3, "NL123456789B01"), "", "", func(t *testing.T, c Customer) { want(t, c.EnterpriseNumber, "NL123456789B01") }},
		{"vat empty", row(3, ""), KindMissing, "enterpriseNumber", nil},
		{"city empty", row(5, ""), KindMissing, "address.city", nil},
		{"postal code keeps its zero", row(6, "0612"), "", "", func(t *testing.T, c Customer) { want(t, c.Address.PostalCode, "0612") }},
		{"postal code is not padded", row(6, "612"), "", "", func(t *testing.T, c Customer) { want(t, c.Address.PostalCode, "612") }},
		{"postal code spreadsheet float", row(6, "1000.0"), "", "", func(t *testing.T, c Customer) { want(t, c.Address.PostalCode, "1000") }},
		{"postal code text", row(6, "L-1234"), "", "", func(t *testing.T, c Customer) { want(t, c.Address.PostalCode, "L-1234") }},
		{"postal code optional", row(6, ""), "", "", func(t *testing.T, c Customer) { want(t, c.Address.PostalCode, "") }},
		{"country default", row(7, ""), "", "", func(t *testing.T, c Customer) { want(t, c.Address.Country, "belgium") }},
		{"country French", row(7, "Pays-Bas"), "", "", func(t *testing.T, c Customer) { want(t, c.Address.Country, "netherlands") }},
		{"country unknown", row(7, "Atlantis"), KindCountry, "address.country", nil},
		{"address without number", row(4, "Kerkstraat"), "", "", func(t *testing.T, c Customer) {
			want(t, c.Address.Street, "Kerkstraat")
			want(t, c.Address.StreetNumber, "")
		}},
		{"short row", []string{"1001", "K-1001", "Acme NV", "BE0417497106", "Kerkstraat 1", "Gent"}, "", "", func(t *testing.T, c Customer) {
			want(t, c.Address.Country, "belgium") // the missing cell is empty, so the default applies
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, problems := b.applyOne(tc.row)
			if tc.kind == "" {
				if len(problems) > 0 {
					t.Fatalf("problems: %+v", problems)
				}
			} else {
				if len(problems) != 1 || problems[0].Kind != tc.kind || problems[0].Field != tc.field || problems[0].Warning {
					t.Fatalf("problems = %+v, want one %s error on %s", problems, tc.kind, tc.field)
				}
				p := problems[0]
				if p.Column != applyHeader[p.ColumnIndex] || !strings.HasSuffix(p.Message, ".") {
					t.Fatalf("problem does not name its column or is not a sentence: %+v", p)
				}
				if !HasErrors(problems) {
					t.Fatal("HasErrors = false for an error")
				}
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func want[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestApplyReportsEveryProblemOfTheRow(t *testing.T) {
	b := mustBind(t, applyMapping, applyHeader)
	_, problems := b.applyOne([]string{"10a1", "", "Acme", "BE0417497107", "", "", "", "Atlantis"})
	var got []string
	for _, p := range problems {
		got = append(got, p.Field+":"+p.Kind)
	}
	wantList := "extCustomerId:not_integer extCustomerNumber:missing enterpriseNumber:vat_checksum address.city:missing address.country:country_unknown"
	if strings.Join(got, " ") != wantList {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), wantList)
	}
	for _, p := range problems {
		if p.Field == "extCustomerId" && (!strings.Contains(p.Message, `"10a1"`) || p.ColumnIndex != 0 || p.Column != "Klant ID") {
			t.Errorf("problem does not say what it saw where: %+v", p)
		}
	}
}

func TestApplyCheckDigitSeverity(t *testing.T) {
	src := strings.Replace(applyMapping, "transform: [vat] }", "transform: [vat], severity: warning }", 1)
	b := mustBind(t, src, applyHeader)
	c, problems := b.applyOne(row(3, "BE 0417.497.107"))
	if len(problems) != 1 || !problems[0].Warning || problems[0].Kind != KindVATChecksum {
		t.Fatalf("problems = %+v, want one check-digit warning", problems)
	}
	if HasErrors(problems) {
		t.Fatal("a warning must keep the row")
	}
	if c.EnterpriseNumber != "BE0417497107" {
		t.Fatalf("the number is still sent, normalised: %q", c.EnterpriseNumber)
	}
	// A format problem stays an error whatever the severity.
	_, problems = b.applyOne(row(3, "BE12"))
	if !HasErrors(problems) {
		t.Fatalf("format problems are errors: %+v", problems)
	}
}

func TestApplyNormalisesWithoutExplicitTransforms(t *testing.T) {
	src := "version: 1\nfields:\n  extCustomerId: Klant ID\n  extCustomerNumber: Klantnummer\n  name: Naam\n  enterpriseNumber: BTW-nummer\n  address.city: Gemeente\n"
	b := mustBind(t, src, applyHeader)
	c, problems := b.applyOne(row(0, "1001.0")[:6])
	if len(problems) > 0 || c.ExtCustomerID != 1001 {
		t.Fatalf("id: %+v %+v", c, problems)
	}
	c, problems = b.applyOne(row(3, "0417.497.106"))
	if len(problems) > 0 || c.EnterpriseNumber != "BE0417497106" {
		t.Fatalf("VAT: %+v %+v", c, problems)
	}
}

func TestApplyConstantsAndDefaults(t *testing.T) {
	src := `version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: { column: Klantnummer, transform: [upper] }
  name: { column: Naam, default: Onbekend }
  enterpriseNumber: { value: be 0417 497 106, transform: [vat] }
  address.city: { column: Gemeente, transform: [digits] }
  address.country: { value: Belgique, transform: [country] }
`
	b := mustBind(t, src, []string{"Klant ID", "Klantnummer", "Naam", "Gemeente"})
	c, problems := b.applyOne([]string{"7", "k-7", "", "Gent"})
	if c.Name != "Onbekend" || c.EnterpriseNumber != "BE0417497106" || c.Address.Country != "belgium" || c.ExtCustomerNumber != "K-7" {
		t.Fatalf("got %+v", c)
	}
	if len(problems) != 1 || problems[0].Kind != KindMissing || !strings.Contains(problems[0].Message, `"Gent" becomes empty after the transforms`) {
		t.Fatalf("a transform that empties a required value must be explained: %+v", problems)
	}
}

func TestApplyIsSafeForConcurrentUse(t *testing.T) {
	b := mustBind(t, applyMapping, applyHeader)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				c, problems := b.applyOne(row(3, "0417 497 106"))
				if len(problems) > 0 || c.EnterpriseNumber != "BE0417497106" {
					t.Errorf("got %+v %+v", c, problems)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestHasErrors(t *testing.T) {
	if HasErrors(nil) || HasErrors([]Problem{{Warning: true}}) {
		t.Fatal("no problems or only warnings: no errors")
	}
	if !HasErrors([]Problem{{Warning: true}, {}}) {
		t.Fatal("an error among warnings")
	}
}

// TestApplyVATLostZeros checks that a Belgian number whose leading zeros a
// spreadsheet dropped is sent with them back and a warning on the row, and
// that one whose check digits do not then hold is refused whatever the
// severity of check digits.
func TestApplyVATLostZeros(t *testing.T) {
	for _, src := range []string{applyMapping, strings.Replace(applyMapping, "transform: [vat] }", "transform: [vat], severity: warning }", 1),
		strings.Replace(applyMapping, "{ column: BTW-nummer, transform: [vat] }", "BTW-nummer", 1)} {
		b := mustBind(t, src, applyHeader)
		tests := []struct {
			cell, want, kind string
			warning          bool
		}{
			{"79647589", "BE0079647589", KindVATPadded, true},
			{"417497106", "BE0417497106", KindVATPadded, true},
			{"79647588", "", KindVATFormat, false},
			{"Particulier", "", KindVATNone, false},
			{"ZZ999", "", KindVATFormat, false},
		}
		for _, tc := range tests {
			c, problems := b.applyOne(row(3, tc.cell))
			if len(problems) != 1 || problems[0].Kind != tc.kind || problems[0].Warning != tc.warning || problems[0].Field != "enterpriseNumber" {
				t.Fatalf("%q: problems = %+v, want one %s (warning %v)", tc.cell, problems, tc.kind, tc.warning)
			}
			if c.EnterpriseNumber != tc.want {
				t.Fatalf("%q: sends %q, want %q", tc.cell, c.EnterpriseNumber, tc.want)
			}
		}
	}
}

// TestApplyIDAndNumberFromOneColumn checks that extCustomerNumber read from
// the column of extCustomerId carries the id's canonical digits, whatever
// way the cell writes the number, and that from its own column it is sent
// as written.
func TestApplyIDAndNumberFromOneColumn(t *testing.T) {
	header := []string{"Klant ID", "Naam", "BTW-nummer", "Gemeente", "Nummer"}
	base := "version: 1\nfields:\n  extCustomerId: Klant ID\n  name: Naam\n  enterpriseNumber: BTW-nummer\n  address.city: Gemeente\n"
	mappings := map[string]string{
		"same header":             base + "  extCustomerNumber: Klant ID\n",
		"number first":            strings.Replace(base, "fields:\n", "fields:\n  extCustomerNumber: Klant ID\n", 1),
		"same column, other case": base + "  extCustomerNumber: klant-id\n",
		"with a transform":        base + "  extCustomerNumber: { column: Klant ID, transform: [trim] }\n",
	}
	tests := []struct {
		cell   string
		id     int64
		number string
		kind   string // of the one problem, on extCustomerId
	}{
		{"400145", 400145, "400145", ""},
		{"400 145", 400145, "400145", ""},
		{"400148,00", 400148, "400148", ""},
		{"400.148", 400148, "400148", ""},
		{"'400178", 400178, "400178", ""},
		{" 400178.0 ", 400178, "400178", ""},
		{"00042", 42, "42", ""},
		{"10a1", 0, "10a1", KindNotInteger}, // the row is invalid; the number is reported once, on the id
		{"0", 0, "0", KindOutOfRange},
	}
	for name, src := range mappings {
		t.Run(name, func(t *testing.T) {
			b := mustBind(t, src, header)
			m := b.NewMapper()
			for _, tc := range tests {
				c, problems := m.Apply([]string{tc.cell, "Acme", "BE0417497106", "Gent", "N-1"})
				if c.ExtCustomerID != tc.id || c.ExtCustomerNumber != tc.number {
					t.Errorf("%q: id %d, number %q; want %d, %q", tc.cell, c.ExtCustomerID, c.ExtCustomerNumber, tc.id, tc.number)
				}
				switch {
				case tc.kind == "" && len(problems) > 0:
					t.Errorf("%q: problems %+v", tc.cell, problems)
				case tc.kind != "" && (len(problems) != 1 || problems[0].Kind != tc.kind || problems[0].Field != "extCustomerId"):
					t.Errorf("%q: problems %+v, want one %s on extCustomerId", tc.cell, problems, tc.kind)
				}
			}
		})
	}
	t.Run("own column", func(t *testing.T) {
		b := mustBind(t, base+"  extCustomerNumber: Nummer\n", header)
		for _, cell := range []string{"400 145", "'400178", "400.148", "K-00042"} {
			c, problems := b.NewMapper().Apply([]string{"7", "Acme", "BE0417497106", "Gent", " " + cell + " "})
			if len(problems) > 0 || c.ExtCustomerNumber != cell {
				t.Errorf("%q: number %q, problems %+v; want it as written", cell, c.ExtCustomerNumber, problems)
			}
		}
	})
}
