package mapping

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestGuessSynonyms(t *testing.T) {
	tests := []struct {
		header string
		field  string
	}{
		{"Klant ID", "extCustomerId"}, {"Klant-id", "extCustomerId"}, {"Klantid", "extCustomerId"}, {"ID client", "extCustomerId"},
		{"Customer ID", "extCustomerId"}, {"Id", "extCustomerId"}, {"ID", "extCustomerId"},
		{"Klantnummer", "extCustomerNumber"}, {"Klantnr", "extCustomerNumber"}, {"Klantnr.", "extCustomerNumber"}, {"Numéro client", "extCustomerNumber"},
		{"N° client", "extCustomerNumber"}, {"Customer number", "extCustomerNumber"},
		{"BTW-nummer", "enterpriseNumber"}, {"BTW nr", "enterpriseNumber"}, {"Ondernemingsnummer", "enterpriseNumber"}, {"N° TVA", "enterpriseNumber"},
		{"Numéro TVA", "enterpriseNumber"}, {"Numéro d'entreprise", "enterpriseNumber"}, {"VAT", "enterpriseNumber"}, {"VAT number", "enterpriseNumber"},
		{"Enterprise number", "enterpriseNumber"},
		{"Gemeente", "address.city"}, {"Stad", "address.city"}, {"Plaats", "address.city"}, {"Woonplaats", "address.city"}, {"Ville", "address.city"},
		{"Localité", "address.city"}, {"Commune", "address.city"}, {"City", "address.city"}, {"Town", "address.city"},
		{"Postcode", "address.postalCode"}, {"Code postal", "address.postalCode"}, {"CP", "address.postalCode"}, {"ZIP", "address.postalCode"},
		{"Postal code", "address.postalCode"},
		{"Straat", "address.street"}, {"Rue", "address.street"}, {"Street", "address.street"},
		{"Huisnummer", "address.streetNumber"}, {"Nr", "address.streetNumber"}, {"Nummer", "address.streetNumber"}, {"Numéro", "address.streetNumber"},
		{"N°", "address.streetNumber"}, {"Number", "address.streetNumber"}, {"House number", "address.streetNumber"},
		{"Land", "address.country"}, {"Pays", "address.country"}, {"Country", "address.country"},
		{"Naam", "name"}, {"Bedrijfsnaam", "name"}, {"Firmanaam", "name"}, {"Nom", "name"}, {"Raison sociale", "name"}, {"Société", "name"},
		{"Company", "name"}, {"Company name", "name"}, {"Name", "name"}, {"NAAM ", "name"},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			d := Guess([]string{"Telefoon", tc.header})
			if got := placedColumns(d); got[tc.field] != trimSpace(tc.header) {
				t.Fatalf("Guess(%q) placed %v, want %s", tc.header, got, tc.field)
			}
		})
	}
}

func TestSynonymsDoNotCollide(t *testing.T) {
	owner := make(map[string]field)
	for f, list := range synonymSpellings {
		for _, s := range list {
			k := headerKey(s)
			if prev, ok := owner[k]; ok && prev != field(f) {
				t.Errorf("%q means both %s and %s", s, prev, field(f))
			}
			owner[k] = field(f)
			if addressKeys[k] {
				t.Errorf("%q is both a field synonym and an address column", s)
			}
			if codeKeys[k] {
				t.Errorf("%q is both a field synonym and a customer-code column", s)
			}
		}
	}
	for _, s := range codeSpellings {
		if addressKeys[headerKey(s)] {
			t.Errorf("%q is both a customer-code and an address column", s)
		}
	}
}

func TestGuessAddressColumn(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   string // Field<-Column[transforms] of the address fields
	}{
		{"single address cell", []string{"Adres", "Gemeente"}, "address.street<-Adres[street] address.streetNumber<-Adres[house_number]"},
		{"French", []string{"Adresse", "Ville"}, "address.street<-Adresse[street] address.streetNumber<-Adresse[house_number]"},
		{"separate street wins", []string{"Adres", "Straat", "Huisnummer"}, "address.street<-Straat[] address.streetNumber<-Huisnummer[]"},
		{"address with its own number column", []string{"Adres", "Nr"}, "address.street<-Adres[] address.streetNumber<-Nr[]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range Guess(tc.header).Fields {
				if strings.HasPrefix(f.Field, "address.street") {
					got = append(got, f.Field+"<-"+f.Column+"["+strings.Join(f.Transform, ",")+"]")
				}
			}
			if strings.Join(got, " ") != tc.want {
				t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), tc.want)
			}
		})
	}
}

