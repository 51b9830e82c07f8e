package owrapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// cannedTransport answers every request in process with the same response,
// so a benchmark measures the client's own work, not the network.
type cannedTransport struct {
	status int
	ctype  string
	body   string
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: c.status, Header: http.Header{"Content-Type": {c.ctype}},
		Body: io.NopCloser(strings.NewReader(c.body)), Request: r}, nil
}

const benchBody = `{"extCustomerId":1001,"extCustomerNumber":"K-1001","name":"Bakkerij Peeters","enterpriseNumber":"BE0417497106","address":{"street":"Kerkstraat","streetNumber":"12","city":"Gent","postalCode":"9000","country":"belgium"}}`

func BenchmarkCreateInProcess(b *testing.B) {
	c, err := NewClient(ClientConfig{BaseURL: "https://api.example.com", APIKey: testAPIKey, CustomerKey: testCustomerKey,
		Transport: cannedTransport{201, "application/json", `{"companyId":2,"customerId":10,"extCustomerId":1001}`}})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(benchBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Create(context.Background(), body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateLoopback(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		io.WriteString(w, `{"companyId":2,"customerId":10,"extCustomerId":1001}`)
	}))
	b.Cleanup(srv.Close)
	c, err := NewClient(ClientConfig{BaseURL: srv.URL, APIKey: testAPIKey, CustomerKey: testCustomerKey})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(benchBody)
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Create(context.Background(), body); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCreateConflict(b *testing.B) {
	c, err := NewClient(ClientConfig{BaseURL: "https://api.example.com", APIKey: testAPIKey, CustomerKey: testCustomerKey,
		Transport: cannedTransport{409, "application/json", `{"errorCode":"CUSTOMER_EXT_ID_EXISTS","message":"a customer with this extCustomerId already exists"}`}})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(benchBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Create(context.Background(), body); err == nil {
			b.Fatal("no error")
		}
	}
}
