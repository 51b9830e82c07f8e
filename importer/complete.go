package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"owr-import/importer/ledger"
	"owr-import/importer/report"
	"owr-import/importer/row"
	"owr-import/importer/source"
	"owr-import/mapping"
)

// writeComplete writes the migration's one complete result from its
// original export and the ledger: NAME.results.EXT lists every row of the
// original export, in its order and with its row number, with the latest
// status and customerId whichever file settled it, then the rows that only
// exist in later files, marked with the file they came from;
// NAME.failed.EXT holds what is still open, each row in its latest version
// (the cells last fed back, or the original's), with owr_row pointing at
// the original row. Both files are recorded in the ledger with their hash.
func (m *migration) writeComplete(ctx context.Context, j *ledger.Journal, paths resultPaths, sum *Summary) ([]string, error) {
	orig, ok := m.original()
	if !ok {
		return nil, nil
	}
	src, note := openOriginal(orig)
	if note != "" {
		sum.Notes = append(sum.Notes, note)
		return nil, nil
	}
	defer src.Close()
	c := &completeWriter{state: m.state, header: src.Header(), keep: inputColumns(src.Header()), counts: map[row.Status]int{}}
	columns := runResultColumns
	var preview mapping.Preview
	if preview, c.preview, note = m.previewMapper(c.header); c.preview != nil {
		columns = previewColumns(runResultColumns, preview)
		c.fields = preview
	}
	if note != "" {
		sum.Notes = append(sum.Notes, note)
	}
	var err error
	if c.results, err = createResultFile(src, paths.Results, c.keep, columns, "Results", false); err != nil {
		return nil, err
	}
	if c.failed, err = createResultFile(src, paths.Failed, c.keep, failedColumns, "Failed rows", false); err != nil {
		c.results.Abort()
		return nil, err
	}
	if err := c.writeAll(ctx, src); err != nil {
		c.results.Abort()
		c.failed.Abort()
		return nil, err
	}
	counts := report.StatusSummary(c.counts, statusOrder)
	c.results.SetSummary(counts)
	c.failed.SetSummary(counts)
	if err := c.results.Close(); err != nil {
		c.failed.Abort()
		return nil, err
	}
	if err := c.failed.Close(); err != nil {
		return nil, err
	}
	for _, p := range []string{paths.Results, paths.Failed} {
		if err := recordOutput(j, p); err != nil {
			return nil, err
		}
	}
	sum.Migration, sum.MigrationRows, sum.InDoubt = c.counts, c.rows, c.inDoubt
	return []string{paths.Results, paths.Failed}, nil
}

// openOriginal opens the original export the way it was first read. A note
// says why the complete result cannot be written when it is gone or
// changed: its rows would no longer be the rows the ledger speaks of.
func openOriginal(orig ledger.Input) (source.Source, string) {
	sum, err := fileSHA256(orig.Path)
	if err != nil {
		return nil, fmt.Sprintf("the migration's original export %s cannot be read (%v), so the complete result was not refreshed; put it back where it was", orig.Path, err)
	}
	if sum != orig.SHA256 {
		return nil, fmt.Sprintf("the migration's original export %s changed since it was first read (%s), so the complete result was not refreshed; put the original back, or start the migration over with --restart",
			orig.Path, orig.At.Local().Format("2006-01-02 15:04"))
	}
	delim, _ := utf8.DecodeRuneInString(orig.Delimiter)
	src, err := source.OpenSource(orig.Path, source.SourceOptions{Sheet: orig.Sheet, HeaderRow: orig.HeaderRow, Delimiter: delim, Encoding: orig.Encoding})
	if err != nil {
		return nil, fmt.Sprintf("the migration's original export %s cannot be read again (%v), so the complete result was not refreshed", orig.Path, err)
	}
	return src, ""
}

// completeWriter renders the two files of the complete result.
type completeWriter struct {
	state           *ledger.State
	header          []string
	keep            []int
	results, failed report.ResultWriter
	preview         *mapping.Mapper // nil: no owr_api_ columns
	fields          mapping.Preview // the fields of the owr_api_ columns
	sent            []string        // one row's values as sent, reused
	counts          map[row.Status]int
	rows            int
	inDoubt         []string // the first in_doubt rows, for `status`
}

func (c *completeWriter) writeAll(ctx context.Context, src source.Source) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		e, ok := c.state.Orig(rec.Row)
		if !ok {
			e = ledger.Entry{Status: row.StatusNotAttempted, Error: "no run has read this row yet."}
		}
		if err := c.write(rec.Values, strconv.Itoa(rec.Row), e); err != nil {
			return err
		}
	}
	var err error
	c.state.Extras(func(e ledger.Entry) {
		if err == nil {
			err = c.write(c.cellsOf(e.Cells), e.FirstSeen, e)
		}
	})
	return err
}

// write adds one row of the migration to the results and, while it is
// open, to the failed-rows file in its latest version.
func (c *completeWriter) write(values []string, origRow string, e ledger.Entry) error {
	c.rows++
	c.counts[e.Status]++
	if e.Status == row.StatusInDoubt && len(c.inDoubt) < maxInDoubtListed {
		c.inDoubt = append(c.inDoubt, inDoubtLine(origRow, e))
	}
	latest := values // the row as it was last read: sent, or to correct
	if e.Cells != "" {
		latest = c.cellsOf(e.Cells)
	}
	out := outputRow(values, c.keep, origRow, string(e.Status),
		idCell(e.CustomerID), idCell(e.CompanyID), idCell(int64(e.HTTPStatus)),
		e.ErrorCode, e.Error, idCell(int64(e.Attempts)), e.File)
	if err := c.results.Write(append(out, c.sentValues(latest)...)); err != nil {
		return err
	}
	if e.Status == row.StatusCreated || e.Status == row.StatusSkipped {
		return nil
	}
	return c.failed.Write(outputRow(latest, c.keep, origRow, string(e.Status), e.Error))
}

// sentValues are a row's values as sent (the owr_api_ columns); none
// without a mapping to compute them.
func (c *completeWriter) sentValues(values []string) []string {
	if c.preview == nil {
		return nil
	}
	cust, _ := c.preview.Apply(values)
	c.sent = c.fields.AppendValues(c.sent[:0], &cust)
	return c.sent
}

// cellsOf lays the cells a later file gave a row (JSON by header) out in
// the original export's columns: the row as it was last fed back. A column
// the original does not have is not shown.
func (c *completeWriter) cellsOf(cells string) []string {
	var byHeader map[string]string
	_ = json.Unmarshal([]byte(cells), &byHeader)
	out := make([]string, len(c.header))
	for _, i := range c.keep {
		out[i] = byHeader[c.header[i]]
	}
	return out
}

func idCell(v int64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// maxInDoubtListed bounds the in_doubt rows `status` lists one by one.
const maxInDoubtListed = 50

// inDoubtLine says which in_doubt row to check in Onlinewerkrooster.
func inDoubtLine(origRow string, e ledger.Entry) string {
	where := "row " + origRow
	if origRow == "" || e.File != "" && e.OrigRow == 0 {
		where = fmt.Sprintf("a row of %s (row %d there)", e.File, e.Row)
	}
	return fmt.Sprintf("%s, extCustomerId %d: search Onlinewerkrooster for this extCustomerId; if the customer is there, nothing is left to do, else run again with --resend-in-doubt",
		where, e.ExtCustomerID)
}
