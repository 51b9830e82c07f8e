package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestCSVAppendCells checks the whole-row fast path of AppendCells against
// encoding every value on its own, for values that need quotes, the
// formula guard, both or neither, with ASCII and non-ASCII delimiters.
func TestCSVAppendCells(t *testing.T) {
	values := []string{"", "plain", "a;b", "a,b", `say "hi"`, "two\nlines", "cr\rhere", "=1+1", "+32 9", "-12", "-", "'=x", "@home", "\tTab", "café", "a¦b", "12345678901234567890;x", "0123456789abcdef"}
	for _, delim := range []rune{';', ',', '\t', '¦'} {
		c, err := newCSVResultWriter(&atomicFile{}, WriterOptions{Delimiter: delim})
		if err != nil {
			t.Fatal(err)
		}
		for i := range values {
			for j := range values {
				row := []string{values[i], values[j], values[(i+j)%len(values)]}
				cols := []int{0, 1, 2}
				var want []byte
				for _, v := range row {
					want = c.appendField(want, v)
					want = append(want, string(delim)...)
				}
				if got := c.AppendCells(nil, row, cols); !bytes.Equal(got, want) {
					t.Errorf("delimiter %q, row %q:\n got %q\nwant %q", delim, row, got, want)
				}
			}
		}
	}
}

// TestCSVNeedsQuotes checks the eight-bytes-at-a-time scan against a plain
// loop, with the special byte at every position of a long value.
func TestCSVNeedsQuotes(t *testing.T) {
	for _, delim := range []rune{';', '|', '¦'} {
		w, err := newCSVResultWriter(&atomicFile{}, WriterOptions{Delimiter: delim})
		if err != nil {
			t.Fatal(err)
		}
		for _, special := range []string{`"`, "\r", "\n", string(delim), "x"} {
			for n := 0; n <= 20; n++ {
				for at := 0; at <= n; at++ {
					v := strings.Repeat("a", at) + special + strings.Repeat("é", (n-at)/2)
					want := strings.ContainsAny(v, "\"\r\n") || strings.ContainsRune(v, delim)
					if got := w.needsQuotes(v); got != want {
						t.Errorf("delimiter %q: needsQuotes(%q) = %v, want %v", delim, v, got, want)
					}
				}
			}
		}
	}
}
