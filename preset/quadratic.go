package preset

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/edge-of-stability/eos/flow"
)

// Quadratic is a preset computed in memory: gradient descent (plain or with
// momentum) on f(x) = ½ Σ a_i x_i² from x = (1, …, 1), whose Hessian has
// the eigenvalues a = Curvatures and sharpness L = max a. Each case sets
// the step size η so that L is Ratio times the stability threshold of its
// optimizer (2/η for GD, (2+2β)/η for Polyak, (2+2β)/(η(1+2β)) for
// Nesterov): the iteration should converge iff Ratio < 1.
type Quadratic struct {
	Curvatures []float64       `toml:"curvatures"`
	Steps      int             `toml:"steps"`
	Cases      []QuadraticCase `toml:"case"`
}

// QuadraticCase is one optimizer at several step sizes.
type QuadraticCase struct {
	Opt    string    `toml:"opt"`
	Beta   float64   `toml:"beta"`
	Ratios []float64 `toml:"ratios"`
}

// QuadraticRun is one trajectory of a quadratic preset.
type QuadraticRun struct {
	Opt        string
	Beta, LR   float64
	Ratio      float64
	Threshold  float64
	Sharpness  float64
	Distance   []float64 // ‖x_t‖ for t = 0..Steps
	Converged  bool      // ‖x_T‖ ≤ ConvergedBelow·‖x_0‖
	Stable     bool      // the sharpness is below the threshold
	ShowsClaim bool      // Converged == Stable
}

// ConvergedBelow is the fraction of its starting distance to the minimum a
// quadratic run must end below to count as converged.
const ConvergedBelow = 1e-2

func (q *Quadratic) validate() error {
	switch {
	case len(q.Curvatures) == 0 || slices.ContainsFunc(q.Curvatures, func(a float64) bool { return !(a > 0) || math.IsInf(a, 0) }):
		return errors.New("curvatures: want a list of positive numbers")
	case q.Steps < 1:
		return fmt.Errorf("steps %d: want >= 1", q.Steps)
	case len(q.Cases) == 0:
		return errors.New("no [[quadratic.case]]")
	}
	for i, c := range q.Cases {
		if math.IsNaN(flow.Threshold(c.Opt, 1, c.Beta)) {
			return fmt.Errorf("case %d: opt %q: want gd, polyak or nesterov", i+1, c.Opt)
		}
		if c.Opt == "gd" && c.Beta != 0 || !(c.Beta >= 0 && c.Beta < 1) {
			return fmt.Errorf("case %d: beta %v: want 0 for gd, 0 <= beta < 1 for momentum", i+1, c.Beta)
		}
		if len(c.Ratios) == 0 || slices.ContainsFunc(c.Ratios, func(r float64) bool { return !(r > 0) || math.IsInf(r, 0) }) {
			return fmt.Errorf("case %d: ratios: want a list of positive numbers", i+1)
		}
	}
	return nil
}

// Run computes every trajectory, over steps steps (0: q.Steps).
func (q *Quadratic) Run(steps int) []QuadraticRun {
	if steps == 0 {
		steps = q.Steps
	}
	L := slices.Max(q.Curvatures)
	var out []QuadraticRun
	for _, c := range q.Cases {
		for _, ratio := range c.Ratios {
			// The threshold is inversely proportional to η: threshold(η) = threshold(1)/η = L/ratio.
			lr := ratio * flow.Threshold(c.Opt, 1, c.Beta) / L
			r := QuadraticRun{Opt: c.Opt, Beta: c.Beta, LR: lr, Ratio: ratio, Sharpness: L,
				Threshold: flow.Threshold(c.Opt, lr, c.Beta)}
			r.Distance = descend(q.Curvatures, c.Opt, lr, c.Beta, steps)
			r.Converged = r.Distance[steps] <= ConvergedBelow*r.Distance[0]
			r.Stable = L < r.Threshold
			r.ShowsClaim = r.Converged == r.Stable
			out = append(out, r)
		}
	}
	return out
}

// descend runs the optimizer (PyTorch's momentum form: v ← βv + g, then
// x ← x − ηv, or x ← x − η(g + βv) for Nesterov) on ½ Σ a_i x_i² from ones
// and returns ‖x_t‖ for t = 0..steps (+Inf once it overflows).
func descend(a []float64, opt string, lr, beta float64, steps int) []float64 {
	x := slices.Repeat([]float64{1}, len(a))
	v := make([]float64, len(a))
	norm := func() float64 {
		s := 0.0
		for _, xi := range x {
			s += xi * xi
		}
		return math.Sqrt(s)
	}
	dist := []float64{norm()}
	for range steps {
		for i := range x {
			g := a[i] * x[i]
			switch opt {
			case "gd":
				x[i] -= lr * g
			case "polyak":
				v[i] = beta*v[i] + g
				x[i] -= lr * v[i]
			case "nesterov":
				v[i] = beta*v[i] + g
				x[i] -= lr * (g + beta*v[i])
			}
		}
		d := norm()
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		dist = append(dist, d)
	}
	return dist
}
