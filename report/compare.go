package report

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/plot/plotter"
)

// ComparisonRow holds a GD run and a flow run at one matched time. Values not
// available at that time are NaN.
type ComparisonRow struct {
	// Time is the GD time Σ_{j<Step} lr_j, at which the flow is evaluated.
	Time float64
	// Step is the GD step.
	Step int
	// Distance is ‖GD projected iterate − flow projected iterate‖₂.
	Distance float64
	// GDLoss and FlowLoss are the train losses.
	GDLoss, FlowLoss float64
	// GDSharpness and FlowSharpness are λ1.
	GDSharpness, FlowSharpness float64
	// GDThreshold is GD's stability threshold at Step.
	GDThreshold float64
}

// Comparison sets a GD run against a gradient-flow run at equal times.
type Comparison struct {
	// GD and Flow are the runs compared.
	GD, Flow *Run
	// Rows holds one row per GD step at which GD recorded metrics,
	// eigenvalues or an iterate and which lies within the flow's time span,
	// in step order.
	Rows []ComparisonRow
	// FirstEdgeStep is the first GD step (over the whole GD run, not only the
	// matched span) whose measured λ1 exceeds the stability threshold in
	// force at that step (-1 if none does), and FirstEdgeTime its time (NaN
	// if none).
	FirstEdgeStep int
	FirstEdgeTime float64
	// Heading, when not empty, is drawn above the title of Plot's figure.
	Heading string
}

// relTol is the relative tolerance within which a flow record's time is
// taken to equal a GD time rather than interpolated around it.
const relTol = 1e-9

// Compare matches GD step k (time Σ_{j<k} lr_j) with the flow at that time.
// GD values are taken at step k as recorded; flow values (train loss, λ1,
// projected iterate) are taken from the flow record whose time agrees to
// 1e-9 relative, otherwise interpolated linearly between the two flow records
// around it, and are NaN outside the flow's recorded span. Distances need
// iterates.npy in both runs (NaN otherwise) with the same projection width;
// GD iterate row r is step r·iterate_freq, flow row i is time
// i·iterate_freq·tick.
func Compare(gd, flow *Run) (*Comparison, error) {
	if gd.Kind != "gd" || flow.Kind != "flow" {
		return nil, fmt.Errorf("comparing %s with %s: want a gd run and a flow run, have %q and %q", gd.Dir, flow.Dir, gd.Kind, flow.Kind)
	}
	errf := func(format string, a ...any) error {
		return fmt.Errorf("comparing %s with %s: %s", gd.Dir, flow.Dir, fmt.Sprintf(format, a...))
	}
	if math.IsNaN(gd.TimeAtStep(1)) {
		return nil, errf("the GD run records no learning rate")
	}
	gdEvery, flowTimes, err := iterateClocks(gd, flow)
	if err != nil {
		return nil, errf("%v", err)
	}
	if gdEvery > 0 && len(gd.Iterates[0]) != len(flow.Iterates[0]) {
		return nil, errf("projections differ in width: GD %d, flow %d", len(gd.Iterates[0]), len(flow.Iterates[0]))
	}
	fLoss := newInterp(flow.series(flow.Metrics, "train_loss", true, isFinite))
	fSharp := newInterp(flow.series(flow.Eigs, "lambda1", true, isFinite))
	end := math.Max(flow.lastX(true), lastOr(flowTimes, math.Inf(-1)))
	gdLoss := byStep(gd.Metrics, "train_loss")
	gdSharp := byStep(gd.Eigs, "lambda1")

	c := &Comparison{GD: gd, Flow: flow, FirstEdgeStep: -1, FirstEdgeTime: math.NaN()}
	for _, k := range gdSteps(gd, gdEvery) {
		t := gd.TimeAtStep(float64(k))
		if t > end*(1+relTol) {
			break
		}
		row := ComparisonRow{Time: t, Step: k, Distance: math.NaN(), GDLoss: lookup(gdLoss, k),
			FlowLoss: fLoss.at(t), GDSharpness: lookup(gdSharp, k), FlowSharpness: fSharp.at(t),
			GDThreshold: gd.ThresholdAt(k)}
		if gdEvery > 0 && k%gdEvery == 0 && k/gdEvery < len(gd.Iterates) {
			if f := interpRows(flowTimes, flow.Iterates, t); f != nil {
				row.Distance = distance(gd.Iterates[k/gdEvery], f)
			}
		}
		c.Rows = append(c.Rows, row)
	}
	if len(c.Rows) == 0 {
		return nil, errf("no GD step falls within the flow's time span [0, %g]", end)
	}
	for _, k := range slices.Sorted(maps.Keys(gdSharp)) { // over the whole GD run
		if gdSharp[k] > gd.ThresholdAt(k) {
			c.FirstEdgeStep, c.FirstEdgeTime = k, gd.TimeAtStep(float64(k))
			break
		}
	}
	return c, nil
}

