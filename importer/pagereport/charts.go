package pagereport

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The charts are plain SVG computed here, so the page needs no script and
// no network to draw them. The functions are pure: geometry in, geometry out.

// Bar is one horizontal bar of the status chart.
type Bar struct {
	Label string
	N     int
	Y     int // top of the bar's row
	Width int // 0 for a zero count
	Class string
}

// bars lays out one bar per count, the largest count filling width; a
// count above zero is at least 2 units wide so it stays visible.
func bars(counts []Count, width, rowHeight int) []Bar {
	if len(counts) == 0 {
		return nil
	}
	top := 0
	for _, c := range counts {
		top = max(top, c.N)
	}
	out := make([]Bar, len(counts))
	for i, c := range counts {
		w := 0
		if c.N > 0 {
			w = max(2, int(math.Round(float64(width)*float64(c.N)/float64(top))))
		}
		out[i] = Bar{Label: string(c.Status), N: c.N, Y: i * rowHeight, Width: w, Class: "s-" + string(c.Status)}
	}
	return out
}

// niceCeil is the smallest 1, 2 or 5 times a power of ten at or above v,
// the top of a chart's axis; 1 for nothing to show.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if c := m * p; c >= v*(1-1e-12) {
			return roundTiny(c)
		}
	}
	return roundTiny(10 * p)
}

// roundTiny removes the floating-point noise of powers of ten (0.30000000004).
func roundTiny(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return r
}

// Tick is one label of a chart's vertical axis.
type Tick struct {
	Label string
	Y     float64
}

// ticks are n+1 evenly spaced labels from 0 at the bottom to top.
func ticks(top, height float64, n int) []Tick {
	out := make([]Tick, 0, n+1)
	for i := 0; i <= n; i++ {
		v := roundTiny(top * float64(i) / float64(n))
		out = append(out, Tick{Label: strconv.FormatFloat(v, 'f', -1, 64), Y: roundTiny(height - height*float64(i)/float64(n))})
	}
	return out
}

// niceWidths are the bucket widths a reader can count in.
var niceWidths = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// bucketWidth is the narrowest nice width that cuts span into at most
// maxBuckets buckets, so the timeline's memory and drawing stay bounded
// whether a run took a minute or a month.
func bucketWidth(span time.Duration, maxBuckets int) time.Duration {
	for _, w := range niceWidths {
		if int64(span/w)+1 <= int64(maxBuckets) {
			return w
		}
	}
	day := 24 * time.Hour
	days := time.Duration(math.Ceil(float64(span) / float64(day) / float64(maxBuckets-1)))
	for int64(span/(days*day))+1 > int64(maxBuckets) {
		days++
	}
	return days * day
}

// points places values evenly across width, 0 at the bottom (y = height)
// and top at y = 0; values above top are clipped. One value spans the
// whole width, so a short run still draws a line.
func points(values []float64, width, height, top float64) [][2]float64 {
	if len(values) == 0 {
		return nil
	}
	y := func(v float64) float64 {
		if top <= 0 {
			return height
		}
		return roundTiny(height - height*math.Min(math.Max(v, 0), top)/top)
	}
	if len(values) == 1 {
		return [][2]float64{{0, y(values[0])}, {width, y(values[0])}}
	}
	out := make([][2]float64, len(values))
	for i, v := range values {
		out[i] = [2]float64{roundTiny(width * float64(i) / float64(len(values)-1)), y(v)}
	}
	return out
}

// linePath is SVG path data for a line through values.
func linePath(values []float64, width, height, top float64) string {
	return pathOf(points(values, width, height, top), "", "")
}

// areaPath is linePath closed down to the baseline, for a filled area.
func areaPath(values []float64, width, height, top float64) string {
	pts := points(values, width, height, top)
	if len(pts) == 0 {
		return ""
	}
	start := "M" + num(pts[0][0]) + "," + num(height)
	end := "L" + num(pts[len(pts)-1][0]) + "," + num(height) + "Z"
	return pathOf(pts, start, end)
}

func pathOf(pts [][2]float64, start, end string) string {
	if len(pts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(start)
	for i, p := range pts {
		if i == 0 && start == "" {
			b.WriteByte('M')
		} else {
			b.WriteByte('L')
		}
		b.WriteString(num(p[0]) + "," + num(p[1]))
	}
	b.WriteString(end)
	return b.String()
}

// num writes a coordinate with at most one decimal, as SVG reads it.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
