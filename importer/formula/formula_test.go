package formula

import "testing"

func TestNeutraliseFormula(t *testing.T) {
	tests := []struct {
		in, out string
	}{
		{"", ""},
		{"Bakkerij Peeters", "Bakkerij Peeters"},
		{"=SUM(A1:A3)", "'=SUM(A1:A3)"},
		{"+32 2 100 10 20", "'+32 2 100 10 20"},
		{"-2+3", "'-2+3"},
		{"@cmd", "'@cmd"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"=", "'="},
		{"-", "'-"},
		{"-12.5", "-12.5"},
		{"+32", "+32"},
		{"-0,25", "-0,25"},
		{"-1.", "'-1."},
		{"-1.2.3", "'-1.2.3"},
		{"'=x", "''=x"},
		{"'-5", "''-5"},
		{"'quoted'", "'quoted'"},
		{"'", "'"},
		{"0612", "0612"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Guard(tt.in); got != tt.out {
				t.Errorf("Guard(%q) = %q, want %q", tt.in, got, tt.out)
			}
			if back := Restore(tt.out); back != tt.in {
				t.Errorf("Restore(%q) = %q, want %q", tt.out, back, tt.in)
			}
		})
	}
}

func TestRestoreFormulaHandMade(t *testing.T) {
	// Cells a consultant typed with the apostrophe themselves.
	for in, want := range map[string]string{"'=A1": "=A1", "'-5": "-5", "'+32": "+32", "'abc": "'abc", "''": "''", "x'=": "x'="} {
		if got := Restore(in); got != want {
			t.Errorf("Restore(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzFormulaRoundTrip checks that restoring undoes neutralising for every
// value and that a neutralised value never starts a formula.
func FuzzFormulaRoundTrip(f *testing.F) {
	for _, s := range []string{"", "=1+2", "'=x", "''-3", "-3", "+", "@", "\t", "abc", "-1,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Guard(s)
		if back := Restore(n); back != s {
			t.Fatalf("Restore(Guard(%q)) = %q", s, back)
		}
		if n != "" && IsTrigger(n[0]) && !isSignedNumber(n) {
			t.Fatalf("Guard(%q) = %q still starts a formula", s, n)
		}
	})
}
