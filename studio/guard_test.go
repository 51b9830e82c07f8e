package studio

import (
	"net/http"
	"strings"
	"testing"
)

// TestGuard: every request needs the token (in the opened address once,
// then the cookie), the studio's own Host, and, for anything that changes
// something, the studio's own Origin.
func TestGuard(t *testing.T) {
	srv, c := startStudio(t, "customers.csv")
	port := srv.port
	cookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: srv.cookieName(), Value: srv.token}) }
	tests := []struct {
		name   string
		method string
		path   string
		set    func(r *http.Request)
		want   int
	}{
		{"cookie, own host", "GET", "/api/files", cookie, 200},
		{"no cookie", "GET", "/api/files", nil, 403},
		{"wrong cookie", "GET", "/api/files", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: srv.cookieName(), Value: strings.Repeat("0", 64)})
		}, 403},
		{"token in address of another path", "GET", "/api/files?t=" + srv.token, nil, 403},
		{"wrong token in address", "GET", "/?t=abc", nil, 403},
		{"right token in address", "GET", "/?t=" + srv.token, nil, 303},
		{"rebinding host", "GET", "/api/files", func(r *http.Request) { cookie(r); r.Host = "evil.example:" + port }, 403},
		{"localhost host", "GET", "/api/files", func(r *http.Request) { cookie(r); r.Host = "localhost:" + port }, 200},
		{"other port", "GET", "/api/files", func(r *http.Request) { cookie(r); r.Host = "127.0.0.1:1" }, 403},
		{"post from own page", "POST", "/api/stop", func(r *http.Request) { cookie(r); r.Header.Set("Origin", srv.Origin()) }, 409},
		{"post from another site", "POST", "/api/stop", func(r *http.Request) { cookie(r); r.Header.Set("Origin", "http://evil.example") }, 403},
		{"post without origin", "POST", "/api/stop", cookie, 403},
		{"post from a null origin", "POST", "/api/stop", func(r *http.Request) { cookie(r); r.Header.Set("Origin", "null") }, 403},
		{"cross-site navigation", "GET", "/api/files", func(r *http.Request) { cookie(r); r.Header.Set("Sec-Fetch-Site", "cross-site") }, 403},
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	_ = c
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.Origin()+tt.path, nil)
			if tt.set != nil {
				tt.set(req)
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
}

// TestTokenCookie: the opened address sets an HttpOnly, SameSite=Strict
// cookie and sends the page to an address without the token; the page's
// security headers forbid other origins' scripts and framing.
func TestTokenCookie(t *testing.T) {
	srv, _ := startStudio(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("redirect to %q, want /", loc)
	}
	set := res.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", srv.cookieName() + "=" + srv.token} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %q", set, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
}

func TestStartListensOnLoopbackOnly(t *testing.T) {
	srv, _ := startStudio(t)
	if !strings.HasPrefix(srv.ln.Addr().String(), "127.0.0.1:") {
		t.Errorf("listens on %s", srv.ln.Addr())
	}
	if !loopback("127.0.0.1:5") || loopback("192.168.1.2:5") || loopback("garbage") {
		t.Error("loopback check is wrong")
	}
}

// TestTwoStudios: a browser holds the cookies of two studios open at once
// (cookies do not tell ports apart) and each still answers it.
func TestTwoStudios(t *testing.T) {
	a, c := startStudio(t)
	b, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := c.http.Get(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, srv := range []*Server{a, b} {
		res, err := c.http.Get(srv.Origin() + "/api/files")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("studio at %s: %s", srv.Origin(), res.Status)
		}
	}
}
