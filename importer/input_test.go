package importer

import (
	"context"
	"strings"
	"testing"
)

func TestValidateNotesAboutTheFile(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", "Klant ID;Klantnummer;Naam;BTW;Adres;;Postcode;Gemeente;Tel;Tel\n"+
		"1001;K-1;Bakker;BE0417497106;Markt 1;x;9000;Gent;1;2;extra\n")
	sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(sum.Notes, "\n")
	for _, want := range []string{`named "Tel"`, "column(s) F have no header", "1 row(s) have values to the right", "(row 2)"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
}

// TestLookAlikeHeadersNoted: "Naam" and "naam" are two columns the mapping
// can tell apart (it reads the one spelled as in the mapping file): one note
// says which is read, none claims the column cannot be read.
func TestLookAlikeHeadersNoted(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", "Klant ID;Klantnummer;Naam;naam;BTW;Adres;Postcode;Gemeente\n"+
		"1001;K-1;Bakker;oude naam;BE0417497106;Markt 1;9000;Gent\n")
	sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(sum.Notes, "\n")
	if strings.Contains(all, "cannot") || !strings.Contains(all, "name reads") {
		t.Errorf("notes about Naam/naam:\n%s", all)
	}
	if sum.Counts["valid"] != 1 {
		t.Errorf("counts %v: the row reads Naam and is valid", sum.Counts)
	}
}

// TestSummaryIsPrintable: escape sequences in a header or a cell never reach
// the terminal raw.
func TestSummaryIsPrintable(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten\x1b[2J.csv", "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente;\x1b[2JX;\x1b[2JX\n"+
		"10\x1b[31m01;K-1;Bakker;BE0417497106;Markt 1;9000;Gent;a;b\n")
	sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sum.WriteText(&out)
	if strings.ContainsRune(out.String(), 0x1b) {
		t.Errorf("the summary prints an escape character raw:\n%q", out.String())
	}
	if !strings.Contains(out.String(), `\x1b`) {
		t.Errorf("the summary does not show the escape as text:\n%s", out.String())
	}
}

// TestTotalsLineIsNotACustomer: the totals line under the last customer
// is neither validated nor sent; a note names its row and what to do if it
// is a customer after all.
func TestTotalsLineIsNotACustomer(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente\n"+
		"1001;K-1;Bakker;BE0417497106;Markt 1;9000;Gent\n"+
		"Totaal: 1 relatie;;;;;;\n")
	sum, err := Validate(context.Background(), Input{Path: in, Mapping: testMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 1 || sum.Counts["invalid"] != 0 {
		t.Errorf("rows %d, counts %v: the totals line was read as a customer", sum.Rows, sum.Counts)
	}
	all := strings.Join(sum.Notes, "\n")
	if !strings.Contains(all, `row 3 ("Totaal: 1 relatie")`) || !strings.Contains(all, "totals line") {
		t.Errorf("notes do not name the totals line:\n%s", all)
	}
}
