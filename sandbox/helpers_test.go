package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const (
	testAPIKey      = "test-api-key-0123"
	testCustomerKey = "test-customer-key-4567"
)

// fullBody is a create request with every field, a postal code with a
// leading zero included.
const fullBody = `{"extCustomerId": 1001, "extCustomerNumber": "C1001", "name": "Bakkerij Janssens",
 "enterpriseNumber": "BE0123456789", "address": {"street": "Kerkstraat", "streetNumber": "15B",
 "city": "Gent", "postalCode": "0612", "country": "belgium"}}`

// testConfig is a perfect in-memory sandbox with known keys.
func testConfig() Config {
	return Config{APIKey: testAPIKey, CustomerKey: testCustomerKey}
}

// startServer serves cfg on 127.0.0.1:0 until the test ends. hook, if not
// nil, runs after each insert (set before serving, so no race).
func startServer(t *testing.T, cfg Config, hook func()) *Server {
	t.Helper()
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	h.afterStore = hook
	s, err := serve(h, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// reply is an answer as a test sees it.
type reply struct {
	status int
	header http.Header
	body   string
}

// errorBody decodes a JSON error answer.
func (r reply) errorBody(t *testing.T) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %q", err, r.body)
	}
	return e
}

// authHeaders are the headers of a correct create request.
func authHeaders() http.Header {
	return http.Header{
		"Apikey":       {testAPIKey},
		"Customerkey":  {testCustomerKey},
		"Content-Type": {"application/json"},
	}
}

// do sends one request; it fails the test on a transport error.
func do(t *testing.T, client *http.Client, method, url string, hdr http.Header, body string) reply {
	t.Helper()
	r, err := send(context.Background(), client, method, url, hdr, strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

// send sends one request and returns the answer or the transport error.
func send(ctx context.Context, client *http.Client, method, url string, hdr http.Header, body io.Reader) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return reply{}, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: buf.String()}, nil
}

// postCustomer creates a customer with the correct headers.
func postCustomer(t *testing.T, s *Server, body string) reply {
	t.Helper()
	return do(t, http.DefaultClient, http.MethodPost, s.URL+"/api/customers", authHeaders(), body)
}
