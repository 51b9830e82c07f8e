package source

import (
	"bytes"
	"fmt"
	"owr-import/importer/row"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// xmlScan checks the XML of a workbook part as it is unpacked, without
// building anything: it is an io.Writer that follows the markup byte by
// byte (jumping over text with IndexByte) and fails at the first piece of
// XML longer than maxXMLTokenBytes, element nested deeper than maxXMLDepth,
// row of more than maxColumns cells or shared string past maxSharedStrings.
// Its errors are *row.InputError naming the limit and where it was passed.
//
// It measures every token the way encoding/xml will hold it: a text runs
// from one markup to the next; a tag, a comment, a CDATA section or a
// processing instruction runs to its end. Document type declarations, which
// no spreadsheet program writes and encoding/xml cannot bound, are refused.
type xmlScan struct {
	path  string
	part  keptPart
	state scanState
	token int // bytes of the current token so far
	depth int
	// the current tag: its first bytes (name and first attributes), whether
	// it is an end tag, the quote it is in and its last byte so far (a '/'
	// before the '>' makes an empty element)
	tag     [128]byte
	tagLen  int
	endTag  bool
	quote   byte
	lastSig byte
	// "<!" constructs: the bytes after "<!" so far, and the end sought
	bang  [7]byte
	nBang int
	tail  [2]byte // the last two bytes of a comment, CDATA or PI
	// what was seen: sheets count rows and cells, shared strings their items
	row, cells int
	cell       [12]byte // the reference of the current cell ("XFD1048576"), for messages
	cellLen    int
	strings    int
}

type scanState uint8

const (
	inText scanState = iota
	inTagStart
	inTag
	inBang
	inComment
	inCDATA
	inPI
)

const cdataOpen = "[CDATA["

// Write feeds the next bytes of the part to the scanner. It is one state
// machine over the bytes on purpose: a tag, comment, CDATA section or
// instruction may be cut anywhere by the end of p, and the state carries
// over to the next call; the common case is taken out into tags.
func (s *xmlScan) Write(p []byte) (int, error) {
	for i := 0; i < len(p); {
		switch s.state {
		case inText:
			var err error
			if i, err = s.tags(p, i); err != nil || i == len(p) {
				if err != nil {
					return 0, err
				}
				break
			}
			j := bytes.IndexByte(p[i:], '<')
			if j < 0 {
				s.token += len(p) - i
				i = len(p)
				break
			}
			s.token += j
			if err := s.checkToken(); err != nil {
				return 0, err
			}
			i += j + 1
			s.state, s.token, s.tagLen, s.endTag, s.quote, s.lastSig = inTagStart, 1, 0, false, 0, 0
		case inTagStart:
			switch p[i] {
			case '/':
				s.endTag, s.state = true, inTag
				i++
			case '!':
				s.state, s.nBang = inBang, 0
				i++
			case '?':
				s.state, s.tail = inPI, [2]byte{}
				i++
			default:
				s.state = inTag
			}
			s.token++
		case inTag:
			i = s.scanTag(p, i)
			if s.state == inText {
				if err := s.checkToken(); err != nil {
					return 0, err
				}
				if err := s.endOfTag(); err != nil {
					return 0, err
				}
				s.token = 0
			}
		case inBang:
			c := p[i]
			i++
			s.token++
			s.bang[s.nBang] = c
			s.nBang++
			switch b := string(s.bang[:s.nBang]); {
			case b == "--":
				s.state, s.tail = inComment, [2]byte{}
			case b == cdataOpen:
				s.state, s.tail = inCDATA, [2]byte{}
			case len(b) <= 2 && b == "--"[:len(b)], len(b) <= len(cdataOpen) && b == cdataOpen[:len(b)]:
			default:
				return 0, s.fail("it holds a document type declaration (<!DOCTYPE), which no spreadsheet program writes")
			}
		case inComment, inCDATA, inPI:
			if i = s.scanToEnd(p, i); s.state == inText {
				if err := s.checkToken(); err != nil {
					return 0, err
				}
				s.token = 0
			}
		}
	}
	// A token grows by at most len(p) between two checks.
	if err := s.checkToken(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// tags is the fast path of Write (long for the same reason: one pass on
// locals): from text at p[i], it goes through the
// texts and the tags that p holds whole, on locals, and returns where the
// next text or tag begins that the state machine must take (a tag cut by
// the end of p, a comment, CDATA or instruction), or len(p).
func (s *xmlScan) tags(p []byte, i int) (int, error) {
	token := s.token
	for {
		j := bytes.IndexByte(p[i:], '<')
		if j < 0 {
			s.token = token + len(p) - i
			return len(p), nil
		}
		if token += j; token > maxXMLTokenBytes {
			s.token = token
			return 0, s.checkToken()
		}
		start := i + j // the '<'
		k := start + 1
		if k >= len(p) || p[k] == '!' || p[k] == '?' {
			s.token = token
			return start, nil
		}
		end := p[k] == '/'
		if end {
			k++
		}
		nameStart := k
		for k < len(p) && p[k] > ' ' && p[k] != '/' && p[k] != '>' && p[k] != '"' && p[k] != '\'' {
			k++
		}
		nameEnd := k
		for k < len(p) && p[k] != '>' {
			if q := p[k]; q == '"' || q == '\'' {
				k++
				for k < len(p) && p[k] != q {
					k++
				}
				if k == len(p) {
					break
				}
			}
			k++
		}
		if k >= len(p) {
			s.token = token
			return start, nil // cut: the state machine takes it from the '<'
		}
		if k+1-start > maxXMLTokenBytes {
			s.token = k + 1 - start
			return 0, s.checkToken()
		}
		token, i = 0, k+1
		if end {
			s.depth--
			continue
		}
		if p[k-1] != '/' { // "/>" ends an empty element; XML allows no space between
			if s.depth++; s.depth > maxXMLDepth {
				return 0, s.fail(fmt.Sprintf("its elements are nested more than %d deep", maxXMLDepth))
			}
		}
		if s.part.kind != partOther {
			if err := s.startTag(p[nameStart:nameEnd], p[nameEnd:k]); err != nil {
				return 0, err
			}
		}
	}
}

// scanTag follows a tag from p[i] to its '>' (outside quoted attribute
// values), keeping its first bytes; it returns where it stopped. It is the
// hot loop of the check (a sheet is mostly tags), so it works on locals.
func (s *xmlScan) scanTag(p []byte, i int) int {
	start, quote, prev := i, s.quote, s.lastSig
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			s.quote, s.lastSig = quote, prev
			s.keepTag(p[start:i])
			s.state = inText
			return i + 1
		case c == '"' || c == '\'':
			quote = c
		}
		prev = c
	}
	s.quote, s.lastSig = quote, prev
	s.keepTag(p[start:i])
	return i
}

// keepTag counts b in the tag and keeps it while the tag is short.
func (s *xmlScan) keepTag(b []byte) {
	s.token += len(b)
	s.tagLen += copy(s.tag[s.tagLen:], b)
}

// scanToEnd follows a comment, CDATA section or processing instruction to
// its end ("-->", "]]>", "?>"), jumping from '>' to '>'; at the end it
// sets the state to inText and leaves the token's length to be checked.
func (s *xmlScan) scanToEnd(p []byte, i int) int {
	for i < len(p) {
		j := bytes.IndexByte(p[i:], '>')
		if j < 0 {
			s.keepTail(p[i:])
			s.token += len(p) - i
			return len(p)
		}
		s.keepTail(p[i : i+j])
		s.token += j + 1
		i += j + 1
		t := string(s.tail[:])
		if (s.state == inComment && t == "--") || (s.state == inCDATA && t == "]]") || (s.state == inPI && t[1] == '?') {
			s.state = inText
			return i
		}
		s.tail = [2]byte{t[1], '>'}
	}
	return i
}

// keepTail keeps the last two bytes seen, for the end marks.
func (s *xmlScan) keepTail(b []byte) {
	switch len(b) {
	case 0:
	case 1:
		s.tail = [2]byte{s.tail[1], b[0]}
	default:
		s.tail = [2]byte{b[len(b)-2], b[len(b)-1]}
	}
}

// endOfTag handles a tag the state machine followed: nesting, and rows,
// cells and shared strings.
func (s *xmlScan) endOfTag() error {
	if s.endTag {
		s.depth--
		return nil
	}
	tag := s.tag[:s.tagLen]
	n := 0
	for n < len(tag) && tag[n] > ' ' && tag[n] != '/' && tag[n] != '>' && tag[n] != '"' && tag[n] != '\'' {
		n++
	}
	if s.lastSig != '/' {
		if s.depth++; s.depth > maxXMLDepth {
			return s.fail(fmt.Sprintf("its elements are nested more than %d deep", maxXMLDepth))
		}
	}
	return s.startTag(tag[:n], tag[n:])
}

// startTag counts the rows and cells of a sheet and the items of the shared
// strings, given a start tag's name and the rest of it.
func (s *xmlScan) startTag(name, attrs []byte) error {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == ':' {
			name = name[i+1:]
			break
		}
	}
	switch {
	case s.part.kind == partSheet && len(name) == 3 && string(name) == "row":
		if r, err := strconv.Atoi(string(attrValue(attrs, 'r'))); err == nil {
			s.row = r
		} else {
			s.row++
		}
		s.cells, s.cellLen = 0, 0
	case s.part.kind == partSheet && len(name) == 1 && name[0] == 'c':
		s.cells++
		s.cellLen = copy(s.cell[:], attrValue(attrs, 'r'))
		if s.cells > maxColumns {
			return &row.InputError{Path: s.path, Sheet: s.part.sheet, Row: s.row, Hint: hintSaveAs,
				Message: fmt.Sprintf("this row has more than %s cells, more than a spreadsheet can hold", thousands(maxColumns))}
		}
	case s.part.kind == partSharedStrings && len(name) == 2 && string(name) == "si":
		if s.strings++; s.strings > maxSharedStrings {
			return inputErr(s.path, fmt.Sprintf("the workbook holds more than %s different texts (shared strings); at most %s are read",
				thousands(maxSharedStrings), thousands(maxSharedStrings)), hintTooLarge, nil)
		}
	}
	return nil
}

