// Package asm holds the SIMD kernels eos runs on and the registry that picks,
// per operation, the best implementation the CPU and OS support: GEMM
// micro-kernels for float32 and float64, the uint8 standardisation of input
// pixels, the float32 tanh activation with its derivatives, and vector ops, in
// Go assembly for AVX2, AVX-512 and NEON, and in pure Go everywhere.
package asm

// Elem is the set of element types the kernels compute in.
type Elem interface{ float32 | float64 }

// Kernel is a register-blocked GEMM micro-kernel of one implementation level.
// Run computes one MR×NR tile of C from packed panels of A and B:
//
//	for i := 0; i < MR; i++ {
//		for j := 0; j < NR; j++ {
//			var s E
//			for l := 0; l < k; l++ {
//				s += a[l*MR+i] * b[l*NR+j]
//			}
//			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j] // c is not read when beta == 0
//		}
//	}
//
// a points at k·MR packed elements, b at k·NR and c at the tile's top-left
// element; k ≥ 1.
type Kernel[E Elem] struct {
	// Level is the name of the implementation level the kernel belongs to.
	Level string
	// MR and NR are the tile's rows and columns.
	MR, NR int
	// Run computes one tile, as described on Kernel.
	Run func(k int, a, b, c *E, ldc int, alpha, beta E)
	// RunHalf, if not nil, is Run restricted to the columns j < NR/2 (b
	// keeps its NR-wide rows): half the work, for a last panel that narrow.
	RunHalf func(k int, a, b, c *E, ldc int, alpha, beta E)
	// Transpose, if not nil, packs a strip of TransposeRows rows into
	// columns, TransposeRows×TransposeRows blocks at a time:
	//
	//	for l := 0; l < TransposeRows*blocks; l++ {
	//		for r := 0; r < TransposeRows; r++ {
	//			dst[l*dstStride+r] = src[r*ld+l]
	//		}
	//	}
	Transpose     func(dst *E, dstStride int, src *E, ld int, blocks int)
	TransposeRows int
	// PackRows, if not nil, packs kb ≥ 1 whole rows of a B panel:
	// dst[l*NR+j] = src[l*ld+j] for l < kb, j < NR.
	PackRows func(dst, src *E, ld, kb int)
}

// Standardize is a kernel that converts rows rows of len(scale) uint8 pixels,
// src[l*ld+j], into
//
//	dst[l*dstStride+j] = E(src[l*ld+j])*scale[j] + shift[j]
//
// for l < rows, j < len(scale); shift is at least as long as scale. It panics
// if src or dst is too short or, when rows > 1, if ld < 0 or
// dstStride < len(scale) (output rows must not overlap).
type Standardize[E Elem] func(dst []E, dstStride int, src []uint8, ld, rows int, scale, shift []E)
