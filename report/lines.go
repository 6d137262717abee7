package report

import (
	"fmt"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Line is one curve of a LinesFigure.
type Line struct {
	// Label names the line's group in the legend (the first line of each group is entered).
	Label string
	// Group picks the line's colour: lines of one group share it.
	Group  int
	Points plotter.XYs
}

// LinesPanel is one panel of a LinesFigure.
type LinesPanel struct {
	XLabel, YLabel string
	// LogY draws the y axis on a log scale (when every value is positive).
	LogY  bool
	Lines []Line
}

// PlotLines draws panels of thin lines stacked in one 6 × 7 inch figure,
// heading (wrapped) and title above the first, and writes <prefix>.png
// and/or <prefix>.svg (formats as for Plot), returning the paths written.
func PlotLines(heading, title string, panels []LinesPanel, prefix string, formats []string) ([]string, error) {
	var out []*panel
	for i, lp := range panels {
		p := newPanel(lp.XLabel, lp.YLabel)
		if i == 0 {
			p.Title.Text = joinTitle(heading, title)
		}
		entered := map[int]bool{}
		drawn := 0
		for _, l := range lp.Lines {
			keep := isFinite
			if lp.LogY {
				keep = isPositive
			}
			var pts plotter.XYs
			for _, pt := range l.Points {
				if isFinite(pt.X) && keep(pt.Y) {
					pts = append(pts, pt)
				}
			}
			th := addLine(p, pts, runColor(l.Group), vg.Points(1))
			if th == nil {
				continue
			}
			drawn++
			if !entered[l.Group] && l.Label != "" {
				entered[l.Group] = true
				p.legend(l.Label, th)
			}
		}
		if drawn == 0 {
			return nil, fmt.Errorf("plotting %s: panel %d (%s) has nothing to draw", prefix, i+1, lp.YLabel)
		}
		if lp.LogY {
			useLogY(p)
		}
		out = append(out, p)
	}
	return saveColumn(out, prefix, formats)
}
