// Package clock is the time source of the parts of owr-import that wait:
// the pacer, the outage watch and the progress display. It is an interface
// so their tests can replay a laptop that slept, a two-minute outage or a
// minute of progress at explicit instants instead of waiting for them.
package clock

import "time"

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// After delivers once d has passed, like time.After.
	After(d time.Duration) <-chan time.Time
}

// Wall is the real clock, used outside tests.
type Wall struct{}

// Now is time.Now.
func (Wall) Now() time.Time { return time.Now() }

// After is time.After.
func (Wall) After(d time.Duration) <-chan time.Time { return time.After(d) }
