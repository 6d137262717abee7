package report

import (
	"math"
	"strconv"
)

// Window is the stretch of a run's eigproj.csv measured from one sharpness
// measurement: the steps (ticks) from the measurement's up to the next's,
// the iterate's displacement since the measurement along each of its
// eigenvectors, and the length of the rest of that displacement.
type Window struct {
	// Base is the step (tick) of the measurement.
	Base int
	// Steps are the rows' steps (ticks), Base first.
	Steps []float64
	// Proj[k][i] is ⟨θ_i − θ_Base, u_{k+1}⟩ at Steps[i].
	Proj [][]float64
	// Rest[i] is ‖(θ_i − θ_Base) − Σ_k Proj[k][i] u_{k+1}‖.
	Rest []float64
}

// Windows splits the run's eigproj.csv into its windows, in order (none
// without the file).
func (r *Run) Windows() []Window {
	t := r.EigProj
	if len(t.Rows) == 0 {
		return nil
	}
	key := t.Columns[0]
	steps, bases, rest := t.Column(key), t.Column("base_"+key), t.Column("rest")
	var projs [][]float64
	for k := 1; t.Index("proj"+strconv.Itoa(k)) >= 0; k++ {
		projs = append(projs, t.Column("proj"+strconv.Itoa(k)))
	}
	var out []Window
	for i := range t.Rows {
		if len(out) == 0 || float64(out[len(out)-1].Base) != bases[i] {
			out = append(out, Window{Base: int(bases[i]), Proj: make([][]float64, len(projs))})
		}
		w := &out[len(out)-1]
		w.Steps = append(w.Steps, steps[i])
		for k, p := range projs {
			w.Proj[k] = append(w.Proj[k], p[i])
		}
		w.Rest = append(w.Rest, rest[i])
	}
	return out
}

// Centred returns the window's displacement along eigenvector k+1 less its
// mean over the window: ⟨θ_i − θ̄, u_{k+1}⟩, θ̄ the window's mean iterate.
func (w Window) Centred(k int) []float64 {
	p := w.Proj[k]
	m := 0.0
	for _, x := range p {
		m += x
	}
	m /= float64(len(p))
	out := make([]float64, len(p))
	for i, x := range p {
		out[i] = x - m
	}
	return out
}

// Reversals is the fraction of x's consecutive steps that reverse
// direction: of the pairs x[i]−x[i−1], x[i+1]−x[i], those of opposite signs
// (NaN with fewer than three values). A series that swings back and forth
// about a drifting centre scores 1 however far the centre drifts; a
// monotone one scores 0.
func Reversals(x []float64) float64 {
	if len(x) < 3 {
		return math.NaN()
	}
	n := 0
	for i := 1; i+1 < len(x); i++ {
		if (x[i]-x[i-1])*(x[i+1]-x[i]) < 0 {
			n++
		}
	}
	return float64(n) / float64(len(x)-2)
}

// Jumpiness is the largest change between consecutive values of x over the
// range of x: 1 for a series that swings from end to end in one step, about
// 1/(len(x)−1) for a steady drift (NaN with fewer than two values or no
// range).
func Jumpiness(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	lo, hi, jump := x[0], x[0], 0.0
	for i := 1; i < len(x); i++ {
		lo, hi = math.Min(lo, x[i]), math.Max(hi, x[i])
		jump = math.Max(jump, math.Abs(x[i]-x[i-1]))
	}
	if !(hi > lo) {
		return math.NaN()
	}
	return jump / (hi - lo)
}
