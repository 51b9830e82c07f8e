package importer

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/pagereport"
)

// reportPagePath is the migration's report page, NAME.report.html beside
// its result files and named after its original export like them.
func reportPagePath(dir, original string) string {
	base := filepath.Base(original)
	return filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".report.html")
}

// writeReportPage writes the migration's report page after its complete
// result, and records it in the ledger like the other result files. The
// page is rewritten by every run and status: it is a view of the ledger,
// not a file to edit. Still, a page someone changed since owr-import wrote
// it is left alone and the new one gets the next free name, as for the
// result files. The page is secondary: when it cannot be written, a note
// says so and the command goes on; only a ledger error is returned.
func (m *migration) writeReportPage(j *ledger.Journal, sum *Summary, command, version, apiTag string) error {
	orig, ok := m.original()
	if !ok {
		return nil
	}
	want := reportPagePath(m.dir, orig.Name)
	path, err := m.place(want, ledger.Input{})
	if err != nil {
		sum.Notes = append(sum.Notes, "the report page was not written: "+err.Error())
		return nil
	}
	if path != want {
		sum.Notes = append(sum.Notes, fmt.Sprintf("%s was changed after owr-import wrote it (or owr-import did not write it), so it is left as it is; the report page is %s instead",
			filepath.Base(want), filepath.Base(path)))
	}
	removeStale(path)
	sum.Files = append(sum.Files, path)
	d, err := pagereport.Build(m.ledger, m.state, pagereport.Meta{Title: orig.Name, Command: command, Version: version, API: apiTag,
		Self: filepath.Base(path), Generated: time.Now(), Location: time.Local, Rows: sum.MigrationRows, Counts: sum.Migration,
		RunLines: summaryLines(sum), Stopped: sum.Aborted})
	if err == nil {
		err = pagereport.Write(path, d)
	}
	if err != nil {
		sum.Files = sum.Files[:len(sum.Files)-1]
		sum.Notes = append(sum.Notes, "the report page was not written: "+err.Error())
		return nil
	}
	return recordOutput(j, path)
}

// summaryLines is the summary as the command prints it, line by line: the
// page's "Run" section shows whatever the summary holds, so a line added
// to the summary appears there too.
func summaryLines(sum *Summary) []string {
	var b strings.Builder
	sum.WriteText(&b)
	return strings.Split(strings.Trim(b.String(), "\n"), "\n")
}
