package importer

import "fmt"

// maxCellBytes is the largest cell a customer export plausibly holds. A
// bigger one means a wrong or damaged file (a binary pasted into a cell, a
// quote that never closes), and carrying it through mapping and into result
// files helps nobody, so the whole file is refused with the cell named.
const maxCellBytes = 1 << 20

// cappedSource refuses, as an *InputError, any row with a cell larger than
// maxCellBytes.
type cappedSource struct {
	Source
}

func (s cappedSource) Next() (Record, error) {
	rec, err := s.Source.Next()
	if err != nil {
		return rec, err
	}
	for i, v := range rec.Values {
		if len(v) > maxCellBytes {
			return Record{}, &InputError{
				Path: s.Path(), Sheet: s.Sheet(), Row: rec.Row, Column: s.Header()[i],
				Message: fmt.Sprintf("this cell holds %.1f MB of text; a customer export has no cell this large", float64(len(v))/(1<<20)),
				Hint:    "Check that this is the right file and that its quotes are closed, or empty that cell.",
			}
		}
	}
	return rec, nil
}
