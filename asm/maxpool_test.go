package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// maxPoolBranches is 2×2 max pooling written the plain way: take a window
// element when it is greater than the best so far or NaN.
func maxPoolBranches(x []float32, w int, y []float32, idx []int32, ow, rows, base int) {
	for r := range rows {
		for o := range ow {
			at := 2*r*w + 2*o
			best, arg := x[at], at
			for _, j := range []int{at + 1, at + w, at + w + 1} {
				if v := x[j]; v > best || v != v {
					best, arg = v, j
				}
			}
			y[r*ow+o], idx[r*ow+o] = best, int32(base+arg)
		}
	}
}

// poolValues draws n inputs from a small set, so that windows hold ties,
// ±0, ±Inf and NaNs of both signs often, and from a continuous range.
func poolValues(r *rand.Rand, n int) []float32 {
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 2, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -float32(math.NaN()), math.Float32frombits(0x7fc00042), -math.MaxFloat32}
	x := make([]float32, n)
	for i := range x {
		if r.IntN(3) == 0 {
			x[i] = special[r.IntN(len(special))]
		} else {
			x[i] = float32(r.NormFloat64())
		}
	}
	return x
}

// TestMaxPool2x2Levels runs every supported level's kernel, and the
// reference maxPoolGo32, against maxPoolBranches bit for bit on outputs
// 1–21 wide (vector bodies and tails), input rows exactly two windows wide
// and wider, 1–3 output rows and a non-zero base, with guard cells after y
// and idx that must stay untouched.
func TestMaxPool2x2Levels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	kernels := MaxPool2x2Kernels()
	if len(kernels) < 2 && len(Levels()) > 1 && Levels()[1].Supported {
		t.Fatalf("only %d max-pooling kernels for a CPU with SIMD", len(kernels))
	}
	for ow := 1; ow <= 21; ow++ {
		for _, extra := range []int{0, 1, 3} {
			w := 2*ow + extra
			for rows := 1; rows <= 3; rows++ {
				x := poolValues(r, 2*rows*w)
				base := r.IntN(1000)
				const guard = 3
				wy, wi := make([]float32, rows*ow), make([]int32, rows*ow)
				maxPoolBranches(x, w, wy, wi, ow, rows, base)
				check := func(name string, k MaxPool2x2) {
					y, ix := make([]float32, rows*ow+guard), make([]int32, rows*ow+guard)
					for i := range y {
						y[i], ix[i] = 42, -7
					}
					k(x, w, y[:rows*ow], ix[:rows*ow], ow, rows, base)
					for i := range wy {
						if math.Float32bits(y[i]) != math.Float32bits(wy[i]) || ix[i] != wi[i] {
							t.Fatalf("%s ow=%d w=%d rows=%d output %d: got %v at %d, want %v at %d", name, ow, w, rows, i, y[i], ix[i], wy[i], wi[i])
						}
					}
					for i := rows * ow; i < len(y); i++ {
						if y[i] != 42 || ix[i] != -7 {
							t.Fatalf("%s ow=%d w=%d rows=%d wrote past the output", name, ow, w, rows)
						}
					}
				}
				check("maxPoolGo32", maxPoolGo32)
				for level, k := range kernels {
					check(level, k)
				}
			}
		}
	}
}
