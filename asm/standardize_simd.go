//go:build !purego && (amd64 || arm64)

package asm

// simdStandardize wraps a kernel that converts a multiple of width pixels
// into a Standardize: the kernel takes the whole blocks, standardizeGo the
// rest.
func simdStandardize[E Elem](width int, kern func(dst *E, src *uint8, scale, shift *E, n int)) Standardize[E] {
	return func(dst []E, src []uint8, scale, shift []E) {
		n := len(dst)
		src, scale, shift = src[:n], scale[:n], shift[:n]
		body := n - n%width
		if body > 0 {
			kern(&dst[0], &src[0], &scale[0], &shift[0], body)
		}
		standardizeGo(dst[body:], src[body:], scale[body:], shift[body:])
	}
}
