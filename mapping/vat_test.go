package mapping

import "testing"

func TestVATTransform(t *testing.T) {
	runTransformCases(t, "vat", vatTransform, []transformCase{
		{in: "BE0417497106", out: "BE0417497106"},
		{in: "BE 0417.497.106", out: "BE0417497106"},
		{in: "be0417497106", out: "BE0417497106"},
		{in: "0417 497 106", out: "BE0417497106"},
		{in: "0417497106", out: "BE0417497106"},
		{in: "417497106", out: "BE0417497106"}, // lost its leading zero in a spreadsheet
		{in: "417497106.0", out: "BE0417497106"},
		{in: "BE417497106", out: "BE0417497106"},
		{in: "BE-0417-497-106", out: "BE0417497106"},
		{in: "1234567894", out: "BE1234567894"}, // the newer range starting with 1
		{in: "BE\u00a00417\u00a0497\u00a0106", out: "BE0417497106"},
		{in: "nl 123456789 b01", out: "NL123456789B01"},
		{in: "FR 40 303 265 045", out: "FR40303265045"},
		{in: "FRXX303265045", out: "FRXX303265045"},
		{in: "LU 1502 7442", out: "LU15027442"},
		{in: "DE 136.695.976", out: "DE136695976"},
		{in: "ATU13585627", out: "ATU13585627"}, // other EU prefixes: cleaned, loosely checked
		{in: "ESX1234567X", out: "ESX1234567X"},
		{in: "BE 0417.497.106 ", out: "BE0417497106"},
		{in: "BE 2417.497.106", kind: KindVATFormat}, // must start with 0 or 1
		{in: "BE04174971", kind: KindVATFormat},
		{in: "5417497106", kind: KindVATFormat}, // 10 digits not starting 0 or 1, no prefix
		{in: "12345678", kind: KindVATFormat},
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
		{in: "n/a", kind: KindVATFormat},
	})
}

func TestVATIsIdempotent(t *testing.T) {
	for _, in := range []string{"BE 0417.497.106", "417497106", "nl 123456789 b01", "ATU13585627"} {
		once, f := vatTransform(in)
		if f.failed() {
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
