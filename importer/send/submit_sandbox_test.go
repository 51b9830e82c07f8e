package send

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/internal/sandboxtest"
	"testing"
	"time"

	"owr-import/mapping"
	"owr-import/sandbox"
)

func sandboxClient(t *testing.T, srv *sandbox.Server, timeout time.Duration) *owrapi.Client {
	t.Helper()
	c, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: srv.URL, APIKey: srv.APIKey, CustomerKey: srv.CustomerKey, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// customerJobs builds n valid customers, encoded once as Submit expects.
func customerJobs(t *testing.T, n int) []Job {
	t.Helper()
	jobs := make([]Job, n)
	for i := range jobs {
		c := mapping.Customer{
			ExtCustomerID: int64(5000 + i), ExtCustomerNumber: fmt.Sprintf("K-%05d", i),
			Name: fmt.Sprintf("Klant %d", i), EnterpriseNumber: "BE0417497106",
			Address: mapping.Address{Street: "Kerkstraat", StreetNumber: "12", City: "Gent", PostalCode: "9000", Country: "belgium"},
		}
		body, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		jobs[i] = Job{Row: i + 2, ExtCustomerID: c.ExtCustomerID, ExtCustomerNumber: c.ExtCustomerNumber, Body: body}
	}
	return jobs
}

// TestSubmitAgainstFaultySandbox is the end-to-end promise of the sending
// rules: through 503s, 429s, connections dropped after the create and requests
// hung past the client timeout, every row ends created or in_doubt, no
// customer is created twice, and every reported customerId is the real one.
func TestSubmitAgainstFaultySandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run against the faulty sandbox")
	}
	const rows = 2000
	srv := sandboxtest.Start(t, sandbox.Faults{
		UnavailableRate: 0.10, DropRate: 0.03, HangRate: 0.01, Hang: time.Second,
		// The sandbox has no 429 rate: it answers 429 with Retry-After whenever
		// the client runs above Throttle, which an unlimited run does at once.
		Throttle: 600, ThrottleBurst: 30,
	})
	c := sandboxClient(t, srv, 200*time.Millisecond)
	opts := SubmitOptions{Workers: 8, Rate: 0, Retries: 10, BackoffInitial: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		MaxOutage: 30 * time.Second, Grace: time.Second}
	run := runSubmit(t, context.Background(), c, customerJobs(t, rows), opts)
	if run.err != nil {
		t.Fatalf("Submit: %v", run.err)
	}
	t.Logf("%.1fs, %d requests, %d retries, %d throttled, final rate %.0f/s, counts %v",
		run.elapsed.Seconds(), run.stats.Requests, run.stats.Retries, run.stats.Throttled, run.stats.FinalRate, run.stats.Counts)

	stored, err := srv.Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byExt := map[int64]sandbox.StoredCustomer{}
	for _, sc := range stored {
		if _, dup := byExt[sc.ExtCustomerID]; dup {
			t.Errorf("extCustomerId %d stored twice", sc.ExtCustomerID)
		}
		byExt[sc.ExtCustomerID] = sc
	}
	if len(stored) != rows {
		t.Errorf("%d customers stored, want %d", len(stored), rows)
	}
	inDoubt := 0
	for i := range rows {
		ext := int64(5000 + i)
		o, ok := run.outcomes[ext]
		if !ok {
			t.Errorf("ext %d has no outcome", ext)
			continue
		}
		sc, exists := byExt[ext]
		switch o.Status {
		case row.StatusCreated:
			if !exists || o.CustomerID != sc.CustomerID || o.CompanyID != sc.CompanyID {
				t.Errorf("ext %d reported customerId %d/company %d, sandbox has %+v", ext, o.CustomerID, o.CompanyID, sc)
			}
		case row.StatusInDoubt:
			inDoubt++
			if !exists {
				t.Errorf("ext %d is in_doubt but was never stored", ext)
			}
		default:
			t.Errorf("ext %d ended %s: %s", ext, o.Status, o.Error)
		}
	}
	if inDoubt == 0 {
		t.Error("no row ended in_doubt: the drop and hang faults were not exercised")
	}
	if run.stats.Throttled == 0 {
		t.Error("no 429 was seen: the throttle was not exercised")
	}
	faults := map[string]int{}
	for _, r := range srv.Requests() {
		faults[r.Fault]++
	}
	t.Logf("%d in_doubt; faults seen by the sandbox: %v", inDoubt, faults)
}

func TestSubmitSandboxUnauthorized(t *testing.T) {
	srv := sandboxtest.Start(t, sandbox.Faults{})
	c, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: srv.URL, APIKey: "wrong-key", CustomerKey: srv.CustomerKey})
	if err != nil {
		t.Fatal(err)
	}
	run := runSubmit(t, context.Background(), c, customerJobs(t, 100), testOpts(4))
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortUnauthorized {
		t.Fatalf("Submit error %v, want unauthorized", run.err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d requests reached the sandbox, want 1", n)
	}
}

func TestSubmitSandboxRate(t *testing.T) {
	if testing.Short() {
		t.Skip("paced run")
	}
	const perSecond, burst, rows = 200, 1, 300
	srv := sandboxtest.Start(t, sandbox.Faults{})
	c := sandboxClient(t, srv, 5*time.Second)
	opts := testOpts(8)
	opts.Rate, opts.Burst = perSecond, burst
	run := runSubmit(t, context.Background(), c, customerJobs(t, rows), opts)
	if run.err != nil || run.stats.Counts[row.StatusCreated] != rows {
		t.Fatalf("Submit: %v, %v", run.err, run.stats.Counts)
	}
	reqs := srv.Requests()
	// No one-second window holds more than rate + burst requests (one more
	// allowed for arrival jitter between client and server).
	worst := 0
	for i := range reqs {
		n := 0
		for j := i; j < len(reqs) && reqs[j].Time.Sub(reqs[i].Time) < time.Second; j++ {
			n++
		}
		worst = max(worst, n)
	}
	if worst > perSecond+burst+1 {
		t.Errorf("%d requests within one second, want at most %d", worst, perSecond+burst)
	}
	span := reqs[len(reqs)-1].Time.Sub(reqs[0].Time).Seconds()
	// Never faster than allowed; slower only if this machine is busy.
	if eff := float64(len(reqs)-1) / span; eff > perSecond*1.02 || eff < perSecond*0.5 {
		t.Errorf("effective rate %.1f/s, want about %d/s", eff, perSecond)
	}
}
