//go:build ignore

// gendata writes a large synthetic customer export for the benchmarks:
// `go run scripts/gendata.go -rows 1000000 -out big.csv` (";"-separated,
// about 100 bytes a row, like samples/customers.csv) or `-out big.xlsx`
// (one sheet, ids and postcodes as numbers, text as inline strings).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

var header = []string{"Klant ID", "Klantnummer", "Bedrijfsnaam", "BTW-nummer", "Adres", "Postcode", "Gemeente", "Land", "Telefoon", "E-mail"}

var (
	cities  = []string{"Gent", "Antwerpen", "Brussel", "Leuven", "Brugge", "Liège", "Namur", "Hasselt", "Mechelen", "Kortrijk"}
	pcs     = []int{9000, 2000, 1000, 3000, 8000, 4000, 5000, 3500, 2800, 8500}
	streets = []string{"Kerkstraat", "Stationsstraat", "Rue de la Loi", "Grote Markt", "Avenue Louise", "Dorpsstraat", "Markt", "Meir"}
)

func cells(i int) []any {
	id := *first + i
	base := 4000000 + i%5000000
	vat := fmt.Sprintf("BE0%07d%02d", base, 97-base%97)
	return []any{
		id,
		"K-" + strconv.Itoa(id),
		"Onderneming " + strconv.Itoa(i) + " BV",
		vat,
		streets[i%len(streets)] + " " + strconv.Itoa(1+i%200) + " bus " + strconv.Itoa(1+i%9),
		pcs[i%len(pcs)],
		cities[i%len(cities)],
		"België",
		"+32 9 " + strconv.Itoa(100000+i%900000),
		"info" + strconv.Itoa(id) + "@klant.example",
	}
}

var first = flag.Int("first", 1000, "extCustomerId of the first row; the others follow")

func main() {
	rows := flag.Int("rows", 1000000, "data rows")
	out := flag.String("out", "big.csv", "output file (.csv or .xlsx)")
	flag.Parse()
	var err error
	if filepath.Ext(*out) == ".xlsx" {
		err = writeXLSX(*out, *rows)
	} else {
		err = writeCSV(*out, *rows)
	}
	if err != nil {
		log.Fatal(err)
	}
}

func writeCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i, h := range header {
		if i > 0 {
			w.WriteByte(';')
		}
		w.WriteString(h)
	}
	w.WriteByte('\n')
	for i := 0; i < n; i++ {
		for j, c := range cells(i) {
			if j > 0 {
				w.WriteByte(';')
			}
			fmt.Fprint(w, c)
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(i)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
