package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// bannerWriter collects what `owr-import sandbox` prints and closes ready once
// the banner is complete, so a test can wait for the sandbox without sleeping.
type bannerWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

// Write collects p and closes ready once the banner's last line is in.
func (b *bannerWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if strings.Contains(b.buf.String(), "Press Ctrl-C to stop.") {
		b.once.Do(func() { close(b.ready) })
	}
	return len(p), nil
}

// String is everything written so far.
func (b *bannerWriter) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startSandboxCmd runs `owr-import sandbox ARGS` with env as OWR_API_KEY and
// OWR_CUSTOMER_KEY until the returned stop is called, and returns its banner.
func startSandboxCmd(t *testing.T, env map[string]string, args ...string) (banner string, stop func() string) {
	t.Helper()
	out := &bannerWriter{ready: make(chan struct{})}
	var errOut bytes.Buffer
	opts := &sandboxOptions{streams: &streams{out: out, err: &errOut, getenv: func(k string) string { return env[k] }}}
	cmd := newSandboxCmdWith(opts)
	cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0", "--quiet"}, args...))
	cmd.SetOut(out)
	cmd.SetErr(&errOut)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	select {
	case <-out.ready:
	case err := <-done:
		cancel()
		t.Fatalf("sandbox %v ended before serving: %v\n%s%s", args, err, out.String(), errOut.String())
	}
	return out.String(), func() string {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sandbox %v: %v", args, err)
		}
		return out.String()
	}
}

var (
	bannerURL     = regexp.MustCompile(`Customers API on (http://\S+)`)
	bannerAPIKey  = regexp.MustCompile(`(?m)^  apikey:\s+(\S+)$`)
	bannerCustKey = regexp.MustCompile(`(?m)^  CustomerKey:\s+(\S+)$`)
)

// bannerField returns the first group of re in banner, or "".
func bannerField(re *regexp.Regexp, banner string) string {
	if m := re.FindStringSubmatch(banner); m != nil {
		return m[1]
	}
	return ""
}

