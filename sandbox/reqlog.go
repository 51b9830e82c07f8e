package sandbox

import (
	"io"
	"slices"
	"strconv"
	"sync"
	"time"
)

// RequestRecord is one POST the sandbox has finished handling. Tests and the
// rate benchmark read them to check what a client really sent: how many
// requests in any one-second window, which ones were retried, which faults hit.
type RequestRecord struct {
	// Time is when the request arrived, before any injected latency.
	Time time.Time `json:"time"`
	// Status is the HTTP status sent, or 0 when no answer was sent (a
	// dropped connection, or a client that gave up on a hung request).
	Status int `json:"status"`
	// ExtCustomerID is the request's extCustomerId, or 0 when the body was
	// not read or not valid.
	ExtCustomerID int64 `json:"extCustomerId"`
	// CustomerID is the customer this request created, or 0.
	CustomerID int64 `json:"customerId,omitempty"`
	// ErrorCode is the errorCode of a JSON error answer, or empty.
	ErrorCode string `json:"errorCode,omitempty"`
	// Fault names the injected fault ("throttle", "unavailable", "error",
	// "drop", "hang") or what the capacity model did ("queue-full": 429,
	// "router-timeout": 503), or is empty.
	Fault string `json:"fault,omitempty"`
}

// maxRecords bounds the request log so a sandbox left running for days does
// not grow without limit; the oldest half is forgotten when it is reached.
const maxRecords = 1 << 21

// requestLog keeps RequestRecords in memory and writes one line per request
// to an optional writer.
type requestLog struct {
	mu      sync.Mutex
	records []RequestRecord
	w       io.Writer
	line    []byte // reused under mu: no allocation per logged request
}

// newRequestLog returns an empty log writing its lines to w (nil: none).
func newRequestLog(w io.Writer) *requestLog {
	return &requestLog{w: w}
}

// add records rec and logs it with the time spent handling it. Neither the
// log line nor the record ever carries a header value, so keys cannot leak.
func (l *requestLog) add(rec RequestRecord, method, path string, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.records) >= maxRecords {
		n := copy(l.records, l.records[len(l.records)/2:])
		l.records = l.records[:n]
	}
	l.records = append(l.records, rec)
	if l.w == nil {
		return
	}
	b := l.line[:0]
	b = rec.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, ' ')
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, ' ')
	if rec.Status == 0 {
		b = append(b, "---"...)
	} else {
		b = strconv.AppendInt(b, int64(rec.Status), 10)
	}
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(took.Microseconds())/1000, 'f', 1, 64)
	b = append(b, "ms"...)
	if rec.ExtCustomerID != 0 {
		b = append(b, " extCustomerId="...)
		b = strconv.AppendInt(b, rec.ExtCustomerID, 10)
	}
	if rec.CustomerID != 0 {
		b = append(b, " customerId="...)
		b = strconv.AppendInt(b, rec.CustomerID, 10)
	}
	if rec.ErrorCode != "" {
		b = append(b, " error="...)
		b = append(b, rec.ErrorCode...)
	}
	if rec.Fault != "" {
		b = append(b, " fault="...)
		b = append(b, rec.Fault...)
	}
	b = append(b, '\n')
	l.line = b
	_, _ = l.w.Write(b)
}

// note writes one line about the sandbox itself (not a request), such as a
// capacity change, to the writer, if any.
func (l *requestLog) note(msg string) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := time.Now().UTC().AppendFormat(l.line[:0], "2006-01-02T15:04:05.000Z")
	b = append(b, ' ')
	b = append(b, msg...)
	b = append(b, '\n')
	l.line = b
	_, _ = l.w.Write(b)
}

// snapshot returns a copy of the records ordered by arrival time.
func (l *requestLog) snapshot() []RequestRecord {
	l.mu.Lock()
	out := slices.Clone(l.records)
	l.mu.Unlock()
	slices.SortStableFunc(out, func(a, b RequestRecord) int { return a.Time.Compare(b.Time) })
	return out
}
