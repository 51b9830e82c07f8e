package source

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestVisibleSheets: the sheets Excel shows, in order; nothing, and no
// panic, for what is not a readable workbook.
func TestVisibleSheets(t *testing.T) {
	f := excelize.NewFile()
	for _, name := range []string{"Klanten", "Verborgen", "Totalen"} {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetVisible("Verborgen", false); err != nil {
		t.Fatal(err)
	}
	book := srcSave(t, f, "export.xlsx")
	if got := VisibleSheets(book); !slices.Equal(got, []string{"Sheet1", "Klanten", "Totalen"}) {
		t.Errorf("VisibleSheets = %q", got)
	}
	dir := t.TempDir()
	for name, data := range map[string]string{"text.xlsx": "not a zip", "export.csv": "a;b\n", "cut.xlsx": ""} {
		p := filepath.Join(dir, name)
		if name == "cut.xlsx" {
			full, _ := os.ReadFile(book)
			data = string(full[:len(full)/2])
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := VisibleSheets(p); got != nil {
			t.Errorf("%s: %q, want nil", name, got)
		}
	}
}
