package sandbox

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// keyStart is one start of a sandbox on a database, compared with the first
// start on it. The customer key is never given, so it is always generated.
type keyStart struct {
	cfg               Config // DB is set by the test
	wantFirstAPIKey   bool   // the apikey is the first start's
	wantAPIKey        string // when not empty: the apikey this start must use
	wantGeneratedAPI  bool   // the apikey is one the sandbox generated (it may be printed)
	wantFirstCustKey  bool   // the CustomerKey is the first start's
	refuseFirstAPIKey bool   // a create with the first start's apikey gets 401
}

// generatedStart is a start without keys on a database that keeps the first
// start's generated keys.
var generatedStart = keyStart{wantFirstAPIKey: true, wantGeneratedAPI: true, wantFirstCustKey: true}

func TestKeysKeptWithTheDatabase(t *testing.T) {
	tests := []struct {
		name   string
		memory bool // MemoryDB instead of a file
		starts []keyStart
	}{
		{
			name:   "generated keys are the same at every start",
			starts: []keyStart{generatedStart, generatedStart, generatedStart},
		},
		{
			name: "a saved given key replaces the stored one",
			starts: []keyStart{
				generatedStart,
				{cfg: Config{APIKey: "chosen-api-key", SaveAPIKey: true},
					wantAPIKey: "chosen-api-key", wantFirstCustKey: true, refuseFirstAPIKey: true},
				{wantAPIKey: "chosen-api-key", wantFirstCustKey: true, refuseFirstAPIKey: true},
			},
		},
		{
			name: "a key given for one session leaves the stored one",
			starts: []keyStart{
				generatedStart,
				{cfg: Config{APIKey: "session-api-key"},
					wantAPIKey: "session-api-key", wantFirstCustKey: true, refuseFirstAPIKey: true},
				generatedStart,
			},
		},
		{
			name:   "an in-memory sandbox generates new keys at every start",
			memory: true,
			starts: []keyStart{generatedStart, {wantGeneratedAPI: true, refuseFirstAPIKey: true}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "sandbox.db")
			if tc.memory {
				db = MemoryDB
			}
			var firstAPI, firstCust string
			for i, st := range tc.starts {
				cfg := st.cfg
				cfg.DB = db
				s, err := Start(cfg, "127.0.0.1:0")
				if err != nil {
					t.Fatalf("start %d: %v", i+1, err)
				}
				if i == 0 {
					firstAPI, firstCust = s.APIKey, s.CustomerKey
				}
				checkKeyStart(t, i+1, s, st, firstAPI, firstCust)
				if err := s.Close(); err != nil {
					t.Fatalf("start %d: Close: %v", i+1, err)
				}
			}
		})
	}
}

// checkKeyStart compares the keys of start number i with st, and tries
// them and the first start's apikey on a create.
func checkKeyStart(t *testing.T, i int, s *Server, st keyStart, firstAPI, firstCust string) {
	t.Helper()
	if got := s.APIKey == firstAPI; got != st.wantFirstAPIKey {
		t.Errorf("start %d: apikey is the first start's: %v, want %v", i, got, st.wantFirstAPIKey)
	}
	if st.wantAPIKey != "" && s.APIKey != st.wantAPIKey {
		t.Errorf("start %d: the apikey is not the one given", i)
	}
	if got := s.CustomerKey == firstCust; got != st.wantFirstCustKey {
		t.Errorf("start %d: CustomerKey is the first start's: %v, want %v", i, got, st.wantFirstCustKey)
	}
	if s.GeneratedAPIKey != st.wantGeneratedAPI || !s.GeneratedCustomerKey {
		t.Errorf("start %d: generated apikey %v, CustomerKey %v; want %v, true",
			i, s.GeneratedAPIKey, s.GeneratedCustomerKey, st.wantGeneratedAPI)
	}
	if r := postWithKeys(t, s, s.APIKey, s.CustomerKey, customerJSON(int64(i), fmt.Sprint("K", i))); r.status != http.StatusOK {
		t.Errorf("start %d: its own keys got %d %s", i, r.status, r.body)
	}
	r := postWithKeys(t, s, firstAPI, s.CustomerKey, customerJSON(int64(100+i), fmt.Sprint("L", i)))
	if refused := r.status == http.StatusUnauthorized; refused != st.refuseFirstAPIKey {
		t.Errorf("start %d: the first start's apikey got %d, want refused %v", i, r.status, st.refuseFirstAPIKey)
	}
}

// TestNewDatabaseFileIsPrivate: the file keeps the keys, so a new one is
// readable by its owner only.
func TestNewDatabaseFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	db := filepath.Join(t.TempDir(), "sandbox.db")
	s := startServer(t, Config{DB: db}, nil)
	if r := postWithKeys(t, s, s.APIKey, s.CustomerKey, fullBody); r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	for _, p := range []string{db, db + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := st.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", filepath.Base(p), mode)
		}
	}
}

// postWithKeys creates a customer with the given keys.
func postWithKeys(t *testing.T, s *Server, apiKey, customerKey, body string) reply {
	t.Helper()
	h := authHeaders()
	h.Set("Apikey", apiKey)
	h.Set("Customerkey", customerKey)
	return do(t, http.DefaultClient, http.MethodPost, s.URL+"/api/customers", h, body)
}
