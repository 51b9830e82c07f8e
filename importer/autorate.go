package importer

import (
	"time"

	"owr-import/importer/ledger"
	"owr-import/importer/send"
)

// resumeRate starts --rate auto near the rate the migration's last run with
// it settled on, as the ledger keeps it.
func resumeRate(auto *send.AutoRate, state *ledger.State) {
	if auto == nil {
		return
	}
	if kept, ok := state.Rate(); ok {
		auto.Resume(kept.PerSecond)
	}
}

// keepRate puts what --rate auto did in the summary and, when the run saw
// enough answers to learn from, the rate it settled on in the ledger for
// the next run.
func keepRate(auto *send.AutoRate, j *ledger.Journal, sum *Summary) error {
	if auto == nil {
		return nil
	}
	rep := auto.Report(time.Now())
	sum.RateAuto = &rep
	if !rep.Learned {
		return nil
	}
	return j.RecordRate(ledger.Rate{PerSecond: rep.Settled, Why: rep.Why})
}
