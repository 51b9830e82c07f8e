package importer

import (
	"fmt"
	"path/filepath"

	"owr-import/importer/ledger"
	"owr-import/mapping"
)

// recordMapping notes in the ledger the mapping file this run reads its
// input with, when it is not the one the newest run recorded: the complete
// result shows the values as sent through it (previewColumns), also when
// `status` renders the result without being given a mapping.
func (m *migration) recordMapping(j *ledger.Journal, mp *mapping.Mapping) error {
	if mp == nil || mp.File() == "" {
		return nil
	}
	path, err := filepath.Abs(mp.File())
	if err != nil {
		return err
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil // not a file on disk: nothing a later status could read again
	}
	if last, ok := m.state.Mapping(); ok && last == (ledger.MappingFile{Path: path, SHA256: sum}) {
		return nil
	}
	return j.RecordMapping(path, sum)
}

// previewMapper maps the rows of the complete result for its owr_api_*
// columns, with the mapping the newest run recorded, bound to the original
// export's header. When that mapping is gone or changed since, the results
// have no such columns and the note says why: values through another
// mapping would not be the values sent.
func (m *migration) previewMapper(header []string) (mapping.Preview, *mapping.Mapper, string) {
	mf, ok := m.state.Mapping()
	if !ok {
		return mapping.Preview{}, nil, ""
	}
	empty := func(why string) (mapping.Preview, *mapping.Mapper, string) {
		return mapping.Preview{}, nil, fmt.Sprintf("the results have no owr_api_ columns (the values as sent): the mapping file %s that the last run read %s; the next run with --mapping adds them again", mf.Path, why)
	}
	sum, err := fileSHA256(mf.Path)
	if err != nil {
		return empty("cannot be read")
	}
	if sum != mf.SHA256 {
		return empty("changed since")
	}
	mp, err := mapping.Load(mf.Path)
	if err != nil {
		return empty("cannot be read")
	}
	b, err := mp.Bind(header)
	if err != nil {
		return empty("does not fit the original export")
	}
	return b.Preview(), b.NewMapper(), ""
}
