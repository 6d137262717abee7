//go:build !purego

package asm

var _ = tanh32op.register("neon", simdTanh(4, tanhNEON))

// tanhNEON computes the tanh loop of tanhGo32 on n elements, n a positive
// multiple of 4, with fused multiply-adds; d2 == nil skips σ″.
//
//go:noescape
func tanhNEON(z, d1, d2 *float32, n int)
