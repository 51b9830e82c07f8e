package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"owr-import/sandbox"
)

// TestProcessStatusRewritesTheReportPage runs the built binary: run writes
// export.report.html, status rewrites it under the same name (and writes it
// again when it was deleted), with the counts the summary gives.
func TestProcessStatusRewritesTheReportPage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	const apiKey, customerKey = "page-api-key-1", "page-customer-key-1"
	srv, err := sandbox.Start(sandbox.Config{APIKey: apiKey, CustomerKey: customerKey, DB: ":memory:"}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	in := filepath.Join(dir, "export.csv")
	data, err := os.ReadFile("samples/customers.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "export.report.html")
	env := append(os.Environ(), "OWR_API_KEY="+apiKey, "OWR_CUSTOMER_KEY="+customerKey)
	exec1 := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	exec1("run", in, "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--rate", "0", "--no-progress")
	if !strings.Contains(readText(t, page), "owr-import run") {
		t.Fatal("run did not write the report page")
	}
	status := []string{"status", "--base-url", srv.URL, "--out-dir", dir, "--summary-json", filepath.Join(dir, "status.json")}
	for _, deleteFirst := range []bool{false, true} {
		if deleteFirst {
			if err := os.Remove(page); err != nil {
				t.Fatal(err)
			}
		}
		exec1(status...)
		text := readText(t, page)
		if !strings.Contains(text, "owr-import status") {
			t.Errorf("status (page deleted first: %v) did not rewrite the page", deleteFirst)
		}
		checkPageCounts(t, text, filepath.Join(dir, "status.json"))
		for _, bad := range []string{apiKey, customerKey, "http://", "https://", "<script", "<link"} {
			if strings.Contains(text, bad) {
				t.Errorf("the page holds %q", bad)
			}
		}
	}
}

// checkPageCounts compares the page's count per status with the summary's.
func checkPageCounts(t *testing.T, page, summaryPath string) {
	t.Helper()
	var sum struct {
		Migration map[string]int `json:"migration"`
	}
	if err := json.Unmarshal([]byte(readText(t, summaryPath)), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Migration["created"] == 0 {
		t.Fatalf("nothing created: the check would prove nothing (%v)", sum.Migration)
	}
	for status, n := range sum.Migration {
		re := regexp.MustCompile(regexp.QuoteMeta(status) + `</td><td>[^<]*</td><td class="n">` + fmt.Sprint(n) + `</td>`)
		if !re.MatchString(page) {
			t.Errorf("the page does not show %d %s", n, status)
		}
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
