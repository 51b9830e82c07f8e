package owrapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"owr-import/importer/row"
)

// Codes of a 2xx answer that is not the documented success: the customer
// was most likely created, but which one and under which id is unknown.
const (
	// CodeUnreadableAnswer: the body is not the documented JSON object with
	// whole-number ids.
	CodeUnreadableAnswer = "UNREADABLE_ANSWER"
	// CodeUnexpectedAnswer: the body is JSON but its ids are wrong: no
	// positive customerId, or another extCustomerId than the one sent.
	CodeUnexpectedAnswer = "UNEXPECTED_ANSWER"
)

// maxSnippet bounds the part of an unreadable success body kept in a message.
const maxSnippet = 80

// createdAnswer is the documented success body, with pointers so a missing
// id is told apart from a zero one (decoded only to explain a bad answer).
type createdAnswer struct {
	CompanyID     *int64 `json:"companyId"`
	CustomerID    *int64 `json:"customerId"`
	ExtCustomerID *int64 `json:"extCustomerId"`
}

// decodeCreated checks a 2xx body: the documented {"companyId",
// "customerId", "extCustomerId"} with a positive customerId and, when the
// sent body named one (known), the extCustomerId that was sent. Anything
// else is an *APIError with the 2xx status whose message starts "the API
// answered success (HTTP n) but"; text taken from the body is cleaned,
// redacted and shortened.
func decodeCreated(status int, raw []byte, sentExt int64, known bool, redact func(string) string) (Created, *APIError) {
	fail := func(code, format string, args ...any) (Created, *APIError) {
		return Created{}, &APIError{Status: status, Code: code,
			Message: fmt.Sprintf("the API answered success (HTTP %d) but ", status) + fmt.Sprintf(format, args...)}
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return fail(CodeUnreadableAnswer, "its answer is empty")
	}
	var out Created
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &out) != nil {
		snippet := shorten(redact(row.CleanText(string(trimmed))), maxSnippet)
		return fail(CodeUnreadableAnswer, "its answer is not the documented JSON: %s", snippet)
	}
	if out.CustomerID > 0 && (!known || out.ExtCustomerID == sentExt) {
		return out, nil // the common case, without the allocations below
	}
	var a createdAnswer
	_ = json.Unmarshal(trimmed, &a) // succeeded above with the same fields
	switch {
	case a.CustomerID == nil:
		return fail(CodeUnexpectedAnswer, "its answer has no customerId")
	case *a.CustomerID <= 0:
		return fail(CodeUnexpectedAnswer, "gave customerId %d (a positive id was expected)", *a.CustomerID)
	case known && a.ExtCustomerID == nil:
		return fail(CodeUnexpectedAnswer, "its answer has no extCustomerId (%d was sent)", sentExt)
	}
	return fail(CodeUnexpectedAnswer, "for extCustomerId %d, not the %d that was sent", *a.ExtCustomerID, sentExt)
}

// extPrefix is how every body the importer encodes begins (mapping.Customer
// puts extCustomerId first).
var extPrefix = []byte(`{"extCustomerId":`)

// sentExtCustomerID reads the top-level extCustomerId of a request body, a
// whole number; ok is false when there is none. A body that starts with it
// and names no other key like it, as the importer's do, is read without a
// JSON decoder; any other body is decoded (encoding/json rules: keys match
// without regard to case, the last one wins), with the same result.
func sentExtCustomerID(body []byte) (ext int64, ok bool) {
	if rest, found := bytes.CutPrefix(body, extPrefix); found {
		end := bytes.IndexAny(rest, ",}")
		if end > 0 && !mayNameExtKey(rest[end:]) {
			if n, ok := parseInt64(rest[:end]); ok {
				return n, true
			}
		}
	}
	return decodeSentExt(body)
}

// decodeSentExt reads the top-level extCustomerId with encoding/json.
func decodeSentExt(body []byte) (int64, bool) {
	var v struct {
		ExtCustomerID json.RawMessage `json:"extCustomerId"`
	}
	if json.Unmarshal(body, &v) != nil || len(v.ExtCustomerID) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v.ExtCustomerID), 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// mayNameExtKey reports whether b could hold another "extCustomerId" key
// as encoding/json reads keys: in any case, with escapes, or with the long
// s (U+017F) that folds to 's'.
func mayNameExtKey(b []byte) bool {
	if bytes.IndexByte(b, '\\') >= 0 || bytes.Contains(b, []byte("\u017f")) {
		return true
	}
	return keyAround(b, 'x') || keyAround(b, 'X')
}

// keyAround reports whether an "extcustomerid" in any case sits around one
// of the x's of b (found with IndexByte, which is fast on long bodies).
func keyAround(b []byte, x byte) bool {
	const key = "extcustomerid"
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], x)
		if j < 0 {
			return false
		}
		if k := i + j - 1; k >= 0 && k+len(key) <= len(b) && bytes.EqualFold(b[k:k+len(key)], []byte(key)) {
			return true
		}
		i += j + 1
	}
}

// parseInt64 reads an optional '-' and decimal digits, like
// strconv.ParseInt(s, 10, 64) for JSON integers, without allocating.
func parseInt64(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return -int64(u), true
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}
