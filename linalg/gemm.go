package linalg

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
// When beta is zero, C is not read (NaNs in C are overwritten).
func Gemm[T Float](tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ParallelGemm(1, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// ParallelGemm is Gemm spread over up to threads goroutines. The result is
// bitwise identical for every thread count.
func ParallelGemm[T Float](threads int, tA, tB Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s T
			for l := 0; l < k; l++ {
				var x, y T
				if tA {
					x = a[l*lda+i]
				} else {
					x = a[i*lda+l]
				}
				if tB {
					y = b[j*ldb+l]
				} else {
					y = b[l*ldb+j]
				}
				s += x * y
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}
