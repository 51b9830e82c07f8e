package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"owr-import/importer"
	"owr-import/importer/ledger"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"owr-import/sandbox"
)

// buildBinary compiles owr-import once per test binary run, for tests that
// must treat it as a process (SIGKILL, exit codes as a shell sees them).
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary buildBinary built once for all tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "owr-import-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "owr-import")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		// Built as make build builds it: without cgo, a static binary
		// whose threads reserve no C stacks or malloc arenas.
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// countingAPI wraps the sandbox handler: it records the extCustomerId of
// every POST and, once armed, closes a channel after N POSTs so a test can
// kill the client at that exact point without sleeping.
type countingAPI struct {
	next http.Handler
	mu   sync.Mutex
	ids  []int64
	left int
	hit  chan struct{}
}

func (c *countingAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var v struct {
			ExtCustomerID int64 `json:"extCustomerId"`
		}
		_ = json.Unmarshal(body, &v)
		c.mu.Lock()
		c.ids = append(c.ids, v.ExtCustomerID)
		if c.hit != nil {
			c.left--
			if c.left == 0 {
				close(c.hit)
			}
		}
		c.mu.Unlock()
	}
	c.next.ServeHTTP(w, r)
}

// arm returns a channel closed after n more POSTs and forgets earlier ids.
func (c *countingAPI) arm(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids, c.left, c.hit = nil, n, make(chan struct{})
	return c.hit
}

func (c *countingAPI) sent() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.ids...)
}

func writeRows(t *testing.T, path string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Klant ID;Klantnummer;Bedrijfsnaam;BTW-nummer;Adres;Postcode;Gemeente;Land\n")
	for i := range n {
		fmt.Fprintf(&b, "%d;K-%d;Klant %d;BE0417497106;Kerkstraat %d;9000;Gent;België\n", 7000+i, i, i, i+1)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestProcessKilledAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	h, err := sandbox.NewHandler(sandbox.Config{APIKey: "proc-api-key-1", CustomerKey: "proc-customer-key-1", DB: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	api := &countingAPI{next: h}
	srv := httptest.NewServer(api)
	t.Cleanup(func() { srv.Close(); h.Close() })

	dir := t.TempDir()
	in := filepath.Join(dir, "export.csv")
	const rows = 300
	writeRows(t, in, rows)
	tag, err := importer.APITag("", srv.URL, false)
	if err != nil {
		t.Fatal(err)
	}
	journal := ledger.Path(dir, tag)
	args := []string{"run", in, "--mapping", "samples/mapping.yaml", "--base-url", srv.URL,
		"--rate", "150", "--burst", "1", "--workers", "4", "--no-progress"}
	env := append(os.Environ(), "OWR_API_KEY=proc-api-key-1", "OWR_CUSTOMER_KEY=proc-customer-key-1")

	// Rows sent by an earlier process and sent again by a later one: at most
	// the rows in flight at each kill (one per worker), never a row the
	// ledger shows created.
	const workers = 4
	sentBefore := map[int64]bool{}
	resent := 0
	countResent := func() {
		for _, id := range dedupe(api.sent()) {
			if sentBefore[id] {
				resent++
			}
		}
		for _, id := range api.sent() {
			sentBefore[id] = true
		}
	}
	kills := []int{1, 25, 50, 40, 60} // requests of each process before its kill; 176 of 300 rows
	for _, killAfter := range kills {
		state, err := ledger.Read(journal)
		if err != nil {
			t.Fatal(err)
		}
		hit := api.arm(killAfter)
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case <-hit:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-exited
		case err := <-exited:
			t.Fatalf("the run ended before %d requests: %v", killAfter, err)
		}
		for _, id := range api.sent() {
			if _, ok := state.CreatedFor(id, ""); ok {
				t.Errorf("after the kill at %d requests: extCustomerId %d was journaled as created and sent again", killAfter, id)
			}
		}
		countResent()
	}

	state, err := ledger.Read(journal)
	if err != nil {
		t.Fatal(err)
	}
	api.arm(-1)
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	// Exit 1 is expected when a kill landed mid-request: that row is in_doubt.
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	for _, id := range api.sent() {
		if _, ok := state.CreatedFor(id, ""); ok {
			t.Errorf("final run sent extCustomerId %d again, journaled as created", id)
		}
	}
	countResent()
	t.Logf("rows sent again after %d kills: %d (at most %d were in flight)", len(kills), resent, len(kills)*workers)
	if resent > len(kills)*workers {
		t.Errorf("%d rows were sent again after %d kills; at most %d can have been in flight", resent, len(kills), len(kills)*workers)
	}

	// The results agree with what the server stored.
	stored := listCustomers(t, srv.URL)
	if len(stored) != rows {
		t.Errorf("the server holds %d customers, want %d", len(stored), rows)
	}
	f, err := os.Open(filepath.Join(dir, "export.results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	hdr := recs[0]
	idx := func(name string) int {
		for i, h := range hdr {
			if strings.TrimPrefix(h, "\ufeff") == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	idCol, stCol, cidCol := idx("Klant ID"), idx("owr_status"), idx("owr_customer_id")
	for _, rec := range recs[1:] {
		var ext int64
		fmt.Sscan(rec[idCol], &ext)
		if rec[stCol] != "created" && rec[stCol] != "skipped" && rec[stCol] != "in_doubt" {
			t.Errorf("row with id %d ended %s", ext, rec[stCol])
			continue
		}
		if rec[stCol] != "in_doubt" && rec[cidCol] != fmt.Sprint(stored[ext]) {
			t.Errorf("id %d: results say customerId %s, the server %d", ext, rec[cidCol], stored[ext])
		}
	}
}

// dedupe keeps each id once: retries within one process are not resends.
func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func listCustomers(t *testing.T, base string) map[int64]int64 {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/api/customers", nil)
	req.Header.Set("apikey", "proc-api-key-1")
	req.Header.Set("CustomerKey", "proc-customer-key-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		CustomerID    int64 `json:"customerId"`
		ExtCustomerID int64 `json:"extCustomerId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	m := map[int64]int64{}
	for _, c := range list {
		if _, dup := m[c.ExtCustomerID]; dup {
			t.Errorf("extCustomerId %d stored twice", c.ExtCustomerID)
		}
		m[c.ExtCustomerID] = c.CustomerID
	}
	return m
}
