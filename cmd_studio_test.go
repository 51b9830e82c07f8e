package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDefaultArgs: a double-click opens the studio, an export dropped on
// the program opens it in the studio; anything else runs as typed.
func TestDefaultArgs(t *testing.T) {
	export := filepath.Join(t.TempDir(), "export.xlsx")
	os.WriteFile(export, []byte("x"), 0o644)
	tests := []struct {
		name        string
		args        []string
		doubleClick bool
		wantS       []string
	}{
		{"double-click", nil, true, []string{"studio"}},
		{"an export dropped on the program", []string{export}, true, []string{"studio", export}},
		{"typed, no arguments: the help", nil, false, nil},
		{"typed", []string{"version"}, false, []string{"version"}},
		{"typed, a file", []string{export}, false, []string{export}},
		{"desktop with a command", []string{"version"}, true, []string{"version"}},
	}
	for _, tt := range tests {
		if got := defaultArgs(tt.args, tt.doubleClick); !slices.Equal(got, tt.wantS) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.wantS)
		}
	}
}

func TestStudioFolder(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	file := filepath.Join(dir, "k.csv")
	os.WriteFile(file, []byte("a\n1\n"), 0o644)
	tests := []struct {
		name, file, outDir string
		wantDir, wantName  string
		wantErr            string
	}{
		{"nothing", "", "", "", "", ""},
		{"out-dir only", "", other, other, "", ""},
		{"file: its folder", file, "", dir, "k.csv", ""},
		{"file in out-dir", file, dir, dir, "k.csv", ""},
		{"file elsewhere", file, other, "", "", "not in the migration folder"},
		{"missing file", filepath.Join(dir, "nope.csv"), "", "", "", "file not found"},
	}
	for _, tt := range tests {
		d, n, err := studioFolder(tt.file, tt.outDir)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || d != tt.wantDir || n != tt.wantName {
			t.Errorf("%s: (%q, %q, %v), want (%q, %q)", tt.name, d, n, err, tt.wantDir, tt.wantName)
		}
	}
}

func TestStudioHelp(t *testing.T) {
	code, out, _ := runCLI(t, nil, "studio", "--help")
	if code != 0 || !strings.Contains(out, "127.0.0.1") || !strings.Contains(out, "--no-browser") {
		t.Errorf("studio --help: %d\n%s", code, out)
	}
}

// TestStudioProcess: `owr-import studio --no-browser` prints an address
// that opens the page, and stops with exit code 0 when the page says so.
func TestStudioProcess(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "studio", "--no-browser", "--out-dir", t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var addr string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "http://127.0.0.1:") {
			addr = line
			break
		}
	}
	if addr == "" {
		t.Fatal("no address printed")
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "app.js") {
		t.Fatalf("the page: %s\n%s", res.Status, page)
	}
	origin, _, _ := strings.Cut(strings.TrimPrefix(addr, "http://"), "/")
	req, _ := http.NewRequest("POST", "http://"+origin+"/api/quit", nil)
	req.Header.Set("Origin", "http://"+origin)
	if res, err = c.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("quit: %v %v", err, res)
	}
	res.Body.Close()
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		t.Errorf("the studio ended with %v", err)
	}
}
