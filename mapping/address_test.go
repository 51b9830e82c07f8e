package mapping

import "testing"

func TestSplitAddress(t *testing.T) {
	tests := []struct {
		in, street, number string
	}{
		{"Kerkstraat 12 bus 3", "Kerkstraat", "12 bus 3"},
		{"Rue de la Loi 16 bte 3", "Rue de la Loi", "16 bte 3"},
		{"Avenue Louise 149/24", "Avenue Louise", "149/24"},
		{"Grote Markt 1A", "Grote Markt", "1A"},
		{"Kerkstraat 12, bus 3", "Kerkstraat", "12 bus 3"},
		{"Kerkstraat, 12", "Kerkstraat", "12"},
		{"12 rue de la Paix", "rue de la Paix", "12"},
		{"12, rue de la Paix", "rue de la Paix", "12"},
		{"12 bis rue de la Paix", "rue de la Paix", "12 bis"},
		{"1 Rue du 11 Novembre", "Rue du 11 Novembre", "1"},
		{"Rue du 11 Novembre", "Rue du 11 Novembre", ""},
		{"Avenue du 8 Mai 1945 12", "Avenue du 8 Mai 1945", "12"},
		{"Kerkstraat", "Kerkstraat", ""},
		{"Kerkstraat 12 A", "Kerkstraat", "12 A"},
		{"Kerkstraat 12-14", "Kerkstraat", "12-14"},
		{"Kerkstraat 12 - 14", "Kerkstraat", "12 - 14"},
		{"Avenue Louise 149 / 24", "Avenue Louise", "149 / 24"},
		{"Kerkstraat nr. 12", "Kerkstraat", "12"},
		{"Kerkstraat 12 boîte 3", "Kerkstraat", "12 boîte 3"},
		{"Kerkstraat 12 bus3", "Kerkstraat", "12 bus3"},
		{"Kerkstraat  12   bus 3", "Kerkstraat", "12 bus 3"},
		{"Steenweg op Gent 120 b", "Steenweg op Gent", "120 b"},
		{"12", "", "12"},
		{"12 bus 3", "", "12 bus 3"},
		{"Kerkstraat B", "Kerkstraat B", ""},
		{"", "", ""},
		{" , ", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			street, number := splitAddress(tc.in)
			if street != tc.street || number != tc.number {
				t.Fatalf("split(%q) = %q + %q, want %q + %q", tc.in, street, number, tc.street, tc.number)
			}
			if s, _ := streetTransform(tc.in); s != tc.street {
				t.Errorf("street(%q) = %q", tc.in, s)
			}
			if n, _ := houseNumberTransform(tc.in); n != tc.number {
				t.Errorf("house_number(%q) = %q", tc.in, n)
			}
		})
	}
}
