package mapping

import (
	"strings"
	"testing"
)

func TestVATTransform(t *testing.T) {
	runTransformCases(t, "vat", vatTransform, []transformCase{
		{in: "BE0417497106", out: "BE0417497106"},
		{in: "BE 0417.497.106", out: "BE0417497106"},
		{in: "be0417497106", out: "BE0417497106"},
		{in: "0417 497 106", out: "BE0417497106"},
		{in: "0417497106", out: "BE0417497106"},
		{in: "0417497106.0", out: "BE0417497106"},
		{in: "BE417497106", out: "BE0417497106"}, // the old nine-digit form of the same number
		{in: "BE-0417-497-106", out: "BE0417497106"},
		{in: "1234567894", out: "BE1234567894"}, // the newer range starting with 1
		{in: "BE\u00a00417\u00a0497\u00a0106", out: "BE0417497106"},
		{in: "BE 0417.497.106 ", out: "BE0417497106"},
		{in: "nl 123456789 b01", out: "NL123456789B01"},
		{in: "FR 40 303 265 045", out: "FR40303265045"},
		{in: "FRXX303265045", out: "FRXX303265045"},
		{in: "LU 1502 7442", out: "LU15027442"},
		{in: "DE 136.695.976", out: "DE136695976"},
		{in: "BE 2417.497.106", kind: KindVATFormat}, // must start with 0 or 1
		{in: "BE04174971", kind: KindVATFormat},
		{in: "5417497106", kind: KindVATFormat}, // 10 digits not starting 0 or 1, no prefix
		{in: "1234567", kind: KindVATFormat},    // too short even for a Belgian number that lost its zeros
		{in: "NL123456789", kind: KindVATFormat},
		{in: "NL123456789X01", kind: KindVATFormat},
		{in: "LU123", kind: KindVATFormat},
		{in: "DE12345678", kind: KindVATFormat},
		{in: "FR1230326504", kind: KindVATFormat},
		{in: "XX1", kind: KindVATFormat},
		{in: "B0417497106", kind: KindVATFormat},
		{in: "BE0417497106BE0417497106", kind: KindVATFormat},
		{in: "BE 0417€497", kind: KindVATFormat},
		{in: "4.17497106E+8", kind: KindVATFormat},
	})
}

// TestVATCountryFormats checks the format of every supported country
// prefix: one valid number per pattern, and numbers that miss by one.
func TestVATCountryFormats(t *testing.T) {
	runTransformCases(t, "vat", vatTransform, []transformCase{
		{in: "ATU13585627", out: "ATU13585627"},
		{in: "AT13585627", kind: KindVATFormat},
		{in: "ATU1358562", kind: KindVATFormat},
		{in: "BG123456789", out: "BG123456789"},
		{in: "BG1234567890", out: "BG1234567890"},
		{in: "BG12345678", kind: KindVATFormat},
		{in: "CY12345678L", out: "CY12345678L"},
		{in: "CY123456789", kind: KindVATFormat},
		{in: "CZ12345678", out: "CZ12345678"},
		{in: "CZ123456789", out: "CZ123456789"},
		{in: "CZ1234567890", out: "CZ1234567890"},
		{in: "CZ1234567", kind: KindVATFormat},
		{in: "DE136695976", out: "DE136695976"},
		{in: "DK12345678", out: "DK12345678"},
		{in: "DK1234567", kind: KindVATFormat},
		{in: "EE123456789", out: "EE123456789"},
		{in: "EL123456789", out: "EL123456789"},
		{in: "GR 123 456 789", out: "EL123456789"}, // Greece's ISO code; VIES uses EL
		{in: "EL12345678", kind: KindVATFormat},
		{in: "ESX1234567X", out: "ESX1234567X"},
		{in: "ESA12345674", out: "ESA12345674"},
		{in: "ES12345678Z", out: "ES12345678Z"},
		{in: "ES123456789", kind: KindVATFormat}, // first and last may not both be digits
		{in: "FI12345678", out: "FI12345678"},
		{in: "FI1234567", kind: KindVATFormat},
		{in: "FR40303265045", out: "FR40303265045"},
		{in: "FR4030326504", kind: KindVATFormat},
		{in: "HR12345678901", out: "HR12345678901"},
		{in: "HR1234567890", kind: KindVATFormat},
		{in: "HU12345678", out: "HU12345678"},
		{in: "HU123456789", kind: KindVATFormat},
		{in: "IE1234567T", out: "IE1234567T"},
		{in: "IE1234567WA", out: "IE1234567WA"},
		{in: "IE1S23456L", out: "IE1S23456L"},
		{in: "IE12345678", kind: KindVATFormat},
		{in: "IT12345678901", out: "IT12345678901"},
		{in: "IT1234567890", kind: KindVATFormat},
		{in: "LT123456789", out: "LT123456789"},
		{in: "LT123456789012", out: "LT123456789012"},
		{in: "LT1234567890", kind: KindVATFormat},
		{in: "LU15027442", out: "LU15027442"},
		{in: "LV12345678901", out: "LV12345678901"},
		{in: "LV1234567890", kind: KindVATFormat},
		{in: "MT12345678", out: "MT12345678"},
		{in: "MT1234567", kind: KindVATFormat},
		{in: "NL123456789B01", out: "NL123456789B01"},
		{in: "PL1234567890", out: "PL1234567890"},
		{in: "PL123456789", kind: KindVATFormat},
		{in: "PT123456789", out: "PT123456789"},
		{in: "PT12345678", kind: KindVATFormat},
		{in: "RO12", out: "RO12"},
		{in: "RO1234567890", out: "RO1234567890"},
		{in: "RO1", kind: KindVATFormat},
		{in: "RO12345678901", kind: KindVATFormat},
		{in: "SE123456789001", out: "SE123456789001"},
		{in: "SE12345678901", kind: KindVATFormat},
		{in: "SI12345678", out: "SI12345678"},
		{in: "SI123456789", kind: KindVATFormat},
		{in: "SK1234567890", out: "SK1234567890"},
		{in: "SK123456789", kind: KindVATFormat},
		{in: "XI123456789", out: "XI123456789"},
		{in: "XI123456789012", out: "XI123456789012"},
		{in: "XIGD123", out: "XIGD123"},
		{in: "XIHA567", out: "XIHA567"},
		{in: "XI1234567890", kind: KindVATFormat},
		{in: "GB 123 4567 89", out: "GB123456789"},
		{in: "GB123456789012", out: "GB123456789012"},
		{in: "GBGD001", out: "GBGD001"},
		{in: "GB12345678", kind: KindVATFormat},
		{in: "CHE-123.456.789 MWST", out: "CHE123456789MWST"},
		{in: "CHE-123.456.789 TVA", out: "CHE123456789TVA"},
		{in: "CHE123456789IVA", out: "CHE123456789IVA"},
		{in: "CHE123456789", out: "CHE123456789"},
		{in: "CH123456789", kind: KindVATFormat},
		{in: "NO 123 456 789 MVA", out: "NO123456789MVA"},
		{in: "NO123456789", out: "NO123456789"},
		{in: "NO12345678MVA", kind: KindVATFormat},
		// Not country prefixes of VAT numbers.
		{in: "ZZ999", kind: KindVATFormat},
		{in: "US123456789", kind: KindVATFormat},
		{in: "GE123456789", kind: KindVATFormat},
	})
}

