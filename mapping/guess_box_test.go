package mapping

import (
	"slices"
	"strings"
	"testing"
)

// TestGuessBoxColumn: a box number kept apart (a column of its own, or a
// second street line holding only boxes) is joined to the house number, so
// that the customer is not created without its box.
func TestGuessBoxColumn(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string // address.streetNumber as fieldLine renders it
	}{
		{"Billit's Box beside StreetNumber", []string{"Name", "Street", "StreetNumber", "Box", "City"},
			[][]string{{"A", "Kerkstraat", "12", "3", "Gent"}, {"B", "Industrieweg", "45", "", "Aalter"}},
			`address.streetNumber<-StreetNumber+Box(" bus ")[]`},
		{"Dutch Bus", []string{"Naam", "Straat", "Huisnummer", "Bus", "Gemeente"}, [][]string{{"A", "Kerkstraat", "12", "3", "Gent"}},
			`address.streetNumber<-Huisnummer+Bus(" bus ")[]`},
		{"French Boîte joins with bte", []string{"Nom", "Rue", "Numéro", "Boîte", "Localité"}, [][]string{{"A", "Rue de la Loi", "16", "3", "Bruxelles"}},
			`address.streetNumber<-Numéro+Boîte(" bte ")[]`},
		{"header only", []string{"Naam", "Straat", "Huisnummer", "Busnummer"}, nil,
			`address.streetNumber<-Huisnummer+Busnummer(" bus ")[]`},
		{"box cells that say bus join with a space", []string{"Naam", "Straat", "Nr", "Bus nr"}, [][]string{{"A", "Kerkstraat", "12", "bus 3"}},
			`address.streetNumber<-Nr+Bus nr(" ")[]`},
		{"address split, box apart", []string{"Naam", "Adres", "Bus", "Gemeente"}, [][]string{{"A", "Kerkstraat 12", "3", "Gent"}, {"B", "Markt 1", "", "Brugge"}},
			`address.streetNumber<-Adres+Bus(" bus ")[house_number]`},
		{"French address split, Bte apart", []string{"Nom", "Adresse", "Bte", "Localité"}, [][]string{{"A", "Rue de la Loi 16", "3", "Bruxelles"}},
			`address.streetNumber<-Adresse+Bte(" bte ")[house_number]`},
		{"Odoo's Straat2 holding boxes", []string{"ID", "Naam", "Straat", "Straat2", "Plaats"},
			[][]string{{"__export__.res_partner_1", "A", "Kerkstraat 12", "bus 3", "Gent"}, {"__export__.res_partner_2", "B", "Markt 1", "", "Brugge"}, {"__export__.res_partner_3", "C", "Dorp 4", "Bte 2B", "Pelt"}},
			`address.streetNumber<-Straat+Straat2(" ")[house_number]`},
		{"WinBooks' ADRESS2 holding boxes", []string{"NUMBER", "NAME1", "ADRESS1", "ADRESS2", "CITY"},
			[][]string{{"1", "A", "RUE DE LA LOI 16", "BTE 3", "BRUXELLES"}, {"2", "B", "RUE HAUTE 4", "boîte 4", "BRUXELLES"}},
			`address.streetNumber<-ADRESS1+ADRESS2(" ")[house_number]`},
		{"a second line with a number column", []string{"Naam", "Straat", "Huisnummer", "Adresregel 2"}, [][]string{{"A", "Kerkstraat", "12", "bus 3"}},
			`address.streetNumber<-Huisnummer+Adresregel 2(" ")[]`},
		{"a second line with other text is not read", []string{"Name", "Street", "Street2", "City"},
			[][]string{{"A", "Industrieweg 45", "Unit 3", "Aalter"}, {"B", "Kerkstraat 12", "bus 3", "Gent"}},
			`address.streetNumber<-Street[house_number]`},
		{"a second line without samples is not read", []string{"Name", "Address line 1", "Address line 2", "City"}, nil,
			`address.streetNumber<-Address line 1[house_number]`},
		{"a second line left empty is not read", []string{"Name", "Street", "Street2"}, [][]string{{"A", "Kerkstraat 12", ""}},
			`address.streetNumber<-Street[house_number]`},
		{"a Box column of text is not a box", []string{"Name", "Street", "Number", "Box"}, [][]string{{"A", "Kerkstraat", "12", "Postbus 12, Gent"}},
			`address.streetNumber<-Number[]`},
		{"no house number to join to", []string{"Naam", "Straat", "Bus"}, [][]string{{"A", "Kerkstraat", "3"}},
			`address.streetNumber<-`},
		{"a number first, which the joined cell would lose", []string{"Nom", "Adresse", "Boîte"}, [][]string{{"A", "12 rue de la Paix", "3"}},
			`address.streetNumber<-Adresse[house_number]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Guess(tc.header, tc.rows...)
			if got := fieldLine(d, "address.streetNumber"); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			for _, f := range d.Fields {
				for _, c := range f.Columns[min(1, len(f.Columns)):] {
					if slices.Contains(d.Unused, c) {
						t.Errorf("%q is joined and listed as unused: %v", c, d.Unused)
					}
				}
			}
		})
	}
}

// TestGuessBoxSpellings: the headers of a box column in Dutch, French and
// English exports.
func TestGuessBoxSpellings(t *testing.T) {
	for _, h := range []string{"Bus", "Busnummer", "Bus nr", "Box", "Box number", "Boîte", "Boite", "Bte", "N° boîte", "Numéro de boîte"} {
		t.Run(h, func(t *testing.T) {
			d := Guess([]string{"Naam", "Straat", "Huisnummer", h}, []string{"A", "Kerkstraat", "12", "3"})
			if got := fieldLine(d, "address.streetNumber"); !strings.Contains(got, "+"+h+"(") {
				t.Errorf("%q is not joined: %s", h, got)
			}
		})
	}
}

// TestGuessBoxThroughMapping runs the drafted mapping as the importer does
// (YAML, Parse, Bind, Apply): the box reaches streetNumber, and a row whose
// box is empty sends what it sent before.
func TestGuessBoxThroughMapping(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   []string // street|streetNumber per row
	}{
		{"address split, box apart", []string{"Klant ID", "Naam", "BTW-nummer", "Adres", "Bus", "Gemeente"},
			[][]string{{"1", "A", "BE0417497106", "Kerkstraat 12", "3", "Gent"}, {"2", "B", "BE0417497106", "Kerkstraat 12", "", "Gent"},
				{"3", "C", "BE0417497106", "Markt 1A", " 2B ", "Brugge"}},
			[]string{"Kerkstraat|12 bus 3", "Kerkstraat|12", "Markt|1A bus 2B"}},
		{"number and box columns", []string{"PartyID", "Name", "VATNumber", "Street", "StreetNumber", "Box", "City"},
			[][]string{{"1", "A", "BE0417497106", "Kerkstraat", "12", "3", "Gent"}, {"2", "B", "BE0417497106", "Industrieweg", "45", "", "Aalter"}},
			[]string{"Kerkstraat|12 bus 3", "Industrieweg|45"}},
		{"French, bte", []string{"N° client", "Nom", "N° TVA", "Rue", "Numéro", "Boîte", "Localité"},
			[][]string{{"1", "A", "BE0417497106", "Rue de la Loi", "16", "3", "Bruxelles"}},
			[]string{"Rue de la Loi|16 bte 3"}},
		{"Straat2 holding boxes", []string{"Referentie", "Naam", "Btw nr.", "Straat", "Straat2", "Plaats"},
			[][]string{{"1", "A", "BE0417497106", "Kerkstraat 12", "bus 3", "Gent"}, {"2", "B", "BE0417497106", "Kerkstraat 12", "", "Gent"}},
			[]string{"Kerkstraat|12 bus 3", "Kerkstraat|12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Guess(tc.header, tc.rows...)
			y := d.YAML("export.csv")
			m, err := Parse("mapping.yaml", y)
			if err != nil {
				t.Fatalf("%v\n%s", err, y)
			}
			b, err := m.Bind(tc.header)
			if err != nil {
				t.Fatalf("%v\n%s", err, y)
			}
			mapper := b.NewMapper()
			for i, row := range tc.rows {
				for _, apply := range []func([]string) (Customer, []Problem){b.applyOne, mapper.Apply} {
					c, _ := apply(row)
					if got := c.Address.Street + "|" + c.Address.StreetNumber; got != tc.want[i] {
						t.Errorf("row %d: got %q, want %q\n%s", i, got, tc.want[i], y)
					}
				}
			}
		})
	}
}

// TestDraftValueColumns: a field read from several columns is written in
// the flow form Parse reads, the join quoted.
func TestDraftValueColumns(t *testing.T) {
	tests := []struct {
		df   DraftField
		want string
	}{
		{DraftField{Column: "StreetNumber", Columns: []string{"StreetNumber", "Box"}, Join: " bus "},
			`{ columns: [StreetNumber, Box], join: " bus " }`},
		{DraftField{Column: "Adres", Columns: []string{"Adres", "Bus nr"}, Join: " bte ", Transform: []string{"house_number"}},
			`{ columns: [Adres, Bus nr], join: " bte ", transform: [house_number] }`},
		{DraftField{Column: "No", Columns: []string{"No", "Box: nr"}, Join: " "},
			`{ columns: ["No", "Box: nr"], join: " " }`},
	}
	for _, tc := range tests {
		if got := draftValue(tc.df); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

// TestDraftBoxNote: the draft says, in the language of the headers, that the
// box is joined, with an example taken from the rows.
func TestDraftBoxNote(t *testing.T) {
	tests := []struct {
		header []string
		rows   [][]string
		want   string
	}{
		{[]string{"Name", "Street", "StreetNumber", "Box"}, [][]string{{"A", "Kerkstraat", "12", ""}, {"B", "Kerkstraat", "12", "3"}},
			`"Box" holds the box number: it is joined to the house number ("12 bus 3").`},
		{[]string{"Naam", "Adres", "Bus"}, [][]string{{"A", "Kerkstraat 12", "3"}},
			`"Bus" bevat het busnummer: het wordt achter het huisnummer gezet ("12 bus 3").`},
		{[]string{"Nom", "Adresse", "Boîte"}, [][]string{{"A", "Rue de la Loi 16", "3"}},
			`"Boîte" contient le numéro de boîte : il est ajouté après le numéro ("16 bte 3").`},
		{[]string{"Naam", "Straat", "Huisnummer", "Bus"}, nil,
			`"Bus" bevat het busnummer: het wordt achter het huisnummer gezet.`},
	}
	for _, tc := range tests {
		y := string(Guess(tc.header, tc.rows...).YAML("export.csv"))
		if !strings.Contains(y, "  # "+tc.want+"\n  address.streetNumber: ") {
			t.Errorf("want the note %q above streetNumber in\n%s", tc.want, y)
		}
	}
}

// TestDraftExportsBox: the exports with a box apart send it in streetNumber
// through their drafted mapping; their other rows send what they did.
func TestDraftExportsBox(t *testing.T) {
	tests := []struct {
		file string
		want []string // street|streetNumber per data row
	}{
		{"billit_api.csv", []string{"Kerkstraat|12 bus 3", "Rue de la Loi|16 bus 3", "Industrieweg|45"}},
		{"french_box.csv", []string{"Rue de la Loi|16 bte 3", "Route de Bastogne|112", "Chaussée de Namur|7 bte 2B"}},
		{"odoo_nl_street2_box.csv", []string{"Kerkstraat|12 bus 3", "Antwerpsesteenweg|221", "Dorp|4A bus 2B"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			header, rows := readExport(t, exportCase{file: tc.file, headerRow: 1})
			m, err := Parse("mapping.yaml", Guess(header, rows...).YAML(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.Bind(header)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range rows {
				c, _ := b.applyOne(row)
				if got := c.Address.Street + "|" + c.Address.StreetNumber; i >= len(tc.want) || got != tc.want[i] {
					t.Errorf("row %d: got %q, want %v", i, got, tc.want)
				}
			}
		})
	}
}
