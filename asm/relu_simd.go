//go:build !purego && (amd64 || arm64)

package asm

// maxReLUWidth is the widest vector, in float32 lanes, of any ReLU kernel.
const maxReLUWidth = 16

// simdReLU wraps a kernel that computes reluGo32's loop on n elements, n a
// positive multiple of width, into an Activation32: the whole vectors in
// place, the tail through a buffer on the stack, so that no lane reads or
// writes past the slices; d2, when not nil, is zeroed.
func simdReLU(width int, kern func(z, d1 *float32, n int, bias float32)) BiasActivation32 {
	return func(z, d1, d2 []float32, bias float32) {
		n := len(z)
		d1 = d1[:n]
		if body := n - n%width; body > 0 {
			kern(&z[0], &d1[0], body, bias)
		}
		if tail := n % width; tail > 0 {
			var bz, b1 [maxReLUWidth]float32
			copy(bz[:], z[n-tail:])
			kern(&bz[0], &b1[0], width, bias)
			copy(z[n-tail:], bz[:tail])
			copy(d1[n-tail:], b1[:tail])
		}
		if d2 != nil {
			clear(d2[:n])
		}
	}
}
