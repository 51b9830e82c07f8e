package owrapi

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// TLSProblem says why a secure connection to the API could not be set up.
// None of these is an outage: retrying cannot help, and sending on could
// mean talking to someone who is not the API, so the run stops at once.
type TLSProblem int

const (
	TLSNone      TLSProblem = iota
	TLSUntrusted            // the certificate's issuer is not trusted by this computer
	TLSExpired              // the certificate has expired or is not valid yet
	TLSWrongHost            // the certificate is for another host name
	TLSHandshake            // any other certificate or handshake failure
)

func (p TLSProblem) String() string {
	switch p {
	case TLSNone:
		return "none"
	case TLSUntrusted:
		return "untrusted issuer"
	case TLSExpired:
		return "expired"
	case TLSWrongHost:
		return "wrong host"
	}
	return "handshake failure"
}

// tlsProblem reads a connection failure for a certificate or handshake
// problem. detail is what the message names: the issuer, the validity
// dates, the certificate's host names, or the failure.
func tlsProblem(err error) (p TLSProblem, detail string) {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		roots    x509.SystemRootsError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		ech      *tls.ECHRejectionError
	)
	switch {
	case errors.As(err, &unknown):
		return TLSUntrusted, issuerName(unknown.Cert)
	case errors.As(err, &roots):
		return TLSUntrusted, "this computer's list of trusted authorities could not be loaded"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return TLSExpired, validity(invalid)
	case errors.As(err, &hostname):
		return TLSWrongHost, certNames(hostname.Certificate)
	case errors.Is(err, http.ErrSchemeMismatch):
		return TLSHandshake, "plain http"
	case errors.As(err, &verify), errors.As(err, &invalid), errors.As(err, &record),
		errors.As(err, &alert), errors.As(err, &ech):
		return TLSHandshake, causeText(err)
	}
	// crypto/tls reports many handshake failures as plain errors starting
	// with "tls: " (an unsupported version, a bad signature...).
	if msg := causeText(err); strings.HasPrefix(msg, "tls: ") || strings.Contains(msg, "error: tls: ") {
		return TLSHandshake, msg
	}
	return TLSNone, ""
}

// causeText is an error's text without the "Post URL:" prefix of url.Error.
func causeText(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil || !strings.HasPrefix(err.Error(), "Post ") {
			return err.Error()
		}
		err = u
	}
}

func issuerName(c *x509.Certificate) string {
	if c == nil {
		return "an unknown issuer"
	}
	switch n := c.Issuer; {
	case n.CommonName != "":
		return fmt.Sprintf("%q", n.CommonName)
	case len(n.Organization) > 0:
		return fmt.Sprintf("%q", n.Organization[0])
	}
	return fmt.Sprintf("%q", c.Issuer.String())
}

// certTime is how the messages show a certificate's dates and the clock.
const certTime = "2 Jan 2006 15:04 MST"

func validity(e x509.CertificateInvalidError) string {
	if e.Cert == nil {
		return e.Detail
	}
	if strings.Contains(e.Detail, "is before") {
		return "it is not valid yet: valid from " + e.Cert.NotBefore.UTC().Format(certTime)
	}
	return "it has expired: valid until " + e.Cert.NotAfter.UTC().Format(certTime)
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "another host"
	}
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no host name"
	}
	if len(names) > 4 {
		names = append(names[:4], "...")
	}
	return strings.Join(names, ", ")
}

// tlsMessage is a TLS problem in a consultant's words: what is wrong and
// what to check. host is the API's host as the base URL names it.
func tlsMessage(p TLSProblem, detail, host string, now time.Time) string {
	const nothing = " Nothing was sent over this connection."
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	switch p {
	case TLSUntrusted:
		return fmt.Sprintf("the API's certificate is not trusted: it was issued by %s, which this computer does not trust. "+
			"If your company network has a proxy that inspects HTTPS traffic (it re-signs every site with its own certificate), "+
			"ask IT for that proxy's root certificate as a PEM file and run again with --ca-file FILE; otherwise someone may be "+
			"intercepting the connection: do not send.", detail) + nothing
	case TLSExpired:
		return fmt.Sprintf("the API's certificate for %s is refused because %s (this computer's clock says %s). "+
			"Check this computer's date, time and time zone (the clock); if they are right, tell the Onlinewerkrooster team "+
			"that the API's certificate has expired.", host, detail, now.UTC().Format(certTime)) + nothing
	case TLSWrongHost:
		return fmt.Sprintf("the certificate presented for %s is for %s, not for this host name: check --base-url; "+
			"a company proxy that re-signs HTTPS traffic can also cause this (ask IT for its root certificate and use --ca-file).",
			host, detail) + nothing
	}
	if detail == "plain http" {
		return fmt.Sprintf("the server at %s answered in plain http to an https request: check --base-url (http:// is only "+
			"for the sandbox on this computer).", host) + nothing
	}
	return fmt.Sprintf("the secure connection (TLS) to %s could not be set up (%s): check that --base-url is the API's "+
		"https:// address; a company proxy or firewall may be blocking or altering the connection.", host, detail) + nothing
}

// loadCAFile reads a PEM file of certificate authorities and returns the
// system's trusted authorities with them added.
func loadCAFile(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--ca-file %s does not exist: give the path of the PEM file with the proxy's root certificate", path)
	case err != nil:
		return nil, fmt.Errorf("--ca-file %s cannot be read: %v", path, err)
	}
	var certs []*x509.Certificate
	rest := b
	for n := 1; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("--ca-file %s: certificate %d cannot be read (%v): export the certificate again, as PEM (Base-64)", path, n, err)
		}
		certs = append(certs, c)
		n++
	}
	if len(certs) == 0 {
		hint := "it must hold one or more blocks starting with -----BEGIN CERTIFICATE----- (PEM)"
		if _, err := x509.ParseCertificate(b); err == nil {
			hint = "it is a binary (DER) certificate: export it again as Base-64 encoded X.509 (PEM), or convert it with openssl x509 -inform der -in FILE -out FILE.pem"
		}
		return nil, fmt.Errorf("--ca-file %s holds no certificate: %s", path, hint)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}
