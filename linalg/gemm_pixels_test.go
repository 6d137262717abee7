package linalg

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/asm"
)

// TestGemmPixels checks the public pixel GEMMs against the float GEMM on the
// same values standardised by StandardizeU8, for the first layer's forward
// (pixels as A) and weight-gradient (pixels as B) products, at 1 and 2
// threads, with an epilogue that must see every element once.
func TestGemmPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const rows, in, out = 37, 300, 21
	u := make([]uint8, rows*in)
	for i := range u {
		u[i] = uint8(rng.IntN(256))
	}
	scale, shift := make([]float32, in), make([]float32, in)
	for j := range scale {
		scale[j], shift[j] = float32(rng.Float64()/100), float32(rng.Float64()-0.5)
	}
	x := make([]float32, rows*in)
	for r := 0; r < rows; r++ {
		StandardizeU8(x[r*in:(r+1)*in], u[r*in:(r+1)*in], scale, shift)
	}
	w := make([]float32, out*in)
	dz := make([]float32, rows*out)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	for i := range dz {
		dz[i] = float32(rng.NormFloat64())
	}
	px := Pixels[float32]{U: u, Ld: in, Scale: scale, Shift: shift}
	for _, threads := range []int{1, 2} {
		want, got := make([]float32, rows*out), make([]float32, rows*out)
		ParallelGemm(threads, NoTrans, Trans, rows, out, in, 0.5, x, in, w, in, 0, want, out)
		ep := &countingEpilogue{ld: out, seen: make([]int, rows*out)}
		GemmPixelsA(threads, Trans, rows, out, in, 0.5, px, w, in, 0, got, out, ep)
		checkNear(t, "GemmPixelsA", got, want, 1e-4)
		ep.checkOnce(t)

		wantG, gotG := make([]float32, out*in), make([]float32, out*in)
		ParallelGemm(threads, Trans, NoTrans, out, in, rows, 2, dz, out, x, in, 0, wantG, in)
		GemmPixelsB(threads, Trans, out, in, rows, 2, dz, out, px, 0, gotG, in, nil)
		checkNear(t, "GemmPixelsB", gotG, wantG, 1e-4)
	}
	for name, f := range map[string]func(){
		"short pixels": func() {
			GemmPixelsA(1, Trans, rows+1, out, in, 1, px, w, in, 0, make([]float32, (rows+1)*out), out, nil)
		},
		"short scales": func() {
			GemmPixelsB(1, Trans, out, in, rows, 1, dz, out, Pixels[float32]{U: u, Ld: in, Scale: scale[:10], Shift: shift}, 0, make([]float32, out*in), in, nil)
		},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "pixel operand") {
					t.Errorf("%s: panic %v, want one naming the pixel operand", name, r)
				}
			}()
			f()
		}()
	}
}

// countingEpilogue records how often each element of an ld-wide C is finished.
type countingEpilogue struct {
	ld   int
	seen []int
}

func (e *countingEpilogue) Finish(i0, rows, j0, cols int) {
	for i := i0; i < i0+rows; i++ {
		for j := j0; j < j0+cols; j++ {
			e.seen[i*e.ld+j]++
		}
	}
}

func (e *countingEpilogue) checkOnce(t *testing.T) {
	t.Helper()
	for i, n := range e.seen {
		if n != 1 {
			t.Fatalf("epilogue finished element %d %d times, want once", i, n)
		}
	}
}

// checkNear fails unless got and want agree to rel relative to want's largest magnitude.
func checkNear(t *testing.T, name string, got, want []float32, rel float64) {
	t.Helper()
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= rel*scale) {
			t.Fatalf("%s: element %d = %v, want %v", name, i, got[i], want[i])
		}
	}
}

// TestSwappedProduct checks the transposed-product path (see swapPays) on a
// shape that takes it for each kernel with a partial edge panel, in every
// layout, with float and pixel operands, at 1 to 3 threads; and that the
// first layer's forward product takes it on the AVX-512 float32 kernel.
func TestSwappedProduct(t *testing.T) {
	for _, kern := range asm.SgemmKernels() {
		g := gemmArgs[float32]{m: 256, n: 200, k: 3072}
		if kern.Level == "avx512" && !swapPays(&kern, &g) {
			t.Errorf("avx512: the 256×3072×200 forward product does not take the transposed path")
		}
	}
	testSwapped(t, asm.SgemmKernels())
	testSwapped(t, asm.DgemmKernels())
}

func testSwapped[E asm.Elem](t *testing.T, kernels []asm.Kernel[E]) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, kern := range kernels {
		// Wide enough for the write-back to be split over the threads.
		m, n, k := 16*kern.NR, 5*kern.NR+kern.MR, 1000
		g := gemmArgs[E]{m: m, n: n, k: k}
		if !swapPays(&kern, &g) {
			continue
		}
		for i, lay := range allLayouts {
			sc := scalars[i%len(scalars)]
			tc := gemmCase{tA: lay[0], tB: lay[1], m: m, n: n, k: k, alpha: sc[0], beta: sc[1],
				padA: 1, padB: 2, padC: 3, threads: 1 + i%3, pixA: i == 1, pixB: i >= 2}
			newProblem[E](tc, rng).check(t, kern)
		}
	}
}
