package linalg

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// LOBPCG computes K eigenpairs of the symmetric operator op at the Which end
// of its spectrum by the locally optimal block preconditioned conjugate
// gradient method (Knyazev), without preconditioner, in float64.
//
// The block of K vectors starts from the Start vectors plus random fill. Each
// iteration applies the operator only to the residuals of the pairs not yet
// converged (soft locking), then does a Rayleigh–Ritz step (gonum EigenSym) on
// the explicitly orthonormal basis [X, W, P]; the images A·X and A·P are
// updated by the same small combinations, so the operator is never applied
// twice to a direction and the residuals A·x − θ·x come from its outputs. If
// MaxIter runs out, the best pairs so far are returned with Converged false.
//
// For LargestMagnitude a block of K vectors can settle at the wrong end of the
// spectrum, so the block holds 2K vectors, the K most positive and the K most
// negative Ritz pairs; besides the K reported, the first unreported pair at
// each end must converge too, so that the two ends are compared on converged
// values.
func LOBPCG(n int, op Operator, opt EigOptions) (EigResult, error) {
	opt, err := opt.resolve(n, op)
	if err != nil {
		return EigResult{}, err
	}
	b := newLOBPCG(n, op, opt)
	return b.run(), nil
}

// lobpcg is the state of one LOBPCG solve.
type lobpcg struct {
	n, bs   int  // dimension, block size
	twoEnds bool // the block holds both ends of the spectrum (LargestMagnitude)
	op      Operator
	opt     EigOptions
	rng     *rand.Rand
	x, ax   [][]float64 // orthonormal Ritz vectors (Which order) and their images
	p, ap   [][]float64 // orthonormal search directions ⟂ x, and their images
	theta   []float64   // Ritz values of x
	free    [][]float64 // vectors of length n free for reuse
	matvecs int
	scale   float64 // estimate of ‖A‖
}

// newLOBPCG builds the starting block and its first Rayleigh–Ritz step.
func newLOBPCG(n int, op Operator, opt EigOptions) *lobpcg {
	b := &lobpcg{n: n, bs: opt.K, op: op, opt: opt, rng: newRand(opt.Seed)}
	if opt.Which == LargestMagnitude {
		b.twoEnds, b.bs = true, min(2*opt.K, n)
	}
	for _, s := range opt.Start {
		if len(b.x) == b.bs {
			break
		}
		v := b.newVector()
		copy(v, s)
		if before, after := orthogonalize(v, b.x, nil, b.opt.Threads); after > 1e-8*before {
			floats.Scale(1/after, v)
			b.x = append(b.x, v)
		} else {
			b.free = append(b.free, v)
		}
	}
	for len(b.x) < b.bs {
		v := b.newVector()
		randomUnit(v, b.x, b.rng, b.opt.Threads) // cannot fail: len(b.x) < bs ≤ n
		b.x = append(b.x, v)
	}
	b.ax = b.apply(b.x)
	b.rayleighRitz(b.x, b.ax, b.bs)
	return b
}

// newVector returns a free vector of length n.
func (b *lobpcg) newVector() []float64 {
	if k := len(b.free); k > 0 {
		v := b.free[k-1]
		b.free = b.free[:k-1]
		return v
	}
	return make([]float64, b.n)
}

// apply returns the images of vs under the operator.
func (b *lobpcg) apply(vs [][]float64) [][]float64 {
	out := make([][]float64, len(vs))
	for i, v := range vs {
		out[i] = b.newVector()
		b.op(v, out[i])
		b.matvecs++
		b.scale = math.Max(b.scale, norm2(out[i]))
	}
	return out
}

