package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCompletionCommand: a script for each shell, and an error naming the
// shells for anything else.
func TestCompletionCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string // each in stdout
		wantErr  string   // in stderr
	}{
		{"bash", []string{"completion", "bash"}, 0, []string{"__start_owr-import", "__complete"}, ""},
		{"zsh", []string{"completion", "zsh"}, 0, []string{"#compdef owr-import"}, ""},
		{"fish", []string{"completion", "fish"}, 0, []string{"complete -c owr-import"}, ""},
		{"powershell", []string{"completion", "powershell"}, 0,
			[]string{"Register-ArgumentCompleter -CommandName 'owr-import' ", "Register-ArgumentCompleter -CommandName 'owr-import.exe' "}, ""},
		{"PowerShell as Windows spells it", []string{"completion", "PowerShell"}, 0, []string{"Register-ArgumentCompleter"}, ""},
		{"a shell not supported", []string{"completion", "tcsh"}, 2, nil, `"tcsh": the shells supported are bash, zsh, fish and powershell`},
		{"no shell", []string{"completion"}, 2, nil, "name the shell: bash, zsh, fish or powershell"},
		{"two shells", []string{"completion", "bash", "zsh"}, 2, nil, "name the shell: bash, zsh, fish or powershell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.wantCode, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			if tt.wantErr != "" && !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
			if tt.wantCode != 0 && out != "" {
				t.Errorf("an error also printed to stdout: %q", out)
			}
		})
	}
}

// Directives as __complete prints them (":4" after the candidates).
const (
	noFiles   = ":4"
	onlyExts  = ":8"
	shellDflt = ":0"
)

// TestFlagCompletion asks the CLI for completions in-process, as a shell
// does through the hidden __complete command.
func TestFlagCompletion(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "export.xlsx")
	f := excelize.NewFile()
	_ = f.SetSheetName("Sheet1", "Info")
	for _, name := range []string{"Klanten 2026", "R&D", "Lookup"} {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetVisible("Lookup", false); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	upper := filepath.Join(dir, "EXPORT.XLSX")
	copyFile(t, book, upper)
	garbage := filepath.Join(dir, "garbage.xlsx")
	if err := os.WriteFile(garbage, []byte("this is no workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	noBook := filepath.Join(dir, "noworkbook.xlsx")
	writeZip(t, noBook, map[string]string{"hello.txt": "hi"})
	badXML := filepath.Join(dir, "badxml.xlsx")
	writeZip(t, badXML, map[string]string{"xl/workbook.xml": `<workbook><sheets><sheet name="A"/><sheet name=`})
	csv := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(csv, []byte("a;b\n1;2\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want []string // the lines __complete prints, its directive last
	}{
		{"run --env", []string{"run", book, "--env", ""},
			[]string{"dev\tOnlinewerkrooster's dev environment (rehearsals)", "prod\tOnlinewerkrooster's production environment", noFiles}},
		{"status --env p", []string{"status", "--env", "p"}, []string{"prod\tOnlinewerkrooster's production environment", noFiles}},
		{"run --env=d", []string{"run", "--env=d"}, []string{"dev\tOnlinewerkrooster's dev environment (rehearsals)", noFiles}},
		{"run --env x", []string{"run", "--env", "x"}, []string{noFiles}},
		{"run --mapping", []string{"run", book, "--mapping", ""}, []string{"yaml", "yml", onlyExts}},
		{"validate -m", []string{"validate", book, "-m", ""}, []string{"yaml", "yml", onlyExts}},
		{"run --sheet: the visible sheets", []string{"run", book, "--sheet", ""}, []string{"Info", "Klanten 2026", "R&D", noFiles}},
		{"validate --sheet K", []string{"validate", book, "--mapping", "m.yaml", "--sheet", "k"}, []string{"Klanten 2026", noFiles}},
		{"mapping init --sheet", []string{"mapping", "init", book, "--sheet", ""}, []string{"Info", "Klanten 2026", "R&D", noFiles}},
		{"an .XLSX in capitals", []string{"run", upper, "--sheet", "R"}, []string{"R&D", noFiles}},
		{"--sheet before FILE is typed", []string{"run", "--sheet", ""}, []string{noFiles}},
		{"--sheet of a CSV", []string{"run", csv, "--sheet", ""}, []string{noFiles}},
		{"--sheet of a missing file", []string{"run", filepath.Join(dir, "nope.xlsx"), "--sheet", ""}, []string{noFiles}},
		{"--sheet of garbage", []string{"run", garbage, "--sheet", ""}, []string{noFiles}},
		{"--sheet of a zip without a workbook", []string{"run", noBook, "--sheet", ""}, []string{noFiles}},
		{"--sheet of a cut-off workbook part", []string{"run", badXML, "--sheet", ""}, []string{noFiles}},
		{"--sheet of a folder", []string{"run", dir, "--sheet", ""}, []string{noFiles}},
		{"a flag with no completion", []string{"run", book, "--rate", ""}, []string{shellDflt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, append([]string{"__complete"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\nstderr: %s", code, errOut)
			}
			got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
