package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDefaultArgs: a double-click (no arguments, no terminal) opens the
// studio; anything else runs as typed.
func TestDefaultArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		tty   bool
		wantS []string
	}{
		{"double-click", nil, false, []string{"studio"}},
		{"terminal, no arguments: the help", nil, true, nil},
		{"arguments from a script", []string{"version"}, false, []string{"version"}},
	}
	for _, tt := range tests {
		if got := defaultArgs(tt.args, tt.tty); !slices.Equal(got, tt.wantS) {
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
