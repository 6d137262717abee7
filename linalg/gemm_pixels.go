package linalg

import (
	"fmt"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// Pixels is a row-major matrix of uint8 pixels read as standardised values:
// element (i, j) is T(U[i*Ld+j])*Scale[j] + Shift[j], with a scale and shift
// per column (feature). The GEMMs below standardise pixels while they pack
// them, so the data stays uint8 in memory.
type Pixels[T Float] struct {
	U            []uint8
	Ld           int
	Scale, Shift []T
}

// Epilogue finishes a GEMM's output block by block while each block is in
// cache: Finish is called once for every element of C, on the block of rows
// [i0, i0+rows) and columns [j0, j0+cols), after the block's last update.
// Calls for disjoint blocks may run concurrently.
type Epilogue interface {
	Finish(i0, rows, j0, cols int)
}

// GemmEpilogue is ParallelGemm followed by ep on every block of C (ep may be
// nil).
func GemmEpilogue[T Float](threads int, tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, ep Epilogue) {
	checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	gemmOperands(threads, tA, tB, m, n, k, alpha, a, lda, nil, b, ldb, nil, beta, c, ldc, ep)
}

// GemmPixelsA computes C = alpha·X·op(B) + beta·C for the m×k pixel matrix X
// (the first layer's forward product), then runs ep (which may be nil) over
// C, on up to threads goroutines. It panics on inconsistent sizes.
func GemmPixelsA[T Float](threads int, tB Transpose, m, n, k int, alpha T, x Pixels[T], b []T, ldb int, beta T, c []T, ldc int, ep Epilogue) {
	x.check("A", m, k)
	checkGemm(NoTrans, tB, m, n, k, (m-1)*x.Ld+k, x.Ld, len(b), ldb, len(c), ldc)
	gemmOperands(threads, NoTrans, tB, m, n, k, alpha, nil, x.Ld, &x, b, ldb, nil, beta, c, ldc, ep)
}

// GemmPixelsB computes C = alpha·op(A)·X + beta·C for the k×n pixel matrix X
// (the first layer's weight gradient), then runs ep (which may be nil) over
// C, on up to threads goroutines. It panics on inconsistent sizes.
func GemmPixelsB[T Float](threads int, tA Transpose, m, n, k int, alpha T, a []T, lda int, x Pixels[T], beta T, c []T, ldc int, ep Epilogue) {
	x.check("B", k, n)
	checkGemm(tA, NoTrans, m, n, k, len(a), lda, (k-1)*x.Ld+n, x.Ld, len(c), ldc)
	gemmOperands(threads, tA, NoTrans, m, n, k, alpha, a, lda, nil, nil, x.Ld, &x, beta, c, ldc, ep)
}

// check panics unless x holds a rows×cols matrix with a scale and shift per
// column.
func (x *Pixels[T]) check(name string, rows, cols int) {
	if rows > 0 && cols > 0 && (x.Ld < cols || len(x.U) < (rows-1)*x.Ld+cols) {
		panic(fmt.Sprintf("linalg: Gemm pixel operand %s has %d pixels with leading dimension %d, too few for %d×%d", name, len(x.U), x.Ld, rows, cols))
	}
	if len(x.Scale) < cols || len(x.Shift) < cols {
		panic(fmt.Sprintf("linalg: Gemm pixel operand %s has %d scales and %d shifts for %d columns", name, len(x.Scale), len(x.Shift), cols))
	}
}

// gemmOperands runs one GEMM on float or pixel operands.
func gemmOperands[T Float](threads int, tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, aPix *Pixels[T], b []T, ldb int, bPix *Pixels[T], beta T, c []T, ldc int, ep Epilogue) {
	if unsafe.Sizeof(alpha) == 4 {
		g := newGemmArgs[float32]()
		*g = gemmArgs[float32]{tA: tA, tB: tB, m: m, n: n, k: k, alpha: float32(alpha), a: as[float32](a), lda: lda,
			b: as[float32](b), ldb: ldb, beta: float32(beta), c: as[float32](c), ldc: ldc, ep: ep}
		g.aPix, g.bPix = toPixels[float32](aPix), toPixels[float32](bPix)
		runGemm(threads, asm.Sgemm(), g)
		freeGemmArgs(g)
		return
	}
	g := newGemmArgs[float64]()
	*g = gemmArgs[float64]{tA: tA, tB: tB, m: m, n: n, k: k, alpha: float64(alpha), a: as[float64](a), lda: lda,
		b: as[float64](b), ldb: ldb, beta: float64(beta), c: as[float64](c), ldc: ldc, ep: ep}
	g.aPix, g.bPix = toPixels[float64](aPix), toPixels[float64](bPix)
	runGemm(threads, asm.Dgemm(), g)
	freeGemmArgs(g)
}

// pixels is Pixels in the kernels' element type; a nil u means the operand
// is a float matrix.
type pixels[E asm.Elem] struct {
	u            []uint8
	ld           int
	scale, shift []E
}

// toPixels is x in the kernels' element type, or no pixels (a nil u) when x
// is nil.
func toPixels[E asm.Elem, T Float](x *Pixels[T]) pixels[E] {
	if x == nil {
		return pixels[E]{}
	}
	return pixels[E]{x.U, x.Ld, as[E](x.Scale), as[E](x.Shift)}
}

// standardize converts rows rows of len(scale) pixels from src (leading
// dimension ld) into dst rows dstStride apart (see asm.Standardize).
func standardize[E asm.Elem](dst []E, dstStride int, src []uint8, ld, rows int, scale, shift []E) {
	if unsafe.Sizeof(E(0)) == 4 {
		asm.Standardize32()(as[float32](dst), dstStride, src, ld, rows, as[float32](scale), as[float32](shift))
		return
	}
	asm.Standardize64()(as[float64](dst), dstStride, src, ld, rows, as[float64](scale), as[float64](shift))
}

// packStraight writes pixels (r0+l, c0+r) for l < kb, r < width into
// dst[l*stride+r], zero-padding each row to stride.
func (p *pixels[E]) packStraight(dst []E, stride, r0, c0, width, kb int) {
	standardize(dst, stride, p.u[r0*p.ld+c0:], p.ld, kb, p.scale[c0:c0+width], p.shift[c0:c0+width])
	clearPadding(dst, stride, width, kb)
}

// packTransposed writes pixels (r0+r, c0+l) for r < rows, l < kb into
// dst[l*stride+r], zero-padded, standardising a few rows at a time into conv
// (small enough to stay in L1 beside the panel) and transposing them.
func (p *pixels[E]) packTransposed(dst []E, stride, r0, c0, rows, kb int, conv []E, kern *asm.Kernel[E]) {
	group := max(kern.TransposeRows, 1)
	scale, shift := p.scale[c0:c0+kb], p.shift[c0:c0+kb]
	for r := 0; r < rows; r += group {
		n := min(group, rows-r)
		c := conv[:n*kb]
		standardize(c, kb, p.u[(r0+r)*p.ld+c0:], p.ld, n, scale, shift)
		transposeRows(dst[r:], stride, c, kb, n, kb, kern)
	}
	clearPadding(dst, stride, rows, kb)
}
