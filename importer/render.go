package importer

import (
	"fmt"
	"owr-import/importer/report"
	"owr-import/importer/row"
	"owr-import/importer/source"
)

// createResultFile starts one results or failed-rows file for the rows of
// src: the input's columns in keep, then owr_columns, in the input's format
// and delimiter. rebuildable marks a file that can be made again from the
// input alone (see report.WriterOptions.Report).
func createResultFile(src source.Source, path string, keep []int, owrColumns []string, sheet string, rebuildable bool) (report.ResultWriter, error) {
	return report.CreateResultFile(path, report.WriterOptions{
		Format: src.Format(), Delimiter: src.Delimiter(),
		Header:  outputHeader(src.Header(), keep, owrColumns),
		OwrFrom: len(keep), StatusCol: len(keep) + 1, OKStatuses: okStatuses, SheetName: sheet,
		Report: rebuildable,
	})
}

// apiErrorKey groups API failures for the summary: "409 CUSTOMER_EXT_ID_EXISTS".
func apiErrorKey(o row.Outcome) string {
	key := string(o.Status)
	if o.HTTPStatus != 0 {
		key = fmt.Sprintf("%s (HTTP %d", key, o.HTTPStatus)
		if o.ErrorCode != "" {
			key += " " + o.ErrorCode
		}
		key += ")"
	} else if o.ErrorCode != "" {
		key += " (" + o.ErrorCode + ")"
	}
	return key
}
