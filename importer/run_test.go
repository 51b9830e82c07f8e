package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/internal/sandboxtest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"owr-import/sandbox"
)

// firstRun imports testCSV once into a fresh sandbox and returns what a test
// needs to run again: the sandbox, the folder and the options used.
func firstRun(t *testing.T) (*sandbox.Server, string, RunOptions) {
	t.Helper()
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", testCSV)
	opts := testRunOptions(t, in, testClient(t, srv, ""))
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	return srv, dir, opts
}

func testClient(t *testing.T, srv *sandbox.Server, apiKey string) *owrapi.Client {
	t.Helper()
	if apiKey == "" {
		apiKey = srv.APIKey
	}
	c, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: srv.URL, APIKey: apiKey, CustomerKey: srv.CustomerKey, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testRunOptions(t *testing.T, in string, c *owrapi.Client) RunOptions {
	return RunOptions{
		Input: Input{Path: in, Mapping: testMapping(t)}, Client: c,
		MaxInvalid: Threshold{Percent: 100, IsPercent: true}, APITag: "test",
		Submit: send.SubmitOptions{Workers: 4, Rate: 0, Burst: 1, Retries: 3, MaxOutage: time.Minute,
			Grace: time.Second, BackoffInitial: time.Millisecond, BackoffMax: 5 * time.Millisecond},
	}
}

// readCSVFile reads a result file back (BOM and all) as a user's spreadsheet would.
func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func column(t *testing.T, rows [][]string, name string) int {
	t.Helper()
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, rows[0])
	return -1
}

func TestRunStatusesAndResults(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	c := testClient(t, srv, "")
	// 1002 already exists on the server: a 409 conflict.
	if _, err := c.Create(context.Background(), []byte(`{"extCustomerId":1002,"extCustomerNumber":"K-2","name":"Er al","enterpriseNumber":"BE0417497106","address":{"city":"Gent"}}`)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", testCSV)
	sum, err := Run(context.Background(), testRunOptions(t, in, c))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := map[row.Status]int{row.StatusCreated: 1, row.StatusConflict: 1, row.StatusInvalid: 2, row.StatusDuplicate: 1}
	for st, n := range want {
		if sum.Counts[st] != n {
			t.Errorf("count %s = %d, want %d (all %v)", st, sum.Counts[st], n, sum.Counts)
		}
	}
	stored, err := srv.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byExt := map[int64]int64{}
	for _, s := range stored {
		byExt[s.ExtCustomerID] = s.CustomerID
	}
	res := readCSVFile(t, filepath.Join(dir, "klanten.results.csv"))
	st, id, cid := column(t, res, "owr_status"), column(t, res, "Klant ID"), column(t, res, "owr_customer_id")
	if column(t, res, "owr_row") != len(res[0])-len(runResultColumns) {
		t.Errorf("owr columns are not at the end: %v", res[0])
	}
	for _, h := range res[0][:len(res[0])-len(runResultColumns)] {
		if strings.HasPrefix(h, "owr_") {
			t.Errorf("input's own column %q copied into the results", h)
		}
	}
	if res[1][st] != "created" || res[1][cid] != fmt.Sprint(byExt[1001]) || res[1][id] != "1001" {
		t.Errorf("row 2 = %v; sandbox has customerId %d for 1001", res[1], byExt[1001])
	}
	if res[2][st] != "conflict" || !strings.Contains(strings.Join(res[2], " "), "409") {
		t.Errorf("row 3 = %v, want a conflict with its HTTP status", res[2])
	}
	failed := readCSVFile(t, filepath.Join(dir, "klanten.failed.csv"))
	if len(failed) != 1+4 {
		t.Errorf("failed-rows file has %d data rows, want 4: %v", len(failed)-1, failed)
	}
	if got := failed[1][column(t, failed, "Naam")]; got != "'=Formule BV" {
		t.Errorf("formula cell written as %q, want it neutralised", got)
	}
}

func TestRunResumeSkipsCreatedRows(t *testing.T) {
	srv, dir, opts := firstRun(t)
	before := len(srv.Requests())
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sent := len(srv.Requests()) - before; sent != 0 {
		t.Errorf("second run sent %d requests, want 0", sent)
	}
	if sum.Counts[row.StatusSkipped] != 2 || sum.Counts[row.StatusCreated] != 0 {
		t.Errorf("second run counts %v, want 2 skipped", sum.Counts)
	}
	res := readCSVFile(t, filepath.Join(dir, "klanten.results.csv"))
	if res[1][column(t, res, "owr_customer_id")] == "" {
		t.Errorf("skipped row lost its customerId: %v", res[1])
	}

	opts.Restart = true
	sum, err = Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// Both rows are sent again and refused: the new ledger knows nothing,
	// and the owr_status column of the input is never trusted.
	if sum.Counts[row.StatusConflict] != 2 {
		t.Errorf("--restart counts %v, want the 2 rows sent again and refused", sum.Counts)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, "owr-import.test.ledger.*.csv"))
	if len(aside) != 1 {
		t.Errorf("--restart kept %d old ledgers, want 1", len(aside))
	}
}

