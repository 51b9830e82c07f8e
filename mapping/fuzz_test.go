package mapping

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the mapping decoder: it must never
// panic, every failure must be a *Error (or Errors) naming the file, and
// every mapping it accepts must bind to a header made of its own columns
// and map any row without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\n" + validFields))
	f.Add([]byte(applyMapping))
	f.Add([]byte("version: 1\nsource:\n  sheet: Klanten\n  header_row: 3\n  delimiter: tab\n  encoding: latin1\n" + validFields))
	f.Add([]byte("version: 1\n" + validFields + "  address.country: { value: belgium }\n  address.postalCode: { column: Postcode, default: \"0000\" }\n"))
	f.Add([]byte("version: 1\n" + validFields + "  address.street: { column: Adres, transform: [uper] }\n"))
	f.Add([]byte("a: &a [1]\nb: *a\n"))
	f.Add([]byte("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["))
	f.Add([]byte("- - - - - - - - - - - x"))
	f.Add([]byte("version: 1\nfields:\n  ? name\n  : Naam\n"))
	f.Add([]byte("version: 1\n---\nfields: {}\n"))
	f.Add([]byte("\xff\xfev\x00e\x00r\x00"))
	f.Add([]byte("version: 1\nfields:\n  name: |\n    Naam\n"))
	f.Add([]byte(valuesMapping))
	f.Add([]byte(columnsMapping))
	f.Add([]byte("version: 1\n" + validFields + "  address.street: { columns: [A, a, '', [x]], join: [y] }\n  address.postalCode: { column: P, join: '' }\n"))
	f.Add([]byte("version: 1\n" + validFields + "  address.country: { column: Land, values: { 0: { value: belgium }, null: { invalid: x }, A: {}, b: { value: c, invalid: d } } }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" || e.Message == "" {
				t.Fatalf("error %T %v is not a *Error naming the file", err, err)
			}
			return
		}
		if m.Version != 1 {
			t.Fatalf("accepted version %d", m.Version)
		}
		header := m.columns()
		b, err := m.Bind(header)
		if err != nil {
			for _, c := range header {
				if isResultColumn(c) {
					return // refused on purpose
				}
			}
			t.Fatalf("a mapping does not bind to its own columns %q: %v", header, err)
		}
		c, problems := b.applyOne(header) // the header row read as data: any text will do
		_ = c
		for _, p := range problems {
			if p.Message == "" || p.Kind == "" || p.Field == "" {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
	})
}

// FuzzVAT checks the vat transform on arbitrary text: it never panics, and
// either returns a number in the valid form of its country (and stable when
// applied again), possibly with a note, or a vat_format or vat_none problem
// that quotes the value.
func FuzzVAT(f *testing.F) {
	for _, s := range []string{"BE 0417.497.106", "be0417497106", "0417 497 106", "417497106", "417497106.0", "NL123456789B01",
		"FR40303265045", "LU15027442", "DE136695976", "ATU13585627", "4.17497106E+8", "BE", "", "BE\u00a00417", "é", "BE0417497106BE0417",
		"79647589", "GR123456789", "CHE-123.456.789 MWST", "XIGD123", "Particulier", "n/a", "-", "0", "ZZ999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, fail := vatTransform(in)
		if fail.failed() && !fail.isNote() {
			if fail.kind != KindVATFormat && fail.kind != KindVATNone || fail.msg == "" || out != "" {
				t.Fatalf("vat(%q) = %q, %+v", in, out, fail)
			}
			return
		}
		if fail.isNote() && (fail.kind != KindVATPadded || out == "") {
			t.Fatalf("vat(%q) = %q with the note %+v", in, out, fail)
		}
		if in == "" {
			return
		}
		if f := checkVATFormat(out, out); f.failed() {
			t.Fatalf("vat(%q) = %q, which is not in a valid form: %s", in, out, f.msg)
		}
		if fail.isNote() && !belgianCheckDigitsOK(out) {
			t.Fatalf("vat(%q) = %q, padded with zeros but with wrong check digits", in, out)
		}
		if again, f := vatTransform(out); f.failed() || again != out {
			t.Fatalf("vat(vat(%q)) = %q, %+v; want %q", in, again, f, out)
		}
	})
}

// FuzzSplitAddress checks the street / house_number split on arbitrary
// text: it never panics, the street is a part of the cell, and a number,
// when found, starts with a digit and is made of the cell's words.
func FuzzSplitAddress(f *testing.F) {
	for _, s := range []string{"Kerkstraat 12 bus 3", "Rue de la Loi 16 bte 3", "Avenue Louise 149/24", "Grote Markt 1A",
		"Kerkstraat 12, bus 3", "12 rue de la Paix", "Avenue du 8 Mai 1945 12", "Kerkstraat nr. 12", " , ", "12", "b b b 1 b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		street, number := splitAddress(in)
		if !strings.Contains(in, street) {
			t.Fatalf("street %q is not part of %q", street, in)
		}
		if number == "" {
			return
		}
		if !startsWithDigit(number) {
			t.Fatalf("number %q of %q does not start with a digit", number, in)
		}
		for _, w := range strings.Fields(number) {
			if !strings.Contains(in, w) {
				t.Fatalf("number word %q is not in %q", w, in)
			}
		}
		if utf8.ValidString(in) && (!utf8.ValidString(street) || !utf8.ValidString(number)) {
			t.Fatalf("split %q cut a character: %q + %q", in, street, number)
		}
	})
}

