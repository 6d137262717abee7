package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// guard is the value of the cells around and between the rows of C, which a
// GEMM must leave untouched.
var guard = math.NaN()

// gemmCase is one GEMM problem: shapes, layouts, scalars and the padding of
// each leading dimension beyond its row length.
type gemmCase struct {
	tA, tB           Transpose
	m, n, k          int
	alpha, beta      float64
	padA, padB, padC int
	threads          int
}

func (tc gemmCase) String() string {
	layout := func(t Transpose) string {
		if t {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s m=%d n=%d k=%d alpha=%g beta=%g pads=%d,%d,%d threads=%d",
		layout(tc.tA), layout(tc.tB), tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC, tc.threads)
}

// gemmProblem is a gemmCase's operands (in E) and its reference result,
// computed by a naive triple loop in float64.
type gemmProblem[E asm.Elem] struct {
	gemmCase
	a, b, c0      []E
	lda, ldb, ldc int
	cOff          int       // offset of C's first element within c0 (after a guard)
	want, bound   []float64 // reference and error bound per element of C
}

// newProblem fills op(A), op(B) and C with random values (C with NaN when
// beta == 0, since C must not be read), the padding of A and B with NaN (which
// would poison any result that read it) and the guard cells of C with NaN.
func newProblem[E asm.Elem](tc gemmCase, rng *rand.Rand) *gemmProblem[E] {
	p := &gemmProblem[E]{gemmCase: tc}
	rowsA, colsA := tc.m, tc.k
	if tc.tA {
		rowsA, colsA = tc.k, tc.m
	}
	rowsB, colsB := tc.k, tc.n
	if tc.tB {
		rowsB, colsB = tc.n, tc.k
	}
	p.lda, p.ldb, p.ldc = colsA+tc.padA, colsB+tc.padB, tc.n+tc.padC
	fill := func(rows, cols, ld int) []E {
		s := make([]E, max(0, (rows-1)*ld+cols))
		for i := range s {
			if i%ld < cols {
				s[i] = E(rng.Float64()*2 - 1)
			} else {
				s[i] = E(math.NaN())
			}
		}
		return s
	}
	p.a = fill(rowsA, colsA, p.lda)
	p.b = fill(rowsB, colsB, p.ldb)
	const guardLen = 17
	p.cOff = guardLen
	p.c0 = make([]E, guardLen+tc.m*p.ldc+guardLen)
	for i := range p.c0 {
		p.c0[i] = E(guard)
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			if tc.beta != 0 {
				p.c0[p.cOff+i*p.ldc+j] = E(rng.Float64()*2 - 1)
			}
		}
	}
	// Dense float64 copies of op(A) (m×k) and op(B)ᵀ (n×k) for the reference.
	opA := make([]float64, tc.m*tc.k)
	opBT := make([]float64, tc.n*tc.k)
	for l := 0; l < tc.k; l++ {
		for i := 0; i < tc.m; i++ {
			if tc.tA {
				opA[i*tc.k+l] = float64(p.a[l*p.lda+i])
			} else {
				opA[i*tc.k+l] = float64(p.a[i*p.lda+l])
			}
		}
		for j := 0; j < tc.n; j++ {
			if tc.tB {
				opBT[j*tc.k+l] = float64(p.b[j*p.ldb+l])
			} else {
				opBT[j*tc.k+l] = float64(p.b[l*p.ldb+j])
			}
		}
	}
	eps := 0x1p-52
	if unsafe.Sizeof(E(0)) == 4 {
		eps = 0x1p-23
	}
	p.want = make([]float64, tc.m*tc.n)
	p.bound = make([]float64, tc.m*tc.n)
	for i := 0; i < tc.m; i++ {
		ai := opA[i*tc.k : (i+1)*tc.k]
		for j := 0; j < tc.n; j++ {
			bj := opBT[j*tc.k : (j+1)*tc.k]
			var s, abs float64
			for l, x := range ai {
				s += x * bj[l]
				abs += math.Abs(x * bj[l])
			}
			c := 0.0
			if tc.beta != 0 {
				c = float64(p.c0[p.cOff+i*p.ldc+j])
			}
			p.want[i*tc.n+j] = tc.alpha*s + tc.beta*c
			p.bound[i*tc.n+j] = float64(tc.k+4) * eps * (math.Abs(tc.alpha)*abs + math.Abs(tc.beta*c))
		}
	}
	return p
}

// check runs the GEMM with kern on a copy of C and reports any result outside
// the error bound and any guard cell that changed.
func (p *gemmProblem[E]) check(t *testing.T, kern asm.Kernel[E]) {
	t.Helper()
	c := slices.Clone(p.c0)
	g := gemmArgs[E]{p.tA, p.tB, p.m, p.n, p.k, E(p.alpha), p.a, p.lda, p.b, p.ldb, E(p.beta), c[p.cOff:], p.ldc}
	runGemm(p.threads, kern, &g)
	p.verify(t, kern.Level, c)
}

