package linalg

import (
	"fmt"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// Transpose says whether a GEMM operand is used as stored or transposed.
type Transpose bool

const (
	// NoTrans uses the operand as stored.
	NoTrans Transpose = false
	// Trans uses the transpose of the stored operand.
	Trans Transpose = true
)

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where
// op(A) is m×k, op(B) is k×n and C is m×n, on the calling goroutine:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s T
//			for l := 0; l < k; l++ {
//				s += opA(i, l) * opB(l, j)
//			}
//			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
//		}
//	}
//
// When beta is zero, C is not read (NaNs in C are overwritten). It is safe
// for concurrent use on distinct outputs. It panics on negative sizes, leading
// dimensions shorter than the rows they hold, or slices too short for them.
func Gemm[T Float](tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ParallelGemm(1, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// ParallelGemm is Gemm spread over up to threads goroutines, splitting C into
// blocks of rows and columns (never the sum over k). The result is bitwise
// identical for every thread count.
func ParallelGemm[T Float](threads int, tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	gemmOperands(threads, tA, tB, m, n, k, alpha, a, lda, nil, b, ldb, nil, beta, c, ldc, nil)
}

// as reinterprets a slice of a Float type as a slice of its underlying
// element type E of the same size.
func as[E asm.Elem, T Float](s []T) []E {
	return unsafe.Slice((*E)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// checkGemm panics unless the sizes, leading dimensions and slice lengths
// describe valid GEMM operands.
func checkGemm(tA, tB Transpose, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("linalg: Gemm with negative size m=%d n=%d k=%d", m, n, k))
	}
	rowsA, colsA := m, k
	if tA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB {
		rowsB, colsB = n, k
	}
	checkMatrix("A", rowsA, colsA, la, lda)
	checkMatrix("B", rowsB, colsB, lb, ldb)
	checkMatrix("C", m, n, lc, ldc)
}

// checkMatrix panics unless a slice of length l with leading dimension ld
// holds a rows×cols row-major matrix.
func checkMatrix(name string, rows, cols, l, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("linalg: Gemm leading dimension of %s is %d, less than its %d columns", name, ld, cols))
	}
	if rows > 0 && cols > 0 && l < (rows-1)*ld+cols {
		panic(fmt.Sprintf("linalg: Gemm %s has %d elements, too few for %d×%d with leading dimension %d", name, l, rows, cols, ld))
	}
}
