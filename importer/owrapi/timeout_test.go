package owrapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// drip answers status with headers at once, then body one byte every tick
// until the client goes away.
func drip(status int, ctype, body string, tick time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		rc := http.NewResponseController(w)
		rc.Flush()
		t := time.NewTicker(tick)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
			if _, err := io.WriteString(w, body[i%len(body):i%len(body)+1]); err != nil {
				return
			}
			rc.Flush()
		}
	}
}

// silentListener accepts connections and never says a word.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestTimeoutBoundsAttempt: Timeout bounds one attempt from connecting to
// the last byte of the body, whatever the API does, and the error says what
// was (not) received.
func TestTimeoutBoundsAttempt(t *testing.T) {
	const limit = 300 * time.Millisecond
	const tick = 50 * time.Millisecond
	created := `{"companyId":2,"customerId":10,"extCustomerId":1}`
	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: a server that accepts and never answers
		check   func(t *testing.T, err error)
	}{
		{"201 whose body drips", drip(201, "application/json", created+strings.Repeat(" ", 1000), tick), func(t *testing.T, err error) {
			var te *TransportError
			if !errors.As(err, &te) || !te.Timeout || !te.Sent || te.Status != 201 {
				t.Fatalf("error %#v, want a sent timeout with the status that arrived", err)
			}
			if !strings.Contains(err.Error(), "HTTP 201") || !strings.Contains(err.Error(), "within 300ms") {
				t.Errorf("message %q does not say the answer started (HTTP 201) and did not finish within the limit", err)
			}
		}},
		{"503 page that drips", drip(503, "text/html", "<html><title>Application Error</title>"+strings.Repeat(" ", 1000), tick), func(t *testing.T, err error) {
			var ae *APIError
			var te *TransportError
			if !(errors.As(err, &ae) && ae.Status == 503) && !(errors.As(err, &te) && te.Timeout) {
				t.Fatalf("error %#v, want the 503 or a timeout", err)
			}
		}},
		{"409 that drips", drip(409, "application/json", `{"errorCode":"CUSTOMER_EXT_ID_EXISTS","message":"`+strings.Repeat("x", 1000), tick), func(t *testing.T, err error) {
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != 409 {
				t.Fatalf("error %#v, want the 409 (its status decides)", err)
			}
		}},
		{"headers never come", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // then the server notices the client leaving
			<-r.Context().Done()
		}, func(t *testing.T, err error) {
			var te *TransportError
			if !errors.As(err, &te) || !te.Timeout || !te.Sent || te.Status != 0 || !strings.Contains(err.Error(), "no answer from the API within 300ms") {
				t.Fatalf("error %v, want a timeout after sending", err)
			}
		}},
		{"connected, never answers", nil, func(t *testing.T, err error) {
			var te *TransportError
			if !errors.As(err, &te) || !te.Timeout {
				t.Fatalf("error %v, want a timeout", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *Client
			if tt.handler == nil {
				c = newTestClient(t, silentListener(t), func(cc *ClientConfig) { cc.Timeout = limit })
			} else {
				c, _ = setup(t, tt.handler, func(cc *ClientConfig) { cc.Timeout = limit })
			}
			start := time.Now()
			_, err := c.Create(context.Background(), []byte(`{"extCustomerId":1}`))
			took := time.Since(start)
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			// A generous margin for a loaded machine; a dripping body used to
			// be read for as long as it dripped.
			if took > limit+time.Second {
				t.Errorf("the attempt took %s with Timeout %s", took, limit)
			}
		})
	}
}

func TestTransportErrorMessages(t *testing.T) {
	eof := errors.New("unexpected EOF")
	tests := []struct {
		e    TransportError
		want string
	}{
		{TransportError{Err: eof, Timeout: true, Sent: true, Limit: time.Second}, "no answer from the API within 1s"},
		{TransportError{Err: eof, Timeout: true, Sent: true, Status: 201, Limit: time.Second}, "the API's answer (HTTP 201) did not arrive completely within 1s"},
		{TransportError{Err: eof, Sent: true, Status: 201}, "the connection broke while the API's answer (HTTP 201) was arriving: unexpected EOF"},
		{TransportError{Err: eof, Sent: true}, "the connection broke before the API answered: unexpected EOF"},
		{TransportError{Err: eof, Timeout: true, Limit: time.Second}, "could not reach the API within 1s"},
		{TransportError{Err: eof}, "could not reach the API: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.want), func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}