// verify compares c (as returned by a GEMM on a copy of c0) with the reference.
func (p *gemmProblem[E]) verify(t *testing.T, level string, c []E) {
	t.Helper()
	for idx, v := range c {
		r := idx - p.cOff
		if r < 0 || r >= p.m*p.ldc || r%p.ldc >= p.n {
			if !math.IsNaN(float64(v)) {
				t.Fatalf("%s %v: guard cell %d overwritten with %v", level, p.gemmCase, idx, v)
			}
			continue
		}
		i, j := r/p.ldc, r%p.ldc
		want, bound := p.want[i*p.n+j], p.bound[i*p.n+j]
		if d := math.Abs(float64(v) - want); !(d <= bound) {
			t.Fatalf("%s %v: C[%d,%d] = %v, want %v (error %g > bound %g)", level, p.gemmCase, i, j, v, want, d, bound)
		}
	}
}

// scalars cycles through (alpha, beta) pairs, including 0 and 1 for both.
var scalars = [][2]float64{{1, 0}, {1, 1}, {-0.75, 0.5}, {2.5, 0}, {0, 0.5}, {0.5, -1.25}, {0, 0}}

// allLayouts are the four combinations of transposes.
var allLayouts = [][2]Transpose{{NoTrans, NoTrans}, {NoTrans, Trans}, {Trans, NoTrans}, {Trans, Trans}}

// sweepSizes are the m, n and k of the exhaustive sweep: 1..33, or with
// -short (for emulated runs) 1..9 and the sizes around the tile widths.
func sweepSizes() []int {
	var sizes []int
	for s := 1; s <= 33; s++ {
		if !testing.Short() || s <= 9 || s == 12 || s == 15 || s == 16 || s == 17 || s == 31 || s == 32 || s == 33 {
			sizes = append(sizes, s)
		}
	}
	return sizes
}

// testAllImplementations checks every supported micro-kernel of E against the
// naive reference for every m, n, k in sweepSizes and all four layouts,
// cycling through scalars and leading-dimension paddings.
func testAllImplementations[E asm.Elem](t *testing.T, kernels []asm.Kernel[E]) {
	rng := rand.New(rand.NewPCG(1, 2))
	idx := 0
	sizes := sweepSizes()
	for _, lay := range allLayouts {
		for _, m := range sizes {
			for _, n := range sizes {
				for _, k := range sizes {
					sc := scalars[idx%len(scalars)]
					tc := gemmCase{tA: lay[0], tB: lay[1], m: m, n: n, k: k, alpha: sc[0], beta: sc[1],
						padA: idx % 3, padB: (idx / 3) % 3, padC: (idx / 9) % 3, threads: 1}
					idx++
					p := newProblem[E](tc, rng)
					for _, kern := range kernels {
						p.check(t, kern)
					}
				}
			}
		}
	}
}

func TestAllImplementations32(t *testing.T) { testAllImplementations(t, asm.SgemmKernels()) }

func TestAllImplementations64(t *testing.T) { testAllImplementations(t, asm.DgemmKernels()) }

// withTinyCaches makes the blocking believe in tiny caches, so that moderate
// shapes cross every KC, MC and NC block boundary.
func withTinyCaches(t *testing.T) {
	saved := cacheSizes
	cacheSizes = func() (int, int, int) { return 2 << 10, 16 << 10, 64 << 10 }
	t.Cleanup(func() { cacheSizes = saved })
}

// odd shapes: single elements, k = 1, thin and wide, and sizes crossing block
// boundaries (with tiny caches, KC = 64 and MC, NC are a few tiles).
var oddShapes = [][3]int{{1, 1, 1}, {1, 1, 300}, {300, 1, 1}, {1, 300, 1}, {37, 45, 1}, {150, 137, 211}, {97, 301, 130}, {256, 200, 300}}

func testOddShapes[E asm.Elem](t *testing.T, kernels []asm.Kernel[E]) {
	withTinyCaches(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for i, sh := range oddShapes {
		for j, lay := range allLayouts {
			sc := scalars[(i+j)%len(scalars)]
			tc := gemmCase{tA: lay[0], tB: lay[1], m: sh[0], n: sh[1], k: sh[2], alpha: sc[0], beta: sc[1],
				padA: 5, padB: 3, padC: 7, threads: 1 + (i+j)%3}
			p := newProblem[E](tc, rng)
			for _, kern := range kernels {
				p.check(t, kern)
			}
		}
	}
}

func TestOddShapes32(t *testing.T) { testOddShapes(t, asm.SgemmKernels()) }

func TestOddShapes64(t *testing.T) { testOddShapes(t, asm.DgemmKernels()) }

// TestLargeShape checks the first layer's forward product over all 5,000
// examples (NT, 5000×200 by k=3072, float32; 600 rows with -short) at 2
// threads, with every supported kernel and the real cache sizes.
func TestLargeShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := 5000
	if testing.Short() {
		m = 600
	}
	tc := gemmCase{tA: NoTrans, tB: Trans, m: m, n: 200, k: 3072, alpha: 1, beta: 0, padC: 1, threads: 2}
	p := newProblem[float32](tc, rng)
	for _, kern := range asm.SgemmKernels() {
		p.check(t, kern)
	}
}

