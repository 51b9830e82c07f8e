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
