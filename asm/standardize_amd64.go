//go:build !purego

package asm

var (
	_ = standardize32.register("avx512", simdStandardize(16, standardizeAVX512F32))
	_ = standardize64.register("avx512", simdStandardize(8, standardizeAVX512F64))
	_ = standardize32.register("avx2", simdStandardize(8, standardizeAVX2F32))
	_ = standardize64.register("avx2", simdStandardize(4, standardizeAVX2F64))
)

// standardizeAVX512F32 standardises n pixels, n a multiple of 16 (see Standardize).
//
//go:noescape
func standardizeAVX512F32(dst *float32, src *uint8, scale, shift *float32, n int)

// standardizeAVX512F64 standardises n pixels, n a multiple of 8 (see Standardize).
//
//go:noescape
func standardizeAVX512F64(dst *float64, src *uint8, scale, shift *float64, n int)

// standardizeAVX2F32 standardises n pixels, n a multiple of 8 (see Standardize).
//
//go:noescape
func standardizeAVX2F32(dst *float32, src *uint8, scale, shift *float32, n int)

// standardizeAVX2F64 standardises n pixels, n a multiple of 4 (see Standardize).
//
//go:noescape
func standardizeAVX2F64(dst *float64, src *uint8, scale, shift *float64, n int)
