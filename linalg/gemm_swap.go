package linalg

import "github.com/edge-of-stability/eos/asm"

// swapPays reports whether C is better computed as Cᵀ = op(B)ᵀ·op(A)ᵀ:
// when the transposed product computes fewer padded tile elements (C's
// columns leave a partial NR-wide panel that the transposed product avoids
// or shrinks, as for the first layer's 256×200 output on the 8×32 AVX-512
// kernel) and the multiply-adds saved outweigh transposing the result back.
// It depends only on the shape and the kernel, so results stay independent
// of the thread count.
func swapPays[E asm.Elem](kern *asm.Kernel[E], g *gemmArgs[E]) bool {
	saved := paddedWork(kern, g.m, g.n) - paddedWork(kern, g.n, g.m)
	return saved > 0 && saved*g.k > swapCost*g.m*g.n
}

// paddedWork is the number of C elements the micro-kernel computes for an
// m×n product, edge tiles counted at their full (or half) width.
func paddedWork[E asm.Elem](kern *asm.Kernel[E], m, n int) int {
	cols := n / kern.NR * kern.NR
	switch rem := n % kern.NR; {
	case rem == 0:
	case rem <= kern.NR/2 && kern.RunHalf != nil:
		cols += kern.NR / 2
	default:
		cols += kern.NR
	}
	return roundUp(m, kern.MR) * cols
}

// swapCost is what transposing one element of C back costs, in
// multiply-adds of the micro-kernel (the write-back streams C through memory).
const swapCost = 32

// runSwapped computes Cᵀ = alpha·op(B)ᵀ·op(A)ᵀ into scratch, then C = Cᵀᵀ +
// beta·C, and then runs the epilogue over the whole of C.
func runSwapped[E asm.Elem](threads int, kern asm.Kernel[E], g *gemmArgs[E]) {
	t := getBuffer[E](g.m * g.n)
	defer putBuffer(t)
	s := newGemmArgs[E]()
	*s = gemmArgs[E]{
		tA: !g.tB, tB: !g.tA, m: g.n, n: g.m, k: g.k, alpha: g.alpha,
		a: g.b, lda: g.ldb, aPix: g.bPix, b: g.a, ldb: g.lda, bPix: g.aPix,
		c: *t, ldc: g.m,
	}
	runGemm(threads, kern, s)
	freeGemmArgs(s)
	addTransposed(g.c, g.ldc, *t, g.m, g.n, g.beta, &kern)
	if g.ep != nil {
		g.ep.Finish(0, g.m, 0, g.n)
	}
}

// addTransposed writes c[i*ldc+j] = t[j*m+i] + beta*c[i*ldc+j] for the m×n
// matrix c and the n×m matrix t, not reading c when beta == 0; whole square
// blocks go through the kernel's Transpose then.
func addTransposed[E asm.Elem](c []E, ldc int, t []E, m, n int, beta E, kern *asm.Kernel[E]) {
	j := 0
	if tr := kern.TransposeRows; beta == 0 && kern.Transpose != nil && m >= tr {
		for ; j+tr <= n; j += tr {
			kern.Transpose(&c[j], ldc, &t[j*m], m, m/tr)
		}
		for i := m - m%tr; i < m; i++ { // rows below the last whole block
			for jj := 0; jj < j; jj++ {
				c[i*ldc+jj] = t[jj*m+i]
			}
		}
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc+j : i*ldc+n]
		for jj := range row {
			v := t[(j+jj)*m+i]
			if beta != 0 {
				v += beta * row[jj]
			}
			row[jj] = v
		}
	}
}
