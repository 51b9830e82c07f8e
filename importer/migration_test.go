package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/internal/sandboxtest"
	"owr-import/sandbox"
)

const exportHeader = "Klant ID;Klantnummer;Naam;BTW;Adres;Postcode;Gemeente\n"

// exportRows writes n rows with ids from first, the same shape as testCSV.
func exportRows(first, n int, city func(i int) string) string {
	var b strings.Builder
	b.WriteString(exportHeader)
	for i := range n {
		fmt.Fprintf(&b, "%d;K-%d;Klant %d;BE0417497106;Markt %d;9000;%s\n", first+i, first+i, first+i, i+1, city(i))
	}
	return b.String()
}

// requestsFor counts the create requests the sandbox saw per extCustomerId.
func requestsFor(srv *sandbox.Server) map[int64]int {
	n := map[int64]int{}
	for _, r := range srv.Requests() {
		if r.ExtCustomerID != 0 {
			n[r.ExtCustomerID]++
		}
	}
	return n
}

// storedIDs are the sandbox's customerIds by extCustomerId; a customer
// stored twice fails the test.
func storedIDs(t *testing.T, srv *sandbox.Server) map[int64]int64 {
	t.Helper()
	stored, err := srv.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]int64{}
	for _, c := range stored {
		if _, twice := ids[c.ExtCustomerID]; twice {
			t.Errorf("extCustomerId %d is stored twice", c.ExtCustomerID)
		}
		ids[c.ExtCustomerID] = c.CustomerID
	}
	return ids
}

