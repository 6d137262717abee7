package net

import (
	"math"
	"testing"
)

// TestTanh32AgainstMathTanh checks the float32 tanh against math.Tanh on a
// dense grid across the whole range, including the clamp and the tiny-x
// branch, and the derived σ' and σ″ against the float64 activation.
func TestTanh32AgainstMathTanh(t *testing.T) {
	worst := 0.0
	for i := -1_200_000; i <= 1_200_000; i++ {
		x := float32(float64(i) * 1e-5)
		want := math.Tanh(float64(x))
		got := float64(tanh32(x))
		if err := math.Abs(got-want) / math.Max(math.Abs(want), 1e-30); err > worst {
			worst = err
		}
	}
	if worst > 5e-7 {
		t.Fatalf("tanh32 relative error %.3g, want ≤ 5e-7 (about 4 float32 ulp)", worst)
	}
	for _, x := range []float32{20, -20, 1e-30, -3e-5} {
		if got, want := float64(tanh32(x)), math.Tanh(float64(x)); math.Abs(got-want) > 4e-7*math.Max(math.Abs(want), 1e-30) {
			t.Errorf("tanh32(%g) = %g, want %g", x, got, want)
		}
	}
	if v := tanh32(float32(math.NaN())); !math.IsNaN(float64(v)) {
		t.Errorf("tanh32(NaN) = %v", v)
	}
	z := []float32{-3, -0.5, 0, 0.25, 2}
	d1, d2 := make([]float32, len(z)), make([]float32, len(z))
	x := append([]float32(nil), z...)
	tanhSlice32(z, d1, d2)
	for i := range x {
		f, g, h := activations[actTanh](float64(x[i]))
		if math.Abs(float64(z[i])-f) > 1e-6 || math.Abs(float64(d1[i])-g) > 1e-6 || math.Abs(float64(d2[i])-h) > 1e-6 {
			t.Errorf("x=%g: got (%g, %g, %g), want (%g, %g, %g)", x[i], z[i], d1[i], d2[i], f, g, h)
		}
	}
}
