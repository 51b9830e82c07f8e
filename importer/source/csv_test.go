package source

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// srcWriteFile writes data to a fresh temporary file called name.
func srcWriteFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// srcOpen opens data, written to a file called name, as a Source.
func srcOpen(t testing.TB, name string, data []byte, opts SourceOptions) Source {
	t.Helper()
	s, err := OpenSource(srcWriteFile(t, name, data), opts)
	if err != nil {
		t.Fatalf("OpenSource: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// srcReadAll reads every record of s, failing the test on an error.
func srcReadAll(t testing.TB, s Source) []row.Record {
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

func srcWin1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func srcUTF16(t testing.TB, s string, e xunicode.Endianness, bom bool) []byte {
	t.Helper()
	policy := xunicode.IgnoreBOM
	if bom {
		policy = xunicode.UseBOM
	}
	b, err := xunicode.UTF16(e, policy).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// srcScore is a stand-in for the mapping's HeaderScore.
func srcScore(names ...string) func([]string) int {
	return func(header []string) int {
		n := 0
		for _, h := range header {
			for _, want := range names {
				if strings.EqualFold(h, want) {
					n++
				}
			}
		}
		return n
	}
}

func TestCSVSource(t *testing.T) {
	const dutch = "Klant ID;Naam;Gemeente\r\n1001;Café Zoë;Liège\r\n1002;Bakkerij €uro;Gent\r\n"
	tests := []struct {
		name      string
		file      string
		data      func(t testing.TB) []byte
		opts      SourceOptions
		header    []string
		headerRow int
		delim     rune
		want      []row.Record
	}{
		{
			name: "plain UTF-8 comma", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("id,name\n1,Anna\n2,Bert\n") },
			header: []string{"id", "name"}, headerRow: 1, delim: ',',
			want: []row.Record{{Row: 2, Values: []string{"1", "Anna"}}, {Row: 3, Values: []string{"2", "Bert"}}},
		},
		{
			name: "UTF-8 with BOM", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("\xEF\xBB\xBFKlant ID;Naam\r\n1001;Zoë\r\n") },
			header: []string{"Klant ID", "Naam"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"1001", "Zoë"}}},
		},
		{
			name: "UTF-16LE with BOM and tabs (Excel Unicode text)", file: "a.txt",
			data: func(t testing.TB) []byte {
				return srcUTF16(t, "Klant ID\tNaam\r\n1001\tCafé Zoë\r\n", xunicode.LittleEndian, true)
			},
			header: []string{"Klant ID", "Naam"}, headerRow: 1, delim: '\t',
			want: []row.Record{{Row: 2, Values: []string{"1001", "Café Zoë"}}},
		},
		{
			name: "UTF-16BE with BOM", file: "a.csv",
			data: func(t testing.TB) []byte {
				return srcUTF16(t, "id;naam\n7;Zoë\n", xunicode.BigEndian, true)
			},
			header: []string{"id", "naam"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"7", "Zoë"}}},
		},
		{
			name: "UTF-16LE without BOM", file: "a.csv",
			data: func(t testing.TB) []byte {
				return srcUTF16(t, "id;naam\r\n7;Zoë\r\n8;Jan\r\n", xunicode.LittleEndian, false)
			},
			header: []string{"id", "naam"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"7", "Zoë"}}, {Row: 3, Values: []string{"8", "Jan"}}},
		},
		{
			name: "Windows-1252 semicolons CRLF detected", file: "klanten.csv",
			data:   func(t testing.TB) []byte { return srcWin1252(t, dutch) },
			header: []string{"Klant ID", "Naam", "Gemeente"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"1001", "Café Zoë", "Liège"}}, {Row: 3, Values: []string{"1002", "Bakkerij €uro", "Gent"}}},
		},
		{
			name: "Windows-1252 named in the mapping", file: "klanten.csv",
			data:   func(t testing.TB) []byte { return srcWin1252(t, dutch) },
			opts:   SourceOptions{Encoding: "windows-1252", Delimiter: ';'},
			header: []string{"Klant ID", "Naam", "Gemeente"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"1001", "Café Zoë", "Liège"}}, {Row: 3, Values: []string{"1002", "Bakkerij €uro", "Gent"}}},
		},
		{
			name: "quoted delimiters and line breaks keep spreadsheet row numbers", file: "a.csv",
			data: func(testing.TB) []byte {
				return []byte("id;name;note\r\n1;\"a;b\";\"line1\r\nline2\"\r\n2;x;\"say \"\"hi\"\"\"\r\n")
			},
			header: []string{"id", "name", "note"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"1", "a;b", "line1\nline2"}}, {Row: 3, Values: []string{"2", "x", `say "hi"`}}},
		},
		{
			name: "ragged rows padded and trimmed to the header", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("a,b,c\n1\n1,2,3,4\n1,2,3,,\n") },
			header: []string{"a", "b", "c"}, headerRow: 1, delim: ',',
			want: []row.Record{{Row: 2, Values: []string{"1", "", ""}}, {Row: 3, Values: []string{"1", "2", "3"}}, {Row: 4, Values: []string{"1", "2", "3"}}},
		},
		{
			name: "blank lines and blank rows skipped but counted", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("id,name\n\n1,a\n , \n\n2,b\n\n") },
			header: []string{"id", "name"}, headerRow: 1, delim: ',',
			want: []row.Record{{Row: 3, Values: []string{"1", "a"}}, {Row: 6, Values: []string{"2", "b"}}},
		},
		{
			name: "title rows above the header", file: "a.csv",
			data: func(testing.TB) []byte {
				return []byte("Klantenlijst 2024;;;\r\n;;;\r\nKlant ID;Naam;Gemeente;Land\r\n1001;A;Gent;BE\r\n")
			},
			header: []string{"Klant ID", "Naam", "Gemeente", "Land"}, headerRow: 3, delim: ';',
			want: []row.Record{{Row: 4, Values: []string{"1001", "A", "Gent", "BE"}}},
		},
		{
			name: "mapping score beats a header-looking title row", file: "a.csv",
			data: func(testing.TB) []byte {
				return []byte("Report;made by;Navision;2024\nKlant ID;Naam;Gemeente;Land\n1001;A;Gent;BE\n")
			},
			opts:   SourceOptions{HeaderScore: srcScore("Klant ID", "Naam")},
			header: []string{"Klant ID", "Naam", "Gemeente", "Land"}, headerRow: 2, delim: ';',
			want: []row.Record{{Row: 3, Values: []string{"1001", "A", "Gent", "BE"}}},
		},
		{
			name: "header row given", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("x,y\nid,name\n1,a\n") },
			opts:   SourceOptions{HeaderRow: 2},
			header: []string{"id", "name"}, headerRow: 2, delim: ',',
			want: []row.Record{{Row: 3, Values: []string{"1", "a"}}},
		},
		{
			name: "delimiter given by name", file: "a.tsv",
			data:   func(testing.TB) []byte { return []byte("id\tname,x\n1\ta,b\n") },
			opts:   SourceOptions{Delimiter: '\t'},
			header: []string{"id", "name,x"}, headerRow: 1, delim: '\t',
			want: []row.Record{{Row: 2, Values: []string{"1", "a,b"}}},
		},
		{
			name: "owr columns kept, neutralised formulas restored", file: "klanten.failed.csv",
			data: func(testing.TB) []byte {
				return []byte("\xEF\xBB\xBFid;name;owr_status;owr_error\r\n1;'=SUM(A1);invalid;'-missing city\r\n2;'-5;invalid;''=x\r\n")
			},
			header: []string{"id", "name", "owr_status", "owr_error"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"1", "=SUM(A1)", "invalid", "-missing city"}}, {Row: 3, Values: []string{"2", "-5", "invalid", "'=x"}}},
		},
		{
			name: "old Mac CR line ends", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("id;name\r1;a\r2;b\r") },
			header: []string{"id", "name"}, headerRow: 1, delim: ';',
			want: []row.Record{{Row: 2, Values: []string{"1", "a"}}, {Row: 3, Values: []string{"2", "b"}}},
		},
		{
			name: "single column", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte("id\n1\n2\n") },
			header: []string{"id"}, headerRow: 1, delim: ',',
			want: []row.Record{{Row: 2, Values: []string{"1"}}, {Row: 3, Values: []string{"2"}}},
		},
		{
			name: "header cells trimmed, trailing separators dropped", file: "a.csv",
			data:   func(testing.TB) []byte { return []byte(" id , name ,,\n1,a,,\n") },
			header: []string{"id", "name"}, headerRow: 1, delim: ',',
			want: []row.Record{{Row: 2, Values: []string{"1", "a"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srcOpen(t, tt.file, tt.data(t), tt.opts)
			if s.Format() != row.FormatCSV || s.Sheet() != "" {
				t.Errorf("Format, Sheet = %q, %q", s.Format(), s.Sheet())
			}
			if got := s.Header(); !reflect.DeepEqual(got, tt.header) {
				t.Errorf("Header = %q, want %q", got, tt.header)
			}
			if s.HeaderRow() != tt.headerRow {
				t.Errorf("HeaderRow = %d, want %d", s.HeaderRow(), tt.headerRow)
			}
			if s.Delimiter() != tt.delim {
				t.Errorf("Delimiter = %q, want %q", s.Delimiter(), tt.delim)
			}
			if got := srcReadAll(t, s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records\n got %+v\nwant %+v", got, tt.want)
			}
			if _, err := s.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("Next after the end = %v, want io.EOF", err)
			}
		})
	}
}

