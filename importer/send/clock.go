package send

import "time"

// clock is the time source of the pacer and the outage watch. It is an
// interface so tests can replay a laptop sleep or a two-minute outage at
// explicit instants instead of waiting for them.
type clock interface {
	Now() time.Time
	// After delivers once d has passed, like time.After.
	After(d time.Duration) <-chan time.Time
}

// realClock is the wall clock used outside tests.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
