package studio

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"testing"
)

// startStudio starts a studio on a temporary folder holding the named
// files of ../samples, and a client that holds its cookie.
func startStudio(t *testing.T, samples ...string) (*Server, *client) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range samples {
		copyFile(t, filepath.Join("..", "samples", name), filepath.Join(dir, name))
	}
	srv, err := Start(Options{Dir: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, benchClient(t, srv)
}

// benchClient opens the studio's address, as the browser does, and keeps
// the cookie it gets.
func benchClient(tb testing.TB, srv *Server) *client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: tb, srv: srv, http: &http.Client{Jar: jar}}
	res, err := c.http.Get(srv.URL())
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("opening the studio's address: %s", res.Status)
	}
	return c
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// client calls the studio as its page does.
type client struct {
	t    testing.TB
	srv  *Server
	http *http.Client
}

// call sends body as JSON and decodes the answer into out (unless nil);
// it returns the status and the raw answer.
func (c *client) call(method, path string, body, out any) (int, string) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.srv.Origin()+path, r)
	req.Header.Set("Origin", c.srv.Origin())
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode, string(raw)
}

// mustCall is call that fails the test unless the answer is 200.
func (c *client) mustCall(method, path string, body, out any) string {
	c.t.Helper()
	code, raw := c.call(method, path, body, out)
	if code != http.StatusOK {
		c.t.Fatalf("%s %s: %d %s", method, path, code, raw)
	}
	return raw
}

// openInfo is the part of /api/open's answer the tests read.
type openInfo struct {
	File      string   `json:"file"`
	HeaderRow int      `json:"headerRow"`
	Rows      int      `json:"rows"`
	Columns   []column `json:"columns"`
	Mapping   mapModel `json:"mapping"`
	FromFile  bool     `json:"fromFile"`
	Check     struct {
		OK     bool           `json:"ok"`
		Rows   int            `json:"rows"`
		Counts map[string]int `json:"counts"`
		Groups []group        `json:"groups"`
	} `json:"check"`
}

func decodeJSON(t *testing.T, res *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
