package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// customerJSON builds a valid create body with the given ids.
func customerJSON(extID int64, extNumber string) string {
	return fmt.Sprintf(`{"extCustomerId": %d, "extCustomerNumber": %q, "name": "Firma %d",
	 "enterpriseNumber": "BE0123456789", "address": {"city": "Gent"}}`, extID, extNumber, extID)
}

// withHeader returns the headers of a correct create with k set to v, or
// removed when v is empty.
func withHeader(k, v string) http.Header {
	h := authHeaders()
	if v == "" {
		h.Del(k)
	} else {
		h.Set(k, v)
	}
	return h
}

// statusCase is one request and the answer it must get.
type statusCase struct {
	name       string
	before     []string // bodies created first
	method     string
	path       string
	header     http.Header
	body       string
	wantStatus int
	wantCode   string
	wantInMsg  []string
}

// statusCases are the cases of TestCreateStatusPaths.
var statusCases = []statusCase{
	{name: "full body creates", body: fullBody, wantStatus: 200},
	{name: "trailing slash creates", path: "/api/customers/", body: fullBody, wantStatus: 200},
	{name: "charset parameter accepted", header: withHeader("Content-Type", "application/json; charset=utf-8"),
		body: fullBody, wantStatus: 200},
	{name: "same body again", before: []string{fullBody}, body: fullBody,
		wantStatus: 409, wantCode: codeExtIDExists, wantInMsg: []string{"extCustomerId 1001"}},
	{name: "same extCustomerId, new number", before: []string{customerJSON(7, "A7")}, body: customerJSON(7, "B7"),
		wantStatus: 409, wantCode: codeExtIDExists, wantInMsg: []string{"extCustomerId 7"}},
	{name: "same extCustomerNumber, new id", before: []string{customerJSON(7, "A7")}, body: customerJSON(8, "A7"),
		wantStatus: 409, wantCode: codeExtNumberExists, wantInMsg: []string{`extCustomerNumber "A7"`}},
	{name: "missing apikey", header: withHeader("Apikey", ""), body: fullBody,
		wantStatus: 401, wantCode: codeAPIKeyMissing, wantInMsg: []string{"apikey header is missing"}},
	{name: "wrong apikey", header: withHeader("Apikey", "guess-1234"), body: fullBody,
		wantStatus: 401, wantCode: codeAPIKeyInvalid, wantInMsg: []string{"apikey"}},
	{name: "missing CustomerKey", header: withHeader("Customerkey", ""), body: fullBody,
		wantStatus: 401, wantCode: codeCustomerKeyMissing, wantInMsg: []string{"CustomerKey header is missing"}},
	{name: "wrong CustomerKey", header: withHeader("Customerkey", "guess-5678"), body: fullBody,
		wantStatus: 401, wantCode: codeCustomerKeyInvalid, wantInMsg: []string{"CustomerKey"}},
	{name: "keys swapped", header: withHeader("Apikey", testCustomerKey), body: fullBody,
		wantStatus: 401, wantCode: codeAPIKeyInvalid},
	{name: "text content-type", header: withHeader("Content-Type", "text/plain"), body: fullBody,
		wantStatus: 415, wantCode: codeUnsupportedMedia, wantInMsg: []string{"application/json"}},
	{name: "no content-type", header: withHeader("Content-Type", ""), body: fullBody,
		wantStatus: 415, wantCode: codeUnsupportedMedia, wantInMsg: []string{"missing"}},
	{name: "no address.city", body: `{"extCustomerId": 1, "extCustomerNumber": "A", "name": "N",
			"enterpriseNumber": "BE1", "address": {"street": "Kerkstraat"}}`,
		wantStatus: 400, wantCode: codeInvalidField, wantInMsg: []string{"address.city is required"}},
	{name: "no address at all", body: `{"extCustomerId": 1, "extCustomerNumber": "A", "name": "N", "enterpriseNumber": "BE1"}`,
		wantStatus: 400, wantCode: codeInvalidField, wantInMsg: []string{"address.city is required"}},
	{name: "extCustomerId as string", body: strings.Replace(fullBody, "1001,", `"1001",`, 1),
		wantStatus: 400, wantCode: codeInvalidField, wantInMsg: []string{"extCustomerId must be an integer number, not a string"}},
	{name: "extCustomerId with fraction", body: strings.Replace(fullBody, "1001,", `1.5,`, 1),
		wantStatus: 400, wantCode: codeInvalidField, wantInMsg: []string{"extCustomerId must be a whole number"}},
	{name: "blank name and missing number", body: `{"extCustomerId": 1, "name": "  ", "enterpriseNumber": "BE1", "address": {"city": "Gent"}}`,
		wantStatus: 400, wantCode: codeInvalidField,
		wantInMsg: []string{"extCustomerNumber is required", "name is required (it is blank)"}},
	{name: "broken JSON", body: `{"extCustomerId": 1,`,
		wantStatus: 400, wantCode: codeInvalidJSON, wantInMsg: []string{"not valid JSON"}},
	{name: "empty body", body: ``, wantStatus: 400, wantCode: codeInvalidJSON, wantInMsg: []string{"empty"}},
	{name: "array body", body: `[` + fullBody + `]`, wantStatus: 400, wantCode: codeInvalidJSON, wantInMsg: []string{"JSON object"}},
	{name: "too large", body: `{"name": "` + strings.Repeat("x", maxBodyBytes) + `"}`,
		wantStatus: 413, wantCode: codeBodyTooLarge},
	{name: "list needs keys", method: "GET", header: withHeader("Apikey", ""), wantStatus: 401, wantCode: codeAPIKeyMissing},
	{name: "requests need keys", method: "GET", path: "/api/requests", header: withHeader("Customerkey", "x"),
		wantStatus: 401, wantCode: codeCustomerKeyInvalid},
	{name: "list", method: "GET", wantStatus: 200},
	{name: "put not allowed", method: "PUT", body: fullBody, wantStatus: 405, wantCode: codeMethodNotAllowed},
	{name: "unknown path", method: "POST", path: "/api/customer", body: fullBody, wantStatus: 404, wantCode: codeNotFound},
	{name: "health", method: "GET", path: "/healthz", wantStatus: 200},
}