func TestRunUnauthorizedSendsOneRequest(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente\n")
	for i := range 100 {
		fmt.Fprintf(&b, "%d;K-%d;Klant %d;BE0417497106;Markt %d;9000;Gent\n", 5000+i, i, i, i+1)
	}
	in := writeFile(t, dir, "klanten.csv", b.String())
	opts := testRunOptions(t, in, testClient(t, srv, "wrong-key"))
	sum, err := Run(context.Background(), opts)
	var abort *send.AbortError
	if !errors.As(err, &abort) {
		t.Fatalf("Run error = %v, want an AbortError", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("the sandbox saw %d requests, want 1", n)
	}
	if sum == nil || sum.Counts[row.StatusNotAttempted] < 99 || sum.Aborted == "" {
		t.Fatalf("summary %+v", sum)
	}
	if strings.Contains(sum.Aborted, "wrong-key") || strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("the key leaked into the message: %v", err)
	}
	failed := readCSVFile(t, filepath.Join(dir, "klanten.failed.csv"))
	notTried := 0
	for _, r := range failed[1:] {
		if r[column(t, failed, "owr_status")] == "not_attempted" {
			notTried++
			if e := r[column(t, failed, "owr_error")]; !strings.Contains(e, "not tried") || !strings.Contains(e, "HTTP 401") || !strings.Contains(e, "nothing is wrong") {
				t.Errorf("a row the run never tried reads as a problem: %q", e)
			}
		}
	}
	if notTried < 99 {
		t.Errorf("%d not_attempted rows in the failed-rows file", notTried)
	}
	// The stop is said first and last; the data problems come between.
	var out strings.Builder
	sum.WriteText(&out)
	text := strings.TrimSpace(out.String())
	lines := strings.Split(text, "\n")
	if !strings.HasPrefix(lines[0], "STOPPED: the API refused the keys") || !strings.Contains(lines[1], "1 request(s) sent, 0 row(s) created") {
		t.Errorf("the summary does not start with the stop:\n%s", text)
	}
	if !strings.Contains(strings.Join(lines[len(lines)-6:], "\n"), "Stopped early: the API refused the keys") {
		t.Errorf("the summary does not end with the stop:\n%s", text)
	}
}

func TestRunMaxInvalidSendsNothing(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	// The same rows without the owr_status column: a client's export, not a
	// failed-rows file fed back (for which the guard is off).
	var export strings.Builder
	for _, line := range strings.SplitAfter(testCSV, "\r\n") {
		if i := strings.LastIndexByte(line, ';'); i >= 0 {
			line = line[:i] + "\r\n"
		}
		export.WriteString(line)
	}
	in := writeFile(t, dir, "klanten.csv", export.String())
	opts := testRunOptions(t, in, testClient(t, srv, ""))
	opts.MaxInvalid = Threshold{Percent: 20, IsPercent: true}
	_, err := Run(context.Background(), opts)
	if !errors.Is(err, errTooManyInvalid) {
		t.Fatalf("Run error = %v, want errTooManyInvalid", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests, want none", n)
	}
}

func TestRunFailedFileFedBack(t *testing.T) {
	_, dir, opts := firstRun(t)
	// The consultant fills in the missing city of row 4 and reruns the failed rows.
	failedPath := filepath.Join(dir, "klanten.failed.csv")
	data, err := os.ReadFile(failedPath)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(data), "Dorp 2;2000;;", "Dorp 2;2000;Lier;", 1)
	if fixed == string(data) {
		t.Fatalf("row to fix not found in:\n%s", data)
	}
	if err := os.WriteFile(failedPath, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Path = failedPath
	// One of its four rows is still invalid: --max-invalid 20% must not stop a
	// failed-rows file, which holds mostly invalid rows by nature.
	opts.MaxInvalid = Threshold{Percent: 20, IsPercent: true}
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusCreated] != 1 {
		t.Errorf("rerun of the failed rows: %v, want the fixed row created", sum.Counts)
	}
	// One complete result: the original export's results file shows row 4
	// created now, and no file of the failed file's own is written.
	res := readCSVFile(t, filepath.Join(dir, "klanten.results.csv"))
	if n := strings.Count(strings.Join(res[0], ";"), "owr_status"); n != 1 {
		t.Errorf("results have %d owr_status columns: %v", n, res[0])
	}
	if got := res[3][column(t, res, "owr_status")]; got != "created" || res[3][column(t, res, "owr_row")] != "4" || res[3][column(t, res, "owr_file")] != "klanten.failed.csv" {
		t.Errorf("original row 4 in the complete result: %v", res[3])
	}
	for _, name := range []string{"klanten.failed.results.csv", "klanten.failed.failed.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written: the migration has one complete result", name)
		}
	}
	left := readCSVFile(t, failedPath)
	// Rows 5 (a duplicate of row 2 in the export, refused on its own now)
	// and 6 (still invalid) stay open, with their original row numbers.
	if len(left) != 1+2 || left[1][column(t, left, "owr_row")] != "5" || left[2][column(t, left, "owr_row")] != "6" {
		t.Errorf("the failed-rows file should hold the 2 rows still open with their original row numbers: %v", left)
	}
}

