package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// The -update flag rewrites golden files (`go test ./importer -run Writer
// -update`). Other test files of the package may declare it too; whoever
// comes first defines it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

// wrGolden compares got with testdata/name, or rewrites it under -update.
func wrGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update if the change is intended)\n got: %q\nwant: %q", path, got, want)
	}
}

// wrRows are the rows both golden tests write: values a results file must
// carry unchanged, through quoting, formula guards and numbers-as-text.
var (
	wrHeader = []string{"Klant ID", "Naam", "Postcode", "Opmerking", "owr_status", "owr_error"}
	wrRows   = [][]string{
		{"1001", "Bakkerij \"De Zon\"", "0612", "Kerkstraat 12; bus 3", "created", ""},
		{"1002", "=HYPERLINK(\"http://x\")", "9000", "line 1\nline 2", "invalid", "-extCustomerId is missing"},
		{"1003", "Café Zoë €", "", "+32 2 100 10 20", "conflict", "@CUSTOMER_EXISTS"},
		{"", "-12.5", "'=x", " spaced ", "skipped", ""},
	}
)
