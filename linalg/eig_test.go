package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// eigTestSpectrum returns n eigenvalues: the given outliers (truncated to n)
// followed by a bulk drawn uniformly from [lo, hi].
func eigTestSpectrum(n int, outliers []float64, lo, hi float64, rng *rand.Rand) []float64 {
	vals := append([]float64(nil), outliers[:min(n, len(outliers))]...)
	for len(vals) < n {
		vals = append(vals, lo+(hi-lo)*rng.Float64())
	}
	return vals
}

// eigTestMatrix builds the named test matrix of size n.
func eigTestMatrix(kind string, n int, rng *rand.Rand) *mat.SymDense {
	switch kind {
	case "gaussian": // GOE: entries N(0, 1/n), spectrum a semicircle on [−2, 2]
		a := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				a.SetSym(i, j, rng.NormFloat64()/math.Sqrt(float64(n)))
			}
		}
		return a
	case "close":
		return withSpectrum(eigTestSpectrum(n, []float64{10, 9.9, 9.8, 7, 6.9, 6, 5.9, -6.3, -6.2, -6.1, -5.7, -5.6, -5.5}, -2, 3, rng), rng)
	case "repeated":
		return withSpectrum(eigTestSpectrum(n, []float64{10, 10, 10, 7, 7, 6, 6, -5, -5, -5, -4, -4, -4}, -2, 3, rng), rng)
	case "negative-top": // largest magnitude is negative
		return withSpectrum(eigTestSpectrum(n, []float64{-20, 10, -15, 8, -12, 6, -11, 5, -10.5, 4.5, -10.2, 4, -9.6, 3.8}, -5, 3, rng), rng)
	case "identity":
		a := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			a.SetSym(i, i, 3)
		}
		return a
	}
	panic("unknown test matrix " + kind)
}

// TestSolversAgainstEigenSym checks both methods against a dense
// eigendecomposition over sizes, spectra, K and Which at Tol = 1e-10.
func TestSolversAgainstEigenSym(t *testing.T) {
	kinds := []string{"gaussian", "close", "repeated", "negative-top", "identity"}
	for _, n := range []int{1, 2, 7, 50, 300} {
		for ki, kind := range kinds {
			a := eigTestMatrix(kind, n, rand.New(rand.NewPCG(uint64(n), uint64(ki))))
			for _, which := range []Which{LargestAlgebraic, LargestMagnitude, SmallestAlgebraic} {
				want := oracleValues(t, a, which)
				for _, k := range []int{1, 2, 6} {
					if k > n {
						continue
					}
					for _, s := range eigSolvers {
						t.Run(fmt.Sprintf("%s/n=%d/%s/%v/K=%d", s.name, n, kind, which, k), func(t *testing.T) {
							var calls int
							opt := EigOptions{K: k, Which: which, Tol: 1e-10, MaxIter: 3000, Seed: 7}
							res, err := s.fn(n, denseOp(a, &calls), opt)
							if err != nil {
								t.Fatal(err)
							}
							if calls != res.MatVecs {
								t.Errorf("reported %d matvecs, operator called %d times", res.MatVecs, calls)
							}
							checkSolution(t, a, opt, res, want, s.copies)
						})
					}
				}
			}
		}
	}
}

// TestWhichPicksTheRightEnd checks on a matrix whose largest-magnitude
// eigenvalue is negative that the default returns the positive top and
// LargestMagnitude the negative one.
func TestWhichPicksTheRightEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := withSpectrum(eigTestSpectrum(80, []float64{-20, 10}, -3, 3, rng), rng)
	for _, s := range eigSolvers {
		for _, c := range []struct {
			which Which
			want  float64
		}{{LargestAlgebraic, 10}, {LargestMagnitude, -20}, {SmallestAlgebraic, -20}} {
			var calls int
			res, err := s.fn(80, denseOp(a, &calls), EigOptions{K: 1, Which: c.which, Tol: 1e-10})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(res.Values[0]-c.want) > 1e-8 {
				t.Errorf("%s %v: got %.12g, want %g", s.name, c.which, res.Values[0], c.want)
			}
		}
	}
}

// TestSeededDeterminism checks that the same seed gives bit-identical results.
func TestSeededDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := eigTestMatrix("close", 120, rng)
	for _, s := range eigSolvers {
		var calls int
		opt := EigOptions{K: 2, Tol: 1e-8, Seed: 42}
		r1, err1 := s.fn(120, denseOp(a, &calls), opt)
		r2, err2 := s.fn(120, denseOp(a, &calls), opt)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !reflect.DeepEqual(r1, r2) {
			t.Errorf("%s: two solves with seed 42 differ", s.name)
		}
	}
}

