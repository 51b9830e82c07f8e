package mapping

import (
	"strconv"
	"strings"
	"testing"
)

// transformCase is one input of a transform and what must come out: either
// out, or a failure of kind.
type transformCase struct {
	in   string
	out  string
	kind string // "" when the transform must succeed
	note string // the kind of the note that comes with out, if any
}

func runTransformCases(t *testing.T, name string, fn transformFunc, cases []transformCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(name+"/"+tc.in, func(t *testing.T) {
			got, f := fn(tc.in)
			if tc.note != "" {
				if !f.isNote() || f.kind != tc.note || got != tc.out {
					t.Fatalf("%s(%q) = %q, %+v; want %q with a %s note", name, tc.in, got, f, tc.out, tc.note)
				}
				if !strings.Contains(f.msg, strconv.Quote(tc.in)) {
					t.Errorf("note %q does not quote the value seen %q", f.msg, tc.in)
				}
				return
			}
			if tc.kind != "" {
				if f.kind != tc.kind {
					t.Fatalf("%s(%q) = %q, failure %q; want failure %q", name, tc.in, got, f.kind, tc.kind)
				}
				if f.isNote() || got != "" {
					t.Fatalf("%s(%q) = %q with a note; want a failure", name, tc.in, got)
				}
				if !strings.Contains(f.msg, strconv.Quote(tc.in)) && tc.in != "" {
					t.Errorf("message %q does not quote the value seen %q", f.msg, tc.in)
				}
				return
			}
			if f.failed() {
				t.Fatalf("%s(%q) failed: %s", name, tc.in, f.msg)
			}
			if got != tc.out {
				t.Fatalf("%s(%q) = %q, want %q", name, tc.in, got, tc.out)
			}
		})
	}
}

func TestSimpleTransforms(t *testing.T) {
	runTransformCases(t, "trim", trimTransform, []transformCase{
		{in: "  Gent \t", out: "Gent"},
		{in: "\u00a0Gent\u00a0", out: "Gent"},
		{in: "\ufeffKlant ID", out: "Klant ID"},
	})
	runTransformCases(t, "upper", upperTransform, []transformCase{
		{in: "be0417497106", out: "BE0417497106"},
		{in: "élan", out: "ÉLAN"},
	})
	runTransformCases(t, "lower", lowerTransform, []transformCase{
		{in: "BELGIUM", out: "belgium"},
		{in: "België", out: "belgië"},
	})
	runTransformCases(t, "digits", digitsTransform, []transformCase{
		{in: "B-9000", out: "9000"},
		{in: "+32 (0)9 123 45 67", out: "32091234567"},
		{in: "0612", out: "0612"},
		{in: "abc", out: ""},
	})
}

func TestIntegerTransform(t *testing.T) {
	runTransformCases(t, "integer", integerTransform, []transformCase{
		{in: "1001", out: "1001"},
		{in: "1001.0", out: "1001"},
		{in: "1001.00", out: "1001"},
		{in: "1001,0", out: "1001"},
		{in: " 1 001 ", out: "1001"},
		{in: "1\u00a0001", out: "1001"},
		{in: "1\u202f001", out: "1001"},
		{in: "1.234.567", out: "1234567"},
		{in: "1,234,567", out: "1234567"},
		{in: "1.234,00", out: "1234"},
		{in: "1,234.00", out: "1234"},
		{in: "1001.000", out: "1001"},
		{in: "00042", out: "42"},
		{in: "0", out: "0"},
		{in: "0.0", out: "0"},
		{in: "1001.5", kind: KindNotInteger},
		{in: "10a1", kind: KindNotInteger},
		{in: "1e3", kind: KindNotInteger},
		{in: "1.001E+3", kind: KindNotInteger},
		{in: "-4", kind: KindNotInteger},
		{in: "1.000", out: "1000"},     // a Belgian thousands separator: an id has no decimals
		{in: "400.148", out: "400148"}, // idem
		{in: "'400178", out: "400178"}, // Excel's text prefix
		{in: "400 145", out: "400145"},
		{in: "400148,00", out: "400148"},
		{in: "0.148", kind: KindNotInteger},
		{in: "12,500", kind: KindNotInteger}, // thousands separator (English) or decimals (Belgian): refuse to guess
		{in: "1.23.4", kind: KindNotInteger},
		{in: "1.234,5", kind: KindNotInteger},
		{in: "1,2,3.4.5", kind: KindNotInteger},
		{in: ".5", kind: KindNotInteger},
		{in: "5.", kind: KindNotInteger},
		{in: "١٢", kind: KindNotInteger},                            // Arabic-Indic digits are not read as ids
		{in: strings.Repeat("9", 50), out: strings.Repeat("9", 50)}, // the range is checked where it matters (extCustomerId)
		{in: "1 " + strings.Repeat("0", 50), kind: KindNotInteger},
	})
}

func TestLookupTransformKnowsEveryDocumentedName(t *testing.T) {
	for _, name := range transformNames {
		if _, ok := lookupTransform(name); !ok {
			t.Errorf("transform %q is documented but not known", name)
		}
	}
	if _, ok := lookupTransform("Upper"); ok {
		t.Error("transform names are case-sensitive, like every key of the mapping")
	}
}
