package owrapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"owr-import/mapping"
)

const (
	testAPIKey      = "test-api-key-0123456789"
	testCustomerKey = "test-customer-key-9876543210"
)

// setup starts an API fake on 127.0.0.1 whose only route is the customers
// endpoint; any other path fails the test. It returns a client pointed at it.
func setup(t *testing.T, handler http.HandlerFunc, cfg ...func(*ClientConfig)) (*Client, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/customers", handler)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.Error(w, "unexpected", http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, cfg...)
	return c, srv
}

func newTestClient(t *testing.T, base string, cfg ...func(*ClientConfig)) *Client {
	t.Helper()
	cc := ClientConfig{BaseURL: base, APIKey: testAPIKey, CustomerKey: testCustomerKey, Timeout: 5 * time.Second}
	for _, f := range cfg {
		f(&cc)
	}
	c, err := NewClient(cc)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// spyTransport records the outgoing requests' header maps exactly as the
// client built them (a server only sees canonicalised names).
type spyTransport struct {
	mu      sync.Mutex
	headers []http.Header
}

func (s *spyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestClientSendsDocumentedRequest(t *testing.T) {
	customer := mapping.Customer{
		ExtCustomerID: 1001, ExtCustomerNumber: "K-1001", Name: "Bakkerij Peeters", EnterpriseNumber: "BE0417497106",
		Address: mapping.Address{City: "Gent", PostalCode: "0612"},
	}
	body, err := json.Marshal(customer)
	if err != nil {
		t.Fatal(err)
	}
	const wantBody = `{"extCustomerId":1001,"extCustomerNumber":"K-1001","name":"Bakkerij Peeters","enterpriseNumber":"BE0417497106","address":{"city":"Gent","postalCode":"0612"}}`
	var bodies []string
	spy := &spyTransport{}
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("apikey"); got != testAPIKey {
			t.Errorf("apikey header %q", got)
		}
		if got := r.Header.Get("CustomerKey"); got != testCustomerKey {
			t.Errorf("CustomerKey header %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type %q", got)
		}
		if r.ContentLength != int64(len(wantBody)) {
			t.Errorf("Content-Length %d, want %d", r.ContentLength, len(wantBody))
		}
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"companyId": 2, "customerId": 10, "extCustomerId": 1001}`)
	}, func(cc *ClientConfig) { cc.Transport = spy })

	for range 2 { // the same bytes on every call: a fresh reader each time
		got, err := c.Create(context.Background(), body)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if got != (Created{CompanyID: 2, CustomerID: 10, ExtCustomerID: 1001}) {
			t.Errorf("Create = %+v", got)
		}
	}
	for i, b := range bodies {
		if b != wantBody {
			t.Errorf("body %d:\n got %s\nwant %s", i, b, wantBody)
		}
	}
	for _, h := range spy.headers {
		for _, name := range []string{"apikey", "CustomerKey"} {
			if _, ok := h[name]; !ok {
				t.Errorf("header %q not sent with its documented spelling; sent %v", name, keys(h))
			}
		}
	}
}

func keys(h http.Header) []string {
	var out []string
	for k := range h {
		out = append(out, k)
	}
	return out
}

// TestClientAnswers: what each answer becomes. A success must carry a
// positive customerId and the extCustomerId that was sent (1 here);
// anything else is an APIError with the 2xx status, so the row is in doubt.
func TestClientAnswers(t *testing.T) {
	const sent = `{"extCustomerId":1,"name":"Bakkerij Peeters"}`
	tests := []struct {
		name      string
		body      string // sent; the documented one when empty
		status    int
		ctype     string
		answer    string
		want      Created
		errStatus int // expected APIError status, 0 for success
		code      string
		msgHas    string
	}{
		{"201 created", "", 201, "application/json", `{"companyId":2,"customerId":10,"extCustomerId":1}`, Created{2, 10, 1}, 0, "", ""},
		{"200 created", "", 200, "application/json", `{"companyId":3,"customerId":11,"extCustomerId":1}`, Created{3, 11, 1}, 0, "", ""},
		{"created, spaced and reordered", "", 201, "application/json", "{ \"extCustomerId\" : 1,\n \"customerId\": 10, \"companyId\": 2 }", Created{2, 10, 1}, 0, "", ""},
		{"created, body sent with spaces", `{ "name": "X", "extCustomerId" : 1 }`, 201, "application/json", `{"companyId":2,"customerId":10,"extCustomerId":1}`, Created{2, 10, 1}, 0, "", ""},
		{"200 unreadable", "", 200, "text/html", `<html>ok</html>`, Created{}, 200, CodeUnreadableAnswer, "the API answered success (HTTP 200) but its answer is not the documented JSON"},
		{"204 empty", "", 204, "", ``, Created{}, 204, CodeUnreadableAnswer, "(HTTP 204) but its answer is empty"},
		{"JSON array", "", 201, "application/json", `[{"customerId":10}]`, Created{}, 201, CodeUnreadableAnswer, "not the documented JSON"},
		{"customerId as text", "", 201, "application/json", `{"companyId":2,"customerId":"10","extCustomerId":1}`, Created{}, 201, CodeUnreadableAnswer, "not the documented JSON"},
		{"customerId with a fraction", "", 201, "application/json", `{"companyId":2,"customerId":10.5,"extCustomerId":1}`, Created{}, 201, CodeUnreadableAnswer, ""},
		{"another extCustomerId", "", 201, "application/json", `{"companyId":2,"customerId":10,"extCustomerId":2}`, Created{}, 201, CodeUnexpectedAnswer, "the API answered success (HTTP 201) but for extCustomerId 2, not the 1 that was sent"},
		{"negative customerId", "", 201, "application/json", `{"companyId":2,"customerId":-10,"extCustomerId":1}`, Created{}, 201, CodeUnexpectedAnswer, "customerId -10 (a positive id was expected)"},
		{"customerId 0", "", 201, "application/json", `{"companyId":2,"customerId":0,"extCustomerId":1}`, Created{}, 201, CodeUnexpectedAnswer, "customerId 0"},
		{"no customerId", "", 201, "application/json", `{"companyId":2,"extCustomerId":1}`, Created{}, 201, CodeUnexpectedAnswer, "has no customerId"},
		{"no extCustomerId", "", 201, "application/json", `{"companyId":2,"customerId":10}`, Created{}, 201, CodeUnexpectedAnswer, "has no extCustomerId (1 was sent)"},
		{"another extCustomerId, huge", "", 201, "application/json", `{"companyId":2,"customerId":10,"extCustomerId":99999999999999999999}`, Created{}, 201, CodeUnreadableAnswer, ""},
		{"400", "", 400, "application/json", `{"errorCode":"INVALID","message":"name is required"}`, Created{}, 400, "INVALID", ""},
		{"409", "", 409, "application/json", `{"errorCode":"CUSTOMER_EXISTS","message":"exists"}`, Created{}, 409, "CUSTOMER_EXISTS", ""},
		{"503 html", "", 503, "text/html", herokuPage, Created{}, 503, "", ""},
		{"redirect not followed", "", 302, "", "", Created{}, 302, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.answer)
			})
			body := cmp.Or(tt.body, sent)
			got, err := c.Create(context.Background(), []byte(body))
			if tt.errStatus == 0 {
				if err != nil || got != tt.want {
					t.Fatalf("Create = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != tt.errStatus || ae.Code != tt.code {
				t.Fatalf("Create error = %#v, want APIError %d %q", err, tt.errStatus, tt.code)
			}
			if !strings.Contains(ae.Message, tt.msgHas) {
				t.Errorf("message %q does not say %q", ae.Message, tt.msgHas)
			}
		})
	}
}

func TestSentExtCustomerID(t *testing.T) {
	tests := []struct {
		body string
		want int64
		ok   bool
	}{
		{`{"extCustomerId":1001,"name":"x"}`, 1001, true},
		{`{"extCustomerId":7}`, 7, true},
		{`{"extCustomerId":-7}`, -7, true},
		{`{ "name": "x", "extCustomerId" : 1001 }`, 1001, true},
		{`{"address":{"extCustomerId":5},"extCustomerId":7}`, 7, true},
		{`{"extCustomerId":"1001"}`, 0, false},
		{`{"extCustomerId":1e3}`, 0, false},
		{`{"extCustomerId":99999999999999999999}`, 0, false},
		{`{"name":"x"}`, 0, false},
		{`{}`, 0, false},
		{`not json`, 0, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			got, ok := sentExtCustomerID([]byte(tt.body))
			if got != tt.want || ok != tt.ok {
				t.Errorf("sentExtCustomerID(%s) = %d, %v; want %d, %v", tt.body, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestClientTransportErrors(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		switch r.Header.Get("X-Test") {
		case "drop":
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		case "hang":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
	}, func(cc *ClientConfig) { cc.Timeout = 100 * time.Millisecond })

	// The test marks requests through a transport that adds X-Test.
	mark := func(v string) *Client {
		cc := *c
		cc.http = &http.Client{Transport: headerTransport{v}, CheckRedirect: c.http.CheckRedirect}
		return &cc
	}

	t.Run("dropped after send", func(t *testing.T) {
		_, err := mark("drop").Create(context.Background(), []byte(`{}`))
		var te *TransportError
		if !errors.As(err, &te) || !te.Sent || te.Timeout || te.Cancelled {
			t.Fatalf("got %#v, want a sent, unanswered TransportError", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		_, err := mark("hang").Create(context.Background(), []byte(`{}`))
		var te *TransportError
		if !errors.As(err, &te) || !te.Sent || !te.Timeout || te.Cancelled {
			t.Fatalf("got %#v, want a timeout after send", err)
		}
		if !strings.Contains(err.Error(), "within 100ms") {
			t.Errorf("message %q does not say how long we waited", err)
		}
	})
	t.Run("cancelled by the run", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cc := mark("hang")
		cc.timeout = time.Minute
		done := make(chan error, 1)
		go func() {
			_, err := cc.Create(ctx, []byte(`{}`))
			done <- err
		}()
		cancel()
		err := <-done
		var te *TransportError
		if !errors.As(err, &te) || !te.Cancelled {
			t.Fatalf("got %#v, want Cancelled", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		dead := newTestClient(t, "http://"+addr)
		_, err = dead.Create(context.Background(), []byte(`{}`))
		var te *TransportError
		if !errors.As(err, &te) || te.Sent || te.Cancelled {
			t.Fatalf("got %#v, want a TransportError that was never sent", err)
		}
		if strings.Contains(err.Error(), testAPIKey) {
			t.Fatalf("key in %q", err)
		}
	})
}

type headerTransport struct{ v string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("X-Test", h.v)
	return http.DefaultTransport.RoundTrip(r)
}

func TestNewClientChecks(t *testing.T) {
	tests := []struct {
		name     string
		base     string
		apiKey   string
		custKey  string
		endpoint string // "" = must fail
		errHas   string
	}{
		{"https", "https://owr-public-services-dev.herokuapp.com", "api-key-1", "cust-key-2", "https://owr-public-services-dev.herokuapp.com/api/customers", ""},
		{"trailing slash", "https://api.example.com/", "api-key-1", "cust-key-2", "https://api.example.com/api/customers", ""},
		{"documented endpoint given", "https://api.example.com/api/customers/", "api-key-1", "cust-key-2", "https://api.example.com/api/customers", ""},
		{"path prefix", "https://gw.example.com/owr", "api-key-1", "cust-key-2", "https://gw.example.com/owr/api/customers", ""},
		{"http loopback", "http://127.0.0.1:8080", "api-key-1", "cust-key-2", "http://127.0.0.1:8080/api/customers", ""},
		{"http 127/8", "http://127.3.4.5:8080", "api-key-1", "cust-key-2", "http://127.3.4.5:8080/api/customers", ""},
		{"http ::1", "http://[::1]:8080", "api-key-1", "cust-key-2", "http://[::1]:8080/api/customers", ""},
		{"http localhost", "http://LOCALHOST:9", "api-key-1", "cust-key-2", "http://LOCALHOST:9/api/customers", ""},
		{"keys trimmed", "https://a.example", " api-key-1\n", "\tcust-key-2 ", "https://a.example/api/customers", ""},
		{"http remote refused", "http://owr-public-services-prod.herokuapp.com", "api-key-1", "cust-key-2", "", "unencrypted"},
		{"http private network refused", "http://192.168.1.10", "api-key-1", "cust-key-2", "", "unencrypted"},
		{"http lookalike refused", "http://127.0.0.1.evil.example", "api-key-1", "cust-key-2", "", "unencrypted"},
		{"ftp", "ftp://a.example", "api-key-1", "cust-key-2", "", "not a web address"},
		{"no scheme", "owr-public-services-dev.herokuapp.com", "api-key-1", "cust-key-2", "", "not a web address"},
		{"empty", "", "api-key-1", "cust-key-2", "", "no API address"},
		{"user info", "https://user:pw@a.example", "api-key-1", "cust-key-2", "", "no user name"},
		{"query", "https://a.example/?apikey=x", "api-key-1", "cust-key-2", "", "no user name"},
		{"no api key", "https://a.example", "", "cust-key-2", "", "OWR_API_KEY"},
		{"no customer key", "https://a.example", "api-key-1", "  ", "", "OWR_CUSTOMER_KEY"},
		{"key with line break", "https://a.example", "api-key-1\nInjected: yes", "cust-key-2", "", "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(ClientConfig{BaseURL: tt.base, APIKey: tt.apiKey, CustomerKey: tt.custKey})
			if tt.endpoint != "" {
				if err != nil {
					t.Fatalf("NewClient: %v", err)
				}
				if c.endpoint != tt.endpoint {
					t.Errorf("endpoint %q, want %q", c.endpoint, tt.endpoint)
				}
				return
			}
			if err == nil {
				t.Fatalf("NewClient accepted %q", tt.base)
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("error %q does not mention %q", err, tt.errHas)
			}
			if tt.apiKey != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.apiKey)) {
				t.Errorf("error %q contains the API key", err)
			}
		})
	}
}

func TestKeysNeverInErrors(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		// A careless server that echoes the keys it was given.
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "invalid apikey "+r.Header.Get("apikey")+" for company "+r.Header.Get("CustomerKey"))
	})
	_, err := c.Create(context.Background(), []byte(`{}`))
	if err == nil {
		t.Fatal("no error for a 401")
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %T, want *APIError", err)
	}
	for _, s := range []string{err.Error(), ae.Message, ae.Code} {
		if strings.Contains(s, testAPIKey) || strings.Contains(s, testCustomerKey) {
			t.Errorf("a key leaked into %q", s)
		}
	}
}

func TestEnvBaseURL(t *testing.T) {
	tests := []struct{ env, want string }{
		{"dev", BaseURLDev}, {"prod", BaseURLProd}, {" PROD ", BaseURLProd}, {"staging", ""}, {"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			got, err := EnvBaseURL(tt.env)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Errorf("EnvBaseURL(%q) = %q, %v; want %q", tt.env, got, err, tt.want)
			}
		})
	}
}
