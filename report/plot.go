package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Plot draws one or more runs overlaid, each in its own colour, as one
// figure: a column of three panels — train loss (log scale), train accuracy,
// and sharpness λ1 with each run's stability threshold as a dotted line in
// the run's colour that steps where the threshold changes. GD runs are
// plotted against step and flow runs against time; when the two kinds are
// mixed, everything is plotted against time (Σ η over GD steps). The title
// names the dataset, architecture and loss shared by the runs (legend
// entries name them per run when they differ); legend entries name the
// optimizer, η and β. The figure is 6 × 7 inches with fonts of 10pt and
// more, written to <prefix>.png (900 × 1050 pixels) and/or <prefix>.svg as
// formats lists ("png" when formats is empty). It returns the paths written.
func Plot(runs []*Run, prefix string, formats []string) ([]string, error) {
	return PlotTitled(runs, "", prefix, formats)
}

// PlotTitled is Plot with heading, when not empty, as the first lines of the
// title (above the setting the runs share), wrapped to the figure's width.
func PlotTitled(runs []*Run, heading, prefix string, formats []string) ([]string, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("plotting %s: no runs", prefix)
	}
	byTime, allFlow := false, true
	for _, r := range runs {
		byTime = byTime || r.Kind == "flow"
		allFlow = allFlow && r.Kind == "flow"
	}
	xLabel := "step (iterations)"
	switch {
	case allFlow:
		xLabel = "time t"
	case byTime:
		xLabel = timeLabel
		for _, r := range runs {
			if r.Kind == "gd" && math.IsNaN(r.TimeAtStep(1)) {
				return nil, fmt.Errorf("plotting %s: GD run %s records no learning rate, so it cannot be placed in time", prefix, r.Dir)
			}
		}
	}
	title, perRun := sharedTitle(runs)
	loss := newPanel(xLabel, "train loss")
	loss.Title.Text = joinTitle(heading, title)
	acc := newPanel(xLabel, "train accuracy")
	sharp := newPanel(xLabel, "sharpness λ1")
	haveAcc, haveThreshold, haveLambda2 := false, false, false
	var constant []string // a constant threshold's "2/η = 8"
	for i, r := range runs {
		c := runColor(i)
		label := r.Label()
		if perRun {
			label += " · " + r.setting()
		}
		width := vg.Points(1.5)
		if l := addLine(loss, r.series(r.Metrics, "train_loss", byTime, isPositive), c, width); l != nil {
			loss.legend(label, l)
		}
		if l := addLine(acc, r.series(r.Metrics, "train_acc", byTime, isFinite), c, width); l != nil {
			acc.legend(label, l)
			haveAcc = true
		}
		l := addLine(sharp, r.series(r.Eigs, "lambda1", byTime, isFinite), c, width)
		if l != nil {
			sharp.legend(label, l)
		}
		if addLine(sharp, r.series(r.Eigs, "lambda2", byTime, isFinite), lighter(c), vg.Points(1)) != nil {
			haveLambda2 = true
		}
		if th := r.thresholds(byTime); addStepLine(sharp, th, r.lastX(byTime), c) != nil {
			haveThreshold = true
			if len(th) == 1 {
				constant = append(constant, r.thresholdFormula()+" = "+strconv.FormatFloat(th[0].Y, 'g', 4, 64))
			}
		}
	}
	if haveLambda2 {
		sharp.Y.Label.Text = "sharpness λ1, λ2 (lighter)"
	}
	if haveThreshold {
		name := "stability threshold (dotted)"
		if len(runs) == 1 && len(constant) == 1 {
			name = "stability threshold " + constant[0] + " (dotted)"
		}
		sharp.legend(name, &plotter.Line{LineStyle: dotted(color.Gray{Y: 80})})
	}
	useLogY(loss)
	if !haveAcc {
		acc.Y.Label.Text = "train accuracy (not recorded)"
	}
	return saveColumn([]*panel{loss, acc, sharp}, prefix, formats)
}

// titleWidth is the number of characters of a title line that fit a figure's width.
const titleWidth = 72

