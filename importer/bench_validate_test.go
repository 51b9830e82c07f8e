package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"owr-import/internal/benchdata"
	"owr-import/mapping"
)

// benchCSVRows is the size of the generated file: large enough that the
// duplicate index and the pipeline behave as they do at a million rows,
// small enough for a quick `go test -bench`.
const benchCSVRows = 200_000

// writeBenchCSV writes the rows of internal/benchdata, as
// scripts/gendata.go does for `make bench`.
func writeBenchCSV(tb testing.TB, path string, rows int) {
	tb.Helper()
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

// bareCSVRead is the yardstick of scripts/bench_validate.sh: an
// encoding/csv read of the file and nothing else.
func bareCSVRead(tb testing.TB, path string) int {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	r.Comma = ';'
	n := 0
	for {
		if _, err := r.Read(); errors.Is(err, io.EOF) {
			return n
		} else if err != nil {
			tb.Fatal(err)
		}
		n++
	}
}

// BenchmarkValidateCSV runs Validate over a generated CSV next to a bare
// encoding/csv read of the same file, and reports validate's rows/s as a
// percentage of the bare read's (the target of `make bench` is 60%).
func BenchmarkValidateCSV(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "big.csv")
	writeBenchCSV(b, in, benchCSVRows)
	m, err := mapping.Parse("mapping.yaml", []byte(benchdata.Mapping))
	if err != nil {
		b.Fatal(err)
	}
	var bare, val time.Duration
	b.Run("bare_encoding_csv", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			if n := bareCSVRead(b, in); n != benchCSVRows+1 {
				b.Fatalf("read %d records, want %d", n, benchCSVRows+1)
			}
		}
		bare = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(benchCSVRows)/bare.Seconds(), "rows/s")
	})
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			sum, err := Validate(context.Background(), Input{Path: in, Mapping: m, OutDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			if sum.Rows != benchCSVRows || sum.Counts[row.StatusValid] != benchCSVRows {
				b.Fatalf("rows %d, counts %v", sum.Rows, sum.Counts)
			}
		}
		val = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(benchCSVRows)/val.Seconds(), "rows/s")
		if bare > 0 {
			b.ReportMetric(100*bare.Seconds()/val.Seconds(), "%_of_bare")
		}
	})
}
