package ledger

import (
	"bytes"
	"errors"
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

// at places an outcome in the migration: row r of the original export.
func at(r int) row.Origin { return row.Origin{File: "klanten.csv", OrigRow: r} }

func TestJournalGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), Path(".", "prod"))
	j := openTestJournal(t, path)
	if err := j.RecordInput(Input{Name: "klanten.csv", Path: "/data/klanten.csv", SHA256: "ab12", HeaderRow: 1, Delimiter: ";"}); err != nil {
		t.Fatal(err)
	}
	mustStart(t, j, begin{Row: 4, ExtCustomerID: 1001, ExtCustomerNumber: "K-1001"})
	mustFinish(t, j,
		row.Outcome{Row: 4, ExtCustomerID: 1001, ExtCustomerNumber: "K-1001", Status: row.StatusCreated, CustomerID: 10, CompanyID: 2, HTTPStatus: 201, Attempts: 1, Origin: at(4)},
		row.Outcome{Row: 5, ExtCustomerID: 1002, ExtCustomerNumber: "K-1002", Status: row.StatusConflict, HTTPStatus: 409, ErrorCode: "CUSTOMER_EXISTS",
			Error: `the API refused the row: customer "K-1002", already exists`, Attempts: 1, Origin: at(5)},
		row.Outcome{Row: 6, ExtCustomerID: 1003, ExtCustomerNumber: "K-1003\nsecond line", Status: row.StatusFailed,
			Error: "no answer from the API within 30s; still failing after 6 attempts.", Attempts: 6, Unanswered: true, Origin: at(6)},
		row.Outcome{Row: 7, ExtCustomerID: 1004, ExtCustomerNumber: "=K-1004", Status: row.StatusSkipped, CustomerID: 11, CompanyID: 2, Origin: at(7)},
		row.Outcome{Row: 3, ExtCustomerID: 1005, ExtCustomerNumber: "K-1005", Status: row.StatusRejected, Error: "-bad", HTTPStatus: 400,
			Origin: row.Origin{File: "klanten.failed.csv", OrigRow: 8, Cells: `{"Naam":"=HYPERLINK(\"x\")"}`}},
	)
	if err := j.RecordOutput("klanten.results.csv", "cd34"); err != nil {
		t.Fatal(err)
	}
	mustClose(t, j)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(got), "\n") {
		for _, cell := range strings.Split(line, ",") {
			if c := strings.TrimPrefix(cell, `"`); c != "" && strings.ContainsAny(c[:1], "=+@\t\r") {
				t.Errorf("a ledger cell a spreadsheet would run: %q", cell)
			}
		}
	}
	golden := filepath.Join("testdata", "ledger_golden.csv")
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
		t.Errorf("ledger differs from %s:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
	s := readTestJournal(t, path)
	if e, ok := s.Orig(7); !ok || e.ExtCustomerID != 1004 || e.CustomerID != 11 {
		t.Errorf("Orig(7) = %+v, %v", e, ok)
	}
	if e, ok := s.Orig(8); !ok || e.Cells != `{"Naam":"=HYPERLINK(\"x\")"}` || e.Error != "-bad" || e.File != "klanten.failed.csv" {
		t.Errorf("the guard was not undone on reading: %+v", e)
	}
	if _, ok := s.CreatedFor(1004, "=K-1004"); !ok {
		t.Error("the guarded extCustomerNumber does not match once read back")
	}
	if sha, ok := s.Output("klanten.results.csv"); !ok || sha != "cd34" {
		t.Errorf("Output = %q, %v", sha, ok)
	}
	if in := s.Inputs(); len(in) != 1 || in[0].Name != "klanten.csv" || in[0].Delimiter != ";" || in[0].At.IsZero() {
		t.Errorf("Inputs = %+v", in)
	}
}

func TestJournalAppendKeepsOneHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.ledger.csv")
	for run := range 3 {
		j := openTestJournal(t, path)
		mustFinish(t, j, row.Outcome{Row: run + 2, ExtCustomerID: int64(run + 1), Status: row.StatusCreated, CustomerID: 9, CompanyID: 2, Origin: at(run + 2)})
		mustClose(t, j)
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "event,file,row,"); n != 1 {
		t.Fatalf("%d header lines after three runs:\n%s", n, data)
	}
	if n := strings.Count(string(data), "\n"); n != 4 {
		t.Fatalf("%d lines, want header + 3:\n%s", n, data)
	}
	if s := readTestJournal(t, path); s.MaxOrigRow() != 4 {
		t.Fatalf("read back up to row %d, want 4", s.MaxOrigRow())
	}
}