func TestGuessSkipsDuplicatesAndResultColumns(t *testing.T) {
	d := Guess([]string{"Naam", "naam", "owr_status", "Klant ID", "", "Opmerking"})
	for _, f := range d.Fields {
		if f.Field == "name" {
			t.Fatalf("a duplicated header must not be guessed (Bind would refuse it): %+v", f)
		}
	}
	if strings.Join(d.Unused, "|") != "Naam|naam|Opmerking" {
		t.Fatalf("unused = %q", d.Unused)
	}
	// Without a customer-number column the id is the number too.
	if strings.Join(d.Missing, "|") != "name|enterpriseNumber|address.city" {
		t.Fatalf("missing = %q", d.Missing)
	}
}

// draftCases are realistic header rows; each has a golden YAML file.
var draftCases = []struct {
	name   string
	file   string
	header []string
	source Source
}{
	{"dutch", "klanten.csv", []string{"Klant ID", "Klantnummer", "Bedrijfsnaam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Telefoon", "E-mail: werk", "owr_status"}, Source{Delimiter: ";", Encoding: "windows-1252"}},
	{"french", "clients.xlsx", []string{"ID client", "N° client", "Raison sociale", "N° TVA", "Rue", "N°", "Code postal", "Localité", "Pays"}, Source{Sheet: "Clients 2024", HeaderRow: 3}},
	{"english_missing", "export.csv", []string{"Customer number", "Company", "City", "# notes", "Yes", "0612", "Tab\there"}, Source{Delimiter: "\t"}},
}

func TestDraftYAMLGolden(t *testing.T) {
	for _, tc := range draftCases {
		t.Run(tc.name, func(t *testing.T) {
			d := Guess(tc.header)
			d.Source = tc.source
			got := d.YAML(tc.file)
			path := filepath.Join("testdata", "draft_"+tc.name+".yaml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, golden) {
				t.Fatalf("draft differs from %s (go test -update to accept):\n%s", path, got)
			}
		})
	}
}

// TestDraftParsesBack checks the promise of Draft.YAML: with nothing missing
// it parses and binds to the header it came from; otherwise Parse names
// every missing field.
func TestDraftParsesBack(t *testing.T) {
	for _, tc := range draftCases {
		t.Run(tc.name, func(t *testing.T) {
			d := Guess(tc.header)
			d.Source = tc.source
			m, err := Parse("mapping.yaml", d.YAML(tc.file))
			if len(d.Missing) == 0 {
				if err != nil {
					t.Fatalf("a complete draft must parse: %v", err)
				}
				if m.Source != tc.source {
					t.Fatalf("source = %+v, want %+v", m.Source, tc.source)
				}
				if _, err := m.Bind(tc.header); err != nil {
					t.Fatalf("a complete draft must bind to its header: %v", err)
				}
				return
			}
			var list Errors
			var one *Error
			var msgs []string
			switch {
			case errors.As(err, &list):
				for _, e := range list {
					msgs = append(msgs, e.Message)
				}
			case errors.As(err, &one):
				msgs = []string{one.Message}
			default:
				t.Fatalf("want mapping errors, got %v", err)
			}
			if len(msgs) != len(d.Missing) {
				t.Fatalf("errors %q, want one per missing field %q", msgs, d.Missing)
			}
			for i, f := range d.Missing {
				if !strings.Contains(msgs[i], "required field "+f+" ") {
					t.Errorf("error %q does not name %s", msgs[i], f)
				}
			}
		})
	}
}

func TestYAMLScalarRoundTrip(t *testing.T) {
	headers := []string{"Naam", "Klant ID", "N°", "N° TVA", "Numéro d'entreprise", "E-mail: werk", "# notes", "Yes", "no", "null", "0612", "1.0",
		"- dash", "[x]", "{x}", "a, b", "Tab\there", " spaced ", "quote\"d", `back\slash`, "&anchor", "*alias", "!tag", "%pct", "@at", "`tick`",
		"'single'", "Ünïcödé", "a #b", "a: b", "?q", "|pipe", ">gt", "~", "x\ny"}
	var b strings.Builder
	b.WriteString("version: 1\nfields:\n  extCustomerId: a\n  extCustomerNumber: b\n  enterpriseNumber: c\n  address.city: d\n")
	for _, h := range headers {
		b.Reset()
		b.WriteString("version: 1\nfields:\n  extCustomerId: a\n  extCustomerNumber: b\n  enterpriseNumber: c\n  address.city: d\n")
		b.WriteString("  name: " + yamlScalar(h) + "\n")
		m, err := Parse("m.yaml", []byte(b.String()))
		if err != nil {
			t.Errorf("%q written as %s does not parse: %v", h, yamlScalar(h), err)
			continue
		}
		if got := m.fields[4].column; got != trimSpace(h) {
			t.Errorf("%q written as %s reads back as %q", h, yamlScalar(h), got)
		}
		b.Reset()
		b.WriteString("version: 1\nfields:\n  extCustomerId: a\n  extCustomerNumber: b\n  enterpriseNumber: c\n  address.city: d\n")
		b.WriteString("  name: " + draftValue(DraftField{Column: h, Transform: []string{"upper"}}) + "\n")
		if m, err := Parse("m.yaml", []byte(b.String())); err != nil || m.fields[4].column != trimSpace(h) {
			t.Errorf("%q in flow form: %v", h, err)
		}
	}
}