// FuzzInteger checks the integer transform: digits only out, no leading
// zeros, stable when applied again, or a not_integer problem.
func FuzzInteger(f *testing.F) {
	for _, s := range []string{"1001", "1001.0", " 1 001 ", "1.234.567", "1,234.00", "1001.5", "10a1", "1e3", "-1", "1.000", "00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, fail := integerTransform(in)
		if fail.failed() {
			if fail.kind != KindNotInteger || out != "" {
				t.Fatalf("integer(%q) = %q, %+v", in, out, fail)
			}
			return
		}
		if in == "" {
			return
		}
		if !isDigits(out) || (len(out) > 1 && out[0] == '0') {
			t.Fatalf("integer(%q) = %q", in, out)
		}
		if again, f := integerTransform(out); f.failed() || again != out {
			t.Fatalf("integer(integer(%q)) = %q", in, again)
		}
	})
}

// FuzzFoldKey checks that two texts have the same foldKey exactly when
// strings.EqualFold calls them equal, so a values: text matches the cells
// it says it matches.
func FuzzFoldKey(f *testing.F) {
	for _, p := range [][2]string{{"Particulier", "PARTICULIER"}, {"privé", "PRIVÉ"}, {"K", "\u212a"}, {"s", "\u017f"}, {"straße", "STRASSE"}, {"\xff", "\ufffd"}, {"n/a", "N/A"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if (foldKey(a) == foldKey(b)) != strings.EqualFold(a, b) {
			t.Fatalf("foldKey(%q) = %q, foldKey(%q) = %q; strings.EqualFold = %v", a, foldKey(a), b, foldKey(b), strings.EqualFold(a, b))
		}
	})
}

// FuzzCleanLine checks the line clean-up of every text field: it never
// panics; it either fails with a control_character problem whose message
// holds no control character itself, or returns one line of valid text
// that it keeps as it is when given again; and lineClean, its quick
// answer, says "unchanged" exactly when it is.
func FuzzCleanLine(f *testing.F) {
	for _, s := range []string{"Acme NV", "Acme\r\nNV", "a \t b", "\x1b[31mred", "Liège", "\u2028", "a\u202eb", "\xff", "12345678\n", "1234567\x7f", "\u0085x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, fail := cleanLine(s)
		if fail.failed() {
			if fail.kind != KindControl || out != "" || !lineCleanSlow(fail.msg) || !utf8.ValidString(fail.msg) {
				t.Fatalf("cleanLine(%q) = %q, %+v", s, out, fail)
			}
		} else {
			if !utf8.ValidString(out) || !lineCleanSlow(out) {
				t.Fatalf("cleanLine(%q) = %q, not one line of text", s, out)
			}
			if again, f := cleanLine(out); f.failed() || again != out {
				t.Fatalf("cleanLine(cleanLine(%q)) = %q, %+v", s, again, f)
			}
		}
		if got, want := lineClean(s), !fail.failed() && out == s; got != want {
			t.Fatalf("lineClean(%q) = %v, want %v", s, got, want)
		}
	})
}

// FuzzApplyText checks the quick look at text cells written out in
// Apply's loop against cleanLine: a cell is sent cleaned, or refused with
// a control_character problem, never sent as it is with a control
// character in it.
func FuzzApplyText(f *testing.F) {
	for _, s := range []string{"Acme", "Acme NV", "Onderneming 12 BV", "Onderneming 123456 BVBA", "Gent\n", "Ge\x1bnt", "Liège", "a\tb", "K-1000\x7f", "12345678901234567890123\x00", strings.Repeat("x", 256)} {
		f.Add(s)
	}
	b := mustBind(f, applyMapping, applyHeader)
	m := b.NewMapper()
	f.Fuzz(func(t *testing.T, cell string) {
		c, problems := m.Apply(row(2, cell))
		want, fail := cleanLine(strings.TrimSpace(cell))
		switch {
		case fail.failed():
			if c.Name != "" || len(problems) != 1 || problems[0].Kind != KindControl {
				t.Fatalf("%q: name %q, problems %+v; want a control_character problem", cell, c.Name, problems)
			}
		case want == "":
			if len(problems) != 1 || problems[0].Kind != KindMissing {
				t.Fatalf("%q: problems %+v", cell, problems)
			}
		case utf8.RuneCountInString(want) > maxValueLen:
			if len(problems) != 1 || problems[0].Kind != KindTooLong {
				t.Fatalf("%q: problems %+v", cell, problems)
			}
		case c.Name != want || len(problems) > 0:
			t.Fatalf("%q: name %q, problems %+v; want %q", cell, c.Name, problems, want)
		}
	})
}
