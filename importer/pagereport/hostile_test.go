package pagereport

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// hostile texts a client's file or an API answer may hold.
var hostile = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`"><svg onload=alert(1)>`,
	`</pre></table><h1>fake</h1>`,
	"bell\a esc\x1b[31mred\x1b[0m nul\x00 del\x7f",
	"line\nbreak\rreturn \u202eright-to-left\u202c zero\u200bwidth",
	`{"error":"<b>bad</b>","apikey":"Zq7-ECHO-api-K3y-55xr"}`,
	"javascript:alert(1)",
	"http://evil.example/x.css",
}

// fillStrings sets every string field reachable from v (structs, slices of
// structs) to s, so a new field is covered without touching this test.
func fillStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fillStrings(v.Field(i), s)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			fillStrings(v.Index(i), s)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			fillStrings(v.Elem(), s)
		}
	}
}

func TestHostileTextsComeOutEscaped(t *testing.T) {
	for _, h := range hostile {
		t.Run(h[:min(len(h), 12)], func(t *testing.T) {
			d := typical()
			fillStrings(reflect.ValueOf(d).Elem(), h)
			page, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			s := string(page)
			for _, bad := range []string{"<script", "<img", "<svg onload", "<h1>fake", "<b>bad", "\x1b", "\x00", "\a", "\u202e", "\u200b"} {
				if strings.Contains(s, bad) {
					t.Errorf("the page holds %q unescaped", bad)
				}
			}
			if strings.Count(s, "<pre>") != 1 || strings.Count(s, "</pre>") != 1 || strings.Count(s, "<h1>") != 1 {
				t.Error("a text changed the page's structure")
			}
			for _, r := range s {
				if unicode.IsControl(r) && r != '\n' {
					t.Fatalf("a raw control character %U is in the page", r)
				}
			}
			if strings.Contains(h, "apikey") && !strings.Contains(s, "&#34;apikey&#34;:&#34;Zq7-ECHO-api-K3y-55xr&#34;") {
				t.Error("the key-looking text is not shown as escaped text")
			}
			assertOffline(t, page)
		})
	}
}

var (
	remoteRef = regexp.MustCompile(`(?i)(src|href|action|xlink:href)\s*=`)
	urlRef    = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]`)
)

// assertOffline fails when the page could reach the network or run a
// script: no URL in any attribute, no script element, no external style.
func assertOffline(t *testing.T, page []byte) {
	t.Helper()
	s := string(page)
	for _, bad := range []string{"<script", "<link", "<iframe", "<object", "<embed", "@import", "url("} {
		if strings.Contains(strings.ToLower(s), bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(s, -1) {
		if m := remoteRef.FindString(tag); m != "" {
			t.Errorf("a tag holds a reference attribute %q: %s", m, tag)
		}
		if urlRef.MatchString(tag) {
			t.Errorf("a tag holds an address: %s", tag)
		}
	}
}
