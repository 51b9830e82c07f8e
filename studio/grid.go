package studio

import (
	"net/http"
	"strconv"

	"owr-import/importer/row"
	"owr-import/mapping"
)

// maxPage is the most rows one page of the grid asks for.
const maxPage = 500

// gridRow is one row of the check grid: the values as they will be sent,
// the problems on each field, and the export's cells.
type gridRow struct {
	Row      int         `json:"row"`
	Status   row.Status  `json:"status"`
	Sent     []string    `json:"sent"`
	Problems []cellIssue `json:"problems"`
	Message  string      `json:"message"`
	Cells    []string    `json:"cells"`
}

// cellIssue is one problem of a row, on its field (index in apiFields, -1
// for none) and column (index in the header, -1 for none).
type cellIssue struct {
	Field   int    `json:"field"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	Warning bool   `json:"warning"`
}

// handleRows answers one page of the grid: the rows that pass the filter
// (status: valid, invalid, duplicate, warning; group: a problem group's
// key), from offset. The filter runs over the rows in memory at each call:
// a few milliseconds for 100,000 rows, and the page only ever holds one
// page.
func (s *session) handleRows(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	limit = min(max(limit, 1), maxPage)
	offset = max(offset, 0)
	status, groupKey := q.Get("status"), q.Get("group")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.check == nil {
		fail(w, http.StatusConflict, "%s", msg.notChecked)
		return
	}
	c := s.check
	g := int32(-1)
	for i, gr := range c.groups {
		if gr.Key == groupKey {
			g = int32(i)
		}
	}
	total := 0
	page := []gridRow{}
	for i := range c.rows {
		if !s.passes(i, status, groupKey, g) {
			continue
		}
		if total >= offset && len(page) < limit {
			page = append(page, s.gridRowOf(i))
		}
		total++
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "offset": offset, "rows": page})
}

// passes applies the grid's filter to row i.
func (s *session) passes(i int, status, groupKey string, g int32) bool {
	c := s.check
	cr := &c.rows[i]
	switch status {
	case "", "all":
	case "warning":
		if cr.Status != row.StatusValid || !hasWarning(cr.Problems) {
			return false
		}
	default:
		if string(cr.Status) != status {
			return false
		}
	}
	if groupKey != "" {
		return g >= 0 && containsGroup(c.rowGroups[i], g)
	}
	return true
}

func hasWarning(list []mapping.Problem) bool {
	for _, p := range list {
		if p.Warning {
			return true
		}
	}
	return false
}

func (s *session) gridRowOf(i int) gridRow {
	cr := &s.check.rows[i]
	gr := gridRow{Row: cr.Row, Status: cr.Status, Sent: sentValues(cr.Customer), Message: cr.Message,
		Cells: s.table.Rows[i].Values, Problems: []cellIssue{}}
	for _, p := range cr.Problems {
		gr.Problems = append(gr.Problems, cellIssue{Field: fieldIndex(p.Field), Column: p.ColumnIndex, Message: p.Message, Warning: p.Warning})
	}
	if cr.Status == row.StatusDuplicate {
		gr.Problems = append(gr.Problems, cellIssue{Field: fieldIndex(cr.DupField), Column: -1,
			Message: "Same " + cr.DupField + " as row " + strconv.Itoa(cr.DupOf) + ": this row is not sent. Remove it, or give it its own " + cr.DupField + "."})
	}
	return gr
}
