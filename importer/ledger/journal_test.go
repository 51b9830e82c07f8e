package ledger

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The -update flag rewrites golden files. Other test files of the package
// may declare it too; whoever comes first defines it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var journalTime = time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.UTC)

func openTestJournal(t *testing.T, path string) *Journal {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	j.now = func() time.Time { return journalTime }
	return j
}

func mustFinish(t *testing.T, j *Journal, outcomes ...row.Outcome) {
	t.Helper()
	for _, o := range outcomes {
		if err := j.End(o, nil, nil); err != nil {
			t.Fatalf("End: %v", err)
		}
	}
}

// begin is one row about to be sent, as the send package begins it.
type begin struct {
	Row               int
	ExtCustomerID     int64
	ExtCustomerNumber string
}

func mustStart(t *testing.T, j *Journal, rows ...begin) {
	t.Helper()
	for _, b := range rows {
		if err := j.Begin(b.Row, b.ExtCustomerID, b.ExtCustomerNumber, nil); err != nil {
			t.Fatalf("Begin: %v", err)
		}
	}
}

func mustClose(t *testing.T, j *Journal) {
	t.Helper()
	if err := j.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func readTestJournal(t *testing.T, path string) *State {
	t.Helper()
	s, err := Read(path)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return s
}

func TestJournalGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klanten.journal.csv")
	j := openTestJournal(t, path)
	mustStart(t, j, begin{Row: 4, ExtCustomerID: 1001, ExtCustomerNumber: "K-1001"})
	mustFinish(t, j,
		row.Outcome{Row: 4, ExtCustomerID: 1001, ExtCustomerNumber: "K-1001", Status: row.StatusCreated, CustomerID: 10, CompanyID: 2, HTTPStatus: 201, Attempts: 1},
		row.Outcome{Row: 5, ExtCustomerID: 1002, ExtCustomerNumber: "K-1002", Status: row.StatusConflict, HTTPStatus: 409, ErrorCode: "CUSTOMER_EXISTS",
			Error: `the API refused the row: customer "K-1002", already exists`, Attempts: 1},
		row.Outcome{Row: 6, ExtCustomerID: 1003, ExtCustomerNumber: "K-1003\nsecond line", Status: row.StatusFailed,
			Error: "no answer from the API within 30s; still failing after 6 attempts.", Attempts: 6, Unanswered: true},
		row.Outcome{Row: 7, ExtCustomerID: 1004, ExtCustomerNumber: "=K-1004", Status: row.StatusSkipped, CustomerID: 11, CompanyID: 2},
	)
	mustClose(t, j)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "journal_golden.csv")
	if updateGolden() {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestJournalGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("journal differs from %s:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestJournalState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.journal.csv")

	// First run.
	j := openTestJournal(t, path)
	mustStart(t, j, begin{Row: 2, ExtCustomerID: 1}, begin{Row: 3, ExtCustomerID: 2}, begin{Row: 4, ExtCustomerID: 3},
		begin{Row: 5, ExtCustomerID: 4}, begin{Row: 7, ExtCustomerID: 6}, begin{Row: 9, ExtCustomerID: 8}, begin{Row: 10, ExtCustomerID: 9})
	mustFinish(t, j,
		row.Outcome{Row: 2, ExtCustomerID: 1, Status: row.StatusCreated, CustomerID: 100, CompanyID: 2, HTTPStatus: 201, Attempts: 1},
		// ext 2: started, never finished (the process was killed)
		row.Outcome{Row: 4, ExtCustomerID: 3, Status: row.StatusFailed, Error: "no answer", Attempts: 3, Unanswered: true},
		row.Outcome{Row: 5, ExtCustomerID: 4, Status: row.StatusConflict, HTTPStatus: 409, ErrorCode: "EXISTS", Error: "exists", Attempts: 1},
		row.Outcome{Row: 6, ExtCustomerID: 5, Status: row.StatusInDoubt, HTTPStatus: 409, ErrorCode: "EXISTS", Error: "most likely created", Attempts: 2},
		row.Outcome{Row: 7, ExtCustomerID: 6, Status: row.StatusCreated, CustomerID: 106, CompanyID: 2, HTTPStatus: 201, Attempts: 1},
		row.Outcome{Row: 9, ExtCustomerID: 8, Status: row.StatusFailed, HTTPStatus: 503, Error: "HTTP 503", Attempts: 6},
		row.Outcome{Row: 10, ExtCustomerID: 9, Status: row.StatusFailed, Error: "no answer", Attempts: 2, Unanswered: true},
	)
	mustClose(t, j)

	// Second run appends.
	j = openTestJournal(t, path)
	mustStart(t, j, begin{Row: 7, ExtCustomerID: 6}, begin{Row: 10, ExtCustomerID: 9})
	mustFinish(t, j,
		row.Outcome{Row: 2, ExtCustomerID: 1, Status: row.StatusSkipped, CustomerID: 100, CompanyID: 2},
		row.Outcome{Row: 7, ExtCustomerID: 6, Status: row.StatusFailed, HTTPStatus: 500, Error: "HTTP 500", Attempts: 1}, // cannot undo a creation
		row.Outcome{Row: 8, ExtCustomerID: 7, Status: row.StatusSkipped, CustomerID: 107, CompanyID: 2},
		row.Outcome{Row: 10, ExtCustomerID: 9, Status: row.StatusNotAttempted, Error: "the run stopped before this row was sent."},
	)
	mustClose(t, j)

	s := readTestJournal(t, path)
	tests := []struct {
		ext         int64
		created     bool
		customerID  int64
		started     bool
		row         int
		lastStatus  row.Status
		lastError   string
		lastAttempt int
	}{
		{ext: 1, created: true, customerID: 100, row: 2, lastStatus: row.StatusSkipped},
		{ext: 2, started: true, row: 3},
		{ext: 3, started: true, row: 4, lastStatus: row.StatusFailed, lastError: "no answer", lastAttempt: 3},
		{ext: 4, row: 5, lastStatus: row.StatusConflict, lastError: "exists", lastAttempt: 1},
		{ext: 5, started: true, row: 6, lastStatus: row.StatusInDoubt, lastError: "most likely created", lastAttempt: 2},
		{ext: 6, created: true, customerID: 106, row: 7, lastStatus: row.StatusFailed, lastError: "HTTP 500", lastAttempt: 1},
		{ext: 7, created: true, customerID: 107, row: 8, lastStatus: row.StatusSkipped},
		{ext: 8, row: 9, lastStatus: row.StatusFailed, lastError: "HTTP 503", lastAttempt: 6},
		{ext: 9, started: true, row: 10, lastStatus: row.StatusNotAttempted, lastError: "the run stopped before this row was sent."},
		{ext: 404, row: 404},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("ext ", tt.ext), func(t *testing.T) {
			e, ok := s.Created(tt.ext)
			if ok != tt.created || e.CustomerID != tt.customerID {
				t.Errorf("Created = %+v, %v; want customerId %d, %v", e, ok, tt.customerID, tt.created)
			}
			if ok && e.CompanyID != 2 {
				t.Errorf("Created companyId %d", e.CompanyID)
			}
			if got := s.MayExist(tt.ext); got != tt.started {
				t.Errorf("Started = %v, want %v", got, tt.started)
			}
			last, ok := s.LastByRow(tt.row)
			if ok != (tt.lastStatus != "") {
				t.Fatalf("LastByRow(%d) found = %v", tt.row, ok)
			}
			if ok && (last.Status != tt.lastStatus || last.Error != tt.lastError || last.Attempts != tt.lastAttempt ||
				last.ExtCustomerID != tt.ext || !last.At.Equal(journalTime)) {
				t.Errorf("LastByRow(%d) = %+v", tt.row, last)
			}
		})
	}
	if o := func() row.Outcome { e, _ := s.LastByRow(4); return e.Outcome() }(); !o.Unanswered || o.Status != row.StatusFailed || o.Row != 4 {
		t.Errorf("row.Outcome() = %+v", o)
	}
	if s.Rows() != 8 {
		t.Errorf("Rows() = %d, want 8", s.Rows())
	}
}

func TestJournalAppendKeepsOneHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.journal.csv")
	for run := range 3 {
		j := openTestJournal(t, path)
		mustFinish(t, j, row.Outcome{Row: run + 2, ExtCustomerID: int64(run), Status: row.StatusCreated, CustomerID: 9, CompanyID: 2})
		mustClose(t, j)
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "event,row,"); n != 1 {
		t.Fatalf("%d header lines after three runs:\n%s", n, data)
	}
	if n := strings.Count(string(data), "\n"); n != 4 {
		t.Fatalf("%d lines, want header + 3:\n%s", n, data)
	}
	if s := readTestJournal(t, path); s.Rows() != 3 {
		t.Fatalf("read back %d rows, want 3", s.Rows())
	}
}

func TestJournalTornLastLine(t *testing.T) {
	for _, torn := range []string{
		"finished,7,1007,K-1007,crea",
		`finished,7,1007,"K-10`,
		"f",
	} {
		t.Run(torn, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.journal.csv")
			j := openTestJournal(t, path)
			mustFinish(t, j, row.Outcome{Row: 6, ExtCustomerID: 1006, Status: row.StatusCreated, CustomerID: 60, CompanyID: 2})
			mustClose(t, j)
			appendRaw(t, path, torn)

			s := readTestJournal(t, path)
			if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "cut off") {
				t.Errorf("notes %q, want one about the cut-off line", s.Notes)
			}
			if _, ok := s.LastByRow(7); ok {
				t.Error("the torn line was read")
			}
			if _, ok := s.Created(1006); !ok {
				t.Error("the complete line before it was lost")
			}

			j = openTestJournal(t, path) // repairs the tail, then appends cleanly
			mustFinish(t, j, row.Outcome{Row: 8, ExtCustomerID: 1008, Status: row.StatusCreated, CustomerID: 80, CompanyID: 2})
			mustClose(t, j)
			s = readTestJournal(t, path)
			if len(s.Notes) != 0 || s.Rows() != 2 {
				t.Errorf("after append: %d rows, notes %q", s.Rows(), s.Notes)
			}
			if _, ok := s.Created(1008); !ok {
				t.Error("the line appended after the repair is missing")
			}
		})
	}
}