// TestWholeMigration plays a migration as a consultant does it over days:
// the client's export with planted problems; its failed-rows file fixed and
// fed back; a corrected export from the client under another name with
// rows changed and two rows added; then status. The complete result lists
// every original row with the customerId the sandbox stored, each customer
// is stored once, and no request goes out for a row already created.
func TestWholeMigration(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	// Rows 4 and 6 (ids 2002, 2004) have no city; row 8 has a bad VAT number.
	export := exportRows(2000, 10, func(i int) string {
		if i == 2 || i == 4 {
			return ""
		}
		return "Gent"
	})
	export = strings.Replace(export, "2006;K-2006;Klant 2006;BE0417497106", "2006;K-2006;Klant 2006;BE0417497107", 1)
	in := writeFile(t, dir, "export.csv", export)
	opts := testRunOptions(t, in, testClient(t, srv, ""))
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusCreated] != 7 || sum.Counts[row.StatusInvalid] != 3 {
		t.Fatalf("first run: %v", sum.Counts)
	}

	// Day 2: the consultant fixes one of the three rows in the failed-rows
	// file (a city) and feeds it back.
	failedPath := filepath.Join(dir, "export.failed.csv")
	data, err := os.ReadFile(failedPath)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(data), "Markt 3;9000;;", "Markt 3;9000;Lier;", 1)
	if fixed == string(data) {
		t.Fatalf("row to fix not found in:\n%s", data)
	}
	writeFile(t, dir, "export.failed.csv", fixed)
	before := requestsFor(srv)
	opts.Path = failedPath
	if sum, err = Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusCreated] != 1 || sum.Counts[row.StatusInvalid] != 2 {
		t.Errorf("failed rows fed back: %v, want 1 created, 2 still invalid", sum.Counts)
	}
	assertNoResend(t, before, requestsFor(srv), 2002)

	// Day 3: the client sends a corrected export under another name: the
	// VAT number of 2006 and the city of 2004 fixed, a name changed, two
	// customers added.
	corrected := strings.Replace(export, "BE0417497107", "BE0417497106", 1)
	corrected = strings.Replace(corrected, "Markt 5;9000;\n", "Markt 5;9000;Aalst\n", 1)
	corrected = strings.Replace(corrected, "Klant 2000;", "Klant 2000 BV;", 1)
	corrected += "2100;K-2100;Nieuw Een;BE0417497106;Markt 99;9000;Gent\n2101;K-2101;Nieuw Twee;BE0417497106;Markt 98;9000;Gent\n"
	before = requestsFor(srv)
	opts.Path = writeFile(t, dir, "export_v2.csv", corrected)
	if sum, err = Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	// 2002 has no city in the client's file either: invalid there, but its
	// customer exists since day 2, and stays so in the complete result.
	if sum.Counts[row.StatusCreated] != 4 || sum.Counts[row.StatusSkipped] != 7 || sum.Counts[row.StatusInvalid] != 1 || sum.Counts[row.StatusConflict] != 0 {
		t.Errorf("corrected export: %v, want 4 created (2004, 2006, 2100, 2101), 7 skipped, 2002 invalid, no conflict", sum.Counts)
	}
	after := requestsFor(srv)
	assertNoResend(t, before, after, 2004, 2006, 2100, 2101)

	// Day 4: status refreshes the client's file.
	st, err := Status(context.Background(), StatusOptions{Dir: dir, APITag: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 12 || st.Counts[row.StatusCreated]+st.Counts[row.StatusSkipped] != 12 {
		t.Errorf("status: %d rows, %v; want all 12 created", st.Rows, st.Counts)
	}
	stored := storedIDs(t, srv)
	res := readCSVFile(t, filepath.Join(dir, "export.results.csv"))
	idCol, rowCol, stCol, cidCol, fileCol := column(t, res, "Klant ID"), column(t, res, "owr_row"), column(t, res, "owr_status"), column(t, res, "owr_customer_id"), column(t, res, "owr_file")
	if len(res) != 1+12 {
		t.Fatalf("the complete result has %d rows, want 10 original + 2 added", len(res)-1)
	}
	for i, r := range res[1:] {
		var ext int64
		fmt.Sscan(r[idCol], &ext)
		if i < 10 && r[rowCol] != fmt.Sprint(i+2) {
			t.Errorf("result row %d says owr_row %q, want the original row %d", i+1, r[rowCol], i+2)
		}
		if r[stCol] != "created" && r[stCol] != "skipped" || r[cidCol] != fmt.Sprint(stored[ext]) {
			t.Errorf("id %d: %s, customerId %s; the sandbox stored %d", ext, r[stCol], r[cidCol], stored[ext])
		}
		if i >= 10 && r[fileCol] != "export_v2.csv" {
			t.Errorf("added row %v does not name the file it came from", r)
		}
	}
	if len(stored) != 12 {
		t.Errorf("the sandbox holds %d customers, want 12", len(stored))
	}
	if left := readCSVFile(t, failedPath); len(left) != 1 {
		t.Errorf("the failed-rows file still holds %d rows: %v", len(left)-1, left)
	}
}

// assertNoResend fails when a run sent a request for an id other than want
// (rows already created are never sent again).
func assertNoResend(t *testing.T, before, after map[int64]int, want ...int64) {
	t.Helper()
	allowed := map[int64]bool{}
	for _, id := range want {
		allowed[id] = true
	}
	for id, n := range after {
		if n > before[id] && !allowed[id] {
			t.Errorf("extCustomerId %d was sent again (%d requests before, %d after)", id, before[id], n)
		}
	}
}

// TestRunNeverReplacesAPersonsFile: running the original export again must
// not replace a failed-rows file the consultant fixed but did not feed back
// yet, nor a results file the client returned into the folder.
func TestRunNeverReplacesAPersonsFile(t *testing.T) {
	_, dir, opts := firstRun(t)
	failedPath := filepath.Join(dir, "klanten.failed.csv")
	resultsPath := filepath.Join(dir, "klanten.results.csv")
	fixedByHand := strings.Replace(string(mustRead(t, failedPath)), "Dorp 2;2000;;", "Dorp 2;2000;Lier;", 1)
	writeFile(t, dir, "klanten.failed.csv", fixedByHand)
	returned := string(mustRead(t, resultsPath)) + "a note from the client\r\n"
	writeFile(t, dir, "klanten.results.csv", returned)

	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, failedPath)); got != fixedByHand {
		t.Error("the fixed failed-rows file was replaced")
	}
	if got := string(mustRead(t, resultsPath)); got != returned {
		t.Error("the results file the client returned was replaced")
	}
	for _, name := range []string{"klanten.failed.2.csv", "klanten.results.2.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the new file %s was not written: %v", name, err)
		}
	}
	if notes := strings.Join(sum.Notes, "\n"); !strings.Contains(notes, "klanten.failed.2.csv") || !strings.Contains(notes, "changed") {
		t.Errorf("the summary does not say where the new file went and why:\n%s", notes)
	}
	// Feeding the fixed file back may replace it: what it held is in the
	// ledger now, and the failed-rows file keeps its name.
	opts.Path = failedPath
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, failedPath)); got == fixedByHand {
		t.Error("the failed-rows file fed back was not refreshed")
	}
}

