package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostileInput is a file a client (or a mistake) could hand the tool.
type hostileInput struct {
	name    string
	file    string // name of the input written in the temp dir
	make    func(t *testing.T, path string)
	mapping string // mapping file content; "" = the samples' mapping
	mapDir  bool   // --mapping points at a directory
	want    string // in stderr
	// initOK: mapping init, which reads only the header and the first
	// rows, rightly succeeds on this file.
	initOK bool
}

func writeBytes(b []byte) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const sampleHeader = "Klant ID;Klantnummer;Bedrijfsnaam;BTW-nummer;Adres;Postcode;Gemeente;Land\n"

func hostileInputs() []hostileInput {
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i/13)
	}
	return []hostileInput{
		{name: "empty file", file: "empty.csv", make: writeBytes(nil), want: "empty"},
		{name: "header only", file: "header.csv", make: writeBytes([]byte(sampleHeader)), want: "no data rows", initOK: true},
		{name: "binary garbage named .csv", file: "garbage.csv", make: writeBytes(garbage), want: "garbage.csv"},
		{name: "20 MB single cell", file: "bigcell.csv", make: func(t *testing.T, p string) {
			var b bytes.Buffer
			b.WriteString(sampleHeader)
			b.WriteString("1001;K-1;")
			b.Write(bytes.Repeat([]byte("A"), 20<<20))
			b.WriteString(";BE0417497106;Markt 1;9000;Gent;BE\n")
			writeBytes(b.Bytes())(t, p)
		}, want: "row 2"},
		{name: "100,000 columns", file: "wide.csv", make: func(t *testing.T, p string) {
			var b bytes.Buffer
			for i := range 100000 {
				if i > 0 {
					b.WriteByte(';')
				}
				fmt.Fprintf(&b, "kolom %d", i)
			}
			b.WriteString("\n1;2;3\n")
			writeBytes(b.Bytes())(t, p)
		}, want: "column"},
		{name: "5 million columns in 10 MB", file: "widest.csv", make: func(t *testing.T, p string) {
			writeBytes(append(bytes.Repeat([]byte("a;"), 5_000_000), "\n1;2\n"...))(t, p)
		}, want: "column"},
		{name: "unclosed quote on row 5 of 60 MB", file: "quote.csv", make: func(t *testing.T, p string) {
			var b bytes.Buffer
			b.WriteString(sampleHeader)
			for i := range 3 {
				fmt.Fprintf(&b, "%d;K-%d;Klant;BE0417497106;Markt 1;9000;Gent;BE\n", 1000+i, i)
			}
			b.WriteString("1003;K-3;\"Klant zonder einde;BE0417497106;Markt 1;9000;Gent;BE\n")
			line := []byte("1004;K-4;Klant;BE0417497106;Markt 1;9000;Gent;BE\n")
			for b.Len() < 60<<20 {
				b.Write(line)
			}
			writeBytes(b.Bytes())(t, p)
		}, want: "row 5"},
		{name: "invalid UTF-8 in the middle", file: "mixed.csv", make: func(t *testing.T, p string) {
			var b bytes.Buffer
			b.WriteString(sampleHeader)
			for i := range 5000 {
				fmt.Fprintf(&b, "%d;K-%d;Café %d;BE0417497106;Markt 1;9000;Gent;België\n", 1000+i, i, i)
			}
			b.WriteString("9999;K-x;Caf\xe9 latin1;BE0417497106;Markt 1;9000;Gent;Belgi\xeb\n")
			writeBytes(b.Bytes())(t, p)
		}, want: "row 5002", initOK: true},
		{name: "zip bomb named .xlsx", file: "bomb.xlsx", make: writeZipBomb, want: "bomb.xlsx"},
		{name: "workbook of 200,000 empty parts", file: "parts.xlsx", make: writeManyParts, want: "10,000"},
		{name: "truncated workbook", file: "cut.xlsx", make: func(t *testing.T, p string) {
			data, err := os.ReadFile("samples/customers.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			writeBytes(data[:len(data)/2])(t, p)
		}, want: "cut.xlsx"},
		{name: "YAML bomb as mapping", file: "ok.csv", make: writeBytes([]byte(sampleHeader + "1;K;N;BE0417497106;M 1;9000;Gent;BE\n")),
			mapping: "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
			want:    "mapping.yaml"},
		{name: "deeply nested YAML as mapping", file: "ok.csv", make: writeBytes([]byte(sampleHeader + "1;K;N;BE0417497106;M 1;9000;Gent;BE\n")),
			mapping: "version: 1\nfields: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n",
			want:    "mapping.yaml"},
		{name: "mapping is a directory", file: "ok.csv", make: writeBytes([]byte(sampleHeader + "1;K;N;BE0417497106;M 1;9000;Gent;BE\n")),
			mapDir: true, want: "folder"},
	}
}

