//go:build !purego

package asm

var _ = maxPool32op.register("neon", simdMaxPool(4, maxPoolNEON))

// maxPoolNEON pools rows ≥ 1 output rows of n outputs (n a positive
// multiple of 4), output row r at y[r·ldy:] and idx[r·ldy:], as maxPoolGo32.
//
//go:noescape
func maxPoolNEON(x *float32, w int, y *float32, idx *int32, ldy, rows, n, base int)
