package preset

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/internal/atomicfile"
	"github.com/edge-of-stability/eos/report"
	"github.com/edge-of-stability/eos/sweep"
	"gonum.org/v1/plot/plotter"
)

// RunResult is one run of a preset and where its results are.
type RunResult struct {
	Spec sweep.Spec
	// Dir is the run's result directory ("" when it has none).
	Dir string
	// Missing says why the run has no results (e.g. its architecture does not exist yet).
	Missing string
}

// Outcome is what Analyze found, written as claim.json into the preset's
// directory (and read back by ReadOutcome for eos report).
type Outcome struct {
	Preset    string `json:"preset"`
	Scale     string `json:"scale"`
	Claim     string `json:"claim"`
	Note      string `json:"note"`
	Statement string `json:"statement"`
	// Checked is false when no run could be checked; Holds says whether every checked run shows the claim.
	Checked bool `json:"checked"`
	Holds   bool `json:"holds"`
	// Details has one line per run or group checked.
	Details []string `json:"details"`
	// Figures are the figures' file names without extension (each has .png and .svg).
	Figures []string `json:"figures"`
	// Missing lists the runs that could not be made, and why.
	Missing []string `json:"missing,omitempty"`
}

// Files of a preset's directory besides the sweep's runs/ and locks/.
const (
	OutcomeFile = "claim.json"
	SummaryFile = "summary.csv"
	SourceFile  = "preset.toml"
)

var formats = []string{"png", "svg"}

// Analyze reads a preset's finished runs, draws its figures into dir,
// writes summary.csv (one row per run: its settings, report.Summarize's
// figures and the check's figure), preset.toml and claim.json, and returns
// the outcome.
func Analyze(p *Preset, full bool, dir string, results []RunResult) (*Outcome, error) {
	sc := p.ScaleOf(full)
	o := &Outcome{Preset: p.Name, Scale: map[bool]string{false: "quick", true: "full"}[full],
		Claim: p.Claim, Note: sc.Note, Statement: p.Check.Statement, Figures: []string{}, Details: []string{}}
	heading := p.Claim + "\n" + sc.Note
	var header []string
	var rows [][]string
	if p.Quadratic != nil {
		var err error
		if header, rows, err = analyzeQuadratic(p, sc, dir, heading, o); err != nil {
			return nil, err
		}
	} else {
		var specs []sweep.Spec
		for _, r := range results {
			specs = append(specs, r.Spec)
		}
		varying := Varying(specs)
		var runs []loaded
		for _, r := range results {
			if r.Dir == "" {
				o.Missing = append(o.Missing, label(r.Spec, varying)+": "+r.Missing)
				continue
			}
			run, err := report.Load(r.Dir)
			if err != nil {
				return nil, err
			}
			runs = append(runs, loaded{spec: r.Spec, run: run, label: label(r.Spec, varying), value: math.NaN()})
		}
		if len(runs) > 0 {
			if err := drawFigures(p, dir, heading, runs, o); err != nil {
				return nil, err
			}
			check(p.Check, runs, o)
		}
		header = append(append(append([]string{"run_id"}, varying...), report.SummaryColumns...), "check_value", "shows_claim")
		for _, r := range runs {
			row := []string{r.spec.ID}
			for _, k := range varying {
				v, _ := r.spec.Value(k)
				row = append(row, v)
			}
			for _, v := range report.Summarize(r.run) {
				row = append(row, num(v))
			}
			rows = append(rows, append(row, num(r.value), strconv.FormatBool(r.holds)))
		}
	}
	if err := writeCSV(filepath.Join(dir, SummaryFile), header, rows); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, SourceFile), func(w io.Writer) error { _, err := w.Write(p.Source); return err }); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, OutcomeFile), o); err != nil {
		return nil, err
	}
	return o, nil
}

// loaded is a finished run with its check figure.
type loaded struct {
	spec  sweep.Spec
	run   *report.Run
	label string
	value float64
	holds bool
}

// label names a run by its varying settings ("lr=0.1 seed=0").
func label(s sweep.Spec, varying []string) string {
	var parts []string
	for _, k := range varying {
		if v, ok := s.Value(k); ok {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return s.ID
	}
	return strings.Join(parts, " ")
}

// num formats a CSV figure (empty for NaN).
func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// writeCSV writes a table atomically.
func writeCSV(path string, header []string, rows [][]string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return cw.Error()
	})
}

