package pagereport

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

const ledgerHeader = "event,file,row,orig_row,ext_customer_id,ext_customer_number,status,customer_id,company_id,http_status,error_code,error,attempts,unanswered,at,first_seen,detail\n"

// buildLedger is a migration of two files: an earlier session an hour
// before the latest one, problems of two kinds, an in_doubt row, and the
// page's own earlier output line.
var buildLedger = ledgerHeader +
	`input,k.csv,0,,0,,,,,,,,,,2026-03-02T13:00:00Z,,"{""path"":""/d/k.csv"",""sha256"":""aa11""}"` + "\n" +
	"started,,2,,1,K1,,,,,,,,,2026-03-02T13:00:00Z,,\n" +
	"finished,k.csv,2,2,1,K1,failed,,,503,,the API was unavailable,3,,2026-03-02T13:00:01Z,,\n" +
	"started,,2,,1,K1,,,,,,,,,2026-03-02T14:00:00Z,,\n" +
	"finished,k.csv,2,2,1,K1,created,7,2,201,,,2,,2026-03-02T14:00:00.5Z,,\n" +
	`finished,k.csv,3,3,2,K2,invalid,,,,,"Naam (C3): ""x"" is too short.",,,2026-03-02T14:00:01Z,,` + "\n" +
	`finished,k.csv,4,4,3,K3,invalid,,,,,"Naam (C4): ""y"" is too short.",,,2026-03-02T14:00:01Z,,` + "\n" +
	"finished,k.csv,5,5,4,K4,in_doubt,,,409,EXISTS,exists after an unanswered attempt,2,yes,2026-03-02T14:00:03Z,,\n" +
	"finished,k_v2.csv,9,,77,K77,rejected,,,400,BAD,name too long,1,,2026-03-02T14:00:03Z,k_v2.csv:9,\n" +
	"output,k.results.csv,0,,0,,,,,,,,,,2026-03-02T14:00:04Z,,bb22\n" +
	"output,k.report.html,0,,0,,,,,,,,,,2026-03-02T14:00:04Z,,cc33\n"

func TestBuildFromALedger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owr-import.test.ledger.csv")
	if err := os.WriteFile(path, []byte(buildLedger), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := ledger.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(path, st, Meta{Title: "k.csv", Self: "k.report.html", Rows: 5,
		Counts: map[row.Status]int{row.StatusCreated: 1, row.StatusInvalid: 2, row.StatusInDoubt: 1, row.StatusRejected: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Counts) != 4 || d.Counts[0] != (Count{row.StatusCreated, 1}) {
		t.Errorf("counts = %+v, want created first and no zero counts", d.Counts)
	}
	if len(d.Problems) != 3 || d.Problems[0].Count != 2 || d.Problems[0].Pattern != `Naam: "…" is too short.` {
		t.Errorf("problems = %+v", d.Problems)
	}
	if len(d.InDoubt) != 1 || d.InDoubt[0].Where != "row 5" || d.InDoubt[0].ExtCustomerID != 4 {
		t.Errorf("in_doubt = %+v", d.InDoubt)
	}
	var extra bool
	for _, g := range d.Problems {
		extra = extra || len(g.Examples) > 0 && g.Examples[0].Where == "row 9 of k_v2.csv"
	}
	if !extra {
		t.Errorf("the row only in a later file is not among the problems: %+v", d.Problems)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].SHA256 != "aa11" || len(d.Outputs) != 1 || d.Outputs[0].Name != "k.results.csv" {
		t.Errorf("files = %+v / %+v, want the page's own line left out", d.Inputs, d.Outputs)
	}
	tl := d.Timeline
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	if tl.Sessions != 2 || !tl.Start.Equal(start) || tl.Requests != 5 || tl.Errors != 4 || len(tl.Buckets) != 4 {
		t.Errorf("timeline = %+v", tl)
	}
}

// TestBuildCountsTheLedgerWhenTheResultsWereNotRefreshed: without counts
// from the results file, the rows the ledger knows are counted.
func TestBuildCountsTheLedgerWhenTheResultsWereNotRefreshed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owr-import.test.ledger.csv")
	if err := os.WriteFile(path, []byte(buildLedger), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := ledger.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(path, st, Meta{Title: "k.csv"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Count{{row.StatusCreated, 1}, {row.StatusInvalid, 2}, {row.StatusRejected, 1}, {row.StatusInDoubt, 1}}
	if d.Rows != 5 || !slices.Equal(d.Counts, want) {
		t.Errorf("rows %d, counts %+v; want 5, %+v", d.Rows, d.Counts, want)
	}
}
