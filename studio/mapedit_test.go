package studio

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"owr-import/mapping"
)

// TestMappingRoundTrip: the page's mapping saved to YAML reads back as the
// same mapping (mapping.Parse accepts it, the model is unchanged), and the
// comments of an existing file are kept.
func TestMappingRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		samples  []string
		edit     func(m *mapModel)
		keepText []string // lines of the original file still there after saving
	}{
		{"existing file, a field changed", []string{"customers.csv", "mapping.yaml"}, func(m *mapModel) {
			f := field(m, "name")
			f.Transforms = []string{"upper"}
		}, []string{"# Mapping for samples/customers.xlsx", "# Short form: just the column's header.", "extCustomerId: Klant ID"}},
		{"existing file, a field removed and values added", []string{"customers.csv", "mapping.yaml"}, func(m *mapModel) {
			*field(m, "address.postalCode") = fieldMap{Field: "address.postalCode"}
			f := field(m, "enterpriseNumber")
			f.Values = []valueMap{{From: "Particulier", Invalid: "private customer: ask the client"}, {From: "n/a", To: "BE0417497106"}}
			f.Warning = true
		}, []string{"# One \"Adres\" cell holds street and number: split it in two."}},
		{"existing file, a source block of comments only gets a header row", []string{"customers.csv", "mapping.yaml"}, func(m *mapModel) {
			m.Source.HeaderRow = 1
		}, []string{"# Nothing to set for these files"}},
		{"guess, joined columns and a constant", []string{"customers.csv"}, func(m *mapModel) {
			f := field(m, "address.street")
			f.Columns, f.Join, f.Transforms = []string{"Adres", "Postcode"}, " - ", nil
			*field(m, "address.country") = fieldMap{Field: "address.country", Const: true, Value: "belgium"}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := startStudio(t, tt.samples...)
			var info openInfo
			c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
			m := info.Mapping
			tt.edit(&m)
			var res struct {
				Errors []fieldError `json:"errors"`
			}
			c.mustCall("PUT", "/api/mapping", m, &res)
			if len(res.Errors) > 0 {
				t.Fatalf("mapping errors: %+v", res.Errors)
			}
			c.mustCall("POST", "/api/mapping/save", nil, nil)
			saved, err := os.ReadFile(filepath.Join(srv.Dir(), mappingFile))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := mapping.Parse("saved.yaml", saved); err != nil {
				t.Fatalf("the saved file does not parse: %v\n%s", err, saved)
			}
			back, err := modelOfYAML(saved)
			if err != nil {
				t.Fatal(err)
			}
			normalise(&m)
			normalise(back)
			if !reflect.DeepEqual(*back, m) {
				t.Errorf("read back\n%+v\nwant\n%+v\nfile:\n%s", *back, m, saved)
			}
			for _, line := range tt.keepText {
				if !strings.Contains(string(saved), line) {
					t.Errorf("the saved file lost %q:\n%s", line, saved)
				}
			}
		})
	}
}

func field(m *mapModel, name string) *fieldMap {
	for i := range m.Fields {
		if m.Fields[i].Field == name {
			return &m.Fields[i]
		}
	}
	panic(name)
}

// normalise makes empty lists nil, as YAML cannot tell them apart.
func normalise(m *mapModel) {
	for i := range m.Fields {
		f := &m.Fields[i]
		if len(f.Columns) == 0 {
			f.Columns = nil
		}
		if len(f.Transforms) == 0 {
			f.Transforms = nil
		}
		if len(f.Values) == 0 {
			f.Values = nil
		}
	}
}

// TestMappingErrorsOnFields: a mistake is reported on the field it is
// about, and a required field left unmapped says so.
func TestMappingErrorsOnFields(t *testing.T) {
	_, c := startStudio(t, "customers.csv")
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
	tests := []struct {
		name, field string
		edit        func(m *mapModel)
	}{
		{"unknown column", "address.city", func(m *mapModel) { field(m, "address.city").Columns = []string{"Stad"} }},
		{"required unmapped", "", func(m *mapModel) { *field(m, "name") = fieldMap{Field: "name"} }},
		{"unknown transform", "name", func(m *mapModel) { field(m, "name").Transforms = []string{"shout"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := info.Mapping
			m.Fields = append([]fieldMap(nil), info.Mapping.Fields...)
			tt.edit(&m)
			var res struct {
				Errors []fieldError `json:"errors"`
			}
			c.mustCall("PUT", "/api/mapping", m, &res)
			if len(res.Errors) == 0 {
				t.Fatal("no error")
			}
			if tt.field != "" && res.Errors[0].Field != tt.field {
				t.Errorf("error on %q, want %q: %+v", res.Errors[0].Field, tt.field, res.Errors)
			}
		})
	}
}
