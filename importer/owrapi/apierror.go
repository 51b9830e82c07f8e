package owrapi

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"owr-import/importer/row"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Limits on what is kept of an error answer. A Heroku error page or a proxy's
// HTML must never blow up memory or flood a results cell.
const (
	maxErrorBody    = 1 << 20          // bytes of an error body that are read at all
	maxMessageRunes = 200              // characters of the message kept for the results file
	maxRetryAfter   = 60 * time.Second // a Retry-After beyond this is treated as this
)

// APIError is any answer of the Customers API that is not a success: its
// HTTP status, the functional error code when the API gave one (409s carry
// one, e.g. "CUSTOMER_EXT_ID_EXISTS"), a short human message and, for 429 and
// 503, how long the API asked us to wait. Callers inspect it with errors.As.
// It never holds the keys: codes and messages that echo them, in any case,
// spacing or common encoding, are redacted (see redactor).
type APIError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // 0 when the answer had no usable Retry-After
}

// Error reads like "HTTP 409 CUSTOMER_EXISTS: a customer with this extCustomerId already exists".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// newAPIError is the one place a non-2xx answer becomes an error. It reads at
// most maxErrorBody bytes and understands a JSON body ({"errorCode", "message"}
// and common variants), plain text, and HTML (reduced to its title or text).
// Every string in the result passes through redact so a server that echoes a
// key cannot leak it into a results file.
func newAPIError(resp *http.Response, now time.Time, redact func(string) string) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{Status: resp.StatusCode}
	e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	code, msg := errorBodyText(resp.Header.Get("Content-Type"), body)
	e.Code = shorten(redact(row.CleanText(code)), 80)
	e.Message = shorten(redact(row.CleanText(msg)), maxMessageRunes)
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// errorBodyText picks the error code and the message out of an error body,
// whatever its format.
func errorBodyText(contentType string, body []byte) (code, msg string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", ""
	}
	media, _, _ := mime.ParseMediaType(contentType)
	switch {
	case strings.HasSuffix(media, "json") || trimmed[0] == '{':
		if code, msg, ok := jsonErrorText(trimmed); ok {
			return code, msg
		}
	case media == "text/html" || media == "application/xhtml+xml" || trimmed[0] == '<':
		return "", htmlText(trimmed)
	}
	return "", string(trimmed)
}

// jsonErrorText reads the documented {"errorCode": "...", "message": "..."}
// and the usual alternatives ("code", "error", "detail", "title"). A code may
// be a number. ok is false when the body is not a JSON object.
func jsonErrorText(body []byte) (code, msg string, ok bool) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return "", "", false
	}
	pick := func(keys ...string) string {
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				if strings.TrimSpace(v) != "" {
					return v
				}
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			case map[string]any: // {"error": {"code": ..., "message": ...}}
				if s, ok := v["message"].(string); ok {
					return s
				}
			}
		}
		return ""
	}
	code = pick("errorCode", "code", "error_code")
	msg = pick("message", "errorMessage", "error_description", "detail", "title", "error")
	if msg == "" && code == "" {
		msg = string(body)
	}
	return code, msg, true
}

// htmlText reduces an HTML page to its <title>, or else to its visible text,
// so the Heroku "Application Error" page becomes one readable line.
func htmlText(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body))
	var text strings.Builder
	inTitle, skip := false, 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return text.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "title":
				inTitle = true
			case "script", "style":
				skip++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "title":
				inTitle = false
			case "script", "style":
				skip = max(0, skip-1)
			}
		case html.TextToken:
			if inTitle {
				if t := strings.TrimSpace(string(z.Text())); t != "" {
					return t
				}
			}
			if skip == 0 && text.Len() < 4*maxMessageRunes {
				text.WriteString(" ")
				text.Write(z.Text())
			}
		}
	}
}

// shorten keeps at most n characters, marking a cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// parseRetryAfter reads a Retry-After header: whole seconds or an HTTP date.
// The wait is capped at maxRetryAfter so a silly value cannot stall a run;
// a date in the past means "now". ok is false when the header is absent or
// unreadable, and the caller falls back to its own backoff.
func parseRetryAfter(v string, now time.Time) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true // too many digits to parse is "very long"
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	wait = t.Sub(now)
	switch {
	case wait < 0:
		return 0, true
	case wait > maxRetryAfter:
		return maxRetryAfter, true
	}
	return wait, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
