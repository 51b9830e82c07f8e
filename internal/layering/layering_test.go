package layering

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowed lists, for every package of the module, the packages of the
// module it may import. A package missing here fails the test, so a new
// package must take its place in the layers on purpose.
var allowed = map[string][]string{
	"owr-import/mapping":          {"internal/display"},
	"owr-import/sandbox":          nil, // plays the other side of the wire: stands alone
	"owr-import/importer/row":     nil,
	"owr-import/importer/formula": nil,
	"owr-import/importer/owrapi":  {"importer/row"},
	"owr-import/importer/ledger":  {"importer/row", "importer/formula"},
	"owr-import/importer/source":  {"importer/row", "importer/formula"},
	"owr-import/importer/report":  {"importer/row", "importer/formula"},
	"owr-import/importer/send":    {"importer/row", "importer/owrapi", "importer/ledger", "internal/clock"},
	"owr-import/importer": {"mapping", "internal/display", "internal/clock", "importer/row", "importer/source", "importer/report",
		"importer/ledger", "importer/owrapi", "importer/send", "importer/pagereport"},
	"owr-import/importer/pagereport": {"importer/row", "importer/ledger", "importer/report", "internal/display"},
	"owr-import/studio": {"importer", "mapping", "importer/source", "importer/ledger", "importer/report", "importer/row", "importer/owrapi",
		"importer/send", "internal/display", "internal/clock", "sandbox"},
	"owr-import/internal/benchdata":   nil,
	"owr-import/internal/sandboxtest": {"sandbox"},
	"owr-import/internal/display":     nil,
	"owr-import/internal/clock":       nil,
	"owr-import/internal/layering":    nil,
	"owr-import": {"mapping", "sandbox", "internal/display", "importer", "importer/row", "importer/source",
		"importer/report", "importer/ledger", "importer/owrapi", "importer/send", "studio"},
}

func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "owr-import/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		may, known := allowed[pkg]
		if !known {
			t.Errorf("%s is not placed in the layers: add it to allowed (and to docs/architecture.md)", pkg)
			continue
		}
		for _, imp := range imports {
			dep, ours := strings.CutPrefix(imp, "owr-import/")
			if !ours {
				continue
			}
			if !slices.Contains(may, dep) {
				t.Errorf("%s imports %s, which its layer may not use", pkg, imp)
			}
		}
	}
}
