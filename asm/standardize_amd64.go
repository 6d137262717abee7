//go:build !purego

package asm

var (
	_ = standardize32.register("avx512", simdStandardize(16, standardizeAVX512F32))
	_ = standardize64.register("avx512", simdStandardize(8, standardizeAVX512F64))
	_ = standardize32.register("avx2", simdStandardize(8, standardizeAVX2F32))
	_ = standardize64.register("avx2", simdStandardize(4, standardizeAVX2F64))
)

// standardizeAVX512F32 standardises rows ≥ 1 rows of n pixels, n a positive
// multiple of 16 (see Standardize).
//
//go:noescape
func standardizeAVX512F32(dst *float32, dstStride int, src *uint8, ld, rows int, scale, shift *float32, n int)

// standardizeAVX512F64 standardises rows ≥ 1 rows of n pixels, n a positive
// multiple of 8 (see Standardize).
//
//go:noescape
func standardizeAVX512F64(dst *float64, dstStride int, src *uint8, ld, rows int, scale, shift *float64, n int)

// standardizeAVX2F32 standardises rows ≥ 1 rows of n pixels, n a positive
// multiple of 8 (see Standardize).
//
//go:noescape
func standardizeAVX2F32(dst *float32, dstStride int, src *uint8, ld, rows int, scale, shift *float32, n int)

// standardizeAVX2F64 standardises rows ≥ 1 rows of n pixels, n a positive
// multiple of 4 (see Standardize).
//
//go:noescape
func standardizeAVX2F64(dst *float64, dstStride int, src *uint8, ld, rows int, scale, shift *float64, n int)
