//go:build !purego

package asm

// Tiles of the NEON micro-kernels: 8 rows × three vectors.
const (
	neonMR, neonNR32, neonNR64 = 8, 12, 6
)

var (
	_ = sgemm.register("neon", Kernel[float32]{Level: "neon", MR: neonMR, NR: neonNR32, Run: sgemmNEON})
	_ = dgemm.register("neon", Kernel[float64]{Level: "neon", MR: neonMR, NR: neonNR64, Run: dgemmNEON})
)

// sgemmNEON is the NEON float32 micro-kernel (8×12; see Kernel).
//
//go:noescape
func sgemmNEON(k int, a, b, c *float32, ldc int, alpha, beta float32)

// dgemmNEON is the NEON float64 micro-kernel (8×6; see Kernel).
//
//go:noescape
func dgemmNEON(k int, a, b, c *float64, ldc int, alpha, beta float64)
