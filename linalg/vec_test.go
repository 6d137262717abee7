package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// testStandardize checks every supported StandardizeU8 kernel against a
// float64 loop, for lengths 0..100 and a long row, and that nothing past
// len(dst) is written.
func testStandardize[E asm.Elem](t *testing.T, kernels map[string]asm.Standardize[E]) {
	rng := rand.New(rand.NewPCG(11, 12))
	eps := 0x1p-52
	if unsafe.Sizeof(E(0)) == 4 {
		eps = 0x1p-23
	}
	lengths := []int{3072}
	for n := 0; n <= 100; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		src := make([]uint8, n+5)
		scale, shift := make([]E, n+5), make([]E, n+5)
		for i := range src {
			src[i] = uint8(rng.IntN(256))
			scale[i] = E(rng.Float64()*0.1 + 0.001)
			shift[i] = E(rng.Float64()*4 - 2)
		}
		for level, kern := range kernels {
			dst := make([]E, n+3)
			for i := range dst {
				dst[i] = E(math.NaN())
			}
			kern(dst[:n], src, scale, shift)
			for i, v := range dst {
				if i >= n {
					if !math.IsNaN(float64(v)) {
						t.Fatalf("%s n=%d: dst[%d] past the end written", level, n, i)
					}
					continue
				}
				want := float64(src[i])*float64(scale[i]) + float64(shift[i])
				bound := 4 * eps * (float64(src[i])*float64(scale[i]) + math.Abs(float64(shift[i])))
				if d := math.Abs(float64(v) - want); !(d <= bound) {
					t.Fatalf("%s n=%d: dst[%d] = %v, want %v", level, n, i, v, want)
				}
			}
		}
	}
}

func TestStandardize32(t *testing.T) { testStandardize(t, asm.Standardize32Kernels()) }

func TestStandardize64(t *testing.T) { testStandardize(t, asm.Standardize64Kernels()) }

// TestStandardizeU8 checks the public front-end on float32 and its panic on
// short inputs.
func TestStandardizeU8(t *testing.T) {
	dst := make([]float32, 3)
	StandardizeU8(dst, []uint8{0, 10, 255}, []float32{1, 0.5, 2}, []float32{-1, 1, 0.5})
	want := []float32{-1, 6, 510.5}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("StandardizeU8 = %v, want %v", dst, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("StandardizeU8 with a short scale did not panic")
		}
	}()
	StandardizeU8(dst, []uint8{1, 2, 3}, []float32{1, 2}, []float32{1, 2, 3})
}

// randVec returns n uniform values in [-1, 1).
func randVec[E asm.Elem](rng *rand.Rand, n int) []E {
	v := make([]E, n)
	for i := range v {
		v[i] = E(rng.Float64()*2 - 1)
	}
	return v
}

// testVectorOps checks every supported level's Axpy, Dot and Scale, and
// the public front-ends, against float64 loops.
func testVectorOps[E asm.Elem](t *testing.T, kernels map[string]asm.VecOps[E]) {
	kernels["front-end"] = asm.VecOps[E]{
		Axpy:  Axpy[E],
		Dot:   func(x, y []E) float64 { return float64(Dot(x, y)) },
		Scale: Scale[E],
	}
	rng := rand.New(rand.NewPCG(13, 14))
	eps := 0x1p-52
	if unsafe.Sizeof(E(0)) == 4 {
		eps = 0x1p-23
	}
	for _, n := range []int{0, 1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1001} {
		x, y := randVec[E](rng, n), randVec[E](rng, n)
		alpha := E(rng.Float64()*4 - 2)
		var dot, abs float64
		for i := range x {
			dot += float64(x[i]) * float64(y[i])
			abs += math.Abs(float64(x[i]) * float64(y[i]))
		}
		for level, ops := range kernels {
			if got := ops.Dot(x, y); math.Abs(got-dot) > 2*eps*abs+2*eps*math.Abs(dot) {
				t.Fatalf("%s n=%d: Dot = %v, want %v", level, n, got, dot)
			}
			yy := append([]E(nil), y...)
			ops.Axpy(alpha, x, yy)
			for i := range yy {
				want := float64(y[i]) + float64(alpha)*float64(x[i])
				if d := math.Abs(float64(yy[i]) - want); d > 2*eps*(math.Abs(float64(y[i]))+math.Abs(float64(alpha*x[i]))) {
					t.Fatalf("%s n=%d: Axpy[%d] = %v, want %v", level, n, i, yy[i], want)
				}
			}
			xx := append([]E(nil), x...)
			ops.Scale(alpha, xx)
			for i := range xx {
				want := float64(alpha) * float64(x[i])
				if d := math.Abs(float64(xx[i]) - want); d > eps*math.Abs(want) {
					t.Fatalf("%s n=%d: Scale[%d] = %v, want %v", level, n, i, xx[i], want)
				}
			}
		}
	}
}

func TestVectorOps32(t *testing.T) { testVectorOps(t, asm.Vec32Kernels()) }

func TestVectorOps64(t *testing.T) { testVectorOps(t, asm.Vec64Kernels()) }

// TestVectorLengthMismatch checks that Axpy and Dot reject vectors of
// different lengths.
func TestVectorLengthMismatch(t *testing.T) {
	for name, f := range map[string]func(){
		"Axpy": func() { Axpy(1, make([]float32, 3), make([]float32, 4)) },
		"Dot":  func() { Dot(make([]float64, 3), make([]float64, 2)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s of mismatched lengths did not panic", name)
				}
			}()
			f()
		}()
	}
}