// TestRunSummaryJSONGuarded: --summary-json never lands on a file the run
// reads or that owr-import did not write; nothing is sent then.
func TestRunSummaryJSONGuarded(t *testing.T) {
	srv, dir, opts := firstRun(t)
	before := len(srv.Requests())
	notOurs := writeFile(t, dir, "notes.json", `{"mine": true}`)
	for _, path := range []string{opts.Path, notOurs, ledger.Path(dir, "test"), filepath.Join(dir, "klanten.results.csv"),
		filepath.Join(dir, "klanten.report.html")} {
		opts.SummaryJSON = path
		_, err := Run(context.Background(), opts)
		var ie *row.InputError
		if !errors.As(err, &ie) {
			t.Errorf("--summary-json %s: %v, want an input error", filepath.Base(path), err)
		}
	}
	if len(srv.Requests()) != before {
		t.Error("a run refused for its --summary-json sent requests")
	}
	if string(mustRead(t, notOurs)) != `{"mine": true}` {
		t.Error("a file owr-import did not write was replaced")
	}
	opts.SummaryJSON = filepath.Join(dir, "summary.json")
	for range 2 { // the second run replaces the summary the first wrote
		if _, err := Run(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunTwoSpellingsOfOneAPI: 127.0.0.1 and localhost are one API, so one
// ledger: the second run skips what the first created and sends nothing.
func TestRunTwoSpellingsOfOneAPI(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	in := writeFile(t, dir, "export.csv", exportRows(3000, 5, func(int) string { return "Gent" }))
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	var sums []*Summary
	for _, base := range []string{"http://127.0.0.1" + port, "http://localhost" + port + "/"} {
		tag, err := APITag("", base, false)
		if err != nil {
			t.Fatal(err)
		}
		opts := testRunOptions(t, in, testClient(t, srv, ""))
		opts.APITag = tag
		sum, err := Run(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	if sums[1].Counts[row.StatusSkipped] != 5 || sums[1].Counts[row.StatusConflict] != 0 {
		t.Errorf("second spelling: %v, want all 5 skipped", sums[1].Counts)
	}
	if n := len(srv.Requests()); n != 5 {
		t.Errorf("the sandbox saw %d requests, want 5", n)
	}
}

// TestRunOneAtATime: a second run of the same migration while one runs is
// refused at once, whatever its input is called.
func TestRunOneAtATime(t *testing.T) {
	dir := t.TempDir()
	m, err := openMigration(dir, "test", false, false)
	if err != nil {
		t.Fatal(err)
	}
	defer m.release()
	srv := sandboxtest.Start(t, sandbox.Faults{})
	in := writeFile(t, dir, "other-name.csv", exportRows(3100, 2, func(int) string { return "Gent" }))
	_, err = Run(context.Background(), testRunOptions(t, in, testClient(t, srv, "")))
	if err == nil || !strings.Contains(err.Error(), "another owr-import run") {
		t.Fatalf("a second run of the migration: %v", err)
	}
	if len(srv.Requests()) != 0 {
		t.Error("the refused run sent requests")
	}
}

// TestRunOtherClientThen401: another client's export with the same name and
// ids in the same folder, then a 401 on the first request: rows never sent
// are never shown created with the other client's customerIds.
func TestRunOtherClientThen401(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	out := t.TempDir()
	clientA := writeFile(t, t.TempDir(), "export.csv", exportRows(4000, 3, func(int) string { return "Gent" }))
	b := strings.ReplaceAll(exportRows(4000, 3, func(int) string { return "Brugge" }), ";K-", ";B-")
	clientB := writeFile(t, t.TempDir(), "export.csv", b)
	opts := testRunOptions(t, clientA, testClient(t, srv, ""))
	opts.OutDir = out
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	opts.Path, opts.Client = clientB, testClient(t, srv, "wrong-key-9")
	sum, err := Run(context.Background(), opts)
	var abort *send.AbortError
	if !errors.As(err, &abort) {
		t.Fatalf("Run: %v, want the 401 abort", err)
	}
	if sum.Counts[row.StatusNotAttempted] != 2 || sum.Counts[row.StatusCreated]+sum.Counts[row.StatusSkipped] != 0 {
		t.Errorf("client B's rows: %v, want none created or skipped", sum.Counts)
	}
	res := readCSVFile(t, filepath.Join(out, "export.results.csv"))
	for _, r := range res[1:] {
		if strings.Contains(strings.Join(r, ";"), "B-") && r[column(t, res, "owr_customer_id")] != "" {
			t.Errorf("a row of client B shows a customerId: %v", r)
		}
	}
}

// TestRunFilledDownRowIsSent: a results file fed back with a new row filled
// down in Excel from a created row (new id and name, but the copied
// owr_status and owr_customer_id) is sent, not skipped with the other id.
func TestRunFilledDownRowIsSent(t *testing.T) {
	srv, dir, opts := firstRun(t)
	resultsPath := filepath.Join(dir, "klanten.results.csv")
	res := readCSVFile(t, resultsPath)
	copied := append([]string(nil), res[1]...)
	copied[column(t, res, "Klant ID")], copied[column(t, res, "Klantnummer")], copied[column(t, res, "Naam")] = "1777", "K-777", "Nieuwe Klant"
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = ';'
	if err := w.WriteAll(append(res, copied)); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, dir, "terug van de klant.csv", b.String())
	opts.Path = in
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[row.StatusCreated] != 1 || requestsFor(srv)[1777] != 1 {
		t.Errorf("the filled-down row: %v, %d requests; want it sent and created", sum.Counts, requestsFor(srv)[1777])
	}
	stored := storedIDs(t, srv)
	out := readCSVFile(t, filepath.Join(dir, "klanten.results.csv"))
	last := out[len(out)-1]
	if last[column(t, out, "Klant ID")] != "1777" || last[column(t, out, "owr_customer_id")] != fmt.Sprint(stored[1777]) {
		t.Errorf("the new row in the complete result: %v (the sandbox stored %d)", last, stored[1777])
	}
}

// TestRunInDoubtSettledOnce: a row that ended in_doubt is not sent again by
// the next run; --resend-in-doubt sends it.
func TestRunInDoubtSettledOnce(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	c := testClient(t, srv, "")
	dir := t.TempDir()
	in := writeFile(t, dir, "export.csv", exportRows(5000, 2, func(int) string { return "Gent" }))
	// An earlier run sent 5000 without an answer (the ledger's started
	// line), and it did reach the server.
	j, err := ledger.Open(ledger.Path(dir, "test"))
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Begin(2, 5000, "K-5000", nil); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(context.Background(), []byte(`{"extCustomerId":5000,"extCustomerNumber":"K-5000","name":"x","enterpriseNumber":"BE0417497106","address":{"city":"Gent"}}`)); err != nil {
		t.Fatal(err)
	}
	opts := testRunOptions(t, in, c)
	runs := []struct {
		resend bool
		sent   int
		status row.Status
	}{
		{sent: 1, status: row.StatusInDoubt},               // sent once more: the 409 says in_doubt
		{sent: 0, status: row.StatusInDoubt},               // settled: not sent again
		{sent: 0, status: row.StatusInDoubt},               // nor the time after
		{resend: true, sent: 1, status: row.StatusInDoubt}, // forced
	}
	for i, r := range runs {
		before := requestsFor(srv)[5000]
		opts.ResendInDoubt = r.resend
		sum, err := Run(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if sent := requestsFor(srv)[5000] - before; sent != r.sent || sum.Counts[r.status] != 1 {
			t.Errorf("run %d: %d requests for 5000, counts %v; want %d and one %s", i+1, sent, sum.Counts, r.sent, r.status)
		}
	}
}

// TestSandboxRunSaysItForgets: the built-in sandbox never promises a resume.
func TestSandboxRunSaysItForgets(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	dir := t.TempDir()
	in := writeFile(t, dir, "export.csv", exportRows(6000, 3, func(int) string { return "Gent" }))
	opts := testRunOptions(t, in, testClient(t, srv, "wrong-key-7"))
	opts.FreshLedger = true
	sum, err := Run(context.Background(), opts)
	if err == nil || sum == nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(sum.Aborted, "forgot everything") || !strings.Contains(sum.Aborted, "--db FILE") {
		t.Errorf("the abort advice promises a resume: %s", sum.Aborted)
	}
	if !strings.Contains(strings.Join(sum.Notes, " "), "forgets everything") {
		t.Errorf("no note that the built-in sandbox forgets: %v", sum.Notes)
	}
}

// TestStatusWithoutMigration: status in a folder with no ledger says so.
func TestStatusWithoutMigration(t *testing.T) {
	empty := t.TempDir()
	for _, dir := range []string{empty, filepath.Join(empty, "no such folder")} {
		_, err := Status(context.Background(), StatusOptions{Dir: dir, APITag: "prod"})
		var ie *row.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "no migration") {
			t.Fatalf("status of %s: %v", dir, err)
		}
	}
	if left, _ := os.ReadDir(empty); len(left) != 0 {
		t.Errorf("status left files in a folder without a migration: %v", left)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRunRemovesStaleTemporaryFiles: a run killed while writing leaves a
// hidden temporary file with client data; the next run of the migration
// removes it.
func TestRunRemovesStaleTemporaryFiles(t *testing.T) {
	_, dir, opts := firstRun(t)
	stale := writeFile(t, dir, ".klanten.results.csv.123456.tmp", "half a file of client data")
	other := writeFile(t, dir, ".someone-else.csv.1.tmp", "not ours")
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is not the migration's was removed: %v", err)
	}
}
