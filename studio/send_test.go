package studio

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"owr-import/importer"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/internal/sandboxtest"
	"owr-import/mapping"
	"owr-import/sandbox"
)

// waitRun waits for the send in progress to end.
func waitRun(t *testing.T, srv *Server) {
	t.Helper()
	srv.sess.mu.Lock()
	run := srv.sess.run
	srv.sess.mu.Unlock()
	if run == nil {
		t.Fatal("no send started")
	}
	<-run.done
}

// TestKeysNeverEchoed: keys typed into the page are refused when too
// short, used for the API, kept for the next send, and appear in no
// answer of the studio and no file of the folder.
func TestKeysNeverEchoed(t *testing.T) {
	api := sandboxtest.Start(t, sandbox.Faults{})
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, nil)
	var answers []string
	keep := func(_ int, body string) { answers = append(answers, body) }
	wrongAPI, wrongCustomer := "wrong-api-key-Qx81", "wrong-customer-key-Zp47"
	tests := []struct {
		name             string
		apiKey, custKey  string
		wantCode         int
		wantInError      string
		wantCreatedAfter bool
	}{
		{"too short", "Sh0rtK", api.CustomerKey, http.StatusBadRequest, "too short", false},
		{"no keys yet", "", "", http.StatusBadRequest, "Type both keys", false},
		{"wrong keys", wrongAPI, wrongCustomer, http.StatusOK, "", false},
		{"right keys", api.APIKey, api.CustomerKey, http.StatusOK, "", true},
		{"kept from before", "", "", http.StatusOK, "", true},
	}
	for _, tt := range tests {
		code, body := c.call("POST", "/api/send", sendRequest{Target: "url", URL: api.URL, APIKey: tt.apiKey, CustomerKey: tt.custKey, Rate: 0, Workers: 4}, nil)
		keep(code, body)
		if code != tt.wantCode || !strings.Contains(body, tt.wantInError) {
			t.Fatalf("%s: %d %s", tt.name, code, body)
		}
		if code == http.StatusOK {
			waitRun(t, srv)
		}
		keep(c.call("GET", "/api/progress", nil, nil))
		keep(c.call("GET", "/api/state", nil, nil))
		keep(c.call("POST", "/api/status?target=url&url="+api.URL, nil, nil))
	}
	keep(c.call("GET", "/api/files", nil, nil))
	secrets := []string{"Sh0rtK", wrongAPI, wrongCustomer, api.APIKey, api.CustomerKey}
	for _, a := range answers {
		for _, k := range secrets {
			if strings.Contains(a, k) {
				t.Errorf("an answer shows a key: %s", a)
			}
		}
	}
	files, _ := os.ReadDir(srv.Dir())
	for _, f := range files {
		data, _ := os.ReadFile(filepath.Join(srv.Dir(), f.Name()))
		for _, k := range secrets {
			if strings.Contains(string(data), k) {
				t.Errorf("%s holds a key", f.Name())
			}
		}
	}
	if got := customers(t, api); got == 0 {
		t.Error("the right keys created nothing")
	}
}

func customers(t *testing.T, api *sandbox.Server) int {
	t.Helper()
	list, err := api.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestSendResumesWithRun: a send stopped in the studio is finished by the
// engine as `run` calls it, and a run stopped part-way is finished by the
// studio; no customer is created twice.
func TestSendResumesWithRun(t *testing.T) {
	tests := []struct {
		name        string
		studioFirst bool
	}{
		{"studio, then run", true},
		{"run, then studio", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := sandboxtest.Start(t, sandbox.Faults{})
			srv, c := startStudio(t, "customers.csv", "mapping.yaml")
			var info openInfo
			c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
			valid := info.Check.Counts["valid"]
			first, second := studioSend, cliRun
			if !tt.studioFirst {
				first, second = cliRun, studioSend
			}
			first(t, srv, c, api, 3)
			if n := customers(t, api); n == 0 || n >= valid {
				t.Fatalf("after the stopped send: %d customers of %d", n, valid)
			}
			second(t, srv, c, api, 0)
			if n := customers(t, api); n != valid {
				t.Errorf("%d customers, want the %d valid rows", n, valid)
			}
		})
	}
}

