package ledger

import (
	"encoding/json"
	"time"

	"owr-import/importer/formula"
	"owr-import/importer/row"
)

// eventRate: the rate a run with --rate auto settled on, so the next run of
// the migration starts near it instead of at the bottom. Its number and
// the reason of its last change are in the detail column, as JSON; the
// other columns keep their meaning (row 0, no ids).
const eventRate = "rate"

// EventRate is how the ledger's first column spells a rate line.
const EventRate = eventRate

// Rate is the rate --rate auto settled on in a run of the migration.
type Rate struct {
	PerSecond float64   `json:"perSecond"`
	Why       string    `json:"why,omitempty"` // why it last changed, in a few words
	At        time.Time `json:"-"`             // when it was recorded
}

// RecordRate notes the rate a run with --rate auto settled on.
func (j *Journal) RecordRate(r Rate) error {
	r.Why = row.CleanText(r.Why)
	detail, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return j.send(line{Event: eventRate, At: stamp(j.now()), Detail: formula.Guard(string(detail))}, row.Outcome{}, nil, nil)
}

// applyRate keeps the newest rate line. One that cannot be read is ignored
// rather than refused: it decides only where the next run starts, never
// whether a row is sent.
func (s *State) applyRate(l line) {
	var r Rate
	at, err := time.Parse(time.RFC3339Nano, l.At)
	if err != nil || json.Unmarshal([]byte(l.Detail), &r) != nil || !(r.PerSecond > 0) {
		return
	}
	r.At = at
	s.rate = r
}

// Rate is the rate the newest run with --rate auto settled on; ok is false
// when no run of the migration used --rate auto.
func (s *State) Rate() (r Rate, ok bool) { return s.rate, s.rate.PerSecond > 0 }
