package importer

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockJobRefusesASecondRun(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "export.journal.csv")
	release, err := lockJob(journal)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockJob(journal)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "another owr-import run") {
		t.Fatalf("second lock: %v, want an InputError saying another run holds it", err)
	}
	release()
	again, err := lockJob(journal)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}
