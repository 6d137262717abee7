//go:build !purego

package asm

var _ = relu32op.register("neon", simdReLU(4, reluNEON))

// reluNEON computes reluGo32's loop on n elements, n a positive multiple of
// 4, without d2.
//
//go:noescape
func reluNEON(z, d1 *float32, n int, bias float32)
