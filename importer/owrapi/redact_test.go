package owrapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Distinctive keys: spaces and a tab inside the API key, characters that
// every encoding escapes (% / + & < >) in the customer key.
const (
	echoAPIKey      = "Zq7-SECRET API\tK3Y-x9Lw"
	echoCustomerKey = "cK9%Pv/Q+tR&8<Ws>"
)

// leak reports the first shape in which a key, or any 8 characters in a row
// of it, can still be read in text: as is, HTML-, URL- or JSON-decoded, in
// any case and spacing. It is written independently of the redactor so the
// test does not grade the redactor with its own rules.
func leak(text string, keys ...string) string {
	views := map[string]string{}
	for name, t := range map[string]string{"": text, "squashed ": squash(text)} {
		views[name+"raw"] = t
		views[name+"html"] = html.UnescapeString(t)
		views[name+"url"] = percentDecode(t)
		views[name+"json"] = jsonDecode(t)
		views[name+"url+json"] = jsonDecode(percentDecode(t))
		views[name+"json+url"] = percentDecode(jsonDecode(t))
		views[name+"html+url"] = percentDecode(html.UnescapeString(t))
	}
	for name, v := range views {
		v = squash(v)
		for _, k := range keys {
			nk := []rune(squash(k))
			for i := 0; i+8 <= len(nk); i++ {
				if w := string(nk[i : i+8]); strings.Contains(v, w) {
					return fmt.Sprintf("%q of a key in the %s view of %q", w, name, text)
				}
			}
		}
	}
	return ""
}

// squash lowers the case and drops every space and '+' (a URL's space).
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '+' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

var (
	percentRE = regexp.MustCompile(`%[0-9a-fA-F]{2}`)
	jsonEscRE = regexp.MustCompile(`\\u[0-9a-fA-F]{4}|\\[nrtfb/\\"]`)
)

func percentDecode(s string) string {
	return percentRE.ReplaceAllStringFunc(s, func(m string) string {
		b, _ := strconv.ParseUint(m[1:], 16, 8)
		return string([]byte{byte(b)})
	})
}

func jsonDecode(s string) string {
	return jsonEscRE.ReplaceAllStringFunc(s, func(m string) string {
		var out string
		if err := json.Unmarshal([]byte(`"`+m+`"`), &out); err != nil {
			return m
		}
		return out
	})
}

// mangle returns s with sep inserted every n runes.
func mangle(s string, n int, sep string) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 && i%n == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func eachRune(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

func eachByte(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

// jsonString is s as it appears between the quotes of a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// echo is one way a careless server hands the keys back.
type echo struct {
	name   string
	status int
	ctype  string
	body   func(ak, ck string) string
	raw    func(ak, ck string) string // written on the bare connection instead of an HTTP answer
}

func keyEchoes() []echo {
	half := func(s string) (string, string) { r := []rune(s); return string(r[:len(r)/2]), string(r[len(r)/2:]) }
	return []echo{
		{name: "JSON message", status: 400, ctype: "application/json", body: func(ak, ck string) string {
			b, _ := json.Marshal(map[string]string{"errorCode": "INVALID_KEY", "message": "apikey " + ak + " and CustomerKey " + ck + " are not valid"})
			return string(b)
		}},
		{name: "JSON code", status: 401, ctype: "application/json", body: func(ak, ck string) string {
			b, _ := json.Marshal(map[string]string{"errorCode": ck, "message": "refused " + ak})
			return string(b)
		}},
		{name: "whitespace changed", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "apikey " + strings.NewReplacer(" ", "  ", "\t", " \t ").Replace(ak) + " customer " + ck
		}},
		{name: "upper case", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "keys " + strings.ToUpper(ak) + " / " + strings.ToUpper(ck)
		}},
		{name: "lower case", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "keys " + strings.ToLower(ak) + " / " + strings.ToLower(ck)
		}},
		{name: "split by newlines", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "keys\n" + mangle(ak, 3, "\r\n") + "\n" + mangle(ck, 2, "\n")
		}},
		{name: "URL query-encoded", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "GET /x?apikey=" + url.QueryEscape(ak) + "&CustomerKey=" + url.QueryEscape(ck)
		}},
		{name: "URL path-encoded", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "/keys/" + url.PathEscape(ak) + "/" + url.PathEscape(ck)
		}},
		{name: "every byte percent-encoded", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return eachByte(ak, "%%%02x") + " " + eachByte(ck, "%%%02X")
		}},
		{name: "JSON unicode escapes in text", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return `key "` + eachRune(ak, `\u%04x`) + `" customer "` + eachRune(ck, `\u%04X`) + `"`
		}},
		{name: "JSON string escapes in text", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return "header apikey: " + strconv.Quote(ak) + ", CustomerKey: " + jsonString(ck)
		}},
		{name: "broken JSON kept as text", status: 500, ctype: "application/json", body: func(ak, ck string) string {
			return `{"message": "bad apikey ` + jsonString(ak) + ` for ` + jsonString(ck)
		}},
		{name: "HTML split by tags", status: 400, ctype: "text/html", body: func(ak, ck string) string {
			a1, a2 := half(ak)
			return "<html><body><p>Key: <b>" + html.EscapeString(a1) + "</b><i>" + html.EscapeString(a2) + "</i></p><p>" +
				eachRune(ck[:3], "&#%d;") + html.EscapeString(ck[3:]) + "</p></body></html>"
		}},
		{name: "HTML title", status: 503, ctype: "text/html", body: func(ak, ck string) string {
			return "<html><head><title>" + html.EscapeString(ak+" "+ck) + "</title></head></html>"
		}},
		{name: "HTML entities in plain text", status: 400, ctype: "text/plain", body: func(ak, ck string) string {
			return eachRune(ak, "&#x%x;") + " " + html.EscapeString(ck)
		}},
		{name: "mixed case, newlines and URL encoding", status: 409, ctype: "text/plain", body: func(ak, ck string) string {
			return mangle(url.QueryEscape(strings.ToUpper(ak)), 4, "\n") + " " + mangle(url.QueryEscape(strings.ToLower(ck)), 5, " ")
		}},
		{name: "success answer echoing the keys", status: 201, ctype: "application/json", body: func(ak, ck string) string {
			b, _ := json.Marshal(map[string]string{"customerId": ak, "extCustomerId": ck})
			return string(b)
		}},
		{name: "malformed status line", raw: func(ak, ck string) string { return ck + "\r\n\r\n" }},
		{name: "malformed header line", raw: func(ak, ck string) string { return "HTTP/1.1 200 OK\r\n" + ak + "\r\n\r\n" }},
	}
}

