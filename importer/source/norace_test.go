//go:build !race

package source

// srcRace: the tests run under the race detector, which multiplies memory
// and time.
const srcRace = false
