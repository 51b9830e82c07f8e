//go:build ignore

// generate writes samples/customers.csv and samples/customers.xlsx: the same
// invented Belgian customer export, as a client's old system would hand it
// over. Run it with `go run samples/generate.go` after changing the rows.
//
// The CSV is what Excel on a Belgian PC writes: ";" separated, Windows-1252,
// CRLF. The workbook has a title row and a blank row above the header, ids
// and postcodes stored as numbers, and one VAT number that a spreadsheet
// turned into a number (it lost its leading zero).
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

var header = []string{"Klant ID", "Klantnummer", "Bedrijfsnaam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Land", "Telefoon", "E-mail"}

type row struct {
	id, number, name, vat, address, postcode, city, country, phone, email string
}

// vat returns a Belgian enterprise number with correct mod-97 check digits
// for the 8-digit base, written the way the client's system wrote it.
func vat(base int, style int) string {
	check := 97 - base%97
	digits := fmt.Sprintf("0%07d%02d", base%10000000, check)
	if base >= 10000000 {
		digits = fmt.Sprintf("%08d%02d", base, check)
	}
	switch style % 4 {
	case 0:
		return "BE" + digits
	case 1:
		return "BE " + digits[:4] + "." + digits[4:7] + "." + digits[7:]
	case 2:
		return digits[:4] + " " + digits[4:7] + " " + digits[7:]
	default:
		return "be" + digits
	}
}

// companies are the invented customers, one per line.
var companies = []struct{ name, street, city, pc, country string }{
	{"Bakkerij Peeters", "Kerkstraat 12 bus 3", "Gent", "9000", "België"},
	{"Garage Janssens BV", "Antwerpsesteenweg 221", "Mechelen", "2800", "Belgie"},
	{"Boulangerie Dubois SRL", "Rue de la Loi 16 bte 3", "Bruxelles", "1000", "Belgique"},
	{"Brouwerij De Kroon", "Grote Markt 1A", "Brugge", "8000", "BE"},
	{"Café 't Hoekske", "Dorpsstraat 5", "Aalst", "9300", "België"},
	{"Électricité Lambert", "Avenue Louise 149/24", "Bruxelles", "1050", "Belgique"},
	{"Schrijnwerkerij Maes", "Industrieweg 44", "Kortrijk", "8500", "België"},
	{"Fleuriste Renard", "Rue des Fripiers 8", "Mons", "7000", "Belgique"},
	{"Apotheek Claes", "Bondgenotenlaan 101", "Leuven", "3000", "België"},
	{"Transport Wouters NV", "Havenlaan 3", "Antwerpen", "2000", "België"},
	{"Menuiserie Lejeune", "Chaussée de Charleroi 77", "Namur", "5000", "Belgique"},
	{"Slagerij Van Damme", "Markt 9", "Hasselt", "3500", "België"},
	{"Imprimerie Collard", "Rue Saint-Gilles 30", "Liège", "4000", "Belgique"},
	{"Tuincentrum De Linde", "Lindelaan 2", "Ieper", "8900", "België"},
	{"Kapsalon Bea", "Stationsstraat 61 bus 2", "Sint-Niklaas", "9100", "België"},
	{"Autohaus Kessel", "Herbesthaler Straße 14", "Eupen", "4700", "Belgien"},
	{"Brasserie du Parc", "Boulevard Tirou 12", "Charleroi", "6000", "Belgique"},
	{"Drukkerij Mertens", "Nijverheidsstraat 18", "Turnhout", "2300", "België"},
	{"Chocolaterie Goossens", "Meir 50", "Antwerpen", "2000", "BE"},
	{"Loodgieter Willems", "Vaartstraat 7", "Leuven", "3000", "België"},
	{"Vishandel Vermeulen", "Zeedijk 120", "Oostende", "8400", "België"},
	{"Librairie Dumont", "Rue de Fer 21", "Namur", "5000", "Belgique"},
	{"Bouwbedrijf Jacobs", "Steenweg op Gent 14", "Dendermonde", "9200", "België"},
	{"Fietsen Hermans", "Diestsestraat 88", "Leuven", "3000", "België"},
	{"Opticien Lemaire", "Rue Neuve 5", "Bruxelles", "1000", "Belgique"},
	{"Schilderwerken Smets", "Kempenlaan 9", "Genk", "3600", "België"},
	{"Traiteur Michaux", "Place du Marché 3", "Wavre", "1300", "Belgique"},
	{"Dakwerken Peeters & Zn", "Ringlaan 33", "Lier", "2500", "België"},
	{"Poissonnerie Martin", "Quai de la Batte 10", "Liège", "4020", "Belgique"},
	{"IT-Diensten Aerts", "Kapucijnenvoer 22", "Leuven", "3000", "België"},
	{"Kinderopvang Het Nest", "Schoolstraat 4", "Roeselare", "8800", "België"},
	{"Verhuur De Smet", "Brusselsesteenweg 300", "Melle", "9090", "België"},
	{"Pâtisserie Gérard", "Rue Haute 112", "Bruxelles", "1000", "Belgique"},
	{"Reisbureau Noorderzon", "Leopoldplaats 6", "Antwerpen", "2000", "Nederland"},
	{"Zonnepanelen Cools", "Heidestraat 70", "Geel", "2440", "België"},
	{"Horeca Van den Broeck", "Vismarkt 2", "Mechelen", "2800", "België"},
}