// TestKeysNeverShow: a server that echoes the request's key headers in any
// shape never gets them into any text the client produces.
func TestKeysNeverShow(t *testing.T) {
	for _, e := range keyEchoes() {
		t.Run(e.name, func(t *testing.T) {
			c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				ak, ck := r.Header.Get("apikey"), r.Header.Get("CustomerKey")
				if ak != echoAPIKey || ck != echoCustomerKey {
					t.Errorf("server got keys %q %q", ak, ck)
				}
				if e.raw != nil {
					conn, _, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Error(err)
						return
					}
					io.WriteString(conn, e.raw(ak, ck))
					conn.Close()
					return
				}
				w.Header().Set("Content-Type", e.ctype)
				w.WriteHeader(e.status)
				io.WriteString(w, e.body(ak, ck))
			}, func(cc *ClientConfig) { cc.APIKey, cc.CustomerKey = echoAPIKey, echoCustomerKey })
			_, err := c.Create(context.Background(), []byte(`{"extCustomerId":1}`))
			if err == nil {
				t.Fatal("no error")
			}
			texts := []string{err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err)}
			for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
				texts = append(texts, u.Error())
			}
			var ae *APIError
			if errors.As(err, &ae) {
				texts = append(texts, ae.Code, ae.Message)
			}
			var te *TransportError
			if errors.As(err, &te) && te.Err != nil {
				texts = append(texts, te.Err.Error())
			}
			for _, s := range texts {
				if where := leak(s, echoAPIKey, echoCustomerKey); where != "" {
					t.Errorf("key leaked: %s", where)
				}
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8 in %q", s)
				}
			}
			if !strings.Contains(err.Error(), keyMarker) {
				t.Errorf("error %q: want the echoed text kept, with %s in place of each key", err, keyMarker)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	r := newRedactor("SECRET API\tK3Y", "cust+key&9")
	tests := []struct{ in, want string }{
		{"no key here", "no key here"},
		{"got SECRET API\tK3Y.", "got " + keyMarker + "."},
		{"got SECRET  API \t K3Y!", "got " + keyMarker + "!"},
		{"got secret api k3y!", "got " + keyMarker + "!"},
		{"got SECRETAPIK3Y", "got " + keyMarker},
		{"got SEC\nRET\r\nAPI K\n3Y", "got " + keyMarker},
		{"got SECRET%20API%09K3Y", "got " + keyMarker},
		{"got SECRET+API%09k3y", "got " + keyMarker},
		{"got %53%45%43%52%45%54%20%41%50%49%09%4b%33%59", "got " + keyMarker},
		{`got SECRET API\tK3Y`, "got " + keyMarker},
		{`got \u0053ECRET\u0020API\u0009K3Y`, "got " + keyMarker},
		{"got &#83;ECRET&nbsp;API&#x9;K3Y", "got " + keyMarker},
		{"cust+key&9 and cust%2Bkey%269 and CUST+KEY&amp;9 and cust\\u002bkey\\u00269", keyMarker + " and " + keyMarker + " and " + keyMarker + " and " + keyMarker},
		{"SECRET API K3YSECRET API K3Y", keyMarker + keyMarker},
		{"SECRET API K3", "SECRET API K3"},
		{"SECRET_API_K3Y", keyMarker},
		{"wrapped SECRET+API%0\n9K3Y inside an escape", "wrapped " + keyMarker + " inside an escape"},
		{`%E2%82%AC and \ud83d\ude00 and &#128512; and \x41 are not keys`, `%E2%82%AC and \ud83d\ude00 and &#128512; and \x41 are not keys`},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := r.redact(tt.in); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNewClientRefusesShortKeys(t *testing.T) {
	tests := []struct {
		name, apiKey, custKey, errHas string
	}{
		{"api key of 3", "abc", "customer-key-long", "API key is too short"},
		{"customer key of 7", "api-key-long-enough", "1234567", "customer key is too short"},
		{"spaces do not count", "ab cd\tef g", "customer-key-long", "API key is too short"},
		{"8 is enough", "12345678", "abcdefgh", ""},
		{"a pasted file", strings.Repeat("k", MaxKeyLength+1), "customer-key-long", "API key is longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(ClientConfig{BaseURL: "https://a.example", APIKey: tt.apiKey, CustomerKey: tt.custKey})
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("NewClient: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %v, want %q", err, tt.errHas)
			}
			if strings.Contains(tt.errHas, "short") && !strings.Contains(err.Error(), strconv.Itoa(MinKeyLength)) {
				t.Errorf("error %q does not say the minimum %d", err, MinKeyLength)
			}
			for _, k := range []string{tt.apiKey, tt.custKey} {
				if strings.Contains(err.Error(), k) {
					t.Errorf("error %q shows a key", err)
				}
			}
		})
	}
}

