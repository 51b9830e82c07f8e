package report

import (
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a small file (a summary, a mapping) to a temporary
// file beside path and renames it, so an interrupted write never leaves half
// a file for a script or a person to read. Result files stream through
// CreateResultFile, which does the same for large outputs.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
