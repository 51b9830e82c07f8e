package pagereport

import (
	"testing"
	"time"
)

func TestNiceCeil(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0, 1}, {-3, 1}, {0.3, 0.5}, {1, 1}, {1.01, 2}, {2.5, 5}, {7, 10}, {10, 10}, {11, 20}, {480, 500}, {501, 1000},
	}
	for _, tc := range tests {
		if got := niceCeil(tc.in); got != tc.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBucketWidth(t *testing.T) {
	tests := []struct {
		span time.Duration
		max  int
		want time.Duration
	}{
		{0, 60, time.Second},
		{59 * time.Second, 60, time.Second},
		{60 * time.Second, 60, 2 * time.Second},
		{10 * time.Minute, 60, 15 * time.Second},
		{3 * time.Hour, 60, 5 * time.Minute},
		{30 * 24 * time.Hour, 60, 24 * time.Hour},
		{200 * 24 * time.Hour, 60, 4 * 24 * time.Hour},
	}
	for _, tc := range tests {
		got := bucketWidth(tc.span, tc.max)
		if got != tc.want {
			t.Errorf("bucketWidth(%v, %d) = %v, want %v", tc.span, tc.max, got, tc.want)
		}
		if n := int(tc.span/got) + 1; n > tc.max {
			t.Errorf("bucketWidth(%v) gives %d buckets, more than %d", tc.span, n, tc.max)
		}
	}
}

func TestLinePath(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		top    float64
		want   string
	}{
		{"nothing", nil, 1, ""},
		{"one value spans the width", []float64{5}, 10, "M0,50L100,50"},
		{"three values", []float64{0, 10, 5}, 10, "M0,100L50,0L100,50"},
		{"above the top is clipped", []float64{20, 0}, 10, "M0,0L100,100"},
		{"a zero top draws the baseline", []float64{3, 4}, 0, "M0,100L100,100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := linePath(tc.values, 100, 100, tc.top); got != tc.want {
				t.Errorf("linePath = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAreaPath(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   string
	}{
		{"nothing", nil, ""},
		{"closes on the baseline", []float64{0, 10, 5}, "M0,100L0,100L50,0L100,50L100,100Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := areaPath(tc.values, 100, 100, 10); got != tc.want {
				t.Errorf("areaPath = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBars(t *testing.T) {
	tests := []struct {
		name   string
		counts []Count
		want   []Bar
	}{
		{"none", nil, nil},
		{"widths relative to the largest, a tiny count stays visible", []Count{{"created", 1000}, {"invalid", 250}, {"failed", 1}},
			[]Bar{{Label: "created", N: 1000, Y: 0, Width: 400, Class: "s-created"},
				{Label: "invalid", N: 250, Y: 28, Width: 100, Class: "s-invalid"},
				{Label: "failed", N: 1, Y: 56, Width: 2, Class: "s-failed"}}},
		{"a zero count has no bar", []Count{{"created", 0}}, []Bar{{Label: "created", N: 0, Y: 0, Width: 0, Class: "s-created"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := bars(tc.counts, 400, 28)
			if len(got) != len(tc.want) {
				t.Fatalf("bars = %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("bar %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestTicks(t *testing.T) {
	got := ticks(10, 100, 5)
	want := []Tick{{Label: "0", Y: 100}, {Label: "2", Y: 80}, {Label: "4", Y: 60}, {Label: "6", Y: 40}, {Label: "8", Y: 20}, {Label: "10", Y: 0}}
	if len(got) != len(want) {
		t.Fatalf("ticks = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tick %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := ticks(0.5, 100, 5); got[1].Label != "0.1" {
		t.Errorf("fractional ticks = %+v", got)
	}
}
