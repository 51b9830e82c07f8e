package importer

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"owr-import/importer/ledger"
	"owr-import/internal/sandboxtest"

	"owr-import/sandbox"
)

// TestRunWritesTheReportPage imports into the in-process sandbox and reads
// the page back: the migration's counts, the problem with the hostile cell
// shown as text, nothing that reaches the network, no key; recorded in the
// ledger like the result files.
func TestRunWritesTheReportPage(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	c := testClient(t, srv, "")
	if _, err := c.Create(context.Background(), []byte(`{"extCustomerId":1002,"extCustomerNumber":"K-2","name":"Er al","enterpriseNumber":"BE0417497106","address":{"city":"Gent"}}`)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := writeFile(t, dir, "klanten.csv", strings.Replace(testCSV, "10a1;", "<script>alert(1)</script>;", 1))
	opts := testRunOptions(t, in, c)
	opts.Version = "v9.8.7"
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	path := filepath.Join(dir, "klanten.report.html")
	page := readPage(t, path)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`created</td><td>[^<]*</td><td class="n">1</td>`),
		regexp.MustCompile(`conflict</td><td>[^<]*</td><td class="n">1</td>`),
		regexp.MustCompile(`invalid</td><td>[^<]*</td><td class="n">2</td>`),
		regexp.MustCompile(`duplicate</td><td>[^<]*</td><td class="n">1</td>`),
		regexp.MustCompile(`<b>5</b><span>rows in the migration`),
		regexp.MustCompile(`&lt;script&gt;alert\(1\)&lt;/script&gt;`),
		regexp.MustCompile(`owr-import v9\.8\.7`),
		regexp.MustCompile(`HTTP 409`),
	} {
		if !want.MatchString(page) {
			t.Errorf("the page lacks %s", want)
		}
	}
	assertPageOffline(t, page, srv.APIKey, srv.CustomerKey)
	if !slices.Contains(sum.Files, path) {
		t.Errorf("the summary's files %v do not list the page", sum.Files)
	}
	st, err := ledger.Read(ledger.Path(dir, "test"))
	if err != nil {
		t.Fatal(err)
	}
	if recorded, ok := st.Output("klanten.report.html"); !ok || recorded != sha(t, path) {
		t.Errorf("the page is not recorded in the ledger with its hash (%q, %v)", recorded, ok)
	}
}

// TestStatusRewritesTheReportPage: status replaces the page owr-import
// wrote, and leaves one a person changed, writing the next free name.
func TestStatusRewritesTheReportPage(t *testing.T) {
	tests := []struct {
		name     string
		edit     bool
		wantPage string
	}{
		{name: "unchanged page is rewritten", wantPage: "klanten.report.html"},
		{name: "a changed page is kept", edit: true, wantPage: "klanten.report.2.html"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, dir, _ := firstRun(t)
			first := filepath.Join(dir, "klanten.report.html")
			if !strings.Contains(readPage(t, first), "owr-import run") {
				t.Fatal("the run's page does not say run wrote it")
			}
			if tc.edit {
				if err := os.WriteFile(first, []byte("<p>my notes</p>"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sum, err := Status(context.Background(), StatusOptions{Dir: dir, APITag: "test", Version: "v1"})
			if err != nil {
				t.Fatal(err)
			}
			page := readPage(t, filepath.Join(dir, tc.wantPage))
			if !strings.Contains(page, "owr-import status") {
				t.Errorf("%s was not rewritten by status", tc.wantPage)
			}
			if tc.edit && readPage(t, first) != "<p>my notes</p>" {
				t.Error("status replaced a page a person changed")
			}
			if !slices.Contains(sum.Files, filepath.Join(dir, tc.wantPage)) {
				t.Errorf("the summary's files %v do not list %s", sum.Files, tc.wantPage)
			}
		})
	}
}

func readPage(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the report page: %v", err)
	}
	return string(data)
}

// assertPageOffline fails on anything that could reach the network or run
// a script, and on any of the secrets.
func assertPageOffline(t *testing.T, page string, secrets ...string) {
	t.Helper()
	for _, bad := range append([]string{"http://", "https://", "<script", "<link", "src=", "href=", "url("}, secrets...) {
		if strings.Contains(strings.ToLower(page), strings.ToLower(bad)) {
			t.Errorf("the page holds %q", bad)
		}
	}
}

func sha(t *testing.T, path string) string {
	t.Helper()
	s, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
