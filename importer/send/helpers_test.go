package send

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"owr-import/importer/owrapi"
)

// setup starts a fake Customers API on 127.0.0.1 with handler on the create
// route; any other route fails the test. It returns a client for it.
func setup(t *testing.T, handler http.HandlerFunc, cfg ...func(*owrapi.ClientConfig)) (*owrapi.Client, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/customers", handler)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.Error(w, "unexpected", http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cc := owrapi.ClientConfig{BaseURL: srv.URL, APIKey: "test-api-key", CustomerKey: "test-customer-key", Timeout: 5 * time.Second}
	for _, f := range cfg {
		f(&cc)
	}
	c, err := owrapi.NewClient(cc)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, srv
}
