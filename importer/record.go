// Package importer runs one import: it streams rows out of a CSV or XLSX
// export, maps and validates them, submits the valid ones to the Customers API
// at the allowed rate, journals every outcome as it happens and renders the
// results and failed-rows files. Everything here is driven by main.go.
package importer

// Record is one data row of the input. Row is the 1-based row number a
// consultant sees in their spreadsheet (header and title rows count), so
// every message can point at it. Values are aligned with the header: padded
// with "" when the row is short.
type Record struct {
	Row    int
	Values []string
}

// Status is the single final state of one input row (DESIGN section 7).
type Status string

// The statuses of `run` and `validate`. Their spelling is part of the result
// file contract.
const (
	StatusCreated      Status = "created"
	StatusSkipped      Status = "skipped"
	StatusInvalid      Status = "invalid"
	StatusDuplicate    Status = "duplicate"
	StatusRejected     Status = "rejected"
	StatusConflict     Status = "conflict"
	StatusInDoubt      Status = "in_doubt"
	StatusFailed       Status = "failed"
	StatusNotAttempted Status = "not_attempted"
	StatusValid        Status = "valid"
)
