package studio

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"owr-import/mapping"
)

// apiFields are the fields of the Customers API in the order of its
// documentation, with the ones it refuses a customer without.
var apiFields = []struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
}{
	{"extCustomerId", true}, {"extCustomerNumber", true}, {"name", true}, {"enterpriseNumber", true},
	{"address.street", false}, {"address.streetNumber", false}, {"address.city", true},
	{"address.postalCode", false}, {"address.country", false},
}

// transformNames are the mapping file's transforms, as the page offers them.
var transformNames = []string{"trim", "upper", "lower", "digits", "integer", "vat", "country", "street", "house_number"}

// mapModel is a mapping file as the page edits it: one entry per API
// field, each read from columns or a constant. It renders to the YAML the
// command line reads (see yamlOf) and mapping.Parse is the judge of it.
type mapModel struct {
	Source mapSource  `json:"source"`
	Fields []fieldMap `json:"fields"`
}

type mapSource struct {
	Sheet     string `json:"sheet,omitempty" yaml:"sheet,omitempty"`
	HeaderRow int    `json:"headerRow,omitempty" yaml:"header_row,omitempty"`
	Delimiter string `json:"delimiter,omitempty" yaml:"delimiter,omitempty"`
	Encoding  string `json:"encoding,omitempty" yaml:"encoding,omitempty"`
}

// fieldMap is one field. No columns and Const false: the field is not
// mapped.
type fieldMap struct {
	Field      string     `json:"field"`
	Columns    []string   `json:"columns"`
	Join       string     `json:"join,omitempty"` // between columns; "" = a space
	Const      bool       `json:"const"`
	Value      string     `json:"value,omitempty"`
	Default    string     `json:"default,omitempty"`
	Transforms []string   `json:"transforms"`
	Values     []valueMap `json:"values"`
	Warning    bool       `json:"warning,omitempty"` // enterpriseNumber: wrong check digits only warn
}

// valueMap is one entry of a field's values: block: a whole cell (any
// case) becomes To, or makes the row invalid with the reason Invalid.
type valueMap struct {
	From    string `json:"from"`
	To      string `json:"to,omitempty"`
	Invalid string `json:"invalid,omitempty"`
}

func (f fieldMap) mapped() bool { return f.Const || len(f.Columns) > 0 }

// modelOfDraft is mapping init's guess as a model.
func modelOfDraft(d *mapping.Draft) *mapModel {
	m := &mapModel{Source: mapSource{Sheet: d.Source.Sheet, HeaderRow: d.Source.HeaderRow}}
	placed := map[string]mapping.DraftField{}
	for _, f := range d.Fields {
		placed[f.Field] = f
	}
	for _, af := range apiFields {
		fm := fieldMap{Field: af.Name}
		if df, ok := placed[af.Name]; ok {
			if df.Column != "" {
				fm.Columns = []string{df.Column}
			} else {
				fm.Const, fm.Value = true, df.Value
			}
			fm.Default, fm.Transforms = df.Default, append([]string(nil), df.Transform...)
		}
		m.Fields = append(m.Fields, fm)
	}
	return m
}

// fileShape is a mapping file as goccy/go-yaml decodes it loosely; the
// strict checks are mapping.Parse's, run before this.
type fileShape struct {
	Source mapSource     `yaml:"source"`
	Fields yaml.MapSlice `yaml:"fields"`
}

// modelOfYAML reads a mapping file that mapping.Parse accepted.
func modelOfYAML(data []byte) (*mapModel, error) {
	var f fileShape
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	byName := map[string]any{}
	for _, it := range f.Fields {
		byName[fmt.Sprint(it.Key)] = it.Value
	}
	m := &mapModel{Source: f.Source}
	for _, af := range apiFields {
		fm := fieldMap{Field: af.Name}
		if v, ok := byName[af.Name]; ok {
			fillField(&fm, v)
		}
		m.Fields = append(m.Fields, fm)
	}
	return m, nil
}

