package asm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// reluInputs are ±0, ±1, ±Inf, NaNs of both signs with payloads, the
// smallest subnormals, the largest floats, and random values over many
// magnitudes.
func reluInputs() []float32 {
	xs := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffc00123),
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		xs = append(xs, float32(r.NormFloat64()*math.Exp(r.Float64()*80-40)))
	}
	return xs
}

// reluBiases are the biases the ReLU kernels are tested with.
var reluBiases = []float32{0, 0.75, -1.5, float32(math.Inf(1))}

// TestReLU32Reference checks reluGo32 bit for bit against ReLU written with
// branches on x = z + bias: max(x, 0) as +0 at or below zero, σ' = 1 above
// zero and +0 at or below it, a NaN kept with σ' = that NaN, and d2 zeroed.
func TestReLU32Reference(t *testing.T) {
	xs := reluInputs()
	for _, bias := range reluBiases {
		z, d1, d2 := slices.Clone(xs), make([]float32, len(xs)), make([]float32, len(xs))
		for i := range d2 {
			d2[i] = 7
		}
		reluGo32(z, d1, d2, bias)
		for i, x := range xs {
			x += bias
			wz, wd := x, x
			switch {
			case x > 0:
				wd = 1
			case x == x:
				wz, wd = 0, 0
			}
			if math.Float32bits(z[i]) != math.Float32bits(wz) || math.Float32bits(d1[i]) != math.Float32bits(wd) || d2[i] != 0 {
				t.Errorf("relu(%v) = %v, %v, %v; want %v, %v, 0", x, z[i], d1[i], d2[i], wz, wd)
			}
		}
	}
}

// TestReLU32Levels runs every supported level's kernel against reluGo32, bit
// for bit, on every length up to 40 (so each vector width's tail is taken)
// and on the whole input set, with and without d2 and with each bias,
// checking that no element past the slices is written.
func TestReLU32Levels(t *testing.T) {
	xs := reluInputs()
	for level, kern := range ReLU32Kernels() {
		for n := 0; n <= len(xs); n++ {
			if n > 40 && n != len(xs) {
				continue
			}
			for k, withD2 := range []bool{false, true} {
				bias := reluBiases[(n+k)%len(reluBiases)]
				const guard = 5
				z := append(slices.Clone(xs[len(xs)-n:]), make([]float32, guard)...)
				d1 := make([]float32, n+guard)
				for i := range d1 {
					d1[i] = -3
				}
				wz, wd := slices.Clone(z), slices.Clone(d1)
				var d2, wd2 []float32
				if withD2 {
					d2, wd2 = make([]float32, n+guard), make([]float32, n+guard)
					for i := range d2 {
						d2[i], wd2[i] = 9, 9
					}
					d2, wd2 = d2[:n], wd2[:n]
				}
				kern(z[:n], d1[:n], d2, bias)
				reluGo32(wz[:n], wd[:n], wd2, bias)
				for i := range z {
					if math.Float32bits(z[i]) != math.Float32bits(wz[i]) || math.Float32bits(d1[i]) != math.Float32bits(wd[i]) {
						t.Fatalf("%s n=%d d2=%v bias %v element %d (x=%v): got %v, %v; want %v, %v", level, n, withD2, bias, i, xs[len(xs)-n+min(i, n-1)], z[i], d1[i], wz[i], wd[i])
					}
				}
				for i := range d2 {
					if d2[i] != 0 || d2[:n+guard][n+guard-1] != 9 {
						t.Fatalf("%s n=%d: d2 not zeroed within the slice only", level, n)
					}
				}
			}
		}
	}
}
