package ledger

import (
	"errors"
	"owr-import/importer/row"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockJobRefusesASecondRun(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "export.journal.csv")
	release, err := Lock(journal)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(journal)
	var ie *row.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "another owr-import run") {
		t.Fatalf("second lock: %v, want an InputError saying another run holds it", err)
	}
	release()
	again, err := Lock(journal)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}