// rayleighRitz takes the best bs Ritz pairs from the orthonormal basis s
// (whose first nx vectors are the current x) with images as, and sets x, ax,
// p, ap, theta. The new p spans what x moved along outside the old x,
// orthonormalised against the new x in the small coefficient space.
func (b *lobpcg) rayleighRitz(s, as [][]float64, nx int) {
	d := len(s)
	g := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := floats.Dot(s[i], as[j])
			g.Set(i, j, v)
			g.Set(j, i, v)
		}
	}
	vals, vecs := symmetricEigen(g, d)
	idx := b.selectRitz(vals)
	cx := pickColumns(vecs, idx)
	b.theta = make([]float64, b.bs)
	cols := make([][]float64, 0, 2*b.bs)
	for j, c := range idx {
		b.theta[j] = vals[c]
		b.scale = math.Max(b.scale, math.Abs(vals[c]))
		cols = append(cols, mat.Col(nil, j, cx))
	}
	for j := 0; j < b.bs; j++ {
		z := mat.Col(nil, j, cx)
		clear(z[:nx])
		if before, after := orthogonalize(z, cols, nil, b.opt.Threads); after > 1e-8*before {
			floats.Scale(1/after, z)
			cols = append(cols, z)
		}
	}
	coef := mat.NewDense(d, len(cols), nil)
	for j, c := range cols {
		coef.SetCol(j, c)
	}
	k := len(cols)
	combine(s[:k], s, coef)
	combine(as[:k], as, coef)
	b.x, b.ax = s[:b.bs:b.bs], as[:b.bs:b.bs]
	b.p, b.ap = s[b.bs:k:k], as[b.bs:k:k]
	b.free = append(b.free, s[k:]...)
	b.free = append(b.free, as[k:]...)
}

// selectRitz returns the indices of the bs Ritz values vals to keep, in
// Which order.
func (b *lobpcg) selectRitz(vals []float64) []int {
	if !b.twoEnds || b.bs == len(vals) {
		return b.opt.Which.order(vals)[:b.bs]
	}
	byValue := LargestAlgebraic.order(vals)
	half := b.bs / 2
	idx := append(byValue[:half:half], byValue[len(vals)-half:]...)
	sort.SliceStable(idx, func(i, j int) bool { return b.opt.Which.before(vals[idx[i]], vals[idx[j]]) })
	return idx
}

// needed marks the block columns that must converge: the K wanted and, in a
// two-ended block, the first unreported pair at each end.
func (b *lobpcg) needed() []bool {
	need := make([]bool, b.bs)
	for i := 0; i < b.opt.K; i++ {
		need[i] = true
	}
	if !b.twoEnds || b.bs < 2*b.opt.K {
		return need
	}
	for _, end := range []Which{LargestAlgebraic, SmallestAlgebraic} {
		for _, c := range end.order(b.theta)[:b.opt.K] {
			if !need[c] {
				need[c] = true
				break
			}
		}
	}
	return need
}

// residuals returns the residual vectors A·x − θ·x and their norms.
func (b *lobpcg) residuals() ([][]float64, []float64) {
	r := make([][]float64, b.bs)
	norms := make([]float64, b.bs)
	for i := range r {
		r[i] = b.newVector()
		copy(r[i], b.ax[i])
		floats.AddScaled(r[i], -b.theta[i], b.x[i])
		norms[i] = norm2(r[i])
	}
	return r, norms
}

// run iterates until the wanted pairs converge, MaxIter operator
// applications are spent, or no new search direction remains.
func (b *lobpcg) run() EigResult {
	for {
		r, norms := b.residuals()
		var w [][]float64
		converged := true
		need := b.needed()
		for i, v := range r {
			if !need[i] || norms[i] <= residualBound(b.theta[i], b.opt.Tol, b.scale) {
				b.free = append(b.free, v)
				continue
			}
			converged = false
			basis := append(append(append([][]float64(nil), b.x...), b.p...), w...)
			if before, after := orthogonalize(v, basis, nil, b.opt.Threads); len(w) < b.opt.MaxIter-b.matvecs && after > 1e-10*before {
				floats.Scale(1/after, v)
				w = append(w, v)
			} else {
				b.free = append(b.free, v)
			}
		}
		if converged || len(w) == 0 {
			b.free = append(b.free, w...)
			return b.result(norms, converged)
		}
		aw := b.apply(w)
		s := append(append(append([][]float64(nil), b.x...), w...), b.p...)
		as := append(append(append([][]float64(nil), b.ax...), aw...), b.ap...)
		b.rayleighRitz(s, as, b.bs)
	}
}

// result packages the current block as the solve's outcome.
func (b *lobpcg) result(norms []float64, converged bool) EigResult {
	k := b.opt.K
	return EigResult{
		Values:    b.theta[:k:k],
		Vectors:   b.x[:k:k],
		Residuals: norms[:k:k],
		MatVecs:   b.matvecs,
		Converged: converged,
	}
}
