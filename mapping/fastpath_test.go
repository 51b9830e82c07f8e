package mapping

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestSpaceEnd checks trimCell's table of the last bytes of white space
// against unicode.IsSpace, for every character.
func TestSpaceEnd(t *testing.T) {
	var want [256]bool
	for c := range utf8.RuneSelf {
		want[c] = c <= ' '
	}
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) {
			b := utf8.AppendRune(nil, r)
			want[b[len(b)-1]] = true
		}
	}
	for c := range want {
		if spaceEnd[c] != want[c] {
			t.Errorf("spaceEnd[%#x] = %v, want %v", c, spaceEnd[c], want[c])
		}
	}
}

// addressSeeds are address cells for the tests and fuzz targets of
// splitAddressTail: the cases of TestSplitAddress, the shapes of the
// million-row benchmark file and cells at the edges of the quick route.
var addressSeeds = []string{
	"Kerkstraat 12 bus 3", "Rue de la Loi 16 bte 3", "Avenue Louise 149/24", "Grote Markt 1A",
	"Kerkstraat 12, bus 3", "Kerkstraat, 12", "12 rue de la Paix", "12, rue de la Paix", "12 bis rue de la Paix",
	"1 Rue du 11 Novembre", "Rue du 11 Novembre", "Avenue du 8 Mai 1945 12", "Kerkstraat", "Kerkstraat 12 A",
	"Kerkstraat 12-14", "Kerkstraat 12 - 14", "Avenue Louise 149 / 24", "Kerkstraat nr. 12", "Kerkstraat 12 boîte 3",
	"Kerkstraat 12 bus3", "Kerkstraat  12   bus 3", "Steenweg op Gent 120 b", "12", "12 bus 3", "Kerkstraat B", "", " , ",
	// The benchmark file.
	"Kerkstraat 1 bus 1", "Stationsstraat 2 bus 2", "Rue de la Loi 3 bus 3", "Grote Markt 4 bus 4",
	"Avenue Louise 5 bus 5", "Dorpsstraat 200 bus 9", "Markt 7 bus 7", "Meir 8 bus 8",
	// Edges: separators, lengths around 8 and 64 bytes, bytes outside ASCII.
	"Kerkstraat 12\t", " Kerkstraat 12", "Kerkstraat\u00a012", "Kerkstraat 12\u00a0", "Église 12", "Rue de l'Église 12",
	"Kerkstraat - 12", "Kerkstraat bus 12", "bus 12", "- 12", "nr 12", "Kerkstraat nr 12 bus 3", "Kerkstraat 12 bis",
	"Kerkstraat 12 B", "Kerkstraat 12 b 3", "Kerkstraat 12 / 3", "Kerkstraat 12 ,bus 3", "Kerkstraat 12,bus 3",
	"Markt 1", "Meir 12", "Meir 1", "A 1", "1", "a", "1 a", "Kerkstraat\v12\fbus\r3\n", "Kerk,straat,12",
	"Avenue de la Grande Armée Impériale Longue 1", "Een heel erg lange straatnaam van precies zestig tekens 12",
	"Een heel erg lange straatnaam van bijna vierenzestig tekens 1234", "Een heel erg lange straatnaam van meer dan vierenzestig tekens 12",
	"b b b 1 b", "1 1 1 1", "Kerkstraat 12 bus 3 bus 4", "Kerkstraat 12 app 3", "Kerkstraat 1A bus 2B", "Kerkstraat 12 n° 3",
}

// TestSplitAddressTail checks that the quick route gives what the general
// reading gives, and that it is taken for the cells of the benchmark file.
func TestSplitAddressTail(t *testing.T) {
	for _, s := range addressSeeds {
		t.Run(s, func(t *testing.T) {
			wantStreet, wantNumber := splitAddressWords(s)
			street, number, ok := splitAddressTail(s)
			if ok && (street != wantStreet || number != wantNumber) {
				t.Fatalf("splitAddressTail(%q) = %q + %q, splitAddressWords gives %q + %q", s, street, number, wantStreet, wantNumber)
			}
		})
	}
	for _, s := range benchAddresses() {
		if _, _, ok := splitAddressTail(s); !ok {
			t.Errorf("splitAddressTail(%q) leaves the cell to the general reading", s)
		}
	}
}

// FuzzSplitAddressTail compares the quick route of the address split with
// the general reading on arbitrary text.
func FuzzSplitAddressTail(f *testing.F) {
	for _, s := range addressSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		wantStreet, wantNumber := splitAddressWords(s)
		if street, number, ok := splitAddressTail(s); ok && (street != wantStreet || number != wantNumber) {
			t.Fatalf("splitAddressTail(%q) = %q + %q, splitAddressWords gives %q + %q", s, street, number, wantStreet, wantNumber)
		}
		if street, number := splitAddress(s); street != wantStreet || number != wantNumber {
			t.Fatalf("splitAddress(%q) = %q + %q, splitAddressWords gives %q + %q", s, street, number, wantStreet, wantNumber)
		}
	})
}

