//go:build slow

package linalg

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"
	"time"
)

// TestMillionDimensional solves a 10^6-dimensional diagonal operator with a
// known spectrum (outliers above a random bulk, a large negative one) and
// checks the values, the matvec counts and the memory held.
func TestMillionDimensional(t *testing.T) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(11, 12))
	diag := make([]float64, n)
	for i := range diag {
		diag[i] = -1 + 4*rng.Float64()
	}
	copy(diag, []float64{50, 45, 41, 38, 36, 35, -60})
	sorted := append([]float64(nil), diag...)
	sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
	op := func(v, out []float64) {
		for i, d := range diag {
			out[i] = d * v[i]
		}
	}
	for _, s := range eigSolvers[:2] {
		for _, k := range []int{1, 6} {
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			res, err := s.fn(n, op, EigOptions{K: k, Tol: 1e-6, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			t.Logf("%s K=%d: %d matvecs in %v, %.0f MB allocated", s.name, k, res.MatVecs, time.Since(start), float64(after.TotalAlloc-before.TotalAlloc)/1e6)
			if !res.Converged {
				t.Errorf("%s K=%d: not converged", s.name, k)
			}
			for i, v := range res.Values {
				if math.Abs(v-sorted[i]) > 1e-5*sorted[i] {
					t.Errorf("%s K=%d: value %d = %g, want %g", s.name, k, i, v, sorted[i])
				}
			}
		}
	}
}
