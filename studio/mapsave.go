package studio

import (
	"errors"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// keepComments applies the model to an existing mapping file through its
// syntax tree, so the consultant's comments stay where they were: a field
// the page did not change keeps its text, a changed one gets its new value
// in place (the comments above and beside its key stay), a new one is
// added at the end of fields:, an unmapped one is removed. orig is what
// the file said when it was loaded.
func keepComments(original []byte, orig, now *mapModel) ([]byte, error) {
	file, err := parser.ParseBytes(original, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if len(file.Docs) == 0 {
		return nil, errors.New("the mapping file is empty")
	}
	top, ok := file.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		return nil, errors.New("the mapping file is not a YAML mapping")
	}
	fields := child(top, "fields")
	if fields == nil {
		return nil, errors.New("the mapping file has no fields: block")
	}
	if err := setSource(file, top, orig, now); err != nil {
		return nil, err
	}
	before := map[string]fieldMap{}
	for _, f := range orig.Fields {
		before[f.Field] = f
	}
	var added []string
	for _, f := range now.Fields {
		was := before[f.Field]
		switch {
		case !f.mapped() && was.mapped():
			removeKey(fields, f.Field)
		case f.mapped() && !was.mapped():
			added = append(added, f.Field+": "+f.valueYAML())
		case f.mapped() && f.valueYAML() != was.valueYAML():
			if err := replaceValue(fields, f.Field, f.valueYAML()); err != nil {
				return nil, err
			}
		}
	}
	if len(added) > 0 {
		p, _ := yaml.PathString("$.fields")
		if err := p.MergeFromReader(file, strings.NewReader(strings.Join(added, "\n")+"\n")); err != nil {
			return nil, err
		}
	}
	return []byte(file.String() + "\n"), nil
}

// setSource replaces the source: block when the model's differs.
func setSource(file *ast.File, top *ast.MappingNode, orig, now *mapModel) error {
	if orig.Source == now.Source {
		return nil
	}
	text := now.sourceYAML()
	if text == "" {
		removeKey(top, "source")
		return nil
	}
	if hasKey(top, "source") { // also "source:" holding only comments
		return replaceValue(top, "source", text)
	}
	p, _ := yaml.PathString("$")
	return p.MergeFromReader(file, strings.NewReader("source: "+text+"\n"))
}

// child is the mapping under key in m, or nil.
func child(m *ast.MappingNode, key string) *ast.MappingNode {
	for _, mv := range m.Values {
		if mv.Key.String() == key {
			c, _ := mv.Value.(*ast.MappingNode)
			return c
		}
	}
	return nil
}

func hasKey(m *ast.MappingNode, key string) bool {
	for _, mv := range m.Values {
		if mv.Key.String() == key {
			return true
		}
	}
	return false
}

// replaceValue puts the value written as text (one line, flow style) in
// place of key's value.
func replaceValue(m *ast.MappingNode, key, text string) error {
	f, err := parser.ParseBytes([]byte("x: "+text+"\n"), 0)
	if err != nil {
		return err
	}
	node := f.Docs[0].Body.(*ast.MappingNode).Values[0].Value
	for _, mv := range m.Values {
		if mv.Key.String() == key {
			mv.Value = node
			return nil
		}
	}
	return errors.New("no key " + key)
}

func removeKey(m *ast.MappingNode, key string) {
	for i, mv := range m.Values {
		if mv.Key.String() == key {
			m.Values = append(m.Values[:i], m.Values[i+1:]...)
			return
		}
	}
}
