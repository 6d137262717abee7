//go:build !purego && (amd64 || arm64)

package asm

// maxTanhWidth is the widest vector, in float32 lanes, of any tanh kernel.
const maxTanhWidth = 16

// simdTanh wraps a kernel that computes the tanh loop (see tanhGo32) on n
// elements, n a positive multiple of width, into an Activation32: the kernel
// takes the whole vectors in place and the tail through a zero-padded buffer
// on the stack, so that no lane reads or writes past the slices. d2 == nil
// tells the kernel not to write σ″.
func simdTanh(width int, kern func(z, d1, d2 *float32, n int)) Activation32 {
	return func(z, d1, d2 []float32) {
		n := len(z)
		d1 = d1[:n]
		if d2 != nil {
			d2 = d2[:n]
		}
		body := n - n%width
		if body > 0 {
			var p2 *float32
			if d2 != nil {
				p2 = &d2[0]
			}
			kern(&z[0], &d1[0], p2, body)
		}
		if body == n {
			return
		}
		var bz, b1, b2 [maxTanhWidth]float32
		copy(bz[:], z[body:])
		kern(&bz[0], &b1[0], &b2[0], width)
		copy(z[body:], bz[:])
		copy(d1[body:], b1[:])
		if d2 != nil {
			copy(d2[body:], b2[:])
		}
	}
}
