package studio

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"owr-import/importer"
	"owr-import/importer/row"
	"owr-import/mapping"
)

// checkResult is every row of the open export checked under the model.
type checkResult struct {
	rows      []importer.CheckedRow
	counts    map[row.Status]int
	groups    []group
	rowGroups [][]int32 // per row, its groups' indexes
	preview   [][]previewCell
	elapsed   time.Duration
}

// group is one kind of problem on one field, with how many rows have it.
type group struct {
	Key     string `json:"key"`
	Field   string `json:"field"`
	Column  string `json:"column"`
	Kind    string `json:"kind"`
	Warning bool   `json:"warning"`
	Count   int    `json:"count"`
	Example string `json:"example"`
	Row     int    `json:"row"`
}

// fieldError is a mistake of the mapping itself, on one field ("" when it
// is about the whole file).
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// recheck renders the model, parses it as the command line would and
// checks every row held in memory. Call with s.mu held.
func (s *session) recheck(ctx context.Context) []fieldError {
	m, errs := s.model.parse()
	if len(errs) > 0 {
		s.check, s.mapErr = nil, errs[0].Message
		return errs
	}
	start := time.Now()
	rows, err := s.table.Check(ctx, m)
	if err != nil {
		errs = s.model.fieldErrors(err)
		s.check, s.mapErr = nil, errs[0].Message
		return errs
	}
	s.check, s.mapErr = summarise(rows, s.table), ""
	s.check.elapsed = time.Since(start)
	fillBefore(s.check.preview, s.model, s.table)
	return nil
}

// parse is mapping.Parse of the model's YAML, its errors put on the fields
// they are about.
func (m *mapModel) parse() (*mapping.Mapping, []fieldError) {
	parsed, err := mapping.Parse(mappingFile, m.yamlOf(""))
	if err != nil {
		return nil, m.fieldErrors(err)
	}
	return parsed, nil
}

// fieldErrors turns a mapping error on the rendered YAML into one per
// field: the line of each error is the line the field was rendered on.
func (m *mapModel) fieldErrors(err error) []fieldError {
	lines := m.fieldLines()
	var list mapping.Errors
	var one *mapping.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = mapping.Errors{one}
	default:
		return []fieldError{{Message: err.Error()}}
	}
	out := make([]fieldError, 0, len(list))
	for _, e := range list {
		text := e.Message
		if e.Hint != "" {
			text += ". " + e.Hint
		}
		out = append(out, fieldError{Field: lines[e.Line], Message: text})
	}
	return out
}

// fieldLines maps the 1-based lines of yamlOf("") to the fields on them.
func (m *mapModel) fieldLines() map[int]string {
	lines := map[int]string{}
	n := 3 // version, fields:
	if m.sourceYAML() != "" {
		n++
	}
	for _, f := range m.Fields {
		if f.mapped() {
			lines[n] = f.Field
			n++
		}
	}
	return lines
}

// previewRows is how many rows the map step shows before and after.
const previewRows = 5

// previewCell is one field of one row before and after the mapping.
type previewCell struct {
	Before  string `json:"before"`
	After   string `json:"after"`
	Problem string `json:"problem,omitempty"`
	Warning bool   `json:"warning,omitempty"`
}

// summarise counts the statuses, groups the problems and keeps the
// preview of the first rows.
func summarise(rows []importer.CheckedRow, t *importer.Table) *checkResult {
	c := &checkResult{rows: rows, counts: map[row.Status]int{}, rowGroups: make([][]int32, len(rows))}
	index := map[string]int{}
	for i := range rows {
		r := &rows[i]
		c.counts[r.Status]++
		for _, g := range groupsOf(r) {
			at, ok := index[g.Key]
			if !ok {
				at = len(c.groups)
				index[g.Key] = at
				g.Row = r.Row
				c.groups = append(c.groups, g)
			}
			if !containsGroup(c.rowGroups[i], int32(at)) {
				c.groups[at].Count++
				c.rowGroups[i] = append(c.rowGroups[i], int32(at))
			}
		}
	}
	for i := 0; i < len(rows) && i < previewRows; i++ {
		c.preview = append(c.preview, previewOf(&rows[i]))
	}
	return c
}

// groupsOf are the problem groups a row belongs to.
func groupsOf(r *importer.CheckedRow) []group {
	var out []group
	if r.Status == row.StatusDuplicate {
		out = append(out, group{Key: "duplicate|" + r.DupField, Field: r.DupField, Kind: "duplicate",
			Example: "Same " + r.DupField + " as row " + strconv.Itoa(r.DupOf) + "."})
	}
	for _, p := range r.Problems {
		if p.Warning && r.Status == row.StatusInvalid {
			continue // as in owr_error: the errors come first
		}
		where := p.Field
		if where == "" {
			where = p.Column
		}
		key := where + "|" + p.Kind
		if p.Warning {
			key = "warning|" + key
		}
		out = append(out, group{Key: key, Field: p.Field, Column: p.Column, Kind: p.Kind, Warning: p.Warning, Example: p.Message})
	}
	return out
}

func containsGroup(list []int32, g int32) bool {
	for _, x := range list {
		if x == g {
			return true
		}
	}
	return false
}

// previewOf is one row's fields after the mapping: the value sent, or
// the problem (fillBefore adds the cells before).
func previewOf(r *importer.CheckedRow) []previewCell {
	sent := sentValues(r.Customer)
	out := make([]previewCell, len(apiFields))
	for i := range out {
		out[i].After = sent[i]
	}
	for _, p := range r.Problems {
		i := fieldIndex(p.Field)
		if i < 0 {
			continue
		}
		out[i].Problem, out[i].Warning = p.Message, p.Warning
	}
	return out
}

// sentValues are the customer's fields, in apiFields order, as sent.
func sentValues(c mapping.Customer) []string {
	id := ""
	if c.ExtCustomerID != 0 {
		id = strconv.FormatInt(c.ExtCustomerID, 10)
	}
	a := c.Address
	return []string{id, c.ExtCustomerNumber, c.Name, c.EnterpriseNumber, a.Street, a.StreetNumber, a.City, a.PostalCode, a.Country}
}

func fieldIndex(name string) int {
	for i, f := range apiFields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// checkSummary is the check step's head: counts, groups, how long the
// check took; nil when the mapping does not parse.
func (s *session) checkSummary() map[string]any {
	if s.check == nil {
		return map[string]any{"ok": false, "error": s.mapErr}
	}
	c := s.check
	groups := c.groups
	if groups == nil {
		groups = []group{}
	}
	return map[string]any{"ok": true, "rows": len(c.rows), "counts": c.counts, "groups": groups,
		"preview": c.preview, "elapsedMs": c.elapsed.Milliseconds()}
}

// fillBefore puts each field's cells, as the export has them, in the
// preview's before column (joined with the field's join, as the mapping
// joins them).
func fillBefore(preview [][]previewCell, m *mapModel, t *importer.Table) {
	for fi, f := range m.Fields {
		if f.Const {
			for r := range preview {
				preview[r][fi].Before = ""
			}
			continue
		}
		idx := columnIndexes(t.Header, f.Columns)
		join := f.Join
		if join == "" {
			join = " "
		}
		for r := range preview {
			var parts []string
			for _, i := range idx {
				if v := strings.TrimSpace(t.Rows[r].Values[i]); v != "" {
					parts = append(parts, v)
				}
			}
			preview[r][fi].Before = strings.Join(parts, join)
		}
	}
}

// columnIndexes finds columns by header, ignoring case and spaces around.
func columnIndexes(header, names []string) []int {
	var out []int
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(n)) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}
