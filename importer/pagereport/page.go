package pagereport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"

	"owr-import/importer/report"
)

//go:embed page.html.tmpl
var pageText string

// page is parsed once; html/template escapes every value for where it
// lands (text, attribute), so no text from a file or an answer can become
// markup.
var page = template.Must(template.New("page").Parse(pageText))

// Render is the page for d.
func Render(d *Data) ([]byte, error) {
	var b bytes.Buffer
	if err := page.Execute(&b, newView(d)); err != nil {
		return nil, fmt.Errorf("rendering the report page: %w", err)
	}
	return b.Bytes(), nil
}

// Write renders the page and puts it at path whole: a temporary file
// renamed into place, so a reader never opens half a page.
func Write(path string, d *Data) error {
	data, err := Render(d)
	if err != nil {
		return err
	}
	if err := report.WriteFileAtomic(path, data); err != nil {
		return fmt.Errorf("writing the report page %s: %w", path, err)
	}
	return nil
}