func TestCSVSourceStatsAndCells(t *testing.T) {
	s := srcOpen(t, "a.csv", []byte("a,b\n1,2,extra\n3,4\n5,6,,x\n"), SourceOptions{})
	srcReadAll(t, s)
	st := s.Stats()
	if st.ExtraCellRows != 2 || !reflect.DeepEqual(st.ExtraCellFirst, []int{2, 4}) {
		t.Errorf("Stats = %+v, want 2 rows: 2 and 4", st)
	}
	if got := s.Cell(12, 2); got != "row 12, column 3" {
		t.Errorf("Cell = %q", got)
	}
	closeTwice(t, s)
}

func TestCSVSourceValuesAreFresh(t *testing.T) {
	s := srcOpen(t, "a.csv", []byte("a,b\n1,2\n3,4\n"), SourceOptions{})
	first, err := s.Next()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.Values, []string{"1", "2"}) {
		t.Errorf("first record changed by the next read: %q", first.Values)
	}
}

func TestCSVSourceInputErrors(t *testing.T) {
	// A file whose first 64 KiB are ASCII, then a Windows-1252 é.
	var late bytes.Buffer
	late.WriteString("id;naam\r\n")
	n := 1
	for late.Len() < csvSampleSize+100 {
		late.WriteString("1001;Jansen\r\n")
		n++
	}
	late.WriteString("1002;Caf\xe9\r\n")
	lateRow := n + 1

	tests := []struct {
		name     string
		file     string
		data     []byte
		opts     SourceOptions
		atOpen   bool // the error must come from OpenSource; else from OpenSource or Next
		row      int
		column   string
		contains []string
	}{
		{name: "unclosed quote", file: "a.csv", data: []byte("id,name\n1,a\n2,\"abc\n3,d\n"),
			row: 3, contains: []string{"not closed", "line 3 of the file"}},
		{name: "stray quote", file: "a.csv", data: []byte("id;name\n\n1;Café \"De Zon\"\n"),
			row: 3, contains: []string{"stray double quote", "double the quotes"}},
		{name: "invalid UTF-8 after the sample", file: "a.csv", data: late.Bytes(),
			row: lateRow, column: "naam", contains: []string{"not valid UTF-8", "encoding: windows-1252"}},
		{name: "invalid UTF-8 in a file said to be UTF-8", file: "a.csv", data: []byte("id;naam\n1;Caf\xe9\n"),
			opts: SourceOptions{Encoding: "utf-8"}, row: 2, contains: []string{"column 2", "mapping says the file is UTF-8"}},
		{name: "empty file", file: "a.csv", data: nil, atOpen: true, contains: []string{"empty"}},
		{name: "only blank lines", file: "a.csv", data: []byte("\n ; \n\n"), atOpen: true, contains: []string{"no data"}},
		{name: "unknown encoding", file: "a.csv", data: []byte("a\n"), opts: SourceOptions{Encoding: "klingon"},
			atOpen: true, contains: []string{`unknown encoding "klingon"`, "source.encoding"}},
		{name: "header row beyond the data", file: "a.csv", data: []byte("a\n1\n"), opts: SourceOptions{HeaderRow: 9},
			atOpen: true, row: 9, contains: []string{"ends before it"}},
		{name: "header row blank", file: "a.csv", data: []byte("a\n\n1\n"), opts: SourceOptions{HeaderRow: 2},
			atOpen: true, row: 2, contains: []string{"header row is empty"}},
		{name: "workbook named .csv", file: "a.csv", data: []byte("PK\x03\x04rest"), atOpen: true,
			contains: []string{"is a workbook", "Rename it to .xlsx"}},
		{name: "xls named .csv", file: "a.csv", data: []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), atOpen: true,
			contains: []string{"Excel 97-2003", "save it as .xlsx or .csv"}},
		{name: "unknown extension", file: "a.json", data: []byte("{}"), atOpen: true, contains: []string{"reads .csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := srcWriteFile(t, tt.file, tt.data)
			s, err := OpenSource(path, tt.opts)
			if tt.atOpen && err == nil {
				s.Close()
				t.Fatal("OpenSource succeeded")
			}
			if err == nil {
				defer s.Close()
				for err == nil {
					_, err = s.Next()
				}
				if _, again := s.Next(); again != err {
					t.Errorf("error not sticky: %v then %v", err, again)
				}
			}
			var ie *row.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v (%T), want *row.InputError", err, err)
			}
			if ie.Path != path || ie.Row != tt.row || ie.Column != tt.column {
				t.Errorf("Path, Row, Column = %q, %d, %q; want %q, %d, %q", ie.Path, ie.Row, ie.Column, path, tt.row, tt.column)
			}
			for _, c := range tt.contains {
				if !strings.Contains(ie.Error(), c) {
					t.Errorf("message %q lacks %q", ie.Error(), c)
				}
			}
		})
	}
}

