//go:build !purego

package asm

// peakFlops are, per level, a register-only FMA loop and the float32 flops
// of one of its rounds, for measuring a core's peak rate.
var peakFlops = map[string]struct {
	run   func(n int)
	flops int
}{
	"neon": {peakFMANEON, 24 * 4 * 2},
}

// peakFMANEON runs n rounds of 24 independent NEON float32 FMAs.
//
//go:noescape
func peakFMANEON(n int)
