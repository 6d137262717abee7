package report

import (
	"math"
	"slices"
)

// EdgeFraction is the fraction of the stability threshold at which a run
// counts as having reached the edge of stability.
const EdgeFraction = 0.9

// SummaryColumns names the figures Summarize returns, in order:
//   - final_step: the last recorded step (tick for flow runs);
//   - final_train_loss, final_train_acc, final_test_loss, final_test_acc:
//     the last measured values;
//   - final_lambda1: the last measured sharpness;
//   - edge_step, edge_time: the first step at which λ1 ≥ EdgeFraction × the
//     threshold (2/η for GD), and its time Σ η (NaN if never reached);
//   - edge_eta_lambda1_mean, edge_eta_lambda1_std: the mean and standard
//     deviation of η·λ1 over the measurements from edge_step on (2 at the
//     edge of stability for GD);
//   - sharpening_rate: the least-squares slope of λ1 per step over the
//     measurements before edge_step (all of them if the edge is never
//     reached).
//
// The edge and sharpening figures are NaN for flow runs.
var SummaryColumns = []string{
	"final_step", "final_train_loss", "final_train_acc", "final_test_loss", "final_test_acc", "final_lambda1",
	"edge_step", "edge_time", "edge_eta_lambda1_mean", "edge_eta_lambda1_std", "sharpening_rate",
}

// Summarize returns the figures of SummaryColumns for r, NaN where a figure
// is not defined or not measured.
func Summarize(r *Run) []float64 {
	key := map[string]string{"gd": "step", "flow": "tick"}[r.Kind]
	last := func(t Table, col string) float64 {
		v := t.Column(col)
		for i := len(v) - 1; i >= 0; i-- {
			if !math.IsNaN(v[i]) {
				return v[i]
			}
		}
		return math.NaN()
	}
	out := []float64{
		last(r.Metrics, key), last(r.Metrics, "train_loss"), last(r.Metrics, "train_acc"),
		last(r.Metrics, "test_loss"), last(r.Metrics, "test_acc"), last(r.Eigs, "lambda1"),
	}
	nan := math.NaN()
	edge := []float64{nan, nan, nan, nan, nan}
	if r.Kind == "gd" {
		edge = r.edgeFigures()
	}
	return append(out, edge...)
}

// edgeFigures returns a GD run's edge_step, edge_time, the mean and spread
// of η·λ1 from then on, and the sharpening rate before it.
func (r *Run) edgeFigures() []float64 {
	threshold := map[float64]float64{}
	mSteps, mThr := r.Metrics.Column("step"), r.Metrics.Column("threshold")
	for i := range mThr {
		threshold[mSteps[i]] = mThr[i]
	}
	steps, lambda, etaLambda := r.Eigs.Column("step"), r.Eigs.Column("lambda1"), r.Eigs.Column("eta_lambda1")
	edge := len(steps)
	for i, s := range steps {
		thr, ok := threshold[s]
		if !ok || math.IsNaN(thr) {
			thr = r.Num("threshold")
		}
		if lambda[i] >= EdgeFraction*thr {
			edge = i
			break
		}
	}
	out := slices.Repeat([]float64{math.NaN()}, 5)
	if edge < len(steps) {
		out[0], out[1] = steps[edge], r.TimeAtStep(steps[edge])
		var window []float64
		for _, v := range etaLambda[edge:] {
			if !math.IsNaN(v) {
				window = append(window, v)
			}
		}
		out[2], out[3] = meanStd(window)
	}
	out[4] = slope(steps[:edge], lambda[:edge])
	return out
}

// meanStd returns the mean and population standard deviation of v (NaN for
// an empty v).
func meanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

// slope returns the least-squares slope of y against x over the points where
// both are numbers (NaN with fewer than two distinct x).
func slope(x, y []float64) float64 {
	var n, sx, sy, sxx, sxy float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	d := n*sxx - sx*sx
	if n < 2 || d == 0 {
		return math.NaN()
	}
	return (n*sxy - sx*sy) / d
}
