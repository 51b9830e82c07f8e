package importer

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"owr-import/importer/row"
	"owr-import/internal/sandboxtest"
	"owr-import/mapping"
	"owr-import/sandbox"
)

// workbookExportMapping reads workbookExport as a consultant would map it:
// the customer code as both ids, the box joined to the house number.
const workbookExportMapping = `version: 1
fields:
  extCustomerId: Relatiecode
  extCustomerNumber: Relatiecode
  name: Naam
  enterpriseNumber: { column: Btw-nummer, transform: [vat] }
  address.street: { column: Adres, transform: [street] }
  address.streetNumber: { columns: [Adres, Bus], join: " bus ", transform: [house_number] }
  address.postalCode: Postcode
  address.city: Gemeente
  address.country: { column: Land, transform: [country] }
`

// workbookExport writes a relations list as accounting packages export it
// to Excel: a title and a print date above the header, codes and postcodes
// as numbers with number formats, a customer code typed with a space, a VAT
// number a spreadsheet turned into a number (its leading zero lost), a
// private person whose VAT cell says "Particulier", and a totals line.
func workbookExport(t *testing.T, dir string) string {
	t.Helper()
	f := excelize.NewFile()
	const s = "Sheet1"
	rows := [][]any{
		{"Relatielijst Bakkerij & Co"},
		{"Afgedrukt op 30/11/2026"},
		{},
		{"Relatiecode", "Naam", "Btw-nummer", "Adres", "Bus", "Postcode", "Gemeente", "Land"},
		{400145, "Bakkerij Peeters", "BE 0471.650.622", "Kerkstraat 12", 3, 9000, "Gent", "België"},
		{"400 146", "Garage Janssens", 326541491, "Antwerpsesteenweg 221", nil, 2800, "Mechelen", "België"},
		{400147, "Els Peeters", "Particulier", "Molenstraat 3", nil, 9300, "Aalst", "België"},
		{},
		{"Totaal: 3 relaties"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	code, _ := f.NewStyle(&excelize.Style{NumFmt: 1})                        // "0"
	postcode, _ := f.NewStyle(&excelize.Style{CustomNumFmt: strPtr("0000")}) // as Belgian postcodes are shown
	for _, st := range []struct {
		from, to string
		style    int
	}{{"A5", "A7", code}, {"F5", "F7", postcode}} {
		if err := f.SetCellStyle(s, st.from, st.to, st.style); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "relaties.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func strPtr(s string) *string { return &s }

// TestWorkbookExportSendsWhatExcelShows: every customer the API stores from
// such a workbook holds exactly the values Excel shows, canonical where the
// API needs it; the private person is reported naming the VAT cell, and the
// title and totals lines are not customers.
func TestWorkbookExportSendsWhatExcelShows(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	in := workbookExport(t, dir)
	mp, err := mapping.Parse("mapping.yaml", []byte(workbookExportMapping))
	if err != nil {
		t.Fatal(err)
	}
	opts := testRunOptions(t, in, testClient(t, srv, ""))
	opts.Mapping = mp
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"extCustomerId":400145,"extCustomerNumber":"400145","name":"Bakkerij Peeters","enterpriseNumber":"BE0471650622","address":{"street":"Kerkstraat","streetNumber":"12 bus 3","city":"Gent","postalCode":"9000","country":"belgium"}}`,
		`{"extCustomerId":400146,"extCustomerNumber":"400146","name":"Garage Janssens","enterpriseNumber":"BE0326541491","address":{"street":"Antwerpsesteenweg","streetNumber":"221","city":"Mechelen","postalCode":"2800","country":"belgium"}}`,
	}
	got := storedBodies(t, srv)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stored:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sum.Rows != 3 || sum.Counts[row.StatusInvalid] != 1 {
		t.Errorf("rows %d, counts %v: want 3 rows (no title or totals line), 1 invalid", sum.Rows, sum.Counts)
	}
	named := false
	for _, p := range sum.Problems {
		named = named || slices.Contains(p.Rows, 7) && strings.HasPrefix(p.Example, "Btw-nummer:")
	}
	if !named {
		t.Errorf("the private person's row 7 and VAT column are not named: %+v", sum.Problems)
	}
}