// TestDraftLanguage: the comments and TODO examples are in the language of
// the headers.
func TestDraftLanguage(t *testing.T) {
	for _, tc := range exportCases {
		header, _ := readExport(t, tc)
		if got := detectLanguage(header); got.String() != tc.lang {
			t.Errorf("%s: language %s, want %s", tc.file, got, tc.lang)
		}
	}
	tests := []struct {
		header []string
		want   []string
	}{
		{[]string{"Klantnummer", "Naam", "Gemeente"}, []string{"# owr-import-mapping voor x.csv", "bv.  enterpriseNumber: BTW-nummer"}},
		{[]string{"N° client", "Nom", "Localité"}, []string{"# Mapping owr-import pour x.csv", `p. ex.  enterpriseNumber: "N° TVA"`}},
		{[]string{"Customer number", "Name", "City"}, []string{"# owr-import mapping for x.csv", "e.g.  enterpriseNumber: VAT number"}},
		{[]string{"Naam / Nom", "Gemeente / Commune"}, []string{"# owr-import mapping for x.csv"}}, // bilingual: English
	}
	for _, tc := range tests {
		y := string(Guess(tc.header).YAML("x.csv"))
		for _, w := range tc.want {
			if !strings.Contains(y, w) {
				t.Errorf("%q: draft lacks %q:\n%s", tc.header, w, y)
			}
		}
	}
}

// TestDraftCommentsStayTrue: no comment states what the mapping does now,
// since the consultant edits it; the header says the comments describe the
// file as it was when the draft was written.
func TestDraftCommentsStayTrue(t *testing.T) {
	d := Guess([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente", "Telefoon"})
	y := string(d.YAML("klanten.csv"))
	if !strings.Contains(y, `# De commentaren beschrijven "klanten.csv" zoals het was toen "owr-import mapping init" deze mapping schreef`) {
		t.Errorf("no header line about when the comments were true:\n%s", y)
	}
	for _, stale := range []string{"does not read", "niet leest", "ne lit pas"} {
		if strings.Contains(y, stale) {
			t.Errorf("the draft says %q, which turns false once the consultant maps the column:\n%s", stale, y)
		}
	}
}

// TestDraftLookAlikes: headers that differ only in case are named in the
// draft, which reads none of them.
func TestDraftLookAlikes(t *testing.T) {
	y := string(Guess([]string{"Klant ID", "Naam", "naam ", "Gemeente"}).YAML("x.csv"))
	if !strings.Contains(y, `# "Naam", "naam" lijken op elkaar`) {
		t.Errorf("look-alikes not named:\n%s", y)
	}
}

// TestDraftEscapesHeaders: header names (and the file name) holding control
// characters or escape sequences are escaped in every text the draft
// writes, and the YAML still reads back.
func TestDraftEscapesHeaders(t *testing.T) {
	header := []string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Gemeente", "Opmerking\x1b[2J\x1b]0;pwned\x07", "Omschr\u202eijving", "Nota\r\nNieuwe regel", "Ruw\xff"}
	d := Guess(header, []string{"1", "K1", "A", "BE0471650622", "Gent", "x", "y", "z", "w"})
	y := d.YAML("klanten\x1b[31m.csv")
	for _, raw := range []string{"\x1b", "\x07", "\u202e", "\r", "\xff"} {
		if bytes.Contains(y, []byte(raw)) {
			t.Errorf("draft holds the raw %q:\n%s", raw, y)
		}
	}
	for _, want := range []string{`#   - Opmerking\x1b[2J\x1b]0;pwned\x07`, `#   - Omschr\u202eijving`, `#   - Nota\r\nNieuwe regel`, `#   - Ruw\xff`, `klanten\x1b[31m.csv`} {
		if !bytes.Contains(y, []byte(want)) {
			t.Errorf("draft lacks %q:\n%s", want, y)
		}
	}
	if _, err := Parse("m.yaml", y); err != nil {
		t.Fatalf("draft does not parse: %v\n%s", err, y)
	}
	if u := d.UnusedText(); strings.ContainsAny(u, "\x1b\x07\u202e\r\n") || !strings.Contains(u, `Opmerking\x1b[2J`) {
		t.Errorf("UnusedText = %q", u)
	}
	// A column read by the mapping is written as a YAML scalar that reads back.
	d = Guess([]string{"Klant\x1bID", "Naam\u202e", "Gemeente"})
	if y := d.YAML("x.csv"); bytes.ContainsAny(y, "\x1b\u202e") {
		t.Errorf("draft holds a raw control character:\n%s", y)
	}
}
