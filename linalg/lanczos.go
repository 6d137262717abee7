package linalg

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

const (
	// lanczosMaxCols is the Krylov basis size at which Lanczos restarts.
	lanczosMaxCols = 40
	// lanczosBasisFloats caps the basis memory (2^25 float64 = 256 MB): for
	// large n the restart size shrinks to fit, down to the minimum a thick
	// restart needs to make progress (2K+6 vectors).
	lanczosBasisFloats = 1 << 25
	// breakdownRatio: a new Krylov direction whose norm after
	// orthogonalisation is at most this fraction of ‖A·v‖ means the basis is
	// an invariant subspace, and a random direction replaces it.
	breakdownRatio = 1e-12
)

// Lanczos computes K eigenpairs of the symmetric operator op at the Which end
// of its spectrum by thick-restart Lanczos in float64.
//
// Every new Krylov vector is orthogonalised twice against the whole basis and
// every Gram–Schmidt coefficient is kept, so A·V = V·H holds with the recorded
// H: the residual estimates ‖H·s − θ·s‖ (|β·s_m| plus rounding terms) are
// checked cheaply each step, and at the end the residuals A·y − θ·y are
// formed block by block from the operator's recorded outputs, spending no
// operator application. The single start vector is the sum of the normalised
// Start vectors (random without them): in our measurements this beat the
// first Start vector alone (which can miss an eigenvalue), and it was far
// more robust than a block start from all of them when the start is poor
// (a block start won only on the mildest drifts). A breakdown (invariant subspace) continues with a random
// direction orthogonal to the basis; n smaller than the basis is solved
// exactly. The basis is restarted at 40 vectors (fewer when n is large, so it
// stays within 256 MB) keeping the K wanted and half of the other Ritz
// vectors. If MaxIter
// runs out, the best pairs so far are returned with Converged false.
//
// Like every single-vector Krylov method (ARPACK included), it sees one vector
// per eigenspace: of an exactly repeated eigenvalue it returns one copy
// unless rounding reveals more, and then the next distinct eigenvalues. Use
// LOBPCG when exact multiplicities matter.
func Lanczos(n int, op Operator, opt EigOptions) (EigResult, error) {
	opt, err := opt.resolve(n, op)
	if err != nil {
		return EigResult{}, err
	}
	l := newLanczos(n, op, opt)
	defer l.release()
	return l.run(), nil
}

// lanczos is the state of one Lanczos solve.
type lanczos struct {
	n       int
	op      Operator
	opt     EigOptions
	rng     *rand.Rand
	maxCols int         // operator applications on the basis before a restart
	basis   [][]float64 // orthonormal; op has been applied to basis[:m], basis[m] (if any) is next
	m       int
	h       *mat.Dense  // A·basis[j] = Σ_i h(i, j)·basis[i] for j < m
	spare   [][]float64 // vectors of length n free for reuse
	matvecs int
	scale   float64 // estimate of ‖A‖ (largest ‖A·v‖ seen)
}

// newLanczos sizes a solve and seeds its basis with the start vector.
func newLanczos(n int, op Operator, opt EigOptions) *lanczos {
	maxCols := min(lanczosMaxCols, lanczosBasisFloats/n-1)
	maxCols = min(max(maxCols, 2*opt.K+6), n)
	l := &lanczos{
		n: n, op: op, opt: opt, rng: newRand(opt.Seed), maxCols: maxCols,
		h: mat.NewDense(maxCols+1, maxCols, nil),
	}
	if w := opt.Work; w != nil {
		for _, v := range w.free {
			if len(v) == n {
				l.spare = append(l.spare, v)
			}
		}
		w.free = nil
	}
	if len(opt.Start) > 0 {
		v := l.newVector()
		clear(v)
		for _, s := range opt.Start {
			if ns := norm2(s); ns > 0 {
				floats.AddScaled(v, 1/ns, s)
			}
		}
		if nv := norm2(v); nv > 0 {
			floats.Scale(1/nv, v)
			l.basis = append(l.basis, v)
		}
	}
	if len(l.basis) == 0 {
		l.addRandom()
	}
	return l
}

// newVector returns a free vector of length n.
func (l *lanczos) newVector() []float64 {
	if k := len(l.spare); k > 0 {
		v := l.spare[k-1]
		l.spare = l.spare[:k-1]
		return v
	}
	return make([]float64, l.n)
}

// addRandom appends a random direction orthogonal to the basis, unless the
// basis already spans the whole space.
func (l *lanczos) addRandom() {
	if len(l.basis) >= l.n {
		return
	}
	v := l.newVector()
	if randomUnit(v, l.basis, l.rng, l.opt.Threads) {
		l.basis = append(l.basis, v)
		return
	}
	l.spare = append(l.spare, v)
}

// step applies the operator to the first pending basis vector and appends
// the new direction it produces (a random one after a breakdown).
func (l *lanczos) step() {
	j := l.m
	w := l.newVector()
	l.op(l.basis[j], w)
	l.matvecs++
	nb := len(l.basis)
	coef := make([]float64, nb)
	before, after := orthogonalize(w, l.basis, coef, l.opt.Threads)
	l.scale = math.Max(l.scale, before)
	for i, c := range coef {
		l.h.Set(i, j, c)
	}
	l.m++
	if nb < l.n && after > breakdownRatio*before {
		floats.Scale(1/after, w)
		l.h.Set(nb, j, after)
		l.basis = append(l.basis, w)
		return
	}
	l.spare = append(l.spare, w)
	l.addRandom()
}