func TestJournalTornLastLine(t *testing.T) {
	for _, torn := range []string{
		"finished,klanten.csv,7,7,1007,K-1007,crea",
		`finished,klanten.csv,7,7,1007,"K-10`,
		"f",
	} {
		t.Run(torn, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.ledger.csv")
			j := openTestJournal(t, path)
			mustFinish(t, j, row.Outcome{Row: 6, ExtCustomerID: 1006, Status: row.StatusCreated, CustomerID: 60, CompanyID: 2, Origin: at(6)})
			mustClose(t, j)
			appendRaw(t, path, torn)

			s := readTestJournal(t, path)
			if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "cut off") {
				t.Errorf("notes %q, want one about the cut-off line", s.Notes)
			}
			if _, ok := s.Orig(7); ok {
				t.Error("the torn line was read")
			}
			if _, ok := s.CreatedFor(1006, ""); !ok {
				t.Error("the complete line before it was lost")
			}

			j = openTestJournal(t, path) // repairs the tail, then appends cleanly
			mustFinish(t, j, row.Outcome{Row: 8, ExtCustomerID: 1008, Status: row.StatusCreated, CustomerID: 80, CompanyID: 2, Origin: at(8)})
			mustClose(t, j)
			s = readTestJournal(t, path)
			if len(s.Notes) != 0 {
				t.Errorf("after append: notes %q", s.Notes)
			}
			if _, ok := s.CreatedFor(1008, ""); !ok {
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

// header is the ledger's first line, as a test writes it by hand.
var header = strings.Join(columns, ",") + "\n"

func TestJournalDamaged(t *testing.T) {
	tests := []struct {
		name, content, errHas string
	}{
		{"bad number", "finished,k.csv,x2,2,1,,created,5,2,,,,,,,,\n", "line 2"},
		{"unknown status", "finished,k.csv,2,2,1,,exploded,5,2,,,,,,,,\n", `"exploded"`},
		{"unknown event", "begun,k.csv,2,2,1,,,,,,,,,,,,\n", `"begun"`},
		{"short line", "finished,2,1\n", "line 2"},
		{"negative customerId", "finished,k.csv,2,2,1,,created,-5,2,,,,,,,,\n", "out of range"},
		{"input without details", "input,k.csv,,,,,,,,,,,,,2025-03-01T09:30:00Z,,nope\n", "details"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.ledger.csv")
			good := "finished,k.csv,3,3,9,,created,5,2,201,,,1,,2025-03-01T09:30:00Z,,\n"
			if err := os.WriteFile(path, []byte(header+tt.content+good), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			var ie *row.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), "--restart") {
				t.Fatalf("Read error %v, want an input error naming %s and the way out", err, tt.errHas)
			}
			if strings.Contains(err.Error(), "repair that line") || strings.Contains(err.Error(), "edit") {
				t.Errorf("the message invites editing the ledger by hand: %v", err)
			}
		})
	}
}

func TestJournalRefusesOtherFiles(t *testing.T) {
	for _, content := range []string{
		"Klant ID;Naam\n1001;Bakkerij\n",
		"event,row,ext_customer_id,ext_customer_number,status,customer_id,company_id,http_status,error_code,error,attempts,unanswered,at\n",
	} {
		path := filepath.Join(t.TempDir(), "x.ledger.csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "not an owr-import ledger") {
			t.Fatalf("Open error %v", err)
		}
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "not an owr-import ledger") {
			t.Fatalf("Read error %v", err)
		}
		if data, _ := os.ReadFile(path); string(data) != content {
			t.Fatalf("the file was changed: %q", data)
		}
	}
}

func TestReadMissingLedger(t *testing.T) {
	s, err := Read(filepath.Join(t.TempDir(), "none.ledger.csv"))
	if err != nil || s.MaxOrigRow() != 0 || s.MayExist(1) || len(s.Inputs()) != 0 {
		t.Fatalf("Read of a missing file = %+v, %v", s, err)
	}
	if _, ok := s.CreatedFor(1, ""); ok {
		t.Fatal("empty state knows a customer")
	}
}

func TestJournalConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.ledger.csv")
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
				o := row.Outcome{Row: n, ExtCustomerID: int64(n), Status: row.StatusCreated, CustomerID: int64(n), CompanyID: 2, Origin: at(n)}
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
	for _, n := range []int{2, 201, 7201} {
		if e, ok := s.CreatedFor(int64(n), ""); !ok || e.CustomerID != int64(n) || s.MayExist(int64(n)) {
			t.Errorf("row %d: %+v %v started=%v", n, e, ok, s.MayExist(int64(n)))
		}
		if e, ok := s.Orig(n); !ok || e.Status != row.StatusCreated {
			t.Errorf("Orig(%d) = %+v, %v", n, e, ok)
		}
	}
	if err := j.End(row.Outcome{Row: 1}, nil, nil); err == nil {
		t.Error("End after Close succeeded")
	}
}

func TestMoveAside(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir, "prod")
	if got, err := MoveAside(path); err != nil || got != "" {
		t.Fatalf("MoveAside of a missing ledger = %q, %v", got, err)
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
		if !strings.HasPrefix(filepath.Base(got), "owr-import.prod.ledger.") || !strings.HasSuffix(got, ".csv") {
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
		t.Errorf("the ledger is still there: %v", err)
	}
}

func FuzzReadLedger(f *testing.F) {
	f.Add(header + "started,,2,,1,K1,,,,,,,,,2025-03-01T09:30:00Z,,\n")
	f.Add(header + "finished,k.csv,2,2,1,K1,created,5,2,201,,,1,,2025-03-01T09:30:00Z,,\nfinished,k.csv,3")
	f.Add(header + "finished,k.csv,2,0,1,\"K\n1\",in_doubt,,,409,X,\"a,b\",2,yes,,v2.csv:3,{}\n")
	f.Add(header + "input,k.csv,,,,,,,,,,,,,2025-03-01T09:30:00Z,,\"{\"\"path\"\":\"\"/k.csv\"\"}\"\n")
	f.Add(header + "finished,k.csv,19999999,19999999,1,,invalid,,,,,,,,,,\n")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "f.ledger.csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Read(path)
		if err == nil && s == nil {
			t.Fatal("nil state without an error")
		}
	})
}

// TestFarRowIsCheap: one line with a huge row number (a damaged or hostile
// ledger) must not make the state allocate a slice that long.
func TestFarRowIsCheap(t *testing.T) {
	s := Empty()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, r := range []int{2, 3, 19_999_999, 2_000_000_000} {
		l := line{Event: eventFinished, File: "k.csv", Row: r, OrigRow: csvInt(r), ExtCustomerID: int64(r), Status: row.StatusInvalid}
		if err := s.apply(l); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 1<<20 {
		t.Errorf("the state grew by %d bytes for four rows", grown)
	}
	if e, ok := s.Orig(19_999_999); !ok || e.ExtCustomerID != 19_999_999 {
		t.Errorf("Orig(far) = %+v, %v", e, ok)
	}
}

func TestLedgerStateIsCompact(t *testing.T) {
	const rows = 100_000
	stampAt := journalTime.Format(time.RFC3339Nano)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := Empty()
	for i := range rows {
		n, ext := i+2, int64(100_000+i)
		if err := s.apply(line{Event: eventStarted, Row: n, ExtCustomerID: ext, At: stampAt}); err != nil {
			t.Fatal(err)
		}
		l := line{Event: eventFinished, File: "klanten.csv", Row: n, OrigRow: csvInt(n), ExtCustomerID: ext, Status: row.StatusCreated,
			CustomerID: csvInt(5_000_000 + i), CompanyID: 2, HTTPStatus: 200, Attempts: 1, At: stampAt}
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
	if perRow > 200 {
		t.Errorf("%.0f bytes per row; a 500,000-row ledger must stay within a few tens of MB", perRow)
	}
	if e, ok := s.CreatedFor(100_001, ""); !ok || e.CustomerID != 5_000_001 || e.CompanyID != 2 {
		t.Errorf("CreatedFor = %+v, %v", e, ok)
	}
	runtime.KeepAlive(s)
}
