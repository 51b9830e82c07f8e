package importer

import (
	"fmt"
	"strconv"
	"strings"
)

// Threshold is --max-invalid: either a share of the rows ("20%") or a number
// of rows ("50"). Too many invalid rows usually means a wrong mapping, and
// then nothing should be sent at all.
type Threshold struct {
	Percent   float64 // used when IsPercent
	Count     int
	IsPercent bool
}

// ParseThreshold reads "20%", "0.5%", "50" or "0" (no invalid row allowed).
func ParseThreshold(s string) (Threshold, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(v >= 0 && v <= 100) { // NaN fails both comparisons
			return Threshold{}, fmt.Errorf("--max-invalid %q: write a percentage from 0%% to 100%%, such as 20%%", s)
		}
		return Threshold{Percent: v, IsPercent: true}, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return Threshold{}, fmt.Errorf("--max-invalid %q: write a number of rows such as 50, or a percentage such as 20%%", s)
	}
	return Threshold{Count: v}, nil
}

// Exceeded reports whether invalid rows out of total pass the threshold.
func (t Threshold) Exceeded(invalid, total int) bool {
	if t.IsPercent {
		if total == 0 {
			return false
		}
		return float64(invalid)*100 > t.Percent*float64(total)
	}
	return invalid > t.Count
}

// String gives the threshold back as the user wrote it.
func (t Threshold) String() string {
	if t.IsPercent {
		return strconv.FormatFloat(t.Percent, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(t.Count)
}

// maxShownRows bounds --show, so a typo such as 1-1000000 cannot print a
// million bodies.
const maxShownRows = 1000

// ParseRows reads --show: row numbers and ranges as a spreadsheet shows
// them, "5,12,40-45".
func ParseRows(s string) (map[int]bool, error) {
	rows := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		from, err1 := strconv.Atoi(strings.TrimSpace(lo))
		to := from
		var err2 error
		if isRange {
			to, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err1 != nil || err2 != nil || from < 1 || to < from {
			return nil, fmt.Errorf("--show %q: write row numbers as the spreadsheet shows them, such as 5,12,40-45", s)
		}
		if to-from >= maxShownRows || len(rows)+to-from >= maxShownRows {
			return nil, fmt.Errorf("--show %q names more than %d rows; use validate to see them all", s, maxShownRows)
		}
		for r := from; r <= to; r++ {
			rows[r] = true
		}
	}
	return rows, nil
}