func TestRunDryRunSendsNothing(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", testCSV)
	opts := testRunOptions(t, in, nil)
	opts.DryRun, opts.ShowEach, opts.Show = true, 1, map[int]bool{4: true}
	var out strings.Builder
	opts.Stdout = &out
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"row 2 would be sent as:", `"extCustomerId": 1001`, `"streetNumber": "12 bus 3"`, // the first valid row
		"row 4 is invalid and would not be sent: Gemeente", // named with --show
		"row 5 is duplicate", // the first duplicate
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "row 3 would be sent") {
		t.Errorf("dry run showed more valid rows than --show-each 1:\n%s", out.String())
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("dry run sent %d requests", n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dry run wrote files: %v", entries)
	}
}

var _ = io.EOF

// Another client's export with the same file name and the same ids, written
// to the same output folder, must not be taken as already imported.
func TestRunOtherClientSameIDsIsNotSkipped(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	out := t.TempDir()
	clientA := writeFile(t, t.TempDir(), "export.csv", "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente\n1;A-1;Alfa;BE0417497106;Markt 1;9000;Gent\n")
	clientB := writeFile(t, t.TempDir(), "export.csv", "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente\n1;B-1;Beta;BE0417497106;Markt 2;9000;Gent\n")
	opts := testRunOptions(t, clientA, testClient(t, srv, ""))
	opts.OutDir = out
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Requests())
	opts.Path = clientB
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusSkipped] != 0 || len(srv.Requests()) == before {
		t.Errorf("client B's row was skipped as if imported: %v", sum.Counts)
	}
}

func TestRunResultsFileFedBackKeepsCreatedRows(t *testing.T) {
	srv, dir, opts := firstRun(t)
	before := len(srv.Requests())
	opts.Path = filepath.Join(dir, "klanten.results.csv")
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusSkipped] != 2 || sum.Counts[row.StatusCreated] != 0 {
		t.Errorf("results file fed back: %v, want the 2 created rows skipped", sum.Counts)
	}
	if sent := len(srv.Requests()) - before; sent != 0 {
		t.Errorf("sent %d requests for rows the ledger shows as created", sent)
	}
	res := readCSVFile(t, filepath.Join(dir, "klanten.results.csv"))
	if res[1][column(t, res, "owr_customer_id")] == "" {
		t.Errorf("the customerId was not carried over: %v", res[1])
	}
}

// TestRunFedBackStatusIsNotTrusted: an owr_status typed into a fed-back
// file says nothing; the ledger decides (here it knows nothing).
func TestRunFedBackStatusIsNotTrusted(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	c := testClient(t, srv, "")
	// The earlier run's unanswered attempt did create it.
	if _, err := c.Create(context.Background(), []byte(`{"extCustomerId":1001,"extCustomerNumber":"K-1","name":"Bakkerij","enterpriseNumber":"BE0417497106","address":{"city":"Gent"}}`)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.failed.csv", "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente;owr_row;owr_status;owr_error\n"+
		"1001;K-1;Bakkerij;BE0417497106;Markt 1;9000;Gent;2;in_doubt;no answer\n")
	sum, err := Run(context.Background(), testRunOptions(t, in, c))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusConflict] != 1 {
		t.Errorf("a row fed back as in_doubt, unknown to the ledger, answered 409: %v, want conflict", sum.Counts)
	}
}

// TestRunWrongIDColumnSendsNothing: a postcode mapped to extCustomerId
// repeats in most rows; the run stops before sending, whatever
// --max-invalid allows.
func TestRunWrongIDColumnSendsNothing(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	var b strings.Builder
	b.WriteString("Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente\n")
	for i := range 40 {
		postcode := []int{9000, 1000, 2000, 3000, 8000}[i%5]
		fmt.Fprintf(&b, "%d;K-%d;Klant %d;BE0417497106;Markt %d;9000;Gent\n", postcode, i, i, i+1)
	}
	in := writeFile(t, t.TempDir(), "klanten.csv", b.String())
	opts := testRunOptions(t, in, testClient(t, srv, ""))
	opts.MaxInvalid = Threshold{Percent: 100, IsPercent: true}
	_, err := Run(context.Background(), opts)
	var ie *row.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "extCustomerId repeats an earlier row's value in 35 of 40 rows") {
		t.Fatalf("Run: %v, want the wrong-mapping stop", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}

func TestParseRows(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		bad  bool
	}{
		{in: "5", want: []int{5}},
		{in: " 5, 12 ,40-42", want: []int{5, 12, 40, 41, 42}},
		{in: "3-3", want: []int{3}},
		{in: "0", bad: true}, {in: "5-2", bad: true}, {in: "x", bad: true}, {in: "1-1000000", bad: true}, {in: "-3", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseRows(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("ParseRows(%q) error %v", tt.in, err)
			continue
		}
		if tt.bad {
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseRows(%q) = %v, want %v", tt.in, got, tt.want)
		}
		for _, r := range tt.want {
			if !got[r] {
				t.Errorf("ParseRows(%q) lacks %d", tt.in, r)
			}
		}
	}
}
