package mapping

import (
	"strings"
	"testing"

	"owr-import/internal/benchdata"
)

// benchFileRows builds n rows of internal/benchdata, the rows of the
// million-row benchmark of `owr-import validate`. Each row is cut from one
// line, as a CSV reader hands it over, so no two rows share a cell's memory.
func benchFileRows(n int) [][]string {
	rows := make([][]string, n)
	var line []byte
	for i := range rows {
		line = benchdata.AppendLine(line[:0], 1000, i)
		rows[i] = strings.Split(string(line), ";")
	}
	return rows
}

// BenchmarkMapperFile measures Mapper.Apply, the per-row mapping of the
// `validate` and `run` pipelines, on rows shaped like the million-row
// benchmark file; ns/op is the cost of one row.
func BenchmarkMapperFile(b *testing.B) {
	bind := mustBind(b, benchdata.Mapping, benchdata.Header)
	rows := benchFileRows(4096)
	m := bind.NewMapper()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c, problems := m.Apply(rows[i&(len(rows)-1)])
		if problems != nil || c.Address.StreetNumber == "" {
			b.Fatalf("row %d: %+v %+v", i, c, problems)
		}
		i++
	}
}