// joinTitle returns heading, wrapped to titleWidth, above title; either may be empty.
func joinTitle(heading, title string) string {
	var lines []string
	for _, para := range strings.Split(heading, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > titleWidth {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	if title != "" {
		lines = append(lines, title)
	}
	return strings.Join(lines, "\n")
}

// Lambda1 returns the run's measured sharpness λ1 against step (GD) or time
// (flow runs, and GD runs when byTime, at Σ η).
func (r *Run) Lambda1(byTime bool) plotter.XYs {
	return r.series(r.Eigs, "lambda1", byTime, isFinite)
}

// thresholdFormula is the stability threshold's formula for the run's optimizer.
func (r *Run) thresholdFormula() string {
	switch r.Str("opt") {
	case "polyak":
		return "(2+2β)/η"
	case "nesterov":
		return "(2+2β)/(η(1+2β))"
	}
	return "2/η"
}

// lighter is c blended halfway to white, for a run's secondary lines.
func lighter(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((v>>8 + 255) / 2) }
	return color.RGBA{R: mix(r), G: mix(g), B: mix(b), A: 255}
}

// timeLabel labels a time axis on which GD runs are placed.
const timeLabel = "time t (GD: Σ η over steps)"

// Label names the run for a legend: the optimizer with its η and, for
// momentum, β ("GD η=0.01", "Polyak η=0.01 β=0.9"), or "gradient flow".
func (r *Run) Label() string {
	if r.Kind == "flow" {
		return "gradient flow"
	}
	name := map[string]string{"gd": "GD", "polyak": "Polyak", "nesterov": "Nesterov"}[r.Str("opt")]
	if name == "" {
		name = "GD"
		if o := r.Str("opt"); o != "" {
			name = o
		}
	}
	label := name + " η=" + r.Str("lr")
	if b := r.Num("beta"); name != "GD" && b != 0 && !math.IsNaN(b) {
		label += " β=" + r.Str("beta")
	}
	return label
}

// setting names the run's dataset, architecture and loss.
func (r *Run) setting() string {
	var parts []string
	for _, k := range []string{"dataset", "arch", "loss"} {
		if v := r.Str(k); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// sharedTitle returns the figure title naming the setting the runs share,
// and whether they differ so that each legend entry must name its own.
func sharedTitle(runs []*Run) (string, bool) {
	s := runs[0].setting()
	for _, r := range runs[1:] {
		if r.setting() != s {
			return "runs on different settings", true
		}
	}
	if s == "" {
		return "", false
	}
	return s + " loss", false
}

// isPositive and isFinite select the values a panel can show.
func isPositive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }
func isFinite(v float64) bool   { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// x returns the abscissa of a table row: a GD row's step (or its time when
// byTime), a flow row's time.
func (r *Run) x(t Table, row []float64, byTime bool) float64 {
	if r.Kind == "flow" {
		return row[t.Index("time")]
	}
	step := row[t.Index("step")]
	if byTime {
		return r.TimeAtStep(step)
	}
	return step
}

// series returns the (x, value) points of column col of t whose value
// passes keep; it is empty when t lacks the column.
func (r *Run) series(t Table, col string, byTime bool, keep func(float64) bool) plotter.XYs {
	j := t.Index(col)
	if j < 0 {
		return nil
	}
	var pts plotter.XYs
	for _, row := range t.Rows {
		if x := r.x(t, row, byTime); isFinite(x) && keep(row[j]) {
			pts = append(pts, plotter.XY{X: x, Y: row[j]})
		}
	}
	return pts
}

// lastX is the largest abscissa in the run's metrics or eigenvalues.
func (r *Run) lastX(byTime bool) float64 {
	last := math.Inf(-1)
	for _, t := range []Table{r.Metrics, r.Eigs} {
		for _, row := range t.Rows {
			if x := r.x(t, row, byTime); isFinite(x) {
				last = math.Max(last, x)
			}
		}
	}
	return last
}

// thresholds returns the points where the run's stability threshold takes a
// new value: from a GD run's threshold column, otherwise the config's
// constant "threshold" from the first metrics row. It is empty when neither
// is recorded.
func (r *Run) thresholds(byTime bool) plotter.XYs {
	pts := r.series(r.Metrics, "threshold", byTime, isPositive)
	if len(pts) == 0 {
		th := r.Num("threshold")
		if !isPositive(th) || len(r.Metrics.Rows) == 0 {
			return nil
		}
		return plotter.XYs{{X: r.x(r.Metrics, r.Metrics.Rows[0], byTime), Y: th}}
	}
	changes := plotter.XYs{pts[0]}
	for _, p := range pts[1:] {
		if p.Y != changes[len(changes)-1].Y {
			changes = append(changes, p)
		}
	}
	return changes
}
