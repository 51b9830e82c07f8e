// Package mapping turns one row of a client's export into the body of a
// POST /api/customers request.
//
// A consultant describes, in a small YAML file, which column of the export
// feeds which API field and how its text is cleaned up (see Parse for the
// format). The package reads that file strictly, so a typo is reported with
// its line and column instead of silently dropping a field; checks it
// against the header row of the export (Mapping.Bind), suggesting the
// closest header when a column is missing; and maps every data row
// (Mapper.Apply) into a Customer plus the list of everything wrong with
// that row, phrased for a consultant rather than a programmer. Nothing
// that would be wrong on the other side is sent: a VAT number without a
// known country format, a placeholder such as "Particulier", a control
// character in any text are problems of the row.
//
// Guess and Draft produce a first mapping from a header row in Dutch,
// French or English for `owr-import mapping init`.
//
// A Binding is immutable once built and may be shared by goroutines; each
// goroutine maps its rows with a Mapper of its own (Binding.NewMapper),
// which remembers the last value of every transformed field. Mapping a row
// costs about a hundred nanoseconds (BenchmarkMapperFile), because a
// migration can hold a million rows.
package mapping
