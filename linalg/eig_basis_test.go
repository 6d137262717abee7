package linalg

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// TestOrthogonalize checks the blocked Gram–Schmidt against its definition
// on vectors longer than many blocks (with a ragged last block): w ends
// orthogonal to the basis, the coefficients it reports rebuild the removed
// part (w_before = w_after + Σ cᵢ·bᵢ), the two norms are w's, and every
// output is bitwise the same for 1, 2 and 3 goroutines.
func TestOrthogonalize(t *testing.T) {
	const n, nb = gramBlock*gramMinBlocks*3 + 777, 9
	rng := newRand(7)
	basis := make([][]float64, 0, nb)
	for len(basis) < nb {
		v := make([]float64, n)
		if !randomUnit(v, basis, rng, 1) {
			t.Fatal("no random direction")
		}
		basis = append(basis, v)
	}
	for i, a := range basis {
		for j, b := range basis {
			want := 0.0
			if i == j {
				want = 1
			}
			if d := floats.Dot(a, b); math.Abs(d-want) > 1e-13 {
				t.Fatalf("basis not orthonormal: ⟨b%d, b%d⟩ = %g", i, j, d)
			}
		}
	}
	w0 := make([]float64, n)
	for i := range w0 {
		w0[i] = rng.NormFloat64()
	}
	// Give w0 large components along the basis, so the passes cancel a lot.
	for i, b := range basis {
		floats.AddScaled(w0, 100*float64(i+1), b)
	}
	var ref []float64
	var refCoef []float64
	var refBefore, refAfter float64
	for _, threads := range []int{1, 2, 3} {
		w := append([]float64(nil), w0...)
		coef := make([]float64, nb+1)
		coef[nb] = 42 // beyond len(basis): must stay as it is
		before, after := orthogonalize(w, basis, coef, threads)
		if threads == 1 {
			ref, refCoef, refBefore, refAfter = w, coef, before, after
			if rel := math.Abs(before-norm2(w0)) / norm2(w0); rel > 1e-14 {
				t.Errorf("before = %v, ‖w‖ = %v", before, norm2(w0))
			}
			if rel := math.Abs(after-norm2(w)) / norm2(w); rel > 1e-14 {
				t.Errorf("after = %v, ‖w‖ = %v", after, norm2(w))
			}
			for i, b := range basis {
				if d := floats.Dot(b, w); math.Abs(d) > 1e-12*after {
					t.Errorf("⟨b%d, w⟩ = %g after orthogonalizing", i, d)
				}
			}
			rebuilt := append([]float64(nil), w...)
			for i, b := range basis {
				floats.AddScaled(rebuilt, coef[i], b)
			}
			if d := floats.Distance(rebuilt, w0, 2); d > 1e-12*norm2(w0) {
				t.Errorf("w + Σ cᵢ·bᵢ is %g from the input", d)
			}
			if coef[nb] != 42 {
				t.Errorf("coef[%d] changed to %v", nb, coef[nb])
			}
			continue
		}
		if before != refBefore || after != refAfter {
			t.Errorf("%d threads: norms %v, %v; one thread %v, %v", threads, before, after, refBefore, refAfter)
		}
		for i := range w {
			if math.Float64bits(w[i]) != math.Float64bits(ref[i]) {
				t.Fatalf("%d threads: w[%d] = %v, one thread %v", threads, i, w[i], ref[i])
			}
		}
		for i := range coef {
			if math.Float64bits(coef[i]) != math.Float64bits(refCoef[i]) {
				t.Fatalf("%d threads: coef[%d] = %v, one thread %v", threads, i, coef[i], refCoef[i])
			}
		}
	}
}

// BenchmarkOrthogonalize times one Gram–Schmidt step of a W1-sized solve
// (656,810 coordinates against 16 basis vectors) on 1 and 2 goroutines.
func BenchmarkOrthogonalize(b *testing.B) {
	const n, nb = 656810, 16
	rng := newRand(3)
	basis := make([][]float64, nb)
	for i := range basis {
		basis[i] = make([]float64, n)
		randomUnit(basis[i], basis[:i], rng, 2)
	}
	w0 := make([]float64, n)
	for i := range w0 {
		w0[i] = rng.NormFloat64()
	}
	w := make([]float64, n)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			b.SetBytes(3 * nb * n * 8)
			for b.Loop() {
				copy(w, w0)
				orthogonalize(w, basis, nil, threads)
			}
		})
	}
}

// TestExtrapolate checks the warm start of a trajectory: two unit vectors
// turning on great circles at a constant speed, handed over in the other
// order and one with its sign flipped, come out as their next positions to
// third order in the angle, while a vector that turned too far is replaced
// by its latest position.
func TestExtrapolate(t *testing.T) {
	const n, step = 50, 0.1
	rng := newRand(5)
	basis := make([][]float64, 6)
	for i := range basis {
		basis[i] = make([]float64, n)
		randomUnit(basis[i], basis[:i], rng, 1)
	}
	// at is the unit vector at angle θ in the plane of basis[p], basis[p+1].
	at := func(p int, theta float64) []float64 {
		v := make([]float64, n)
		floats.AddScaled(v, math.Cos(theta), basis[p])
		floats.AddScaled(v, math.Sin(theta), basis[p+1])
		return v
	}
	angle := func(a, b []float64) float64 {
		c := math.Abs(floats.Dot(a, b)) / (norm2(a) * norm2(b))
		return math.Acos(min(1, c))
	}
	older := [][]float64{at(2, 0), at(0, 0)}
	latest := [][]float64{at(0, step), at(2, step)}
	floats.Scale(-1, older[0])
	Extrapolate(older, latest)
	for i, p := range []int{2, 0} {
		next := at(p, 2*step)
		if e := angle(older[i], next); e > step/50 {
			t.Errorf("vector %d: extrapolation %.2g rad from the next position (the latest is %.2g away)", i, e, angle(latest[1-i], next))
		}
		if floats.Dot(older[i], next) < 0 {
			t.Errorf("vector %d: extrapolation points away from the latest", i)
		}
	}
	far := [][]float64{at(4, 0)}
	moved := [][]float64{at(4, 1.2)} // cos 1.2 < 1/2
	Extrapolate(far, moved)
	if !floats.Equal(far[0], moved[0]) {
		t.Error("a vector that turned by 1.2 rad was extrapolated, not replaced by its latest position")
	}
	defer func() {
		if recover() == nil {
			t.Error("Extrapolate accepted one older vector for two latest")
		}
	}()
	Extrapolate(far, latest)
}
