package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// testStandardize checks every supported level's Standardize kernel against
// a float64 loop, for 1..5 rows of widths 0..70, 100, 240, 256 and 3072, with
// contiguous and strided rows, misaligned pointers and NaN guard cells
// around every output row that must stay untouched; and that it panics on
// arguments that do not fit.
func testStandardize[E asm.Elem](t *testing.T, kernels map[string]asm.Standardize[E]) {
	rng := rand.New(rand.NewPCG(11, 12))
	eps := 0x1p-52
	if unsafe.Sizeof(E(0)) == 4 {
		eps = 0x1p-23
	}
	widths := []int{100, 240, 256, 3072}
	for n := 0; n <= 70; n++ {
		widths = append(widths, n)
	}
	const pre, post = 3, 4 // guard cells before the first and after the last output row
	for _, n := range widths {
		for rows := 1; rows <= 5; rows++ {
			for _, gap := range []int{0, 5} { // ld-n and dstStride-n
				ld, dstStride := n+gap+rows%3, n+gap
				src := make([]uint8, 1+(rows-1)*ld+n)
				for i := range src {
					src[i] = uint8(rng.IntN(256))
				}
				src[0], src[len(src)-1] = 0, 255
				src = src[1:] // misaligned
				scale, shift := make([]E, n), make([]E, n+5)
				for j := range scale {
					scale[j] = E(rng.Float64()*0.1 + 0.001)
				}
				for j := range shift {
					shift[j] = E(rng.Float64()*4 - 2)
				}
				for level, kern := range kernels {
					buf := make([]E, pre+(rows-1)*dstStride+n+post)
					for i := range buf {
						buf[i] = E(math.NaN())
					}
					kern(buf[pre:len(buf)-post], dstStride, src, ld, rows, scale, shift)
					for i, v := range buf {
						l, j := rows, 0
						if i >= pre && dstStride > 0 {
							l, j = (i-pre)/dstStride, (i-pre)%dstStride
						}
						if l >= rows || j >= n {
							if !math.IsNaN(float64(v)) {
								t.Fatalf("%s n=%d rows=%d gap=%d: guard cell %d written", level, n, rows, gap, i)
							}
							continue
						}
						p, sc, sh := float64(src[l*ld+j]), float64(scale[j]), float64(shift[j])
						want := p*sc + sh
						bound := 4 * eps * (p*sc + math.Abs(sh))
						if d := math.Abs(float64(v) - want); !(d <= bound) {
							t.Fatalf("%s n=%d rows=%d gap=%d: dst[%d*%d+%d] = %v, want %v",
								level, n, rows, gap, l, dstStride, j, v, want)
						}
					}
				}
			}
		}
	}
	// rows ≤ 0 and n = 0 write nothing, whatever the rest.
	for level, kern := range kernels {
		kern(nil, -1, nil, -1, 0, make([]E, 8), make([]E, 8))
		kern(nil, -1, nil, -1, 3, nil, nil)
		for name, call := range map[string]func(){
			"short src":        func() { kern(make([]E, 40), 20, make([]uint8, 39), 20, 2, make([]E, 20), make([]E, 20)) },
			"short dst":        func() { kern(make([]E, 39), 20, make([]uint8, 40), 20, 2, make([]E, 20), make([]E, 20)) },
			"short shift":      func() { kern(make([]E, 40), 20, make([]uint8, 40), 20, 2, make([]E, 20), make([]E, 19)) },
			"overlapping rows": func() { kern(make([]E, 40), 19, make([]uint8, 40), 20, 2, make([]E, 20), make([]E, 20)) },
			"negative ld":      func() { kern(make([]E, 40), 20, make([]uint8, 40), -20, 2, make([]E, 20), make([]E, 20)) },
			"huge ld":          func() { kern(make([]E, 40), 20, make([]uint8, 40), 1<<62, 5, make([]E, 20), make([]E, 20)) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: Standardize with a %s did not panic", level, name)
					}
				}()
				call()
			}()
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
