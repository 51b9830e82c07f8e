package importer

import (
	"context"
	"path/filepath"
	"testing"

	"owr-import/importer/row"
	"owr-import/importer/source"
	"owr-import/internal/benchdata"
	"owr-import/mapping"
)

// TestTableCheckMatchesValidate: the in-memory check gives every row the
// status and owr_error text validate writes for the same file.
func TestTableCheckMatchesValidate(t *testing.T) {
	tests := []struct {
		name, file string
	}{
		{"csv", "customers.csv"},
		{"xlsx", "customers.xlsx"},
	}
	m, err := mapping.Load(filepath.Join("..", "samples", "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("..", "samples", tt.file)
			tab, err := LoadTable(context.Background(), path, source.SourceOptions{HeaderScore: m.HeaderScore}, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tab.Check(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			pass, err := openPass(Input{Path: path, Mapping: m})
			if err != nil {
				t.Fatal(err)
			}
			defer pass.Close()
			i := 0
			_, err = pass.each(context.Background(), func(rec row.Record, v verdict) error {
				if i >= len(got) {
					t.Fatalf("the table has %d rows, the file more", len(got))
				}
				g := got[i]
				want := v.message(cellNamer(pass.src, rec.Row))
				if g.Row != rec.Row || g.Status != v.Status || g.Message != want {
					t.Errorf("row %d: got (%d, %s, %q), validate gives (%d, %s, %q)", rec.Row, g.Row, g.Status, g.Message, rec.Row, v.Status, want)
				}
				i++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if i != len(got) {
				t.Errorf("the table has %d rows, the file %d", len(got), i)
			}
		})
	}
}

func TestLoadTableLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.csv")
	writeBenchCSV(t, path, 20)
	tests := []struct {
		limit   int
		wantErr bool
	}{{0, false}, {20, false}, {19, true}}
	for _, tt := range tests {
		_, err := LoadTable(context.Background(), path, source.SourceOptions{}, tt.limit)
		if (err != nil) != tt.wantErr {
			t.Errorf("limit %d: err = %v, want error %v", tt.limit, err, tt.wantErr)
		}
	}
}

// BenchmarkTableCheck100k is the studio's re-check after a mapping change:
// 100,000 rows held in memory, mapped and checked again.
func BenchmarkTableCheck100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "k.csv")
	writeBenchCSV(b, path, 100_000)
	m, err := mapping.Parse("bench.yaml", []byte(benchdata.Mapping))
	if err != nil {
		b.Fatal(err)
	}
	tab, err := LoadTable(context.Background(), path, source.SourceOptions{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rows, err := tab.Check(context.Background(), m)
		if err != nil || len(rows) != 100_000 {
			b.Fatal(err, len(rows))
		}
	}
}
