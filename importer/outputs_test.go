package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/importer/row"
)

func TestResultNamesFollowTheOriginal(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ original, results, failed string }{
		{"export.xlsx", "export.results.xlsx", "export.failed.xlsx"},
		{"Klanten 2024.CSV", "Klanten 2024.results.csv", "Klanten 2024.failed.csv"},
		{"lijst.txt", "lijst.results.csv", "lijst.failed.csv"},
	}
	for _, tt := range tests {
		p := resultNames(dir, filepath.Join("somewhere", tt.original))
		if p.Results != filepath.Join(dir, tt.results) || p.Failed != filepath.Join(dir, tt.failed) {
			t.Errorf("%s: %s, %s", tt.original, p.Results, p.Failed)
		}
	}
}

func TestMigrationFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "results", "klant-x")
	if _, err := migrationFolder("export.csv", missing); err != nil {
		t.Fatalf("a missing --out-dir: %v, want it created", err)
	}
	if st, err := os.Stat(missing); err != nil || !st.IsDir() {
		t.Fatalf("--out-dir not created: %v", err)
	}
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := migrationFolder("export.csv", file); err == nil {
		t.Fatal("no error for an --out-dir that is a file")
	}
	dangling := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(t.TempDir(), "gone", "away"), dangling); err != nil {
		t.Skip("no symlinks here")
	}
	_, err := migrationFolder("export.csv", dangling)
	if err == nil || !contains(err.Error(), "link to a folder that does not exist") {
		t.Fatalf("a dangling --out-dir: %v", err)
	}
}

func TestValidatedPathStaysInOutDir(t *testing.T) {
	outDir := t.TempDir()
	for _, in := range []string{
		filepath.Join(t.TempDir(), "..", "export.csv"),
		"../../export.csv",
		filepath.Join("a", "b", "..", "..", "..", "klanten lijst.csv"),
	} {
		p, err := validatedPath(in, outDir, row.FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(p) != outDir {
			t.Errorf("input %s: output %s is outside --out-dir %s", in, p, outDir)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
