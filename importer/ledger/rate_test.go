package ledger

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/importer/row"
)

func TestRateRemembered(t *testing.T) {
	tests := []struct {
		name  string
		rates []Rate // recorded in this order, one run each
		want  Rate
		ok    bool
	}{
		{"no run with --rate auto", nil, Rate{}, false},
		{"one run", []Rate{{PerSecond: 38.5, Why: "lowered: the API slowed down"}}, Rate{PerSecond: 38.5, Why: "lowered: the API slowed down"}, true},
		{"the newest run wins", []Rate{{PerSecond: 38.5}, {PerSecond: 19.2, Why: `a "quoted" =reason`}}, Rate{PerSecond: 19.2, Why: `a "quoted" =reason`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), Path(".", "prod"))
			for i, r := range tt.rates {
				j := openTestJournal(t, path)
				mustFinish(t, j, row.Outcome{Row: 2 + i, ExtCustomerID: int64(1 + i), ExtCustomerNumber: "K", Status: row.StatusCreated, CustomerID: 10, CompanyID: 2, Origin: at(2 + i)})
				if err := j.RecordRate(r); err != nil {
					t.Fatal(err)
				}
				mustClose(t, j)
			}
			got, ok := readTestJournal(t, path).Rate()
			if ok != tt.ok || got.PerSecond != tt.want.PerSecond || got.Why != tt.want.Why {
				t.Errorf("Rate() = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
			if ok && !got.At.Equal(journalTime) {
				t.Errorf("recorded at %v, want %v", got.At, journalTime)
			}
		})
	}
}

func TestRateLineKeepsTheColumns(t *testing.T) {
	// A rate line is one more event: the rows' lines and the columns' meaning
	// stay as they were, and a rate line that cannot be read is ignored (it
	// only says where the next run starts).
	path := filepath.Join(t.TempDir(), Path(".", "prod"))
	j := openTestJournal(t, path)
	if err := j.RecordRate(Rate{PerSecond: 12.5, Why: "raised"}); err != nil {
		t.Fatal(err)
	}
	mustClose(t, j)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != strings.Join(columns, ",") || !strings.HasPrefix(lines[1], "rate,,0,") {
		t.Fatalf("ledger:\n%s", data)
	}
	broken := strings.Replace(string(data), "12.5", "twelve", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, ok := readTestJournal(t, path).Rate(); ok {
		t.Errorf("an unreadable rate line gave %+v", r)
	}
}
