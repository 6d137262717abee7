package net

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/edge-of-stability/eos/linalg"
)

// TestLanczosOnExplicitNetHessian builds the Hessian of a small net's loss
// column by column from exact HVPs and checks that the eigen-solver, working
// on the HVP operator alone, agrees with gonum's dense EigenSym to 1e-8
// relative, at both ends of the (indefinite) spectrum.
func TestLanczosOnExplicitNetHessian(t *testing.T) {
	for _, loss := range []string{"mse", "ce"} {
		f := newHVPFixture(t, mustArch(t, "fc-tanh", []int{6, 5}, 4, 3, "standard"), floatSet(5, 13, 4, 3, 3), loss, 9)
		obj, n := f.o, f.m.NumParams()
		cols := mat.NewDense(n, n, nil)
		e, col := make([]float64, n), make([]float64, n)
		for j := 0; j < n; j++ {
			clear(e)
			e[j] = 1
			obj.HVP64(e, col)
			cols.SetCol(j, col)
		}
		h := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				h.SetSym(i, j, (cols.At(i, j)+cols.At(j, i))/2)
			}
		}
		var es mat.EigenSym
		if !es.Factorize(h, false) {
			t.Fatal("EigenSym failed")
		}
		dense := es.Values(nil) // ascending
		for _, which := range []linalg.Which{linalg.LargestAlgebraic, linalg.SmallestAlgebraic} {
			res, err := linalg.Eigs(n, obj.HVP64, linalg.EigOptions{K: 3, Which: which, Tol: 1e-11, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			for k, got := range res.Values {
				want := dense[len(dense)-1-k]
				if which == linalg.SmallestAlgebraic {
					want = dense[k]
				}
				if math.Abs(got-want) > 1e-8*math.Abs(dense[len(dense)-1]) {
					t.Errorf("%s %v eigenvalue %d: Lanczos %.12g, dense %.12g", loss, which, k, got, want)
				}
			}
		}
		if dense[0] >= 0 {
			t.Logf("%s: the Hessian happens to be positive semi-definite here", loss)
		}
	}
}
