package mapping

import (
	"strings"
	"testing"
)

func TestCleanLine(t *testing.T) {
	tests := []struct {
		in, out string
		bad     string // a word of the problem, "" for none
	}{
		{"Acme NV", "Acme NV", ""},
		{"Liège", "Liège", ""},
		{"Acme  NV", "Acme  NV", ""}, // only runs with a line break or a tab collapse
		{"Acme\nNV", "Acme NV", ""},
		{"Acme\r\nNV", "Acme NV", ""},
		{"Acme \r\n  NV", "Acme NV", ""},
		{"Acme\tNV", "Acme NV", ""},
		{"Kerkstraat\v12\fbus 3", "Kerkstraat 12 bus 3", ""},
		{"Acme\u2028NV\u2029BV\u0085X", "Acme NV BV X", ""},
		{"Acme\u00a0\nNV", "Acme NV", ""},
		{"Acme\x00NV", "", "U+0000"},
		{"Acme\x1b[31mNV", "", "escape"},
		{"\x1b]0;title\x07", "", "escape"},
		{"Acme\x07", "", "U+0007"},
		{"Acme\x7f", "", "U+007F"},
		{"Acme\u009bNV", "", "U+009B"},
		{"Acme\u202eVN", "", "U+202E"},
		{"Acme\u2066NV", "", "U+2066"},
		{"Acme\xffNV", "", "not text"},
		{strings.Repeat("a", 100) + "\x1b", "", "character 101"},
	}
	for _, tc := range tests {
		out, f := cleanLine(tc.in)
		switch {
		case tc.bad == "" && (f.failed() || out != tc.out):
			t.Errorf("cleanLine(%q) = %q, %+v; want %q", tc.in, out, f, tc.out)
		case tc.bad != "" && (f.kind != KindControl || out != "" || !strings.Contains(f.msg, tc.bad)):
			t.Errorf("cleanLine(%q) = %q, %+v; want a %s problem saying %q", tc.in, out, f, KindControl, tc.bad)
		case tc.bad != "" && strings.ContainsAny(f.msg, "\x00\x1b\x07\x7f\u009b\u202e\u2066\xff"):
			t.Errorf("the message of cleanLine(%q) holds the character itself: %q", tc.in, f.msg)
		}
		if clean := lineClean(tc.in); clean != (tc.out == tc.in) {
			t.Errorf("lineClean(%q) = %v", tc.in, clean)
		}
	}
}

// TestApplyControlCharacters checks that line breaks in a cell are sent
// as one space and that any other control character makes the row invalid,
// naming the cell, in every field and in each column of a field read from
// several.
func TestApplyControlCharacters(t *testing.T) {
	b := mustBind(t, applyMapping, applyHeader)
	c, problems := b.applyOne(row(2, "Acme\r\nNV"))
	if len(problems) > 0 || c.Name != "Acme NV" {
		t.Fatalf("line break: %+v %+v", c, problems)
	}
	c, problems = b.applyOne(row(4, "Kerkstraat\n12\tbus 3"))
	if len(problems) > 0 || c.Address.Street != "Kerkstraat" || c.Address.StreetNumber != "12 bus 3" {
		t.Fatalf("line break in the address: %+v %+v", c, problems)
	}
	for col := range applyHeader {
		for _, bad := range []string{"\x1b[2J", "\x00", "\u202e"} {
			cell := row(-1, "")[col]
			cell = cell[:1] + bad + cell[1:]
			for _, apply := range []func([]string) (Customer, []Problem){b.applyOne, b.NewMapper().Apply} {
				c, problems := apply(row(col, cell))
				var found bool
				for _, p := range problems {
					found = found || p.Kind == KindControl && p.ColumnIndex == col && p.Column == applyHeader[col] && !p.Warning
				}
				if !found {
					t.Errorf("column %s, cell %q: problems %+v, want a %s error naming the cell", applyHeader[col], cell, problems, KindControl)
				}
				body := strings.Join([]string{c.ExtCustomerNumber, c.Name, c.EnterpriseNumber, c.Address.Street, c.Address.StreetNumber, c.Address.City, c.Address.PostalCode, c.Address.Country}, "|")
				if strings.Contains(body, bad) {
					t.Errorf("cell %q: the customer holds it: %+v", cell, c)
				}
			}
		}
	}
	bc := mustBind(t, columnsMapping, columnsHeader)
	_, problems = bc.applyOne([]string{"1", "K1", "Acme", "NV", "BE0417497106", "Kerkstraat", "", "12", "3\x1b", "Brugge"})
	if len(problems) != 1 || problems[0].Kind != KindControl || problems[0].Column != "Bus" || problems[0].ColumnIndex != 8 {
		t.Fatalf("a field of several columns names the cell: %+v", problems)
	}
	c, problems = bc.applyOne([]string{"1", "K1", "Acme\n", "\nNV", "BE0417497106", "Kerk\nstraat", "", "12", "3", "Brugge"})
	if len(problems) > 0 || c.Name != "Acme NV" || c.Address.Street != "Kerk straat" {
		t.Fatalf("line breaks in a field of several columns: %+v %+v", c, problems)
	}
}

func TestParseRefusesControlCharacters(t *testing.T) {
	for name, field := range map[string]string{
		"value":   `{ value: "Acme\e[31m" }`,
		"default": `{ column: Naam, default: "Acme\x00" }`,
		"mapped":  `{ column: Naam, values: { x: { value: "a\u202eb" } } }`,
		"reason":  `{ column: Naam, values: { x: { invalid: "a\e[2Jb" } } }`,
		"text":    `{ column: Naam, values: { "a\eb": { invalid: x } } }`,
		"join":    `{ columns: [Naam, Naam 2], join: "\e" }`,
	} {
		src := "version: 1\n" + strings.Replace(validFields, "name: Naam", "name: "+field, 1)
		_, err := Parse("m.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), "U+") || strings.ContainsAny(err.Error(), "\x00\x1b\u202e") {
			t.Errorf("%s: %v", name, err)
		}
	}
	m := mustParse(t, "version: 1\n"+strings.Replace(validFields, "name: Naam", `name: { column: Naam, values: { "a\nb": { invalid: "two\nlines" } } }`, 1))
	b, err := m.Bind([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente"})
	if err != nil {
		t.Fatal(err)
	}
	_, problems := b.applyOne([]string{"1", "K1", "a\r\nb", "BE0417497106", "Gent"})
	if len(problems) != 1 || problems[0].Kind != KindMappedInvalid || !strings.Contains(problems[0].Message, "two lines") {
		t.Fatalf("line breaks collapse in the texts and reasons of values: too: %+v", problems)
	}
}
