package ledger

import (
	"path/filepath"
	"testing"
)

// TestMappingRecorded: the newest mapping a run recorded is what the
// state gives back; a ledger without one says so.
func TestMappingRecorded(t *testing.T) {
	path := filepath.Join(t.TempDir(), Path(".", "prod"))
	j := openTestJournal(t, path)
	for _, m := range []MappingFile{{"/data/mapping.yaml", "ab12"}, {"/data/mapping v2.yaml", "cd34"}} {
		if err := j.RecordMapping(m.Path, m.SHA256); err != nil {
			t.Fatal(err)
		}
	}
	mustClose(t, j)
	if m, ok := readTestJournal(t, path).Mapping(); !ok || m != (MappingFile{"/data/mapping v2.yaml", "cd34"}) {
		t.Errorf("Mapping() = %+v, %v", m, ok)
	}

	empty := filepath.Join(t.TempDir(), Path(".", "prod"))
	mustClose(t, openTestJournal(t, empty))
	if m, ok := readTestJournal(t, empty).Mapping(); ok {
		t.Errorf("a ledger without a mapping gives %+v", m)
	}
}
