package studio

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserMigration plays a whole migration in the page, in Chromium:
// open the export, fix the mapping by choosing a column, filter the grid
// to a problem, send to the built-in sandbox, stop, resume, follow to the
// end; then checks the files on disk and the sandbox's customers.
func TestBrowserMigration(t *testing.T) {
	ctx := newBrowser(t)
	want := validRows(t)
	srv, _ := startStudio(t, "customers.xlsx")
	// A mapping whose VAT number reads the phone column: most rows are
	// invalid until the consultant chooses the right column.
	orig, _ := os.ReadFile(filepath.Join("..", "samples", "mapping.yaml"))
	wrong := strings.Replace(string(orig), "enterpriseNumber: { column: BTW-nummer", "enterpriseNumber: { column: Telefoon", 1)
	if wrong == string(orig) {
		t.Fatal("the sample mapping changed: update this test")
	}
	os.WriteFile(filepath.Join(srv.Dir(), mappingFile), []byte(wrong), 0o644)
	p := &page{t: t, ctx: ctx}
	defer p.keepFailure()

	p.do("loading the page", navigate(srv.URL()))
	p.wait("the page is ready", `document.body.dataset.ready === "1"`)
	p.do("opening the export", click(`button.open-file[data-name="customers.xlsx"]`))
	p.wait("the export is read", `!!document.getElementById("to-map")`)
	p.screenshot("open")
	p.checkLabels("open")

	p.do("going to the mapping", click("#to-map"))
	p.wait("the wrong mapping shows many invalid rows", `studio.S.check.ok && studio.S.check.counts.invalid > 20`)
	p.choose("col-enterpriseNumber-0", "BTW-nummer")
	p.wait("the fix is checked", fmt.Sprintf(`studio.S.check.counts.valid === %d`, want))
	p.screenshot("map")
	p.do("opening every box of the mapping", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](`document.querySelectorAll("#map-table details").forEach((d) => d.open = true), 1`)(ctx, t)
		return chromedp.Void{}, err
	})
	p.checkLabels("map")

	p.do("going to the check", click("#to-check"))
	group := eval[map[string]any](p, `studio.S.check.groups[0]`)
	p.do("filtering to a problem", click(`#groups button.group`))
	p.wait("the grid shows that problem's rows only", fmt.Sprintf(
		`document.querySelectorAll("#grid tbody tr").length === %v && document.getElementById("f-group").textContent !== ""`, group["count"]))
	p.screenshot("check")
	p.checkLabels("check")

	p.do("going to send", click("#nav-send"), setValue("#rate", "5"), setValue("#workers", "1"), click("#send"))
	p.wait("a few rows are sent", `+(document.body.dataset.sendDone || 0) >= 3`)
	p.do("stopping", click("#stop"))
	p.wait("the send stopped", `document.body.dataset.sendState === "stopped"`)
	done := eval[float64](p, `+document.body.dataset.sendDone`)
	if int(done) >= want {
		t.Fatalf("the stop came after every row (%v of %d)", done, want)
	}
	p.do("resuming", setValue("#rate", "15"), setValue("#workers", "4"), click("#send"))
	p.wait("the send finished", `document.body.dataset.sendState === "finished"`)
	p.screenshot("send")
	p.checkLabels("send")

	p.do("following", click("#nav-follow"))
	p.wait("the migration is shown", `document.body.dataset.followed !== undefined`)
	// Rows the stopped send created are skipped by the resume: their
	// latest status is skipped, and together the two are every valid row.
	done = eval[float64](p, `["created", "skipped"].reduce((n, s) => n + +(document.querySelector('#follow-counts td[data-status="' + s + '"]') || {textContent: 0}).textContent, 0)`)
	if int(done) != want {
		t.Errorf("follow shows %v rows created or skipped, want %d", done, want)
	}
	p.screenshot("follow")
	p.checkLabels("follow")
	checkMigrationFiles(t, srv, want)

	open := eval[float64](p, `+document.querySelector('#follow-counts td[data-status="invalid"]').textContent + +document.querySelector('#follow-counts td[data-status="duplicate"]').textContent`)
	p.do("feeding the failed rows back", click(`button.feed-back`))
	p.wait("the failed rows are open and checked", fmt.Sprintf(
		`studio.S.info.file === "customers.failed.xlsx" && studio.S.check.rows === %v && !document.getElementById("step-check").hidden`, open))
}

// checkMigrationFiles: the result files and the ledger are in the folder,
// the mapping was saved with the fix and its comments, and the built-in
// sandbox holds each valid row once.
func checkMigrationFiles(t *testing.T, srv *Server, want int) {
	t.Helper()
	for _, name := range []string{"customers.results.xlsx", "customers.failed.xlsx", "owr-import.sandbox.ledger.csv"} {
		if _, err := os.Stat(filepath.Join(srv.Dir(), name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	saved, _ := os.ReadFile(filepath.Join(srv.Dir(), mappingFile))
	for _, s := range []string{"column: BTW-nummer", "# Mapping for samples/customers.xlsx"} {
		if !strings.Contains(string(saved), s) {
			t.Errorf("the saved mapping lacks %q:\n%s", s, saved)
		}
	}
	srv.sess.mu.Lock()
	sb := srv.sess.builtin
	srv.sess.mu.Unlock()
	stored, err := sb.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, c := range stored {
		if seen[c.ExtCustomerID] {
			t.Errorf("extCustomerId %d created twice", c.ExtCustomerID)
		}
		seen[c.ExtCustomerID] = true
	}
	if len(stored) != want {
		t.Errorf("the sandbox holds %d customers, want %d", len(stored), want)
	}
}
