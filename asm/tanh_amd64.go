//go:build !purego

package asm

// tanh_amd64.s, the constants and the two kernels declared below, is generated
// by asm/gen (see gemm_amd64.go): run `go generate ./asm` after changing the
// generator.
//
//go:generate go run -C gen . -file tanh -out ../tanh_amd64.s

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
