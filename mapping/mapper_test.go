package mapping

import (
	"reflect"
	"strings"
	"testing"
)

// TestMapperMatchesApply feeds the same rows to Binding.applyOne and to one
// Mapper, in an order where values repeat (the Mapper remembers them) and
// change back and forth, and where a failing value repeats (its problem must
// come back each time): both must give the same customer and problems.
func TestMapperMatchesApply(t *testing.T) {
	mappings := map[string]string{
		"split address": applyMapping,
		// street first transforms the cell, so the split is of another string
		// than house_number's.
		"transformed address": strings.Replace(applyMapping, "transform: [street]", "transform: [upper, street]", 1),
		// The number is the id's digits.
		"number from the id column": strings.Replace(applyMapping, "extCustomerNumber: Klantnummer", "extCustomerNumber: Klant ID", 1),
	}
	rows := [][]string{
		{"1001", "K-1", "Acme NV", "BE0417497106", "Kerkstraat 12 bus 3", "Gent", "9000", "België"},
		{"1002", "K-2", "Beta BV", "BE0417497106", "Kerkstraat 12 bus 3", "Gent", "9000", "België"},
		{"1003", "K-3", "Gamma", "0417 497 106", "Rue de la Loi 16 bte 3", "Brussel", "1000.0", "Belgique"},
		{"1004", "K-4", "Delta", "BE0417497107", "Avenue Louise 149/24", "Brussel", "1000", "Atlantis"},
		{"1005", "K-5", "Epsilon", "BE0417497107", "Avenue Louise 149/24", "Brussel", "1000", "Atlantis"},
		{"10a6", "K-6", "", "", "", "", "", ""},
		{"10a6", "K-6", "", "", "", "", "", ""},
		{"1 006", "K-6", "Zeta", "BE0417497106", "Markt 1", "Gent", "9000", "België"},
		{"1.006", "K-6", "Zeta", "BE0417497106", "Markt 1", "Gent", "9000", "België"},
		{"1007", "K-7", "Eta", "BE0417497106", "12 rue de la Paix", " Gent ", "9000", " België "},
		{"1008", "K-8", "Theta", "BE0417497106", "Grote Markt 1A", "Gent", "9000", "België"},
	}
	for name, src := range mappings {
		t.Run(name, func(t *testing.T) {
			b := mustBind(t, src, applyHeader)
			m := b.NewMapper()
			for pass := range 2 {
				for i, r := range rows {
					wantC, wantP := b.applyOne(r)
					gotC, gotP := m.Apply(r)
					if gotC != wantC || !reflect.DeepEqual(gotP, wantP) {
						t.Errorf("pass %d row %d: Mapper gave\n%+v %+v\nApply gave\n%+v %+v", pass, i, gotC, gotP, wantC, wantP)
					}
				}
			}
		})
	}
}

func TestTrimCell(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a", "a ", "\ta\n", "België", " België ", "België\u00a0", "\u00a0Gent", "Gent\u2003", "é", "\xff", "a\xff", "\ufeffGent"} {
		if got, want := trimCell(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimCell(%q) = %q, want %q", s, got, want)
		}
	}
}
