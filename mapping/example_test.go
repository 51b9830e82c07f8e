package mapping_test

import (
	"fmt"

	"owr-import/mapping"
)

// A mapping file is parsed once, bound to the header row of the export,
// then applied to every data row.
func Example() {
	m, err := mapping.Parse("mapping.yaml", []byte(`version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber: { column: BTW-nummer, transform: [vat] }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { column: Adres, transform: [house_number] }
  address.city: Gemeente
  address.postalCode: Postcode
  address.country: { value: belgium }
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := m.Bind([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Adres", "Postcode", "Gemeente"})
	if err != nil {
		fmt.Println(err)
		return
	}
	mapper := b.NewMapper() // one per goroutine
	c, problems := mapper.Apply([]string{"1001.0", "K-1001", "Acme NV", "BE 0417.497.106", "Kerkstraat 12 bus 3", "0612", "Gent"})
	fmt.Printf("%+v\n", c)
	fmt.Println(len(problems), "problems")

	_, problems = mapper.Apply([]string{"10a1", "K-1002", "Beta BV", "0417.497.107", "Markt 1", "9000", ""})
	for _, p := range problems {
		fmt.Printf("column %q: %s\n", p.Column, p.Message)
	}
	// Output:
	// {ExtCustomerID:1001 ExtCustomerNumber:K-1001 Name:Acme NV EnterpriseNumber:BE0417497106 Address:{Street:Kerkstraat StreetNumber:12 bus 3 City:Gent PostalCode:0612 Country:belgium}}
	// 0 problems
	// column "Klant ID": "10a1" is not a whole number. Write it with digits only, such as 1001.
	// column "BTW-nummer": "0417.497.107" has wrong check digits (the last two digits should be 06 for BE04174971): it is probably mistyped. Check the number with the customer or in the KBO/BCE register.
	// column "Gemeente": address.city (the city) is required, but the cell is empty. Fill it in, or give address.city a default in the mapping.
}

// Mistakes in the mapping file come back with the line and column to fix.
func ExampleParse_error() {
	_, err := mapping.Parse("mapping.yaml", []byte(`version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber: { column: BTW-nummer, transform: [vta] }
  address.city: Gemeente
`))
	fmt.Println(err)
	// Output:
	// mapping.yaml line 6, column 55: unknown transform "vta". Did you mean "vat"? Known transforms: trim, upper, lower, digits, integer, vat, country, street, house_number.
}

// A column the export does not have is reported at its line in the mapping,
// with the closest headers of the file.
func ExampleMapping_Bind_missingColumn() {
	m, _ := mapping.Parse("mapping.yaml", []byte(`version: 1
fields:
  extCustomerId: Klant ID
  extCustomerNumber: Klantnummer
  name: Naam
  enterpriseNumber: BTW-nummer
  address.city: Gemeente
`))
	_, err := m.Bind([]string{"Klant ID", "Klantnummer", "Naam", "BTW nr", "Gemeente"})
	fmt.Println(err)
	// Output:
	// mapping.yaml line 6, column 21: enterpriseNumber reads the column "BTW-nummer", but the file's header row has no such column. Closest header in the file: "BTW nr". Write the header as it appears in the file.
}

// The transforms clean up what spreadsheets and old systems write; a value
// that cannot be cleaned up becomes a problem for that row.
func ExampleMapper_Apply_transforms() {
	m, _ := mapping.Parse("mapping.yaml", []byte(`version: 1
fields:
  extCustomerId: { column: Id, transform: [integer] }
  extCustomerNumber: { column: Nr, transform: [upper] }
  name: Naam
  enterpriseNumber: { column: BTW, transform: [vat] }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { column: Adres, transform: [house_number] }
  address.city: Gemeente
  address.country: { column: Land, transform: [country] }
`))
	b, _ := m.Bind([]string{"Id", "Nr", "Naam", "BTW", "Adres", "Gemeente", "Land"})
	mapper := b.NewMapper()
	for _, row := range [][]string{
		{" 1 001 ", "k-1", "Acme", "417497106", "Rue de la Loi 16 bte 3", "Brussel", "Belgique"},
		{"1002", "k-2", "Beta", "nl 123456789 b01", "Avenue Louise 149/24", "Brussel", "Pays-Bas"},
		{"1003", "k-3", "Gamma", "BE 0417.497.106", "12 rue de la Paix", "Paris", "Frankrijk"},
	} {
		c, _ := mapper.Apply(row)
		fmt.Printf("%d %s %s | %s | %s | %s\n", c.ExtCustomerID, c.ExtCustomerNumber, c.EnterpriseNumber, c.Address.Street, c.Address.StreetNumber, c.Address.Country)
	}
	_, problems := mapper.Apply([]string{"1e3", "k-4", "Delta", "BE12", "Markt 1", "Gent", "Atlantis"})
	for _, p := range problems {
		fmt.Println(p.Field, p.Kind)
	}
	// Output:
	// 1001 K-1 BE0417497106 | Rue de la Loi | 16 bte 3 | belgium
	// 1002 K-2 NL123456789B01 | Avenue Louise | 149/24 | netherlands
	// 1003 K-3 BE0417497106 | rue de la Paix | 12 | france
	// extCustomerId not_integer
	// enterpriseNumber vat_format
	// address.country country_unknown
}

// Guess drafts a mapping from a header row for `owr-import mapping init`.
func ExampleGuess() {
	d := mapping.Guess([]string{"Klant ID", "Klantnummer", "Naam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Telefoon"})
	for _, f := range d.Fields {
		fmt.Println(f.Field, "<-", f.Column, f.Transform)
	}
	fmt.Println("missing:", d.Missing, "unused:", d.Unused)
	// Output:
	// extCustomerId <- Klant ID []
	// extCustomerNumber <- Klantnummer []
	// name <- Naam []
	// enterpriseNumber <- BTW-nummer [vat]
	// address.street <- Adres [street]
	// address.streetNumber <- Adres [house_number]
	// address.city <- Gemeente []
	// address.postalCode <- Postcode []
	// address.country <-  []
	// missing: [] unused: [Telefoon]
}
