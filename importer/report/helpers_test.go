package report

import (
	"errors"
	"io"
	"testing"

	"owr-import/importer/row"
	"owr-import/importer/source"
)

// readBack reads a written file back through the source package, as a
// fed-back file would be read by the next run.
func readBack(t testing.TB, s source.Source) []row.Record {
	t.Helper()
	var out []row.Record
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(out), err)
		}
		out = append(out, rec)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