// testParallelBitwise checks that ParallelGemm gives bitwise the same C for
// 1, 2, 3 and 7 threads, for each kernel, with real and with tiny caches.
func testParallelBitwise[E asm.Elem](t *testing.T, kernels []asm.Kernel[E]) {
	rng := rand.New(rand.NewPCG(7, 8))
	shapes := [][3]int{{256, 200, 300}, {200, 700, 256}, {13, 500, 77}, {500, 9, 130}}
	for _, tiny := range []bool{false, true} {
		if tiny {
			withTinyCaches(t)
		}
		for i, sh := range shapes {
			lay := allLayouts[i%len(allLayouts)]
			tc := gemmCase{tA: lay[0], tB: lay[1], m: sh[0], n: sh[1], k: sh[2], alpha: 0.5, beta: 1.5, padC: 3}
			p := newProblem[E](tc, rng)
			for _, kern := range kernels {
				var first []E
				for _, threads := range []int{1, 2, 3, 7} {
					c := slices.Clone(p.c0)
					g := gemmArgs[E]{p.tA, p.tB, p.m, p.n, p.k, E(p.alpha), p.a, p.lda, p.b, p.ldb, E(p.beta), c[p.cOff:], p.ldc}
					runGemm(threads, kern, &g)
					if first == nil {
						p.verify(t, kern.Level, c)
						first = c
						continue
					}
					for idx := range c {
						if math.Float64bits(float64(c[idx])) != math.Float64bits(float64(first[idx])) {
							t.Fatalf("%s %v tiny=%v: %d threads differ from 1 at %d: %v vs %v",
								kern.Level, tc, tiny, threads, idx, c[idx], first[idx])
						}
					}
				}
			}
		}
	}
}

func TestParallelBitwise32(t *testing.T) { testParallelBitwise(t, asm.SgemmKernels()) }

func TestParallelBitwise64(t *testing.T) { testParallelBitwise(t, asm.DgemmKernels()) }

// TestGemmConcurrent checks that concurrent Gemm calls on distinct outputs
// (as the network's workers make) each give the right result.
func TestGemmConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	tc := gemmCase{tA: NoTrans, tB: Trans, m: 70, n: 50, k: 300, alpha: 1, beta: 0}
	p := newProblem[float32](tc, rng)
	outs := make([][]float32, 6)
	var wg sync.WaitGroup
	for i := range outs {
		outs[i] = slices.Clone(p.c0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				Gemm(p.tA, p.tB, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, 0, outs[i][p.cOff:], p.ldc)
			}
		}()
	}
	wg.Wait()
	for _, c := range outs {
		p.verify(t, asm.Selected(), c)
	}
}

// myFloat checks that the generic front-ends accept named float types.
type myFloat float32

// TestGemmFrontEnd checks the public Gemm and ParallelGemm on a named float
// type against the naive loop.
func TestGemmFrontEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tc := gemmCase{tA: Trans, tB: NoTrans, m: 45, n: 38, k: 29, alpha: 1.5, beta: -0.5, padA: 1, padB: 2, padC: 3}
	p := newProblem[float32](tc, rng)
	conv := func(s []float32) []myFloat {
		return unsafe.Slice((*myFloat)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
	}
	for _, threads := range []int{1, 2} {
		c := slices.Clone(p.c0)
		if threads == 1 {
			Gemm(p.tA, p.tB, p.m, p.n, p.k, myFloat(p.alpha), conv(p.a), p.lda, conv(p.b), p.ldb, myFloat(p.beta), conv(c)[p.cOff:], p.ldc)
		} else {
			ParallelGemm(threads, p.tA, p.tB, p.m, p.n, p.k, myFloat(p.alpha), conv(p.a), p.lda, conv(p.b), p.ldb, myFloat(p.beta), conv(c)[p.cOff:], p.ldc)
		}
		p.verify(t, asm.Selected(), c)
	}
}

// TestGemmPanics checks that invalid arguments are rejected.
func TestGemmPanics(t *testing.T) {
	a, b, c := make([]float64, 6), make([]float64, 6), make([]float64, 4)
	bad := map[string]func(){
		"negative m": func() { Gemm(NoTrans, NoTrans, -1, 2, 3, 1, a, 3, b, 2, 0, c, 2) },
		"short lda":  func() { Gemm(NoTrans, NoTrans, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2) },
		"short a":    func() { Gemm(NoTrans, NoTrans, 2, 2, 3, 1, a[:5], 3, b, 2, 0, c, 2) },
		"short c":    func() { Gemm(NoTrans, NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c[:3], 2) },
		"short ldb":  func() { Gemm(NoTrans, Trans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2) },
	}
	for name, f := range bad {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Gemm did not panic", name)
				}
			}()
			f()
		}()
	}
}
