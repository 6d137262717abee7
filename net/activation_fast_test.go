package net

import (
	"math"
	"slices"
	"testing"
)

// TestFastTanh32MatchesActivation checks the float32 tanh slice kernel the
// network uses against the float64 tanh activation (σ, σ', σ″), with and
// without σ″, on a grid across and beyond the clamp plus NaN. The kernels'
// own accuracy is tested in package asm.
func TestFastTanh32MatchesActivation(t *testing.T) {
	var x []float32
	for v := -10.0; v <= 10; v += 0.01 {
		x = append(x, float32(v))
	}
	x = append(x, 1e-30, -3e-5, float32(math.NaN()))
	for _, withD2 := range []bool{false, true} {
		z := append([]float32(nil), x...)
		d1 := make([]float32, len(z))
		var d2 []float32
		if withD2 {
			d2 = make([]float32, len(z))
		}
		fastActivations32[actTanh](z, d1, d2)
		for i, xi := range x {
			f, g, h := activations[actTanh](float64(xi))
			if math.IsNaN(f) {
				if !math.IsNaN(float64(z[i])) || !math.IsNaN(float64(d1[i])) || withD2 && !math.IsNaN(float64(d2[i])) {
					t.Errorf("x=NaN: got (%g, %g), want NaNs", z[i], d1[i])
				}
				continue
			}
			bad := math.Abs(float64(z[i])-f) > 1e-6 || math.Abs(float64(d1[i])-g) > 1e-6
			if withD2 {
				// Past the clamp σ″ is 0 where |σ″| < 2(1 − tanh 7.9053) ≈ 1.08e-6.
				bad = bad || math.Abs(float64(d2[i])-h) > 1.2e-6
			}
			if bad {
				t.Errorf("x=%g (d2 %v): got (%g, %g), want (%g, %g, %g)", xi, withD2, z[i], d1[i], f, g, h)
			}
		}
	}
}

// TestFastReLU32MatchesActivation checks the float32 ReLU slice kernel the
// network uses against the element function on special values and random
// ones, bit for bit (the kernels of every level are tested in package asm).
func TestFastReLU32MatchesActivation(t *testing.T) {
	xs := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32}
	for i := range 1000 {
		xs = append(xs, float32(math.Sin(float64(i))*math.Exp(float64(i%40-20))))
	}
	z, d1 := slices.Clone(xs), make([]float32, len(xs))
	fastActivations32[actReLU](z, d1, nil)
	for i, x := range xs {
		f, g, _ := activations[actReLU](float64(x))
		if math.Float32bits(z[i]) != math.Float32bits(float32(f)) && !(math.IsNaN(f) && z[i] != z[i]) ||
			math.Float32bits(d1[i]) != math.Float32bits(float32(g)) && !(math.IsNaN(g) && d1[i] != d1[i]) {
			t.Errorf("relu(%v) = %v, %v; element function %v, %v", x, z[i], d1[i], f, g)
		}
	}
}
