package sandbox

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataSurvivesARestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbox.db")
	cfg := testConfig()
	cfg.DB = db

	first, err := Start(cfg, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if r := postCustomer(t, first, fullBody); r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	before, err := first.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := startServer(t, cfg, nil)
	after, err := second.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0] != before[0] {
		t.Fatalf("after restart %+v, want %+v", after, before)
	}
	if r := postCustomer(t, second, fullBody); r.status != 409 {
		t.Errorf("repeat after restart: %d, want 409", r.status)
	}
	if r := postCustomer(t, second, customerJSON(2002, "C2002")); !strings.Contains(r.body, `"customerId":2`) {
		t.Errorf("next create after restart: %s, want customerId 2", r.body)
	}
}

func TestOpenStoreRefusesURIPaths(t *testing.T) {
	for _, p := range []string{"a.db?mode=ro", "file:a.db", "a#b.db"} {
		if _, err := openStore(p); err == nil || !strings.Contains(err.Error(), "plain file path") {
			t.Errorf("openStore(%q) = %v, want a plain-path error", p, err)
		}
	}
}

func TestStartReportsABusyAddress(t *testing.T) {
	s := startServer(t, testConfig(), nil)
	_, err := Start(testConfig(), strings.TrimPrefix(s.URL, "http://"))
	if err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Fatalf("err = %v, want a cannot-listen error", err)
	}
}

func TestGeneratedKeys(t *testing.T) {
	s := startServer(t, Config{}, nil)
	if len(s.APIKey) < 32 || len(s.CustomerKey) < 32 || s.APIKey == s.CustomerKey {
		t.Fatalf("weak or equal generated keys (lengths %d, %d)", len(s.APIKey), len(s.CustomerKey))
	}
	h := authHeaders()
	h.Set("Apikey", s.APIKey)
	h.Set("Customerkey", s.CustomerKey)
	if r := do(t, http.DefaultClient, "POST", s.URL+"/api/customers", h, fullBody); r.status != 200 {
		t.Errorf("generated keys refused: %d %s", r.status, r.body)
	}
}