// postStatus creates a customer with the given keys and returns the status.
func postStatus(t *testing.T, url, apiKey, customerKey string, extID int) int {
	t.Helper()
	body := fmt.Sprintf(`{"extCustomerId": %d, "extCustomerNumber": "S%d", "name": "Firma %d",
		"enterpriseNumber": "BE0417497106", "address": {"city": "Gent"}}`, extID, extID, extID)
	req, err := http.NewRequest(http.MethodPost, url+"/api/customers", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("apikey", apiKey)
	req.Header.Set("CustomerKey", customerKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// keyCheck is a create with a key and the status it must get.
type keyCheck struct {
	key  string // "first" for the first start's printed apikey
	want int
}

// sandboxStart is one start of `owr-import sandbox` on a database and what
// its banner and its answers must be.
type sandboxStart struct {
	name        string
	env         map[string]string
	args        []string
	wantPrinted bool     // the apikey is printed
	wantInOut   []string // in the banner
	checks      []keyCheck
}

// TestSandboxCommandKeepsKeys starts `owr-import sandbox` several times on the
// same --db file: the keys it printed at the first start keep working, a key
// given with --api-key replaces the stored one for good, a key from the
// environment serves one session only, and given keys are never printed.
func TestSandboxCommandKeepsKeys(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbox.db")
	const chosen, fromEnv = "chosen-sandbox-key-1", "env-sandbox-key-2"
	starts := []sandboxStart{
		{name: "first start prints generated keys", wantPrinted: true,
			wantInOut: []string{"kept in " + db},
			checks:    []keyCheck{{"first", 200}}},
		{name: "second start has the same keys", wantPrinted: true,
			checks: []keyCheck{{"first", 200}}},
		{name: "environment key for this session", env: map[string]string{"OWR_API_KEY": fromEnv},
			wantInOut: []string{"from OWR_API_KEY (not shown)"},
			checks:    []keyCheck{{fromEnv, 200}, {"first", 401}}},
		{name: "after the environment session the stored key is back", wantPrinted: true,
			checks: []keyCheck{{"first", 200}, {fromEnv, 401}}},
		{name: "--api-key replaces the stored key", args: []string{"--api-key", chosen},
			wantInOut: []string{"from --api-key (not shown)"},
			checks:    []keyCheck{{chosen, 200}, {"first", 401}}},
		{name: "the replacement is kept, not printed",
			wantInOut: []string{"set with --api-key at an earlier start"},
			checks:    []keyCheck{{chosen, 200}, {"first", 401}}},
	}
	var first string
	for i, st := range starts {
		t.Run(st.name, func(t *testing.T) {
			banner, stop := startSandboxCmd(t, st.env, append([]string{"--db", db}, st.args...)...)
			if i == 0 {
				first = bannerField(bannerAPIKey, banner)
			}
			checkSandboxStart(t, banner, st, first, []string{chosen, fromEnv}, 1000*i)
			if out := stop(); !strings.Contains(out, "sandbox stopped") {
				t.Errorf("no stop message:\n%s", out)
			}
		})
	}
}

// checkSandboxStart compares a start's banner with st, with no given key
// (secrets) in it, and makes st's creates (extCustomerId from ids+1).
func checkSandboxStart(t *testing.T, banner string, st sandboxStart, first string, secrets []string, ids int) {
	t.Helper()
	url := bannerField(bannerURL, banner)
	custKey := bannerField(bannerCustKey, banner)
	if isKey := strings.HasPrefix(bannerField(bannerAPIKey, banner), "sbx-"); isKey != st.wantPrinted {
		t.Errorf("apikey printed: %v, want %v\n%s", isKey, st.wantPrinted, banner)
	}
	if !strings.HasPrefix(custKey, "sbx-") {
		t.Errorf("the generated CustomerKey is not printed:\n%s", banner)
	}
	for _, want := range st.wantInOut {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(banner, secret) {
			t.Errorf("a given key was printed:\n%s", banner)
		}
	}
	for j, c := range st.checks {
		key := c.key
		if key == "first" {
			key = first
		}
		if got := postStatus(t, url, key, custKey, ids+j+1); got != c.want {
			t.Errorf("create with key %d: %d, want %d", j+1, got, c.want)
		}
	}
}

// TestSandboxCommandCapacity checks the capacity flags: the banner says how to
// change the capacity, the sandbox serves it on /sandbox/capacity, and
// nonsense is refused with a message naming the flag.
func TestSandboxCommandCapacity(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantState string   // GET /sandbox/capacity
		wantInOut []string // in the banner
		wantErr   string   // the command fails with this
	}{
		{name: "off by default", wantState: `{"capacity":0,"queue":4}`},
		{name: "a capacity and a queue", args: []string{"--capacity", "40", "--queue", "2"},
			wantState: `{"capacity":40,"queue":2}`,
			wantInOut: []string{"Capacity: 40 creates/s, up to 2 waiting", "/sandbox/capacity"}},
		{name: "negative capacity", args: []string{"--capacity", "-3"}, wantErr: "--capacity is -3"},
		{name: "no queue", args: []string{"--capacity", "5", "--queue", "0"}, wantErr: "--queue is 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--db", ":memory:"}, tc.args...)
			if tc.wantErr != "" {
				var out bytes.Buffer
				opts := &sandboxOptions{streams: &streams{out: &out, err: &out, getenv: func(string) string { return "" }}}
				cmd := newSandboxCmdWith(opts)
				cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
				cmd.SetOut(&out)
				cmd.SetErr(&out)
				err := cmd.ExecuteContext(context.Background())
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			banner, stop := startSandboxCmd(t, nil, args...)
			defer stop()
			for _, want := range tc.wantInOut {
				if !strings.Contains(banner, want) {
					t.Errorf("banner lacks %q:\n%s", want, banner)
				}
			}
			req, err := http.NewRequest(http.MethodGet, bannerField(bannerURL, banner)+"/sandbox/capacity", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("apikey", bannerField(bannerAPIKey, banner))
			req.Header.Set("CustomerKey", bannerField(bannerCustKey, banner))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if got := strings.TrimSpace(string(body)); got != tc.wantState {
				t.Errorf("GET /sandbox/capacity = %s, want %s", got, tc.wantState)
			}
		})
	}
}
