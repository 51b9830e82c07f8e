package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

// migration is one folder's record of imports to one API while a command
// holds it: the ledger's path, its lock, and what it held when read.
type migration struct {
	dir     string
	ledger  string
	state   *ledger.State
	release func()
	// carried are the result files a removed sandbox ledger had written:
	// recorded again, so the next run still knows they are its own.
	carried map[string]string
}

// openMigration locks and reads the ledger of dir for the API tag names.
// restart moves an existing ledger aside first; fresh removes it (the
// built-in sandbox forgets everything at exit, so its ledger must too).
func openMigration(dir, tag string, restart, fresh bool) (*migration, error) {
	m := &migration{dir: dir, ledger: ledger.Path(dir, tag)}
	release, err := ledger.Lock(m.ledger)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*migration, error) {
		release()
		return nil, err
	}
	if restart {
		if _, err := ledger.MoveAside(m.ledger); err != nil {
			return fail(err)
		}
	}
	if fresh {
		old, err := ledger.Read(m.ledger)
		if err == nil {
			m.carried = old.Outputs()
		}
		if err := os.Remove(m.ledger); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
	}
	if m.state, err = ledger.Read(m.ledger); err != nil {
		return fail(err)
	}
	m.release = release
	return m, nil
}

// reread refreshes the state after the ledger was appended to.
func (m *migration) reread() error {
	s, err := ledger.Read(m.ledger)
	if err != nil {
		return err
	}
	m.state = s
	return nil
}

// original is the migration's original export: the first file fed into
// it. ok is false before the first run records one.
func (m *migration) original() (ledger.Input, bool) {
	in := m.state.Inputs()
	if len(in) == 0 {
		return ledger.Input{}, false
	}
	return in[0], true
}

// migrationFolder is where a migration keeps its ledger and result files:
// --out-dir, or the input's folder. A missing --out-dir is created, as a
// consultant naming a folder for the migration expects.
func migrationFolder(input, outDir string) (string, error) {
	if outDir == "" {
		return filepath.Dir(input), nil
	}
	st, err := os.Stat(outDir)
	switch {
	case err == nil && !st.IsDir():
		return "", &row.InputError{Path: outDir, Message: "this is a file, not a folder", Hint: "Pass a folder with --out-dir."}
	case err == nil:
		return outDir, nil
	}
	if _, lerr := os.Lstat(outDir); lerr == nil {
		return "", &row.InputError{Path: outDir, Message: "this is a link to a folder that does not exist",
			Hint: "Create the folder it points to, or pass another --out-dir."}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", &row.InputError{Path: outDir, Message: "the output folder cannot be created: " + err.Error(), Hint: "Pass another --out-dir."}
	}
	return outDir, nil
}

// fileSHA256 is the hex SHA-256 of a file's content.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