func main() {
	rows := plantProblems(customerRows())
	if err := writeCSV("samples/customers.csv", rows); err != nil {
		log.Fatal(err)
	}
	if err := writeXLSX("samples/customers.xlsx", rows); err != nil {
		log.Fatal(err)
	}
}

// customerRows turns the companies into export rows with ids, numbers,
// valid VAT numbers, phones and e-mail addresses.
func customerRows() []row {
	var rows []row
	for i, c := range companies {
		id := 1001 + i
		base := 4000000 + 13579*(i+1) // inside the 0400.000.000-0499.999.999 range
		rows = append(rows, row{
			id: strconv.Itoa(id), number: fmt.Sprintf("K-%05d", id), name: c.name,
			vat: vat(base, i), address: c.street, postcode: c.pc, city: c.city, country: c.country,
			phone: fmt.Sprintf("+32 %d %03d %02d %02d", 2+i%8, 100+i*7, 10+i, 20+i), email: fmt.Sprintf("info@klant%d.example", id),
		})
	}
	return rows
}

// plantProblems adds the problems a consultant meets, each documented in
// samples/README.md.
func plantProblems(rows []row) []row {
	rows[5].vat = "BE0417497107"      // check digits wrong (should end 06)
	rows[9].city = ""                 // required city missing
	rows[13].id = "1O14"              // letter O typed instead of zero
	rows[21].number = rows[20].number // same customer number as the row above
	rows[27].vat = ""                 // VAT number missing
	rows = append(rows, row{          // already exists in the built-in sandbox: a 409 conflict
		id: "990001", number: "OWR-990001", name: "Reeds Aanwezig BV", vat: "BE 0403.170.701",
		address: "Wetstraat 16", postcode: "1000", city: "Brussel", country: "België",
		phone: "+32 2 000 00 00", email: "info@reedsaanwezig.example",
	})
	rows = append(rows, rows[2]) // the same customer twice (an export glitch)
	rows[len(rows)-1].email = "facturation@dubois.example"
	rows = append(rows, row{ // a name a spreadsheet would run as a formula: neutralised in the results
		id: "1043", number: "K-01043", name: "=Formule Consult", vat: vat(4770001, 0),
		address: "Kouter 1", postcode: "9000", city: "Gent", country: "België",
		phone: "+32 9 111 22 33", email: "hallo@formule.example",
	})
	return rows
}

func (r row) cells() []string {
	return []string{r.id, r.number, r.name, r.vat, r.address, r.postcode, r.city, r.country, r.phone, r.email}
}

func writeCSV(path string, rows []row) error {
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(';')
			}
			if strings.ContainsAny(c, ";\"\r\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	line(header)
	for _, r := range rows {
		line(r.cells())
	}
	enc, err := charmap.Windows1252.NewEncoder().String(b.String())
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(enc), 0o644)
}

func writeXLSX(path string, rows []row) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Klanten"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := f.SetCellValue(sheet, "A1", "Klantenlijst - export uit Boekhouding Pro, 27/11/2026"); err != nil {
		return err
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return err
		}
	}
	for r, row := range rows {
		for c, v := range row.cells() {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+4)
			var val any = v
			switch {
			case (c == 0 || c == 5) && isInt(v): // ids and postcodes stored as numbers
				n, _ := strconv.Atoi(v)
				val = n
			case c == 3 && r == 7: // a VAT number that became a number: lost its zero
				digits := strings.Map(func(r rune) rune {
					if r >= '0' && r <= '9' {
						return r
					}
					return -1
				}, v)
				n, _ := strconv.Atoi(digits)
				val = n
			}
			if err := f.SetCellValue(sheet, cell, val); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func isInt(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}