func TestCreateStatusPaths(t *testing.T) {
	for _, tc := range statusCases {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			cfg := testConfig()
			cfg.Log = &syncWriter{w: &log}
			s := startServer(t, cfg, nil)
			for _, b := range tc.before {
				if r := postCustomer(t, s, b); r.status != 200 {
					t.Fatalf("setup create: %d %s", r.status, r.body)
				}
			}
			method, path, hdr := tc.method, tc.path, tc.header
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = "/api/customers"
			}
			if hdr == nil {
				hdr = authHeaders()
			}
			r := do(t, http.DefaultClient, method, s.URL+path, hdr, tc.body)
			if r.status != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.status, tc.wantStatus, r.body)
			}
			for _, secret := range []string{"guess-1234", "guess-5678", testAPIKey, testCustomerKey} {
				if strings.Contains(r.body, secret) || strings.Contains(log.String(), secret) {
					t.Errorf("a key value leaked into the answer or the log")
				}
			}
			if tc.wantCode == "" {
				return
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			e := r.errorBody(t)
			if e.Code != tc.wantCode {
				t.Errorf("errorCode = %q, want %q (message %q)", e.Code, tc.wantCode, e.Message)
			}
			for _, want := range tc.wantInMsg {
				if !strings.Contains(e.Message, want) {
					t.Errorf("message %q does not contain %q", e.Message, want)
				}
			}
		})
	}
}

// syncWriter lets a test read a log the handler writes concurrently.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

