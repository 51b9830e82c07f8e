package importer

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"owr-import/importer/row"
	"owr-import/internal/sandboxtest"
	"owr-import/mapping"
	"owr-import/sandbox"
)

var updateSent = flag.Bool("update-sent", false, "rewrite testdata/exports_sent/*.json from what the sandbox stored")

// exportsDir holds the exports shaped like those of the accounting packages
// Belgian companies use, and the mapping `mapping init` drafts for each.
const exportsDir = "../mapping/testdata/exports"

// TestExportsSendExactlyTheExpectedBodies runs every export through the
// mapping `mapping init` drafted for it, against the sandbox, and compares
// every customer the API stored with the reviewed body in
// testdata/exports_sent: a single wrong value sent (a postcode as the id,
// a placeholder as VAT number, a lost box number) fails the test. Every row
// not sent must be reported with a message naming its column.
func TestExportsSendExactlyTheExpectedBodies(t *testing.T) {
	exports, _ := filepath.Glob(filepath.Join(exportsDir, "*.csv"))
	if len(exports) < 10 {
		t.Fatalf("found %d exports in %s", len(exports), exportsDir)
	}
	for _, export := range exports {
		name := strings.TrimSuffix(filepath.Base(export), ".csv")
		t.Run(name, func(t *testing.T) {
			srv := sandboxtest.Start(t, sandbox.Faults{})
			dir := t.TempDir()
			in := copyFile(t, export, dir)
			mp, err := mapping.Load(filepath.Join(exportsDir, "draft_"+name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			opts := testRunOptions(t, in, testClient(t, srv, ""))
			opts.Mapping = mp
			if _, err := Run(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			compareSent(t, srv, filepath.Join("testdata", "exports_sent", name+".json"))
			res := readResults(t, filepath.Join(dir, name+".results.csv"))
			status, msg := column(t, res, "owr_status"), column(t, res, "owr_error")
			for _, r := range res[1:] {
				if r[status] != string(row.StatusCreated) && !namesAColumn(r[msg], res[0]) {
					t.Errorf("a row not sent without a message naming its column: %q", r)
				}
			}
		})
	}
}

// compareSent compares the customers the sandbox stored with the bodies
// in golden, one JSON body per line in extCustomerId order.
func compareSent(t *testing.T, srv *sandbox.Server, golden string) {
	t.Helper()
	var got strings.Builder
	for _, body := range storedBodies(t, srv) {
		got.WriteString(body + "\n")
	}
	if *updateSent {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (review the bodies, then go test ./importer -run TestExports -update-sent)", err)
	}
	if got.String() != string(want) {
		t.Errorf("bodies sent differ from %s:\n got:\n%s\nwant:\n%s", golden, got.String(), want)
	}
}

// storedBodies are the customers the sandbox stored, each as the JSON body
// that created it, in extCustomerId order.
func storedBodies(t *testing.T, srv *sandbox.Server) []string {
	t.Helper()
	stored, err := srv.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(stored, func(a, b sandbox.StoredCustomer) int { return int(a.ExtCustomerID - b.ExtCustomerID) })
	bodies := make([]string, len(stored))
	for i, s := range stored {
		body, _ := json.Marshal(mapping.Customer{ExtCustomerID: s.ExtCustomerID, ExtCustomerNumber: s.ExtCustomerNumber,
			Name: s.Name, EnterpriseNumber: s.EnterpriseNumber, Address: mapping.Address(s.Address)})
		bodies[i] = string(body)
	}
	return bodies
}

// namesAColumn reports whether a message names one of the header's columns.
func namesAColumn(msg string, header []string) bool {
	for _, h := range header {
		if h != "" && !strings.HasPrefix(h, "owr_") && strings.Contains(msg, h) {
			return true
		}
	}
	return false
}

func copyFile(t *testing.T, from, dir string) string {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, filepath.Base(from), string(data))
}

// readResults reads a CSV result file in whatever delimiter it was written
// with (the input's).
func readResults(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	r := csv.NewReader(strings.NewReader(text))
	first, _, _ := strings.Cut(text, "\n")
	r.Comma = ','
	for _, d := range []rune{';', '\t'} {
		if strings.ContainsRune(first, d) {
			r.Comma = d
		}
	}
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
