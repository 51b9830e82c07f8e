package owrapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"owr-import/importer/row"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// The Customers API environments, as its documentation names them; a moved
// host is reached with --base-url.
const (
	BaseURLDev  = "https://owr-public-services-dev.herokuapp.com"
	BaseURLProd = "https://owr-public-services-prod.herokuapp.com"
)

// customersPath is where customers are created, below the base URL.
const customersPath = "/api/customers"

// DefaultTimeout bounds one attempt when ClientConfig leaves Timeout zero. It
// is just above Heroku's 30 s router limit, after which the router answers 503
// by itself.
const DefaultTimeout = 31 * time.Second

// ClientConfig is what a Client needs: where the API is, the two keys, and how
// long one attempt may take. Transport is for tests; production uses a
// pooled transport sized for concurrent workers.
type ClientConfig struct {
	BaseURL     string
	APIKey      string
	CustomerKey string
	Timeout     time.Duration // per attempt; DefaultTimeout when zero
	// CAFile is a PEM file of certificate authorities trusted in addition to
	// the system's: the root certificate of a company proxy that re-signs
	// HTTPS traffic. Only with the client's own transport (Transport nil).
	CAFile    string
	Transport http.RoundTripper
	UserAgent string
}

// Client sends customers to the Customers API, one attempt per Create call.
// Retrying, pacing and journaling belong to Submit; the client only turns
// one POST into a Created or a typed error (*APIError or *TransportError).
// It is safe for concurrent use.
type Client struct {
	endpoint    string
	host        string
	apiKey      string
	customerKey string
	red         *redactor // removes both keys from every text the client produces
	timeout     time.Duration
	userAgent   string
	http        *http.Client
	now         func() time.Time
}

// Created is the API's success answer: the new customer's ids.
type Created struct {
	CompanyID     int64 `json:"companyId"`
	CustomerID    int64 `json:"customerId"`
	ExtCustomerID int64 `json:"extCustomerId"`
}

// EnvBaseURL maps the --env names to their base URLs.
func EnvBaseURL(env string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(env)) {
	case "dev":
		return BaseURLDev, nil
	case "prod":
		return BaseURLProd, nil
	}
	return "", fmt.Errorf("--env %q is not an environment of the Customers API: use --env dev (rehearsal) or --env prod", env)
}

