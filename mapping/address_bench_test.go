package mapping

import (
	"testing"

	"owr-import/internal/benchdata"
)

// benchAddresses are the address cells of the million-row benchmark file
// (internal/benchdata): eight streets, "N bus M" numbers.
func benchAddresses() []string {
	cells := make([]string, 1024)
	for i := range cells {
		cells[i] = benchdata.Address(i)
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
