package mapping

import (
	"strconv"
	"testing"
)

// benchAddresses are address cells shaped like those of the million-row
// benchmark file: eight streets, "N bus M" numbers.
func benchAddresses() []string {
	streets := []string{"Kerkstraat", "Stationsstraat", "Rue de la Loi", "Grote Markt", "Avenue Louise", "Dorpsstraat", "Markt", "Meir"}
	cells := make([]string, 1024)
	for i := range cells {
		cells[i] = streets[i%len(streets)] + " " + strconv.Itoa(1+i%200) + " bus " + strconv.Itoa(1+i%9)
	}
	return cells
}

// BenchmarkSplitAddress measures the street / house number split of one
// such cell, the costliest transform of a row.
func BenchmarkSplitAddress(b *testing.B) {
	cells := benchAddresses()
	for _, bc := range []struct {
		name  string
		split func(string) (string, string)
	}{{"splitAddress", splitAddress}, {"words", splitAddressWords}} {
		b.Run(bc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, number := bc.split(cells[i&(len(cells)-1)]); number == "" {
					b.Fatal("no number")
				}
				i++
			}
		})
	}
}
