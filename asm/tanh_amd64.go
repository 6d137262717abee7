//go:build !purego

package asm

var (
	_ = tanh32op.register("avx512", simdTanh(16, tanhAVX512))
	_ = tanh32op.register("avx2", simdTanh(8, tanhAVX2))
)

// tanhAVX512 computes the tanh loop of tanhGo32 on n elements, n a positive
// multiple of 16, with fused multiply-adds; d2 == nil skips σ″.
//
//go:noescape
func tanhAVX512(z, d1, d2 *float32, n int)

// tanhAVX2 computes the tanh loop of tanhGo32 on n elements, n a positive
// multiple of 8, with fused multiply-adds; d2 == nil skips σ″.
//
//go:noescape
func tanhAVX2(z, d1, d2 *float32, n int)
