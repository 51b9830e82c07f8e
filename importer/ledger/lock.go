package ledger

import (
	"errors"
	"os"
	"owr-import/importer/row"
)

// errJobBusy means another owr-import process holds the job's lock.
var errJobBusy = errors.New("job busy")

// Lock keeps a second run of the same job (same input, same API, same
// folder) from writing the same journal at the same time, which would mix
// their lines. The operating system releases the lock when the process
// ends, however it ends, so a crash never leaves the job locked.
func Lock(journalPath string) (release func(), err error) {
	path := journalPath + ".lock"
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errJobBusy) {
			return nil, &row.InputError{Path: journalPath,
				Message: "another owr-import run is using this journal right now (the same file, sent to the same API, into the same folder)",
				Hint:    "Wait for that run to finish (or stop it), then run this command again. Nothing was sent by this one."}
		}
		return nil, err
	}
	return func() {
		os.Remove(path)
		unlockFile(f)
		f.Close()
	}, nil
}
