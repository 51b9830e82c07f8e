package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// MaxFileSize bounds a mapping file. Real mappings are a few hundred bytes;
// anything near this size was not meant as a mapping (a wrong --mapping
// argument pointing at the export, say) and is refused before parsing.
const MaxFileSize = 1 << 20

// Load reads and parses the mapping file at path (see Parse). It refuses a
// directory and a file larger than MaxFileSize with an error that says so.
func Load(path string) (*Mapping, error) {
	fail := func(msg, hint string) error { return &Error{File: path, Message: msg, Hint: hint} }
	f, err := os.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, fail("the mapping file does not exist", "Check the path given to --mapping, or create one with: owr-import mapping init EXPORT-FILE -o "+path+".")
		case errors.Is(err, os.ErrPermission):
			return nil, fail("the mapping file cannot be read: permission denied", "Check the file's permissions.")
		}
		return nil, fail("the mapping file cannot be opened: "+unwrapPathError(err), "")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fail("the mapping file cannot be read: "+unwrapPathError(err), "")
	}
	if info.IsDir() {
		return nil, fail("this is a folder, not a mapping file", "Give the path of the mapping file itself, e.g. --mapping "+path+string(os.PathSeparator)+"mapping.yaml.")
	}
	if info.Mode().IsRegular() && info.Size() > MaxFileSize {
		return nil, fail(fmt.Sprintf("the file is %d bytes; a mapping file is at most %d", info.Size(), MaxFileSize), "Check that --mapping names the mapping (.yaml) and not the export itself.")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fail("the mapping file cannot be read: "+unwrapPathError(err), "")
	}
	if len(data) > MaxFileSize {
		return nil, fail(fmt.Sprintf("the file is larger than %d bytes, the limit for a mapping file", MaxFileSize), "Check that --mapping names the mapping (.yaml) and not the export itself.")
	}
	return Parse(path, data)
}

// unwrapPathError drops the "open PATH:" prefix the error already carries,
// since Error names the file.
func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// decodeText turns the bytes of a mapping file into text. Consultants edit
// mappings in whatever editor is at hand: Notepad may save UTF-16 with a BOM
// or Windows-1252 ("ANSI"), so those are accepted as well as UTF-8.
func decodeText(data []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF8.NewDecoder()), data)
		if err != nil {
			return "", false
		}
		return string(out), true
	}
	if utf8.Valid(data) {
		return string(data), true
	}
	out, _, err := transform.Bytes(charmap.Windows1252.NewDecoder(), data)
	if err != nil {
		return "", false
	}
	return string(out), true
}
