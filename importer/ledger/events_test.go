package ledger

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"owr-import/importer/row"
)

func TestEventsStreamsEveryLine(t *testing.T) {
	var got []Event
	err := Events(filepath.Join("testdata", "ledger_golden.csv"), func(e Event) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.UTC)
	want := []Event{
		{Kind: EventInput, File: "klanten.csv", At: at, SHA256: "ab12"},
		{Kind: EventStarted, Row: 4, ExtCustomerID: 1001, At: at},
		{Kind: EventFinished, File: "klanten.csv", Row: 4, OrigRow: 4, ExtCustomerID: 1001, Status: row.StatusCreated, HTTPStatus: 201, Attempts: 1, At: at},
		{Kind: EventFinished, File: "klanten.csv", Row: 5, OrigRow: 5, ExtCustomerID: 1002, Status: row.StatusConflict, HTTPStatus: 409,
			ErrorCode: "CUSTOMER_EXISTS", Error: `the API refused the row: customer "K-1002", already exists`, Attempts: 1, At: at},
		{Kind: EventFinished, File: "klanten.csv", Row: 6, OrigRow: 6, ExtCustomerID: 1003, Status: row.StatusFailed,
			Error: "no answer from the API within 30s; still failing after 6 attempts.", Attempts: 6, Unanswered: true, At: at},
		{Kind: EventFinished, File: "klanten.csv", Row: 7, OrigRow: 7, ExtCustomerID: 1004, Status: row.StatusSkipped, At: at},
		{Kind: EventFinished, File: "klanten.failed.csv", Row: 3, OrigRow: 8, ExtCustomerID: 1005, Status: row.StatusRejected, HTTPStatus: 400, Error: "-bad", At: at},
		{Kind: EventOutput, File: "klanten.results.csv", At: at, SHA256: "cd34"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestEventsEdges(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "ledger_golden.csv"))
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	tests := []struct {
		name    string
		content []byte // nil: no file at all
		fnErr   error
		want    int
		wantErr error
	}{
		{name: "no ledger yet", content: nil, want: 0},
		{name: "empty file", content: []byte{}, want: 0},
		{name: "cut-off last line is ignored", content: append(append([]byte{}, golden...), "finished,x.csv,9"...), want: 8},
		{name: "the callback stops the walk", content: golden, fnErr: stop, want: 1, wantErr: stop},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "owr-import.test.ledger.csv")
			if tc.content != nil {
				if err := os.WriteFile(path, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			n := 0
			err := Events(path, func(Event) error { n++; return tc.fnErr })
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if n != tc.want {
				t.Errorf("%d events, want %d", n, tc.want)
			}
		})
	}
}

func TestEventsRefusesADamagedLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owr-import.test.ledger.csv")
	content := "event,file,row,orig_row,ext_customer_id,ext_customer_number,status,customer_id,company_id,http_status,error_code,error,attempts,unanswered,at,first_seen,detail\n" +
		"finished,a.csv,x,,,,created,,,,,,,,,,\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Events(path, func(Event) error { return nil })
	var ie *row.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an InputError naming the line", err)
	}
}

func TestEachOrigVisitsKnownRowsInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owr-import.test.ledger.csv")
	j := openTestJournal(t, path)
	mustFinish(t, j,
		row.Outcome{Row: 9, ExtCustomerID: 9, Status: row.StatusInvalid, Error: "bad", Origin: at(9)},
		row.Outcome{Row: 1_000_000_000, ExtCustomerID: 7, Status: row.StatusFailed, Origin: at(1_000_000_000)},
		row.Outcome{Row: 2, ExtCustomerID: 2, Status: row.StatusCreated, CustomerID: 5, Origin: at(2)},
		row.Outcome{Row: 4, ExtCustomerID: 4, Status: row.StatusRejected, Origin: row.Origin{File: "later.csv"}},
	)
	mustClose(t, j)
	var got []int
	readTestJournal(t, path).EachOrig(func(e Entry) { got = append(got, e.OrigRow) })
	if want := []int{2, 9, 1_000_000_000}; !slices.Equal(got, want) {
		t.Errorf("EachOrig visited %v, want %v", got, want)
	}
}