// TestHostileInputs feeds each hostile input to the built binary, through
// every command that reads a file (validate, run --dry-run, mapping init),
// each under a 1 GiB address-space limit (ulimit -v): exit code 2, a message
// naming the file, row or limit, no panic or crash, within bounded time and
// memory. Each input's peak memory and time are in the test's output.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and writes large files")
	}
	bin := buildBinary(t)
	for _, in := range hostileInputs() {
		t.Run(in.name, func(t *testing.T) {
			dir := t.TempDir()
			input := filepath.Join(dir, in.file)
			in.make(t, input)
			mapPath := "samples/mapping.yaml"
			if in.mapping != "" {
				mapPath = filepath.Join(dir, "mapping.yaml")
				writeBytes([]byte(in.mapping))(t, mapPath)
			}
			if in.mapDir {
				mapPath = dir
			}
			commands := [][]string{
				{"validate", input, "--mapping", mapPath, "--out-dir", dir},
				{"run", input, "--mapping", mapPath, "--out-dir", dir, "--dry-run"},
			}
			if in.mapping == "" && !in.mapDir && !in.initOK { // the file itself is the problem
				commands = append(commands, []string{"mapping", "init", input, "-o", filepath.Join(dir, "guessed.yaml")})
			}
			for _, args := range commands {
				runHostile(t, bin, args, in.want)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*.validated.*")); len(left) > 0 {
				t.Errorf("a result file was written for an unusable input: %v", left)
			}
		})
	}
}

// hostileAddressSpace is the ulimit -v every hostile run gets, in KiB:
// 1 GiB. The binary is built without cgo, as make build does: a cgo build's
// threads each reserve a C stack and a malloc arena, and under 1 GiB those
// reservations alone made runs needing tens of MB die. The resident peak is
// held to hostilePeak separately.
const hostileAddressSpace = 1 << 20

// hostilePeak is the most resident memory a command may use on any of
// these inputs.
const hostilePeak = 300 << 20

// runHostile runs one command under the memory limit and checks it ends
// with exit 2 and a clear message mentioning want. Its peak resident memory
// is measured by GNU time (installed by .ci/run): the test process's own
// rusage of a child it started would count the test's pages too, since the
// child shares them until it executes the command.
func runHostile(t *testing.T, bin string, args []string, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peakFile := filepath.Join(t.TempDir(), "peak")
	shell := fmt.Sprintf(`ulimit -v %d && exec "$0" "$@"`, hostileAddressSpace)
	argv := append([]string{"-c", shell, bin}, args...)
	timed := false
	if _, err := os.Stat("/usr/bin/time"); err == nil && runtime.GOOS == "linux" {
		argv = append([]string{"-c", shell, "/usr/bin/time", "-f", "%M", "-o", peakFile, bin}, args...)
		timed = true
	}
	cmd := exec.CommandContext(ctx, "bash", argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	_ = cmd.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("%s: still running after %s", args[0], took)
	}
	code := cmd.ProcessState.ExitCode()
	msg := stderr.String()
	peak := "not measured (no /usr/bin/time)"
	if timed {
		data, err := os.ReadFile(peakFile)
		kb, perr := strconv.ParseInt(strings.TrimSpace(lastLine(string(data))), 10, 64)
		if err != nil || perr != nil {
			t.Fatalf("%s: no peak from GNU time: %v %q", args[0], err, data)
		}
		peak = fmt.Sprintf("%d MB", kb>>10)
		if kb<<10 > hostilePeak {
			t.Errorf("%s: peak memory %d MB, more than %d MB", args[0], kb>>10, hostilePeak>>20)
		}
		// GNU time reports the command's exit status itself.
		msg = strings.TrimSuffix(msg, "Command exited with non-zero status 2\n")
	}
	t.Logf("%-8s exit %d in %s, peak %s", args[0], code, took.Round(time.Millisecond), peak)
	if code != 2 {
		t.Errorf("%v: exit code %d, want 2\nstdout: %.500s\nstderr: %.500s", args[:2], code, stdout.String(), msg)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("%s: message %.500q does not mention %q", args[0], msg, want)
	}
	if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") || strings.Contains(msg, "fatal error") || len(msg) > 4000 {
		t.Errorf("%s: not a clear message: %.1000s", args[0], msg)
	}
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// writeManyParts writes a workbook of 200,000 empty entries: 20 MB whose
// zip directory alone would cost the zip reader about 50 MB.
func writeManyParts(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for i := range 200_000 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/media/p%d.bin", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeZipBomb writes a workbook whose sheet inflates to about 2 GB from a
// few MB on disk. The deflate stream is one compressed chunk repeated:
// each copy ends on a sync flush, so the copies chain into one valid stream
// without compressing 2 GB in the test.
func writeZipBomb(t *testing.T, path string) {
	t.Helper()
	plain := bytes.Repeat([]byte("<row></row>"), 1<<16)
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression)
	fw.Write(plain)
	fw.Flush()
	const copies = 3000
	crc := uint32(0)
	for range copies {
		crc = crc32.Update(crc, crc32.IEEETable, plain)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(chunk.Len()*copies + 2),
		UncompressedSize64: uint64(len(plain) * copies),
	})
	if err != nil {
		t.Fatal(err)
	}
	for range copies {
		w.Write(chunk.Bytes())
	}
	w.Write([]byte{0x03, 0x00}) // an empty final block
	zw.Close()
	writeBytes(b.Bytes())(t, path)
}
