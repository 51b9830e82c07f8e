package owrapi

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
)

// testCA is a certificate authority made up for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name, Organization: []string{name + " Org"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}

// issue makes a server certificate for hosts (names or IPs), valid from
// notBefore to notAfter.
func (ca *testCA) issue(t *testing.T, hosts []string, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: hosts[0]},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (ca *testCA) pemFile(t *testing.T) string {
	t.Helper()
	return writePEM(t, ca.cert)
}

func writePEM(t *testing.T, certs ...*x509.Certificate) string {
	t.Helper()
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// createdHandler answers the documented success for extCustomerId 1 and
// counts the requests that got through.
func createdHandler(n *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"companyId":2,"customerId":10,"extCustomerId":1}`)
	}
}

// tlsServer starts an HTTPS server on 127.0.0.1 with cert (the httptest
// default certificate when cert is nil).
func tlsServer(t *testing.T, cert *tls.Certificate, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = discardLog()
	if cert != nil {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func plainServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// rawServer accepts connections on 127.0.0.1 and writes reply on each.
func rawServer(t *testing.T, reply []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 4096)
			conn.Read(buf) // the ClientHello
			conn.Write(reply)
			conn.Close()
		}
	}()
	return "https://" + ln.Addr().String()
}

// TestClientTLS: certificate and handshake failures are told apart from an
// API that is down, name the problem and what to check, and send nothing;
// a certificate trusted through CAFile works.
func TestClientTLS(t *testing.T) {
	ca := newTestCA(t, "Corp Proxy CA")
	now := time.Now()
	var reached atomic.Int32
	h := createdHandler(&reached)
	good := ca.issue(t, []string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour))
	expired := ca.issue(t, []string{"127.0.0.1"}, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	early := ca.issue(t, []string{"127.0.0.1"}, now.Add(24*time.Hour), now.Add(48*time.Hour))
	otherHost := ca.issue(t, []string{"other.example"}, now.Add(-time.Hour), now.Add(time.Hour))
	defaultSrv := tlsServer(t, nil, h)

	tests := []struct {
		name   string
		base   string
		caFile string
		want   TLSProblem // TLSNone: the create must succeed
		msgHas []string
	}{
		{"untrusted issuer", defaultSrv.URL, "", TLSUntrusted, []string{"not trusted", "Acme Co", "--ca-file", "proxy"}},
		{"trusted through CAFile", defaultSrv.URL, writePEM(t, defaultSrv.Certificate()), TLSNone, nil},
		{"proxy CA not given", tlsServer(t, &good, h).URL, "", TLSUntrusted, []string{"Corp Proxy CA", "--ca-file"}},
		{"proxy CA given", tlsServer(t, &good, h).URL, ca.pemFile(t), TLSNone, nil},
		{"expired", tlsServer(t, &expired, h).URL, ca.pemFile(t), TLSExpired, []string{"expired", "clock"}},
		{"not valid yet", tlsServer(t, &early, h).URL, ca.pemFile(t), TLSExpired, []string{"not valid yet", "clock"}},
		{"wrong host name", tlsServer(t, &otherHost, h).URL, ca.pemFile(t), TLSWrongHost, []string{"other.example", "127.0.0.1", "--base-url"}},
		// A fatal handshake_failure alert instead of a ServerHello.
		{"handshake alert", rawServer(t, []byte{21, 3, 3, 0, 2, 2, 40}), "", TLSHandshake, []string{"secure connection", "handshake failure", "--base-url"}},
		{"not TLS at all", rawServer(t, []byte("SSH-2.0-OpenSSH_9.6\r\n")), "", TLSHandshake, []string{"secure connection", "--base-url"}},
		{"plain http server", plainServer(t, h), "", TLSHandshake, []string{"plain http", "--base-url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := strings.Replace(tt.base, "http://", "https://", 1)
			c, err := NewClient(ClientConfig{BaseURL: base, APIKey: testAPIKey, CustomerKey: testCustomerKey,
				Timeout: 5 * time.Second, CAFile: tt.caFile})
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			before := reached.Load()
			got, err := c.Create(context.Background(), []byte(`{"extCustomerId":1}`))
			if tt.want == TLSNone {
				if err != nil || got.CustomerID != 10 {
					t.Fatalf("Create = %+v, %v; want created", got, err)
				}
				return
			}
			var te *TransportError
			if !errors.As(err, &te) || te.TLS != tt.want || te.Sent || te.Timeout || te.Cancelled {
				t.Fatalf("Create error %#v (%v), want a TransportError with TLS problem %v, not sent", err, err, tt.want)
			}
			for _, s := range tt.msgHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not mention %q", err, s)
				}
			}
			if reached.Load() != before {
				t.Error("the request reached the handler through a connection that failed")
			}
		})
	}
}

func TestCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ca := newTestCA(t, "Some CA")
	keyDER, _ := x509.MarshalECPrivateKey(ca.key)
	tests := []struct {
		name, path string
		errHas     []string
	}{
		{"missing", filepath.Join(dir, "nope.pem"), []string{"--ca-file", "nope.pem", "does not exist"}},
		{"a folder", dir, []string{"--ca-file", "cannot be read"}},
		{"empty", write("empty.pem", nil), []string{"empty.pem", "no certificate", "PEM"}},
		{"text", write("notes.txt", []byte("ask IT for the certificate\n")), []string{"notes.txt", "no certificate", "BEGIN CERTIFICATE"}},
		{"DER instead of PEM", write("proxy.cer", ca.cert.Raw), []string{"proxy.cer", "Base-64"}},
		{"key only", write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})), []string{"key.pem", "no certificate"}},
		{"damaged certificate", write("bad.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("garbage")})), []string{"bad.pem", "certificate 1", "cannot be read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(ClientConfig{BaseURL: "https://a.example", APIKey: testAPIKey, CustomerKey: testCustomerKey, CAFile: tt.path})
			if err == nil {
				t.Fatal("NewClient accepted it")
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
	t.Run("with a transport of its own", func(t *testing.T) {
		_, err := NewClient(ClientConfig{BaseURL: "https://a.example", APIKey: testAPIKey, CustomerKey: testCustomerKey,
			CAFile: ca.pemFile(t), Transport: http.DefaultTransport})
		if err == nil {
			t.Fatal("CAFile silently ignored with a custom transport")
		}
	})
}
