package linalg

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// eigSolver is the signature shared by Lanczos, LOBPCG and Eigs.
type eigSolver func(n int, op Operator, opt EigOptions) (EigResult, error)

// eigSolvers are the methods every oracle test runs; copies says whether a
// method finds every copy of a repeated eigenvalue (block methods do,
// single-vector Krylov methods need not).
var eigSolvers = []struct {
	name   string
	fn     eigSolver
	copies bool
}{{"Lanczos", Lanczos, false}, {"LOBPCG", LOBPCG, true}, {"Eigs", Eigs, false}}

// randomOrthogonal returns a Haar-ish random n×n orthogonal matrix (Q of the
// QR factorisation of a Gaussian matrix).
func randomOrthogonal(n int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// withSpectrum returns Q·diag(vals)·Qᵀ for a random orthogonal Q.
func withSpectrum(vals []float64, rng *rand.Rand) *mat.SymDense {
	n := len(vals)
	q := randomOrthogonal(n, rng)
	a := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			var s float64
			for k, v := range vals {
				s += q.At(i, k) * v * q.At(j, k)
			}
			a.SetSym(i, j, s)
		}
	}
	return a
}

// denseOp is the operator of the dense symmetric matrix a, counting its calls.
func denseOp(a *mat.SymDense, calls *int) Operator {
	n := a.SymmetricDim()
	return func(v, out []float64) {
		*calls++
		mat.NewVecDense(n, out).MulVec(a, mat.NewVecDense(n, v))
	}
}

// oracleValues returns a's eigenvalues from gonum's dense EigenSym, sorted in
// w's order.
func oracleValues(t *testing.T, a *mat.SymDense, w Which) []float64 {
	t.Helper()
	var es mat.EigenSym
	if !es.Factorize(a, false) {
		t.Fatal("EigenSym failed")
	}
	vals := es.Values(nil)
	sort.Slice(vals, func(i, j int) bool { return w.before(vals[i], vals[j]) })
	return vals
}

// spectralNorm is max |λ| of the sorted-by-anything eigenvalues vals.
func spectralNorm(vals []float64) float64 {
	var m float64
	for _, v := range vals {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// distinctValues drops from the sorted eigenvalues vals the repeats (equal
// within 1e-9 relative).
func distinctValues(vals []float64) []float64 {
	norm := spectralNorm(vals)
	var out []float64
	for _, v := range vals {
		if len(out) == 0 || math.Abs(v-out[len(out)-1]) > 1e-9*norm {
			out = append(out, v)
		}
	}
	return out
}

// checkSolution asserts that res holds the K wanted eigenpairs of a, whose
// eigenvalues in Which order are want: values within 1e-8 relative of the
// oracle, unit and mutually orthogonal vectors, and residuals, recomputed
// densely here, within the tolerance and matching the reported ones. Unless
// copies is set, a repeated eigenvalue may be returned fewer times than its
// multiplicity, so value i need only be a true eigenvalue lying between
// want[i] and the i-th distinct eigenvalue (the spectrum's end if fewer).
func checkSolution(t *testing.T, a *mat.SymDense, opt EigOptions, res EigResult, want []float64, copies bool) {
	t.Helper()
	n, k := a.SymmetricDim(), opt.K
	norm := spectralNorm(want)
	distinct := distinctValues(want)
	if !res.Converged {
		t.Errorf("not converged after %d matvecs (residuals %g)", res.MatVecs, res.Residuals)
	}
	if len(res.Values) != k || len(res.Vectors) != k || len(res.Residuals) != k {
		t.Fatalf("got %d values, %d vectors, %d residuals, want %d", len(res.Values), len(res.Vectors), len(res.Residuals), k)
	}
	for i := 0; i < k; i++ {
		last := want[len(want)-1]
		if i < len(distinct) {
			last = distinct[i]
		}
		if copies {
			if d := math.Abs(res.Values[i] - want[i]); d > 1e-8*math.Abs(want[i])+1e-12*norm {
				t.Errorf("value %d = %.15g, oracle %.15g (diff %.3g)", i, res.Values[i], want[i], d)
			}
		} else if !isEigenvalue(res.Values[i], distinct, norm) || !between(opt.Which, res.Values[i], want[i], last, norm) {
			t.Errorf("value %d = %.15g, want an eigenvalue from %.15g to %.15g", i, res.Values[i], want[i], last)
		}
		v := res.Vectors[i]
		if len(v) != n {
			t.Fatalf("vector %d has length %d", i, len(v))
		}
		if nv := norm2(v); math.Abs(nv-1) > 1e-10 {
			t.Errorf("vector %d has norm %.15g", i, nv)
		}
		for j := 0; j < i; j++ {
			if d := math.Abs(floats.Dot(v, res.Vectors[j])); d > 1e-8 {
				t.Errorf("vectors %d and %d overlap by %.3g", j, i, d)
			}
		}
		av := make([]float64, n)
		mat.NewVecDense(n, av).MulVec(a, mat.NewVecDense(n, v))
		floats.AddScaled(av, -res.Values[i], v)
		r := norm2(av)
		if r > opt.Tol*math.Abs(res.Values[i])+1e-12*norm {
			t.Errorf("pair %d: ‖Av−λv‖ = %.3g > Tol·|λ| = %.3g", i, r, opt.Tol*math.Abs(res.Values[i]))
		}
		if math.Abs(r-res.Residuals[i]) > 1e-12*norm+0.01*r {
			t.Errorf("pair %d: reported residual %.3g, dense residual %.3g", i, res.Residuals[i], r)
		}
	}
	if res.MatVecs > opt.MaxIter && opt.MaxIter > 0 {
		t.Errorf("%d matvecs > MaxIter %d", res.MatVecs, opt.MaxIter)
	}
}

// isEigenvalue reports whether v is within 1e-8 relative of one of vals.
func isEigenvalue(v float64, vals []float64, norm float64) bool {
	for _, e := range vals {
		if math.Abs(v-e) <= 1e-8*math.Abs(e)+1e-12*norm {
			return true
		}
	}
	return false
}

// between reports whether v lies from first to last in w's order, within
// 1e-8 relative.
func between(w Which, v, first, last, norm float64) bool {
	slack := 1e-8*math.Max(math.Abs(first), math.Abs(last)) + 1e-12*norm
	return (!w.before(v, first) || math.Abs(v-first) <= slack) && (!w.before(last, v) || math.Abs(v-last) <= slack)
}
