package display

import "testing"

func TestLineAndText(t *testing.T) {
	tests := []struct{ in, line, text string }{
		{"plain é", "plain é", "plain é"},
		{"two\nlines", `two\nlines`, "two\nlines"},
		{"\x1b[2J\x1b[31mred", `\x1b[2J\x1b[31mred`, `\x1b[2J\x1b[31mred`},
		{"tab\there\r", `tab\there\r`, `tab\there\r`},
		{"c1 \u009b end", `c1 \x9b end`, `c1 \x9b end`},
		{"bidi \u202e gnp.exe", `bidi \u202e gnp.exe`, `bidi \u202e gnp.exe`},
		{"bad \xff byte", `bad \xff byte`, `bad \xff byte`},
		{"nul\x00", `nul\x00`, `nul\x00`},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.line {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.line)
		}
		if got := Text(tt.in); got != tt.text {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.text)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("a\x1b[2J\nb\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Text(s)} {
			for _, r := range out {
				if r != '\n' && needsEscape(r) {
					t.Fatalf("%q left %U raw in %q", s, r, out)
				}
			}
		}
	})
}
