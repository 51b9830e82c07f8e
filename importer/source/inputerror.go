package source

import "owr-import/importer/row"

// hintSaveAs is the advice for every file we cannot read as a workbook or a
// CSV: the consultant's spreadsheet program can always produce one of those.
const hintSaveAs = "Open it in your spreadsheet program and save it as .xlsx or .csv."

// inputErr builds an *row.InputError about the whole file.
func inputErr(path, message, hint string, cause error) *row.InputError {
	return &row.InputError{Path: path, Message: message, Hint: hint, Err: cause}
}
