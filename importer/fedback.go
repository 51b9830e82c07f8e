package importer

import "strings"

// isFedBack reports whether an input is one of owr-import's own result or
// failed-rows files, fed back as the consultant was told to: it has an
// owr_status column. Such a file holds mostly rows that were invalid last
// time, so the --max-invalid guard against a wrong mapping does not apply.
// Its owr_* columns are never trusted for a row's status or ids; only
// owr_row links a row to the original export (see origins).
func isFedBack(header []string) bool {
	for _, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), "owr_status") {
			return true
		}
	}
	return false
}
