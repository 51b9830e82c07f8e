package importer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"owr-import/importer/formula"
	"owr-import/internal/sandboxtest"
	"owr-import/mapping"
	"owr-import/sandbox"
)

// TestResultsShowValuesAsSent: run's results have an owr_api_ column for
// each field the mapping works out (not for those it copies as written),
// holding each created customer's value exactly as the API stored it;
// status renders them again from the mapping the ledger recorded; once that
// mapping file changed, they are left out with a note instead of showing
// values that were not sent.
func TestResultsShowValuesAsSent(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", testCSV)
	mapPath := writeFile(t, dir, "mapping.yaml", testMappingYAML)
	mp, err := mapping.Load(mapPath)
	if err != nil {
		t.Fatal(err)
	}
	opts := testRunOptions(t, in, testClient(t, srv, ""))
	opts.Mapping = mp
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	stored, err := srv.Customers(context.Background())
	if err != nil || len(stored) == 0 {
		t.Fatalf("stored %v, %v", stored, err)
	}
	results := filepath.Join(dir, "klanten.results.csv")
	res := readCSVFile(t, results)
	wantHeader := []string{"owr_api_extCustomerId", "owr_api_enterpriseNumber", "owr_api_address.street",
		"owr_api_address.streetNumber", "owr_api_address.country"}
	if got := res[0][len(res[0])-len(wantHeader):]; !slices.Equal(got, wantHeader) {
		t.Fatalf("results end with %q, want %q", got, wantHeader)
	}
	for _, s := range stored {
		want := []string{strconv.FormatInt(s.ExtCustomerID, 10), s.EnterpriseNumber,
			s.Address.Street, s.Address.StreetNumber, s.Address.Country}
		r := rowWith(t, res, "owr_customer_id", strconv.FormatInt(s.CustomerID, 10))
		got := slices.Clone(r[len(r)-len(wantHeader):])
		for i := range got {
			got[i] = formula.Restore(got[i]) // the CSV's guard against formulas
		}
		if !slices.Equal(got, want) {
			t.Errorf("customer %d: owr_api_ columns %q, the API stored %q", s.CustomerID, got, want)
		}
	}
	if r := rowWith(t, res, "Klant ID", "1003"); r[column(t, res, "owr_api_address.street")] != "Dorp" {
		t.Errorf("an invalid row's values as they would be sent are missing: %q", r)
	}

	before, _ := os.ReadFile(results)
	if _, err := Status(context.Background(), StatusOptions{Dir: dir, APITag: opts.APITag}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(results); string(after) != string(before) {
		t.Errorf("status rendered other results than run:\n%s\n---\n%s", before, after)
	}

	writeFile(t, dir, "mapping.yaml", testMappingYAML+"# changed\n")
	sum, err := Status(context.Background(), StatusOptions{Dir: dir, APITag: opts.APITag})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "changed since") {
		t.Errorf("no note about the changed mapping: %q", sum.Notes)
	}
	res = readCSVFile(t, results)
	for _, h := range res[0] {
		if strings.HasPrefix(h, "owr_api_") {
			t.Errorf("values through a changed mapping shown: %q", res[0])
		}
	}
}

// rowWith is the first data row whose column name holds value.
func rowWith(t *testing.T, rows [][]string, name, value string) []string {
	t.Helper()
	c := column(t, rows, name)
	for _, r := range rows[1:] {
		if r[c] == value {
			return r
		}
	}
	t.Fatalf("no row with %s = %q", name, value)
	return nil
}
