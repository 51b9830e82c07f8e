package pagereport

import (
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/row"
)

const (
	// sessionGap: a pause without requests longer than this ends a sending
	// session; the page draws the latest one, the run a reader asks about.
	sessionGap = 10 * time.Minute
	// maxBuckets bounds the timeline's memory and the chart's points.
	maxBuckets = 120
)

// sessions finds the latest sending session in a first walk over the
// ledger, keeping two times and a count.
type sessions struct {
	start, last time.Time
	count       int
}

// sent reports whether e is a request: a row begun, or a row's outcome
// after one or more attempts.
func sent(e ledger.Event) bool {
	if e.At.IsZero() {
		return false
	}
	return e.Kind == ledger.EventStarted || e.Kind == ledger.EventFinished && e.Attempts > 0
}

func (s *sessions) observe(e ledger.Event) {
	if !sent(e) {
		return
	}
	if s.count == 0 || e.At.Sub(s.last) > sessionGap {
		s.start, s.last = e.At, e.At
		s.count++
		return
	}
	if e.At.After(s.last) {
		s.last = e.At
	}
}

// timeline is the empty timeline of the latest session, ready for a
// second walk to fill.
func (s *sessions) timeline() Timeline {
	if s.count == 0 {
		return Timeline{}
	}
	span := s.last.Sub(s.start)
	w := bucketWidth(span, maxBuckets)
	return Timeline{Start: s.start, End: s.last, Width: w, Sessions: s.count, Buckets: make([]Bucket, int(span/w)+1)}
}

// add counts a row's attempts in the bucket of its outcome: each attempt
// is a request; every attempt but a successful last one got an error
// answer or none.
func (t *Timeline) add(e ledger.Event) {
	if len(t.Buckets) == 0 || e.Kind != ledger.EventFinished || e.Attempts <= 0 || e.At.IsZero() {
		return
	}
	// Lines are stamped by several workers: one may be a moment older than
	// the session's first; anything older belongs to an earlier session.
	if e.At.Before(t.Start.Add(-time.Second)) {
		return
	}
	i := min(max(int(e.At.Sub(t.Start)/t.Width), 0), len(t.Buckets)-1)
	errs := e.Attempts - 1
	if e.Status != row.StatusCreated && e.Status != row.StatusSkipped {
		errs++
	}
	t.Buckets[i].Requests += e.Attempts
	t.Buckets[i].Errors += errs
	t.Requests += e.Attempts
	t.Errors += errs
}