func TestOpenSourceMissingFile(t *testing.T) {
	_, err := OpenSource(filepath.Join(t.TempDir(), "nope.csv"), SourceOptions{})
	var ie *row.InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Error(), "file not found") {
		t.Fatalf("error = %v, want file not found", err)
	}
	_, err = OpenSource(t.TempDir(), SourceOptions{})
	if !errors.As(err, &ie) || !strings.Contains(ie.Error(), "folder") {
		t.Fatalf("error = %v, want a folder error", err)
	}
}

func TestHeaderHelpers(t *testing.T) {
	h := []string{"Naam", "", "ID", "naam", "Stad", "id", "NAAM"}
	if got := EmptyHeaders(h); !reflect.DeepEqual(got, []int{1}) {
		t.Errorf("EmptyHeaders = %v", got)
	}
	for name, want := range map[string]bool{"owr_status": true, "OWR_error": true, "owr": false, "Owner": false, "": false} {
		if row.IsOwrColumn(name) != want {
			t.Errorf("row.IsOwrColumn(%q) = %v", name, !want)
		}
	}
}

func TestUTF8Watch(t *testing.T) {
	valid := strings.Repeat("Zoë € 𝄞 Liège; ", 50)
	tests := []struct {
		name string
		data string
		bad  bool
	}{
		{"valid", valid, false},
		{"ascii", "id;name\n1;a\n", false},
		{"windows-1252 byte", valid + "Caf\xe9" + valid, true},
		{"stray continuation byte", "ab\x80cd", true},
		{"truncated at the end", valid + "\xe2\x82", true},
		{"overlong", "a\xc0\xafb", true},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"halves":   iotest.HalfReader,
	}
	for _, tt := range tests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				w := &utf8Watch{r: wrap(strings.NewReader(tt.data))}
				got, err := io.ReadAll(w)
				if err != nil || string(got) != tt.data {
					t.Fatalf("ReadAll = %q, %v", got, err)
				}
				if w.bad != tt.bad {
					t.Errorf("bad = %v, want %v", w.bad, tt.bad)
				}
			})
		}
	}
}

