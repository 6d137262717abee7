package asm

import (
	"fmt"
	"math/bits"
)

var (
	_ = standardize32.register("generic", standardizeGo[float32])
	_ = standardize64.register("generic", standardizeGo[float64])
)

// standardizeGo is the pure-Go Standardize:
//
//	for l := 0; l < rows; l++ {
//		for j := range scale {
//			dst[l*dstStride+j] = E(src[l*ld+j])*scale[j] + shift[j]
//		}
//	}
func standardizeGo[E Elem](dst []E, dstStride int, src []uint8, ld, rows int, scale, shift []E) {
	if !checkStandardize(len(dst), dstStride, len(src), ld, rows, len(scale), len(shift)) {
		return
	}
	standardizeLoop(dst, dstStride, src, ld, rows, scale, shift)
}

// standardizeLoop is standardizeGo without the argument checks.
func standardizeLoop[E Elem](dst []E, dstStride int, src []uint8, ld, rows int, scale, shift []E) {
	n := len(scale)
	shift = shift[:n]
	for l := range rows {
		standardizeRow(dst[l*dstStride:][:n], src[l*ld:][:n], scale, shift)
	}
}

// standardizeRow writes dst[j] = E(src[j])*scale[j] + shift[j] for
// j < len(dst); src, scale and shift are at least as long as dst. Inlined
// into the loop over rows, its loop would reload a pointer from the stack
// on every pixel (Go 1.26's register allocation), ~10% slower.
//
//go:noinline
func standardizeRow[E Elem](dst []E, src []uint8, scale, shift []E) {
	src, scale, shift = src[:len(dst)], scale[:len(dst)], shift[:len(dst)]
	for j := range dst {
		dst[j] = E(src[j])*scale[j] + shift[j]
	}
}

// checkStandardize panics unless a Standardize of rows rows of n pixels fits
// in slices of lengths nd (dst) and ns (src) with strides dstStride and ld
// (ignored when rows is 1), rows of dst do not overlap and shift holds
// nshift ≥ n values; it returns whether there is anything to convert. The
// assembly kernels rely on it for memory safety.
func checkStandardize(nd, dstStride, ns, ld, rows, n, nshift int) bool {
	if rows <= 0 || n == 0 {
		return false
	}
	if nshift < n || (rows > 1 && (ld < 0 || dstStride < n)) ||
		!rowsFit(ns, ld, rows, n) || !rowsFit(nd, dstStride, rows, n) {
		panic(fmt.Sprintf("asm: Standardize of %d rows of %d pixels (ld %d, dstStride %d) "+
			"from %d pixels into %d values, %d shifts", rows, n, ld, dstStride, ns, nd, nshift))
	}
	return true
}

// rowsFit reports whether rows ≥ 1 rows of n values at stride ld ≥ 0 fit in
// length: (rows-1)*ld + n ≤ length, without overflow.
func rowsFit(length, ld, rows, n int) bool {
	if length < n {
		return false
	}
	hi, lo := bits.Mul64(uint64(rows-1), uint64(ld))
	return hi == 0 && lo <= uint64(length-n)
}
