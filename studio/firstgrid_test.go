package studio

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// firstGridFile is the export scripts/bench_studio.sh times the first
// grid on; the test does nothing without it.
var firstGridFile = flag.String("first-grid", "", "time the studio's first grid on this export (scripts/bench_studio.sh)")

// TestFirstGridTime opens an export as the page does (read every row,
// check it under the mapping) and asks for the first page of the grid,
// printing the time that took: what a consultant waits for between
// choosing the file and seeing rows.
func TestFirstGridTime(t *testing.T) {
	if *firstGridFile == "" {
		t.Skip("only with -first-grid FILE (scripts/bench_studio.sh)")
	}
	_, c := startStudio(t)
	dir := c.srv.Dir()
	name := filepath.Base(*firstGridFile)
	// A hard link, not a symbolic one: the studio opens no symbolic link.
	if err := os.Link(mustAbs(t, *firstGridFile), filepath.Join(dir, name)); err != nil {
		copyFile(t, *firstGridFile, filepath.Join(dir, name))
	}
	copyFile(t, filepath.Join("..", "samples", "mapping.yaml"), filepath.Join(dir, mappingFile)) // as bench_validate.sh
	start := time.Now()
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: name}, &info)
	var page struct {
		Rows []gridRow `json:"rows"`
	}
	c.mustCall("GET", "/api/rows?offset=0&limit=100", nil, &page)
	elapsed := time.Since(start)
	if len(page.Rows) == 0 || !info.Check.OK {
		t.Fatalf("no grid: %+v", info.Check)
	}
	fmt.Printf("first-grid %d rows %.3f s\n", info.Rows, elapsed.Seconds())
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
