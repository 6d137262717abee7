package linalg

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
)

// Which selects the end of the spectrum wanted.
type Which int

const (
	// LargestAlgebraic wants the most positive eigenvalues (the default).
	LargestAlgebraic Which = iota
	// LargestMagnitude wants the eigenvalues of largest absolute value, which
	// may be negative (what ARPACK's "LM" mode returns).
	LargestMagnitude
	// SmallestAlgebraic wants the most negative eigenvalues.
	SmallestAlgebraic
)

// String names the end of the spectrum.
func (w Which) String() string {
	switch w {
	case LargestAlgebraic:
		return "LargestAlgebraic"
	case LargestMagnitude:
		return "LargestMagnitude"
	case SmallestAlgebraic:
		return "SmallestAlgebraic"
	}
	return fmt.Sprintf("Which(%d)", int(w))
}

// before reports whether eigenvalue a comes before b in w's order. Ties in
// magnitude put the positive value first, so the order is total.
func (w Which) before(a, b float64) bool {
	switch w {
	case LargestMagnitude:
		if math.Abs(a) != math.Abs(b) {
			return math.Abs(a) > math.Abs(b)
		}
		return a > b
	case SmallestAlgebraic:
		return a < b
	}
	return a > b
}

// order returns the indices of vals sorted in w's order.
func (w Which) order(vals []float64) []int {
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return w.before(vals[idx[i]], vals[idx[j]]) })
	return idx
}

// EigOptions configures a symmetric eigen-solve. A residual at rounding level,
// ‖Hv−λv‖ ≤ 1000·ε·‖H‖ (‖H‖ estimated from the solve), also counts as
// converged, so eigenvalues near zero do not stall a solve.
//
// A warm start tracks the previous eigenvectors: an eigenvalue that rises into
// the wanted set from outside it, whose eigenvector the start barely contains,
// can be missed (a converged but lower eigenpair is returned instead) until a
// cold solve (Start nil) is made; callers tracking crowded spectra should cold
// start now and then.
type EigOptions struct {
	K       int         // eigenpairs wanted (≥1)
	Which   Which       // end of the spectrum wanted
	Tol     float64     // stop when every wanted Ritz pair has ‖Hv−λv‖ ≤ Tol·|λ| (default 1e-3 if 0)
	MaxIter int         // cap on operator applications (default max(300, 20K) if 0)
	Start   [][]float64 // optional warm start: previous eigenvectors (any number, may be nil)
	Seed    uint64      // seeds the random start vector(s); same seed => same result
	Threads int         // goroutines for the solver's own vector arithmetic (≤1: one); the results do not depend on it
	// Work, when not nil, lends a Lanczos solve its vectors of length n and takes them back at the end,
	// so solves along a trajectory reuse one basis instead of each allocating its own (the returned
	// Vectors are the caller's until it gives them back with Recycle). It does not change the results.
	Work *Workspace
}

// Workspace holds vectors that successive Lanczos solves of one dimension
// reuse; one solve at a time may use it.
type Workspace struct {
	free [][]float64
}

// Recycle gives the workspace vectors a caller no longer needs (such as the
// eigenvectors of an earlier solve, once they have seeded the next one), so
// that the next solve reuses their memory. Nil vectors are skipped; w may be nil.
func (w *Workspace) Recycle(vs [][]float64) {
	if w == nil {
		return
	}
	for _, v := range vs {
		if v != nil {
			w.free = append(w.free, v)
		}
	}
}

// EigResult is the outcome of a solve.
type EigResult struct {
	Values    []float64   // K eigenvalues, sorted in the Which order (largest first for LargestAlgebraic)
	Vectors   [][]float64 // K unit eigenvectors, Vectors[i] pairs with Values[i]
	Residuals []float64   // ‖Hv−λv‖ of each
	MatVecs   int         // operator applications used
	Converged bool        // every residual met the tolerance within MaxIter
}

// Operator applies a symmetric n×n matrix: out = A·v. It must not keep v or out.
type Operator func(v, out []float64)

// defaultTol is the relative residual tolerance used when EigOptions.Tol is 0.
const defaultTol = 1e-3

// roundoffFloor times the norm estimate of A is the smallest residual a
// solve is asked for: below it rounding, not the method, sets the residual,
// so an eigenvalue near zero relative to ‖A‖ cannot stall a solve.
const roundoffFloor = 1e3 * 0x1p-52