// TestVATPlaceholders checks that the words and signs exports put where a
// customer has no VAT number are refused as such, whatever their letters
// look like as a country prefix.
func TestVATPlaceholders(t *testing.T) {
	var cases []transformCase
	for _, in := range []string{
		"Particulier", "particulier", "PARTICULIER", "privé", "Prive", "geen", "Geen BTW", "onbekend",
		"niet btw-plichtig", "Niet BTW-plichtig", "vrijgesteld", "exempt", "non assujetti", "Non-assujetti", "néant",
		"n/a", "N/A", "na", "n.v.t.", "none", "unknown", "inconnu", "-", "/", ".", "?", "--", "…", "0", "000", "0000000000",
		"zie KBO", "BTW-plichtig", "BE", "x",
	} {
		cases = append(cases, transformCase{in: in, kind: KindVATNone})
	}
	runTransformCases(t, "vat", vatTransform, cases)
	_, f := vatTransform("Particulier")
	for _, want := range []string{"needs", "values:"} {
		if !strings.Contains(f.msg, want) {
			t.Errorf("message %q does not say %q: what the API needs and how to map customers without a number", f.msg, want)
		}
	}
}

// TestVATLostZeros checks prefixless numbers shorter than a Belgian number:
// taken as Belgian with their leading zeros back, with a note, only when
// the check digits then hold.
func TestVATLostZeros(t *testing.T) {
	runTransformCases(t, "vat", vatTransform, []transformCase{
		{in: "79647589", out: "BE0079647589", note: KindVATPadded},
		{in: "79647589.0", out: "BE0079647589", note: KindVATPadded},
		{in: "417497106", out: "BE0417497106", note: KindVATPadded},
		{in: "417497106.0", out: "BE0417497106", note: KindVATPadded},
		{in: "417 497 106", out: "BE0417497106", note: KindVATPadded},
		{in: "79647588", kind: KindVATFormat},  // wrong check digits: not taken for a Belgian number
		{in: "417497107", kind: KindVATFormat}, // idem
		{in: "136695976", kind: KindVATFormat}, // a German number without its prefix
	})
}

func TestVATIsIdempotent(t *testing.T) {
	for _, in := range []string{"BE 0417.497.106", "417497106", "nl 123456789 b01", "ATU13585627", "GR123456789", "CHE-123.456.789 MWST"} {
		once, f := vatTransform(in)
		if f.failed() && !f.isNote() {
			t.Fatalf("vat(%q) failed: %s", in, f.msg)
		}
		twice, f := vatTransform(once)
		if f.failed() || twice != once {
			t.Errorf("vat(vat(%q)) = %q, %v; want %q", in, twice, f, once)
		}
	}
}

func TestBelgianCheckDigits(t *testing.T) {
	tests := []struct {
		in   string
		fail bool
	}{
		{"BE0417497106", false},
		{"BE0203201340", false},
		{"BE0417497107", true},
		{"BE0417497160", true}, // swapped check digits
		{"BE1000000097", true},
		{"BE0000000097", false},   // 0 mod 97 gives check digits 97
		{"NL123456789B01", false}, // other countries are not checked here
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			f := checkBelgianCheckDigits(tc.in, tc.in)
			if f.failed() != tc.fail {
				t.Fatalf("check(%q) failed = %v (%s), want %v", tc.in, f.failed(), f.msg, tc.fail)
			}
			if tc.fail && f.kind != KindVATChecksum {
				t.Fatalf("kind = %q, want %q", f.kind, KindVATChecksum)
			}
		})
	}
}

// TestVATCountryExamples checks that the example of every country, which
// messages quote, is itself a valid number of that country.
func TestVATCountryExamples(t *testing.T) {
	for _, c := range vatCountries {
		out, f := vatTransform(c.example)
		if f.failed() || out != c.example || c.example[:2] != c.prefix {
			t.Errorf("%s: vat(%q) = %q, %+v", c.prefix, c.example, out, f)
		}
		if c.words == "" || c.country == "" {
			t.Errorf("%s: no words or country name for messages", c.prefix)
		}
	}
}
