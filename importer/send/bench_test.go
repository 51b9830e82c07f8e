package send

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/importer/ledger"
	"owr-import/importer/owrapi"
)

// echoCreated answers every create in process with the documented success
// body for the extCustomerId it was sent, so BenchmarkSubmit measures the
// submission machinery (pacer, classifier, journal), not a network.
type echoCreated struct{}

func (echoCreated) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	var ext int64
	fmt.Sscanf(strings.TrimPrefix(string(b), `{"extCustomerId":`), "%d", &ext)
	return &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
		Body: io.NopCloser(strings.NewReader(fmt.Sprintf(`{"companyId":2,"customerId":%d,"extCustomerId":%d}`, 10_000+ext, ext)))}, nil
}

func BenchmarkSubmit(b *testing.B) {
	c, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: "https://api.example.com", APIKey: "bench-api-key-0123",
		CustomerKey: "bench-customer-key-0123", Transport: echoCreated{}})
	if err != nil {
		b.Fatal(err)
	}
	const rows = 2000
	jobs := make([]Job, rows)
	for i := range jobs {
		ext := int64(i + 1)
		jobs[i] = Job{Row: i + 2, ExtCustomerID: ext, ExtCustomerNumber: fmt.Sprint("K-", ext),
			Body: []byte(fmt.Sprintf(`{"extCustomerId":%d,"extCustomerNumber":"K-%d","name":"Klant %d","enterpriseNumber":"BE0417497106","address":{"city":"Gent"}}`, ext, ext, ext))}
	}
	b.ReportAllocs()
	for b.Loop() {
		j, err := ledger.Open(filepath.Join(b.TempDir(), "b.journal.csv"))
		if err != nil {
			b.Fatal(err)
		}
		ch := make(chan Job, rows)
		for _, job := range jobs {
			ch <- job
		}
		close(ch)
		st, err := Submit(context.Background(), c, j, ch, SubmitOptions{Workers: 8})
		if err != nil || st.Counts["created"] != rows {
			b.Fatalf("Submit: %v, %+v", err, st.Counts)
		}
		if err := j.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
