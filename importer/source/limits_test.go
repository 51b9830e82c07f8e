package source

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"owr-import/importer/row"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The hostile inputs below are built by the tests themselves: small files
// that inflate (zip entries whose deflate stream repeats one compressed
// chunk) or large files written to a temporary folder; nothing big is
// committed. Each is read in a child process (the test binary run again)
// so its peak memory can be measured on its own.

// srcPart is one entry of a zip built by srcInflatingZip: head, then body
// copies times, then tail, deflated without compressing every copy.
type srcPart struct {
	name             string
	head, body, tail string
	copies           int
	declared         int64 // >0: the uncompressed size the entry claims instead of its true one
}

// srcInflatingZip builds a zip archive of parts. A part's repeated body is
// compressed once: each copy of the compressed chunk ends on a sync flush,
// so the copies chain into one valid deflate stream.
func srcInflatingZip(t testing.TB, parts []srcPart) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		var head, chunk, tail bytes.Buffer
		for _, seg := range []struct {
			dst   *bytes.Buffer
			plain string
		}{{&head, p.head}, {&chunk, p.body}, {&tail, p.tail}} {
			fw, _ := flate.NewWriter(seg.dst, flate.BestCompression)
			if _, err := io.WriteString(fw, seg.plain); err != nil {
				t.Fatal(err)
			}
			if err := fw.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		copies := p.copies
		if p.body == "" {
			copies = 0
		}
		crc := crc32.Update(0, crc32.IEEETable, []byte(p.head))
		body := []byte(p.body)
		for range copies {
			crc = crc32.Update(crc, crc32.IEEETable, body)
		}
		crc = crc32.Update(crc, crc32.IEEETable, []byte(p.tail))
		size := int64(len(p.head)) + int64(len(p.body))*int64(copies) + int64(len(p.tail))
		if p.declared > 0 {
			size = p.declared
		}
		compressed := head.Len() + chunk.Len()*copies + tail.Len() + 2
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(compressed), UncompressedSize64: uint64(size)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(head.Bytes())
		for range copies {
			w.Write(chunk.Bytes())
		}
		w.Write(tail.Bytes())
		w.Write([]byte{0x03, 0x00}) // an empty final block
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const (
	srcNSMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	srcNSRels = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	srcRelDoc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

// srcSheetHead and srcSheetTail frame the rows of a minimal sheet whose
// header is "Klant ID", "Naam".
const (
	srcSheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + srcNSMain + `><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Klant ID</t></is></c><c r="B1" t="inlineStr"><is><t>Naam</t></is></c></row>`
	srcSheetTail = `</sheetData></worksheet>`
)

// srcWorkbookParts are the parts of a minimal one-sheet workbook around
// its sheet and shared strings (sheet "Klanten", xl/worksheets/sheet1.xml).
func srcWorkbookParts(sheet srcPart, more ...srcPart) []srcPart {
	sheet.name = "xl/worksheets/sheet1.xml"
	parts := []srcPart{
		{name: "[Content_Types].xml", head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{name: "_rels/.rels", head: `<Relationships ` + srcNSRels + `><Relationship Id="rId1" Type="` + srcRelDoc + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", head: `<workbook ` + srcNSMain + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Klanten" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", head: `<Relationships ` + srcNSRels + `><Relationship Id="rId1" Type="` + srcRelDoc + `worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + srcRelDoc + `sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		sheet,
	}
	return append(parts, more...)
}

// srcDataRow is a sheet row with id 1001 and the name in shared string 0.
const srcDataRow = `<row r="2"><c r="A2"><v>1001</v></c><c r="B2" t="s"><v>0</v></c></row>`

// srcSharedStrings is a shared-strings part holding "Peeters" then body
// copies times.
func srcSharedStrings(body string, copies int) srcPart {
	return srcPart{name: "xl/sharedStrings.xml", head: `<sst ` + srcNSMain + `><si><t>Peeters</t></si>`, body: body, copies: copies, tail: `</sst>`}
}

// srcFileMaker writes one hostile input to path.
type srcFileMaker func(t testing.TB, path string)

func srcZipFile(parts ...srcPart) srcFileMaker {
	return func(t testing.TB, path string) {
		if err := os.WriteFile(path, srcInflatingZip(t, parts), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// srcBigFile writes head, then body repeated until the file has size
// bytes, then tail.
func srcBigFile(head, body, tail string, size int) srcFileMaker {
	return func(t testing.TB, path string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString(head)
		for n := len(head); n < size-len(tail); n += len(body) {
			w.WriteString(body)
		}
		w.WriteString(tail)
		if err := errors.Join(w.Flush(), f.Close()); err != nil {
			t.Fatal(err)
		}
	}
}

// srcPeakResult is what the child process reports.
type srcPeakResult struct {
	Rows       int
	Err        string
	InputError bool
	PeakKB     int64 // VmHWM; 0 where /proc is missing
}

// srcPeakLimitMB is the memory every hostile input must stay under, the
// whole process included.
const srcPeakLimitMB = 300

// srcLimitCase is one hostile input and what reading it must give.
type srcLimitCase struct {
	name string
	file string
	make srcFileMaker
	rows int      // rows read when no error is expected
	want []string // in the error; nil: no error expected
}

func srcLimitCases() []srcLimitCase {
	zeros := strings.Repeat("\x00", 1<<20)
	// Large CSV files show that memory does not grow with the file; under
	// the race detector, where memory is not checked, smaller ones do.
	bigCSV, junkMB := 100<<20, 16
	if srcRace {
		bigCSV, junkMB = 16<<20, 1
	}
	return []srcLimitCase{
		{name: "CSV header with 5 million columns", file: "wide.csv",
			make: srcBigFile("", "a,", "\n1,2\n", 10<<20), want: []string{"row 1", "16,384 columns"}},
		{name: "CSV of 100 MB with an unclosed quote on row 5", file: "quote.csv",
			make: srcBigFile("id;naam\n1;a\n2;b\n3;c\n4;\"never closed\n", "1001;Bakkerij Peeters\n", "", bigCSV),
			want: []string{"row 5", "4 MB"}},
		{name: "CSV line of 100 MB without separators", file: "line.csv",
			make: srcBigFile("id;naam\n1;", "A", "\n", bigCSV), want: []string{"row 2", "4 MB"}},
		{name: "XLSX with an unused part of 1 GB", file: "unused.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail},
				srcSharedStrings("", 0), srcPart{name: "xl/media/video.bin", body: zeros, copies: 1024})...),
			rows: 1},
		{name: "XLSX with a calcChain of 400 MB", file: "calcchain.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail},
				srcSharedStrings("", 0), srcPart{name: "xl/calcChain.xml", head: `<calcChain ` + srcNSMain + `>`,
					body: strings.Repeat(`<c r="A1" i="1"/>`, 1<<16), copies: 400, tail: `</calcChain>`})...),
			rows: 1},
		{name: "XLSX with 40 million shared strings", file: "strings.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail},
				srcSharedStrings(strings.Repeat("<si><t>x</t></si>", 1<<16), 40_000_000>>16))...),
			want: []string{"shared strings", "128 MB"}},
		{name: "XLSX with 3 million short shared strings", file: "strings3m.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail},
				srcSharedStrings(strings.Repeat("<si><t>x</t></si>", 1<<16), 3_000_000>>16))...),
			want: []string{"shared strings", "2,000,000"}},
		{name: "XLSX with one shared string of 300 MB", file: "bigstring.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail},
				srcPart{name: "xl/sharedStrings.xml", head: `<sst ` + srcNSMain + `><si><t>`, body: strings.Repeat("A", 1<<20), copies: 300, tail: `</t></si></sst>`})...),
			want: []string{"shared strings", "128 MB"}},
		{name: "XLSX with one shared string of 100 MB", file: "bigstring100.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail},
				srcPart{name: "xl/sharedStrings.xml", head: `<sst ` + srcNSMain + `><si><t>Peeters</t></si><si><t>`, body: strings.Repeat("A", 1<<20), copies: 100, tail: `</t></si></sst>`})...),
			want: []string{"shared string 2", "2 MB"}},
		// Within the limits, but no rows: read to the end at excelize's pace,
		// about 10 MB a second (25 s for maxSheetXMLBytes).
		{name: "XLSX sheet of 16 MB of elements that are not rows", file: "junk.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow, body: strings.Repeat(`<x/>`, 1<<16), copies: 4 * junkMB, tail: srcSheetTail},
				srcSharedStrings("", 0))...),
			rows: 1},
		{name: "XLSX with one cell of 200 MB", file: "bigcell.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + `<row r="2"><c r="A2"><v>1001</v></c><c r="B2" t="inlineStr"><is><t>`,
				body: strings.Repeat("A", 1<<20), copies: 200, tail: `</t></is></c></row>` + srcSheetTail}, srcSharedStrings("", 0))...),
			want: []string{`sheet "Klanten"`, "B2", "2 MB"}},
		{name: "XLSX sheet of 3 GB", file: "bigsheet.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead, body: strings.Repeat(`<row><c><v>1</v></c></row>`, 1<<16), copies: 1800, tail: srcSheetTail},
				srcSharedStrings("", 0))...),
			want: []string{`sheet "Klanten"`, "256 MB"}},
		{name: "XLSX row of 10 million cells", file: "widerow.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + `<row r="2">`, body: strings.Repeat(`<c><v>1</v></c>`, 1<<16), copies: 160, tail: `</row>` + srcSheetTail},
				srcSharedStrings("", 0))...),
			want: []string{`sheet "Klanten"`, "row 2", "16,384"}},
		{name: "XLSX nested 10 million deep", file: "deep.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + `<row r="2"><c r="A2" t="inlineStr"><is>`, body: strings.Repeat(`<r>`, 1<<16), copies: 160, tail: ``},
				srcSharedStrings("", 0))...),
			want: []string{`sheet "Klanten"`, "nested"}},
		{name: "XLSX part that unpacks to more than it claims", file: "liar.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow, body: strings.Repeat(`<row><c><v>1</v></c></row>`, 1<<16), copies: 1000, tail: srcSheetTail, declared: 1 << 20},
				srcSharedStrings("", 0))...),
			want: []string{"damaged"}},
		{name: "XLSX styles of 200 MB", file: "styles.xlsx",
			make: srcZipFile(srcWorkbookParts(srcPart{head: srcSheetHead + srcDataRow + srcSheetTail}, srcSharedStrings("", 0),
				srcPart{name: "xl/styles.xml", head: `<styleSheet ` + srcNSMain + `><cellXfs>`, body: strings.Repeat(`<xf numFmtId="0"/>`, 1<<16), copies: 180, tail: `</cellXfs></styleSheet>`})...),
			want: []string{"xl/styles.xml", "16 MB"}},
	}
}

// TestHostileInputsBounded reads each hostile input in a child process: it
// must end within seconds with the rows or the *row.InputError expected,
// naming the limit and the place, and the child's peak memory must stay
// under srcPeakLimitMB (not checked under the race detector, which
// multiplies memory). The peaks are logged.
func TestHostileInputsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes files of up to 100 MB")
	}
	for _, c := range srcLimitCases() {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.file)
			c.make(t, path)
			res, took := srcReadInChild(t, path)
			t.Logf("%s: peak %d MB, %.2f s, rows %d, error: %.300s", c.name, res.PeakKB>>10, took.Seconds(), res.Rows, res.Err)
			if c.want == nil {
				if res.Err != "" || res.Rows != c.rows {
					t.Errorf("rows %d, error %q; want %d rows and no error", res.Rows, res.Err, c.rows)
				}
			} else {
				if !res.InputError {
					t.Errorf("error %q is not a *row.InputError", res.Err)
				}
				for _, w := range c.want {
					if !strings.Contains(res.Err, w) {
						t.Errorf("error %q does not name %q", res.Err, w)
					}
				}
			}
			limit := 20 * time.Second
			if srcRace {
				limit *= 4
			}
			if took > limit {
				t.Errorf("took %s", took)
			}
			if !srcRace && res.PeakKB > srcPeakLimitMB<<10 {
				t.Errorf("peak memory %d MB, want under %d MB", res.PeakKB>>10, srcPeakLimitMB)
			}
		})
	}
}

// srcReadInChild runs TestSourcePeakChild on path in a child process.
func srcReadInChild(t *testing.T, path string) (srcPeakResult, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSourcePeakChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "OWR_SOURCE_PEAK_FILE="+path, "GOMAXPROCS=2")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	line, _, _ := strings.Cut(stdout.String(), "\n")
	var res srcPeakResult
	if jerr := json.Unmarshal([]byte(strings.TrimPrefix(line, "PEAK ")), &res); jerr != nil || !strings.HasPrefix(line, "PEAK ") {
		t.Fatalf("child: %v\nstdout: %.2000s\nstderr: %.2000s", err, stdout.String(), stderr.String())
	}
	return res, took
}

// TestSourcePeakChild is the child of TestHostileInputsBounded: it reads the
// file named by OWR_SOURCE_PEAK_FILE and prints one PEAK line.
func TestSourcePeakChild(t *testing.T) {
	path := os.Getenv("OWR_SOURCE_PEAK_FILE")
	if path == "" {
		t.Skip("run by TestHostileInputsBounded")
	}
	var res srcPeakResult
	s, err := OpenSource(path, SourceOptions{})
	if err == nil {
		for {
			_, err = s.Next()
			if err != nil {
				break
			}
			res.Rows++
		}
		s.Close()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		res.Err = err.Error()
		var ie *row.InputError
		res.InputError = errors.As(err, &ie)
	}
	res.PeakKB = srcVmHWM()
	b, _ := json.Marshal(res)
	fmt.Printf("PEAK %s\n", b)
}

// srcVmHWM is this process's peak resident memory in KiB, from Linux's
// /proc; 0 elsewhere.
func srcVmHWM() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// TestCSVRowLimits holds the CSV row limits to their edges: what a
// spreadsheet can make reads, what it cannot is refused naming the row.
func TestCSVRowLimits(t *testing.T) {
	names := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, "c%d", i+1)
		}
		return b.String()
	}
	semicolons := strings.Repeat("a;", 50_000)
	tests := []struct {
		name    string
		data    func() string
		rows    int      // rows read when no error is wanted
		lastRow int      // row number of the last row read
		want    []string // in the error; nil: no error
	}{
		{name: "16,384 columns, as many as Excel has", data: func() string { return names(maxColumns) + "\n1;2\n" }, rows: 1, lastRow: 2},
		{name: "16,385 columns", data: func() string { return "id\n1\n" + names(maxColumns+1) + "\n" },
			want: []string{"row 3", "16,385 columns", "at most 16,384"}},
		{name: "a quoted note with 50,000 semicolons is one value", data: func() string { return "id;note\n1;\"" + semicolons + "\"\n2;x\n" }, rows: 2, lastRow: 3},
		{name: "5 MB of blank lines between two rows", data: func() string { return "id;naam\n1;a\n" + strings.Repeat("\n", 5<<20) + "2;b\n" },
			rows: 2, lastRow: 3 + 5<<20},
		{name: "5 MB of blank CRLF lines before the first row", data: func() string { return strings.Repeat("\r\n", 5<<19) + "id;naam\r\n1;a\r\n" },
			rows: 1, lastRow: 2 + 5<<19},
		{name: "a row of three cells of 0.9 MB", data: func() string {
			c := strings.Repeat("x", 900<<10)
			return "a;b;c\n" + c + ";" + c + ";" + c + "\n"
		}, rows: 1, lastRow: 2},
		{name: "a quoted value of 1.5 MB over many lines is a cell too large", data: func() string {
			return "id;note\n1;\"" + strings.Repeat("line\n", 300_000) + "\"\n"
		}, want: []string{"row 2", "column 2", "1.4 MB"}},
		{name: "a quote that never closes, on one line", data: func() string { return "id;note\n1;a\n2;\"" + strings.Repeat("A", 5<<20) },
			want: []string{"row 3", "not closed", "line 3"}},
		{name: "a quote that never closes, over many lines", data: func() string { return "id;note\n1;\"x\n" + strings.Repeat("2;y\n", 2<<20) },
			want: []string{"row 2", "not closed", "line 2"}},
		{name: "a header cell of 2 MB", data: func() string { return "id;" + strings.Repeat("N", 2<<20) + "\n1;2\n" },
			want: []string{"row 1", "column 2", "2.0 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := srcWriteFile(t, "a.csv", []byte(tt.data()))
			s, err := OpenSource(path, SourceOptions{Delimiter: ';'})
			var recs []row.Record
			if err == nil {
				defer s.Close()
				for {
					var rec row.Record
					if rec, err = s.Next(); err != nil {
						break
					}
					recs = append(recs, rec)
				}
			}
			if tt.want == nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("error %v", err)
				}
				if len(recs) != tt.rows || recs[len(recs)-1].Row != tt.lastRow {
					t.Fatalf("%d rows, the last numbered %d; want %d, %d", len(recs), recs[len(recs)-1].Row, tt.rows, tt.lastRow)
				}
				return
			}
			var ie *row.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want *row.InputError", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(ie.Error(), w) {
					t.Errorf("error %q lacks %q", ie.Error(), w)
				}
			}
		})
	}
}

func TestBlankRuns(t *testing.T) {
	var b blankRuns
	at := int64(0)
	feed := func(s string) {
		b.add([]byte(s), at)
		at += int64(len(s))
	}
	feed("id\n1\n")                                // 0..5: rows end at 3 and 5
	feed(strings.Repeat("\n", longBlankRun))       // 5..
	feed(strings.Repeat("\n", 10) + "2;" + "\r\n") // content at 5+longBlankRun+10
	content := int64(5 + longBlankRun + 10)
	if got := b.rowBytes(5, at); got != at-content {
		t.Errorf("rowBytes after a long blank run = %d, want %d", got, at-content)
	}
	if got := b.rowBytes(at, at); got != 0 {
		t.Errorf("rowBytes at the end = %d", got)
	}
	feed("\n\n")
	if got := b.rowBytes(at-3, at); got != 0 {
		t.Errorf("rowBytes over trailing line ends = %d", got)
	}
}