// resolve validates opt for an n×n operator and fills in its defaults.
func (opt EigOptions) resolve(n int, op Operator) (EigOptions, error) {
	switch {
	case op == nil:
		return opt, errors.New("eigen-solve: nil operator")
	case n < 1:
		return opt, fmt.Errorf("eigen-solve: dimension %d < 1", n)
	case opt.K < 1 || opt.K > n:
		return opt, fmt.Errorf("eigen-solve: K = %d outside [1, n = %d]", opt.K, n)
	case opt.Which < LargestAlgebraic || opt.Which > SmallestAlgebraic:
		return opt, fmt.Errorf("eigen-solve: unknown %v", opt.Which)
	case opt.Tol < 0 || math.IsNaN(opt.Tol):
		return opt, fmt.Errorf("eigen-solve: tolerance %g < 0", opt.Tol)
	case opt.MaxIter < 0:
		return opt, fmt.Errorf("eigen-solve: MaxIter %d < 0", opt.MaxIter)
	}
	if opt.Tol == 0 {
		opt.Tol = defaultTol
	}
	if opt.MaxIter == 0 {
		opt.MaxIter = max(300, 20*opt.K)
	}
	if opt.MaxIter < opt.K {
		return opt, fmt.Errorf("eigen-solve: MaxIter %d < K = %d", opt.MaxIter, opt.K)
	}
	for i, v := range opt.Start {
		if len(v) != n {
			return opt, fmt.Errorf("eigen-solve: start vector %d has length %d, want %d", i, len(v), n)
		}
	}
	return opt, nil
}

// residualBound is the largest residual accepted for a Ritz value theta at
// relative tolerance tol, given an estimate scale of ‖A‖.
func residualBound(theta, tol, scale float64) float64 {
	return math.Max(tol*math.Abs(theta), roundoffFloor*scale)
}

// Eigs computes eigenpairs of the symmetric operator op by the default
// method, Lanczos — callers use this one.
//
// Lanczos is the default because it needed the fewest operator applications.
// Warm-started along drifting 500×500 trajectories (BenchmarkEigTrajectory:
// outliers, then a bulk with negatives, either well separated or crowded
// against the bulk), it used no more than LOBPCG at K = 1, the sharpness
// (2.4–3.2 applications per solve against 2.4–3.5), and fewer in 9 of the 12
// warm cases in all; LOBPCG led only at K = 6 and at K = 2, Tol 1e-3 on the
// crowded trajectory, where Lanczos used up to 20% more. Cold, LOBPCG used
// 1.0–2.9 times as many. And when the warm start is poor (the eigenvectors of
// a matrix 1–10% away, as in TestWarmStartSavesMatVecs), one Krylov space
// from their sum needed about a third of LOBPCG's applications at K = 6.
// LOBPCG remains the method to call when eigenvalues of exact multiplicity
// must all be found.
func Eigs(n int, op Operator, opt EigOptions) (EigResult, error) {
	return Lanczos(n, op, opt)
}

// Extrapolate turns older, the eigenvectors of the solve before latest
// along a trajectory sampled at equal intervals, into the warm start of the
// next solve: each latest vector y is paired with the older vector x most
// parallel to it (signs and order may differ between solves), and x is
// overwritten with 2y − x (x's sign matched to y's), the linear
// extrapolation of the eigenvector one interval ahead, or with y itself when
// the two are more than 60° apart (|cos| < 1/2), where the line through them
// says nothing. len(older) must equal len(latest).
func Extrapolate(older, latest [][]float64) {
	if len(older) != len(latest) {
		panic(fmt.Sprintf("linalg.Extrapolate: %d older vectors for %d latest", len(older), len(latest)))
	}
	used := make([]bool, len(older))
	for _, y := range latest {
		best, cos, ny := -1, 0.0, norm2(y)
		for j, x := range older {
			if used[j] {
				continue
			}
			if c := floats.Dot(x, y) / (norm2(x) * ny); best < 0 || math.Abs(c) > math.Abs(cos) {
				best, cos = j, c
			}
		}
		used[best] = true
		x := older[best]
		if math.Abs(cos) < 0.5 {
			copy(x, y)
			continue
		}
		floats.Scale(-math.Copysign(1, cos), x)
		floats.AddScaled(x, 2, y)
	}
}
