package importer

import (
	"fmt"
	"net/url"
	"os"
	"owr-import/importer/row"
	"path/filepath"
	"strings"
)

// Columns appended to every results file. owr_row is the row number in the
// input file, so a row in a results or failed-rows file can always be traced
// back to the client's export even after the rows were filtered or re-sorted.
var (
	runResultColumns = []string{
		"owr_row", "owr_status", "owr_customer_id", "owr_company_id",
		"owr_http_status", "owr_error_code", "owr_error", "owr_attempts",
	}
	failedColumns         = []string{"owr_row", "owr_status", "owr_error"}
	validateResultColumns = []string{"owr_row", "owr_status", "owr_error"}
	okStatuses            = []string{string(row.StatusCreated), string(row.StatusSkipped), string(row.StatusValid)}
)

// inputColumns lists the positions of the input columns that are copied into
// outputs: every column but our own owr_* ones.
func inputColumns(header []string) []int {
	keep := make([]int, 0, len(header))
	for i, h := range header {
		if !row.IsOwrColumn(h) {
			keep = append(keep, i)
		}
	}
	return keep
}

// outputPaths are the files one job reads and writes. They are derived from
// the input name so a second run on the same input finds its journal.
type outputPaths struct {
	Results string
	Failed  string
	Journal string
}

// planOutputs names the output files for input in outDir (the input's folder
// when empty) and refuses any name that would overwrite the input itself.
// journalTag names the API the journal remembers (see JournalTag): rows
// created on dev must not count as created on prod.
func planOutputs(input, outDir string, format row.Format, journalTag string) (outputPaths, error) {
	if outDir == "" {
		outDir = filepath.Dir(input)
	}
	if st, err := os.Stat(outDir); err == nil && !st.IsDir() {
		return outputPaths{}, &row.InputError{Path: outDir, Message: "this is a file, not a folder", Hint: "Pass a folder with --out-dir."}
	} else if err != nil {
		// A folder named for this migration is created as a consultant expects.
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return outputPaths{}, &row.InputError{Path: outDir, Message: "the output folder cannot be created: " + err.Error(), Hint: "Pass another --out-dir."}
		}
	}
	base := filepath.Base(input)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	ext := "." + string(format)
	p := outputPaths{
		Results: filepath.Join(outDir, name+".results"+ext),
		Failed:  filepath.Join(outDir, name+".failed"+ext),
		Journal: filepath.Join(outDir, name+journalInfix(journalTag)+".journal.csv"),
	}
	for _, out := range []string{p.Results, p.Failed, p.Journal} {
		if samePath(out, input) {
			return outputPaths{}, &row.InputError{Path: input, Message: fmt.Sprintf("the output file %s would overwrite the input", filepath.Base(out)), Hint: "rename the input file or pass another --out-dir"}
		}
	}
	return p, nil
}

// samePath reports whether a and b name the same file, also when one of them
// does not exist yet (then by cleaned absolute name, case-insensitively, as
// on the Windows and macOS disks consultants use).
func samePath(a, b string) bool {
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.EqualFold(filepath.Clean(aa), filepath.Clean(ab))
}

// JournalTag says which API a run talks to, for the journal's name: "" for
// prod (NAME.journal.csv, the real job), "dev", "sandbox", or the host and
// port of a --base-url. A rehearsal on dev followed by the import on prod in
// the same folder then keeps two journals, and prod never skips a row
// because dev created it.
func JournalTag(env, baseURL string, sandbox bool) string {
	env = strings.ToLower(strings.TrimSpace(env))
	switch {
	case sandbox:
		return "sandbox"
	case env == "prod":
		return ""
	case env != "":
		return env
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return "custom"
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, u.Host)
}

func journalInfix(tag string) string {
	if tag == "" {
		return ""
	}
	return "." + tag
}
