package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SweepSeries is one line of a sweep figure: a figure of several runs (the
// seeds of one setting) at each value of the swept setting.
type SweepSeries struct {
	// Label names the line in the legend ("widths=32").
	Label string
	// X are the swept setting's values, ascending; Y[i] the figures of the runs at X[i].
	X []float64
	Y [][]float64
}

// PlotSweep draws a sweep figure: per series, the mean over its runs at each
// x as a line with dots, and a translucent band from the lowest to the
// highest run (the seed spread). The x axis is logarithmic when every x is
// positive and they span a factor of 4 or more. It writes <prefix>.png and/or
// <prefix>.svg (formats as for Plot) and returns the paths written.
func PlotSweep(series []SweepSeries, xLabel, yLabel, prefix string, formats []string) ([]string, error) {
	p := newPanel(xLabel, yLabel)
	p.Title.Text = yLabel + " against " + xLabel
	lo, hi := math.Inf(1), math.Inf(-1)
	drawn := 0
	for i, s := range series {
		c := runColor(i)
		var mean, low, high plotter.XYs
		for j, x := range s.X {
			ys := slices.DeleteFunc(slices.Clone(s.Y[j]), func(v float64) bool { return !isFinite(v) })
			if len(ys) == 0 || !isFinite(x) {
				continue
			}
			m, _ := meanStd(ys)
			mean = append(mean, plotter.XY{X: x, Y: m})
			low = append(low, plotter.XY{X: x, Y: slices.Min(ys)})
			high = append(high, plotter.XY{X: x, Y: slices.Max(ys)})
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		if len(mean) == 0 {
			continue
		}
		drawn++
		if len(mean) > 1 {
			band := append(slices.Clone(high), reversed(low)...)
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, fmt.Errorf("plotting %s: %w", prefix, err)
			}
			r, g, b, _ := c.RGBA()
			poly.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 60}
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		p.legend(s.Label, addLine(p, mean, c, vg.Points(1.5)))
		if len(mean) > 1 {
			dots, _ := plotter.NewScatter(mean) // finite by construction
			dots.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(dots)
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("plotting %s: no run has a value of %s", prefix, yLabel)
	}
	if lo > 0 && hi >= 4*lo {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	return saveColumn([]*panel{p}, prefix, formats)
}

// reversed returns a reversed copy of pts.
func reversed(pts plotter.XYs) plotter.XYs {
	out := slices.Clone(pts)
	slices.Reverse(out)
	return out
}
