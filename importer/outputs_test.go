package importer

import (
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"testing"
)

func TestPlanOutputsNamesAJournalPerAPI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "export.xlsx")
	tests := []struct {
		env, baseURL string
		sandbox      bool
		journal      string
	}{
		{"prod", "", false, "export.journal.csv"},
		{"dev", "", false, "export.dev.journal.csv"},
		{"", "", true, "export.sandbox.journal.csv"},
		{"", "http://127.0.0.1:8080", false, "export.127.0.0.1-8080.journal.csv"},
		{"", "https://api.example.test/", false, "export.api.example.test.journal.csv"},
	}
	for _, tt := range tests {
		p, err := planOutputs(in, "", row.FormatXLSX, JournalTag(tt.env, tt.baseURL, tt.sandbox))
		if err != nil {
			t.Fatal(err)
		}
		if got := filepath.Base(p.Journal); got != tt.journal {
			t.Errorf("env %q url %q sandbox %v: journal %s, want %s", tt.env, tt.baseURL, tt.sandbox, got, tt.journal)
		}
		if filepath.Base(p.Results) != "export.results.xlsx" || filepath.Base(p.Failed) != "export.failed.xlsx" {
			t.Errorf("results %s, failed %s", p.Results, p.Failed)
		}
	}
}

func TestPlanOutputsOutDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "results", "klant-x")
	if _, err := planOutputs("export.csv", missing, row.FormatCSV, ""); err != nil {
		t.Fatalf("a missing --out-dir: %v, want it created", err)
	}
	if st, err := os.Stat(missing); err != nil || !st.IsDir() {
		t.Fatalf("--out-dir not created: %v", err)
	}
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := planOutputs("export.csv", file, row.FormatCSV, ""); err == nil {
		t.Fatal("no error for an --out-dir that is a file")
	}
}

func TestPlanOutputsStayInOutDir(t *testing.T) {
	outDir := t.TempDir()
	for _, in := range []string{
		filepath.Join(t.TempDir(), "..", "export.csv"),
		"../../export.csv",
		filepath.Join("a", "b", "..", "..", "..", "klanten lijst.csv"),
	} {
		p, err := planOutputs(in, outDir, row.FormatCSV, "dev")
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{p.Results, p.Failed, p.Journal} {
			if filepath.Dir(out) != outDir {
				t.Errorf("input %s: output %s is outside --out-dir %s", in, out, outDir)
			}
		}
	}
}
