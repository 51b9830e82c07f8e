package studio

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserUpload: a file chosen on the page (as a drop does) is copied
// into the migration folder and opened.
func TestBrowserUpload(t *testing.T) {
	ctx := newBrowser(t)
	srv, _ := startStudio(t)
	p := &page{t: t, ctx: ctx}
	defer p.keepFailure()
	from, err := filepath.Abs(filepath.Join("..", "samples", "customers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	p.do("loading the page", navigate(srv.URL()))
	p.wait("the page is ready", `document.body.dataset.ready === "1"`)
	p.do("choosing a file", chromedp.SetUploadFiles(chromedp.CSS("#upload"), []string{from}))
	p.wait("the file is copied and opened", `studio.S.info && studio.S.info.file === "customers.csv" && studio.S.check.ok`)
	got, _ := os.ReadFile(filepath.Join(srv.Dir(), "customers.csv"))
	want, _ := os.ReadFile(from)
	if string(got) != string(want) {
		t.Errorf("the folder's copy differs from the file chosen (%d bytes, want %d)", len(got), len(want))
	}
}
