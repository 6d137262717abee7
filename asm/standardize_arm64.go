//go:build !purego

package asm

var _ = standardize32.register("neon", simdStandardize(4, standardizeNEONF32))

// standardizeNEONF32 standardises rows ≥ 1 rows of n pixels, n a positive
// multiple of 4 (see Standardize).
//
//go:noescape
func standardizeNEONF32(dst *float32, dstStride int, src *uint8, ld, rows int, scale, shift *float32, n int)
