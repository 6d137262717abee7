package asm

import "unsafe"

// genericMR and genericNR are the tile of the pure-Go micro-kernel.
const (
	genericMR = 4
	genericNR = 4
)

var (
	_ = sgemm.register("generic", Kernel[float32]{Level: "generic", MR: genericMR, NR: genericNR, Run: gemmGo[float32]})
	_ = dgemm.register("generic", Kernel[float64]{Level: "generic", MR: genericMR, NR: genericNR, Run: gemmGo[float64]})
)

// gemmGo is the pure-Go 4×4 micro-kernel; it computes, for i, j < 4,
//
//	c[i*ldc+j] = alpha*Σ_l a[l*4+i]*b[l*4+j] + beta*c[i*ldc+j]
//
// reading c only when beta != 0.
func gemmGo[E Elem](k int, ap, bp, cp *E, ldc int, alpha, beta E) {
	a := unsafe.Slice(ap, k*genericMR)
	b := unsafe.Slice(bp, k*genericNR)
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 E
	for l := 0; l < k; l++ {
		av := a[l*genericMR : l*genericMR+genericMR : l*genericMR+genericMR]
		bv := b[l*genericNR : l*genericNR+genericNR : l*genericNR+genericNR]
		a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	c := unsafe.Slice(cp, 3*ldc+genericNR)
	store4(c[0:4:4], alpha, beta, c00, c01, c02, c03)
	store4(c[ldc:ldc+4:ldc+4], alpha, beta, c10, c11, c12, c13)
	store4(c[2*ldc:2*ldc+4:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	store4(c[3*ldc:3*ldc+4:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

// store4 writes one row of a 4-wide tile: c[j] = alpha*s_j + beta*c[j], not
// reading c when beta == 0.
func store4[E Elem](c []E, alpha, beta, s0, s1, s2, s3 E) {
	if beta == 0 {
		c[0], c[1], c[2], c[3] = alpha*s0, alpha*s1, alpha*s2, alpha*s3
		return
	}
	c[0] = alpha*s0 + beta*c[0]
	c[1] = alpha*s1 + beta*c[1]
	c[2] = alpha*s2 + beta*c[2]
	c[3] = alpha*s3 + beta*c[3]
}