// attrValue returns the value of the one-letter attribute name among the
// attributes attrs (the rest of a tag after its name), or nil.
func attrValue(attrs []byte, name byte) []byte {
	for i := 1; i+2 < len(attrs); i++ {
		if attrs[i] != name || attrs[i+1] != '=' {
			continue
		}
		if c := attrs[i-1]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			continue
		}
		q := attrs[i+2]
		if q != '"' && q != '\'' {
			continue
		}
		if end := bytes.IndexByte(attrs[i+3:], q); end >= 0 {
			return attrs[i+3 : i+3+end]
		}
		return nil
	}
	return nil
}

// cellRef names the current cell for messages.
func (s *xmlScan) cellRef() string {
	if s.cellLen > 0 {
		return string(s.cell[:s.cellLen])
	}
	ref, _ := excelize.CoordinatesToCellName(min(max(s.cells, 1), maxColumns), max(s.row, 1))
	return ref
}

// checkToken fails when the current token is past maxXMLTokenBytes.
func (s *xmlScan) checkToken() error {
	if s.token <= maxXMLTokenBytes {
		return nil
	}
	size := megabytes(uint64(maxXMLTokenBytes))
	switch {
	case s.part.kind == partSheet && s.cells > 0:
		return &row.InputError{Path: s.path, Sheet: s.part.sheet, Row: s.row, Column: s.cellRef(), Hint: hintTooLarge,
			Message: fmt.Sprintf("this cell holds more than %s; a customer export has no cell this large (at most %s is read)", size, size)}
	case s.part.kind == partSharedStrings:
		return inputErr(s.path, fmt.Sprintf("shared string %s (the texts of the workbook) is larger than %s; a customer export has no cell this large",
			thousands(s.strings), size), hintTooLarge, nil)
	}
	return s.fail(fmt.Sprintf("it holds a piece of XML larger than %s", size))
}

// fail is the error for a part that breaks a limit of XML itself.
func (s *xmlScan) fail(what string) error {
	return &row.InputError{Path: s.path, Sheet: s.part.sheet, Row: s.row, Hint: hintSaveAs,
		Message: "the workbook part " + s.part.name + " is damaged or not made by a spreadsheet program: " + what}
}
