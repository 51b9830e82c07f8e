// Package layering holds one test: that the project's packages import each
// other only downwards, as docs/architecture.md draws them. The compiler
// already refuses import cycles; this test also refuses an import that is
// legal Go but crosses a layer (the CSV reader calling the API client, the
// sandbox importing the importer it plays against).
package layering
