//go:build ignore

// gendata writes a large synthetic customer export for the benchmarks
// (the rows of internal/benchdata):
// `go run scripts/gendata.go -rows 1000000 -out big.csv` (";"-separated,
// about 100 bytes a row, like samples/customers.csv) or `-out big.xlsx`
// (one sheet, ids and postcodes as numbers, text as inline strings).
package main

import (
	"bufio"
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"owr-import/internal/benchdata"
)

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
	for i, h := range benchdata.Header {
		if i > 0 {
			w.WriteByte(';')
		}
		w.WriteString(h)
	}
	w.WriteByte('\n')
	var line []byte
	for i := 0; i < n; i++ {
		line = append(benchdata.AppendLine(line[:0], *first, i), '\n')
		w.Write(line)
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
	hdr := make([]any, len(benchdata.Header))
	for i, h := range benchdata.Header {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, benchdata.Row(*first, i)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
