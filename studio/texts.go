package studio

// msg holds every sentence the studio's server says; the page's own texts
// are in assets/texts.js. Each says what is wrong and what to do.
var msg = struct {
	quit, badHost, badOrigin, badToken, badJSON                 string
	noFile, notExport, fileTooBig, uploadExists, noTable        string
	tooManyRows, tooManyCells, sheetGone, mappingBroken         string
	mappingSaved                                                string
	notChecked, running, notRunning, badTarget, badURL          string
	keysMissing, confirmProd, noValidRows, statusLocked, noSuch string
	badRate, badWorkers, mappingInvalid, internal               string
}{
	quit:           "The studio has stopped. You can close this tab; start owr-import studio again to come back.",
	badHost:        "This address is not the studio's. Open the address owr-import studio printed.",
	badOrigin:      "Only the studio's own page may use it. Open the address owr-import studio printed.",
	badToken:       "This page needs the address owr-import studio printed (it carries a key that changes at every start). Open that address again.",
	badJSON:        "The page sent something the studio cannot read (%v). Reload the page.",
	noFile:         "There is no file %q in the migration folder %s. Choose one of the list.",
	notExport:      "%q is not an export owr-import reads: save it as .xlsx or .csv and drop it again.",
	fileTooBig:     "The file is larger than %d MB, more than the studio takes. Use the command line (owr-import validate, run) for it.",
	uploadExists:   "A different file named %q is already in the folder; the dropped file was saved as %q.",
	noTable:        "Open an export first (step 1).",
	tooManyRows:    "The export has more than %d rows, more than the studio holds in memory. Use the command line (owr-import validate, run) for it.",
	tooManyCells:   "The export has more than %d rows of %d columns, more cells than the studio holds in memory. Delete the empty columns at its right in Excel, or use the command line (owr-import validate, run) for it.",
	sheetGone:      "The sheet %q is not in %s. Choose one of the list.",
	mappingBroken:  "The mapping file %s cannot be used (%v). The studio starts from a guess instead; saving writes a new file over it.",
	mappingSaved:   "Saved the mapping to %s.",
	notChecked:     "The rows are not checked yet: fix the mapping first (step 2).",
	running:        "A send is already running. Wait for it to end, or press Stop.",
	notRunning:     "No send is running.",
	badTarget:      "Choose where to send: the built-in sandbox, a sandbox address, dev or prod.",
	badURL:         "The sandbox address %q cannot be used: %v. Give an address like http://127.0.0.1:8080.",
	keysMissing:    "Type both keys the Onlinewerkrooster team gave you (API key and customer key) for %s.",
	confirmProd:    "To send to prod, type exactly %q in the confirmation box.",
	noValidRows:    "No row is valid: nothing can be sent. Fix the mapping or the export first (steps 2 and 3).",
	statusLocked:   "The migration cannot be read now: %v",
	noSuch:         "There is no result file %q in the migration folder.",
	badRate:        "The rate must be a number from 0 (no limit) to 10000 requests per second.",
	badWorkers:     "Workers must be a whole number from 1 to 64.",
	internal:       "Something went wrong inside the studio while answering. Reload the page and try again; if it happens again, tell the owr-import maintainers what you did just before.",
	mappingInvalid: "The mapping has mistakes; fix the fields marked in step 2 before sending.",
}
