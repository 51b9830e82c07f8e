package studio

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/internal/benchdata"
)

// BenchmarkMappingChange100k is a mapping change as the page makes it: the
// model sent to the studio, every one of 100,000 rows held in memory
// checked again, the counts, groups and preview answered.
func BenchmarkMappingChange100k(b *testing.B) {
	dir := b.TempDir()
	writeRows(b, filepath.Join(dir, "big.csv"), 100_000)
	if err := os.WriteFile(filepath.Join(dir, mappingFile), []byte(benchdata.Mapping), 0o644); err != nil {
		b.Fatal(err)
	}
	srv, err := Start(Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var info openInfo
	c := benchClient(b, srv)
	c.mustCall("POST", "/api/open", openRequest{File: "big.csv"}, &info)
	models := [2]mapModel{info.Mapping, info.Mapping}
	models[1].Fields = append([]fieldMap(nil), info.Mapping.Fields...)
	field(&models[1], "name").Transforms = []string{"upper"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var res struct {
			Check struct {
				Rows int `json:"rows"`
			} `json:"check"`
		}
		c.mustCall("PUT", "/api/mapping", models[i%2], &res)
		if res.Check.Rows != 100_000 {
			b.Fatalf("%d rows checked", res.Check.Rows)
		}
	}
}

// writeRows writes the rows of internal/benchdata as scripts/gendata.go
// does.
func writeRows(tb testing.TB, path string, rows int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(strings.Join(benchdata.Header, ";") + "\n")
	var line []byte
	for i := range rows {
		line = append(benchdata.AppendLine(line[:0], 1000, i), '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}