func appendRaw(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestJournalDamaged(t *testing.T) {
	tests := []struct {
		name, content, errHas string
	}{
		{"bad number", "finished,x2,1,,created,5,2,,,,,,\n", "line 2"},
		{"unknown status", "finished,2,1,,exploded,5,2,,,,,,\n", `"exploded"`},
		{"unknown event", "begun,2,1,,,,,,,,,,\n", `"begun"`},
		{"short line", "finished,2,1\n", "line 2"},
	}
	header := "event,row,ext_customer_id,ext_customer_number,status,customer_id,company_id,http_status,error_code,error,attempts,unanswered,at\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.journal.csv")
			good := "finished,3,9,,created,5,2,201,,,1,,2025-03-01T09:30:00Z\n"
			if err := os.WriteFile(path, []byte(header+tt.content+good), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), "--restart") {
				t.Fatalf("Read error %v, want one naming %s and the way out", err, tt.errHas)
			}
		})
	}
}

func TestJournalRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.journal.csv")
	content := "Klant ID;Naam\n1001;Bakkerij\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "not an owr-import journal") {
		t.Fatalf("Open error %v", err)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "not an owr-import journal") {
		t.Fatalf("Read error %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != content {
		t.Fatalf("the file was changed: %q", data)
	}
}

func TestReadJournalMissingFile(t *testing.T) {
	s, err := Read(filepath.Join(t.TempDir(), "none.journal.csv"))
	if err != nil || s.Rows() != 0 || s.MayExist(1) {
		t.Fatalf("Read of a missing file = %+v, %v", s, err)
	}
	if _, ok := s.Created(1); ok {
		t.Fatal("empty state knows a customer")
	}
}

func TestJournalConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.journal.csv")
	j := openTestJournal(t, path)
	var mu sync.Mutex
	var notified []int
	notify := func(o row.Outcome) { // runs on the journal goroutine only
		mu.Lock()
		notified = append(notified, o.Row)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ack := make(chan error, 1)
			for i := range 200 {
				n := w*1000 + i + 2
				if err := j.Begin(n, int64(n), "", ack); err != nil {
					t.Error(err)
					return
				}
				o := row.Outcome{Row: n, ExtCustomerID: int64(n), Status: row.StatusCreated, CustomerID: int64(n), CompanyID: 2}
				if err := j.End(o, notify, ack); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	mustClose(t, j)
	if len(notified) != 1600 {
		t.Fatalf("notified %d outcomes, want 1600", len(notified))
	}
	s := readTestJournal(t, path)
	if s.Rows() != 1600 {
		t.Fatalf("read %d rows, want 1600", s.Rows())
	}
	for _, n := range []int{2, 201, 7201} {
		if e, ok := s.Created(int64(n)); !ok || e.CustomerID != int64(n) || s.MayExist(int64(n)) {
			t.Errorf("row %d: %+v %v started=%v", n, e, ok, s.MayExist(int64(n)))
		}
	}
	if err := j.End(row.Outcome{Row: 1}, nil, nil); err == nil {
		t.Error("End after Close succeeded")
	}
}

func TestMoveAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "klanten.journal.csv")
	if got, err := MoveAside(path); err != nil || got != "" {
		t.Fatalf("MoveAside of a missing journal = %q, %v", got, err)
	}
	var moved []string
	for i := range 2 { // twice within the same second: two distinct names
		if err := os.WriteFile(path, []byte(fmt.Sprint("run ", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := MoveAside(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(filepath.Base(got), "klanten.journal.") || !strings.HasSuffix(got, ".csv") {
			t.Errorf("moved to %q", got)
		}
		if data, err := os.ReadFile(got); err != nil || string(data) != fmt.Sprint("run ", i) {
			t.Errorf("moved file content %q, %v", data, err)
		}
		moved = append(moved, got)
	}
	if moved[0] == moved[1] {
		t.Errorf("both runs moved to %q", moved[0])
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the journal is still there: %v", err)
	}
}

func FuzzReadJournal(f *testing.F) {
	header := "event,row,ext_customer_id,ext_customer_number,status,customer_id,company_id,http_status,error_code,error,attempts,unanswered,at\n"
	f.Add(header + "started,2,1,K1,,,,,,,,,2025-03-01T09:30:00Z\n")
	f.Add(header + "finished,2,1,K1,created,5,2,201,,,1,,2025-03-01T09:30:00Z\nfinished,3")
	f.Add(header + "finished,2,1,\"K\n1\",in_doubt,,,409,X,\"a,b\",2,yes,\n")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "f.journal.csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Read(path)
		if err == nil && s == nil {
			t.Fatal("nil state without an error")
		}
	})
}

func TestJournalStateIsCompact(t *testing.T) {
	const rows = 100_000
	at := journalTime.Format(time.RFC3339Nano)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := newJournalState()
	for i := range rows {
		n, ext := i+2, int64(100_000+i)
		if err := s.apply(journalLine{Event: eventStarted, Row: n, ExtCustomerID: ext, At: at}); err != nil {
			t.Fatal(err)
		}
		l := journalLine{Event: eventFinished, Row: n, ExtCustomerID: ext, Status: row.StatusCreated,
			CustomerID: csvInt(5_000_000 + i), CompanyID: 2, HTTPStatus: 200, Attempts: 1, At: at}
		if i%10 == 0 {
			l.Status, l.CustomerID, l.CompanyID, l.HTTPStatus = row.StatusConflict, 0, 0, 409
			l.ErrorCode, l.Error = "CUSTOMER_EXT_ID_EXISTS", "the API refused the row: it already exists"
		}
		if err := s.apply(l); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perRow := float64(after.HeapAlloc-before.HeapAlloc) / rows
	if perRow > 150 {
		t.Errorf("%.0f bytes per journaled row; a 500,000-row journal must stay within a few tens of MB", perRow)
	}
	if e, ok := s.Created(100_001); !ok || e.CustomerID != 5_000_001 || e.CompanyID != 2 {
		t.Errorf("Created = %+v, %v", e, ok)
	}
	runtime.KeepAlive(s)
}
