// Package importer runs `validate` and `run`: it composes the packages below
// it into the flow of a row (source -> mapping -> checks -> send -> ledger ->
// result files) and owns the decisions that need all of them at once: which
// rows are checked, sent or skipped, the --max-invalid guard, and the
// summary. Reading files, writing files, the journal, the HTTP client and the
// sending rules live in its sub-packages; this package never opens a socket
// or parses a CSV byte itself.
package importer
