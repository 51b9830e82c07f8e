package pagereport

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"owr-import/importer/row"
)

var update = flag.Bool("update", false, "rewrite the golden pages under testdata/")

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// typical is a migration half-way: rows created, problems of several
// kinds, a session with retries, an in_doubt row, two inputs.
func typical() *Data {
	return &Data{Title: "klanten.xlsx", Command: "run", Version: "v1.2.3", API: "prod", Generated: t0.Add(time.Hour),
		Rows: 120, Counts: []Count{{row.StatusCreated, 100}, {row.StatusSkipped, 5}, {row.StatusInvalid, 9}, {row.StatusDuplicate, 2},
			{row.StatusConflict, 2}, {row.StatusInDoubt, 1}, {row.StatusFailed, 1}},
		Problems: []Group{
			{Status: row.StatusInvalid, Pattern: `BTW-nummer: "…" has wrong check digits.`, Count: 6,
				Examples: []Example{{"row 9", `BTW-nummer (D9): "BE0417497107" has wrong check digits.`}, {"row 14", `BTW-nummer (D14): "BE0417497108" has wrong check digits.`}}},
			{Status: row.StatusConflict, Code: "CUSTOMER_EXT_ID_EXISTS", HTTP: 409, Pattern: "a customer with extCustomerId # already exists", Count: 2,
				Examples: []Example{{"row 40", "a customer with extCustomerId 990001 already exists"}}},
			{Status: row.StatusInvalid, Pattern: "Gemeente: address.city is required.", Count: 3, Examples: []Example{{"row 3 of klanten_v2.xlsx", "Gemeente (G3): address.city is required."}}},
		},
		MoreProblems: Group{Count: 4},
		Timeline: Timeline{Start: t0, End: t0.Add(9 * time.Second), Width: time.Second, Sessions: 2, Requests: 110, Errors: 9,
			Buckets: []Bucket{{10, 0}, {12, 1}, {11, 0}, {14, 4}, {9, 2}, {12, 0}, {13, 1}, {10, 0}, {11, 1}, {8, 0}}},
		Inputs: []File{{Name: "klanten.xlsx", At: t0.Add(-24 * time.Hour), SHA256: "0123456789abcdef0123"},
			{Name: "klanten.failed.xlsx", At: t0, SHA256: "fedcba9876543210fedc"}},
		Outputs:  []File{{Name: "klanten.failed.xlsx", At: t0.Add(10 * time.Second), SHA256: "aaaabbbbccccdddd"}, {Name: "klanten.results.xlsx", At: t0.Add(10 * time.Second), SHA256: "1111222233334444"}},
		InDoubt:  []InDoubtRow{{Where: "row 77", ExtCustomerID: 1077, File: "klanten.xlsx", Text: "the customer already exists (409) after an unanswered attempt"}},
		RunLines: []string{"run of klanten.failed.xlsx: 14 rows, header on row 1", "  created        9", "Elapsed 10.2s, 110 requests, 10.8 rows/s"},
	}
}

// nothingSent is a migration whose only run stopped before sending.
func nothingSent() *Data {
	return &Data{Title: "export.csv", Command: "status", Version: "dev", API: "127.0.0.1-8080", Generated: t0,
		Rows: 3, Counts: []Count{{row.StatusNotAttempted, 3}},
		Problems: []Group{{Status: row.StatusNotAttempted, Pattern: "not tried: the run was stopped before this row.", Count: 3,
			Examples: []Example{{"row 2", "not tried: the run was stopped before this row."}}}},
		Inputs:  []File{{Name: "export.csv", At: t0, SHA256: "abc"}},
		Stopped: "the API refused the keys (HTTP 401): check OWR_API_KEY and OWR_CUSTOMER_KEY, then run the same command again.",
	}
}

func TestPageGolden(t *testing.T) {
	tests := []struct {
		name string
		data *Data
	}{
		{"typical", typical()},
		{"nothing-sent", nothingSent()},
		{"empty", &Data{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Render(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".html")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./importer/pagereport -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the page differs from %s; look at the difference, then run go test ./importer/pagereport -update", golden)
			}
			assertOffline(t, got)
		})
	}
}