// TestValidUTF8 holds the fast check to utf8.Valid on the cases where
// they could part: runs of ASCII longer than its 16-byte step around the
// character that is checked on its own.
func TestValidUTF8(t *testing.T) {
	long := strings.Repeat("Kerkstraat 12;", 3)
	tests := []string{
		"", "a", long, long + "België" + long, "Liège;" + long + "é",
		"\uFFFD" + long, "😀" + long + "😀", "\U0010FFFF",
		long + "\xed\xa0\x80" + long,  // a surrogate
		long + "\xf4\x90\x80\x80",     // past U+10FFFF
		long[:17] + "\xc0\xaf" + long, // overlong
		long[:15] + "\xff",
		long + "\xe2\x82" + long, // cut short before ASCII
		long + "\x80",
	}
	for _, s := range tests {
		if got, want := validUTF8([]byte(s)), utf8.Valid([]byte(s)); got != want {
			t.Errorf("validUTF8(%q) = %v, utf8.Valid says %v", s, got, want)
		}
	}
}

// srcChunkReader returns its data in reads of the sizes given in turn.
type srcChunkReader struct {
	data  []byte
	sizes []byte
	i     int
}

func (c *srcChunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(c.sizes) > 0 {
		n = int(c.sizes[c.i%len(c.sizes)]) + 1
		c.i++
	}
	n = min(n, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// FuzzUTF8Watch checks the chunked UTF-8 check against utf8.Valid for any
// bytes cut into any reads.
func FuzzUTF8Watch(f *testing.F) {
	f.Add([]byte("Zoë €"), []byte{0, 1, 2})
	f.Add([]byte("a\xe2\x82"), []byte{1})
	f.Add([]byte("\xf0\x9d\x84\x9e\xc3"), []byte{2, 0})
	f.Fuzz(func(t *testing.T, data, sizes []byte) {
		w := &utf8Watch{r: &srcChunkReader{data: data, sizes: sizes}}
		got, err := io.ReadAll(w)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("ReadAll = %q, %v", got, err)
		}
		if w.bad == utf8.Valid(data) {
			t.Fatalf("bad = %v for %q cut %v", w.bad, data, sizes)
		}
	})
}

// FuzzCSVSource feeds arbitrary bytes to the CSV source: it must never
// panic, every error must be an *row.InputError, and every record must fit the
// header and come after it.
func FuzzCSVSource(f *testing.F) {
	f.Add([]byte("id;name\r\n1;a\r\n"))
	f.Add([]byte("\xEF\xBB\xBFa,b\n\"x\ny\",2\n"))
	f.Add([]byte("\xFF\xFEa\x00;\x00b\x00\n\x001\x00;\x002\x00"))
	f.Add([]byte("title\n\nid|name\n1|'=x\n2|\"unclosed\n"))
	f.Add([]byte("a\tb\r1\t2\r"))
	f.Add([]byte("Caf\xe9;x\n1;\"a\"b\n"))
	f.Add([]byte("a;b;c\n1;2;3\nTotal;;\n;;\nSom;;\n4;5;6\nTotaal: 2;;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := OpenSource(path, SourceOptions{})
		var ie *row.InputError
		if err != nil {
			if !errors.As(err, &ie) {
				t.Fatalf("OpenSource error %T: %v", err, err)
			}
			return
		}
		defer s.Close()
		width, prev := len(s.Header()), s.HeaderRow()
		for {
			rec, err := s.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if !errors.As(err, &ie) {
					t.Fatalf("Next error %T: %v", err, err)
				}
				return
			}
			if len(rec.Values) != width || rec.Row <= prev {
				t.Fatalf("record %+v after row %d, header width %d", rec, prev, width)
			}
			prev = rec.Row
		}
	})
}

