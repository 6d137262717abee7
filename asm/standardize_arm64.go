//go:build !purego

package asm

var _ = standardize32.register("neon", simdStandardize(8, standardizeNEONF32))

// standardizeNEONF32 standardises n pixels, n a multiple of 8 (see Standardize).
//
//go:noescape
func standardizeNEONF32(dst *float32, src *uint8, scale, shift *float32, n int)