// TestMarkSeparators checks the eight-bytes-at-a-time marking against
// asciiWordSep and ' ' for every byte at every position of cells of every length.
func TestMarkSeparators(t *testing.T) {
	for n := 0; n <= 65; n++ {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("x", n))
				b[pos] = byte(c)
				seps, spaces, ascii := markSeparators(string(b))
				var wantSeps, wantSpaces uint64
				if c < utf8.RuneSelf && asciiWordSep[c] {
					wantSeps = 1 << pos
				}
				if c == ' ' {
					wantSpaces = 1 << pos
				}
				switch {
				case n > 64 || c >= utf8.RuneSelf:
					if ascii {
						t.Fatalf("markSeparators(%q) says ASCII", b)
					}
				case !ascii:
					t.Fatalf("markSeparators(%q) says not ASCII", b)
				case seps != wantSeps || spaces != wantSpaces:
					t.Fatalf("markSeparators(%q) = %b, %b; want %b, %b", b, seps, spaces, wantSeps, wantSpaces)
				}
			}
		}
	}
}

// plainPipelines are pipelines whose passes answers without running them,
// with one that always runs, for TestPasses and FuzzPasses.
func plainPipelines() []pipeline {
	specs := []fieldSpec{
		{id: fExtCustomerID},
		{id: fExtCustomerNumber},
		{id: fName},
		{id: fEnterpriseNumber},
		{id: fEnterpriseNumber, warning: true},
		{id: fEnterpriseNumber, transforms: []transformRef{{name: "vat"}}},
		{id: fEnterpriseNumber, transforms: []transformRef{{name: "vat"}}, warning: true},
		{id: fPostalCode},
		{id: fCity},
		{id: fCountry},
		{id: fCountry, transforms: []transformRef{{name: "country"}}},
		{id: fExtCustomerID, transforms: []transformRef{{name: "integer"}}},
	}
	ps := make([]pipeline, len(specs))
	for i := range specs {
		ps[i] = newPipeline(&specs[i])
	}
	asID := newPipeline(&fieldSpec{id: fExtCustomerNumber})
	asID.readAsID()
	return append(ps, asID)
}

var plainSeeds = []string{"1000", "0", "01", "1 001", "400.148", "'400178", "400148,00", "999999999999999", "9999999999999999", "9007199254740992",
	"BE0400000086", "BE0400000087", "BE2417497106", "0417497106", "BE 0417.497.106", "NL123456789B01",
	"9000", "9000.0", "B-9000", "Gent", "België", "x", "Acme\nNV", "Acme\x1b[31m", "Acme\u202e", "Acme\tNV BVBA", "\xff", strings.Repeat("x", 255), strings.Repeat("x", 256), strings.Repeat("é", 200)}

// checkPasses fails when passes says a pipeline keeps v but running it
// gives anything else.
func checkPasses(t *testing.T, ps []pipeline, v string) {
	t.Helper()
	for _, p := range ps {
		if !p.passes(v) {
			continue
		}
		if out, f, warn := p.run(v); out != v || f.failed() || warn {
			t.Fatalf("pipeline of field %s passes %q, but run gives %q, %+v, %v", fieldNames[p.id], v, out, f, warn)
		}
	}
}

// TestPasses checks Apply's shortcut for values already in the API's form
// against running the pipeline, and that the benchmark file's cells take it.
func TestPasses(t *testing.T) {
	ps := plainPipelines()
	for _, v := range plainSeeds {
		checkPasses(t, ps, v)
	}
	for _, v := range []string{"1000", "K-1000", "BE0400000086", "9000", "Gent"} {
		taken := false
		for _, p := range ps {
			taken = taken || p.passes(v)
		}
		if !taken {
			t.Errorf("no pipeline passes %q", v)
		}
	}
}

// FuzzPasses checks the same on arbitrary values.
func FuzzPasses(f *testing.F) {
	for _, s := range plainSeeds {
		f.Add(s)
	}
	ps := plainPipelines()
	f.Fuzz(func(t *testing.T, v string) {
		if v = trimCell(v); v != "" {
			checkPasses(t, ps, v)
		}
	})
}

// TestWordChecks checks the eight-bytes-at-a-time tests of lineClean and
// allDigits against their definitions, for every byte value at every
// place of a word, beside every byte value at the next place.
func TestWordChecks(t *testing.T) {
	for pos := range 8 {
		for a := range 256 {
			for b := range 256 {
				word := []byte("aaaaaaaa")
				digits := []byte("12345678")
				word[pos], digits[pos] = byte(a), byte(a)
				if pos < 7 {
					word[pos+1], digits[pos+1] = byte(b), byte(b)
				} else if b > 0 {
					break
				}
				clean, allDigit := true, true
				for i := range 8 {
					clean = clean && word[i] >= 0x20 && word[i] < 0x7F
					allDigit = allDigit && '0' <= digits[i] && digits[i] <= '9'
				}
				if got := suspectBytes(load64(string(word))) == 0; got != clean {
					t.Fatalf("suspectBytes(%q) == 0 is %v", word, got)
				}
				if got := nonDigitBytes(load64(string(digits))) == 0; got != allDigit {
					t.Fatalf("nonDigitBytes(%q) == 0 is %v", digits, got)
				}
			}
		}
	}
}

// FuzzAllDigits compares allDigits with isDigits.
func FuzzAllDigits(f *testing.F) {
	for _, s := range []string{"", "1", "123", "1234", "12345678", "123456789012345678", "1234a678", "12/4", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if allDigits(s) != isDigits(s) {
			t.Fatalf("allDigits(%q) = %v", s, allDigits(s))
		}
	})
}
