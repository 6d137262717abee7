//go:build purego || !(amd64 || arm64)

package asm

// peakFlops is empty where there are no SIMD kernels.
var peakFlops = map[string]struct {
	run   func(n int)
	flops int
}{}
