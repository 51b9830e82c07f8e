package owrapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func response(status int, contentType, body string, header ...string) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

var testNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func noRedact(s string) string { return s }

const herokuPage = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
    <style media="screen">html,body,iframe { margin: 0; padding: 0; }</style>
  </head>
  <body><iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe></body>
</html>`

func TestNewAPIError(t *testing.T) {
	tests := []struct {
		name     string
		resp     *http.Response
		wantCode string
		wantMsg  string
		wantWait time.Duration
	}{
		{"documented 409 JSON", response(409, "application/json", `{"errorCode":"CUSTOMER_EXISTS","message":"Customer with extCustomerId 1001 already exists"}`),
			"CUSTOMER_EXISTS", "Customer with extCustomerId 1001 already exists", 0},
		{"JSON without content type", response(400, "", ` {"code": 17, "error": "name is required"}`), "17", "name is required", 0},
		{"JSON nested error", response(400, "application/problem+json", `{"error":{"message":"city missing"}}`), "", "city missing", 0},
		{"JSON without known keys", response(500, "application/json", `{"oops":true}`), "", `{"oops":true}`, 0},
		{"broken JSON kept as text", response(500, "application/json", `{"message": "half`), "", `{"message": "half`, 0},
		{"plain text", response(400, "text/plain; charset=utf-8", "extCustomerId must be a number\n"), "", "extCustomerId must be a number", 0},
		{"Heroku HTML page", response(503, "text/html; charset=utf-8", herokuPage, "Retry-After", "5"), "", "Application Error", 5 * time.Second},
		{"HTML without title", response(502, "text/html", "<html><body><h1>Bad gateway</h1><script>var x=1;</script><p>try later</p></body></html>"), "", "Bad gateway try later", 0},
		{"empty body", response(504, "", ""), "", "Gateway Timeout", 0},
		{"control characters", response(400, "text/plain", "bad\x00 value\r\n\tin\x1b[31m row"), "", "bad value in [31m row", 0},
		{"invalid UTF-8", response(400, "text/plain", "caf\xe9 closed"), "", "caf? closed", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIError(tt.resp, testNow, noRedact)
			if e.Status != tt.resp.StatusCode || e.Code != tt.wantCode || e.Message != tt.wantMsg || e.RetryAfter != tt.wantWait {
				t.Errorf("got %+v\nwant code %q message %q wait %s", *e, tt.wantCode, tt.wantMsg, tt.wantWait)
			}
		})
	}
}

func TestNewAPIErrorHugeBody(t *testing.T) {
	huge := "<html><body>" + strings.Repeat("<p>lorem ipsum dolor sit amet</p>", 200_000) + "</body></html>" // ~6 MB
	body := &countingReader{r: strings.NewReader(huge)}
	resp := &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"text/html"}}, Body: io.NopCloser(body)}
	e := newAPIError(resp, testNow, noRedact)
	if body.n > maxErrorBody {
		t.Errorf("read %d bytes of the body, want at most %d", body.n, maxErrorBody)
	}
	if n := utf8.RuneCountInString(e.Message); n > maxMessageRunes {
		t.Errorf("message has %d characters, want at most %d", n, maxMessageRunes)
	}
	if !strings.HasPrefix(e.Message, "lorem ipsum") || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("message %q: want the page text, shortened with …", e.Message)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestAPIErrorRedactsKeys(t *testing.T) {
	const key = "secret-api-key-123"
	red := newRedactor(key, "cust-key-456")
	resp := response(401, "application/json", `{"errorCode":"BAD_KEY cust-key-456","message":"apikey secret-api-key-123 is not valid"}`)
	e := newAPIError(resp, testNow, red.redact)
	for _, s := range []string{e.Error(), e.Code, e.Message} {
		if strings.Contains(s, key) || strings.Contains(s, "cust-key-456") {
			t.Errorf("a key leaked into %q", s)
		}
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		e    APIError
		want string
	}{
		{APIError{Status: 409, Code: "CUSTOMER_EXISTS", Message: "exists"}, "HTTP 409 CUSTOMER_EXISTS: exists"},
		{APIError{Status: 503, Message: "Application Error"}, "HTTP 503: Application Error"},
		{APIError{Status: 500}, "HTTP 500"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   time.Duration
		ok     bool
	}{
		{"absent", "", 0, false},
		{"seconds", "7", 7 * time.Second, true},
		{"zero", "0", 0, true},
		{"padded", " 2 ", 2 * time.Second, true},
		{"cap", "3600", maxRetryAfter, true},
		{"huge", "99999999999999999999999999", maxRetryAfter, true},
		{"HTTP date", testNow.Add(20 * time.Second).Format(http.TimeFormat), 20 * time.Second, true},
		{"HTTP date far away", testNow.Add(48 * time.Hour).Format(http.TimeFormat), maxRetryAfter, true},
		{"HTTP date in the past", testNow.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"negative", "-5", 0, false},
		{"fraction", "1.5", 0, false},
		{"garbage", "soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.header, testNow)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.header, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "1", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999", "-1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, testNow)
		if d < 0 || d > maxRetryAfter || (!ok && d != 0) {
			t.Fatalf("parseRetryAfter(%q) = %s, %v", s, d, ok)
		}
	})
}

// FuzzNewAPIError feeds any answer to both decoders of the API's answers:
// an error body (newAPIError) and a success body (decodeCreated, with the
// extCustomerId read from a sent body by sentExtCustomerID). Whatever the
// bytes: short valid text without control characters, no key, and a
// success only with a positive customerId and the extCustomerId sent.
func FuzzNewAPIError(f *testing.F) {
	f.Add("application/json", `{"errorCode":"X","message":"y"}`, uint16(500), `{"extCustomerId":1}`)
	f.Add("text/html", herokuPage, uint16(503), `{"extCustomerId":1,"name":"x"}`)
	f.Add("text/plain", "oops\x00\n", uint16(400), `{"name":"x","extCustomerId":2}`)
	f.Add("", "<title>\xff</title>", uint16(200), `{}`)
	f.Add("application/json", `{"companyId":2,"customerId":10,"extCustomerId":1}`, uint16(201), `{"extCustomerId":1}`)
	f.Add("application/json", `{"companyId":2,"customerId":-1,"extCustomerId":1}`, uint16(201), `{"extCustomerId":1,"EXTCUSTOMERID":2}`)
	f.Add("application/json", `{"customerId":1e3,"extCustomerId":"1"}`, uint16(200), `{"extCustomerId":1,"a":{"extCustomerId":3}}`)
	f.Add("application/json", `{"customerId":"`+echoAPIKey+`"}`, uint16(201), `{"extCustomerId":1,"n":"\u0065xtCustomerId"}`)
	f.Add("application/json", `{"customerId":1,"extCustomerId":-9223372036854775808}`, uint16(201), `{"extCustomerId":-9223372036854775808}`)
	f.Add("application/json", `{"customerId":1,"extCustomerId":9223372036854775807}`, uint16(201), `{"extCustomerId":9223372036854775808}`)
	red := newRedactor(echoAPIKey, echoCustomerKey)
	f.Fuzz(func(t *testing.T, contentType, body string, status uint16, sent string) {
		checkText := func(what, s string, limit int) {
			if utf8.RuneCountInString(s) > limit || !utf8.ValidString(s) {
				t.Fatalf("%s not short valid text: %q", what, s)
			}
			for _, r := range s {
				if unicode.IsControl(r) {
					t.Fatalf("control character in %s %q", what, s)
				}
			}
			if strings.Contains(squash(s), squash(echoAPIKey)) || strings.Contains(squash(s), squash(echoCustomerKey)) {
				t.Fatalf("a key in %s %q", what, s)
			}
		}
		e := newAPIError(response(int(status), contentType, body), testNow, red.redact)
		checkText("message", e.Message, maxMessageRunes)
		checkText("code", e.Code, 80)

		sentExt, known := sentExtCustomerID([]byte(sent))
		if json.Valid([]byte(sent)) {
			if ext, ok := decodeSentExt([]byte(sent)); ext != sentExt || ok != known {
				t.Fatalf("sentExtCustomerID(%s) = %d, %v; encoding/json reads %d, %v", sent, sentExt, known, ext, ok)
			}
		}
		code := 200 + int(status)%100
		c, ae := decodeCreated(code, []byte(body), sentExt, known, red.redact)
		if ae == nil {
			if c.CustomerID <= 0 || (known && c.ExtCustomerID != sentExt) {
				t.Fatalf("decodeCreated(%q) accepted %+v for sent extCustomerId %d (%v)", body, c, sentExt, known)
			}
			return
		}
		if c != (Created{}) || ae.Status != code || (ae.Code != CodeUnreadableAnswer && ae.Code != CodeUnexpectedAnswer) ||
			!strings.HasPrefix(ae.Message, fmt.Sprintf("the API answered success (HTTP %d) but ", code)) {
			t.Fatalf("decodeCreated(%q) = %+v, %+v", body, c, ae)
		}
		checkText("success message", ae.Message, 260)
	})
}