// cellColumns is the number of panels to a row of a figure of cells.
const cellColumns = 4

// drawFigures draws the preset's figures of the runs into dir.
func drawFigures(p *Preset, dir, heading string, runs []loaded, o *Outcome) error {
	save := func(name string, draw func(prefix string) error) error {
		if err := draw(filepath.Join(dir, name)); err != nil {
			return err
		}
		o.Figures = append(o.Figures, name)
		return nil
	}
	switch p.Figure.Kind {
	case "runs":
		if len(p.Figure.Cells) == 0 {
			var all []*report.Run
			for _, r := range runs {
				all = append(all, r.run)
			}
			return save(p.Name, func(prefix string) error {
				_, err := report.PlotTitled(all, heading, prefix, formats)
				return err
			})
		}
		var cells []report.Cell
		index := map[string]int{}
		for _, r := range runs {
			var key []string
			for _, k := range p.Figure.Cells {
				v, _ := r.spec.Value(k)
				key = append(key, v)
			}
			title := strings.Join(key, ", ")
			if _, ok := index[title]; !ok {
				index[title] = len(cells)
				cells = append(cells, report.Cell{Title: title})
			}
			cells[index[title]].Runs = append(cells[index[title]].Runs, r.run)
		}
		return save(p.Name, func(prefix string) error {
			_, err := report.PlotCells(heading+"\none panel per "+strings.Join(p.Figure.Cells, " × "), cells, cellColumns, prefix, formats)
			return err
		})
	case "compare":
		flowRun := firstFlow(runs)
		if flowRun == nil {
			return fmt.Errorf("preset %s: a compare figure needs a gradient-flow run", p.Name)
		}
		for _, r := range runs {
			if r.run.Kind != "gd" {
				continue
			}
			c, err := report.Compare(r.run, flowRun)
			if err != nil {
				return err
			}
			c.Heading = heading
			if err := save(p.Name+"-lr_"+r.run.Str("lr"), func(prefix string) error { _, err := c.Plot(prefix, formats); return err }); err != nil {
				return err
			}
		}
	case "oscillation":
		return drawOscillation(p, dir, heading, runs, o)
	case "groups":
		groups := groupValues(runs, p.Figure.By, nil)
		var sharp, loss []report.Line
		for gi, g := range groups {
			for _, r := range runs {
				if v, _ := r.spec.Value(p.Figure.By); v != g {
					continue
				}
				l := p.Figure.By + "=" + g
				sharp = append(sharp, report.Line{Label: l, Group: gi, Points: r.run.Lambda1(true)})
				loss = append(loss, report.Line{Label: l, Group: gi, Points: lossSeries(r.run)})
			}
		}
		panels := []report.LinesPanel{{XLabel: "time t", YLabel: "sharpness λ1", Lines: sharp},
			{XLabel: "time t", YLabel: "train loss", LogY: true, Lines: loss}}
		if err := save(p.Name, func(prefix string) error {
			_, err := report.PlotLines(heading, "one thin line per seed", panels, prefix, formats)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// lossSeries is a run's train loss against time.
func lossSeries(r *report.Run) plotter.XYs {
	var pts plotter.XYs
	key, t := "step", r.Metrics.Column("time")
	if r.Kind == "flow" {
		key = "tick"
	}
	steps, loss := r.Metrics.Column(key), r.Metrics.Column("train_loss")
	for i := range loss {
		x := r.TimeAtStep(steps[i])
		if r.Kind == "flow" {
			x = t[i]
		}
		pts = append(pts, plotter.XY{X: x, Y: loss[i]})
	}
	return pts
}

// firstFlow returns the first gradient-flow run (nil when none).
func firstFlow(runs []loaded) *report.Run {
	for _, r := range runs {
		if r.run.Kind == "flow" {
			return r.run
		}
	}
	return nil
}

// lastNumber matches the last decimal number in a setting's value.
var lastNumber = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// groupValues returns the distinct values of setting by among runs, in
// order when given, else sorted by the last number each contains.
func groupValues(runs []loaded, by string, order []string) []string {
	var vals []string
	for _, r := range runs {
		if v, _ := r.spec.Value(by); !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	if len(order) > 0 {
		return slices.DeleteFunc(slices.Clone(order), func(v string) bool { return !slices.Contains(vals, v) })
	}
	key := func(v string) float64 {
		m := lastNumber.FindAllString(v, -1)
		if len(m) == 0 {
			return math.NaN()
		}
		x, _ := strconv.ParseFloat(m[len(m)-1], 64)
		return x
	}
	slices.SortStableFunc(vals, func(a, b string) int { return cmp.Compare(key(a), key(b)) })
	return vals
}

// edgeRatios is λ1 / threshold at each of r's sharpness measurements (NaN
// where λ1 is missing or the threshold is not positive).
func edgeRatios(r *loaded) []float64 {
	steps, lam := r.run.Eigs.Column("step"), r.run.Eigs.Column("lambda1")
	q := make([]float64, len(lam))
	for j := range lam {
		q[j] = math.NaN()
		if th := r.run.ThresholdAt(int(steps[j])); !math.IsNaN(lam[j]) && th > 0 {
			q[j] = lam[j] / th
		}
	}
	return q
}

// check computes the preset's check over the runs into o and each run.
func check(c Check, runs []loaded, o *Outcome) {
	o.Holds = true
	verdict := func(r *loaded, v float64, ok bool, text string) {
		r.value, r.holds = v, ok
		o.Checked = true
		o.Holds = o.Holds && ok
		o.Details = append(o.Details, fmt.Sprintf("%s: %s (%s)", r.label, text, map[bool]string{true: "shows it", false: "does not show it"}[ok]))
	}
	switch c.Kind {
	case "edge":
		for i := range runs {
			r := &runs[i]
			if r.run.Kind != "gd" {
				continue
			}
			ratios := edgeRatios(r)
			m := mean(slices.DeleteFunc(ratios[int(math.Floor(float64(len(ratios))*(1-c.Tail))):], math.IsNaN))
			verdict(r, m, m >= c.Lo && m <= c.Hi, fmt.Sprintf("mean λ1/threshold over the last %.0f%% = %.3f, want [%g, %g]", 100*c.Tail, m, c.Lo, c.Hi))
		}
	case "peak":
		for i := range runs {
			r := &runs[i]
			if r.run.Kind != "gd" {
				continue
			}
			peak := math.NaN()
			for _, q := range edgeRatios(r) {
				if !(q <= peak) {
					peak = q
				}
			}
			verdict(r, peak, peak >= c.Lo && peak <= c.Hi, fmt.Sprintf("highest λ1/threshold = %.3f, want [%g, %g]", peak, c.Lo, c.Hi))
		}
	case "growth":
		for i := range runs {
			r := &runs[i]
			lam := slices.DeleteFunc(r.run.Eigs.Column("lambda1"), math.IsNaN)
			g := math.NaN()
			if len(lam) > 1 {
				g = lam[len(lam)-1] / lam[int(float64(len(lam)-1)*(1-c.Tail))]
			}
			verdict(r, g, g >= c.Lo, fmt.Sprintf("λ1 grew by ×%.3f over the last %.0f%%, want ≥ %g", g, 100*c.Tail, c.Lo))
		}
	case "oscillation":
		for i := range runs {
			r := &runs[i]
			if r.run.Kind != "gd" {
				continue
			}
			v, ok, text := oscillationVerdict(checkedWindows(r.run, c.Tail), c)
			verdict(r, v, ok, text)
		}
	case "agree":
		flowRun := firstFlow(runs)
		for i := range runs {
			r := &runs[i]
			if r.run.Kind != "gd" || flowRun == nil {
				continue
			}
			cmpn, err := report.Compare(r.run, flowRun)
			if err != nil {
				verdict(r, math.NaN(), false, err.Error())
				continue
			}
			worst := math.NaN()
			for _, row := range cmpn.Rows {
				if row.Time <= c.Tail*cmpn.FirstEdgeTime && row.FlowSharpness > 0 && !math.IsNaN(row.GDSharpness) {
					d := math.Abs(row.GDSharpness-row.FlowSharpness) / row.FlowSharpness
					if !(d <= worst) {
						worst = d
					}
				}
			}
			ok := cmpn.FirstEdgeStep >= 0 && worst <= c.Hi
			verdict(r, worst, ok, fmt.Sprintf("GD first passed its threshold at step %d; largest relative λ1 gap before %.0f%% of that time %.3f, want ≤ %g",
				cmpn.FirstEdgeStep, 100*c.Tail, worst, c.Hi))
		}
	case "trend":
		groups := groupValues(runs, c.By, c.Order)
		var medians []float64
		for _, g := range groups {
			var finals []float64
			for _, r := range runs {
				if v, _ := r.spec.Value(c.By); v == g {
					lam := slices.DeleteFunc(r.run.Eigs.Column("lambda1"), math.IsNaN)
					if len(lam) > 0 {
						finals = append(finals, lam[len(lam)-1])
					}
				}
			}
			medians = append(medians, median(finals))
		}
		ok := len(medians) > 1
		for j := 1; j < len(medians); j++ {
			if c.Direction == "decreasing" && !(medians[j] < medians[j-1]) || c.Direction != "decreasing" && !(medians[j] > medians[j-1]) {
				ok = false
			}
		}
		o.Checked, o.Holds = true, ok
		for gi, g := range groups {
			o.Details = append(o.Details, fmt.Sprintf("%s=%s: median final λ1 %.4g", c.By, g, medians[gi]))
		}
		o.Details = append(o.Details, fmt.Sprintf("want %s along %s: %s", c.Direction, c.By, map[bool]string{true: "shows it", false: "does not show it"}[ok]))
		for i := range runs {
			lam := slices.DeleteFunc(runs[i].run.Eigs.Column("lambda1"), math.IsNaN)
			if len(lam) > 0 {
				runs[i].value = lam[len(lam)-1]
			}
			runs[i].holds = ok
		}
	}
}

// mean is the mean of v (NaN when empty).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// median is the median of v (NaN when empty).
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// The quadratic figure follows each run until it leaves [plotFloor, plotCeiling] × its starting distance.
const (
	plotFloor   = 1e-8
	plotCeiling = 1e4
)

// analyzeQuadratic computes a quadratic preset, its figure and its check.
func analyzeQuadratic(p *Preset, sc Scale, dir, heading string, o *Outcome) ([]string, [][]string, error) {
	qruns := p.Quadratic.Run(sc.Steps)
	var lines []report.Line
	var rows [][]string
	o.Checked, o.Holds = true, true
	for i, r := range qruns {
		name := fmt.Sprintf("%s β=%g, L/threshold=%g", r.Opt, r.Beta, r.Ratio)
		var pts plotter.XYs
		for t, d := range r.Distance {
			if d > plotCeiling*r.Distance[0] || d < plotFloor*r.Distance[0] {
				break // diverged or converged: the log axis would span hundreds of decades
			}
			pts = append(pts, plotter.XY{X: float64(t), Y: d})
		}
		lines = append(lines, report.Line{Label: name, Group: i, Points: pts})
		o.Holds = o.Holds && r.ShowsClaim
		o.Details = append(o.Details, fmt.Sprintf("%s, η=%.4g: ‖x_T‖/‖x_0‖ = %.3g, stable %v, converged %v", name, r.LR, r.Distance[len(r.Distance)-1]/r.Distance[0], r.Stable, r.Converged))
		rows = append(rows, []string{r.Opt, num(r.Beta), num(r.LR), num(r.Ratio), num(r.Sharpness), num(r.Threshold),
			num(r.Distance[len(r.Distance)-1]), strconv.FormatBool(r.Stable), strconv.FormatBool(r.Converged), strconv.FormatBool(r.ShowsClaim)})
	}
	panels := []report.LinesPanel{{XLabel: "step", YLabel: "distance to the minimum ‖x_t‖", LogY: true, Lines: lines}}
	if _, err := report.PlotLines(heading, "", panels, filepath.Join(dir, p.Name), formats); err != nil {
		return nil, nil, err
	}
	o.Figures = append(o.Figures, p.Name)
	header := []string{"opt", "beta", "lr", "ratio", "sharpness", "threshold", "final_distance", "stable", "converged", "shows_claim"}
	return header, rows, nil
}

// ReadOutcome reads the claim.json a preset's analysis wrote into dir.
func ReadOutcome(dir string) (*Outcome, error) {
	raw, err := os.ReadFile(filepath.Join(dir, OutcomeFile))
	if err != nil {
		return nil, fmt.Errorf("reading a reproduce directory: %w", err)
	}
	o := &Outcome{}
	if err := json.Unmarshal(raw, o); err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, OutcomeFile), err)
	}
	return o, nil
}