// NewClient checks the configuration and builds a client. Keys must be present
// and sendable as header values; the base URL must be https, except plain http
// to this machine (the sandbox), because the keys travel in the headers.
//
// Keys shorter than MinKeyLength are refused: a key that short could not be
// kept out of error messages reliably. No error of NewClient shows a key,
// even one pasted into the wrong setting.
func NewClient(cfg ClientConfig) (*Client, error) {
	apiKey := strings.TrimSpace(cfg.APIKey)
	customerKey := strings.TrimSpace(cfg.CustomerKey)
	red := newRedactor(apiKey, customerKey)
	u, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, redactedError(red, err)
	}
	if err := checkKey("API key", "OWR_API_KEY", apiKey); err != nil {
		return nil, err
	}
	if err := checkKey("customer key", "OWR_CUSTOMER_KEY", customerKey); err != nil {
		return nil, err
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rt := cfg.Transport
	if rt != nil && cfg.CAFile != "" {
		return nil, errors.New("ClientConfig.CAFile works only with the client's own transport (Transport nil)")
	}
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Workers share the pool; the default of 2 idle connections per host
		// would close and reopen connections all the time under 8 workers.
		t.MaxIdleConns = 256
		t.MaxIdleConnsPerHost = 256
		if cfg.CAFile != "" {
			pool, err := loadCAFile(cfg.CAFile)
			if err != nil {
				return nil, err
			}
			t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		rt = t
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "owr-import"
	}
	return &Client{
		endpoint:    u.String() + customersPath,
		host:        u.Host,
		apiKey:      apiKey,
		customerKey: customerKey,
		red:         red,
		timeout:     timeout,
		userAgent:   ua,
		now:         time.Now,
		http: &http.Client{
			Transport: rt,
			// A redirected POST would silently become a GET: report it instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

func checkKey(what, env, key string) error {
	if key == "" {
		return fmt.Errorf("no %s: set %s (or use --api-key-file); the Onlinewerkrooster team issues the keys", what, env)
	}
	if !httpguts.ValidHeaderFieldValue(key) {
		return fmt.Errorf("the %s contains a line break or another character that cannot be sent in an HTTP header: copy it again from the Onlinewerkrooster mail", what)
	}
	if len(key) > MaxKeyLength {
		return fmt.Errorf("the %s is longer than %d characters: that is not a key (a whole file pasted?); check %s (or --api-key-file)", what, MaxKeyLength, env)
	}
	if keyLength(key) < MinKeyLength {
		return fmt.Errorf("the %s is too short: owr-import needs at least %d characters (spaces not counted) to keep a key out of every message and file it writes; check %s (or --api-key-file) and copy the key again from the Onlinewerkrooster mail", what, MinKeyLength, env)
	}
	return nil
}

// redactedError is err with the keys removed from its text. The cause is
// not kept: its own text may hold a key.
func redactedError(red *redactor, err error) error {
	return errors.New(red.redact(err.Error()))
}

// baseURL validates a base URL and returns it without a trailing slash. The
// documented curl uses ".../api/customers/"; a base that already ends in the
// endpoint is accepted too.
func baseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("no API address: use --env dev, --env prod, --base-url https://... or --sandbox")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("--base-url %q is not a web address: write it like https://owr-public-services-dev.herokuapp.com", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--base-url must be only scheme, host and path (no user name, ?query or #fragment): write it like https://%s", u.Host)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("--base-url http://%s is refused: the keys would travel unencrypted; use https://%s (plain http:// is only allowed to this machine, e.g. the sandbox)", u.Host, u.Host)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimRight(u.Path, "/")
	u.Path = strings.TrimSuffix(u.Path, customersPath)
	u.RawPath = ""
	return u, nil
}

// isLoopback reports whether host names this machine: localhost,
// 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Create makes ONE attempt to create a customer from an already encoded JSON
// body. The client's Timeout bounds the whole attempt: connecting, sending,
// waiting and reading the answer's last byte. A success answer counts only
// when it carries a positive customerId and the extCustomerId of body;
// otherwise it is an *APIError with the 2xx status (CodeUnreadableAnswer or
// CodeUnexpectedAnswer): the customer may exist, its id is unknown. Each call reads the body through a fresh reader, so a retry sends
// exactly the same bytes. A 2xx gives the ids; any other answer is an
// *APIError; no answer at all (refused, dropped, timed out, cancelled) is a
// *TransportError. The response body is always drained and closed so the
// connection is reused.
func (c *Client) Create(ctx context.Context, body []byte) (Created, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			sent.Store(true)
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, trace), http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return Created{}, fmt.Errorf("cannot build the request to %s: %w", c.host, err)
	}
	// Header names exactly as documented (Go would otherwise send "Apikey").
	req.Header["apikey"] = []string{c.apiKey}
	req.Header["CustomerKey"] = []string{c.customerKey}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	if err != nil {
		return Created{}, c.transportError(ctx, actx, err, sent.Load())
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Created{}, newAPIError(resp, c.now(), c.redact)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		// The API accepted the request; only its answer was lost (the
		// attempt's deadline covers the body too).
		te := c.transportError(ctx, actx, err, true)
		te.Status = resp.StatusCode
		return Created{}, te
	}
	sentExt, known := sentExtCustomerID(body)
	out, ae := decodeCreated(resp.StatusCode, raw, sentExt, known, c.redact)
	if ae != nil {
		return Created{}, ae
	}
	return out, nil
}

// transportError classifies a failure that produced no HTTP answer.
// Everything the caller needs to know is read from the cause here; Err
// keeps only the cause's text, cleaned and with the keys removed (a server
// that answers with garbage gets that garbage quoted in Go's error).
func (c *Client) transportError(parent, attempt context.Context, err error, sent bool) *TransportError {
	te := &TransportError{Sent: sent, Limit: c.timeout}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err // the URL is known and adds nothing
	}
	var ne net.Error
	switch {
	case parent.Err() != nil:
		te.Cancelled = true
	case attempt.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		te.Timeout = true
	}
	te.Err = errors.New(c.redact(row.CleanText(cause.Error())))
	if !te.Timeout && !te.Cancelled {
		if p, detail := tlsProblem(err); p != TLSNone {
			te.TLS = p
			te.tlsText = c.redact(row.CleanText(tlsMessage(p, detail, c.host, c.now())))
		}
	}
	return te
}

// redact removes the keys from a string that came from the server.
func (c *Client) redact(s string) string { return c.red.redact(s) }

// TransportError is an attempt that got no HTTP answer. Sent tells whether
// the whole request had been written: only then may the API have created the
// customer, and a later 409 for the row means "in doubt" instead of
// "conflict".
type TransportError struct {
	// Err is the cause's text, with the keys removed; the client keeps no
	// deeper cause, so no chain of errors.Unwrap can reach a key.
	Err       error
	Sent      bool          // the request reached the API; its effect is unknown
	Timeout   bool          // no answer within Limit
	Cancelled bool          // the run stopped waiting (Ctrl-C or an abort)
	Limit     time.Duration // the per-attempt timeout in force
	// Status is the HTTP status when the answer's headers arrived but its
	// body did not (0 otherwise).
	Status int
	// TLS is set when the secure connection could not be set up (an
	// untrusted, expired or misnamed certificate, a failed handshake):
	// not an outage, and nothing was sent.
	TLS     TLSProblem
	tlsText string // the message for TLS, redacted
}

// Error says what happened in a consultant's words; it never names a key.
func (e *TransportError) Error() string {
	switch {
	case e.TLS != TLSNone && e.tlsText != "":
		return e.tlsText
	case e.TLS != TLSNone:
		return "the secure connection to the API could not be set up (" + e.TLS.String() + "): " + e.cause()
	case e.Cancelled && e.Sent:
		return "the run stopped while waiting for the API's answer"
	case e.Cancelled:
		return "the run stopped before the request was sent"
	case e.Timeout && e.Status != 0:
		return fmt.Sprintf("the API's answer (HTTP %d) did not arrive completely within %s", e.Status, e.Limit)
	case e.Timeout && e.Sent:
		return fmt.Sprintf("no answer from the API within %s", e.Limit)
	case e.Timeout:
		return fmt.Sprintf("could not reach the API within %s", e.Limit)
	case e.Status != 0:
		return fmt.Sprintf("the connection broke while the API's answer (HTTP %d) was arriving: %s", e.Status, e.cause())
	case e.Sent:
		return "the connection broke before the API answered: " + e.cause()
	}
	return "could not reach the API: " + e.cause()
}

func (e *TransportError) cause() string {
	if e.Err == nil {
		return "unknown error"
	}
	return row.CleanText(e.Err.Error())
}

// Unwrap exposes Err: the cause's text only (see Err).
func (e *TransportError) Unwrap() error { return e.Err }
