package studio

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"owr-import/importer"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"owr-import/mapping"
)

// updateShots rewrites the screenshots of the README (docs/studio/*.png).
var updateShots = flag.Bool("update", false, "write the studio's screenshots to docs/studio")

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium for one test at 1366×768. It
// skips the test when Chromium is missing, except in CI (CI set), where
// that is a failure.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: install Debian's chromium package (.ci/run does)", chromiumPath)
		}
		t.Skipf("%s is missing: the browser tests need Debian's chromium package", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768),
		// This machine's network is closed: without these Chromium waits
		// on connections it makes for itself.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// page drives the studio's page in a test: each step fails the test with
// a screenshot kept beside its log.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.fail(what, err)
	}
}

// wait blocks until the JavaScript expression is truthy.
func (p *page) wait(what, expr string) {
	p.t.Helper()
	p.do(what, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[any](expr, chromedp.WithPollingTimeout(25*time.Second))(ctx, t)
		return chromedp.Void{}, err
	})
}

// eval returns the value of a JavaScript expression.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.fail("evaluating "+expr, err)
	}
	return v
}

// choose picks a value of a select as a person would, with its change
// event.
func (p *page) choose(id, value string) {
	p.t.Helper()
	p.do("choosing "+value+" in #"+id, chromedp.SetValue(chromedp.ID(id), value),
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[any](fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event("change")), 1`, id))(ctx, t)
			return chromedp.Void{}, err
		})
}

func (p *page) fail(what string, err error) {
	p.t.Helper()
	p.t.Errorf("%s: %v", what, err)
	p.t.FailNow()
}

// screenshot writes the viewport to docs/studio/NAME.png with -update.
func (p *page) screenshot(name string) {
	p.t.Helper()
	if !*updateShots {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.fail("screenshot", err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "studio", name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// keepFailure saves what the page showed when the test failed.
func (p *page) keepFailure() {
	if !p.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("no screenshot: %v", err)
		return
	}
	for _, dir := range []string{p.t.ArtifactDir(), os.TempDir()} {
		path := filepath.Join(dir, "owr-import-studio-"+strings.ReplaceAll(p.t.Name(), "/", "_")+".png")
		if err := os.WriteFile(path, png, 0o644); err == nil {
			p.t.Logf("screenshot of the page: %s", path)
		}
	}
}

// validRows is how many rows of the sample are valid under its mapping:
// what the page must end up sending.
func validRows(t *testing.T) int {
	t.Helper()
	m, err := mapping.Load(filepath.Join("..", "samples", "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := importer.LoadTable(context.Background(), filepath.Join("..", "samples", "customers.xlsx"), source.SourceOptions{HeaderScore: m.HeaderScore}, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tab.Check(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Status == row.StatusValid {
			n++
		}
	}
	return n
}

func navigate(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }

func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// setValue types a value into an input as a person would (select all,
// type), so its change event fires.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.SetValue(chromedp.CSS(sel), value), func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("change")), 1`, sel))(ctx, t)
		return chromedp.Void{}, err
	})
}

// unlabelled lists the visible controls of the page that have no name a
// screen reader can say: no label, no aria-label, no text.
const unlabelled = `[...document.querySelectorAll("input, select, textarea, button")]
	.filter((e) => e.offsetParent !== null)
	.filter((e) => !((e.labels && e.labels.length) || e.getAttribute("aria-label") || (e.tagName === "BUTTON" && e.textContent.trim())))
	.map((e) => e.outerHTML.slice(0, 120))`

// checkLabels fails the test for every visible control without a name.
func (p *page) checkLabels(step string) {
	p.t.Helper()
	for _, html := range eval[[]string](p, unlabelled) {
		p.t.Errorf("%s: a control without a label: %s", step, html)
	}
}