// iterateClocks returns GD's iterate_freq and the times of the flow's
// iterate rows when both runs have iterates, or 0 and nil when either lacks
// them; it is an error for a run with iterates to lack the config entries
// that place them in time.
func iterateClocks(gd, flow *Run) (int, []float64, error) {
	if len(gd.Iterates) == 0 || len(flow.Iterates) == 0 {
		return 0, nil, nil
	}
	every := gd.Num("iterate_freq")
	if !(every >= 1) || every != math.Trunc(every) {
		return 0, nil, fmt.Errorf("GD config iterate_freq %v is not a positive integer", gd.Config["iterate_freq"])
	}
	fEvery, tick := flow.Num("iterate_freq"), flow.Num("tick")
	if !(fEvery > 0) || !(tick > 0) {
		return 0, nil, fmt.Errorf("flow config needs positive iterate_freq and tick, has %v and %v", flow.Config["iterate_freq"], flow.Config["tick"])
	}
	times := make([]float64, len(flow.Iterates))
	for i := range times {
		times[i] = float64(i) * fEvery * tick
	}
	return int(every), times, nil
}

// gdSteps lists, in order, every GD step with metrics, eigenvalues or (with
// iterates every `every` steps, 0 for none) an iterate.
func gdSteps(gd *Run, every int) []int {
	set := map[int]bool{}
	for _, t := range []Table{gd.Metrics, gd.Eigs} {
		for _, s := range t.Column("step") {
			if isFinite(s) {
				set[int(s)] = true
			}
		}
	}
	if every > 0 {
		for r := range gd.Iterates {
			set[r*every] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// byStep maps each GD step of t to its finite value in column col.
func byStep(t Table, col string) map[int]float64 {
	m := map[int]float64{}
	steps, vals := t.Column("step"), t.Column(col)
	for i := range vals {
		if isFinite(steps[i]) && isFinite(vals[i]) {
			m[int(steps[i])] = vals[i]
		}
	}
	return m
}

// lookup returns m[k], or NaN when k is absent.
func lookup(m map[int]float64, k int) float64 {
	if v, ok := m[k]; ok {
		return v
	}
	return math.NaN()
}

// ThresholdAt returns a GD run's stability threshold at step k: the last
// value of the metrics threshold column at or before k, else the config's
// "threshold".
func (r *Run) ThresholdAt(k int) float64 {
	th := r.Num("threshold")
	steps, vals := r.Metrics.Column("step"), r.Metrics.Column("threshold")
	best := math.Inf(-1)
	for i := range vals {
		if isFinite(vals[i]) && steps[i] <= float64(k) && steps[i] >= best {
			best, th = steps[i], vals[i]
		}
	}
	return th
}

// lastOr returns the last element of xs, or def when xs is empty.
func lastOr(xs []float64, def float64) float64 {
	if len(xs) == 0 {
		return def
	}
	return xs[len(xs)-1]
}

// interp evaluates recorded (time, value) points at any time in their span.
type interp struct{ ts, vs []float64 }

// newInterp sorts pts by time.
func newInterp(pts plotter.XYs) interp {
	slices.SortFunc(pts, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
	var in interp
	for _, p := range pts {
		in.ts, in.vs = append(in.ts, p.X), append(in.vs, p.Y)
	}
	return in
}

// at returns the value at time t: a recorded value whose time agrees to
// relTol, else the linear interpolation between the records around t, else
// NaN outside the recorded span.
func (in interp) at(t float64) float64 {
	i, w := bracket(in.ts, t)
	switch {
	case i < 0:
		return math.NaN()
	case w == 0:
		return in.vs[i]
	}
	return (1-w)*in.vs[i] + w*in.vs[i+1]
}

// interpRows returns the row of rows (recorded at the sorted times ts) at
// time t, by the same rule as interp.at, or nil outside the span.
func interpRows(ts []float64, rows [][]float64, t float64) []float64 {
	i, w := bracket(ts, t)
	switch {
	case i < 0:
		return nil
	case w == 0:
		return rows[i]
	}
	out := make([]float64, len(rows[i]))
	for j := range out {
		out[j] = (1-w)*rows[i][j] + w*rows[i+1][j]
	}
	return out
}

// bracket locates t among the sorted times ts: it returns (i, 0) when ts[i]
// equals t to relTol, (i, w) with 0 < w < 1 when t lies between ts[i] and
// ts[i+1] at fraction w, and (-1, 0) when t is outside [ts[0], ts[last]].
func bracket(ts []float64, t float64) (int, float64) {
	near := func(a float64) bool { return math.Abs(a-t) <= relTol*math.Max(math.Abs(a), math.Abs(t)) }
	j := sort.SearchFloat64s(ts, t) // first ts[j] >= t
	for _, i := range []int{j - 1, j} {
		if i >= 0 && i < len(ts) && near(ts[i]) {
			return i, 0
		}
	}
	if j == 0 || j == len(ts) {
		return -1, 0
	}
	return j - 1, (t - ts[j-1]) / (ts[j] - ts[j-1])
}

// distance returns the Euclidean distance between a and b.
func distance(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}
