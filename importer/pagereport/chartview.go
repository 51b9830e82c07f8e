package pagereport

import (
	"strconv"
	"time"
)

// Chart geometry, in SVG user units.
const (
	barWidth   = 420 // the largest count's bar
	barRow     = 28
	plotWidth  = 640
	plotHeight = 170
	plotTicks  = 4
)

// chartView is the timeline as the template draws it.
type chartView struct {
	Area, Errors           string // SVG path data
	Ticks                  []Tick
	XLabels                []xLabel
	From, To, Width        string
	Requests, ErrorAnswers int
	Peak, Average          string // requests per second
	Sessions               int
}

type xLabel struct {
	X      float64
	Label  string
	Anchor string
}

// chartOf draws requests and error answers per second, bucket by bucket;
// nil when the migration never sent anything.
func chartOf(t Timeline, loc *time.Location) *chartView {
	if len(t.Buckets) == 0 || t.Width <= 0 {
		return nil
	}
	secs := t.Width.Seconds()
	req := make([]float64, len(t.Buckets))
	errs := make([]float64, len(t.Buckets))
	peak := 0.0
	for i, b := range t.Buckets {
		req[i], errs[i] = float64(b.Requests)/secs, float64(b.Errors)/secs
		peak = max(peak, req[i])
	}
	top := niceCeil(peak)
	span := t.End.Sub(t.Start)
	c := &chartView{Area: areaPath(req, plotWidth, plotHeight, top), Errors: linePath(errs, plotWidth, plotHeight, top),
		Ticks: ticks(top, plotHeight, plotTicks), From: stamp(t.Start, loc), To: stamp(t.End, loc), Width: t.Width.String(),
		Requests: t.Requests, ErrorAnswers: t.Errors, Peak: rate(peak), Sessions: t.Sessions}
	c.Average = rate(float64(t.Requests) / max(span.Seconds()+secs, secs))
	layout := "15:04:05"
	if span >= 24*time.Hour {
		layout = "2 Jan 15:04"
	}
	mid := t.Start.Add(span / 2)
	c.XLabels = []xLabel{{X: 0, Label: t.Start.In(loc).Format(layout), Anchor: "start"},
		{X: plotWidth / 2, Label: mid.In(loc).Format(layout), Anchor: "middle"},
		{X: plotWidth, Label: t.End.In(loc).Format(layout), Anchor: "end"}}
	return c
}

func rate(perSecond float64) string {
	if perSecond < 10 {
		return strconv.FormatFloat(perSecond, 'f', 1, 64)
	}
	return strconv.FormatFloat(perSecond, 'f', 0, 64)
}
