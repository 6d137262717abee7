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
	pixA, pixB       bool // the operand is uint8 pixels standardised in the GEMM
}

func (tc gemmCase) String() string {
	layout := func(t Transpose) string {
		if t {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s m=%d n=%d k=%d alpha=%g beta=%g pads=%d,%d,%d threads=%d pixels=%v,%v",
		layout(tc.tA), layout(tc.tB), tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC, tc.threads, tc.pixA, tc.pixB)
}

// gemmProblem is a gemmCase's operands (in E) and its reference result,
// computed by a naive triple loop in float64.
type gemmProblem[E asm.Elem] struct {
	gemmCase
	a, b, c0      []E
	aPix, bPix    pixels[E] // when pixA, pixB: the pixels behind a, b
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
	// pixels fills a uint8 matrix with a scale and shift per column and
	// returns it with its standardised values, NaN in the padding.
	pixelOperand := func(rows, cols, ld int) (pixels[E], []E) {
		px := pixels[E]{u: make([]uint8, max(0, (rows-1)*ld+cols)), ld: ld, scale: make([]E, cols), shift: make([]E, cols)}
		for j := range px.scale {
			px.scale[j], px.shift[j] = E(rng.Float64()/64), E(rng.Float64()*2-1)
		}
		v := make([]E, len(px.u))
		for i := range px.u {
			px.u[i] = uint8(rng.IntN(256))
			v[i] = E(math.NaN())
			if j := i % ld; j < cols {
				v[i] = E(px.u[i])*px.scale[j] + px.shift[j]
			}
		}
		return px, v
	}
	if tc.pixA {
		p.aPix, p.a = pixelOperand(rowsA, colsA, p.lda)
	} else {
		p.a = fill(rowsA, colsA, p.lda)
	}
	if tc.pixB {
		p.bPix, p.b = pixelOperand(rowsB, colsB, p.ldb)
	} else {
		p.b = fill(rowsB, colsB, p.ldb)
	}
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
	// Dense float64 copies of op(A) (m×k) and op(B)ᵀ (n×k) for the reference,
	// with pixels standardised exactly, and the magnitudes that bound the
	// rounding of each term (|u·scale| + |shift| for a pixel).
	opA, magA := make([]float64, tc.m*tc.k), make([]float64, tc.m*tc.k)
	opBT, magBT := make([]float64, tc.n*tc.k), make([]float64, tc.n*tc.k)
	value := func(v []E, px *pixels[E], idx, ld int) (float64, float64) {
		if px.u == nil {
			return float64(v[idx]), math.Abs(float64(v[idx]))
		}
		us, h := float64(px.u[idx])*float64(px.scale[idx%ld]), float64(px.shift[idx%ld])
		return us + h, math.Abs(us) + math.Abs(h)
	}
	for l := 0; l < tc.k; l++ {
		for i := 0; i < tc.m; i++ {
			idx := i*p.lda + l
			if tc.tA {
				idx = l*p.lda + i
			}
			opA[i*tc.k+l], magA[i*tc.k+l] = value(p.a, &p.aPix, idx, p.lda)
		}
		for j := 0; j < tc.n; j++ {
			idx := l*p.ldb + j
			if tc.tB {
				idx = j*p.ldb + l
			}
			opBT[j*tc.k+l], magBT[j*tc.k+l] = value(p.b, &p.bPix, idx, p.ldb)
		}
	}
	eps := 0x1p-52
	if unsafe.Sizeof(E(0)) == 4 {
		eps = 0x1p-23
	}
	p.want = make([]float64, tc.m*tc.n)
	p.bound = make([]float64, tc.m*tc.n)
	for i := 0; i < tc.m; i++ {
		ai, mi := opA[i*tc.k:(i+1)*tc.k], magA[i*tc.k:(i+1)*tc.k]
		for j := 0; j < tc.n; j++ {
			bj, mj := opBT[j*tc.k:(j+1)*tc.k], magBT[j*tc.k:(j+1)*tc.k]
			var s, abs float64
			for l, x := range ai {
				s += x * bj[l]
				abs += mi[l] * mj[l]
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

// args are the GEMM's operands, writing into c (a copy of c0); float
// operands made of pixels go in as pixels.
func (p *gemmProblem[E]) args(c []E) gemmArgs[E] {
	g := gemmArgs[E]{tA: p.tA, tB: p.tB, m: p.m, n: p.n, k: p.k, alpha: E(p.alpha), a: p.a, lda: p.lda,
		b: p.b, ldb: p.ldb, beta: E(p.beta), c: c[p.cOff:], ldc: p.ldc, aPix: p.aPix, bPix: p.bPix}
	if p.pixA {
		g.a = nil
	}
	if p.pixB {
		g.b = nil
	}
	return g
}

// check runs the GEMM with kern on a copy of C, with an epilogue that checks
// each block it is handed, and reports any result outside the error bound,
// any guard cell that changed and any element not finished exactly once.
func (p *gemmProblem[E]) check(t *testing.T, kern asm.Kernel[E]) {
	t.Helper()
	c := slices.Clone(p.c0)
	g := p.args(c)
	ep := &checkingEpilogue[E]{p: p, c: c, level: kern.Level, finished: make([]int32, p.m*p.n)}
	g.ep = ep
	runGemm(p.threads, kern, &g)
	p.verify(t, kern.Level, c)
	if ep.err != "" {
		t.Fatal(ep.err)
	}
	for idx, n := range ep.finished {
		if n != 1 {
			t.Fatalf("%s %v: epilogue finished C[%d,%d] %d times, want once", kern.Level, p.gemmCase, idx/p.n, idx%p.n, n)
		}
	}
}

// checkingEpilogue counts how often the GEMM finishes each element of C and
// checks that each block is final when it is handed over.
type checkingEpilogue[E asm.Elem] struct {
	p        *gemmProblem[E]
	c        []E
	level    string
	finished []int32
	mu       sync.Mutex
	err      string
}

func (e *checkingEpilogue[E]) Finish(i0, rows, j0, cols int) {
	p := e.p
	for i := i0; i < i0+rows; i++ {
		for j := j0; j < j0+cols; j++ {
			if i >= p.m || j >= p.n {
				e.fail(fmt.Sprintf("%s %v: epilogue block [%d+%d, %d+%d] leaves C", e.level, p.gemmCase, i0, rows, j0, cols))
				return
			}
			e.finished[i*p.n+j]++
			v := float64(e.c[p.cOff+i*p.ldc+j])
			if d := math.Abs(v - p.want[i*p.n+j]); !(d <= p.bound[i*p.n+j]) {
				e.fail(fmt.Sprintf("%s %v: C[%d,%d] = %v handed to the epilogue before it was final (want %v)", e.level, p.gemmCase, i, j, v, p.want[i*p.n+j]))
			}
		}
	}
}

func (e *checkingEpilogue[E]) fail(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err == "" {
		e.err = msg
	}
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
						padA: idx % 3, padB: (idx / 3) % 3, padC: (idx / 9) % 3, threads: 1,
						pixA: idx%5 == 1, pixB: idx%5 == 2}
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
	saved, savedKC := cacheSizes, kcCache
	cacheSizes = func() (int, int, int) { return 2 << 10, 16 << 10, 64 << 10 }
	kcCache = 2 << 10
	t.Cleanup(func() { cacheSizes, kcCache = saved, savedKC })
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
				padA: 5, padB: 3, padC: 7, threads: 1 + (i+j)%3, pixA: (i+j)%4 == 1, pixB: (i+j)%4 >= 2}
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
					g := p.args(c)
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
