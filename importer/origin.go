package importer

import (
	"encoding/json"
	"strconv"
	"strings"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
	"owr-import/mapping"
)

// origins places the rows of one input in the migration (see row.Origin).
// In the original export a row stands for itself. In a later file a row
// stands for the original row its owr_row column names (a failed-rows or
// results file fed back) unless the ledger knows that row by another
// extCustomerId, else for the original row created or sent with
// the same extCustomerId and extCustomerNumber (a corrected export), else
// for nothing: it is a new row. owr_row is used to trace a row only; no
// other owr_* column is ever read, so a status or id typed into a fed-back
// file can never make a row skipped.
type origins struct {
	file     string
	original bool
	owrRow   int // column index of owr_row; -1 when absent
	header   []string
	keep     []int // the columns that are the client's, not ours
	state    *ledger.State
}

func newOrigins(file string, original bool, header []string, state *ledger.State) *origins {
	o := &origins{file: file, original: original, owrRow: -1, header: header, keep: inputColumns(header), state: state}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), "owr_row") {
			o.owrRow = i
		}
	}
	return o
}

// of is the origin of rec; c is its customer when the row is valid.
func (o *origins) of(rec row.Record, c *mapping.Customer) row.Origin {
	if o.original {
		return row.Origin{File: o.file, OrigRow: rec.Row}
	}
	at := row.Origin{File: o.file, Cells: o.cells(rec.Values)}
	if o.owrRow >= 0 && o.owrRow < len(rec.Values) {
		traced := strings.TrimSpace(rec.Values[o.owrRow])
		if n, err := strconv.Atoi(traced); err == nil && n > 0 && o.sameCustomer(n, c) {
			at.OrigRow = n
			return at
		}
		if strings.Contains(traced, ":") {
			at.FirstSeen = traced // a row that only exists in later files
		}
	}
	if c != nil && c.ExtCustomerID != 0 {
		at.OrigRow = o.state.OrigRowOf(c.ExtCustomerID, c.ExtCustomerNumber)
	}
	return at
}

// sameCustomer reports whether a row tracing itself to original row n can
// be a version of it: not when the ledger knows that row by another
// extCustomerId (a row filled down in Excel copies owr_row along with the
// rest, yet is a new customer).
func (o *origins) sameCustomer(n int, c *mapping.Customer) bool {
	known := o.state.OrigExt(n)
	return c == nil || c.ExtCustomerID == 0 || known == 0 || known == c.ExtCustomerID
}

// cells are the client's cells of a row by header, as JSON: the ledger
// keeps them for rows of later files so the failed-rows file can show the
// latest version of a row still open, and the results a row that only
// exists in a later file.
func (o *origins) cells(values []string) string {
	m := make(map[string]string, len(o.keep))
	for _, i := range o.keep {
		if i < len(values) && values[i] != "" && o.header[i] != "" {
			m[o.header[i]] = values[i]
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}