// Write appends p under the lock.
func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestCreatedAnswerAndStoredCustomer(t *testing.T) {
	s := startServer(t, testConfig(), nil)
	r := postCustomer(t, s, fullBody)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"companyId": float64(companyID), "customerId": 1.0, "extCustomerId": 1001.0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("answer = %v, want exactly %v", got, want)
	}
	if r2 := postCustomer(t, s, customerJSON(1002, "C1002")); !strings.Contains(r2.body, `"customerId":2`) {
		t.Errorf("second create: %s, want customerId 2", r2.body)
	}

	cs, err := s.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("stored %d customers, want 2", len(cs))
	}
	c := cs[0]
	wantAddr := Address{Street: "Kerkstraat", StreetNumber: "15B", City: "Gent", PostalCode: "0612", Country: "belgium"}
	if c.CompanyID != companyID || c.CustomerID != 1 || c.ExtCustomerID != 1001 || c.ExtCustomerNumber != "C1001" ||
		c.Name != "Bakkerij Janssens" || c.EnterpriseNumber != "BE0123456789" || c.Address != wantAddr || c.CreatedAt.IsZero() {
		t.Errorf("stored %+v", c)
	}

	// The HTTP listing says the same as the Go one.
	lr := do(t, http.DefaultClient, "GET", s.URL+"/api/customers/", authHeaders(), "")
	var listed []StoredCustomer
	if err := json.Unmarshal([]byte(lr.body), &listed); err != nil {
		t.Fatalf("GET /api/customers: %v: %s", err, lr.body)
	}
	if len(listed) != 2 || listed[0].Address != wantAddr || listed[1].ExtCustomerID != 1002 {
		t.Errorf("listed %+v", listed)
	}

	// The request log shows both POSTs with their outcome.
	rr := do(t, http.DefaultClient, "GET", s.URL+"/api/requests", authHeaders(), "")
	var recs []RequestRecord
	if err := json.Unmarshal([]byte(rr.body), &recs); err != nil {
		t.Fatalf("GET /api/requests: %v: %s", err, rr.body)
	}
	if len(recs) != 2 || recs[0].Status != 200 || recs[0].ExtCustomerID != 1001 || recs[0].CustomerID != 1 ||
		recs[1].ExtCustomerID != 1002 {
		t.Errorf("request log %+v", recs)
	}
}

func TestConcurrentIdenticalCreatesStoreOne(t *testing.T) {
	s := startServer(t, testConfig(), nil)
	const n = 32
	start := make(chan struct{})
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := send(context.Background(), http.DefaultClient, "POST", s.URL+"/api/customers",
				authHeaders(), strings.NewReader(fullBody))
			if err != nil {
				t.Error(err)
				return
			}
			statuses <- r.status
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[200] != 1 || count[409] != n-1 {
		t.Errorf("statuses %v, want exactly one 200 and %d 409", count, n-1)
	}
	cs, err := s.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Errorf("stored %d customers, want 1", len(cs))
	}
}

func TestBodyLimit(t *testing.T) {
	s := startServer(t, testConfig(), nil)
	// A valid body padded with spaces to an exact size.
	padded := func(size int) string {
		return customerJSON(5, "P5") + strings.Repeat(" ", size-len(customerJSON(5, "P5")))
	}
	tests := []struct {
		name    string
		body    string
		chunked bool
		want    int
	}{
		{"exactly the limit", padded(maxBodyBytes), false, 200},
		{"one byte over", padded(maxBodyBytes + 1), false, 413},
		{"over, without Content-Length", padded(maxBodyBytes + 1), true, 413},
		{"far over, without Content-Length", padded(10 * maxBodyBytes), true, 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if tc.chunked {
				body = struct{ io.Reader }{body} // hides the length: sent chunked
			}
			r, err := send(context.Background(), http.DefaultClient, "POST", s.URL+"/api/customers", authHeaders(), body)
			if err != nil {
				t.Fatal(err)
			}
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %.200s", r.status, tc.want, r.body)
			}
			if tc.want == 413 && r.errorBody(t).Code != codeBodyTooLarge {
				t.Errorf("body %s", r.body)
			}
		})
	}
}