// TestNewClientErrorsRedactKeys: a key pasted into the wrong flag is not
// printed back.
func TestNewClientErrorsRedactKeys(t *testing.T) {
	_, err := NewClient(ClientConfig{BaseURL: echoAPIKey, APIKey: echoAPIKey, CustomerKey: echoCustomerKey})
	if err == nil {
		t.Fatal("NewClient accepted a key as base URL")
	}
	if where := leak(err.Error(), echoAPIKey); where != "" {
		t.Errorf("key leaked: %s", where)
	}
}

// shapes a fuzzed key is echoed in.
var echoShapes = []func(string) string{
	func(k string) string { return k },
	strings.ToUpper,
	strings.ToLower,
	url.QueryEscape,
	url.PathEscape,
	func(k string) string { return eachByte(k, "%%%02X") },
	func(k string) string { return eachRune(k, `\u%04x`) },
	jsonString,
	html.EscapeString,
	func(k string) string { return eachRune(k, "&#%d;") },
	func(k string) string { return mangle(k, 3, "\r\n") },
	func(k string) string { return mangle(url.QueryEscape(k), 2, " ") },
}

// FuzzRedact: a key echoed in any shape amid any text is removed, and the
// redactor never panics or breaks valid UTF-8.
func FuzzRedact(f *testing.F) {
	f.Add("apikey ", echoAPIKey, " refused", uint8(0))
	f.Add("%", echoCustomerKey, "\\u", uint8(3))
	f.Add("&#", "abcdefgh", "&amp;", uint8(9))
	f.Add("\\u00", "\\u0041bcdefgh", "%", uint8(6))
	f.Fuzz(func(t *testing.T, before, key, after string, shape uint8) {
		key = strings.TrimSpace(key)
		if !utf8.ValidString(key) || checkKey("key", "KEY", key) != nil {
			return // NewClient refuses it
		}
		red := newRedactor(key)
		echoed := echoShapes[int(shape)%len(echoShapes)](key)
		text := before + echoed + after
		got := red.redact(text)
		if utf8.ValidString(text) && !utf8.ValidString(got) {
			t.Fatalf("redact(%q) = %q: invalid UTF-8", text, got)
		}
		if red.redact(echoed) != keyMarker {
			t.Fatalf("the echo %q alone is not replaced whole: %q", echoed, red.redact(echoed))
		}
		// The key, in the shape it was echoed, no longer reads in the text.
		if strings.Contains(squash(got), squash(key)) || strings.Contains(got, echoed) {
			t.Fatalf("redact(%q) = %q: the key %q is still there", text, got, key)
		}
	})
}
