package ledger

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"owr-import/importer/row"
)

// errBusy means another owr-import process holds the ledger's lock.
var errBusy = errors.New("ledger busy")

// Path is the ledger of the migration kept in dir for the API apiTag names
// (see importer.APITag): every run from that folder to that API, whatever
// its input file, reads and appends this one file.
func Path(dir, apiTag string) string {
	return filepath.Join(dir, "owr-import."+apiTag+".ledger.csv")
}

// LockPath is the file whose OS lock keeps runs of one migration apart.
func LockPath(ledgerPath string) string { return ledgerPath + ".lock" }

// Lock keeps a second run of the same migration (same folder, same API) from
// appending to the ledger at the same time, which would send the same rows
// twice and mix their lines. The operating system releases the lock when
// the process ends, however it ends, so a crash never leaves it locked. The
// lock file itself stays: removing it while another process may have just
// opened it would let two runs hold "the" lock at once.
func Lock(ledgerPath string) (release func(), err error) {
	path := LockPath(ledgerPath)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot create the lock file %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errBusy) {
			return nil, &row.InputError{Path: ledgerPath,
				Message: "another owr-import run is working on this migration right now (the same folder, the same API)",
				Hint:    "Wait for that run to finish (or stop it), then run this command again. Nothing was sent by this one."}
		}
		return nil, err
	}
	return func() {
		unlockFile(f)
		f.Close()
	}, nil
}
