package studio

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"owr-import/importer"
	"owr-import/importer/source"
	"owr-import/mapping"
)

// maxRows is the most rows the studio holds in memory; larger exports are
// the command line's.
const maxRows = 1_000_000

// maxCells bounds the cells held, rows times header columns: a row is
// held as wide as the header, each cell costing 16 bytes beside its text,
// so a 50 KB export of 8,000 header columns and one-letter lines would
// otherwise take 250 MB, and 2 MB of them all the memory there is. 30
// million is a million rows of 30 columns: at most about 500 MB.
const maxCells = 30_000_000

// mappingFile is the mapping the studio reads and saves in the migration
// folder, the name the README's migration uses.
const mappingFile = "mapping.yaml"

// column is one column of the export as the map step shows it.
type column struct {
	Index   int      `json:"index"`
	Letter  string   `json:"letter"`
	Header  string   `json:"header"`
	Samples []string `json:"samples"`
}

// openRequest names the export (a file of the folder) and its sheet.
type openRequest struct {
	File  string `json:"file"`
	Sheet string `json:"sheet"`
}

func (s *session) handleOpen(w http.ResponseWriter, r *http.Request) {
	var req openRequest
	if !readJSON(w, r, &req) {
		return
	}
	path, ok := s.inFolder(req.File)
	if !ok {
		fail(w, http.StatusNotFound, msg.noFile, req.File, s.dir)
		return
	}
	sheets := source.VisibleSheets(path)
	if req.Sheet != "" && !containsFold(sheets, req.Sheet) {
		fail(w, http.StatusBadRequest, msg.sheetGone, req.Sheet, req.File)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run != nil && s.run.isRunning() {
		fail(w, http.StatusConflict, "%s", msg.running)
		return
	}
	note, err := s.loadMapping()
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	opts := source.SourceOptions{Sheet: req.Sheet}
	if m := s.parsedOriginal(); m != nil {
		opts.HeaderScore = m.HeaderScore
		if opts.Sheet == "" {
			opts.Sheet = m.Source.Sheet
		}
		opts.HeaderRow, opts.Encoding = m.Source.HeaderRow, m.Source.Encoding
		if d := []rune(m.Source.Delimiter); len(d) == 1 {
			opts.Delimiter = d[0] // the mapping package has made it one character
		}
	}
	t, err := loadTable(r.Context(), path, opts)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	s.table, s.file, s.sheets = t, req.File, sheets
	if s.model == nil {
		s.model = guessModel(t)
		if len(sheets) > 1 {
			s.model.Source.Sheet = t.Sheet
		}
		s.dirty = true
	} else if req.Sheet != "" && s.model.Source.Sheet != "" && !strings.EqualFold(s.model.Source.Sheet, t.Sheet) {
		// The consultant chose another sheet: the mapping file names it,
		// so that run reads the same sheet.
		s.model.Source.Sheet, s.dirty = t.Sheet, true
	}
	s.recheck(r.Context())
	writeJSON(w, http.StatusOK, s.openInfo(note))
}

// loadTable reads the export into memory, at most maxRows rows and
// maxCells cells: the header, read first, tells how many rows fit.
func loadTable(ctx context.Context, path string, opts source.SourceOptions) (*importer.Table, error) {
	src, err := source.OpenSource(path, opts)
	if err != nil {
		return nil, err
	}
	width := max(1, len(src.Header()))
	src.Close()
	limit := min(maxRows, maxCells/width)
	t, err := importer.LoadTable(ctx, path, opts, limit)
	switch {
	case errors.Is(err, importer.ErrTableTooLarge) && limit < maxRows:
		return nil, errors.New(sprintf(msg.tooManyCells, limit, width))
	case errors.Is(err, importer.ErrTableTooLarge):
		return nil, errors.New(sprintf(msg.tooManyRows, maxRows))
	}
	return t, err
}

// loadMapping reads mapping.yaml of the folder into the model the first
// time an export is opened; later opens (a fed-back file) keep the model
// the page has. It returns a note for the page when the file is broken.
func (s *session) loadMapping() (string, error) {
	if s.model != nil {
		return "", nil
	}
	s.mappingPath = filepath.Join(s.dir, mappingFile)
	data, err := os.ReadFile(s.mappingPath)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if _, perr := mapping.Parse(s.mappingPath, data); perr != nil {
		return sprintf(msg.mappingBroken, mappingFile, perr), nil
	}
	m, err := modelOfYAML(data)
	if err != nil {
		return sprintf(msg.mappingBroken, mappingFile, err), nil
	}
	s.model, s.origModel, s.original = m, cloneModel(m), data
	return "", nil
}

// parsedOriginal is the mapping file as loaded, nil when there is none.
func (s *session) parsedOriginal() *mapping.Mapping {
	if s.original == nil {
		return nil
	}
	m, _ := mapping.Parse(s.mappingPath, s.original)
	return m
}

// guessSampleRows: mapping init looks at the first 50 rows; so does the
// studio, so both guess alike.
const guessSampleRows = 50

func guessModel(t *importer.Table) *mapModel {
	var rows [][]string
	for i := 0; i < len(t.Rows) && i < guessSampleRows; i++ {
		rows = append(rows, t.Rows[i].Values)
	}
	return modelOfDraft(mapping.Guess(t.Header, rows...))
}

// openInfo is what the page shows of the open export.
func (s *session) openInfo(note string) map[string]any {
	t := s.table
	return map[string]any{
		"file": s.file, "sheet": t.Sheet, "sheets": s.sheets, "headerRow": t.HeaderRow, "rows": len(t.Rows),
		"totalsRows": nonNil(t.Stats.TotalsRows), "columns": columnsOf(t), "fields": apiFields, "transforms": transformNames,
		"mapping": s.model, "mappingFile": mappingFile, "fromFile": s.original != nil, "note": note,
		"check": s.checkSummary(),
	}
}

// columnsOf lists the columns with up to five different sample values.
func columnsOf(t *importer.Table) []column {
	cols := make([]column, len(t.Header))
	for i, h := range t.Header {
		letter, _ := excelize.ColumnNumberToName(i + 1)
		cols[i] = column{Index: i, Letter: letter, Header: h, Samples: []string{}}
	}
	seen := make([]map[string]bool, len(cols))
	for i := range seen {
		seen[i] = map[string]bool{}
	}
	for r := 0; r < len(t.Rows) && r < 200; r++ {
		for i, v := range t.Rows[r].Values {
			v = strings.TrimSpace(v)
			if v == "" || seen[i][v] || len(cols[i].Samples) >= 5 {
				continue
			}
			seen[i][v] = true
			cols[i].Samples = append(cols[i].Samples, v)
		}
	}
	return cols
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func cloneModel(m *mapModel) *mapModel {
	c := &mapModel{Source: m.Source, Fields: make([]fieldMap, len(m.Fields))}
	for i, f := range m.Fields {
		f.Columns = append([]string(nil), f.Columns...)
		f.Transforms = append([]string(nil), f.Transforms...)
		f.Values = append([]valueMap(nil), f.Values...)
		c.Fields[i] = f
	}
	return c
}

// nonNil keeps an empty list a list in JSON.
func nonNil(list []int) []int {
	if list == nil {
		return []int{}
	}
	return list
}
