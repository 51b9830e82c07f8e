package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"owr-import/mapping"
)

// benchMappingYAML is samples/mapping.yaml without its comments: every
// transform of the hot path (vat, street and house_number on one cell,
// country with a default) has work to do.
const benchMappingYAML = `version: 1
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

// benchCSVRows is the size of the generated file: large enough that the
// duplicate index and the pipeline behave as they do at a million rows,
// small enough for a quick `go test -bench`.
const benchCSVRows = 200_000

// writeBenchCSV writes rows shaped like scripts/gendata.go's: ";"-separated,
// about 100 bytes a row, ten columns of which eight are mapped.
func writeBenchCSV(tb testing.TB, path string, rows int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cities := []string{"Gent", "Antwerpen", "Brussel", "Leuven", "Brugge", "Liège", "Namur", "Hasselt", "Mechelen", "Kortrijk"}
	pcs := []string{"9000", "2000", "1000", "3000", "8000", "4000", "5000", "3500", "2800", "8500"}
	streets := []string{"Kerkstraat", "Stationsstraat", "Rue de la Loi", "Grote Markt", "Avenue Louise", "Dorpsstraat", "Markt", "Meir"}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("Klant ID;Klantnummer;Bedrijfsnaam;BTW-nummer;Adres;Postcode;Gemeente;Land;Telefoon;E-mail\n")
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
		b = append(b, "@klant.example\n"...)
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// bareCSVRead is the yardstick of scripts/bench_validate.sh: an
// encoding/csv read of the file and nothing else.
func bareCSVRead(tb testing.TB, path string) int {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	r.Comma = ';'
	n := 0
	for {
		if _, err := r.Read(); errors.Is(err, io.EOF) {
			return n
		} else if err != nil {
			tb.Fatal(err)
		}
		n++
	}
}

// BenchmarkValidateCSV runs Validate over a generated CSV next to a bare
// encoding/csv read of the same file, and reports validate's rows/s as a
// percentage of the bare read's (the target of `make bench` is 60%).
func BenchmarkValidateCSV(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "big.csv")
	writeBenchCSV(b, in, benchCSVRows)
	m, err := mapping.Parse("mapping.yaml", []byte(benchMappingYAML))
	if err != nil {
		b.Fatal(err)
	}
	var bare, val time.Duration
	b.Run("bare_encoding_csv", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			if n := bareCSVRead(b, in); n != benchCSVRows+1 {
				b.Fatalf("read %d records, want %d", n, benchCSVRows+1)
			}
		}
		bare = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(benchCSVRows)/bare.Seconds(), "rows/s")
	})
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			sum, err := Validate(context.Background(), ValidateOptions{Input: in, Mapping: m, OutDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			if sum.Rows != benchCSVRows || sum.Counts[StatusValid] != benchCSVRows {
				b.Fatalf("rows %d, counts %v", sum.Rows, sum.Counts)
			}
		}
		val = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(benchCSVRows)/val.Seconds(), "rows/s")
		if bare > 0 {
			b.ReportMetric(100*bare.Seconds()/val.Seconds(), "%_of_bare")
		}
	})
}
