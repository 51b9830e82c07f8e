// Package benchdata makes the synthetic customer export behind the
// benchmarks: scripts/gendata.go writes it to a file for `make bench`, and
// the Go benchmarks of importer and mapping build the same rows in memory,
// so that every figure is measured on rows of one shape. A row looks like
// a clean Belgian export: consecutive ids, VAT numbers with valid check
// digits, "Kerkstraat 12 bus 3" addresses, cycling cities, a phone number
// that needs the formula guard.
package benchdata

import "strconv"

// Header is the header row of the export.
var Header = []string{"Klant ID", "Klantnummer", "Bedrijfsnaam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Land", "Telefoon", "E-mail"}

// Mapping is samples/mapping.yaml without its comments: every transform of
// the hot path (vat, street and house_number on one cell, country with a
// default) has work to do.
const Mapping = `version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Bedrijfsnaam
  enterpriseNumber: { column: BTW-nummer, transform: [vat] }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { column: Adres, transform: [house_number] }
  address.postalCode: Postcode
  address.city: Gemeente
  address.country: { column: Land, transform: [country], default: belgium }
`

var (
	cities      = []string{"Gent", "Antwerpen", "Brussel", "Leuven", "Brugge", "Liège", "Namur", "Hasselt", "Mechelen", "Kortrijk"}
	postcodes   = []int{9000, 2000, 1000, 3000, 8000, 4000, 5000, 3500, 2800, 8500}
	streetNames = []string{"Kerkstraat", "Stationsstraat", "Rue de la Loi", "Grote Markt", "Avenue Louise", "Dorpsstraat", "Markt", "Meir"}
)

// Row is data row i (from 0) of an export whose first id is first: the
// id and the postcode as numbers (a workbook stores them so), the rest as
// text.
func Row(first, i int) []any {
	id := first + i
	return []any{
		id,
		"K-" + strconv.Itoa(id),
		"Onderneming " + strconv.Itoa(i) + " BV",
		VAT(i),
		Address(i),
		postcodes[i%len(postcodes)],
		cities[i%len(cities)],
		"België",
		"+32 9 " + strconv.Itoa(100000+i%900000),
		"info" + strconv.Itoa(id) + "@klant.example",
	}
}

// AppendLine appends row i as one ";"-separated CSV line, without its line
// end. No cell needs quotes.
func AppendLine(dst []byte, first, i int) []byte {
	for j, c := range Row(first, i) {
		if j > 0 {
			dst = append(dst, ';')
		}
		switch v := c.(type) {
		case int:
			dst = strconv.AppendInt(dst, int64(v), 10)
		case string:
			dst = append(dst, v...)
		}
	}
	return dst
}

// VAT is the enterprise number of row i: BE0 and seven digits, then the
// two mod-97 check digits.
func VAT(i int) string {
	base := 4000000 + i%5000000
	check := 97 - base%97
	return "BE0" + strconv.Itoa(base) + string(rune('0'+check/10)) + string(rune('0'+check%10))
}

// Address is the address cell of row i: a street, a number and a box.
func Address(i int) string {
	return streetNames[i%len(streetNames)] + " " + strconv.Itoa(1+i%200) + " bus " + strconv.Itoa(1+i%9)
}
