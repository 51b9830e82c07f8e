package source

import (
	"bytes"
	"fmt"
	"io"
	"owr-import/importer/row"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	xunicode "golang.org/x/text/encoding/unicode"
)

// srcLines builds n data rows "k;name k" (k from 1), each ended by end.
func srcLines(n int, end string) string {
	var b strings.Builder
	for k := 1; k <= n; k++ {
		fmt.Fprintf(&b, "%d;name %d%s", k, k, end)
	}
	return b.String()
}

// srcLineRecords is what srcLines reads as: data row k on spreadsheet row
// first+k-1.
func srcLineRecords(n, first int) []row.Record {
	out := make([]row.Record, n)
	for k := 1; k <= n; k++ {
		out[k-1] = row.Record{Row: first + k - 1, Values: []string{fmt.Sprint(k), fmt.Sprintf("name %d", k)}}
	}
	return out
}

// TestCSVLineEnds holds the rule that every line of the file is one row:
// LF, CRLF and a lone CR (old Mac exports, or one stray CR in a file of
// LFs) all end a line, wherever in the file they are, so no row is merged
// into another and row numbers match what a spreadsheet shows.
func TestCSVLineEnds(t *testing.T) {
	// Enough rows that the first 64 KiB, the sample the detection looks
	// at, hold only one kind of line end.
	many := csvSampleSize/12 + 500
	tests := []struct {
		name string
		data func(testing.TB) []byte
		want []row.Record
	}{
		{
			name: "one stray CR between two rows of an LF file",
			data: func(testing.TB) []byte { return []byte("id;name\n1;a\r2;b\n3;c\n") },
			want: []row.Record{{Row: 2, Values: []string{"1", "a"}}, {Row: 3, Values: []string{"2", "b"}}, {Row: 4, Values: []string{"3", "c"}}},
		},
		{
			name: "stray CR in a CRLF file",
			data: func(testing.TB) []byte { return []byte("id;name\r\n1;a\r2;b\r\n3;c\r\n") },
			want: []row.Record{{Row: 2, Values: []string{"1", "a"}}, {Row: 3, Values: []string{"2", "b"}}, {Row: 4, Values: []string{"3", "c"}}},
		},
		{
			name: "CR only (old Mac)",
			data: func(testing.TB) []byte { return []byte("id;name\r1;a\r2;b\r") },
			want: []row.Record{{Row: 2, Values: []string{"1", "a"}}, {Row: 3, Values: []string{"2", "b"}}},
		},
		{
			name: "LF in the first 64 KiB, lone CRs after",
			data: func(testing.TB) []byte { return []byte("id;name\n" + srcLines(many, "\n") + srcLines(3, "\r")) },
			want: append(srcLineRecords(many, 2), row.Record{Row: many + 2, Values: []string{"1", "name 1"}},
				row.Record{Row: many + 3, Values: []string{"2", "name 2"}}, row.Record{Row: many + 4, Values: []string{"3", "name 3"}}),
		},
		{
			name: "CR only in the first 64 KiB, CRLF after",
			data: func(testing.TB) []byte { return []byte("id;name\r" + srcLines(many, "\r") + srcLines(3, "\r\n")) },
			want: append(srcLineRecords(many, 2), row.Record{Row: many + 2, Values: []string{"1", "name 1"}},
				row.Record{Row: many + 3, Values: []string{"2", "name 2"}}, row.Record{Row: many + 4, Values: []string{"3", "name 3"}}),
		},
		{
			name: "CR only in the first 64 KiB, LF after",
			data: func(testing.TB) []byte { return []byte("id;name\r" + srcLines(many, "\r") + srcLines(2, "\n")) },
			want: append(srcLineRecords(many, 2), row.Record{Row: many + 2, Values: []string{"1", "name 1"}},
				row.Record{Row: many + 3, Values: []string{"2", "name 2"}}),
		},
		{
			name: "CR CR LF is a line end and a blank line",
			data: func(testing.TB) []byte { return []byte("id\n1\r\r\n2\n") },
			want: []row.Record{{Row: 2, Values: []string{"1"}}, {Row: 4, Values: []string{"2"}}},
		},
		{
			name: "a lone CR inside quotes is a line break in the value",
			data: func(testing.TB) []byte { return []byte("id;note\n1;\"a\rb\"\n2;c\n") },
			want: []row.Record{{Row: 2, Values: []string{"1", "a\nb"}}, {Row: 3, Values: []string{"2", "c"}}},
		},
		{
			name: "a lone CR at the end of the file",
			data: func(testing.TB) []byte { return []byte("id\n1\n2\r") },
			want: []row.Record{{Row: 2, Values: []string{"1"}}, {Row: 3, Values: []string{"2"}}},
		},
		{
			name: "Windows-1252 with a stray CR",
			data: func(t testing.TB) []byte { return srcWin1252(t, "id;naam\r\n1;Café\r2;Zoë\r\n") },
			want: []row.Record{{Row: 2, Values: []string{"1", "Café"}}, {Row: 3, Values: []string{"2", "Zoë"}}},
		},
		{
			name: "UTF-16LE: a stray CR ends a line, a 0x0D byte inside a character does not",
			data: func(t testing.TB) []byte {
				return srcUTF16(t, "id;naam\r\n1;Mačka\r2;č\r\n", xunicode.LittleEndian, true)
			},
			want: []row.Record{{Row: 2, Values: []string{"1", "Mačka"}}, {Row: 3, Values: []string{"2", "č"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srcOpen(t, "a.csv", tt.data(t), SourceOptions{})
			got := srcReadAll(t, s)
			if len(got) != len(tt.want) {
				t.Fatalf("%d rows, want %d (first %+v)", len(got), len(tt.want), got[:min(3, len(got))])
			}
			if !reflect.DeepEqual(got, tt.want) {
				for i := range got {
					if !reflect.DeepEqual(got[i], tt.want[i]) {
						t.Fatalf("row %d: got %+v, want %+v", i, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

// normalizeLineEnds is the reference for lineEnds: every CR that is not
// followed by LF becomes LF; CRLF is kept as the one line end it is.
func normalizeLineEnds(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i, c := range b {
		switch {
		case c != '\r':
			out = append(out, c)
		case i+1 < len(b) && b[i+1] == '\n':
			// a CRLF: let the LF end the line, as encoding/csv does
		default:
			out = append(out, '\n')
		}
	}
	return out
}

// crlfToLF drops the CR of every CRLF: what encoding/csv sees of a line end.
func crlfToLF(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

func TestLineEndsReader(t *testing.T) {
	inputs := []string{"", "a", "\r", "\n", "\r\n", "a\rb", "a\r\nb", "a\r\r\nb", "\r\r\r", "a\n\rb\r", strings.Repeat("x;y\r\n", 100)}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"halves":   iotest.HalfReader,
	}
	for _, in := range inputs {
		for rname, wrap := range readers {
			got, err := io.ReadAll(&lineEnds{r: wrap(strings.NewReader(in))})
			if err != nil {
				t.Fatalf("%q %s: %v", in, rname, err)
			}
			if want := normalizeLineEnds([]byte(in)); !bytes.Equal(crlfToLF(got), crlfToLF(want)) {
				t.Errorf("%q %s: got %q, want %q", in, rname, got, want)
			}
		}
	}
}

// FuzzLineEnds checks lineEnds, read in any cut, against the one-shot
// reference: the same lines, whatever the reads.
func FuzzLineEnds(f *testing.F) {
	f.Add([]byte("a\rb\r\nc\n"), []byte{0, 1, 2})
	f.Add([]byte("\r\r\n\r"), []byte{0})
	f.Add([]byte("x\r"), []byte{3})
	f.Fuzz(func(t *testing.T, data, sizes []byte) {
		got, err := io.ReadAll(&lineEnds{r: &srcChunkReader{data: bytes.Clone(data), sizes: sizes}})
		if err != nil {
			t.Fatal(err)
		}
		if want := normalizeLineEnds(data); !bytes.Equal(crlfToLF(got), crlfToLF(want)) {
			t.Fatalf("lineEnds(%q cut %v) = %q, want %q", data, sizes, got, want)
		}
		if bytes.IndexByte(crlfToLF(got), '\r') >= 0 {
			t.Fatalf("a lone CR is left in %q", got)
		}
	})
}
