package preset

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/edge-of-stability/eos/report"
	"gonum.org/v1/plot/plotter"
)

// checkedWindows are the windows of r's eigproj.csv that the oscillation
// check reads: the complete ones (a row for each of the eig_freq steps from
// their measurement on) that start within the last tail fraction of the run.
func checkedWindows(r *report.Run, tail float64) []report.Window {
	steps := r.Metrics.Column("step")
	if len(steps) == 0 {
		return nil
	}
	from := (1 - tail) * steps[len(steps)-1]
	var out []report.Window
	for _, w := range r.Windows() {
		if float64(w.Base) >= from && len(w.Steps) == int(r.Num("eig_freq")) {
			out = append(out, w)
		}
	}
	return out
}

// oscillationVerdict checks the windows of one GD run: along the top
// eigenvector the iterate's step reverses direction on at least lo of its
// steps (it swings back and forth about a centre that may drift), while the
// rest's largest step is at most hi of its range. It returns the lowest
// fraction of reversals, whether the run shows the claim, and the details.
func oscillationVerdict(ws []report.Window, c Check) (float64, bool, string) {
	if len(ws) == 0 {
		return math.NaN(), false, fmt.Sprintf("no complete eigproj.csv window in the last %.0f%% of the run", 100*c.Tail)
	}
	worst, ok, text := math.Inf(1), true, ""
	for i, w := range ws {
		along := w.Proj[0]
		rev, uJump, jump := report.Reversals(along), report.Jumpiness(along), report.Jumpiness(w.Rest)
		worst = math.Min(worst, rev)
		ok = ok && rev >= c.Lo && jump <= c.Hi
		if i > 0 {
			text += "; "
		}
		text += fmt.Sprintf("steps %g–%g: the step along u1 reverses on %.0f%% of steps (want ≥ %.0f%%), largest step / range %.2f along u1, %.2f for the rest (want ≤ %g)",
			w.Steps[0], w.Steps[len(w.Steps)-1], 100*rev, 100*c.Lo, uJump, jump, c.Hi)
	}
	return worst, ok, text
}

// drawOscillation draws, for each GD run, λ1 with its threshold over the
// whole run and, over the first checked window (else the last complete
// one), the iterate's centred displacement along the top eigenvector and
// the length of the rest.
func drawOscillation(p *Preset, dir, heading string, runs []loaded, o *Outcome) error {
	var gd []loaded
	for _, r := range runs {
		if r.run.Kind == "gd" {
			gd = append(gd, r)
		}
	}
	for _, r := range gd {
		ws := checkedWindows(r.run, p.Check.Tail)
		if len(ws) == 0 {
			if ws = checkedWindows(r.run, 1); len(ws) > 0 {
				ws = ws[len(ws)-1:]
			}
		}
		if len(ws) == 0 {
			return fmt.Errorf("preset %s: run %s has no complete eigproj.csv window to draw (is eig_proj set?)", p.Name, r.label)
		}
		w := ws[0]
		var th, mark plotter.XYs
		for _, pt := range r.run.Lambda1(false) {
			th = append(th, plotter.XY{X: pt.X, Y: r.run.ThresholdAt(int(pt.X))})
		}
		for _, s := range []float64{w.Steps[0], w.Steps[len(w.Steps)-1]} {
			mark = append(mark, plotter.XY{X: s, Y: r.run.ThresholdAt(int(s))})
		}
		var along, rest plotter.XYs
		for i, c := range w.Centred(0) {
			along = append(along, plotter.XY{X: w.Steps[i], Y: c})
			rest = append(rest, plotter.XY{X: w.Steps[i], Y: w.Rest[i]})
		}
		panels := []report.LinesPanel{
			{XLabel: "step", YLabel: "sharpness λ1", Lines: []report.Line{{Label: "λ1", Group: 0, Points: r.run.Lambda1(false)},
				{Label: "2/η", Group: 1, Points: th}, {Label: "window", Group: 2, Points: mark}}},
			{XLabel: "step", YLabel: "(θ_t − mean θ)·u1", Lines: []report.Line{{Label: "along the top eigenvector u1", Group: 0, Points: along}}},
			{XLabel: "step", YLabel: "rest of θ_t − θ_base", Lines: []report.Line{{Label: "length off the top " + strconv.Itoa(len(w.Proj)) + " eigenvectors", Group: 3, Points: rest}}},
		}
		name := p.Name
		if len(gd) > 1 {
			name += "-lr_" + r.run.Str("lr")
		}
		title := fmt.Sprintf("%s; window: steps %g–%g, u1 and θ_base from step %d", r.run.Label(), w.Steps[0], w.Steps[len(w.Steps)-1], w.Base)
		if _, err := report.PlotLines(heading, title, panels, filepath.Join(dir, name), formats); err != nil {
			return err
		}
		o.Figures = append(o.Figures, name)
	}
	return nil
}