// srcBenchRows is the size of the benchmark CSV: large enough to dwarf the
// header search, small enough to generate in a blink.
const srcBenchRows = 200_000

// srcBenchFile writes a `;` export of srcBenchRows rows like the ones
// clients send (about 110 bytes a row).
func srcBenchFile(b *testing.B) string {
	b.Helper()
	var buf bytes.Buffer
	buf.WriteString("Klant ID;Klantnummer;Naam;BTW-nummer;Adres;Postcode;Gemeente;Land;Telefoon;E-mail\r\n")
	for i := range srcBenchRows {
		id := 1001 + i
		fmt.Fprintf(&buf, "%d;K-%05d;Bakkerij Peeters %d;BE0401357987;Kerkstraat %d bus 3;9000;Gent;België;+32 2 100 10 20;info@klant%d.example\r\n",
			id, id, id, i%200, id)
	}
	return srcWriteFile(b, "bench.csv", buf.Bytes())
}

// BenchmarkCSVSource reads the benchmark file through OpenSource: the
// figure to hold against BenchmarkCSVBareRead.
func BenchmarkCSVSource(b *testing.B) {
	path := srcBenchFile(b)
	b.ReportAllocs()
	for b.Loop() {
		s, err := OpenSource(path, SourceOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		s.Close()
		if n != srcBenchRows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(srcBenchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSVBareRead is the floor: encoding/csv alone over the same file.
func BenchmarkCSVBareRead(b *testing.B) {
	path := srcBenchFile(b)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(bufio.NewReaderSize(f, csvSampleSize))
		r.Comma, r.FieldsPerRecord, r.ReuseRecord = ';', -1, true
		n := 0
		for {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		if n != srcBenchRows+1 {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(srcBenchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// closeTwice checks that a source closes cleanly, and that closing it again
// (a deferred Close after an explicit one) is harmless.
func closeTwice(t *testing.T, s Source) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