// ritzPairs are the Rayleigh–Ritz pairs of the current basis in Which order.
type ritzPairs struct {
	vals []float64  // all m Ritz values
	vecs *mat.Dense // m×m, column i is the coordinate vector of vals[i]
	est  []float64  // residual norms of the first K pairs, from H alone
}

// ritz solves the projected eigenproblem and estimates the residuals of the
// wanted pairs as ‖H·s − θ·s‖ over the whole basis (for plain Lanczos this is
// |β_m·s_m| plus the tiny asymmetry left by rounding).
func (l *lanczos) ritz() ritzPairs {
	vals, vecs := symmetricEigen(l.h, l.m)
	idx := l.opt.Which.order(vals)
	rz := ritzPairs{vals: make([]float64, l.m), vecs: pickColumns(vecs, idx), est: make([]float64, l.opt.K)}
	for i, c := range idx {
		rz.vals[i] = vals[c]
		l.scale = math.Max(l.scale, math.Abs(vals[c]))
	}
	nb := len(l.basis)
	for k := range rz.est {
		var ss float64
		for r := 0; r < nb; r++ {
			var g float64
			for c := 0; c < l.m; c++ {
				g += l.h.At(r, c) * rz.vecs.At(c, k)
			}
			if r < l.m {
				g -= rz.vals[k] * rz.vecs.At(r, k)
			}
			ss += g * g
		}
		rz.est[k] = math.Sqrt(ss)
	}
	return rz
}

// estimatesBelow reports whether every wanted residual estimate is at most
// factor times its bound.
func (l *lanczos) estimatesBelow(rz ritzPairs, factor float64) bool {
	for k, e := range rz.est {
		if e > factor*residualBound(rz.vals[k], l.opt.Tol, l.scale) {
			return false
		}
	}
	return true
}

// restart shrinks the basis to the best Ritz vectors plus the pending
// directions, keeping A·V = V·H for the new basis (up to rounding).
func (l *lanczos) restart(rz ritzPairs) {
	keep := l.opt.K + (l.maxCols-l.opt.K)/2
	s := mat.DenseCopyOf(rz.vecs.Slice(0, l.m, 0, keep))
	tail := append([][]float64(nil), l.basis[l.m:]...)
	var coupling mat.Dense
	coupling.Mul(l.h.Slice(l.m, len(l.basis), 0, l.m), s)
	combine(l.basis[:keep], l.basis[:l.m], s)
	l.spare = append(l.spare, l.basis[keep:l.m]...)
	l.basis = append(l.basis[:keep], tail...)
	l.h.Zero()
	for i := 0; i < keep; i++ {
		l.h.Set(i, i, rz.vals[i])
		for t := range tail {
			l.h.Set(keep+t, i, coupling.At(t, i))
		}
	}
	l.m = keep
}

// run iterates until the wanted pairs converge, MaxIter operator
// applications are spent, or the basis spans the whole space.
func (l *lanczos) run() EigResult {
	factor := 1.0
	for l.matvecs < l.opt.MaxIter && l.m < len(l.basis) {
		if l.m == l.maxCols {
			l.restart(l.ritz())
		}
		l.step()
		if l.m < l.opt.K {
			continue
		}
		if rz := l.ritz(); l.estimatesBelow(rz, factor) {
			res := l.finish(rz)
			if res.Converged {
				return res
			}
			l.spare = append(l.spare, res.Vectors...)
			// Rounding made the estimates optimistic: ask more of them.
			factor *= 0.1
		}
	}
	return l.finish(l.ritz())
}

// finish forms the wanted Ritz vectors y = V·s and their residuals
// ‖A·y − θ·y‖, with A·y = V·(H·s) taken from the recorded operator outputs
// block by block, so that only the Ritz vectors take memory of full length.
func (l *lanczos) finish(rz ritzPairs) EigResult {
	k, nb := l.opt.K, len(l.basis)
	coef := mat.NewDense(nb, 2*k, nil)
	for i := 0; i < k; i++ {
		for r := 0; r < nb; r++ {
			var hs float64
			for c := 0; c < l.m; c++ {
				hs += l.h.At(r, c) * rz.vecs.At(c, i)
			}
			coef.Set(r, k+i, hs)
			if r < l.m {
				coef.Set(r, i, rz.vecs.At(r, i))
			}
		}
	}
	res := EigResult{Values: rz.vals[:k:k], Vectors: make([][]float64, k), Residuals: make([]float64, k), MatVecs: l.matvecs, Converged: true}
	for i := range res.Vectors {
		res.Vectors[i] = l.newVector()
	}
	// squares[i] sums ‖A·y − θ·y‖² over the blocks, y unnormalised.
	squares := make([]float64, k)
	combineChunks(l.basis, coef, func(lo, hi int, out [][]float64) {
		for i, y := range res.Vectors {
			copy(y[lo:hi], out[i])
			ay := out[k+i]
			floats.AddScaled(ay, -rz.vals[i], out[i])
			squares[i] += floats.Dot(ay, ay)
		}
	})
	for i, y := range res.Vectors {
		ny := norm2(y)
		floats.Scale(1/ny, y)
		res.Residuals[i] = math.Sqrt(squares[i]) / ny
		if res.Residuals[i] > residualBound(rz.vals[i], l.opt.Tol, l.scale) {
			res.Converged = false
		}
	}
	return res
}

// release gives the solve's vectors, except the returned eigenvectors, back
// to the workspace of its options.
func (l *lanczos) release() {
	if w := l.opt.Work; w != nil {
		w.free = append(append(w.free, l.basis...), l.spare...)
		l.basis, l.spare = nil, nil
	}
}
