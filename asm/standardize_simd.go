//go:build !purego && (amd64 || arm64)

package asm

// simdStandardize wraps a kernel that converts rows of a multiple of width
// pixels into a Standardize: the kernel takes the whole vectors of every
// row, standardizeLoop the last len(scale) % width columns.
func simdStandardize[E Elem](width int, kern func(dst *E, dstStride int, src *uint8, ld, rows int, scale, shift *E, n int)) Standardize[E] {
	return func(dst []E, dstStride int, src []uint8, ld, rows int, scale, shift []E) {
		if !checkStandardize(len(dst), dstStride, len(src), ld, rows, len(scale), len(shift)) {
			return
		}
		n := len(scale)
		body := n - n%width
		if body > 0 {
			kern(&dst[0], dstStride, &src[0], ld, rows, &scale[0], &shift[0], body)
		}
		if body < n {
			standardizeLoop(dst[body:], dstStride, src[body:], ld, rows, scale[body:], shift[body:n])
		}
	}
}
