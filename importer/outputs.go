package importer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"owr-import/importer/row"
	"owr-import/mapping"
)

// Columns appended to the result files. owr_row is the row of the
// migration's original export, so a row of a results or failed-rows file can
// always be traced back to the client's export, even after the rows were
// filtered, re-sorted or fed back; owr_file names the file that settled the
// row (the export, its failed-rows file, a corrected export).
//
// The owr_api_* columns (previewColumns) close the results of validate and
// run: the value of each field the mapping works out (mapping.Preview) as
// the row is (or would be) sent: the id read as a number, the split street,
// the normalised VAT number, the country filled in, so those can be checked
// beside the client's cells before anything is sent. The failed-rows file
// leaves them out: it is the file a person corrects, and a value there that
// no longer follows the cells would mislead.
var (
	runResultColumns = []string{
		"owr_row", "owr_status", "owr_customer_id", "owr_company_id",
		"owr_http_status", "owr_error_code", "owr_error", "owr_attempts", "owr_file",
	}
	failedColumns         = []string{"owr_row", "owr_status", "owr_error"}
	validateResultColumns = []string{"owr_row", "owr_status", "owr_error"}
	okStatuses            = []string{string(row.StatusCreated), string(row.StatusSkipped), string(row.StatusValid)}
)

// previewColumns names the values as sent after the columns before: owr_api_
// and the field as a mapping file spells it (owr_api_address.street).
func previewColumns(before []string, p mapping.Preview) []string {
	cols := append([]string(nil), before...)
	for _, n := range p.Names() {
		cols = append(cols, "owr_api_"+n)
	}
	return cols
}

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

// resultPaths are the migration's two result files, named after its
// original export: NAME.results.EXT (every row, its latest status and
// customerId) and NAME.failed.EXT (what is still open). Feeding back the
// failed-rows file, or a corrected export under another name, refreshes the
// same two files.
type resultPaths struct {
	Results string
	Failed  string
}

// resultNames names the result files of a migration whose original export
// is original, in dir.
func resultNames(dir, original string) resultPaths {
	base := filepath.Base(original)
	ext := strings.ToLower(filepath.Ext(base))
	name := strings.TrimSuffix(base, filepath.Ext(base))
	format := "." + string(row.FormatCSV)
	if ext == ".xlsx" || ext == ".xlsm" {
		format = "." + string(row.FormatXLSX)
	}
	return resultPaths{
		Results: filepath.Join(dir, name+".results"+format),
		Failed:  filepath.Join(dir, name+".failed"+format),
	}
}

// validatedPath is where `validate` writes its verdicts: NAME.validated.EXT
// beside the input (or in outDir). It is not the migration's results file,
// so checking a file never overwrites the complete result of a migration.
func validatedPath(input, outDir string, format row.Format) (string, error) {
	dir, err := migrationFolder(input, outDir)
	if err != nil {
		return "", err
	}
	base := filepath.Base(input)
	out := filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".validated."+string(format))
	if samePath(out, input) {
		return "", &row.InputError{Path: input, Message: fmt.Sprintf("the output file %s would overwrite the input", filepath.Base(out)),
			Hint: "Rename the input file or pass another --out-dir."}
	}
	return out, nil
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
