package send

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"owr-import/importer/owrapi"
	"owr-import/importer/row"
)

// tlsAPI starts a fake Customers API over HTTPS on 127.0.0.1 that counts
// TLS handshakes (ClientHellos) and requests. cert picks the certificate of
// the n-th handshake (1-based); nil = httptest's own, untrusted by default.
func tlsAPI(t *testing.T, cert func(n int32) *tls.Certificate) (srv *httptest.Server, hellos, requests *atomic.Int32) {
	t.Helper()
	hellos, requests = new(atomic.Int32), new(atomic.Int32)
	f := &fakeAPI{t: t, script: func(int64, int) reply { return reply{} }, attempts: map[int64]int{}, stored: map[int64]int64{}, release: make(chan struct{})}
	t.Cleanup(func() { close(f.release) })
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		f.serve(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		n := hellos.Add(1)
		if cert == nil {
			return nil, nil
		}
		c := cert(n)
		if c == nil {
			return nil, nil // the server's own configuration
		}
		return &tls.Config{Certificates: []tls.Certificate{*c}}, nil
	}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, hellos, requests
}

func caFileOf(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSubmitStopsOnTLS: a certificate this computer does not trust is not an
// outage: the first request fails, is not retried, and the run stops at once
// with a reason of its own that says what to check.
func TestSubmitStopsOnTLS(t *testing.T) {
	srv, hellos, requests := tlsAPI(t, nil)
	c, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: srv.URL, APIKey: "test-api-key", CustomerKey: "test-customer-key", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	opts := testOpts(4)
	opts.Retries = 5
	run := runSubmit(t, context.Background(), c, jobsFor(seq(20)...), opts)
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortTLS {
		t.Fatalf("Submit error %v, want an AbortError with reason %q", run.err, AbortTLS)
	}
	for _, s := range []string{"not trusted", "--ca-file", "not_attempted"} {
		if !strings.Contains(abort.Message, s) {
			t.Errorf("abort message %q does not mention %q", abort.Message, s)
		}
	}
	if strings.Contains(abort.Message, "unavailable") {
		t.Errorf("abort message %q calls it an outage", abort.Message)
	}
	if n := hellos.Load(); n != 1 {
		t.Errorf("%d TLS handshakes, want exactly 1: no retry, no other worker", n)
	}
	if requests.Load() != 0 || run.stats.Requests != 1 || run.stats.Retries != 0 || run.stats.Started != 1 {
		t.Errorf("requests served %d, stats %+v; want one failed attempt of one row", requests.Load(), run.stats)
	}
	for _, o := range run.outcomes {
		if o.Status != row.StatusFailed || o.Attempts != 1 || o.Unanswered || !strings.Contains(o.Error, "not trusted") {
			t.Errorf("row %d: %+v", o.Row, o)
		}
	}
}

// TestSubmitStopsOnTLSMidRun: a certificate that changes during the run (a
// proxy starts intercepting new connections) stops the run at the first
// connection that fails; rows already created stay created, no row is
// retried.
func TestSubmitStopsOnTLSMidRun(t *testing.T) {
	intercepted := selfSigned(t, "Intercepting Proxy")
	srv, hellos, _ := tlsAPI(t, func(n int32) *tls.Certificate {
		if n == 1 {
			return nil // the first connection: the API's own certificate
		}
		return &intercepted
	})
	c, err := owrapi.NewClient(owrapi.ClientConfig{BaseURL: srv.URL, APIKey: "test-api-key", CustomerKey: "test-customer-key",
		Timeout: 5 * time.Second, CAFile: caFileOf(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	opts := testOpts(4)
	run := runSubmit(t, context.Background(), c, jobsFor(seq(40)...), opts)
	var abort *AbortError
	if !errors.As(run.err, &abort) || abort.Reason != AbortTLS || !strings.Contains(abort.Message, "Intercepting Proxy") {
		t.Fatalf("Submit error %v, want an AbortError with reason %q naming the issuer", run.err, AbortTLS)
	}
	created, failed := 0, 0
	for _, o := range run.outcomes {
		switch {
		case o.Status == row.StatusCreated:
			created++
		case o.Status == row.StatusFailed && o.Attempts == 1 && strings.Contains(o.Error, "not trusted"):
			failed++
		case o.Status == row.StatusNotAttempted && o.Attempts == 0:
			// started (journaled) while the run stopped: never sent
		default:
			t.Errorf("row %d: %+v", o.Row, o)
		}
	}
	if created == 0 || failed == 0 || failed >= opts.Workers {
		t.Errorf("%d created, %d failed; want the first rows created and at most one failed row per new connection", created, failed)
	}
	if run.stats.Retries != 0 || run.stats.Requests != created+failed {
		t.Errorf("stats %+v: want one attempt per row sent, no retry", run.stats)
	}
	if hellos.Load() < 2 {
		t.Error("no second connection was made: the test did not change the certificate")
	}
}

// selfSigned makes a certificate for 127.0.0.1 signed by itself, named name.
func selfSigned(t *testing.T, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