// studioSend sends from the page, stopped after stopAfter rows (0: to the
// end).
func studioSend(t *testing.T, srv *Server, c *client, api *sandbox.Server, stopAfter int) {
	t.Helper()
	var once sync.Once
	srv.sess.mu.Lock()
	srv.sess.outcomeHook = func(row.Outcome) {}
	if stopAfter > 0 {
		n := 0
		srv.sess.outcomeHook = func(row.Outcome) {
			if n++; n >= stopAfter {
				once.Do(func() { go c.mustCall("POST", "/api/stop", nil, nil) })
			}
		}
	}
	srv.sess.mu.Unlock()
	rate := 0.0
	if stopAfter > 0 {
		rate = 20
	}
	c.mustCall("POST", "/api/send", sendRequest{Target: "url", URL: api.URL, APIKey: api.APIKey, CustomerKey: api.CustomerKey, Rate: rate, Workers: 1}, nil)
	waitRun(t, srv)
}

// cliRun is `owr-import run customers.csv --mapping mapping.yaml
// --base-url URL` in the studio's folder, stopped after stopAfter rows.
func cliRun(t *testing.T, srv *Server, _ *client, api *sandbox.Server, stopAfter int) {
	t.Helper()
	path := filepath.Join(srv.Dir(), "customers.csv")
	m, err := mapping.Load(filepath.Join(srv.Dir(), mappingFile))
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := importer.APITag("", api.URL, false)
	client, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: api.URL, APIKey: api.APIKey, CustomerKey: api.CustomerKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	threshold, _ := importer.ParseThreshold("20%")
	opts := importer.RunOptions{Input: importer.Input{Path: path, Mapping: m}, Client: client, APITag: tag, MaxInvalid: threshold,
		Submit: send.SubmitOptions{Workers: 1, Rate: 20, Burst: 1, Retries: 2, MaxOutage: send.DefaultMaxOutage, Grace: send.DefaultGrace,
			OnOutcome: func(row.Outcome) {
				if n++; stopAfter > 0 && n >= stopAfter {
					cancel()
				}
			}}}
	if _, err := importer.Run(ctx, opts); err != nil && stopAfter == 0 {
		t.Fatal(err)
	}
}

// TestSendRefused: a send the form does not allow starts nothing and says
// what to change; prod needs the typed phrase naming the rows.
func TestSendRefused(t *testing.T) {
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	if code, body := c.call("POST", "/api/send", sendRequest{Target: "sandbox", Workers: 1}, nil); code != http.StatusBadRequest || !strings.Contains(body, "Open an export first") {
		t.Errorf("before opening: %d %s", code, body)
	}
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
	phrase := prodPhrase(info.Check.Counts["valid"])
	tests := []struct {
		name string
		req  sendRequest
		want string
	}{
		{"no target", sendRequest{Workers: 1}, "Choose where to send"},
		{"rate", sendRequest{Target: "sandbox", Rate: -1, Workers: 1}, "rate must be"},
		{"workers", sendRequest{Target: "sandbox", Workers: 0}, "Workers must be"},
		{"prod without the phrase", sendRequest{Target: "prod", Workers: 1, APIKey: "long-enough-key", CustomerKey: "long-enough-key2"}, phrase},
		{"prod with another number", sendRequest{Target: "prod", Workers: 1, Confirm: "send 1 rows to prod"}, phrase},
		{"plain http off this computer", sendRequest{Target: "url", URL: "http://example.com", Workers: 1, APIKey: "long-enough-key", CustomerKey: "long-enough-key2"}, "http://example.com"},
	}
	for _, tt := range tests {
		code, body := c.call("POST", "/api/send", tt.req, nil)
		if code != http.StatusBadRequest || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s, want 400 with %q", tt.name, code, body, tt.want)
		}
	}
	srv.sess.mu.Lock()
	defer srv.sess.mu.Unlock()
	if srv.sess.run != nil {
		t.Error("a refused send started a run")
	}
}

// TestSendAutoRate: run's --rate auto from the page sends every valid row.
func TestSendAutoRate(t *testing.T) {
	api := sandboxtest.Start(t, sandbox.Faults{})
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
	c.mustCall("POST", "/api/send", sendRequest{Target: "url", URL: api.URL, APIKey: api.APIKey, CustomerKey: api.CustomerKey,
		AutoRate: true, Rate: 200, Workers: 4}, nil)
	waitRun(t, srv)
	if n := customers(t, api); n != info.Check.Counts["valid"] {
		t.Errorf("%d customers, want %d", n, info.Check.Counts["valid"])
	}
}
