// Package studio is owr-import's local web page: open an export, map its
// columns while looking at their values, check every row in a grid, send to
// the API with the same engine and ledger as `run`, and follow the
// migration. It serves on 127.0.0.1 only, behind a random token per start;
// the client's data and the keys never leave the process except towards the
// API the consultant chose.
package studio