// TestWarmStartSavesMatVecs checks that starting from the eigenvectors of a
// nearby matrix needs fewer operator applications than a cold start.
func TestWarmStartSavesMatVecs(t *testing.T) {
	const n = 200
	rng := rand.New(rand.NewPCG(5, 6))
	a := eigTestMatrix("negative-top", n, rng)
	pert := eigTestMatrix("gaussian", n, rng)
	b := mat.NewSymDense(n, nil)
	b.AddSym(a, pert) // ‖pert‖ ≈ 2 against ‖a‖ = 20: a 10% perturbation
	for _, s := range eigSolvers {
		for _, k := range []int{1, 2, 6} {
			var calls int
			prev, err := s.fn(n, denseOp(a, &calls), EigOptions{K: k, Tol: 1e-8, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			opt := EigOptions{K: k, Tol: 1e-8, Seed: 2}
			cold, err := s.fn(n, denseOp(b, &calls), opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.Start = prev.Vectors
			warm, err := s.fn(n, denseOp(b, &calls), opt)
			if err != nil {
				t.Fatal(err)
			}
			checkSolution(t, b, opt, warm, oracleValues(t, b, LargestAlgebraic), s.copies)
			if warm.MatVecs >= cold.MatVecs {
				t.Errorf("%s K=%d: warm start used %d matvecs, cold %d", s.name, k, warm.MatVecs, cold.MatVecs)
			}
		}
	}
}

// TestExactStartVectors checks the breakdown path: starting from exact
// eigenvectors makes the first Krylov direction vanish.
func TestExactStartVectors(t *testing.T) {
	const n = 60
	rng := rand.New(rand.NewPCG(7, 8))
	a := eigTestMatrix("repeated", n, rng)
	prevOpt := EigOptions{K: 3, Tol: 1e-12}
	for _, s := range eigSolvers {
		var calls int
		prev, err := s.fn(n, denseOp(a, &calls), prevOpt)
		if err != nil {
			t.Fatal(err)
		}
		opt := EigOptions{K: 3, Tol: 1e-10, Start: prev.Vectors}
		res, err := s.fn(n, denseOp(a, &calls), opt)
		if err != nil {
			t.Fatal(err)
		}
		checkSolution(t, a, opt, res, oracleValues(t, a, LargestAlgebraic), s.copies)
	}
}

// TestMaxIterIsHonoured checks that a capped solve stops at the cap and says
// it did not converge.
func TestMaxIterIsHonoured(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	a := eigTestMatrix("close", 200, rng)
	for _, s := range eigSolvers {
		var calls int
		res, err := s.fn(200, denseOp(a, &calls), EigOptions{K: 2, Tol: 1e-12, MaxIter: 9})
		if err != nil {
			t.Fatal(err)
		}
		if res.Converged || res.MatVecs > 9 || calls > 9 || len(res.Values) != 2 {
			t.Errorf("%s: converged=%v matvecs=%d calls=%d values=%d", s.name, res.Converged, res.MatVecs, calls, len(res.Values))
		}
	}
}

// TestZeroOperator checks that the zero matrix (every direction a breakdown)
// is solved.
func TestZeroOperator(t *testing.T) {
	for _, s := range eigSolvers {
		res, err := s.fn(10, func(v, out []float64) { clear(out) }, EigOptions{K: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Converged || res.Values[0] != 0 || res.Values[1] != 0 {
			t.Errorf("%s: %+v", s.name, res)
		}
	}
}

// TestInvalidOptions checks that bad arguments are errors.
func TestInvalidOptions(t *testing.T) {
	op := func(v, out []float64) { copy(out, v) }
	cases := []struct {
		name string
		n    int
		op   Operator
		opt  EigOptions
	}{
		{"nil operator", 3, nil, EigOptions{K: 1}},
		{"n=0", 0, op, EigOptions{K: 1}},
		{"K=0", 3, op, EigOptions{}},
		{"K>n", 3, op, EigOptions{K: 4}},
		{"bad Which", 3, op, EigOptions{K: 1, Which: 7}},
		{"negative Tol", 3, op, EigOptions{K: 1, Tol: -1}},
		{"MaxIter<K", 3, op, EigOptions{K: 2, MaxIter: 1}},
		{"short start", 3, op, EigOptions{K: 1, Start: [][]float64{{1, 2}}}},
	}
	for _, s := range eigSolvers {
		for _, c := range cases {
			if _, err := s.fn(c.n, c.op, c.opt); err == nil {
				t.Errorf("%s %s: no error", s.name, c.name)
			}
		}
	}
}

// TestLanczosBasisMemoryIsBounded checks the restart size for a large
// operator keeps the basis within its memory cap.
func TestLanczosBasisMemoryIsBounded(t *testing.T) {
	const n = 1_000_000
	opt, err := EigOptions{K: 2}.resolve(n, func(v, out []float64) {})
	if err != nil {
		t.Fatal(err)
	}
	l := newLanczos(n, func(v, out []float64) {}, opt)
	if got := (l.maxCols + 1) * n; got > lanczosBasisFloats {
		t.Errorf("basis of %d floats exceeds the cap %d", got, lanczosBasisFloats)
	}
}
