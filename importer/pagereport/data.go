// Package pagereport writes the migration's report page: one
// self-contained HTML file (inline CSS and SVG, no script, nothing fetched
// from the network) that a consultant can mail to the client's project
// lead. It is built from the migration's ledger and what the command
// knows; every text in it may come from a client's file or an API answer
// and is treated as untrusted.
package pagereport

import (
	"time"

	"owr-import/importer/row"
)

// Data is everything the page shows.
type Data struct {
	Title     string // the migration's original export
	Command   string // the command that wrote the page: run or status
	Version   string // owr-import's version
	API       string // the API the migration imports into (prod, dev, an address)
	Generated time.Time
	Location  *time.Location // times are shown in it; nil = UTC

	Rows   int     // rows of the migration
	Counts []Count // per status, in the page's order

	Problems     []Group // the kinds of problem, most frequent first
	MoreProblems Group   // what did not fit in Problems (its Count rows)

	Timeline Timeline
	Inputs   []File // the files fed into the migration; the first is the original export
	Outputs  []File // the result files owr-import wrote

	InDoubt     []InDoubtRow
	MoreInDoubt int // in_doubt rows not listed

	RunLines []string // the command's own summary, line by line
	Stopped  string   // why the run stopped early; "" when it ran to the end
}

// Count is the number of rows with one status.
type Count struct {
	Status row.Status
	N      int
}

// Group is one kind of problem: rows whose error reads the same once the
// row's own numbers, cells and values are taken out.
type Group struct {
	Status   row.Status
	Code     string // the API's error code, if any
	HTTP     int    // the API's answer, if any
	Pattern  string // the error with the row's own numbers and values taken out
	Count    int
	Examples []Example
}

// Example is one row of a Group.
type Example struct {
	Where string // "row 12", or a row of a later file
	Text  string // its error as the results file shows it
}

// Timeline is the latest sending session of the migration, in buckets of
// equal width: requests made and error answers per bucket.
type Timeline struct {
	Start    time.Time
	End      time.Time
	Width    time.Duration
	Buckets  []Bucket
	Sessions int // sending sessions in the ledger; only the latest is drawn
	Requests int
	Errors   int
}

// Bucket is one slice of the Timeline.
type Bucket struct {
	Requests int
	Errors   int
}

// File is a file the ledger recorded.
type File struct {
	Name   string
	At     time.Time
	SHA256 string
}

// InDoubtRow is a row to look up in Onlinewerkrooster.
type InDoubtRow struct {
	Where         string
	ExtCustomerID int64
	File          string
	Text          string
}
