package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/edge-of-stability/eos/asm"
)

// benchShape is one of the model's products: op(A) m×k times op(B) k×n.
type benchShape struct {
	tA, tB  Transpose
	m, k, n int
}

func (s benchShape) String() string {
	l := func(t Transpose) string {
		if t {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s_%dx%dx%d", l(s.tA), l(s.tB), s.m, s.k, s.n)
}

// benchShapes are the first layer's forward (NT) and weight-gradient (TN)
// products and the small layers', for chunks of 256 and 1000 examples.
var benchShapes = []benchShape{
	{NoTrans, Trans, 256, 3072, 200}, {Trans, NoTrans, 200, 256, 3072},
	{NoTrans, Trans, 256, 200, 200}, {NoTrans, Trans, 256, 200, 10},
	{NoTrans, Trans, 1000, 3072, 200}, {Trans, NoTrans, 200, 1000, 3072},
	{NoTrans, Trans, 1000, 200, 200}, {NoTrans, Trans, 1000, 200, 10},
}

// benchOperands returns random operands for s, stored with the given
// transposes, and an m×n output.
func benchOperands[E asm.Elem](s benchShape) (a []E, lda int, b []E, ldb int, c []E) {
	rng := rand.New(rand.NewPCG(1, 1))
	rnd := func(n int) []E {
		v := make([]E, n)
		for i := range v {
			v[i] = E(rng.Float64() - 0.5)
		}
		return v
	}
	lda, ldb = s.k, s.n
	if s.tA {
		lda = s.m
	}
	if s.tB {
		ldb = s.k
	}
	return rnd(s.m * s.k), lda, rnd(s.k * s.n), ldb, make([]E, s.m*s.n)
}

// reportGFLOPS runs f b.N times and reports the product's mean GFLOP/s and,
// as best-GFLOP/s, that of the fastest run (robust to other load on a shared
// machine).
func reportGFLOPS(b *testing.B, s benchShape, f func()) {
	f() // warm the pools and caches
	best := time.Duration(math.MaxInt64)
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		f()
		best = min(best, time.Since(t0))
	}
	flop := 2 * float64(s.m*s.k*s.n)
	b.ReportMetric(flop*float64(b.N)/time.Since(start).Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(flop/best.Seconds()/1e9, "best-GFLOP/s")
}

// BenchmarkGEMM measures every kernel level through the blocked driver, and
// gonum's Sgemm/Dgemm and vek32.MatMul (NN on the same sizes; run with
// GOMAXPROCS set to the thread count), at 1 and 2 threads.
func BenchmarkGEMM(b *testing.B) {
	for _, threads := range []int{1, 2} {
		for _, k := range asm.SgemmKernels() {
			benchKernel(b, k, "f32", threads)
		}
		for _, k := range asm.DgemmKernels() {
			benchKernel(b, k, "f64", threads)
		}
		benchLibraries(b, threads)
	}
}

func benchKernel[E asm.Elem](b *testing.B, kern asm.Kernel[E], typ string, threads int) {
	for _, s := range benchShapes {
		b.Run(fmt.Sprintf("%s-%s-t%d/%v", kern.Level, typ, threads, s), func(b *testing.B) {
			a, lda, bb, ldb, c := benchOperands[E](s)
			g := gemmArgs[E]{tA: s.tA, tB: s.tB, m: s.m, n: s.n, k: s.k, alpha: 1, a: a, lda: lda, b: bb, ldb: ldb, c: c, ldc: s.n}
			reportGFLOPS(b, s, func() { runGemm(threads, kern, &g) })
		})
	}
	// The first layer's products as the network runs them: the input is
	// uint8 pixels (A of the forward NT product, B of the weight-gradient
	// TN product), standardised while packed.
	for _, s := range benchShapes {
		if s.k != 3072 && s.n != 3072 {
			continue
		}
		b.Run(fmt.Sprintf("%s-%s-t%d/pixels-%v", kern.Level, typ, threads, s), func(b *testing.B) {
			a, lda, bb, ldb, c := benchOperands[E](s)
			g := gemmArgs[E]{tA: s.tA, tB: s.tB, m: s.m, n: s.n, k: s.k, alpha: 1, a: a, lda: lda, b: bb, ldb: ldb, c: c, ldc: s.n}
			px := benchPixels[E](3072)
			if s.k == 3072 {
				px.u = make([]uint8, s.m*s.k)
				g.a, g.aPix = nil, px
			} else {
				px.u = make([]uint8, s.k*s.n)
				g.b, g.bPix = nil, px
			}
			reportGFLOPS(b, s, func() { runGemm(threads, kern, &g) })
		})
	}
}

// benchPixels is a pixel operand with d features and no pixels yet.
func benchPixels[E asm.Elem](d int) pixels[E] {
	px := pixels[E]{ld: d, scale: make([]E, d), shift: make([]E, d)}
	for j := range d {
		px.scale[j], px.shift[j] = 1.0/255/0.25, -0.5/0.25
	}
	return px
}

func benchLibraries(b *testing.B, threads int) {
	trans := func(t Transpose) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	withProcs := func(b *testing.B) {
		prev := runtime.GOMAXPROCS(threads)
		b.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	}
	for _, s := range benchShapes {
		b.Run(fmt.Sprintf("gonum-f32-t%d/%v", threads, s), func(b *testing.B) {
			withProcs(b)
			a, lda, bb, ldb, c := benchOperands[float32](s)
			reportGFLOPS(b, s, func() {
				gonum.Implementation{}.Sgemm(trans(s.tA), trans(s.tB), s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			})
		})
		b.Run(fmt.Sprintf("gonum-f64-t%d/%v", threads, s), func(b *testing.B) {
			withProcs(b)
			a, lda, bb, ldb, c := benchOperands[float64](s)
			reportGFLOPS(b, s, func() {
				gonum.Implementation{}.Dgemm(trans(s.tA), trans(s.tB), s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			})
		})
		b.Run(fmt.Sprintf("vek32-f32-t%d/%v", threads, s), func(b *testing.B) {
			withProcs(b)
			a, _, bb, _, c := benchOperands[float32](s)
			reportGFLOPS(b, s, func() { vek32.MatMul_Into(c[:0], a, bb, s.k) })
		})
	}
}
