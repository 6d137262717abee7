//go:build !purego

package asm

// peakFlops are, per level, a register-only FMA loop and the float32 flops
// of one of its rounds, for measuring a core's peak rate.
var peakFlops = map[string]struct {
	run   func(n int)
	flops int
}{
	"avx512": {peakFMA512, 24 * 16 * 2},
	"avx2":   {peakFMA256, 12 * 8 * 2},
}

// peakFMA512 runs n rounds of 24 independent AVX-512 float32 FMAs.
//
//go:noescape
func peakFMA512(n int)

// peakFMA256 runs n rounds of 12 independent AVX2 float32 FMAs.
//
//go:noescape
func peakFMA256(n int)
