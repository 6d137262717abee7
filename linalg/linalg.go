// Package linalg holds the dense linear algebra eos needs: a packed,
// cache-blocked GEMM driver around the micro-kernels of package asm (which
// also reads uint8 pixel operands, standardising them as it packs, and runs
// epilogues on finished blocks of the output), vector ops, and the
// eigen-solvers (Lanczos, LOBPCG) that measure the sharpness.
package linalg

// Float is the set of element types eos computes in.
type Float interface{ ~float32 | ~float64 }