// fillField reads one field's entry: a header (short form) or a block.
func fillField(fm *fieldMap, v any) {
	block, ok := v.(map[string]any)
	if !ok {
		fm.Columns = []string{scalar(v)}
		return
	}
	if c, ok := block["column"]; ok {
		fm.Columns = []string{scalar(c)}
	}
	if cs, ok := block["columns"].([]any); ok {
		for _, c := range cs {
			fm.Columns = append(fm.Columns, scalar(c))
		}
	}
	if j, ok := block["join"]; ok {
		fm.Join = scalar(j)
	}
	if c, ok := block["value"]; ok {
		fm.Const, fm.Value = true, scalar(c)
	}
	if d, ok := block["default"]; ok {
		fm.Default = scalar(d)
	}
	if ts, ok := block["transform"].([]any); ok {
		for _, t := range ts {
			fm.Transforms = append(fm.Transforms, scalar(t))
		}
	}
	fm.Warning = scalar(block["severity"]) == "warning"
	if vals, ok := block["values"].(map[string]any); ok {
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e, _ := vals[k].(map[string]any)
			vm := valueMap{From: k}
			if x, ok := e["value"]; ok {
				vm.To = scalar(x)
			}
			if x, ok := e["invalid"]; ok {
				vm.Invalid = scalar(x)
			}
			fm.Values = append(fm.Values, vm)
		}
	}
}

// scalar is a YAML scalar as text: a header "1001" decoded as a number
// is the text 1001 again.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case uint64:
		return strconv.FormatUint(x, 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// yamlOf renders the model as a mapping file, fields in the API's order,
// each on one line. Unmapped fields are left out (Parse then names the
// required ones).
func (m *mapModel) yamlOf(title string) []byte {
	var b strings.Builder
	if title != "" {
		fmt.Fprintf(&b, "# %s\n", title)
	}
	b.WriteString("version: 1\n")
	if src := m.sourceYAML(); src != "" {
		b.WriteString("source: " + src + "\n")
	}
	b.WriteString("fields:\n")
	for _, f := range m.Fields {
		if f.mapped() {
			fmt.Fprintf(&b, "  %s: %s\n", f.Field, f.valueYAML())
		}
	}
	return []byte(b.String())
}

// sourceYAML is the source: block in flow form, "" when nothing is set.
func (m *mapModel) sourceYAML() string {
	s := m.Source
	var parts []string
	if s.Sheet != "" {
		parts = append(parts, "sheet: "+mapping.YAMLScalar(s.Sheet))
	}
	if s.HeaderRow > 0 {
		parts = append(parts, "header_row: "+strconv.Itoa(s.HeaderRow))
	}
	if s.Delimiter != "" {
		parts = append(parts, "delimiter: "+mapping.YAMLScalar(s.Delimiter))
	}
	if s.Encoding != "" {
		parts = append(parts, "encoding: "+mapping.YAMLScalar(s.Encoding))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// valueYAML is one field's value: the short form for a bare column, else a
// flow block.
func (f fieldMap) valueYAML() string {
	plain := len(f.Columns) == 1 && f.Default == "" && len(f.Transforms) == 0 && len(f.Values) == 0 && !f.Warning
	if plain {
		return mapping.YAMLScalar(f.Columns[0])
	}
	var parts []string
	switch {
	case f.Const:
		parts = append(parts, "value: "+mapping.YAMLScalar(f.Value))
	case len(f.Columns) == 1:
		parts = append(parts, "column: "+mapping.YAMLScalar(f.Columns[0]))
	default:
		parts = append(parts, "columns: "+yamlList(f.Columns))
		if f.Join != "" {
			parts = append(parts, "join: "+strconv.Quote(f.Join))
		}
	}
	if len(f.Transforms) > 0 {
		parts = append(parts, "transform: "+yamlList(f.Transforms))
	}
	if f.Default != "" {
		parts = append(parts, "default: "+mapping.YAMLScalar(f.Default))
	}
	if f.Warning {
		parts = append(parts, "severity: warning")
	}
	if len(f.Values) > 0 {
		var vs []string
		for _, v := range f.Values {
			if v.Invalid != "" {
				vs = append(vs, mapping.YAMLScalar(v.From)+": { invalid: "+mapping.YAMLScalar(v.Invalid)+" }")
			} else {
				vs = append(vs, mapping.YAMLScalar(v.From)+": { value: "+mapping.YAMLScalar(v.To)+" }")
			}
		}
		parts = append(parts, "values: { "+strings.Join(vs, ", ")+" }")
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

func yamlList(items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = mapping.YAMLScalar(it)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
