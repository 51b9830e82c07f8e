package mapping

import (
	"strconv"
	"strings"
	"testing"
)

// benchFileMapping is the mapping of the million-row benchmark of
// `owr-import validate` (samples/mapping.yaml without its comments).
const benchFileMapping = `version: 1
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

var benchFileHeader = []string{"Klant ID", "Klantnummer", "Bedrijfsnaam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Land", "Telefoon", "E-mail"}

// benchFileRows builds n rows shaped like the rows of that benchmark file:
// varying ids, VAT numbers with valid check digits, eight streets with
// "N bus M" numbers, cycling cities and postcodes, the country "België".
// Each row is cut from one line, as a CSV reader hands it over, so no two
// rows share a cell's memory.
func benchFileRows(n int) [][]string {
	cities := []string{"Gent", "Antwerpen", "Brussel", "Leuven", "Brugge", "Liège", "Namur", "Hasselt", "Mechelen", "Kortrijk"}
	pcs := []string{"9000", "2000", "1000", "3000", "8000", "4000", "5000", "3500", "2800", "8500"}
	streets := []string{"Kerkstraat", "Stationsstraat", "Rue de la Loi", "Grote Markt", "Avenue Louise", "Dorpsstraat", "Markt", "Meir"}
	rows := make([][]string, n)
	var b []byte
	for i := range rows {
		id := 1000 + i
		base := 4000000 + i%5000000
		b = b[:0]
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, ";K-"...)
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, ";Onderneming "...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, " BV;BE0"...)
		b = strconv.AppendInt(b, int64(base), 10)
		b = append(b, byte('0'+(97-base%97)/10), byte('0'+(97-base%97)%10), ';')
		b = append(b, streets[i%len(streets)]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(1+i%200), 10)
		b = append(b, " bus "...)
		b = strconv.AppendInt(b, int64(1+i%9), 10)
		b = append(b, ';')
		b = append(b, pcs[i%len(pcs)]...)
		b = append(b, ';')
		b = append(b, cities[i%len(cities)]...)
		b = append(b, ";België;+32 9 "...)
		b = strconv.AppendInt(b, int64(100000+i%900000), 10)
		b = append(b, ";info"...)
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, "@klant.example"...)
		rows[i] = strings.Split(string(b), ";")
	}
	return rows
}

// BenchmarkMapperFile measures Mapper.Apply, the per-row mapping of the
// `validate` and `run` pipelines, on rows shaped like the million-row
// benchmark file; ns/op is the cost of one row.
func BenchmarkMapperFile(b *testing.B) {
	bind := mustBind(b, benchFileMapping, benchFileHeader)
	rows := benchFileRows(4096)
	m := bind.NewMapper()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c, problems := m.Apply(rows[i&(len(rows)-1)])
		if problems != nil || c.Address.StreetNumber == "" {
			b.Fatalf("row %d: %+v %+v", i, c, problems)
		}
		i++
	}
}
